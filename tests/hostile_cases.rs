//! Hostile cases and rule sets that once gave silent wrong answers or unbounded output: option
//! indexes past `u16`, numbers with more than 28 significant digits, duplicate fact keys,
//! `violations` repeated 200,000 times, names of 10 MB, compiling a hook against 100,000 facts.

use caliper::{Case, Rules};
use std::sync::LazyLock;

static SHIPPED: LazyLock<Rules> = LazyLock::new(|| Rules::embedded().expect("shipped rules load"));

const HEADER: &str = r#"规则集 "限制" {
    版本 "1"
    施行 2025-01-01
}
事实 party_type 选项 { individual "公民", unit "法人或者其他组织" } "当事人类型"
违法行为 YL-1 "乱倒垃圾" {
    依据 "《样例条例》第二条"
    罚款 ..200
}
"#;

fn load(text: String) -> Result<Rules, Vec<String>> {
    Rules::from_sources(&[("main.rules".to_string(), text)], "main.rules").map_err(|e| {
        e.diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.as_str(), d.message))
            .collect()
    })
}

fn options(n: usize) -> String {
    let vs: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    format!(
        "{HEADER}事实 kind 选项 {{ {} }} \"种类\"\n从轻 L-1 适用 YL-1 可以 \"最后一种\" 当 kind = v{}\n    依据 \"x\"\n",
        vs.join(", "),
        n - 1
    )
}

#[test]
fn options_past_the_limit_are_a_diagnostic_not_a_wrapped_index() {
    // 65,537 options: `v65536` once bound as `v0`.
    let errors = load(options(65_537)).expect_err("too many options");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("M0230") && e.contains("可选值上限")),
        "{errors:?}"
    );
    // At the limit, the last option is itself and not the first.
    let rules = load(options(caliper::limits::OPTIONS_PER_FACT)).expect("1024 options load");
    let last = format!("v{}", caliper::limits::OPTIONS_PER_FACT - 1);
    let case = |kind: &str| {
        Case::new("YL-1")
            .fact("party_type", "individual")
            .fact("kind", kind)
    };
    let d = rules.evaluate(&case(&last)).expect("a decision");
    assert!(d.applied.iter().any(|a| &*a.id == "L-1"), "{:?}", d.applied);
    let d = rules.evaluate(&case("v0")).expect("a decision");
    assert!(d.applied.iter().all(|a| &*a.id != "L-1"), "{:?}", d.applied);
}

const AGE_29_DIGITS: &str = "13.99999999999999999999999999999";

fn minor_case_text(age: &str) -> String {
    format!(
        r#"{{"violation":"XR-49-2","facts":{{"party_type":"individual","age":{age},"violation_date":"2025-03-02","discovery_date":"2025-03-05"}}}}"#
    )
}

#[test]
fn numbers_with_more_than_28_significant_digits_are_refused_not_rounded() {
    // Once rounded to age 14 (and so to a 14-year-old's decision).
    let text = minor_case_text(AGE_29_DIGITS);
    let e = SHIPPED.evaluate_json(&text).expect_err("refused");
    assert_eq!(e.code, "E0502", "{e}");
    assert!(e.message.contains("28 位有效数字"), "{e}");
    let case: Case = serde_json::from_str(&text).expect("a case document");
    let e = SHIPPED
        .evaluate(&case)
        .expect_err("refused on the Case path too");
    assert_eq!(e.code, "E0502", "{e}");
    // 28 digits of a whole number are fine.
    assert!(
        SHIPPED
            .evaluate_json(&minor_case_text("14.000000000000000000000000000"))
            .is_ok()
    );
}

#[test]
fn a_fact_given_twice_is_an_error_on_both_paths() {
    let text = r#"{"violation":"XR-49-2","facts":{"party_type":"individual","age":35,"age":12}}"#;
    let e = SHIPPED.evaluate_json(text).expect_err("refused");
    assert_eq!(e.code, "E0504", "{e}");
    assert!(e.message.contains("age"), "{e}");
    let err = serde_json::from_str::<Case>(text).expect_err("the Case path refuses it too");
    assert!(err.to_string().contains("不止一次"), "{err}");
    // Given twice with one of them null: still twice.
    let text = r#"{"violation":"XR-49-2","facts":{"age":null,"age":12}}"#;
    assert_eq!(
        SHIPPED.evaluate_json(text).expect_err("refused").code,
        "E0504"
    );
}

