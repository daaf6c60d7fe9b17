//! Several norms for one act (Art. 29): each violation is walked, and the norm with the higher
//! fine decides. A violation whose act a higher-rank norm also punishes (`上位法`) brings that
//! norm in by itself, without the officer naming both codes; where the lower norm defers to it
//! (`从其规定`), the higher one governs.

use super::CaseError;
use crate::diag::Code;
use super::cond::Env;
use super::decision::{Decision, FineRange, RuleSetInfo};
use super::law;
use super::trace::Step;
use super::walk;
use crate::graph::Graph;
use crate::model::{FactId, PenaltyKind, RuleSet, Value, ViolationId};
use crate::vocab::Outcome;
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
    let mut no_higher = ids
        .iter()
        .all(|&id| rules.violations[id as usize].higher.is_empty());
    if let ([id], false) = (ids, no_higher) {
        // Most acts are not the part a higher norm covers: decide that without allocating.
        let mut env = Env::new(rules, case.facts);
        no_higher = rules.violations[*id as usize]
            .higher
            .iter()
            .all(|h| matches!(&h.when, Some((c, _)) if env.truth(c) == Some(false)));
    }
    if let ([id], true) = (ids, no_higher) {
        return walk::decide(rules, graph, *id, case, case.case_id);
    }
    if no_higher {
        let decided = ids
            .iter()
            .map(|&id| walk::decide(rules, graph, id, case, None))
            .collect::<Result<Vec<_>, _>>()?;
        let mut d = several_norms(decided, None);
        d.case_id = case.case_id.map(str::to_string);
        return Ok(d);
    }
    let mut higher = bring_in(rules, ids, case.facts);
    let (decided, governs, notes) = decide_each(rules, graph, ids, case, &mut higher)?;
    let mut d = if decided.len() == 1 {
        decided.into_iter().next().ok_or_else(internal)?
    } else {
        several_norms(decided, governs)
    };
    if case.trace {
        for n in notes {
            d.trace.push(n);
        }
    }
    if !higher.open.is_empty() && d.outcome != Outcome::NotApplicable {
        leave_open(rules, &higher.open, case.trace, &mut d);
    }
    d.case_id = case.case_id.map(str::to_string);
    Ok(d)
}

/// What the named norms bring in: the higher-rank norms the case falls under, and those it may
/// fall under, depending on facts the case does not give.
struct Brought {
    /// The named norms, then the higher ones brought in.
    all: Vec<ViolationId>,
    /// The higher norm a named one defers to (`从其规定`): it governs.
    governs: Option<ViolationId>,
    /// Each higher norm brought in: (norm, the lower one defers to it, the lower one).
    brought: Vec<(ViolationId, bool, ViolationId)>,
    /// Higher norms whose condition is open: (norm, condition text, the facts it needs).
    open: Vec<(ViolationId, Arc<str>, Vec<FactId>)>,
}

/// The higher-rank norms the named ones bring in, and the facts that decide whether they do.
fn bring_in(rules: &RuleSet, ids: &[ViolationId], facts: &[Option<Value>]) -> Brought {
    let mut env = Env::new(rules, facts);
    let mut b = Brought {
        all: ids.to_vec(),
        governs: None,
        brought: Vec::new(),
        open: Vec::new(),
    };
    for &id in ids {
        for h in &rules.violations[id as usize].higher {
            match h.when.as_ref().map_or(Some(true), |(c, _)| env.truth(c)) {
                Some(false) => {}
                None => {
                    let mut missing = Vec::new();
                    let mut text: Arc<str> = "".into();
                    if let Some((c, t)) = &h.when {
                        env.unknown_facts(c, &mut missing);
                        text = t.clone();
                    }
                    b.open.push((h.violation, text, missing));
                }
                Some(true) => {
                    if !b.all.contains(&h.violation) {
                        b.all.push(h.violation);
                        b.brought.push((h.violation, h.defers, id));
                    }
                    if h.defers {
                        b.governs.get_or_insert(h.violation);
                    }
                }
            }
        }
    }
    b
}

