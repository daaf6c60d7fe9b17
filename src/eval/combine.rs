//! Step 7, combination: the circumstances found (list entries and those a hook adds) and how
//! mitigation and aggravation combine into an outcome; an unknown circumstance leaves the
//! outcome undetermined only if some assignment of it changes the result.

use super::decision::{Applied, ListName};
use super::end::applied;
use super::trace::Why;
use super::walk::{Flow, Walk, push_basis};
use crate::hooks;
use crate::model::{ConflictPolicy, EntryId, HookId, Measure, RuleSet};
use crate::vocab::{ListKind, Modality, Outcome};
use std::sync::Arc;

/// Beyond this many unknown circumstances, the walk does not try every assignment: it takes
/// them as decisive (2^6 combinations at most).
const MAX_UNKNOWN_TRIED: usize = 6;

/// Step 7: combines what steps 5, 6 and the first hooks found.
pub(super) fn run(w: &mut Walk<'_>) -> Flow {
    // A no-penalty circumstance with 应当 from a hook decides as one from the list would:
    // whatever else is unknown, the outcome is no penalty.
    let np_shall = matches!(w.found.np, Some((_, true)));
    let cx = Circs::new(w.rules, &w.found.added);
    let (mit, agg) = (&w.found.mit, &w.found.agg);
    let combined = combine(&cx, mit, agg);
    let unknown = std::mem::take(&mut w.found.unknown);
    if !unknown.is_empty() && !np_shall {
        let decisive = unknown.len() > MAX_UNKNOWN_TRIED
            || (1u32..(1 << unknown.len())).any(|mask| {
                let mut m = mit.clone();
                let mut a = agg.clone();
                for (i, (id, is_mit)) in unknown.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        if *is_mit { m.push(*id) } else { a.push(*id) }
                    }
                }
                let c = combine(&cx, &m, &a);
                c.outcome != combined.outcome
                    || c.mandatory != combined.mandatory
                    || c.or_mitigated != combined.or_mitigated
            });
        if decisive {
            let rules = w.rules;
            for (c, _) in &unknown {
                if let Circ::Entry(id) = c {
                    w.need(&rules.entries[*id as usize].cond);
                }
            }
        }
        w.undetermined |= decisive;
    }
    w.combined = Some(combined);
    Flow::Next
}

/// The combination a settled decision rests on.
#[derive(Default)]
pub(super) struct Settled {
    pub(super) combined: Option<Combined>,
    /// The no-penalty circumstance it rests on, if any.
    pub(super) np: Option<Circ>,
}

/// The result of combining circumstances (step 7).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Combined {
    pub(super) outcome: Outcome,
    pub(super) mandatory: bool,
    /// 从轻或者减轻: mitigated is also lawful.
    pub(super) or_mitigated: bool,
    pub(super) applied: Vec<Circ>,
    pub(super) outweighed: Vec<Circ>,
    pub(super) why: Why,
    /// Two statutory commands collide (Art. 49 and Art. 30 …): legal review and collective
    /// discussion follow (Art. 57 para 2).
    pub(super) collision: bool,
}

pub(super) fn combine(cx: &Circs<'_>, mit: &[Circ], agg: &[Circ]) -> Combined {
    let shall = |cs: &[Circ]| cs.iter().any(|c| cx.shall(*c));
    let mitigation = |mandatory: bool, applied: Vec<Circ>, outweighed: Vec<Circ>, why| {
        let mitigated = mit.iter().any(|c| cx.list(*c) == ListKind::Mitigated);
        let or_m = !mitigated
            && mit
                .iter()
                .any(|c| cx.list(*c) == ListKind::LighterOrMitigated);
        Combined {
            outcome: if mitigated {
                Outcome::Mitigated
            } else {
                Outcome::Lighter
            },
            mandatory,
            or_mitigated: or_m,
            applied,
            outweighed,
            why,
            collision: false,
        }
    };
    let statutory_shall = |cs: &[Circ]| cs.iter().any(|c| cx.command_of_the_law(*c));
    match (mit.is_empty(), agg.is_empty()) {
        (true, true) => Combined {
            outcome: Outcome::Standard,
            mandatory: true,
            or_mitigated: false,
            applied: vec![],
            outweighed: vec![],
            why: Why::None,
            collision: false,
        },
        (true, false) => Combined {
            outcome: Outcome::Aggravated,
            mandatory: shall(agg),
            or_mitigated: false,
            applied: agg.to_vec(),
            outweighed: vec![],
            why: Why::OnlyAggravating,
            collision: false,
        },
        (false, true) => mitigation(shall(mit), mit.to_vec(), vec![], Why::OnlyMitigating),
        // Two commands of the law itself (Art. 49 and Art. 30, 31 or 32): neither is a local list
        // against the law. [CONV] They offset, with legal review and collective discussion.
        (false, false) if statutory_shall(mit) && statutory_shall(agg) => Combined {
            outcome: Outcome::Standard,
            mandatory: false,
            or_mitigated: false,
            applied: mit.iter().chain(agg).copied().collect(),
            outweighed: vec![],
            why: Why::StatutoryCommandsOffset,
            collision: true,
        },
        // A local list's 应当 cannot override the law's own 应当从重.
        (false, false) if statutory_shall(agg) && !statutory_shall(mit) => Combined {
            outcome: Outcome::Aggravated,
            mandatory: true,
            or_mitigated: false,
            applied: agg.to_vec(),
            outweighed: mit.to_vec(),
            why: Why::LawAggravationWins,
            collision: false,
        },
        (false, false) if shall(mit) => {
            mitigation(true, mit.to_vec(), agg.to_vec(), Why::ShallMitigationWins)
        }
        (false, false) => match cx.rules.params.conflict {
            ConflictPolicy::Offset => Combined {
                outcome: Outcome::Standard,
                mandatory: false,
                or_mitigated: false,
                applied: mit.iter().chain(agg).copied().collect(),
                outweighed: vec![],
                why: Why::Offset,
                collision: false,
            },
            ConflictPolicy::Mitigate => {
                mitigation(false, mit.to_vec(), agg.to_vec(), Why::PolicyMitigates)
            }
            ConflictPolicy::Aggravate => Combined {
                outcome: Outcome::Aggravated,
                mandatory: shall(agg),
                or_mitigated: false,
                applied: agg.to_vec(),
                outweighed: mit.to_vec(),
                why: Why::PolicyAggravates,
                collision: false,
            },
        },
    }
}

