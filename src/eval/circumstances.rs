//! Step 6, circumstances: every mitigating entry (statutory and listed) and every aggravating
//! entry whose condition holds; those whose condition is unknown are kept for step 7, which
//! asks whether they could change the result.

use super::combine::Circ;
use super::trace::Step;
use super::walk::{Flow, Walk};
use crate::model::EntryId;

/// Step 6.
pub(super) fn run(w: &mut Walk<'_>, mitigating: &[EntryId], aggravating: &[EntryId]) -> Flow {
    for (ids, is_mit) in [(mitigating, true), (aggravating, false)] {
        for &id in ids {
            let t = w.entry_truth(id);
            match t {
                Some(true) => {
                    w.entry_step(6, id, t);
                    if is_mit {
                        w.found.mit.push(Circ::Entry(id));
                    } else {
                        w.found.agg.push(Circ::Entry(id));
                    }
                }
                None => {
                    w.entry_step(6, id, t);
                    w.found.unknown.push((Circ::Entry(id), is_mit));
                }
                Some(false) => {}
            }
        }
    }
    let f = &w.found;
    if f.mit.is_empty() && f.agg.is_empty() && f.unknown.is_empty() {
        w.rec.step(|| Step::NoCircumstance);
    }
    Flow::Next
}
