//! L0404: a local `应当` lighter or mitigated entry and a local `应当` aggravated entry that can
//! match the same case. Combining (semantics step 7) then applies the mitigation and reports the
//! aggravation as outweighed: the aggravated list's 应当 decides nothing in that case.

use super::scope::{covering, partners, too_large, with_example};
use crate::analysis::{self, Answer, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;
use crate::vocab::{ListKind, Modality};

/// Reports each colliding pair once, at the aggravated entry.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let shall_local = |e: &crate::model::Entry| e.modality == Modality::Shall && !e.statutory;
    let by_violation = covering(rules);
    for (i, a) in rules.entries.iter().enumerate() {
        if a.list != ListKind::Aggravated || !shall_local(a) {
            continue;
        }
        let lighter = |e: &crate::model::Entry| {
            shall_local(e)
                && matches!(
                    e.list,
                    ListKind::Lighter | ListKind::LighterOrMitigated | ListKind::Mitigated
                )
        };
        for (j, v) in partners(rules, &by_violation, i, lighter) {
            let m = &rules.entries[j];
            match analysis::exists(rules, &[&m.cond, &a.cond], |env| {
                holds(env, &m.cond) && holds(env, &a.cond)
            }) {
                Answer::Yes(w) => {
                    let d = Diagnostic::error(
                        Code::ShallCollide,
                        a.span,
                        format!(
                            "应当{}的条目 {} 与应当从重的条目 {} 可以同时适用于一个案件",
                            m.list.zh(),
                            m.id,
                            a.id
                        ),
                    )
                    .label("应当从重")
                    .secondary(m.span, format!("应当{}", m.list.zh()))
                    .help(format!(
                        "两者并存时按{}处理，{} 记为被抵消（有应当从轻、减轻的情节时不从重）；若这不是本意，在一方的条件中排除另一方，或改为“可以”",
                        m.list.zh(),
                        a.id
                    ));
                    let shows = format!(
                        "{} 与 {} 都成立，结果为{}，{} 被抵消",
                        m.id,
                        a.id,
                        if m.list == ListKind::Mitigated {
                            "减轻处罚"
                        } else {
                            "从轻处罚"
                        },
                        a.id
                    );
                    out.push(with_example(d, rules, v, &w, &shows));
                }
                Answer::TooLarge(size) => out.push(too_large(m, "与从重条目的重叠", size)),
                Answer::No { .. } => {}
            }
        }
    }
}
