//! Analysis of a rule set over its fact space: "is there a case where …" answered exactly, with a
//! concrete case as the answer.
//!
//! Conditions compare facts with constants, so each fact's domain falls into pieces — booleans
//! true / false / absent; an option's each value and absent; numbers and dates each constant, the
//! open intervals between neighbouring constants, and absent — inside which every condition comes
//! out the same ([`space`]). A question is asked over the facts its conditions read, by
//! enumerating one representative per piece with early exit, bounded by
//! [`crate::limits::ANALYSIS_CASES`]; the case found is the witness ([`witness`]), evaluated by
//! the engine's own condition evaluator. The lints of `caliper check` (L0403 on), `caliper diff`
//! and `caliper test --generate` stand on this.

pub mod coverage;
pub mod diff;
pub mod generate;
pub mod space;
pub(crate) mod tiers;
pub mod witness;

pub use space::{Cuts, Dim, Space};
pub use witness::Witness;

use crate::eval::cond::Env;
use crate::model::{Expr, RuleSet, Value};

/// The answer to "is there a case where …".
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Yes: this case.
    Yes(Witness),
    /// No case of the space; `exact` is false where a condition computes with facts or
    /// compares two facts, so that the space may miss a case.
    No {
        /// Whether the answer is proven.
        exact: bool,
    },
    /// The space of the question has this many cases, more than the limit.
    TooLarge(u64),
}

impl Answer {
    /// The witness of a yes.
    pub fn witness(self) -> Option<Witness> {
        match self {
            Answer::Yes(w) => Some(w),
            _ => None,
        }
    }

    /// A proven no.
    pub fn is_proven_no(&self) -> bool {
        matches!(self, Answer::No { exact: true })
    }
}

/// Whether there is a case, over the facts `conds` read (cut at their constants), for which
/// `p` holds; `p` gets the engine's condition evaluator on the case.
pub fn exists(rules: &RuleSet, conds: &[&Expr], p: impl FnMut(&mut Env<'_>) -> bool) -> Answer {
    let mut cuts = Cuts::new();
    for c in conds {
        cuts.expr(rules, c);
    }
    exists_in(rules, &cuts.space(rules), p)
}

/// [`exists`] over a given space.
pub fn exists_in(
    rules: &RuleSet,
    space: &Space,
    mut p: impl FnMut(&mut Env<'_>) -> bool,
) -> Answer {
    match space.find(rules, crate::limits::ANALYSIS_CASES, |facts| {
        let mut env = Env::new(rules, facts);
        p(&mut env)
    }) {
        Ok(Some(values)) => Answer::Yes(Witness {
            facts: values
                .into_iter()
                .filter_map(|(f, v)| v.map(|v| (f, v)))
                .collect(),
        }),
        Ok(None) => Answer::No { exact: space.exact },
        Err(size) => Answer::TooLarge(size),
    }
}

/// The condition holds (`Some(true)` in three-valued logic).
pub fn holds(env: &mut Env<'_>, e: &Expr) -> bool {
    env.truth(e) == Some(true)
}

/// The facts of a witness as the engine sees them (the rest unknown or their defaults).
pub fn facts_of(rules: &RuleSet, w: &Witness) -> Vec<Option<Value>> {
    let mut facts: Vec<Option<Value>> = rules.facts.iter().map(|f| f.default).collect();
    for (f, v) in &w.facts {
        if let Some(slot) = facts.get_mut(*f as usize) {
            *slot = Some(*v);
        }
    }
    facts
}

/// Evaluates a condition on a witness with the engine's evaluator.
pub fn truth_on(rules: &RuleSet, w: &Witness, e: &Expr) -> Option<bool> {
    let facts = facts_of(rules, w);
    Env::new(rules, &facts).truth(e)
}
