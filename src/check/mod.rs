//! Checks and lints that run on the checked model: problems that are not errors of a single
//! declaration but of how declarations relate. One file per code.

mod bands;
mod case_tiers;
mod daily_fine;
mod entry_range_list;
mod entry_range_statute;
mod higher_norm;
mod hook_fact;
mod mitigation_ground;
mod modality;
mod no_penalty_aggravated;
mod no_penalty_ground;
mod refine_range;
mod scope;
mod shall_collide;
mod statute;
mod subsumed;
mod tier_gap;
mod tier_overlap;
mod tier_unreachable;
mod unreachable;
mod unused_fact;
mod unused_predicate;
mod version_gap;
mod version_period;

use crate::diag::Diagnostic;

use crate::model::RuleSet;

/// Runs every check (C03xx) and, on a rule set without errors, every lint (L04xx).
pub fn run(rules: &RuleSet, lint: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    entry_range_list::check(rules, &mut out);
    bands::check(rules, &mut out);
    daily_fine::check(rules, &mut out);
    version_period::check(rules, &mut out);
    version_gap::check(rules, &mut out);
    if lint {
        out.extend(lints(rules));
    }
    out
}

/// The lints that [`run`] runs on a rule set without errors.
pub fn lints(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    unreachable::check(rules, &mut out);
    higher_norm::check(rules, &mut out);
    out
}

/// The analysis lints (L0403 on), each finding with its example case: asked by `caliper check`
/// ([`crate::Rules::analyse`]), not when a rule set loads, so that loading stays fast.
pub fn analyse(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    {
        no_penalty_aggravated::check(rules, &mut out);
        shall_collide::check(rules, &mut out);
        subsumed::check(rules, &mut out);
        tier_unreachable::check(rules, &mut out);
        tier_gap::check(rules, &mut out);
        tier_overlap::check(rules, &mut out);
        hook_fact::check(rules, &mut out);
        unused_fact::check(rules, &mut out);
        unused_predicate::check(rules, &mut out);
        no_penalty_ground::check(rules, &mut out);
        modality::check(rules, &mut out);
        mitigation_ground::check(rules, &mut out);
        entry_range_statute::check(rules, &mut out);
        refine_range::check(rules, &mut out);
    }
    out
}
