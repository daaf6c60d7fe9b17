//! L0408: overlapping tiers (情节档次) of a numeric fact: a tier for larger quantities whose
//! sub-range starts below the end of the tier before it, so that more of the fact can give a
//! lower fine.
//!
//! Tiers chosen by conditions are first-match, so two conditions that hold in the same case are
//! not a conflict in themselves: the first branch applies (docs/rule-language.md, "Tiers chosen
//! by conditions": where the conditions overlap, the heavier tier is written first). What goes
//! wrong is the reverse order: a case meets a later branch's condition whose sub-range is
//! heavier (starts and ends no lower, and is not the same), yet an earlier, lighter branch is
//! chosen, so the heavier circumstance is fined as the lighter one. Reported per pair, with a
//! case that chooses the lighter branch while the heavier one's condition holds.
//!
//! A fine written under `若 … { … } 否则 { … }` applies only to the cases on the way to it: two
//! tiers of a table by a fact overlap only where both are reached by cases on that way (a tier
//! between them that no such case reaches is passed over), and a case showing branches chosen by
//! conditions is one on the way.

use super::case_tiers::case_tier_uses;
use super::scope::tier_uses;
use crate::analysis::Answer;
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports each pair of neighbouring numeric tiers whose sub-ranges overlap beyond one point.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in tier_uses(rules) {
        let rows = &u.tiers.rows;
        if !rows.iter().any(|r| r.key.bound().is_some()) {
            continue;
        }
        // The tiers cases on the way reach (or that are not proven unreached), in order.
        let reached: Vec<usize> = (0..rows.len())
            .filter(|i| !u.selecting(rules, *i).is_proven_no())
            .collect();
        for pair in reached.windows(2) {
            let (i0, i) = (pair[0], pair[1]);
            let (a, b) = (&rows[i0], &rows[i]);
            if b.lo >= a.hi {
                continue;
            }
            let d = Diagnostic::error(
                Code::TierOverlap,
                u.span,
                format!(
                    "{}，第 {} 档 {}..{} 与第 {} 档 {}..{} 重叠",
                    u.subject(rules),
                    i0 + 1,
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
    check_cases(rules, out);
}

/// Reports each pair of branches of a table of tiers chosen by conditions where a case chooses
/// the earlier, lighter one while the later, heavier one's condition holds.
fn check_cases(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for u in case_tier_uses(rules) {
        for j in 1..u.table.rows.len() {
            let (jlo, jhi) = u.range(j);
            let Some(cond) = u.cond(j) else {
                continue;
            };
            for i in 0..j {
                let (ilo, ihi) = u.range(i);
                let heavier = jlo >= ilo && jhi >= ihi && (jlo, jhi) != (ilo, ihi);
                if !heavier {
                    continue;
                }
                let w = match u.choosing(rules, i, Some(cond)) {
                    Answer::Yes(w) => w,
                    Answer::TooLarge(size) => {
                        out.push(u.too_large(rules, i, size));
                        continue;
                    }
                    Answer::No { .. } => continue,
                };
                let d = Diagnostic::error(
                    Code::TierOverlap,
                    u.span,
                    format!(
                        "{}，{}的条件成立时，写在它前面、较轻的{}可能先适用",
                        u.subject(rules),
                        u.branch_words(j),
                        u.branch_words(i)
                    ),
                )
                .label("较重的一档写在较轻的一档之后")
                .help("各档按顺序取第一个条件成立的一档：把较重的一档写在前面，或在较轻一档的条件中排除较重一档的情形（且 不 …）；若这是公布标准的原文，在规则文件中说明");
                let shows = format!(
                    "适用 {} 档 {}..{} 元，第 {} 档「{}」的条件也成立",
                    u.key(i),
                    ilo.normalize(),
                    ihi.normalize(),
                    j + 1,
                    u.table.rows[j].1
                );
                out.push(u.with_example(d, rules, w, &shows));
            }
        }
    }
}
