//! Several norms for one act (Art. 29): each violation is walked, and the norm with the higher
//! fine decides.

use super::CaseError;
use super::law;
use super::walk;
use crate::decision::{Decision, FineRange, RuleSetInfo};
use crate::graph::Graph;
use crate::model::{PenaltyKind, RuleSet, Value, ViolationId};
use std::sync::Arc;

/// Decides a case for one violation, or for several norms of one act (Art. 29).
pub(crate) fn decide(
    rules: &RuleSet,
    graph: &Graph,
    ids: &[ViolationId],
    facts: &[Option<Value>],
    info: &Arc<RuleSetInfo>,
    trace: bool,
) -> Result<Decision, CaseError> {
    let one = |id: ViolationId| walk::decide(rules, graph, id, facts, info, trace);
    match ids {
        [id] => one(*id),
        many => Ok(several_norms(
            many.iter()
                .map(|&id| one(id))
                .collect::<Result<Vec<_>, _>>()?,
        )),
    }
}

/// Art. 29: the norm with the higher fine decides (highest statutory maximum for this party,
/// then the highest minimum); the others are reported in `concurrent` with their fines
/// suppressed.
fn several_norms(mut decided: Vec<Decision>) -> Decision {
    let key = |f: &Option<FineRange>| f.map(|f| (f.max, f.min));
    let best = decided
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| key(&a.statutory).cmp(&key(&b.statutory)).then(j.cmp(i)))
        .map_or(0, |(i, _)| i);
    let mut d = decided.swap_remove(best);
    for mut o in decided {
        o.fine = None;
        o.penalties.retain(|p| p.kind != PenaltyKind::Fine);
        o.concurrent.clear();
        d.concurrent.push(o);
    }
    let art29: Arc<str> = law::ART_29.into();
    if !d.basis.contains(&art29) {
        d.basis.push(art29);
    }
    d
}
