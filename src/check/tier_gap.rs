//! L0407: a gap between tiers (情节档次): fine amounts inside the statutory range that no tier's
//! sub-range reaches, so that one more unit of the fact makes the fine jump over them.

use super::scope::tier_uses;
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;
use rust_decimal::Decimal;

/// Reports each uncovered stretch of the statutory range once per tier table.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in tier_uses(rules) {
        let mut rows: Vec<(usize, Decimal, Decimal)> = u
            .tiers
            .rows
            .iter()
            .enumerate()
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
}
