//! Step 0, the elements of the code (`要件`): an article's branches that exclude each other
//! (城乡规划法 §64: 尚可采取改正措施 / 无法采取改正措施). A case without them is one for another
//! code: not_applicable, never 不予处罚.

use super::end;
use super::walk::{Flow, Walk};
use crate::decision::NotApplicableReason;
use super::trace::Step;

/// Step 0.
pub(super) fn run(w: &mut Walk<'_>) -> Flow {
    let v = w.violation;
    for e in &v.elements {
        let (cond, text) = (&e.cond, &e.words);
        let value = w.env.truth(cond);
        w.rec.step(|| Step::Elements {
            text: text.clone(),
            value,
        });
        match value {
            Some(true) => {}
            Some(false) => {
                let message = format!("案件事实不具备本编号的构成要件「{text}」");
                return end::not_applicable(w, NotApplicableReason::Branch, message);
            }
            None => {
                w.need(cond);
                w.undetermined = true;
            }
        }
    }
    Flow::Next
}
