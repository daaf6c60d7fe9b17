//! `caliper replay`: re-evaluates decision records with the rules they were made under (kept in
//! the record store by digest) and reports any difference; then with the current rules, and
//! reports how the recommendation would change.

use super::{EXIT_CANNOT_RUN, EXIT_OK, EXIT_TEST_FAILED, load_rules};
use crate::server::records::{Record, Store};
use caliper::Rules;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// The fields of a decision compared against the current rules: what a caseworker would see
/// change.
const RECOMMENDATION: [&str; 9] = [
    "outcome",
    "mandatory",
    "fine",
    "penalties",
    "measures",
    "procedure",
    "applied",
    "needs",
    "basis",
];

pub fn run(db: &Path, current: Option<&Path>, ids: &[i64]) -> u8 {
    if !db.exists() {
        eprintln!("错误：找不到决定记录库 {}", db.display());
        return EXIT_CANNOT_RUN;
    }
    let store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：{e}");
            return EXIT_CANNOT_RUN;
        }
    };
    let now = match load_rules(current) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let ids = if ids.is_empty() {
        match store.ids() {
            Ok(ids) => ids,
            Err(e) => {
                eprintln!("错误：{e}");
                return EXIT_CANNOT_RUN;
            }
        }
    } else {
        ids.to_vec()
    };
    let mut then: HashMap<String, Option<Rules>> = HashMap::new();
    let (mut same, mut differ, mut unreplayable) = (0, 0, 0);
    for id in ids {
        let rec = match store.get(id) {
            Ok(Some(r)) => r,
            Ok(None) => {
                outln!("记录 {id}：不存在");
                unreplayable += 1;
                continue;
            }
            Err(e) => {
                eprintln!("错误：{e}");
                return EXIT_CANNOT_RUN;
            }
        };
        let rules = then
            .entry(rec.ruleset_digest.clone())
            .or_insert_with(|| kept_rules(&store, &rec.ruleset_digest));
        let Some(rules) = rules else {
            outln!(
                "记录 {id}：记录时的规则集 {} 的文本不在库中，无法重新计算",
                rec.ruleset_digest
            );
            unreplayable += 1;
            continue;
        };
        let case = pinned_case(&rec);
        let recorded: Value = serde_json::from_str(&rec.decision_json).unwrap_or(Value::Null);
        let again = decide(rules, &case);
        let diffs = differences(&recorded, &again, None);
        if diffs.is_empty() {
            same += 1;
            outln!(
                "记录 {id}（{}，{}）：按记录时的规则 {} 重新计算，结果一致",
                rec.violation,
                rec.recorded_at,
                rec.ruleset_version
            );
        } else {
            differ += 1;
            outln!(
                "记录 {id}（{}，{}）：按记录时的规则 {} 重新计算，结果不同：",
                rec.violation,
                rec.recorded_at,
                rec.ruleset_version
            );
            for d in diffs {
                outln!("  {d}");
            }
        }
        let info = now.info();
        if *info.digest != *rec.ruleset_digest {
            let current = decide(&now, &case);
            let changes = differences(&recorded, &current, Some(&RECOMMENDATION));
            if changes.is_empty() {
                outln!("  按当前规则 {}（{}）：建议不变", info.version, info.digest);
            } else {
                outln!(
                    "  按当前规则 {}（{}），建议会变化：",
                    info.version,
                    info.digest
                );
                for c in changes {
                    outln!("    {c}");
                }
            }
        }
    }
    outln!("重新计算：{same} 条一致，{differ} 条不同，{unreplayable} 条无法重新计算");
    if differ + unreplayable > 0 {
        EXIT_TEST_FAILED
    } else {
        EXIT_OK
    }
}

fn kept_rules(store: &Store, digest: &str) -> Option<Rules> {
    let kept = store.ruleset(digest).ok()??;
    Rules::from_sources(&kept.files, &kept.root).ok()
}

/// The case as recorded, with `decision_date` pinned to the day it was recorded (China time, as
/// the engine's "today") where the case left it to the engine: a replay years later judges the
/// law in force and limitation as they were judged then.
fn pinned_case(rec: &Record) -> String {
    let Ok(mut case) = serde_json::from_str::<Value>(&rec.case_json) else {
        return rec.case_json.clone();
    };
    let china = jiff::tz::Offset::constant(8);
    let day = rec.recorded_at.parse::<jiff::Timestamp>().map_or_else(
        |_| rec.recorded_at.get(..10).unwrap_or_default().to_string(),
        |t| china.to_datetime(t).date().to_string(),
    );
    if let Some(facts) = case.get_mut("facts").and_then(Value::as_object_mut) {
        facts
            .entry("decision_date")
            .or_insert_with(|| Value::String(day));
    }
    case.to_string()
}

fn decide(rules: &Rules, case: &str) -> Value {
    match rules.evaluate_json(case) {
        Ok(d) => serde_json::to_value(&d).unwrap_or(Value::Null),
        Err(e) => e.to_document(),
    }
}

/// The fields that differ (the trace aside: its words may change with the engine), each as
/// `field: before → after`.
fn differences(before: &Value, after: &Value, only: Option<&[&str]>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| k.as_str() != "trace" && only.is_none_or(|o| o.contains(&k.as_str())))
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| {
            let show = |v: Option<&Value>| v.map_or_else(|| "（无）".to_string(), Value::to_string);
            format!("{k}: {} → {}", show(b.get(k)), show(a.get(k)))
        })
        .collect()
}
