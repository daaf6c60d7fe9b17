//! No input a user gives may panic the engine: rule files mangled at random, and cases with
//! random facts, end in diagnostics or error documents, never in a crash.

use caliper::Rules;
use proptest::prelude::*;
use std::sync::LazyLock;

static SHIPPED: LazyLock<Rules> = LazyLock::new(|| Rules::embedded().expect("shipped rules load"));

const SAMPLE: &str = include_str!("../rules/xuchang-shirong.rules");
const FACTS: &str = include_str!("../rules/facts.rules");

/// Characters that matter to the grammar, and some that do not.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"".to_string()),
        Just("#".to_string()),
        Just("..".to_string()),
        Just("若".to_string()),
        Just("且".to_string()),
        Just("不".to_string()),
        Just("罚款".to_string()),
        Just("\n".to_string()),
        Just("é\u{0}\u{feff}".to_string()),
        "[a-z0-9 ]{0,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn mangled_rule_files_give_diagnostics_not_panics(
        cut in 0usize..SAMPLE.len(), len in 0usize..40, insert in piece(),
    ) {
        // Cut a slice out of a real rule file (on char boundaries) and put something else in.
        let start = (0..=cut).rev().find(|i| SAMPLE.is_char_boundary(*i)).unwrap_or(0);
        let end = (start + len..=SAMPLE.len()).find(|i| SAMPLE.is_char_boundary(*i)).unwrap_or(SAMPLE.len());
        let text = format!("{}{}{}", &SAMPLE[..start], insert, &SAMPLE[end..]);
        let files = vec![
            ("main.rules".to_string(), "规则集 \"t\" { 版本 \"1\" 施行 2025-01-01 }\n包含 \"facts.rules\"\n包含 \"x.rules\"\n".to_string()),
            ("facts.rules".to_string(), FACTS.to_string()),
            ("x.rules".to_string(), text),
        ];
        match Rules::from_sources(&files, "main.rules") {
            Ok(_) => {}
            Err(e) => {
                prop_assert!(!e.diagnostics.is_empty());
                // Rendering points into the text: it must not panic either.
                let _ = caliper::diag::render_plain(&e.diagnostics, &e.sources);
                let _ = caliper::diag::render_json(&e.diagnostics, &e.sources);
            }
        }
    }

    #[test]
    fn random_cases_give_decisions_or_error_documents(
        code in prop::sample::select(vec!["XR-49-2", "XG-31", "XR-47", "GF-111-1", "ZM-32", "XR-42", "PS-50-2", "NOPE"]),
        facts in prop::collection::vec((
            prop::sample::select(vec!["party_type", "age", "area_m2", "facility_cost", "harm", "corrected",
                "violation_date", "discovery_date", "decision_date", "birth_date", "trading_point", "nope"]),
            prop_oneof![
                Just("\"individual\"".to_string()), Just("\"unit\"".to_string()), Just("true".to_string()),
                Just("null".to_string()), Just("\"2024-02-29\"".to_string()), Just("\"2025-13-01\"".to_string()),
                Just("1e400".to_string()), Just("-0".to_string()), Just("99999999999999999999999999999".to_string()),
                Just("\"serious\"".to_string()), Just("[]".to_string()), Just("{}".to_string()),
                (0u32..100000).prop_map(|n| n.to_string()),
                (0u32..10000).prop_map(|n| format!("{}.{}", n / 100, n % 100)),
            ],
        ), 0..10),
    ) {
        let body: Vec<String> = facts.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        let text = format!("{{\"violation\":\"{code}\",\"facts\":{{{}}}}}", body.join(","));
        let out = SHIPPED.decide_json(&text);
        let v: serde_json::Value = serde_json::from_str(&out).expect("always a JSON document");
        prop_assert!(v.get("outcome").is_some() || v.get("error").is_some(), "{out}");
    }
}

#[test]
fn a_long_chain_of_predicates_is_one_diagnostic_not_a_stack_overflow() {
    for reversed in [false, true] {
        let mut lines = vec![
            "规则集 \"t\" { 版本 \"1\" 施行 2025-01-01 }".to_string(),
            "事实 party_type 选项 { individual \"公民\", unit \"单位\" } \"当事人类型\""
                .to_string(),
            "事实 x 布尔 \"甲\"".to_string(),
            "谓词 p0 \"p\" 当 x".to_string(),
        ];
        let mut chain: Vec<String> = (1..5000)
            .map(|i| format!("谓词 p{i} \"p\" 当 p{}", i - 1))
            .collect();
        if reversed {
            chain.reverse();
        }
        lines.extend(chain);
        let files = vec![("main.rules".to_string(), lines.join("\n"))];
        let e = Rules::from_sources(&files, "main.rules").expect_err("too deep");
        let codes: Vec<&str> = e.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["M0223"], "reversed: {reversed}");
    }
}
