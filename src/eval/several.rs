//! Several norms for one act (Art. 29): each violation is walked, and the norm with the higher
//! fine decides.

use super::CaseError;
use super::decision::{Decision, FineRange, RuleSetInfo};
use super::law;
use super::walk;
use crate::graph::Graph;
use crate::model::{PenaltyKind, RuleSet, Value, ViolationId};
use std::sync::Arc;

/// What a case brings to each walk besides the rules.
pub(crate) struct Inputs<'c> {
    /// The bound facts, by fact index.
    pub(crate) facts: &'c [Option<Value>],
    /// The rule set's name, version and digest, for the decision.
    pub(crate) info: &'c Arc<RuleSetInfo>,
    /// Record the trace.
    pub(crate) trace: bool,
    /// Echoed into the decision.
    pub(crate) case_id: Option<&'c str>,
}

/// Decides a case for one violation, or for several norms of one act (Art. 29).
pub(crate) fn decide(
    rules: &RuleSet,
    graph: &Graph,
    ids: &[ViolationId],
    case: &Inputs<'_>,
) -> Result<Decision, CaseError> {
    if let [id] = ids {
        return walk::decide(rules, graph, *id, case, case.case_id);
    }
    let decided = ids
        .iter()
        .map(|&id| walk::decide(rules, graph, id, case, None))
        .collect::<Result<Vec<_>, _>>()?;
    let mut d = several_norms(decided);
    d.case_id = case.case_id.map(str::to_string);
    Ok(d)
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
