//! Step 5, first offence and the no-penalty list: a `shall` entry that holds decides; with only
//! `may` entries, the first that holds is the no-penalty circumstance, and the decision without
//! the discretion is given in `alternatives` (step 8).

use super::combine::Circ;
use super::end;
use super::trace::Step;
use super::walk::{Flow, Walk};
use crate::model::EntryId;
use crate::vocab::Modality;

/// Step 5.
pub(super) fn run(w: &mut Walk<'_>, entries: &[EntryId]) -> Flow {
    let rules = w.rules;
    let mut may: Option<EntryId> = None;
    let (mut unknown_shall, mut unknown_may) = (false, false);
    for &id in entries {
        let e = &rules.entries[id as usize];
        let t = w.entry_truth(id);
        match t {
            Some(true) => {
                w.entry_step(5, id, t);
                if e.modality == Modality::Shall {
                    return end::no_penalty_by(w, id, true);
                }
                may.get_or_insert(id);
            }
            None => {
                w.entry_step(5, id, t);
                w.need(&e.cond);
                if e.modality == Modality::Shall {
                    unknown_shall = true;
                } else {
                    unknown_may = true;
                }
            }
            Some(false) => {}
        }
    }
    // An unknown may-entry matters only if nothing else already gives no penalty, may.
    w.undetermined |= unknown_shall || (unknown_may && may.is_none());
    if may.is_none() && !unknown_shall && !unknown_may {
        w.rec.step(|| Step::NoneApplies { step: 5 });
    }
    w.found.np = may.map(|id| (Circ::Entry(id), false));
    Flow::Next
}
