//! The procedure that follows the outcome: summary procedure (Art. 51), hearing notice
//! (Art. 63) and legal review (Art. 58); and the walk's conclusion.

use super::decision::{Decision, FineRange, Flag, Outcome, PenaltyOut, Procedure};
use super::end::lazy_statutory;
use super::trace::Step;
use super::walk::{Flow, Walk};
use crate::model::{PenaltyKind, RuleSet};
use crate::vocab::Party;
use rust_decimal::Decimal;

/// The last node of a walk that reached step 7: procedure, the result line, the statutory range.
pub(super) fn run(w: &mut Walk<'_>) -> Flow {
    if w.out.outcome == Outcome::NoPenalty {
        w.out.procedure = Procedure::default();
    } else {
        procedure(w.rules, w.party, w.out);
    }
    let (outcome, mandatory, fine) = (w.out.outcome, w.out.mandatory, w.out.fine);
    w.rec.step(|| Step::Result {
        outcome,
        mandatory,
        fine,
    });
    w.out.statutory = match &w.statutory {
        Some(s) => Some(s.range),
        None => lazy_statutory(w),
    };
    Flow::Done
}

/// Procedure flags (Arts. 51, 58, 63) of a decision, from its recommended range.
pub(super) fn procedure(rules: &RuleSet, party: Party, out: &mut Decision) {
    // Art. 29 can leave a punishing outcome with nothing to impose: no procedure then.
    let punishes = !matches!(out.outcome, Outcome::NoPenalty | Outcome::Undetermined)
        && !out.penalties.is_empty();
    let collective = out.procedure.collective_discussion;
    out.procedure = flags(rules, party, punishes, out.fine, &out.penalties);
    if collective {
        // Collective discussion is a step of the general procedure (Art. 57), not the summary one.
        out.procedure.collective_discussion = true;
        out.procedure.legal_review = Flag::Yes;
        out.procedure.summary = false;
    }
}

/// Procedure flags for a fine range (a single amount is `n..n`) and penalties. A range that
/// straddles a hearing or review threshold gives "if the fine reaches N".
pub(crate) fn flags(
    rules: &RuleSet,
    party: Party,
    punishes: bool,
    fine: Option<FineRange>,
    penalties: &[PenaltyOut],
) -> Procedure {
    if !punishes {
        return Procedure::default();
    }
    let light = |k: PenaltyKind| matches!(k, PenaltyKind::Warning | PenaltyKind::Fine);
    let only_light = penalties.iter().all(|p| light(p.kind));
    let summary_limit = rules.params.summary.get(party);
    let fits = match (fine.map(|f| f.max), summary_limit) {
        (None, _) => true,
        (Some(m), Some(limit)) => cmp_amount(m, limit).is_le(),
        (Some(_), None) => false,
    };
    // 处警告或者罚款: with the warning chosen, no fine remains for Art. 51 to weigh.
    let warning_instead = penalties
        .iter()
        .all(|p| p.kind != PenaltyKind::Fine || p.alternatives.contains(&PenaltyKind::Warning))
        && penalties.iter().any(|p| {
            p.kind == PenaltyKind::Warning || p.alternatives.contains(&PenaltyKind::Warning)
        });
    let summary = only_light && (fits || warning_instead);

    let heavy_kind = penalties.iter().any(|p| p.kind.needs_hearing());
    let hearing_threshold = rules.params.hearing.get(party);
    // Confiscations of that value need a hearing notice too (河南省行政处罚听证办法 第四条第二项).
    let confiscated = penalties
        .iter()
        .filter(|p| p.kind == PenaltyKind::ConfiscateIncome)
        .filter_map(|p| p.amount)
        .max();
    let hearing = if heavy_kind || reaches(confiscated, hearing_threshold) {
        Flag::Yes
    } else {
        at(fine, hearing_threshold)
    };
    let legal_review = earliest(hearing, at(fine, rules.params.legal_review.get(party)));
    Procedure {
        summary,
        hearing_notice: hearing,
        legal_review,
        collective_discussion: false,
    }
}

/// Whether an amount reaches a threshold ("以上" includes the number).
fn reaches(amount: Option<Decimal>, threshold: Option<Decimal>) -> bool {
    matches!((amount, threshold), (Some(a), Some(t)) if cmp_amount(a, t).is_ge())
}

/// A threshold on the fine: never reached, always reached, or reached inside the range.
fn at(fine: Option<FineRange>, threshold: Option<Decimal>) -> Flag {
    match (fine, threshold) {
        (Some(f), Some(t)) if cmp_amount(f.min, t).is_ge() => Flag::Yes,
        (Some(f), Some(t)) if cmp_amount(f.max, t).is_ge() => Flag::IfFineAtLeast(t),
        _ => Flag::No,
    }
}

/// `a` against `b`: amounts of one scale (the usual case) by their mantissas, which is what
/// `Decimal`'s own comparison computes after aligning the scales, at a fraction of the cost.
#[inline]
fn cmp_amount(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    if a.scale() == b.scale() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(&b)
    }
}

/// The flag that requires the procedure first: either of two reasons.
fn earliest(a: Flag, b: Flag) -> Flag {
    match (a, b) {
        (Flag::Yes, _) | (_, Flag::Yes) => Flag::Yes,
        (Flag::IfFineAtLeast(x), Flag::IfFineAtLeast(y)) => Flag::IfFineAtLeast(x.min(y)),
        (Flag::IfFineAtLeast(x), Flag::No) | (Flag::No, Flag::IfFineAtLeast(x)) => {
            Flag::IfFineAtLeast(x)
        }
        (Flag::No, Flag::No) => Flag::No,
    }
}

#[cfg(test)]
mod tests {
    use super::cmp_amount;
    use rust_decimal::Decimal;

    #[test]
    fn amounts_compare_as_decimals_do_whatever_their_scales() {
        let d = |m: i64, s: u32| Decimal::new(m, s);
        let pairs = [
            (d(200, 0), d(200, 0)),
            (d(1999, 1), d(200, 0)),
            (d(2000, 1), d(200, 0)),
            (d(-5, 0), d(3, 0)),
            (d(0, 0), -d(0, 0)),
            (d(14000, 2), d(140, 0)),
            (d(i64::MAX, 0), d(i64::MAX - 1, 0)),
        ];
        for (a, b) in pairs {
            assert_eq!(cmp_amount(a, b), a.cmp(&b), "{a} against {b}");
            assert_eq!(cmp_amount(b, a), b.cmp(&a), "{b} against {a}");
        }
    }
}
