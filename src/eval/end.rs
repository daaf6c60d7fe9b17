//! The ways a walk ends before the procedure: no penalty (by the law, or by an entry), and an
//! outcome that depends on facts the case does not give.

use super::decision::{Applied, ListName, NotApplicable, NotApplicableReason, Procedure};
use super::law_in_force::weight;
use super::trace::{Skipped, Step};
use super::walk::{Flow, Walk, push_basis, push_unique};
use crate::model::{EntryId, RuleSet};
use crate::vocab::money;
use crate::vocab::{FineRange, Measure, Modality, Outcome};

/// No penalty by a list entry (steps 4 and 5).
pub(super) fn no_penalty_by(w: &mut Walk<'_>, id: EntryId, shall: bool) -> Flow {
    let rules = w.rules;
    let e = &rules.entries[id as usize];
    w.out.applied.push(applied(rules, id));
    push_basis(&mut w.out.basis, &e.basis);
    no_penalty(w, shall, &e.measures)
}

/// No penalty, with education and the measures that come with it; the hooks do not run.
pub(super) fn no_penalty(w: &mut Walk<'_>, shall: bool, measures: &[Measure]) -> Flow {
    let out = &mut w.out;
    out.outcome = Outcome::NoPenalty;
    out.mandatory = shall;
    out.penalties.clear();
    out.fine = None;
    push_unique(&mut out.measures, &[Measure::Education]);
    push_unique(&mut out.measures, measures);
    w.skip_hooks(Skipped::NoPenaltyShall);
    if w.rec.on {
        let measures = w.out.measures.clone();
        w.rec.trace.push(Step::Measures { measures });
        w.rec.trace.push(Step::Result {
            outcome: Outcome::NoPenalty,
            mandatory: shall,
            fine: None,
        });
    }
    w.out.procedure = Procedure::default();
    w.out.statutory = lazy_statutory(w);
    Flow::Done
}

/// Step 0: the code does not apply. No decision of no penalty is made: no measures, no 教育,
/// nothing mandatory, no Art. 38; the codes to consider instead.
pub(super) fn not_applicable(
    w: &mut Walk<'_>,
    reason: NotApplicableReason,
    message: String,
) -> Flow {
    let see_also = w.violation.see_also.clone();
    w.skip_hooks(Skipped::NotApplicable);
    if w.rec.on {
        w.rec.trace.push(Step::NotApplicable {
            message: message.clone(),
            see_also: see_also.clone(),
        });
    }
    let out = &mut w.out;
    out.outcome = Outcome::NotApplicable;
    out.mandatory = false;
    out.penalties.clear();
    out.fine = None;
    out.measures.clear();
    out.needs.clear();
    out.not_applicable = Some(NotApplicable { reason, message });
    out.see_also = see_also;
    out.procedure = Procedure::default();
    out.statutory = None;
    Flow::Done
}

/// A rule (a hook) says the conduct is lawful: the offence fails (step 0).
pub(super) fn lawful(w: &mut Walk<'_>, l: crate::hooks::Lawful) -> Flow {
    push_basis(&mut w.out.basis, std::slice::from_ref(&l.citation));
    let message = format!("依照{}，{}，该行为合法", l.citation, l.title);
    not_applicable(w, NotApplicableReason::Lawful, message)
}

/// The outcome depends on facts the case does not give: they are listed in `needs`.
pub(super) fn undetermined(w: &mut Walk<'_>) -> Flow {
    w.skip_hooks(Skipped::Undetermined);
    let rules = w.rules;
    w.out.outcome = Outcome::Undetermined;
    w.out.mandatory = false;
    w.out.needs = w
        .needs
        .iter()
        .map(|f| rules.facts[*f as usize].name.clone())
        .collect();
    if w.rec.on {
        let facts = w
            .needs
            .iter()
            .map(|f| {
                let fact = &rules.facts[*f as usize];
                (fact.label.clone(), fact.name.clone())
            })
            .collect();
        w.rec.trace.push(Step::Undetermined { facts });
    }
    w.out.statutory = lazy_statutory(w);
    Flow::Done
}

/// The statutory range of the applied version for this party, for decisions that end before
/// step 8 computes it (Art. 29 compares norms by it).
pub(super) fn lazy_statutory(w: &mut Walk<'_>) -> Option<FineRange> {
    if !w.chosen {
        return None;
    }
    weight(w.rules, &mut w.env, w.version, w.party)
        .0
        .map(|(max, min)| money::range(min, max))
}

/// A list entry as the decision reports a circumstance.
pub(super) fn applied(rules: &RuleSet, id: EntryId) -> Applied {
    let e = &rules.entries[id as usize];
    Applied {
        list: ListName::of(e.list, e.statutory),
        id: e.id.clone(),
        title: e.title.clone(),
        source: e.location.clone(),
        mandatory: e.modality == Modality::Shall,
    }
}