#[test]
fn repeated_violations_are_decided_once_and_their_number_is_bounded() {
    let codes = vec!["XR-49-2".to_string(); 200_000];
    let case = Case {
        violations: Some(codes),
        ..Case::new("x")
    };
    let case = Case {
        violation: None,
        ..case
    }
    .fact("party_type", "unit");
    let d = SHIPPED.evaluate(&case).expect("a decision");
    assert!(d.concurrent.is_empty(), "{} concurrent", d.concurrent.len());
    assert!(serde_json::to_string(&d).expect("json").len() < 100_000);

    let distinct: Vec<String> = SHIPPED
        .model()
        .violation_index
        .keys()
        .take(caliper::limits::VIOLATIONS_PER_CASE + 1)
        .cloned()
        .collect();
    assert_eq!(distinct.len(), caliper::limits::VIOLATIONS_PER_CASE + 1);
    let json = serde_json::json!({"violations": distinct, "facts": {"party_type": "unit"}});
    let e = SHIPPED
        .evaluate_json(&json.to_string())
        .expect_err("too many");
    assert_eq!(e.code, "E0506", "{e}");
    assert!(e.message.contains("违法行为上限"), "{e}");
}

#[test]
fn huge_names_are_refused_quickly_and_never_echoed_whole() {
    let huge = "volume_m".repeat(1_250_000); // 10 MB
    let e = SHIPPED
        .evaluate(&Case::new("XR-49-2").fact(huge.clone(), 1))
        .expect_err("unknown fact");
    assert_eq!(e.code, "E0501");
    assert!(
        e.message.len() < 1_000 && e.at.len() < 1_000,
        "{}",
        e.message.len()
    );
    let e = SHIPPED
        .evaluate(&Case::new(huge.clone()))
        .expect_err("unknown violation");
    assert_eq!(e.code, "E0506");
    assert!(e.message.len() < 1_000);
    // As JSON text it does not get that far: the document itself is over the limit.
    let text = format!(r#"{{"violation":"{huge}"}}"#);
    let e = SHIPPED.evaluate_json(&text).expect_err("too big");
    assert_eq!(e.code, "E0506");
    assert!(e.message.contains("案件大小上限"), "{e}");
    // In a rule file, a huge name is a diagnostic naming the limit, clipped.
    let errors =
        load(format!("{HEADER}事实 {} 布尔 \"x\"\n", "a".repeat(100_000))).expect_err("too long");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("S0105") && e.len() < 1_000),
        "{errors:?}"
    );
}

#[test]
fn a_hook_against_many_facts_compiles_in_linear_time() {
    // 20,000 facts (over the limit of 4,096: a diagnostic) and a hook: once O(facts²).
    let facts: String = (0..20_000)
        .map(|i| format!("事实 f{i} 布尔 \"f\"\n"))
        .collect();
    let text = format!(
        "{HEADER}{facts}钩子 H-1 \"t\" {{ 适用 YL-1 时点 结果之后 脚本 \"\"\"\nif f1 == true {{ note(\"x\"); }}\n\"\"\" 依据 \"x\" }}\n"
    );
    let errors = load(text).expect_err("too many facts");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("M0230") && e.contains("事实数上限")),
        "{errors:?}"
    );
    // At the limit it loads, and the hook reads its fact.
    let facts: String = (0..caliper::limits::FACTS - 1)
        .map(|i| format!("事实 f{i} 布尔 \"f\"\n"))
        .collect();
    let text = format!(
        "{HEADER}{facts}钩子 H-1 \"t\" {{ 适用 YL-1 时点 结果之后 脚本 \"\"\"\nif f4000 == true {{ note(\"读到了\"); }}\n\"\"\" 依据 \"x\" }}\n"
    );
    let rules = load(text).expect("4,096 facts load");
    let d = rules
        .evaluate(
            &Case::new("YL-1")
                .fact("party_type", "unit")
                .fact("f4000", true),
        )
        .expect("a decision");
    assert!(format!("{:?}", d.trace).contains("读到了"));
}

#[test]
fn many_syntax_errors_stop_at_the_limit() {
    let text = format!("{HEADER}{}", "事实 x\n".repeat(100_000));
    let errors = load(text).expect_err("syntax errors");
    assert_eq!(
        errors.len(),
        caliper::limits::SYNTAX_ERRORS + 1,
        "{:?}",
        &errors[..3]
    );
    assert!(errors.last().is_some_and(|e| e.starts_with("S0106")));
}