/// A circumstance in the walk: a list entry, or one a hook added (index into `added`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Circ {
    Entry(EntryId),
    Hook(u32),
}

/// A circumstance a hook added, with the hook.
pub(super) struct Added {
    pub(super) hook: HookId,
    pub(super) c: hooks::Circumstance,
}

/// Looks circumstances up, whichever kind they are.
pub(super) struct Circs<'a> {
    pub(super) rules: &'a RuleSet,
    pub(super) added: &'a [Added],
}

impl<'a> Circs<'a> {
    pub(super) fn new(rules: &'a RuleSet, added: &'a [Added]) -> Circs<'a> {
        Circs { rules, added }
    }

    pub(super) fn list(&self, c: Circ) -> ListKind {
        match c {
            Circ::Entry(id) => self.rules.entries[id as usize].list,
            Circ::Hook(i) => self.added[i as usize].c.list,
        }
    }

    pub(super) fn shall(&self, c: Circ) -> bool {
        match c {
            Circ::Entry(id) => self.rules.entries[id as usize].modality == Modality::Shall,
            Circ::Hook(i) => self.added[i as usize].c.shall,
        }
    }

    /// A 应当 the law itself gives: a statutory entry, or a list entry that refines one of the
    /// law's 应当 articles and cites it (an Art. 32 circumstance a local list spells out).
    pub(super) fn command_of_the_law(&self, c: Circ) -> bool {
        match c {
            Circ::Entry(id) => {
                let e = &self.rules.entries[id as usize];
                e.modality == Modality::Shall
                    && (e.statutory
                        || e.basis.iter().any(|b| {
                            ["第三十条", "第三十一条", "第三十二条", "第四十九条"]
                                .iter()
                                .any(|a| b.starts_with(&format!("《中华人民共和国行政处罚法》{a}")))
                        }))
            }
            Circ::Hook(_) => false,
        }
    }

    /// A statutory 应当 circumstance (Arts. 30–33, 49): no local exception may move against it.
    pub(super) fn statutory_shall(&self, c: Circ) -> bool {
        match c {
            Circ::Entry(id) => {
                let e = &self.rules.entries[id as usize];
                e.statutory && e.modality == Modality::Shall
            }
            Circ::Hook(_) => false,
        }
    }

    pub(super) fn applied(&self, c: Circ) -> Applied {
        match c {
            Circ::Entry(id) => applied(self.rules, id),
            Circ::Hook(i) => {
                let a = &self.added[i as usize];
                let hook = &self.rules.hooks[a.hook as usize];
                let source: Arc<str> = if a.c.at.is_known() {
                    hook.script
                        .origin
                        .location(&self.rules.sources, a.c.at)
                        .into()
                } else {
                    hook.location.clone()
                };
                Applied {
                    list: ListName::of(a.c.list, false),
                    id: hook.id.clone(),
                    title: a.c.title.clone(),
                    source,
                    mandatory: a.c.shall,
                }
            }
        }
    }

    pub(super) fn basis(&self, c: Circ, basis: &mut Vec<Arc<str>>) {
        match c {
            Circ::Entry(id) => push_basis(basis, &self.rules.entries[id as usize].basis),
            Circ::Hook(i) => push_basis(
                basis,
                std::slice::from_ref(&self.added[i as usize].c.citation),
            ),
        }
    }

    pub(super) fn measures(&self, c: Circ) -> &[Measure] {
        match c {
            Circ::Entry(id) => &self.rules.entries[id as usize].measures,
            Circ::Hook(_) => &[],
        }
    }
}
