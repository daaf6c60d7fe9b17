//! L0406: a tier (情节档次) no case can reach: every value of its fact is taken by an earlier
//! tier (an option listed twice, a tier after 其余, an integer fact with no whole number between
//! two bounds). The analysis enumerates the fact's domain cut at the bounds.
//!
//! Tiers chosen by conditions are first-match: a branch no case can reach has a condition that
//! never holds, or one that holds only where an earlier branch's holds too (for 其余: some
//! earlier condition holds in every case whose facts are all known). Enumerated over the facts
//! of the branch's and the earlier branches' conditions; reported only where that proves it.
//!
//! A fine written under `若 … { … } 否则 { … }` applies only where the way to it holds (each
//! enclosing condition known and true, or false for `否则`): a tier is reachable only by a case on
//! that way, so the ways' conditions are enumerated with the tiers' facts, and a tier that only
//! cases off the way would select is reported, saying so.

use super::case_tiers::{CaseTierUse, case_tier_uses};
use super::scope::{TierUse, selecting, tier_key, tier_uses};
use crate::analysis::tiers::{path_words, unconditional};
use crate::analysis::{self, Answer, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports each unreachable tier once, of both forms.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in tier_uses(rules) {
        for row in 0..u.tiers.rows.len() {
            match u.selecting(rules, row) {
                Answer::Yes(_) | Answer::No { exact: false } => continue,
                Answer::TooLarge(size) => {
                    out.push(too_large(rules, &u, row, size));
                    continue;
                }
                Answer::No { exact: true } => {}
            }
            let r = &u.tiers.rows[row];
            // Off the way only: the tier's values exist, but no case on the way has them.
            let (why, help) = if !unconditional(&u.paths) && selecting(rules, u.tiers, row).is_some()
            {
                (
                    format!("：这一档的罚款只在{}时适用，这时没有案件选到这一档", path_words(&u.paths)),
                    "罚款写在“若”之下时只对条件相符的案件适用：删去这一档，或改正“若”的条件或档次的界限",
                )
            } else {
                (
                    String::new(),
                    "各档按顺序取第一个相符的一档：检查是否重复写了同一可选值、在“其余”之后还有档次，或整数事实的两个上限之间没有整数",
                )
            };
            out.push(
                Diagnostic::error(
                    Code::TierUnreachable,
                    u.span,
                    format!(
                        "{}的第 {} 档（{}：{}..{}）没有任何案件能达到{why}",
                        u.subject(rules),
                        row + 1,
                        tier_key(rules, u.tiers, row),
                        r.lo.normalize(),
                        r.hi.normalize()
                    ),
                )
                .label("这一档永远不会适用")
                .help(help),
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
    let off_way = !unconditional(&u.paths)
        && CaseTierUse {
            paths: vec![Vec::new()],
            ..*u
        }
        .choosing(rules, i, None)
        .witness()
        .is_some();
    let why = match u.cond(i) {
        _ if off_way => format!(
            "：这一档的罚款只在{}时适用，这时没有案件选到这一档",
            path_words(&u.paths)
        ),
        None => "：前面各档的条件在每个事实都已知的案件中总有一个成立".to_string(),
        Some(e) if analysis::exists(rules, &[e], |env| holds(env, e)).is_proven_no() => {
            "：它的条件在任何案件中都不成立".to_string()
        }
        Some(_) => {
            "：它的条件成立的案件，前面总有一档的条件也成立，先适用前面的一档".to_string()
        }
    };
    let help = if off_way {
        "罚款写在“若”之下时只对条件相符的案件适用：删去这一档，或改正“若”的条件或这一档的条件"
    } else {
        "按条件分档时取第一个条件成立的一档：删去这一档，改正它的条件，或把它移到包含它的一档之前"
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
    .help(help)
}

/// The diagnostic for a tier of a table by a fact whose question is too large (L0499): the
/// ways' conditions read too many facts.
fn too_large(rules: &RuleSet, u: &TierUse<'_>, row: usize, size: u64) -> Diagnostic {
    Diagnostic::error(
        Code::AnalysisTooLarge,
        u.span,
        format!(
            "{}的第 {} 档未能分析：需要枚举 {size} 个案件，超过上限 {}",
            u.subject(rules),
            row + 1,
            crate::limits::ANALYSIS_CASES
        ),
    )
    .label("罚款所在的“若”的条件读取的事实及其取值过多")
    .help("把条件拆成几个谓词，减少一个条件中比较的事实和数值；上限见 docs/limits.md")
}
