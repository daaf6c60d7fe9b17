//! Deeply nested rule files, on a small stack: every stage (parse, check, fmt, publish,
//! evaluate) runs on a 256 KiB thread, so a recursion that needs more than a server worker's
//! stack shows up here as a crash. Nesting up to the limit (`limits::NESTING`) works; beyond it is one S0104
//! diagnostic, never a stack overflow — including behind the strings that fooled the old bracket
//! counter (`"\\"`, a lone `"` in a `"""` script).

use caliper::limits::NESTING;
use caliper::publish::{Format, publish};
use caliper::{Case, Rules};

const HEADER: &str = r#"规则集 "嵌套" {
    版本 "1"
    施行 2025-01-01
}
事实 party_type 选项 { individual "公民", unit "法人或者其他组织" } "当事人类型"
事实 corrected 布尔 "及时改正"
违法行为 YL-1 "乱倒垃圾" {
    依据 "《样例条例》第二条"
    罚款 ..200
}
"#;

/// Runs `f` on a thread with a 256 KiB stack.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("a thread")
        .join()
        .expect("the stage finishes on a 256 KiB stack")
}

/// Loads, evaluates, formats and publishes `text` (on the calling thread): the codes of the
/// diagnostics if it does not load.
fn every_stage(text: String) -> Result<(), Vec<String>> {
    let files = vec![("main.rules".to_string(), text.clone())];
    let rules = match Rules::from_sources(&files, "main.rules") {
        Ok(r) => r,
        Err(e) => {
            let rendered = caliper::diag::render_plain(&e.diagnostics, &e.sources);
            assert!(!rendered.is_empty());
            let _ = caliper::diag::render_json(&e.diagnostics, &e.sources);
            return Err(e
                .diagnostics
                .iter()
                .map(|d| d.code.as_str().to_string())
                .collect());
        }
    };
    for code in rules.model().violation_index.keys() {
        let case = Case::new(code.clone())
            .fact("party_type", "individual")
            .fact("corrected", true);
        let d = rules.evaluate(&case).expect("a decision");
        let _ = caliper::explain::render_decision(&d);
    }
    let formatted = caliper::fmt::format("main.rules", &text).expect("formats");
    assert!(formatted.contains("YL-1"));
    assert!(!publish(&rules, Format::Markdown).is_empty());
    assert!(!publish(&rules, Format::Html).is_empty());
    Ok(())
}

