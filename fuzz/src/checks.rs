//! What each fuzz target checks, shared by the targets (`fuzz_targets/*.rs`) and by the stable
//! test that replays the committed seeds and crash reproducers (`tests/fuzz_corpus.rs`). A
//! check panics when a property fails; any other panic, a hang or a stack overflow is a crash
//! of the engine.
//!
//! - `rules`: a rule file (with the shipped `facts.rules` beside it to include) is parsed,
//!   checked, formatted twice (the second time must change nothing), published, and each of its
//!   violations evaluated, with the differential checks below.
//! - `decide_json`: a case document against the shipped rules: the text is answered with valid
//!   JSON; the trace on and off give the same decision; the [`Case`] path agrees with the text
//!   path; a decision's JSON round-trips exactly.
//! - `hook_script`: a rhai script as a hook at both points of a small rule set, evaluated on a
//!   few cases with the same differential checks.

use caliper::{Case, CaseError, Decision, Options, Rules};
use std::sync::LazyLock;

static SHIPPED: LazyLock<Rules> =
    LazyLock::new(|| Rules::embedded().expect("the shipped rules load"));

const FACTS: &str = include_str!("../../rules/facts.rules");
const HOOK_BASE: &str = include_str!("../../tests/fixtures/hooks/base.rules");

/// A decision as JSON without its trace (what trace on and off must agree on).
fn without_trace(d: &Decision) -> serde_json::Value {
    let mut v = serde_json::to_value(d).expect("a decision serialises");
    strip_trace(&mut v);
    v
}

fn strip_trace(v: &mut serde_json::Value) {
    if let Some(o) = v.as_object_mut() {
        o.remove("trace");
        if let Some(serde_json::Value::Array(cs)) = o.get_mut("concurrent") {
            for c in cs {
                strip_trace(c);
            }
        }
    }
}

/// Two results of the same case must agree: equal decisions (without traces when `traced`
/// differs) or errors with the same code. A wall-clock stop (H0614) is exempt: it is only a
/// safety net behind the operation counts, and a loaded machine can reach it on one side only
/// (the first crash the fuzzer found: a 100 000-operation loop that took over 1 s under load).
fn agree(what: &str, a: &Result<Decision, CaseError>, b: &Result<Decision, CaseError>) {
    let timed_out = |r: &Result<Decision, CaseError>| r.as_ref().is_err_and(|e| e.code == "H0614");
    if timed_out(a) || timed_out(b) {
        return;
    }
    match (a, b) {
        (Ok(x), Ok(y)) => assert_eq!(without_trace(x), without_trace(y), "{what}"),
        (Err(x), Err(y)) => assert_eq!(x.code, y.code, "{what}: {x} / {y}"),
        _ => panic!("{what}: {a:?} / {b:?}"),
    }
}

/// The JSON of a decision reads back into the same decision and the same text.
fn round_trips(d: &Decision) {
    let text = serde_json::to_string(d).expect("a decision serialises");
    let back: Decision = serde_json::from_str(&text).expect("a decision's JSON reads back");
    let again = serde_json::to_string(&back).expect("serialises again");
    assert_eq!(text, again, "decision JSON round trip");
}

/// Evaluates a case on both paths and with the trace on and off; every pair must agree.
fn decide(rules: &Rules, case: &Case) {
    let on = rules.evaluate_with(case, Options { trace: true });
    let off = rules.evaluate_with(case, Options { trace: false });
    agree("trace on / off", &on, &off);
    let text = serde_json::to_string(case).expect("a case serialises");
    let from_text = rules.evaluate_json(&text);
    agree("Case path / JSON text path", &on, &from_text);
    if let Ok(d) = &on {
        round_trips(d);
        let _ = caliper::explain::render_decision(d);
    }
}

