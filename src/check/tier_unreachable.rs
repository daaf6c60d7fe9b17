//! L0406: a tier (情节档次) no case can reach: every value of its fact is taken by an earlier
//! tier (an option listed twice, a tier after 其余, an integer fact with no whole number between
//! two bounds). The analysis enumerates the fact's domain cut at the bounds.

use super::scope::{selecting, tier_key, tier_uses};
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports each unreachable tier once.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in tier_uses(rules) {
        for row in 0..u.tiers.rows.len() {
            if selecting(rules, u.tiers, row).is_some() {
                continue;
            }
            let r = &u.tiers.rows[row];
            out.push(
                Diagnostic::error(
                    Code::TierUnreachable,
                    u.span,
                    format!(
                        "{}的第 {} 档（{}：{}..{}）没有任何案件能达到",
                        u.subject(rules),
                        row + 1,
                        tier_key(rules, u.tiers, row),
                        r.lo.normalize(),
                        r.hi.normalize()
                    ),
                )
                .label("这一档永远不会适用")
                .help("各档按顺序取第一个相符的一档：检查是否重复写了同一可选值、在“其余”之后还有档次，或整数事实的两个上限之间没有整数"),
            );
        }
    }
}
