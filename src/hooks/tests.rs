//! The sandbox's own tests: limits, forbidden calls, the world's functions.

use super::{
    CALLBACK_FUNCTIONS, Code, Duration, Fact, FactType, FileId, HookPoint, LIMITS, Limits,
    Origin, Outcome, Pos, Snapshot, Span, Value, compile, may_declare, offset_of, outcome_from_zh,
    run, run_on, sandbox,
};

fn facts() -> Vec<Fact> {
    vec![
        Fact {
            name: "corrected".into(),
            ty: FactType::Bool,
            label: "及时改正".into(),
            unit: None,
            default: None,
            span: Span::default(),
        },
        Fact {
            name: "harm".into(),
            ty: FactType::Enum(vec![
                ("none".into(), "无".into()),
                ("minor".into(), "轻微".into()),
            ]),
            label: "危害后果".into(),
            unit: None,
            default: None,
            span: Span::default(),
        },
    ]
}

const ORIGIN: Origin = Origin {
    file: FileId(0),
    start: 0,
};

fn snap() -> Snapshot<'static> {
    Snapshot {
        violation: "X-1",
        outcome: Outcome::Standard,
        mandatory: true,
        fine: None,
        statutory: None,
    }
}

#[test]
fn offsets_count_characters_and_clamp() {
    let text = "let a = 1;\n\"中文\" + x\n";
    let at = offset_of(text, Pos { line: 2, column: 8 });
    assert_eq!(&text[at..at + 1], "x");
    assert_eq!(offset_of(text, Pos { line: 9, column: 1 }), text.len());
    assert_eq!(
        offset_of(
            text,
            Pos {
                line: 1,
                column: 99
            }
        ),
        10
    );
}

#[test]
fn facts_are_constants_and_only_named_ones_are_kept() {
    let s = compile("if corrected { note(\"改正\"); }", ORIGIN, &facts()).unwrap();
    assert_eq!(s.facts.len(), 1);
    let e = run(
        &s,
        HookPoint::AfterCircumstances,
        &[Some(Value::Bool(true)), None],
        &snap(),
    )
    .unwrap();
    assert_eq!(e.notes, vec!["改正".to_string()]);
    let s = compile("harm == \"minor\" && print(harm) == ()", ORIGIN, &facts());
    assert!(s.is_ok());
    let s = compile("corrected = true;", ORIGIN, &facts()).unwrap();
    let err = run(
        &s,
        HookPoint::AfterOutcome,
        &[Some(Value::Bool(false)), None],
        &snap(),
    )
    .unwrap_err();
    assert_eq!(err.code, Code::ScriptRuntime);
}