/// A case for `code` giving every declared fact a value chosen by `seed`.
fn case_for(rules: &Rules, code: &str, seed: usize) -> Case {
    let mut case = Case::new(code);
    for (i, f) in rules.model().facts.iter().enumerate() {
        let pick = seed.wrapping_add(i);
        let value: serde_json::Value = match &f.ty {
            caliper::model::FactType::Bool => (pick % 2 == 0).into(),
            caliper::model::FactType::Int => (pick % 40).into(),
            caliper::model::FactType::Decimal | caliper::model::FactType::Money => {
                serde_json::from_str(&format!("{}.5", pick % 1000)).expect("a number")
            }
            caliper::model::FactType::Date => match &*f.name {
                "birth_date" => "2000-01-01".into(),
                "decision_date" => "2025-06-01".into(),
                "discovery_date" => "2025-04-01".into(),
                _ => "2025-03-01".into(),
            },
            caliper::model::FactType::Enum(vs) if !vs.is_empty() => {
                vs[pick % vs.len()].0.clone().into()
            }
            caliper::model::FactType::Enum(_) => continue,
        };
        if pick % 7 != 3 {
            case = case.fact(f.name.to_string(), value);
        }
    }
    case
}

/// Target `rules`.
pub fn rules(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match caliper::fmt::format("main.rules", text) {
        Ok(out) => {
            let again = caliper::fmt::format("main.rules", &out).expect("formatted text parses");
            assert_eq!(again, out, "fmt is idempotent");
        }
        Err(caliper::fmt::FormatError::Unsound(what)) => panic!("fmt changed the rules: {what}"),
        Err(_) => {}
    }
    let files = vec![
        ("main.rules".to_string(), text.to_string()),
        ("facts.rules".to_string(), FACTS.to_string()),
    ];
    match Rules::from_sources(&files, "main.rules") {
        Err(e) => {
            assert!(
                !e.diagnostics.is_empty(),
                "a rule set that does not load says why"
            );
            let _ = caliper::diag::render_plain(&e.diagnostics, &e.sources);
            let _ = caliper::diag::render_json(&e.diagnostics, &e.sources);
        }
        Ok(rules) => {
            let _ = caliper::diag::render_plain(rules.warnings(), &rules.model().sources);
            let _ = caliper::publish::publish(&rules, caliper::publish::Format::Markdown);
            let _ = caliper::publish::publish(&rules, caliper::publish::Format::Html);
            let codes: Vec<String> = rules
                .model()
                .violation_index
                .keys()
                .take(8)
                .cloned()
                .collect();
            for (i, code) in codes.iter().enumerate() {
                decide(&rules, &case_for(&rules, code, i + data.len()));
            }
        }
    }
}

/// Target `decide_json`.
pub fn decide_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let out = SHIPPED.decide_json(text);
    serde_json::from_str::<serde_json::Value>(&out).expect("decide_json answers with JSON");
    let on = SHIPPED.evaluate_json_with(text, Options { trace: true });
    let off = SHIPPED.evaluate_json_with(text, Options { trace: false });
    agree("trace on / off", &on, &off);
    match serde_json::from_str::<Case>(text) {
        Ok(case) => agree("Case path / JSON text path", &SHIPPED.evaluate(&case), &on),
        Err(e) => assert!(
            on.is_err(),
            "the Case path refuses what the text path decides: {e}"
        ),
    }
    if let Ok(d) = &on {
        round_trips(d);
    }
}

/// Target `hook_script`.
pub fn hook_script(data: &[u8]) {
    let Ok(script) = std::str::from_utf8(data) else {
        return;
    };
    let mut text = HOOK_BASE.to_string();
    for (id, point) in [("H-F-1", "情节之后"), ("H-F-2", "结果之后")] {
        text.push_str(&format!(
            "钩子 {id} \"模糊测试\" {{\n    适用 全部\n    时点 {point}\n    脚本 \"hooks/f.rhai\"\n    依据 \"《测试用规范性文件》第一条\"\n}}\n"
        ));
    }
    let files = vec![
        ("hook.rules".to_string(), text),
        ("hooks/f.rhai".to_string(), script.to_string()),
    ];
    let rules = match Rules::from_sources(&files, "hook.rules") {
        Ok(r) => r,
        Err(e) => {
            assert!(!e.diagnostics.is_empty());
            let _ = caliper::diag::render_plain(&e.diagnostics, &e.sources);
            return;
        }
    };
    for (i, code) in ["X-1", "X-2", "X-3"].iter().enumerate() {
        decide(&rules, &case_for(&rules, code, i + data.len()));
    }
    let several = Case {
        violation: None,
        violations: Some(vec!["X-1".into(), "X-3".into()]),
        ..case_for(&rules, "X-1", data.len())
    };
    decide(&rules, &several);
}
