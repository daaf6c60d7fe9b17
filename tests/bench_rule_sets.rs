//! The benches' generated rule sets load and decide as the benches expect: a bench that panics
//! in its setup measures nothing, and nothing else would notice.

#[path = "../benches/support/mod.rs"]
#[allow(dead_code, reason = "the benches use all of it, this test part")]
mod support;

use caliper::{Case, Outcome, Rules};

#[test]
fn the_generated_rule_set_loads_without_a_diagnostic_and_decides() {
    let files = support::generate(60, 600);
    let rules = Rules::from_sources(&files, support::ROOT).unwrap_or_else(|e| panic!("{e}"));
    assert!(rules.warnings().is_empty(), "{:?}", rules.warnings());
    let code = support::xr_49_2_like(60);
    let case = Case::new(code.as_str())
        .fact("party_type", "individual")
        .fact("age", 35)
        .fact("minor", false)
        .fact("harm", "general")
        .fact("corrected", false)
        .fact("first_offense", false)
        .fact("prior_penalties_12m", 0)
        .fact("violation_date", "2025-03-02")
        .fact("discovery_date", "2025-03-05");
    let d = rules.evaluate(&case).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.outcome, Outcome::Standard, "{code}");
    assert_eq!(d.fine.map(|f| f.to_string()).as_deref(), Some("60..140"));
}
