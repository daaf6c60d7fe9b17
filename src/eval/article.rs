//! Step 3, the article's own condition (逾期未改正, 经营性, 造成严重后果 …): the penalties and
//! measures the article's statements give for this party and these facts. Where none remains,
//! no penalty, shall. A party the article does not name is step 0's (not_applicable).

use super::end;
use super::trace::Step;
use super::walk::{Active, Flow, Walk, push_unique};
use crate::model::Stmt;

/// Step 3.
pub(super) fn run(w: &mut Walk<'_>) -> Flow {
    let party = w.party;
    let Some(stmts) = w.version.penalties.get(party) else {
        // Step 1 already ends the walk here; kept so that step 3 never reads a missing party.
        let message = format!("该条文处罚的当事人不包括{}", party.zh());
        return end::not_applicable(w, crate::decision::NotApplicableReason::Party, message);
    };
    let mut active = Active::default();
    let known = collect(w, stmts, &mut active);
    if known && active.penalties.is_empty() && !w.undetermined {
        w.rec.step(|| Step::NothingRemains);
        push_unique(&mut w.out.measures, &active.measures);
        return end::no_penalty(w, true, &[]);
    }
    w.undetermined |= !known;
    w.active = active;
    Flow::Next
}

/// Walks the article's statements into `active`; false if a condition that decides a penalty
/// is unknown.
fn collect<'r>(w: &mut Walk<'_>, stmts: &'r [Stmt], active: &mut Active<'r>) -> bool {
    let mut known = true;
    for s in stmts {
        match s {
            Stmt::Penalty(p) => active.penalties.push(p),
            Stmt::Measures(ms) => push_unique(&mut active.measures, ms),
            Stmt::Daily(d) => active.daily = Some(d),
            Stmt::If {
                cond,
                words: text,
                then,
                otherwise,
                ..
            } => {
                let v = w.env.truth(cond);
                w.rec.step(|| Step::ArticleCondition {
                    text: text.clone(),
                    value: v,
                });
                match v {
                    Some(true) => known &= collect(w, then, active),
                    Some(false) => known &= collect(w, otherwise, active),
                    // A condition that guards only measures does not change the outcome.
                    None if !Stmt::any_penalty(then) && !Stmt::any_penalty(otherwise) => {}
                    None => {
                        w.need(cond);
                        // Keep walking both sides to find every missing fact.
                        let mut scratch = Active::default();
                        collect(w, then, &mut scratch);
                        collect(w, otherwise, &mut scratch);
                        known = false;
                    }
                }
            }
        }
    }
    known
}
