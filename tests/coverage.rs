//! `caliper test --coverage` and `caliper test --generate CODE` on the shipped rules.

use caliper::Rules;
use caliper::analysis::{coverage::coverage, generate::boundary_cases};
use caliper::suite::{Report, embedded_tests, run_file};

fn shipped() -> (Rules, Report) {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let mut report = Report::default();
    for (path, text) in embedded_tests() {
        run_file(&rules, &format!("rules/{path}"), text, &mut report);
    }
    (rules, report)
}

#[test]
fn coverage_names_what_the_shipped_tests_never_exercise() {
    let (rules, report) = shipped();
    assert!(report.failures.is_empty());
    let cases: Vec<caliper::Case> = report.cases.iter().map(|(_, c)| c.clone()).collect();
    let cov = coverage(&rules, &cases);
    let item = |id: &str| {
        cov.items
            .iter()
            .find(|i| i.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    // S-30-1 (under 14) is tested; N-DL-27-1 never applies on its own (L0405: S-33-3 always
    // applies with it and is the one the decision lists).
    assert!(item("S-30-1").covered);
    assert!(!item("N-DL-27-1").covered);
    assert!(item("N-DL-27-1 成立").covered, "a case meets its condition");
    assert!(item("H-XR-42-1").covered);
    assert!(item("JL-22-1 档次 ..5").covered);
    let text = cov.text();
    assert!(
        text.contains("未经过：rules/chengshi-daolu.rules:80:6 N-DL-27-1"),
        "{text}"
    );
    assert!(
        text.contains("rules/jianzhu-laji.rules：情节档次 3/3"),
        "{text}"
    );
}

#[test]
fn generated_boundary_cases_pass_and_sit_on_each_side_of_the_tier_bounds() {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let text = boundary_cases(&rules, "JL-22-1").expect("a shipped code");
    assert!(text.contains("待审核"));
    // The bounds 5 and 10: each, one value between and one on each outer side.
    for v in [
        "volume_m3 = 2.5 }",
        "volume_m3 = 5 }",
        "volume_m3 = 8 }",
        "volume_m3 = 10 }",
        "volume_m3 = 11 }",
    ] {
        assert!(text.contains(v), "{v}: {text}");
    }
    // The file is a test file the runner reads, and the engine gives the answers it records.
    let mut report = Report::default();
    run_file(&rules, "JL-22-1.generated.test.toml", &text, &mut report);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert!(report.passed > 10, "{}", report.passed);
    assert!(boundary_cases(&rules, "JL-22-9").is_err());
}
