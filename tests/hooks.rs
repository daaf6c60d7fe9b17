//! Local exceptions (rhai hooks): the sandbox's limits, the legality guard, and the shipped
//! Xuchang examples.
//!
//! Each `tests/fixtures/hooks/NAME.rhai` is one script, attached as hook `H-T-1` (covering `X-1`
//! and `X-3`) to the small rule set `base.rules`. Its first comment lines say how to try it:
//!
//! ```text
//! // 时点：结果之后                                   情节之后 or 结果之后
//! // 案件：{"violation": "X-1", "facts": {"age": 16}}    merged over a standard individual case
//! // 预期：H0631 "300" "200" @ 6:5                     an error: its code, words its message must
//! //                                                   contain, and where in the script (line:col)
//! // 预期：lighter 60..80 mandatory=false "将罚款定为"   a decision: outcome, fine ("none"),
//! //                                                   optionally mandatory, words of the trace
//! ```
//!
//! The expectation is asserted; the whole result (the diagnostics or the error document as the
//! user sees them, or the decision's outcome, fine and step-9 trace) is then snapshotted with the
//! script echoed. Every fixture also evaluates `X-2`, which no hook covers, to show that the
//! rule set around a failing hook still decides ordinary cases as before.

use caliper::{Case, Decision, LoadError, Outcome, Rules};
use std::path::Path;
use std::time::{Duration, Instant};

const BASE: &str = include_str!("fixtures/hooks/base.rules");

/// An individual, act in 2025, no circumstance: X-1 is standard 95..155, X-2 standard 220..380.
fn base_facts() -> serde_json::Map<String, serde_json::Value> {
    serde_json::json!({
        "party_type": "individual",
        "age": 35,
        "violation_date": "2025-03-02",
        "discovery_date": "2025-03-05",
        "decision_date": "2025-03-10",
        "corrected": false,
        "first_offense": false,
        "harm": "general"
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}

struct Fixture {
    point: String,
    case: Case,
    expect: Vec<String>,
}

fn header(script: &str, key: &str) -> Option<String> {
    script.lines().find_map(|l| {
        l.strip_prefix("// ")
            .and_then(|l| l.strip_prefix(key))
            .and_then(|l| l.strip_prefix('：'))
            .map(|v| v.trim().to_string())
    })
}

/// Splits `H0631 "300" "a b" @ 6:5` into `H0631`, `"300"`, `"a b"`, `@`, `6:5`.
fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').expect("closing quote in 预期");
            out.push(format!("\"{}\"", &r[..end]));
            rest = r[end + 1..].trim_start();
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
    }
    out
}

fn fixture(script: &str) -> Fixture {
    let point = header(script, "时点").expect("a 时点 line");
    let case: serde_json::Value =
        serde_json::from_str(&header(script, "案件").expect("a 案件 line")).expect("案件 is JSON");
    let mut facts = base_facts();
    if let Some(extra) = case.get("facts").and_then(|f| f.as_object()) {
        facts.extend(extra.clone());
    }
    let violation = case["violation"].as_str().expect("a violation").to_string();
    let mut c = Case::new(violation);
    for (k, v) in facts {
        c.facts.insert(k, v);
    }
    Fixture {
        point,
        case: c,
        expect: tokens(&header(script, "预期").expect("a 预期 line")),
    }
}

/// The rule set of one fixture: the base, and the hook declared in a file of its own.
fn load(name: &str, point: &str, script: &str) -> Result<Rules, LoadError> {
    Rules::from_sources(&files(name, point, script), "main.rules")
}

/// The files of [`load`]: the base rule set, a file with one hook, its script.
fn files(name: &str, point: &str, script: &str) -> Vec<(String, String)> {
    let hook = format!(
        "钩子 H-T-1 \"测试钩子\" {{\n    适用 X-1, X-3\n    时点 {point}\n    脚本 \"hooks/{name}\"\n    依据 \"《测试用规范性文件》第一条\"\n}}\n"
    );
    vec![
        (
            "main.rules".to_string(),
            format!("{BASE}\n包含 \"hook.rules\"\n"),
        ),
        ("hook.rules".to_string(), hook),
        (format!("hooks/{name}"), script.to_string()),
    ]
}

