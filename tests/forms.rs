//! The language's forms on `examples/forms/`, one file per form, each encoded from a published
//! list (cited in the file) with the drafters' cases on both sides of every boundary beside it.
//! The set loads without a diagnostic, every case passes, the formatter keeps every file's
//! meaning (its own proof runs inside `format`), and the published text states each form.

use caliper::Rules;
use caliper::fmt::format;
use caliper::publish::{Format, publish};
use caliper::suite::{Report, run_file};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/forms");

fn files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(DIR)
        .expect("examples/forms")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            (name, std::fs::read_to_string(&p).expect("UTF-8"))
        })
        .collect();
    out.sort();
    out
}

fn run_cases(rules: &Rules, files: &[(String, String)]) -> Report {
    let mut report = Report::default();
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".test.toml")) {
        run_file(rules, path, text, &mut report);
    }
    report
}

#[test]
fn every_case_beside_the_forms_passes() {
    let rules = Rules::load(DIR).unwrap_or_else(|e| panic!("{e}"));
    assert!(rules.warnings().is_empty(), "{:?}", rules.warnings());
    let files = files();
    let report = run_cases(&rules, &files);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{} ({}): {:?}", f.name, f.file, f.mismatches))
        .collect();
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));
    let cases: usize = files
        .iter()
        .map(|(_, t)| t.lines().filter(|l| l.trim() == "[[case]]").count())
        .sum();
    assert!(cases > 0);
    assert_eq!(report.passed, cases, "every [[case]] must run");
}

#[test]
fn the_formatter_keeps_every_form() {
    let files = files();
    let mut formatted = Vec::new();
    for (path, text) in &files {
        if !path.ends_with(".rules") {
            formatted.push((path.clone(), text.clone()));
            continue;
        }
        let once = format(path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(once, *text, "{path} is not in the canonical form");
        formatted.push((path.clone(), once));
    }
    let again = Rules::from_sources(&formatted, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    let report = run_cases(&again, &files);
    assert!(report.failures.is_empty() && report.passed > 0);
}

#[test]
fn the_published_text_states_each_form() {
    let rules = Rules::load(DIR).unwrap_or_else(|e| panic!("{e}"));
    let md = publish(&rules, Format::Markdown);
    // Boundaries that go up.
    assert!(md.contains("体积不满5立方米"), "{md}");
    assert!(md.contains("体积5立方米以上、不满10立方米"), "{md}");
    assert!(md.contains("体积10立方米以上"), "{md}");
    insta::assert_snapshot!("forms_markdown", md);
    let html = publish(&rules, Format::Html);
    assert!(html.contains("体积5立方米以上、不满10立方米"));
}
