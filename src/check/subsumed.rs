//! L0405: a list entry that never changes the outcome: whenever it matches, another entry of the
//! same effect (the same list, or 从轻或者减轻 for a 从轻 entry; 应当 where it says 可以 or
//! 应当) matches too, for every violation it covers. The analysis proves the implication over the
//! partitioned fact space.

use super::scope::{covering, partners, too_large, with_example};
use crate::analysis::{self, Answer, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::{Entry, RuleSet};
use crate::vocab::{ListKind, Modality};

/// Whether `f` has at least the effect of `e` wherever both match.
fn covers_effect(e: &Entry, f: &Entry) -> bool {
    let list =
        e.list == f.list || (e.list == ListKind::Lighter && f.list == ListKind::LighterOrMitigated);
    let modality = f.modality == Modality::Shall || e.modality == Modality::May;
    let range = e.ranges == f.ranges;
    let measures = e.measures.iter().all(|m| f.measures.contains(m));
    list && modality && range && measures
}

/// Reports each local entry shadowed by another, once, naming the first that shadows it.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let n = rules.violations.len() as u32;
    let by_violation = covering(rules);
    for (i, e) in rules.entries.iter().enumerate() {
        if e.statutory {
            continue;
        }
        let Some(v) = super::scope::first_covered(rules, e) else {
            continue;
        };
        let covered: Vec<u32> = (0..n).filter(|&v| e.covers.covers(v)).collect();
        for (j, _) in partners(rules, &by_violation, i, |f| covers_effect(e, f)) {
            let f = &rules.entries[j];
            if !covered.iter().all(|&v| f.covers.covers(v)) {
                continue;
            }
            // E without F: a case where E matches and F does not make E count.
            let alone = analysis::exists(rules, &[&e.cond, &f.cond], |env| {
                holds(env, &e.cond) && !holds(env, &f.cond)
            });
            match alone {
                Answer::No { exact: true } => {}
                Answer::TooLarge(size) => {
                    out.push(too_large(e, "是否被其他条目覆盖", size));
                    break;
                }
                _ => continue,
            }
            // Two entries with the same effect that imply each other: report the later one only.
            if j > i && covers_effect(f, e) && f.covers == e.covers && !f.statutory {
                let back = analysis::exists(rules, &[&e.cond, &f.cond], |env| {
                    holds(env, &f.cond) && !holds(env, &e.cond)
                });
                if back.is_proven_no() {
                    continue;
                }
            }
            let Some(w) = analysis::exists(rules, &[&e.cond], |env| holds(env, &e.cond)).witness()
            else {
                // Never matches at all: L0401 says so.
                break;
            };
            let d = Diagnostic::error(
                Code::SubsumedEntry,
                e.span,
                format!(
                    "清单条目 {} 适用时 {} 总是同时适用，{} 不改变任何裁量结果",
                    e.id, f.id, e.id
                ),
            )
            .label("被覆盖的条目")
            .secondary(f.span, "总是同时适用")
            .help(format!(
                "删去 {}，或者让它的条件包含 {} 不成立的情形；若为公布清单的原文，在规则文件中说明",
                e.id, f.id
            ));
            let shows = format!("{} 成立，{} 也成立", e.id, f.id);
            out.push(with_example(d, rules, v, &w, &shows));
            break;
        }
    }
}