fn assert_words(text: &str, words: &[String], what: &str) {
    for w in words.iter().filter(|w| w.starts_with('"')) {
        let w = w.trim_matches('"');
        assert!(text.contains(w), "{what} should contain “{w}”:\n{text}");
    }
}

/// The `@ line:col` of an expectation, if any.
fn expected_at(expect: &[String]) -> Option<&str> {
    expect
        .iter()
        .position(|t| t == "@")
        .and_then(|i| expect.get(i + 1))
        .map(String::as_str)
}

fn check_error(name: &str, expect: &[String], code: &str, message: &str, at: &str) {
    assert_eq!(code, expect[0], "{name}: code ({message})");
    assert_words(message, expect, name);
    if let Some(want) = expected_at(expect) {
        let want = format!("hooks/{name}:{want}");
        assert!(
            at == want || at.starts_with(&format!("{want}:")),
            "{name}: reported at {at}, expected {want}"
        );
    }
}

fn ordinary_case_is_unaffected(rules: &Rules) {
    let mut c = Case::new("X-2");
    for (k, v) in base_facts() {
        c.facts.insert(k, v);
    }
    let d = rules.evaluate(&c).expect("X-2 decides");
    assert_eq!(d.outcome, Outcome::Standard);
    assert_eq!(d.fine.map(|f| f.to_string()).as_deref(), Some("220..380"));
}

