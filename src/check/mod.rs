//! Checks and lints that run on the checked model: problems that are not errors of a single
//! declaration but of how declarations relate. One file per code.

mod entry_range_list;
mod higher_norm;
mod unreachable;
mod version_gap;
mod version_period;

use crate::diag::Diagnostic;
use crate::model::RuleSet;

/// Runs every check (C03xx) and, on a rule set without errors, every lint (L04xx).
pub fn run(rules: &RuleSet, lint: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    entry_range_list::check(rules, &mut out);
    version_period::check(rules, &mut out);
    version_gap::check(rules, &mut out);
    if lint {
        unreachable::check(rules, &mut out);
        higher_norm::check(rules, &mut out);
    }
    out
}
