//! The Python package (`bindings/python`): its pytest tests, with the 20 cases and the library's
//! decisions handed over so that `decide_json`, `evaluate` and `evaluate_many` are compared
//! byte for byte (and document for document). The package is built by
//! `pip install ./bindings/python` (`.ci/run` does it before `cargo test`); on a machine where
//! it is not installed the test says so and passes, except in CI.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn python_package_passes_its_tests_and_gives_the_same_decisions() {
    let installed = Command::new("python3")
        .args(["-c", "import caliper._caliper, pytest"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        assert!(
            std::env::var_os("CI").is_none(),
            "the caliper Python package and pytest are required in CI (.ci/run installs them)"
        );
        eprintln!(
            "the caliper Python package is not installed (pip install ./bindings/python): skipped"
        );
        return;
    }
    let dir = common::scratch("python");
    let cases = common::cases();
    let expected = common::rust_decisions(&cases);
    let cases_file = common::write_cases(&dir, &cases);
    let expected_file = dir.join("expected.jsonl");
    std::fs::write(&expected_file, expected.join("\n") + "\n")
        .expect("the scratch dir is writable");
    let requests = common::review_requests(&cases);
    let requests_file = common::write_lines(&dir, "requests.jsonl", &requests);
    let reviews_file = common::write_lines(&dir, "reviews.jsonl", &common::rust_reviews(&requests));
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/tests");
    let out = Command::new("python3")
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(&tests)
        .env("CALIPER_CASES", &cases_file)
        .env("CALIPER_EXPECTED", &expected_file)
        .env("CALIPER_REQUESTS", &requests_file)
        .env("CALIPER_REVIEWS", &reviews_file)
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pytest failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !report.contains("skipped"),
        "a pytest test was skipped:\n{report}"
    );
    assert!(report.contains(" passed"), "{report}");
}
