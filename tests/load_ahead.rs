//! The files a root file includes are read and parsed on several threads at once, each under
//! the file id it gets if the files before it include nothing. When that guess is wrong (an
//! included file includes others, a file is named twice, one is missing), the diagnostics must
//! still name the file and line they are in, and a rule set must load exactly as it would one
//! file after another.

use caliper::Rules;

const MAIN: &str = "规则集 \"预读\" {\n    版本 \"1\"\n    施行 2025-01-01\n}\n事实 party_type 选项 { individual \"公民\", unit \"法人或者其他组织\" } \"当事人类型\"\n";

/// A file of `n` violations coded `{prefix}-1` …, with `broken` (if any) as its line 3.
fn file(prefix: &str, n: usize, broken: Option<&str>) -> String {
    let mut s = String::from("# 生成的测试文件\n\n");
    if let Some(b) = broken {
        s.push_str(b);
        s.push('\n');
    }
    for i in 1..=n {
        s.push_str(&format!(
            "违法行为 {prefix}-{i} \"测试违法行为 {prefix} {i}\" {{\n    依据 \"《样例条例》第{i}条\"\n    罚款 ..200\n}}\n"
        ));
    }
    s
}

/// main includes a, b, c, d and b again; a includes a2, so every file after a gets an id
/// other than the one it was parsed under ahead.
fn rule_set(broken: bool) -> Vec<(String, String)> {
    let bad = |line: &str| broken.then_some(line.to_string());
    let main = format!(
        "{MAIN}包含 \"a.rules\"\n包含 \"b.rules\"\n包含 \"c.rules\"\n包含 \"d.rules\"\n包含 \"b.rules\"\n"
    );
    vec![
        ("main.rules".to_string(), main),
        (
            "a.rules".to_string(),
            format!("包含 \"a2.rules\"\n{}", file("AA", 20, None)),
        ),
        (
            "a2.rules".to_string(),
            file("AB", 20, bad("违法行为 AB-X {").as_deref()),
        ),
        // A byte-order mark, which the parse ahead must skip as the loop does.
        (
            "b.rules".to_string(),
            format!("\u{feff}{}", file("BB", 20, bad("违法行为 ??").as_deref())),
        ),
        (
            "c.rules".to_string(),
            file("CC", 20, bad("罚款 ..200").as_deref()),
        ),
        (
            "d.rules".to_string(),
            file(
                "DD",
                20,
                bad("违法行为 DD-X \"x\" { 罚款 ..abc }").as_deref(),
            ),
        ),
    ]
}

#[test]
fn every_included_file_loads_whatever_the_files_before_it_include() {
    let rules = Rules::from_sources(&rule_set(false), "main.rules")
        .unwrap_or_else(|e| panic!("loads:\n{e}"));
    let codes: Vec<String> = rules
        .model()
        .violations
        .iter()
        .map(|v| v.code.to_string())
        .collect();
    assert_eq!(codes.len(), 100, "{codes:?}");
    for prefix in ["AA", "AB", "BB", "CC", "DD"] {
        assert!(
            codes.iter().any(|c| c == &format!("{prefix}-20")),
            "{prefix} loaded"
        );
    }
}

#[test]
fn a_syntax_error_names_its_own_file_and_line_when_the_guess_was_wrong() {
    let err = match Rules::from_sources(&rule_set(true), "main.rules") {
        Ok(_) => panic!("a broken rule set must not load"),
        Err(e) => e,
    };
    let text = caliper::diag::render_plain(&err.diagnostics, &err.sources);
    for (file, line) in [
        ("a2.rules", 3),
        ("b.rules", 3),
        ("c.rules", 3),
        ("d.rules", 3),
    ] {
        assert!(
            text.contains(&format!("{file}:{line}:")),
            "an error at {file}:{line} in:\n{text}"
        );
    }
    // Nothing points into a file that has no error.
    for clean in ["a.rules:", "main.rules:"] {
        assert!(!text.contains(clean), "no error in {clean}:\n{text}");
    }
}
