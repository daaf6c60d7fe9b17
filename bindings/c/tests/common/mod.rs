//! What the binding tests share: the 20 cases every binding must decide byte for byte as the
//! library does, and where cargo put the built library.

#![allow(dead_code, reason = "each test file uses part of this module")]

use std::path::{Path, PathBuf};

/// How many cases the bindings are compared on.
pub const CASE_COUNT: usize = 20;

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The folder with a `libcaliper_ffi.so` built from the sources as they are now.
///
/// `cargo test` builds the crate as a Rust library only, and a shared library left in the target
/// directory by an earlier `cargo build` may embed older rules: build it, in a target directory
/// of its own (the running cargo holds the lock of the main one), once for all the tests of a
/// test binary. Cargo makes this a no-op when nothing changed.
pub fn lib_dir() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("the test knows its own path");
            let dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("the test binary is in target/<profile>/deps");
            let target = dir.join("ffi-cdylib");
            let status = std::process::Command::new(env!("CARGO"))
                .args(["build", "-p", "caliper-ffi", "--lib", "--target-dir"])
                .arg(&target)
                .current_dir(repo_root())
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build -p caliper-ffi failed");
            let built = target.join("debug");
            assert!(
                built.join("libcaliper_ffi.so").exists(),
                "libcaliper_ffi.so is not in {}",
                built.display()
            );
            built
        })
        .clone()
}

/// The 20 cases, one JSON document each on one line: the examples in `examples/`, then cases
/// of the shipped rules' test files, one from each file in turn.
pub fn cases() -> Vec<String> {
    let root = repo_root();
    let mut out = Vec::new();
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("examples/ is readable")
        .map(|e| e.expect("examples/ lists").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    examples.sort();
    for p in examples {
        let text = std::fs::read_to_string(&p).expect("an example is readable");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("an example is JSON");
        out.push(doc.to_string());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("rules"))
        .expect("rules/ is readable")
        .map(|e| e.expect("rules/ lists").path())
        .filter(|p| p.to_string_lossy().ends_with(".test.toml"))
        .collect();
    files.sort();
    let per_file: Vec<Vec<toml::Value>> = files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("a test file is readable");
            let doc: toml::Table = toml::from_str(&text).expect("a test file is TOML");
            match doc.get("case") {
                Some(toml::Value::Array(cases)) => cases.clone(),
                _ => Vec::new(),
            }
        })
        .collect();
    let mut round = 0;
    while out.len() < CASE_COUNT {
        let before = out.len();
        for cases in &per_file {
            if out.len() < CASE_COUNT
                && let Some(case) = cases.get(round)
            {
                out.push(case_json(case));
            }
        }
        assert!(out.len() > before, "fewer than {CASE_COUNT} cases in all");
        round += 1;
    }
    out
}

/// A test file's case as the case document of the contract.
fn case_json(case: &toml::Value) -> String {
    let mut fields = Vec::new();
    for key in ["case_id", "violation", "violations", "facts"] {
        if let Some(v) = case.get(key) {
            fields.push(format!("{}:{}", json_string(key), json_of(v)));
        }
    }
    let text = format!("{{{}}}", fields.join(","));
    let doc: serde_json::Value = serde_json::from_str(&text).expect("the conversion writes JSON");
    doc.to_string()
}

/// A TOML value as JSON text; dates become `YYYY-MM-DD` strings, numbers keep their digits.
fn json_of(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => json_string(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => json_string(&d.to_string()),
        toml::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(json_of).collect::<Vec<_>>().join(",")
            )
        }
        toml::Value::Table(t) => format!(
            "{{{}}}",
            t.iter()
                .map(|(k, v)| format!("{}:{}", json_string(k), json_of(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The library's own answers: `Rules::decide_json` on each case.
pub fn rust_decisions(cases: &[String]) -> Vec<String> {
    let rules = caliper::Rules::embedded().expect("the shipped rules load");
    cases.iter().map(|c| rules.decide_json(c)).collect()
}

/// Review requests (偏离审查) on the same cases: each case with a proposed fine, in turn inside a
/// typical band, far above it, below every minimum and none at all, plus the shipped example.
pub fn review_requests(cases: &[String]) -> Vec<String> {
    let example = repo_root().join("examples/review/xr-49-2-proposed.json");
    let text = std::fs::read_to_string(example).expect("the review example is readable");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("the review example is JSON");
    let mut out = vec![doc.to_string()];
    let proposals = [
        r#"{"outcome":"standard","fine":150,"penalties":["fine"]}"#,
        r#"{"outcome":"standard","fine":100000,"penalties":["fine"]}"#,
        r#"{"outcome":"mitigated","fine":1,"penalties":["fine"]}"#,
        r#"{"outcome":"no_penalty","penalties":[]}"#,
    ];
    for (i, case) in cases.iter().enumerate() {
        let mut doc: serde_json::Value = serde_json::from_str(case).expect("a case is JSON");
        let proposed: serde_json::Value =
            serde_json::from_str(proposals[i % proposals.len()]).expect("a proposal is JSON");
        if let Some(fields) = doc.as_object_mut() {
            fields.insert("proposed".to_string(), proposed);
        }
        out.push(doc.to_string());
    }
    out
}

/// The library's own reviews: `Rules::review_json` on each request.
pub fn rust_reviews(requests: &[String]) -> Vec<String> {
    let rules = caliper::Rules::embedded().expect("the shipped rules load");
    requests.iter().map(|r| rules.review_json(r)).collect()
}

/// A fresh folder under the target dir for one test's files.
pub fn scratch(name: &str) -> PathBuf {
    let dir = lib_dir().join("binding-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the target dir is writable");
    dir
}

/// Writes the cases one a line and returns the file.
pub fn write_cases(dir: &Path, cases: &[String]) -> PathBuf {
    write_lines(dir, "cases.jsonl", cases)
}

/// Writes documents one a line into `dir/name` and returns the file.
pub fn write_lines(dir: &Path, name: &str, cases: &[String]) -> PathBuf {
    let path = dir.join(name);
    let mut text = cases.join("\n");
    text.push('\n');
    std::fs::write(&path, text).expect("the scratch dir is writable");
    path
}

/// Whether a tool is on PATH.
pub fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Compares a binding's output, one document a line, with the library's, case by case.
pub fn assert_same(binding: &str, output: &str, expected: &[String]) {
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(
        lines.len(),
        expected.len(),
        "{binding} gave {} documents for {} cases:\n{output}",
        lines.len(),
        expected.len()
    );
    for (i, (got, want)) in lines.iter().zip(expected).enumerate() {
        assert!(
            *got == want.as_str(),
            "case {} differs through {binding}:\n  {binding}: {got}\n  rust: {want}",
            i + 1
        );
    }
}
