//! Coverage of a rule set by its test cases (`caliper test --coverage`): which list entries
//! applied, which tiers were selected, which conditions were seen both true and false, which
//! hooks ran, per rule file, with the lines of what no case exercised.

use super::Witness;
use crate::model::{FactType, RuleSet, TierKey, Value};
use crate::{Case, Decision, Rules};

/// One thing a test can exercise.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    /// `entry`, `tier`, `branch` or `hook`.
    pub kind: &'static str,
    /// The id (an entry or hook id; `CODE 档次 KEY` for a tier; `ID 成立` / `ID 不成立` for a
    /// condition's branch).
    pub id: String,
    /// `path:line:col` where it is written.
    pub location: String,
    /// Whether a case exercised it.
    pub covered: bool,
}

/// Coverage per file.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Coverage {
    /// Everything, in rule-set order.
    pub items: Vec<Item>,
}

impl Coverage {
    /// The report in Chinese: per file and kind, covered / total, and what is never exercised.
    pub fn text(&self) -> String {
        let mut files: Vec<&str> = Vec::new();
        for i in &self.items {
            let f = file_of(&i.location);
            if !files.contains(&f) {
                files.push(f);
            }
        }
        let mut out = String::from("覆盖率（测试案例实际经过的规则）：\n");
        for f in files {
            let here: Vec<&Item> = self
                .items
                .iter()
                .filter(|i| file_of(&i.location) == f)
                .collect();
            let mut parts = Vec::new();
            for (kind, zh) in [
                ("entry", "清单条目"),
                ("tier", "情节档次"),
                ("branch", "条件分支"),
                ("hook", "钩子"),
            ] {
                let all = here.iter().filter(|i| i.kind == kind).count();
                if all > 0 {
                    let hit = here.iter().filter(|i| i.kind == kind && i.covered).count();
                    parts.push(format!("{zh} {hit}/{all}"));
                }
            }
            out.push_str(&format!("{f}：{}\n", parts.join("，")));
            for i in here.iter().filter(|i| !i.covered) {
                out.push_str(&format!("    未经过：{} {}\n", i.location, i.id));
            }
        }
        out
    }
}

fn file_of(location: &str) -> &str {
    location.split(':').next().unwrap_or(location)
}

/// Runs the cases and records what they exercise.
pub fn coverage(rules: &Rules, cases: &[Case]) -> Coverage {
    let m = rules.model();
    let decisions: Vec<(&Case, Decision)> = cases
        .iter()
        .filter_map(|c| rules.evaluate(c).ok().map(|d| (c, d)))
        .collect();
    let mut items = Vec::new();
    let all_decisions = |d: &Decision| -> Vec<Decision> {
        let mut v = vec![d.clone()];
        v.extend(d.concurrent.iter().cloned());
        v
    };
    let flat: Vec<(&Case, Decision)> = decisions
        .iter()
        .flat_map(|(c, d)| all_decisions(d).into_iter().map(move |x| (*c, x)))
        .collect();
    for e in &m.entries {
        let applied = flat
            .iter()
            .any(|(_, d)| d.applied.iter().chain(&d.outweighed).any(|a| a.id == e.id));
        items.push(Item {
            kind: "entry",
            id: e.id.to_string(),
            location: e.location.to_string(),
            covered: applied,
        });
        let mut seen = [false, false];
        for (c, d) in &flat {
            let Some(&v) = m.violation_index.get(&*d.violation) else {
                continue;
            };
            if !e.covers.covers(v) {
                continue;
            }
            let w = witness_of(m, c);
            match super::truth_on(m, &w, &e.cond) {
                Some(true) => seen[0] = true,
                Some(false) => seen[1] = true,
                None => {}
            }
        }
        for (i, side) in ["成立", "不成立"].iter().enumerate() {
            items.push(Item {
                kind: "branch",
                id: format!("{} {side}", e.id),
                location: e.location.to_string(),
                covered: seen[i],
            });
        }
    }
    for (vi, v) in m.violations.iter().enumerate() {
        for t in super::tiers::tier_tables_of(m, vi as u32) {
            for (row, r) in t.rows.iter().enumerate() {
                let hit = flat.iter().any(|(c, d)| {
                    *d.violation == *v.code && {
                        let w = witness_of(m, c);
                        w.get(t.fact)
                            .and_then(|x| t.select(x))
                            .is_some_and(|sel| std::ptr::eq(sel, r))
                    }
                });
                let key = match r.key {
                    TierKey::UpTo(n) => format!("..{}", n.normalize()),
                    _ => super::tiers::tier_key(m, t, row),
                };
                items.push(Item {
                    kind: "tier",
                    id: format!("{} 档次 {key}", v.code),
                    location: v.location.to_string(),
                    covered: hit,
                });
            }
        }
    }
    for h in &m.hooks {
        let ran = flat.iter().any(|(_, d)| {
            serde_json::to_string(&d.trace).is_ok_and(|t| t.contains(&*h.id))
                && !serde_json::to_string(&d.trace)
                    .is_ok_and(|t| t.contains(&format!("地方例外 {} 未运行", h.id)))
        });
        items.push(Item {
            kind: "hook",
            id: h.id.to_string(),
            location: h.location.to_string(),
            covered: ran,
        });
    }
    Coverage { items }
}

/// The facts of a case document as a witness of the model (facts it does not declare left out).
pub fn witness_of(m: &RuleSet, case: &Case) -> Witness {
    let mut w = Witness::default();
    for (name, v) in &case.facts {
        let Some(&f) = m.fact_index.get(name.as_str()) else {
            continue;
        };
        let value = match (&m.facts[f as usize].ty, v) {
            (FactType::Bool, serde_json::Value::Bool(b)) => Some(Value::Bool(*b)),
            (FactType::Int, n) => n.as_i64().map(Value::Int),
            (FactType::Decimal | FactType::Money, n) if n.is_number() => {
                n.to_string().parse().ok().map(Value::Dec)
            }
            (FactType::Date, serde_json::Value::String(s)) => s.parse().ok().map(Value::Date),
            (FactType::Enum(vs), serde_json::Value::String(s)) => vs
                .iter()
                .position(|(x, _)| x == s)
                .map(|i| Value::Enum(crate::limits::option_index(i))),
            _ => None,
        };
        if let Some(value) = value {
            w.set(f, value);
        }
    }
    w
}