#[test]
fn the_deadline_stops_a_run_the_operation_count_would_not() {
    let limits = Limits {
        operations: 0,
        deadline: Duration::from_millis(30),
        ..LIMITS
    };
    let engine = sandbox(&limits);
    let s = compile("let x = 0; loop { x += 1; }", ORIGIN, &facts()).unwrap();
    let started = std::time::Instant::now();
    let err = run_on(
        &engine,
        &limits,
        &s,
        HookPoint::AfterOutcome,
        &[None, None],
        &snap(),
    )
    .unwrap_err();
    assert_eq!(err.code, Code::ScriptTimeout, "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn no_function_pointer_can_be_made() {
    // Fn(…), an anonymous function, or a script function's bare name: none compiles, so no
    // callback can run outside the operation count.
    for script in [
        "fn cmp(a, b) { 0 } let xs = [2, 1]; xs.sort(Fn(\"cmp\"));",
        "let xs = [2, 1]; xs.sort(|a, b| a - b);",
        "let xs = [2, 1]; let ys = xs.filter(|| true);",
    ] {
        let e = compile(script, ORIGIN, &facts()).unwrap_err();
        assert!(
            matches!(e.code, Code::ScriptForbidden | Code::ScriptUnknownName),
            "{script}: {e:?}"
        );
    }
}

#[test]
fn a_function_named_as_a_pointer_is_refused_when_called_back() {
    // rhai reads a script function's bare name as a pointer: every overload that would call
    // it back refuses, and the callback (an endless loop here) never runs.
    let calls = CALLBACK_FUNCTIONS
        .iter()
        .map(|f| format!("xs.{f}(cb)"))
        .chain(["xs.index_of(cb, 0)", "xs.find(cb, 0)", "xs.find_map(cb, 0)"].map(String::from))
        .chain(
            [
                "xs.reduce(cb, 0)",
                "xs.reduce_rev(cb, 0)",
                "xs.zip([1], cb)",
            ]
            .map(String::from),
        )
        .chain(["m.map(cb)", "m.filter(cb)", "m.drain(cb)", "m.retain(cb)"].map(String::from));
    for call in calls {
        let script = format!(
            "fn cb(a, b) {{ loop {{ }} }}\nlet xs = [3, 1, 2];\nlet m = #{{a: 1, b: 2}};\n{call};"
        );
        let s = compile(&script, ORIGIN, &facts()).unwrap();
        let err = run(&s, HookPoint::AfterOutcome, &[None, None], &snap()).unwrap_err();
        assert_eq!(err.code, Code::ScriptForbidden, "{call}: {err:?}");
        assert!(err.message.contains("回调"), "{call}: {err:?}");
    }
}

#[test]
fn outcome_names_read_both_ways() {
    assert_eq!(outcome_from_zh("从轻"), Some(Outcome::Lighter));
    assert_eq!(outcome_from_zh("从轻处罚"), Some(Outcome::Lighter));
    assert_eq!(outcome_from_zh("不予处罚"), Some(Outcome::NoPenalty));
    assert_eq!(outcome_from_zh("一般处罚"), Some(Outcome::Standard));
    assert_eq!(outcome_from_zh("从宽"), None);
}

#[test]
fn a_declaration_is_seen_past_comments_brackets_and_blocks() {
    let names = ["corrected", "outcome"];
    for text in [
        "let corrected = 1;",
        "if true { const outcome = 2; }",
        "for (i, corrected) in [1] {}",
        "let /* 注释 /* 嵌套 */ 还是注释 */ corrected = 1;",
        "let // 注释\n corrected = 1;",
        "try { throw 1; } catch (outcome) {}",
    ] {
        assert!(may_declare(text, &names), "{text}");
    }
    for text in [
        "let x = corrected;",
        "if corrected { let y = outcome; }",
        "lets corrected = 1; for_each(corrected);",
        "// let 出现在注释里，但后面不是事实\nnote(\"let\");",
    ] {
        assert!(!may_declare(text, &names), "{text}");
    }
    // Each form the scan sees is one rhai refuses: the probe compile still decides.
    for text in [
        "let /* 注释 */ corrected = 1;",
        "if corrected { const outcome = 1; }",
    ] {
        let err = compile(text, ORIGIN, &facts()).unwrap_err();
        assert_eq!(err.code, Code::ScriptForbidden, "{text}");
    }
}

#[test]
fn the_shipped_scripts_are_compiled_once() {
    let rules = crate::Rules::embedded().unwrap();
    let facts = rules.model().facts.iter().map(|f| &*f.name);
    let names: Vec<&str> = facts.chain(super::DECISION_CONSTANTS).collect();
    for text in [
        include_str!("../../rules/hooks/first-violation.rhai"),
        include_str!("../../rules/hooks/trading-points.rhai"),
    ] {
        assert!(!may_declare(text, &names));
    }
}

#[test]
fn the_declaration_scan_is_linear_in_the_script() {
    // A run of keywords: each would otherwise scan every word after it again.
    let text = "let ".repeat(200_000);
    let started = std::time::Instant::now();
    assert!(!may_declare(&text, &["corrected"]));
    let tail = format!("{text}corrected");
    assert!(may_declare(&tail, &["corrected"]));
    // Quadratic, this is about 4 × 10^10 steps: minutes, not the milliseconds it takes.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
