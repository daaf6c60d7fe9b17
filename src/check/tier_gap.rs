//! L0407: a gap between tiers (情节档次): fine amounts inside the statutory range that no tier's
//! sub-range reaches, so that one more unit of the fact makes the fine jump over them.
//!
//! Tiers chosen by conditions always end in 其余, so no case is left without a tier: every
//! combination of the facts reaches one (an unknown fact leaves the tier undetermined, and the
//! decision asks for it). What can be missing is the same as for the other form: amounts of
//! the statutory range that no branch a case can reach covers. A branch no case reaches
//! (L0406) covers nothing.
//!
//! A fine written under `若 … { … } 否则 { … }` applies only to the cases on the way to it: a tier
//! (of either form) covers its sub-range only where a case on that way reaches it, and a table
//! whose way no case can take has no gap (its tiers are L0406's).

use super::case_tiers::case_tier_uses;
use super::scope::tier_uses;
use crate::analysis::Answer;
use crate::analysis::tiers::on_some_way;
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;
use rust_decimal::Decimal;

/// Reports each uncovered stretch of the statutory range once per tier table.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in tier_uses(rules) {
        if on_some_way(rules, &u.paths).is_proven_no() {
            continue;
        }
        // A tier no case on the way selects covers nothing; one not proven so may.
        let mut rows: Vec<(usize, Decimal, Decimal)> = u
            .tiers
            .rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !u.selecting(rules, *i).is_proven_no())
            .map(|(i, r)| (i, r.lo, r.hi))
            .collect();
        rows.sort_by_key(|r| (r.1, r.2));
        let statutory = format!(
            "（法定幅度 {}..{}）",
            u.spec.lo.normalize(),
            u.spec.hi.normalize()
        );
        let mut reach = u.spec.lo;
        for (i, lo, hi) in rows {
            if lo > reach {
                let d = Diagnostic::error(
                    Code::TierGap,
                    u.span,
                    format!(
                        "{}，罚款 {}..{} 元之间没有任何一档{statutory}",
                        u.subject(rules),
                        reach.normalize(),
                        lo.normalize(),
                    ),
                )
                .label("档次之间有空档")
                .help("让相邻两档首尾相接（前一档的上限等于后一档的下限），或在规则文件中说明空档的理由");
                out.push(u.with_example(d, rules, i, |key| {
                    format!("适用 {key} 档 {}..{} 元", lo.normalize(), hi.normalize())
                }));
            }
            reach = reach.max(hi);
        }
        if reach < u.spec.hi {
            out.push(
                Diagnostic::error(
                    Code::TierGap,
                    u.span,
                    format!(
                        "{}，罚款 {}..{} 元没有任何一档{statutory}",
                        u.subject(rules),
                        reach.normalize(),
                        u.spec.hi.normalize(),
                    ),
                )
                .label("最高一档没有达到法定最高额")
                .help("让最高一档的上限等于法定幅度的上限，或在规则文件中说明理由"),
            );
        }
    }
    check_cases(rules, out);
}

/// Reports each stretch of the statutory range that no reachable branch of a table of tiers
/// chosen by conditions covers.
fn check_cases(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in case_tier_uses(rules) {
        if on_some_way(rules, &u.paths).is_proven_no() {
            continue;
        }
        let mut rows = Vec::new();
        for i in 0..u.branches() {
            let (lo, hi) = u.range(i);
            match u.choosing(rules, i, None) {
                Answer::Yes(w) => rows.push((i, lo, hi, Some(w))),
                // Not proven unreachable: it may cover its range.
                Answer::No { exact: false } | Answer::TooLarge(_) => rows.push((i, lo, hi, None)),
                Answer::No { exact: true } => {}
            }
        }
        rows.sort_by_key(|r| (r.1, r.2));
        let statutory = format!(
            "（法定幅度 {}..{}）",
            u.spec.lo.normalize(),
            u.spec.hi.normalize()
        );
        let mut reach = u.spec.lo;
        for (i, lo, hi, w) in rows {
            if lo > reach {
                let d = Diagnostic::error(
                    Code::TierGap,
                    u.span,
                    format!(
                        "{}，罚款 {}..{} 元之间没有任何案件能达到的一档{statutory}",
                        u.subject(rules),
                        reach.normalize(),
                        lo.normalize(),
                    ),
                )
                .label("档次之间有空档")
                .help("让各档的幅度首尾相接（较轻一档的上限等于较重一档的下限），或在规则文件中说明空档的理由");
                out.push(match w {
                    Some(w) => {
                        let shows = format!(
                            "适用 {} 档 {}..{} 元",
                            u.key(i),
                            lo.normalize(),
                            hi.normalize()
                        );
                        u.with_example(d, rules, w, &shows)
                    }
                    None => d,
                });
            }
            reach = reach.max(hi);
        }
        if reach < u.spec.hi {
            out.push(
                Diagnostic::error(
                    Code::TierGap,
                    u.span,
                    format!(
                        "{}，罚款 {}..{} 元没有任何案件能达到的一档{statutory}",
                        u.subject(rules),
                        reach.normalize(),
                        u.spec.hi.normalize(),
                    ),
                )
                .label("最重一档没有达到法定最高额")
                .help("让最重一档的上限等于法定幅度的上限，或在规则文件中说明理由"),
            );
        }
    }
}

