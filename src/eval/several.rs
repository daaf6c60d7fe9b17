//! Several norms for one act (Art. 29): each violation is walked, and the norm with the higher
//! fine decides. A violation whose act a higher-rank norm also punishes (`上位法`) brings that
//! norm in by itself, without the officer naming both codes; where the lower norm defers to it
//! (`从其规定`), the higher one governs.

use super::CaseError;
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
    let one = |id: ViolationId| walk::decide(rules, graph, id, case, None);
    let (facts, trace) = (case.facts, case.trace);
    if no_higher {
        let decided = ids
            .iter()
            .map(|&id| one(id))
            .collect::<Result<Vec<_>, _>>()?;
        let mut d = several_norms(decided, None);
        d.case_id = case.case_id.map(str::to_string);
        return Ok(d);
    }
    // The higher-rank norms the named ones bring in, and the facts that decide whether they do.
    let mut env = Env::new(rules, facts);
    let mut all: Vec<ViolationId> = ids.to_vec();
    let mut governs: Option<ViolationId> = None;
    let mut open: Vec<(ViolationId, Arc<str>, Vec<FactId>)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    // The higher norms brought in: (norm, the lower one defers to it, the lower one).
    let mut brought: Vec<(ViolationId, bool, ViolationId)> = Vec::new();
    for &id in ids {
        let v = &rules.violations[id as usize];
        for h in &v.higher {
            let holds = h.when.as_ref().map_or(Some(true), |(c, _)| env.truth(c));
            match holds {
                Some(false) => {}
                None => {
                    let (cond, text) = h
                        .when
                        .as_ref()
                        .map_or((None, "".into()), |(c, t)| (Some(c), t.clone()));
                    let mut missing = Vec::new();
                    if let Some(c) = cond {
                        env.unknown_facts(c, &mut missing);
                    }
                    open.push((h.violation, text, missing));
                }
                Some(true) => {
                    if !all.contains(&h.violation) {
                        all.push(h.violation);
                        brought.push((h.violation, h.defers, id));
                    }
                    if h.defers {
                        governs.get_or_insert(h.violation);
                    }
                }
            }
        }
    }
    let mut decided = Vec::with_capacity(all.len());
    for (i, &id) in all.iter().enumerate() {
        let named = i < ids.len();
        match one(id) {
            Ok(d) => {
                // A higher norm brought in that does not cover this case (another party, not yet
                // enacted, …) takes no part.
                if named || d.outcome != Outcome::NotApplicable {
                    decided.push(d);
                } else if governs == Some(id) {
                    governs = None;
                }
            }
            // A higher norm whose text for the act date is not encoded: the named norm decides,
            // and the decision says what could not be compared.
            Err(e) if !named && e.code == "E0507" => {
                if governs == Some(id) {
                    governs = None;
                }
                notes.push(format!(
                    "第29条 未能与上位法 {} 比较：{}",
                    rules.violations[id as usize].code, e.message
                ));
            }
            Err(e) => return Err(e),
        }
    }
    // Name the higher norms that took part.
    for &(h, defers, lower) in &brought {
        let hv = &rules.violations[h as usize];
        if !decided.iter().any(|d| d.violation == hv.code) {
            continue;
        }
        notes.push(if defers {
            format!(
                "第29条 {} 对该行为“已有法律责任规定的，从其规定”：适用上位法 {}「{}」（{}）",
                rules.violations[lower as usize].code,
                hv.code,
                hv.title,
                hv.basis()
            )
        } else {
            format!(
                "第29条 该行为同时违反上位法 {}「{}」（{}）：同一个违法行为不得给予两次以上罚款，按罚款数额高的规定处罚",
                hv.code,
                hv.title,
                hv.basis()
            )
        });
    }
    let governs = governs.and_then(|g| {
        let code = &rules.violations[g as usize].code;
        decided.iter().position(|d| &d.violation == code)
    });
    let mut d = if decided.len() == 1 {
        decided.remove(0)
    } else {
        several_norms(decided, governs)
    };
    if trace {
        for n in notes {
            d.trace.push(Step::Text(n));
        }
    }
    if !open.is_empty() && d.outcome != Outcome::NotApplicable {
        // Whether the act falls under the higher norm decides which norm governs.
        for (h, text, missing) in open {
            for f in missing {
                let name = rules.facts[f as usize].name.clone();
                if !d.needs.contains(&name) {
                    d.needs.push(name);
                }
            }
            if trace {
                d.trace.push(Step::Text(format!(
                    "第29条 该行为是否同时违反上位法 {}（「{text}」）未查明：结果待定",
                    rules.violations[h as usize].code
                )));
            }
        }
        d.outcome = Outcome::Undetermined;
        d.mandatory = false;
        d.fine = None;
        d.penalties.clear();
        d.alternatives.clear();
    }
    d.case_id = case.case_id.map(str::to_string);
    Ok(d)
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