fn parens(depth: usize) -> String {
    format!(
        "{HEADER}从轻 L-1 适用 YL-1 可以 \"及时改正的\"\n    当 {}corrected{}\n    依据 \"《中华人民共和国行政处罚法》第三十二条\"\n",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

fn conds(depth: usize) -> String {
    format!(
        "{HEADER}违法行为 YL-2 \"乱扔\" {{\n    依据 \"《样例条例》第三条\"\n    个人 {{ {} 罚款 ..100 {} }}\n    单位 {{ 罚款 ..500 }}\n}}\n",
        "若 corrected { ".repeat(depth),
        "} ".repeat(depth)
    )
}

fn s0104(r: Result<(), Vec<String>>) -> bool {
    matches!(r, Err(codes) if codes.contains(&"S0104".to_string()))
}

fn nots(n: usize) -> String {
    format!(
        "{HEADER}从轻 L-1 适用 YL-1 可以 \"t\" 当 {}corrected\n    依据 \"x\"\n",
        "不 ".repeat(n)
    )
}

fn chain(ops: usize) -> String {
    format!(
        "{HEADER}从轻 L-1 适用 YL-1 可以 \"t\" 当 corrected{}\n    依据 \"x\"\n",
        " 且 corrected".repeat(ops)
    )
}

#[test]
fn nesting_up_to_the_limit_works_on_a_small_stack() {
    small_stack(|| every_stage(parens(NESTING))).expect("brackets up to the limit load");
    small_stack(|| every_stage(conds(NESTING))).expect("若 blocks up to the limit load");
    small_stack(|| every_stage(nots(NESTING))).expect("不 up to the limit load");
    small_stack(|| every_stage(chain(NESTING))).expect("且 up to the limit load");
    // Brackets, operators and 若 blocks together: 4 levels a block.
    let mixed = format!(
        "{HEADER}违法行为 YL-2 \"乱扔\" {{\n    依据 \"x\"\n    个人 {{ {} 罚款 ..100 {} }}\n    单位 {{ 罚款 ..500 }}\n}}\n",
        "若 ((不 corrected)) { ".repeat(NESTING / 4),
        "} ".repeat(NESTING / 4)
    );
    small_stack(|| every_stage(mixed)).expect("blocks of 4 levels up to the limit load");
}

fn predicate_chain(n: usize) -> String {
    // `n` predicates, each one level below the next and each as deep as a condition may be.
    let mut text = HEADER.to_string();
    text.push_str(&format!(
        "谓词 p0 \"p\" 当 corrected{}\n",
        " 且 corrected".repeat(NESTING - 1)
    ));
    for i in 1..n {
        text.push_str(&format!(
            "谓词 p{i} \"p\" 当 p{}{}\n",
            i - 1,
            " 且 corrected".repeat(NESTING - 1)
        ));
    }
    text.push_str(&format!(
        "从轻 L-1 适用 YL-1 可以 \"t\" 当 p{}\n    依据 \"x\"\n",
        n - 1
    ));
    text
}

#[test]
fn predicates_using_predicates_are_bounded_by_their_levels_together() {
    // Evaluation follows the whole chain: 4 predicates of 32 levels each evaluate on a small
    // stack; 16 of them (within the chain length M0223 allows) are a diagnostic, not a crash.
    let per = NESTING;
    let fits = caliper::limits::PREDICATE_LEVELS / per;
    small_stack(move || every_stage(predicate_chain(fits))).expect("a chain within the limit");
    let r = small_stack(|| every_stage(predicate_chain(16)));
    assert!(
        matches!(&r, Err(codes) if codes.contains(&"M0223".to_string())),
        "{r:?}"
    );
}

#[test]
fn one_level_past_the_limit_is_a_diagnostic() {
    assert!(s0104(small_stack(|| every_stage(parens(NESTING + 1)))));
    assert!(s0104(small_stack(|| every_stage(conds(NESTING + 1)))));
    assert!(s0104(small_stack(|| every_stage(nots(NESTING + 1)))));
    assert!(s0104(small_stack(|| every_stage(chain(NESTING + 1)))));
}

#[test]
fn brackets_up_to_the_parse_bound_reach_the_parser_on_a_small_stack() {
    // pest recurses once per bracket and is given at most PARSE_BRACKETS of them: at the bound
    // it parses (and the tree's own limit reports the nesting), one past it the scan before
    // pest does. Either way one S0104, on a 256 KiB stack even in a debug build.
    let at = caliper::limits::PARSE_BRACKETS;
    assert!(s0104(small_stack(move || every_stage(parens(at)))));
    // 违法行为 { and 个人 { hold the 若 blocks.
    assert!(s0104(small_stack(move || every_stage(conds(at - 2)))));
    assert!(s0104(small_stack(move || every_stage(parens(at + 1)))));
    assert!(s0104(small_stack(move || every_stage(conds(at - 1)))));
}

#[test]
fn nesting_far_past_the_limit_is_a_diagnostic_not_a_crash() {
    for depth in [1_000, 10_000, 100_000] {
        assert!(
            s0104(small_stack(move || every_stage(parens(depth)))),
            "{depth}"
        );
        assert!(
            s0104(small_stack(move || every_stage(conds(depth)))),
            "{depth}"
        );
        assert!(
            s0104(small_stack(move || every_stage(nots(depth)))),
            "{depth}"
        );
    }
}

#[test]
fn strings_that_fooled_the_old_bracket_counter_hide_nothing() {
    // The old counter read `"\\"` as an escaped quote and so everything after it as a string.
    let backslash = parens(10_000).replace("版本 \"1\"", "版本 \"1\\\\\"");
    assert!(s0104(small_stack(move || every_stage(backslash))));
    // …and a lone `"` inside a `"""` script as the start of a string.
    let script = format!(
        "钩子 H-1 \"t\" {{ 适用 YL-1 时点 结果之后 脚本 \"\"\"\nnote(\"\\\"\");\n// \"\n\"\"\" 依据 \"x\" }}\n{}",
        parens(10_000)
    );
    assert!(s0104(small_stack(move || every_stage(script))));
}
