//! L0406: a tier (情节档次) no case can reach: every value of its fact is taken by an earlier
//! tier (an option listed twice, a tier after 其余, an integer fact with no whole number between
//! two bounds). The analysis enumerates the fact's domain cut at the bounds.
//!
//! Tiers chosen by conditions are first-match: a branch no case can reach has a condition that
//! never holds, or one that holds only where an earlier branch's holds too (for 其余: some
//! earlier condition holds in every case whose facts are all known). Enumerated over the facts
//! of the branch's and the earlier branches' conditions; reported only where that proves it.

use super::case_tiers::{CaseTierUse, case_tier_uses};
use super::scope::{selecting, tier_key, tier_uses};
use crate::analysis::{self, Answer, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports each unreachable tier once, of both forms.
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
    check_cases(rules, out);
}

/// Reports each branch of a table of tiers chosen by conditions that no case chooses.
fn check_cases(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in case_tier_uses(rules) {
        for i in 0..u.branches() {
            match u.choosing(rules, i, None) {
                Answer::No { exact: true } => out.push(unreachable(rules, &u, i)),
                Answer::TooLarge(size) => out.push(u.too_large(rules, i, size)),
                Answer::Yes(_) | Answer::No { exact: false } => {}
            }
        }
    }
}

/// The finding for branch `i`, saying why no case reaches it.
fn unreachable(rules: &RuleSet, u: &CaseTierUse<'_>, i: usize) -> Diagnostic {
    let why = match u.cond(i) {
        None => "：前面各档的条件在每个事实都已知的案件中总有一个成立",
        Some(e) if analysis::exists(rules, &[e], |env| holds(env, e)).is_proven_no() => {
            "：它的条件在任何案件中都不成立"
        }
        Some(_) => "：它的条件成立的案件，前面总有一档的条件也成立，先适用前面的一档",
    };
    Diagnostic::error(
        Code::TierUnreachable,
        u.span,
        format!(
            "{}，{}没有任何案件能达到{why}",
            u.subject(rules),
            u.branch_words(i)
        ),
    )
    .label("这一档永远不会适用")
    .help("按条件分档时取第一个条件成立的一档：删去这一档，改正它的条件，或把它移到包含它的一档之前")
}
