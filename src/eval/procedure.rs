//! The procedure that follows the outcome: summary procedure (Art. 51), hearing notice
//! (Art. 63) and legal review (Art. 58); and the walk's conclusion.

use super::decision::{Decision, Outcome, Procedure};
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
        procedure(w.rules, w.party, &mut w.out);
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

/// Procedure flags (Arts. 51, 58, 63).
fn procedure(rules: &RuleSet, party: Party, out: &mut Decision) {
    let punishes = !matches!(out.outcome, Outcome::NoPenalty | Outcome::Undetermined);
    let max = out.fine.map(|f| f.max);
    let only_light = out
        .penalties
        .iter()
        .all(|p| matches!(p.kind, PenaltyKind::Warning | PenaltyKind::Fine));
    let summary_limit = rules.params.summary.get(party);
    out.procedure.summary = punishes
        && only_light
        && match (max, summary_limit) {
            (None, _) => true,
            (Some(m), Some(limit)) => m <= limit,
            (Some(_), None) => false,
        };
    let heavy_kind = out.penalties.iter().any(|p| p.kind.needs_hearing());
    let over = |t: Option<Decimal>| matches!((max, t), (Some(m), Some(t)) if m >= t);
    out.procedure.hearing_notice =
        punishes && (heavy_kind || over(rules.params.hearing.get(party)));
    out.procedure.legal_review =
        out.procedure.hearing_notice || (punishes && over(rules.params.legal_review.get(party)));
}