/// The decisions of every norm that took part, the index of the governing one, and the trace
/// steps that name the higher norms.
type Decided = (Vec<Decision>, Option<usize>, Vec<Step>);

/// Walks every norm, named or brought in. A higher norm that does not cover the case (another
/// party, not yet enacted, …) takes no part; one whose text for the act's date is not encoded is
/// noted, and the named norm decides. Returns the decisions, the index of the governing one, and
/// the trace steps that name the higher norms.
fn decide_each(
    rules: &RuleSet,
    graph: &Graph,
    ids: &[ViolationId],
    case: &Inputs<'_>,
    b: &mut Brought,
) -> Result<Decided, CaseError> {
    let mut decided = Vec::with_capacity(b.all.len());
    let mut notes = Vec::new();
    for (i, &id) in b.all.iter().enumerate() {
        let named = i < ids.len();
        let before = decided.len();
        match walk::decide(rules, graph, id, case, None) {
            Ok(d) if named || d.outcome != Outcome::NotApplicable => decided.push(d),
            Ok(_) => {}
            Err(e) if !named && e.code == Code::TextNotEncoded => {
                notes.push(Step::HigherNotCompared {
                    higher: rules.violations[id as usize].code.clone(),
                    reason: e.message,
                });
            }
            Err(e) => return Err(e),
        }
        if decided.len() == before && b.governs == Some(id) {
            b.governs = None;
        }
    }
    for &(h, defers, lower) in &b.brought {
        let hv = &rules.violations[h as usize];
        if decided.iter().any(|d| d.violation == hv.code) {
            notes.push(Step::HigherApplied {
                defers_from: defers.then(|| rules.violations[lower as usize].code.clone()),
                higher: hv.code.clone(),
                title: hv.title.clone(),
                basis: hv.basis().clone(),
            });
        }
    }
    let governs = b.governs.and_then(|g| {
        let code = &rules.violations[g as usize].code;
        decided.iter().position(|d| &d.violation == code)
    });
    Ok((decided, governs, notes))
}

/// Whether the act falls under a higher norm decides which norm governs: while that is open,
/// the result is undetermined, with the facts to ask.
fn leave_open(
    rules: &RuleSet,
    open: &[(ViolationId, Arc<str>, Vec<FactId>)],
    trace: bool,
    d: &mut Decision,
) {
    for (h, text, missing) in open {
        for &f in missing {
            let name = &rules.facts[f as usize].name;
            if !d.needs.contains(name) {
                d.needs.push(name.clone());
            }
        }
        if trace {
            d.trace.push(Step::HigherOpen {
                higher: rules.violations[*h as usize].code.clone(),
                condition: text.clone(),
            });
        }
    }
    d.outcome = Outcome::Undetermined;
    d.mandatory = false;
    d.fine = None;
    d.penalties.clear();
    d.alternatives.clear();
}

/// A decision list that cannot be empty was: the walk's own error, never the case's.
fn internal() -> CaseError {
    CaseError::new(Code::MalformedCase, "引擎内部错误：没有可比较的决定", "")
}

/// Art. 29: the norm with the higher fine decides (highest statutory maximum for this party,
/// then the highest minimum), unless a norm the others defer to is named (`governs`); the others
/// are reported in `concurrent` with their fines suppressed.
fn several_norms(mut decided: Vec<Decision>, governs: Option<usize>) -> Decision {
    let key = |f: &Option<FineRange>| f.map(|f| (f.max, f.min));
    let best = governs.unwrap_or_else(|| {
        decided
            .iter()
            .enumerate()
            .max_by(|(i, a), (j, b)| key(&a.statutory).cmp(&key(&b.statutory)).then(j.cmp(i)))
            .map_or(0, |(i, _)| i)
    });
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
