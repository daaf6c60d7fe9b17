//! L0412: a no-penalty entry whose condition does not imply the statutory ground it cites
//! (semantics, "No penalty only on a ground the law gives"): an entry citing Art. 33 para 1
//! must require 初次违法 ∧ 危害后果轻微 ∧ 及时改正 (second sentence) or 违法行为轻微 ∧ 及时改正 ∧
//! 没有危害后果 (first sentence); Art. 30 an individual under 14; Art. 31 a party unable to
//! recognise or control the conduct; Art. 33 para 2 evidence of no fault. An entry citing none
//! of these has no ground: a local list may narrow the grounds, never widen them.

use super::scope::{first_covered, too_large, with_example};
use super::statute::{Grounds, cited};
use crate::analysis::{self, Answer, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;
use crate::vocab::ListKind;

/// Reports each local no-penalty entry that can apply where its cited ground does not hold.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let grounds = Grounds::of(rules);
    for e in rules
        .entries
        .iter()
        .filter(|e| e.list == ListKind::NoPenalty && !e.statutory)
    {
        let Some(v) = first_covered(rules, e) else {
            continue;
        };
        let articles = cited(e);
        let exprs: Vec<_> = articles
            .iter()
            .flat_map(|a| grounds.of_article(*a))
            .collect();
        if articles.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::NoPenaltyWithoutGround,
                    e.span,
                    format!("不予处罚条目 {} 没有引用法定的不予处罚事由", e.id),
                )
                .label("不予处罚")
                .help("不予处罚须有法定事由：《中华人民共和国行政处罚法》第三十条、第三十一条、第三十三条；引用所依据的条款，并让条件包含该条款的要件"),
            );
            continue;
        }
        if exprs.is_empty() {
            continue;
        }
        let mut conds = vec![&e.cond];
        conds.extend(exprs.iter().copied());
        let cites: Vec<&str> = articles.iter().map(|a| a.cite()).collect();
        match analysis::exists(rules, &conds, |env| {
            holds(env, &e.cond) && !exprs.iter().any(|g| holds(env, g))
        }) {
            Answer::Yes(w) => {
                let d = Diagnostic::error(
                    Code::NoPenaltyWithoutGround,
                    e.span,
                    format!(
                        "不予处罚条目 {} 的条件不蕴含所引{}的法定事由",
                        e.id,
                        cites.join("、")
                    ),
                )
                .label("条件比法定事由宽")
                .help(
                    "地方清单只能收窄不予处罚的事由，不能放宽：第三十三条第一款要求“初次违法且危害后果轻微并及时改正”（first_offense 且 harm 属于 {none, minor} 且 corrected），或者“违法行为轻微并及时改正，没有造成危害后果”；在条件中加上缺少的要件",
                );
                let shows = format!("{} 适用而{}的事由不成立", e.id, cites.join("、"));
                out.push(with_example(d, rules, v, &w, &shows));
            }
            Answer::TooLarge(size) => out.push(too_large(e, "法定事由", size)),
            Answer::No { .. } => {}
        }
    }
}
