//! L0403: an entry of a local no-penalty list and an aggravated entry that can match the same
//! case of a violation both cover. The walk decides no penalty first (semantics step 5), so the
//! aggravating circumstance is never weighed: the drafter should say which one governs.

use super::scope::{covering, partners, too_large, with_example};
use crate::analysis::{self, Answer, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;
use crate::vocab::ListKind;

/// Reports each local no-penalty entry once, with every aggravated entry it can meet.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let by_violation = covering(rules);
    for (i, n) in rules.entries.iter().enumerate() {
        if n.list != ListKind::NoPenalty || n.statutory {
            continue;
        }
        let mut first = None;
        let mut others = Vec::new();
        for (j, v) in partners(rules, &by_violation, i, |e| e.list == ListKind::Aggravated) {
            let a = &rules.entries[j];
            match analysis::exists(rules, &[&n.cond, &a.cond], |env| {
                holds(env, &n.cond) && holds(env, &a.cond)
            }) {
                Answer::Yes(w) => {
                    if first.is_none() {
                        first = Some((a, v, w));
                    } else {
                        others.push(a);
                    }
                }
                Answer::TooLarge(size) => out.push(too_large(n, "与从重条目的重叠", size)),
                Answer::No { .. } => {}
            }
        }
        let Some((a, v, w)) = first else {
            continue;
        };
        let mut names = vec![a.id.to_string()];
        names.extend(others.iter().map(|o| o.id.to_string()));
        let mut d = Diagnostic::error(
            Code::NoPenaltyWithAggravated,
            n.span,
            format!(
                "不予处罚条目 {} 与从重条目 {} 可以同时适用于一个案件",
                n.id,
                names.join("、")
            ),
        )
        .label("不予处罚")
        .secondary(a.span, "从重")
        .help(format!(
            "引擎先判断不予处罚（第三十三条），从重情节不再考虑；若有从重情节时不应不予处罚，在 {} 的条件中排除它（且 不 …），否则在规则文件中说明",
            n.id
        ));
        for o in &others {
            d = d.secondary(o.span, "从重");
        }
        let shows = format!("{} 与 {} 都成立，结果为不予处罚", n.id, a.id);
        out.push(with_example(d, rules, v, &w, &shows));
    }
}
