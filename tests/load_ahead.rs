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

/// The threads that help parse ahead are started once and shared by every load in the process:
/// loads on several threads at once, each finding the helpers busy with the others' files, load
/// exactly what one load alone does, and report the same errors.
#[test]
fn loads_on_several_threads_at_once_share_the_helpers_and_load_the_same() {
    let codes = |r: &Rules| -> Vec<String> {
        r.model()
            .violations
            .iter()
            .map(|v| v.code.to_string())
            .collect()
    };
    let clean = rule_set(false);
    let broken = rule_set(true);
    let alone = Rules::from_sources(&clean, "main.rules").unwrap_or_else(|e| panic!("loads:\n{e}"));
    let shipped = Rules::embedded().unwrap_or_else(|e| panic!("the shipped rules load:\n{e}"));
    let errors = |e: caliper::LoadError| caliper::diag::render_plain(&e.diagnostics, &e.sources);
    let broken_alone = match Rules::from_sources(&broken, "main.rules") {
        Ok(_) => panic!("a broken rule set must not load"),
        Err(e) => errors(e),
    };
    std::thread::scope(|s| {
        let loads: Vec<_> = (0..6)
            .map(|t| {
                let (clean, broken) = (&clean, &broken);
                s.spawn(move || {
                    let mut seen = Vec::new();
                    for round in 0..4 {
                        seen.push(match (t + round) % 3 {
                            0 => Rules::from_sources(clean, "main.rules")
                                .map(|r| codes(&r).join(" ")),
                            1 => Rules::embedded().map(|r| r.info().digest.to_string()),
                            _ => Rules::from_sources(broken, "main.rules").map(|_| String::new()),
                        });
                    }
                    seen
                })
            })
            .collect();
        let mut kinds = [0usize; 3];
        for (t, load) in loads.into_iter().enumerate() {
            let seen = load.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            for (round, got) in seen.into_iter().enumerate() {
                let kind = (t + round) % 3;
                kinds[kind] += 1;
                match (kind, got) {
                    (0, Ok(c)) => assert_eq!(c, codes(&alone).join(" ")),
                    (1, Ok(d)) => assert_eq!(d, shipped.info().digest.to_string()),
                    (2, Err(e)) => assert_eq!(errors(e), broken_alone),
                    (k, other) => panic!(
                        "load of kind {k} in round {round} gave {:?}",
                        other.map_err(errors)
                    ),
                }
            }
        }
        assert_eq!(kinds, [8, 8, 8], "each kind loaded eight times");
    });
}
