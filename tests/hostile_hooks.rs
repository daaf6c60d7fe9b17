//! The hooks of one decision share one operation budget: each run staying under its own limit is
//! not enough when a rule set has many hooks, or a case several norms (Art. 29).

use caliper::{Case, Rules};

const BASE: &str = include_str!("fixtures/hooks/base.rules");

/// `n` hooks covering every violation, each looping `iterations` times after the outcome.
fn rules_with_hooks(n: usize, iterations: usize) -> Rules {
    let mut text = BASE.to_string();
    for i in 0..n {
        text.push_str(&format!(
            "钩子 H-B-{i} \"循环\" {{\n    适用 全部\n    时点 结果之后\n    脚本 \"\"\"\nlet x = 0;\nfor i in 0..{iterations} {{ x += 1; }}\n\"\"\"\n    依据 \"《测试用规范性文件》第一条\"\n}}\n"
        ));
    }
    Rules::from_sources(&[("hook.rules".to_string(), text)], "hook.rules").expect("loads")
}

fn case(violations: &[&str]) -> Case {
    let c = Case {
        violations: Some(violations.iter().map(|v| v.to_string()).collect()),
        ..Case::default()
    };
    c.fact("party_type", "individual")
        .fact("age", 35)
        .fact("violation_date", "2025-03-02")
        .fact("discovery_date", "2025-03-05")
        .fact("decision_date", "2025-03-10")
        .fact("corrected", false)
        .fact("first_offense", false)
        .fact("harm", "general")
}

#[test]
fn hooks_under_their_own_limit_still_share_one_budget_per_decision() {
    // One run of 20,000 iterations stays well under the per-run limit of 100,000 operations.
    let one = rules_with_hooks(1, 20_000);
    one.evaluate(&case(&["X-1"])).expect("one hook decides");
    // Twenty of them on one decision would be 20 times that: the decision's budget stops them.
    let many = rules_with_hooks(20, 20_000);
    let e = many.evaluate(&case(&["X-1"])).expect_err("over the budget");
    assert_eq!(e.code, "H0616", "{e}");
    assert!(e.message.contains("每个决定的钩子运算上限"), "{e}");
    // Several norms of one act count together: two hooks a norm, three norms.
    let two = rules_with_hooks(2, 20_000);
    two.evaluate(&case(&["X-1"]))
        .expect("two hooks on one norm decide");
    let e = two
        .evaluate(&case(&["X-1", "X-2", "X-3"]))
        .expect_err("three norms with two hooks each are over the budget");
    assert_eq!(e.code, "H0616", "{e}");
    // The budget is per decision: the next case starts afresh.
    two.evaluate(&case(&["X-2"])).expect("a fresh budget");
}
