//! Step 4, statutory no-penalty with 应当 (the `法定 不予处罚 … 应当` entries: under 14, unable
//! to recognise or control one's conduct, minor and corrected without harm, no fault). Any entry
//! that holds decides, whatever was unknown before: every branch then ends in no penalty, shall.

use super::end;
use super::trace::Step;
use super::walk::{Flow, Walk};
use crate::model::EntryId;

/// Step 4.
pub(super) fn run(w: &mut Walk<'_>, entries: &[EntryId]) -> Flow {
    let rules = w.rules;
    let mut unknown = false;
    for &id in entries {
        let cond = &rules.entries[id as usize].cond;
        let t = w.entry_truth(id);
        match t {
            Some(true) => {
                w.entry_step(4, id, t);
                return end::no_penalty_by(w, id, true);
            }
            None => {
                w.entry_step(4, id, t);
                w.need(cond);
                w.undetermined = true;
                unknown = true;
            }
            Some(false) => {}
        }
    }
    if !unknown {
        w.rec.step(|| Step::NoneApplies { step: 4 });
    }
    Flow::Next
}