fn render_decision(d: &Decision) -> String {
    let mut s = format!(
        "outcome: {} (mandatory: {})\nfine: {}\napplied: {:?}\nalternatives: {}\n",
        d.outcome.code(),
        d.mandatory,
        d.fine.map_or("none".to_string(), |f| f.to_string()),
        d.applied.iter().map(|a| &*a.id).collect::<Vec<_>>(),
        d.alternatives
            .iter()
            .map(|a| format!(
                "{} {}",
                a.outcome.code(),
                a.fine.map_or("none".to_string(), |f| f.to_string())
            ))
            .collect::<Vec<_>>()
            .join(", "),
    );
    for line in d.trace.lines() {
        if line.starts_with("第9步") || line.starts_with("结论") {
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/hooks/*.rhai", |path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let script = std::fs::read_to_string(path).expect("fixture is readable");
        let f = fixture(&script);
        let started = Instant::now();
        let result = match load(&name, &f.point, &script) {
            Err(e) => {
                let d = e
                    .diagnostics
                    .iter()
                    .find(|d| d.is_error())
                    .expect("a load error has an error diagnostic");
                let span = d.primary_span().expect("a primary span");
                let at = e.sources.location(span).to_string();
                let text = format!("{}\n{}", d.message, d.help.as_deref().unwrap_or(""));
                check_error(&name, &f.expect, d.code.as_str(), &text, &at);
                caliper::diag::render_plain(&e.diagnostics, &e.sources)
            }
            Ok(rules) => {
                let out = match rules.evaluate(&f.case) {
                    Err(e) => {
                        check_error(&name, &f.expect, e.code.as_str(), &e.message, &e.at);
                        serde_json::to_string_pretty(&e.to_document()).unwrap_or_default()
                    }
                    Ok(d) => {
                        let want = &f.expect;
                        assert!(
                            !want[0].starts_with('H'),
                            "{name}: expected {}, got a decision:\n{}",
                            want[0],
                            render_decision(&d)
                        );
                        assert_eq!(d.outcome.code(), want[0], "{name}: outcome");
                        assert_eq!(
                            d.fine.map_or("none".to_string(), |x| x.to_string()),
                            want[1],
                            "{name}: fine"
                        );
                        for t in want.iter().skip(2) {
                            if let Some(m) = t.strip_prefix("mandatory=") {
                                assert_eq!(d.mandatory.to_string(), m, "{name}: mandatory");
                            }
                        }
                        assert_words(&d.trace.lines().join("\n"), want, &name);
                        render_decision(&d)
                    }
                };
                ordinary_case_is_unaffected(&rules);
                out
            }
        };
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name} took {:?}",
            started.elapsed()
        );
        insta::assert_snapshot!(format!("{script}\n---- 结果 ----\n{result}"));
    });
}

#[test]
fn a_syntax_error_in_an_inline_script_points_into_the_rule_file() {
    let hook = "钩子 H-T-2 \"内嵌脚本\" {\n    适用 X-1\n    时点 情节之后\n    脚本 \"\"\"\n    let a = 1;\n    let b = (a +;\n\"\"\"\n    依据 \"《测试用规范性文件》第二条\"\n}\n";
    let files = vec![
        (
            "main.rules".to_string(),
            format!("{BASE}\n包含 \"hook.rules\"\n"),
        ),
        ("hook.rules".to_string(), hook.to_string()),
    ];
    let e = Rules::from_sources(&files, "main.rules").expect_err("the script does not compile");
    let d = &e.diagnostics[0];
    assert_eq!(d.code.as_str(), "H0601");
    let at = e
        .sources
        .location(d.primary_span().expect("a primary span"));
    // Line 6 of hook.rules: `    let b = (a +;`, the `;` is the 17th character.
    assert_eq!(at.to_string(), "hook.rules:6:17");
}

#[test]
fn declarations_are_checked() {
    let hook = "钩子 H-T-3 \"有问题的声明\" {\n    适用 X-9\n    时点 结果以后\n    脚本 \"hooks/missing.rhai\"\n}\n";
    let files = vec![
        (
            "main.rules".to_string(),
            format!("{BASE}\n包含 \"hook.rules\"\n"),
        ),
        ("hook.rules".to_string(), hook.to_string()),
    ];
    let e = Rules::from_sources(&files, "main.rules").expect_err("the declaration is wrong");
    let codes: Vec<&str> = e.diagnostics.iter().map(|d| d.code.as_str()).collect();
    // The missing script stops loading before the model is checked, as a missing include does.
    assert_eq!(codes, ["H0602"]);

    let hook = "钩子 H-T-3 \"有问题的声明\" {\n    适用 X-9\n    时点 结果以后\n    脚本 \"\"\" note(\"x\"); \"\"\"\n}\n";
    let files = vec![
        (
            "main.rules".to_string(),
            format!("{BASE}\n包含 \"hook.rules\"\n"),
        ),
        ("hook.rules".to_string(), hook.to_string()),
    ];
    let e = Rules::from_sources(&files, "main.rules").expect_err("the declaration is wrong");
    let codes: Vec<&str> = e.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["H0605", "H0606", "H0607"]);
    let text = caliper::diag::render_plain(&e.diagnostics, &e.sources);
    assert!(text.contains("是否想写“结果之后”"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn scripts_are_part_of_the_digest() {
    let script = "note(\"x\");";
    let a = load("a.rhai", "结果之后", script).expect("loads");
    let b = load("a.rhai", "结果之后", "note(\"y\");").expect("loads");
    assert_ne!(a.info().digest, b.info().digest);
}

/// The digest is SHA-256 over each file's path and text, a zero byte after each, in load order:
/// the root, then what it includes, each file's scripts after it (records name rule sets by it).
#[test]
fn the_digest_is_the_files_in_load_order() {
    use sha2::{Digest, Sha256};
    let files = files("a.rhai", "结果之后", "note(\"x\");");
    let rules = Rules::from_sources(&files, "main.rules").expect("loads");
    let mut hasher = Sha256::new();
    for (path, text) in &files {
        for part in [path.as_bytes(), &[0], text.as_bytes(), &[0]] {
            hasher.update(part);
        }
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(*rules.info().digest, format!("sha256:{hex}"));
}

#[test]
fn a_failing_hook_leaves_the_thread_clean_and_runs_on_other_threads() {
    let rules = std::sync::Arc::new(load("loop.rhai", "结果之后", "loop { }").expect("loads"));
    let mut c = Case::new("X-1");
    for (k, v) in base_facts() {
        c.facts.insert(k, v);
    }
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let rules = rules.clone();
            let c = c.clone();
            std::thread::spawn(move || {
                rules
                    .evaluate(&c)
                    .map(|_| ())
                    .map_err(|e| e.code.to_string())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("no panic"), Err("H0611".to_string()));
    }
    ordinary_case_is_unaffected(&rules);
}

#[test]
fn the_shipped_examples_load_and_their_cases_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let rules = Rules::load(&root).expect("the shipped rules load");
    let ids: Vec<&str> = rules.model().hooks.iter().map(|h| &*h.id).collect();
    assert!(
        ids.contains(&"H-XR-42-1") && ids.contains(&"H-XC-SW-1"),
        "{ids:?}"
    );
    let embedded = Rules::embedded().expect("the embedded rules load");
    assert_eq!(embedded.model().hooks.len(), rules.model().hooks.len());

    let text = std::fs::read_to_string(root.join("hooks.test.toml")).expect("readable");
    let mut report = caliper::suite::Report::default();
    caliper::suite::run_file(&rules, "rules/hooks.test.toml", &text, &mut report);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert!(report.passed >= 10, "only {} cases ran", report.passed);

    // The trading-point hook, end to end: trading at a designated point in its hours is lawful
    // (市容条例 第十八条第二款), so XR-42 does not apply — no 不予处罚, no measures.
    let c = Case::new("XR-42")
        .fact("party_type", "individual")
        .fact("age", 52)
        .fact("minor", false)
        .fact("harm", "general")
        .fact("corrected", false)
        .fact("first_offense", false)
        .fact("prior_penalties_12m", 0)
        .fact("violation_date", "2025-03-02")
        .fact("discovery_date", "2025-03-05")
        .fact("decision_date", "2025-03-10")
        .fact("trading_point", "night_market")
        .fact("within_hours", true);
    let d = rules.evaluate(&c).expect("decides");
    assert_eq!(d.outcome, Outcome::NotApplicable);
    assert!(!d.mandatory);
    assert!(d.measures.is_empty());
    assert_eq!(
        d.not_applicable.as_ref().map(|n| n.reason),
        Some(caliper::decision::NotApplicableReason::Lawful)
    );
    assert!(d.basis.iter().any(|b| b.contains("夜市点")));
    let trace = d.trace.lines().join("\n");
    assert!(trace.contains("在夜市点的规定时间内经营"), "{trace}");
}

#[test]
fn hooks_of_one_point_run_in_order_and_moves_stay_on_top_of_a_recombination() {
    let hooks = "钩子 H-T-A \"先改结果\" {\n    适用 X-1\n    时点 结果之后\n    脚本 \"\"\"set_outcome(\"从轻\", \"《测试用规范性文件》第四条\");\"\"\"\n    依据 \"《测试用规范性文件》第四条\"\n}\n钩子 H-T-B \"再加情节\" {\n    适用 X-1\n    时点 结果之后\n    脚本 \"\"\"if outcome == \"从轻\" { add_circumstance(\"从重\", \"可以\", \"后加的情节\", \"《测试用规范性文件》第五条\"); }\"\"\"\n    依据 \"《测试用规范性文件》第五条\"\n}\n";
    let files = vec![
        (
            "main.rules".to_string(),
            format!("{BASE}\n包含 \"hook.rules\"\n"),
        ),
        ("hook.rules".to_string(), hooks.to_string()),
    ];
    let rules = Rules::from_sources(&files, "main.rules").expect("loads");
    let mut c = Case::new("X-1");
    for (k, v) in base_facts() {
        c.facts.insert(k, v);
    }
    let d = rules.evaluate(&c).expect("decides");
    // H-T-B saw H-T-A's move; its circumstance recombined (aggravated), and H-T-A's move stays.
    assert_eq!(d.outcome, Outcome::Lighter);
    assert!(!d.mandatory);
    assert_eq!(d.fine.map(|f| f.to_string()).as_deref(), Some("50..95"));
    assert!(d.applied.iter().any(|a| &*a.id == "H-T-B"));
    for cite in ["第四条", "第五条"] {
        assert!(d.basis.iter().any(|b| b.contains(cite)), "{:?}", d.basis);
    }
}
