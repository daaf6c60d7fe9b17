//! Checks and lints that run on the checked model: problems that are not errors of a single
//! declaration but of how entries relate.

mod higher_norm;
mod unreachable;

use crate::diag::Diagnostic;
use crate::model::RuleSet;

/// Runs every lint.
pub fn run(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    unreachable::check(rules, &mut out);
    higher_norm::check(rules, &mut out);
    out
}
