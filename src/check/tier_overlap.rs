//! L0408: overlapping tiers (情节档次) of a numeric fact: a tier for larger quantities whose
//! sub-range starts below the end of the tier before it, so that more of the fact can give a
//! lower fine.

use super::scope::tier_uses;
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports each pair of neighbouring numeric tiers whose sub-ranges overlap beyond one point.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in tier_uses(rules) {
        let rows = &u.tiers.rows;
        if !rows.iter().any(|r| r.key.bound().is_some()) {
            continue;
        }
        for i in 1..rows.len() {
            let (a, b) = (&rows[i - 1], &rows[i]);
            if b.lo >= a.hi {
                continue;
            }
            let d = Diagnostic::error(
                Code::TierOverlap,
                u.span,
                format!(
                    "{}，第 {} 档 {}..{} 与第 {} 档 {}..{} 重叠",
                    u.subject(rules),
                    i,
                    a.lo.normalize(),
                    a.hi.normalize(),
                    i + 1,
                    b.lo.normalize(),
                    b.hi.normalize()
                ),
            )
            .label("相邻两档的罚款幅度重叠")
            .help("情节较重的一档从前一档的上限开始（首尾相接）；若重叠是公布标准的原文，在规则文件中说明");
            out.push(u.with_example(d, rules, i, |key| {
                format!(
                    "适用 {key} 档 {}..{} 元，其下限低于前一档的上限 {} 元",
                    b.lo.normalize(),
                    b.hi.normalize(),
                    a.hi.normalize()
                )
            }));
        }
    }
}
