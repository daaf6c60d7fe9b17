//! The procedure that follows the outcome: summary procedure (Art. 51), hearing notice
//! (Art. 63) and legal review (Art. 58).

use crate::decision::*;
use crate::model::{PenaltyKind, RuleSet};
use crate::syntax::ast::Party;
use rust_decimal::Decimal;

/// Procedure flags (Arts. 51, 58, 63).
pub(super) fn procedure(rules: &RuleSet, party: Party, out: &mut Decision) {
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
