//! Parser tests: every shape of the tree, and recovery after syntax errors.

use super::ast::{File, Item, PenaltyAlt, PenaltyStmt, Scale, ScriptRef};
use super::parse;
use crate::source::FileId;

fn ok(text: &str) -> File {
    let (f, d) = parse(FileId(0), text);
    assert!(d.is_empty(), "{d:#?}");
    f
}

#[test]
fn parses_a_violation_with_every_penalty_shape() {
    let f = ok(r#"
违法行为 XR-43 "露天烧烤" {
违反 "第十九条"
依据 "第四十三条"
措施 没收烧烤工具、恢复原状
若 commercial { 罚款 2000..20000 } 否则 { 罚款 500..2000 }
个人 { 警告 或 罚款 ..200 }
单位 { 可以 罚款 每 area_m2 50..100  罚款 facility_cost 1..3 倍  罚款 cost 2 倍 }
}
"#);
    let Item::Violation(v) = &f.items[0] else {
        panic!("not a violation")
    };
    assert_eq!(v.code.text, "XR-43");
    assert_eq!(v.common.len(), 2);
    assert_eq!(v.parties.len(), 2);
    let PenaltyStmt::Penalty(p) = &v.parties[1].stmts[0] else {
        panic!()
    };
    assert!(p.discretionary);
    let PenaltyAlt::Fine(f) = &p.alts[0] else {
        panic!()
    };
    assert!(matches!(f.scale, Some(Scale::PerUnit(_))));
}

#[test]
fn parses_entries_and_conditions() {
    let f = ok(r#"
法定 从轻或者减轻 S-30-2 适用 全部 应当 "已满十四周岁不满十八周岁的"
当 party_type = individual 且 age >= 14 且 age < 18 或 不 (harm 属于 {none, minor})
依据 "《中华人民共和国行政处罚法》第三十条"
不予处罚 N-1 适用 A-1, B-2 "no modality" 当 x
"#);
    assert_eq!(f.items.len(), 2);
    let Item::Entry(e) = &f.items[1] else {
        panic!()
    };
    assert!(e.modality.is_none());
    assert_eq!(e.covers.len(), 2);
}

#[test]
fn parses_hooks_with_a_file_or_an_inline_script() {
    let text = "钩子 H-1 \"便民点\" {\n    适用 XR-42\n    时点 情节之后\n    脚本 \"hooks/a.rhai\"\n    依据 \"《某文件》\"\n}\n钩子 H-2 \"t\" { 适用 全部 时点 结果之后 脚本 \"\"\"\nnote(\"x\"); // \"q\"\n\"\"\" }\n";
    let f = ok(text);
    let Item::Hook(h) = &f.items[0] else {
        panic!("not a hook")
    };
    assert_eq!(h.id.text, "H-1");
    assert_eq!(h.covers[0].text, "XR-42");
    assert_eq!(h.points[0].text, "情节之后");
    assert!(matches!(&h.scripts[0], ScriptRef::File(s) if s.value == "hooks/a.rhai"));
    assert_eq!(h.basis.len(), 1);
    let Item::Hook(h) = &f.items[1] else {
        panic!("not a hook")
    };
    assert!(h.covers_all);
    let ScriptRef::Inline { text: script, span } = &h.scripts[0] else {
        panic!("not inline")
    };
    assert_eq!(script, "\nnote(\"x\"); // \"q\"\n");
    assert_eq!(&text[span.range()], script);
}

#[test]
fn reports_several_syntax_errors_in_one_pass() {
    let (_, d) = parse(
        FileId(0),
        "违法行为 A \"t\" { 依据 }\n事实 x 布尔 \"x\"\n违法行为 B \"t\" { 罚款 1.. }\n",
    );
    assert_eq!(d.len(), 2, "{d:#?}");
}

#[test]
fn an_error_in_one_clause_keeps_the_rest_of_the_item() {
    let text = "违法行为 A \"t\" {\n    依据 \"某条\"\n    罚款 200..\n    个人 { 警告 }\n}\n事实 x 布尔 \"x\"\n";
    let (f, d) = parse(FileId(0), text);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(f.items.len(), 2);
    let Item::Violation(v) = &f.items[0] else {
        panic!("the violation is kept")
    };
    assert_eq!(v.basis.len(), 1);
    assert_eq!(v.parties.len(), 1);
    assert_eq!(f.broken.len(), 1);
    assert!(f.lost.is_empty());
}

#[test]
fn a_stray_brace_is_reported_once_and_the_next_item_read() {
    let text = "事实 x 布尔 \"x\" }\n事实 y 布尔 \"y\"\n";
    let (f, d) = parse(FileId(0), text);
    let codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["S0107"]);
    assert_eq!(f.items.len(), 2);
}

#[test]
fn an_unreadable_item_leaves_its_names_behind() {
    let (f, d) = parse(
        FileId(0),
        "违法行为 XR-1 { 罚款 ..200 }\n事实 y 布尔 \"y\"\n",
    );
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(f.items.len(), 1);
    let lost: Vec<&str> = f.lost.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(lost, ["XR-1"]);
}

#[test]
fn a_missing_brace_is_reported_in_the_block_a_closing_brace_does_not_line_up_with() {
    let text = "违法行为 A \"t\" {\n    依据 \"x\"\n    个人 { 罚款 ..200 }\n    单位 { 罚款 ..500\n}\n事实 y 布尔 \"y\"\n";
    let (f, d) = parse(FileId(0), text);
    assert_eq!(d.len(), 1, "{d:#?}");
    let at = d[0].primary_span().expect("a span");
    assert_eq!(&text[..at.start as usize].matches('\n').count(), &3);
    assert!(d[0].message.contains("第 4 行"), "{}", d[0].message);
    let Item::Violation(v) = &f.items[0] else {
        panic!("the violation is read")
    };
    assert_eq!(v.parties.len(), 2);
    assert_eq!(f.items.len(), 2);
}

/// The condition of the first list entry of `f`, rendered with every operator bracketed.
fn entry_condition(f: &File) -> String {
    use super::ast::{Expr, ExprKind};
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Number(n) => n.to_string(),
            ExprKind::Not(x) => format!("(不 {})", show(x)),
            ExprKind::Neg(x) => format!("(-{})", show(x)),
            ExprKind::Binary(op, l, r) => format!("({} {} {})", show(l), op.symbol(), show(r)),
            ExprKind::In(x, items) => {
                let items: Vec<String> = items.iter().map(show).collect();
                format!("({} 属于 {{{}}})", show(x), items.join(", "))
            }
            other => format!("{other:?}"),
        }
    }
    let Some(Item::Entry(e)) = f.items.iter().find(|i| matches!(i, Item::Entry(_))) else {
        panic!("no list entry")
    };
    show(&e.when[0])
}

#[test]
fn comments_and_every_kind_of_white_space_separate_tokens() {
    // A comment between any two tokens, CR LF line ends, tabs and the ideographic space.
    let text = "从轻 L-1 # 注释\r\n\t适用\u{3000}A-1 可以 \"t\"\r\n    当 a # 且 b\r\n    且\tb\n# 末尾的注释";
    let f = ok(text);
    assert_eq!(entry_condition(&f), "(a 且 b)");
    // A comment ends at a lone CR too, and an empty one at once.
    let f = ok("从轻 L-1 适用 A-1 可以 \"t\" #\n    当 a # 且 c\r且 b #");
    assert_eq!(entry_condition(&f), "(a 且 b)");
}

#[test]
fn a_control_character_is_still_no_white_space() {
    let (_, d) = parse(FileId(0), "从轻 L-1 适用 A-1 可以 \"t\"\n    当 a\u{b}且 b\n");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code.as_str(), "S0101");
}

#[test]
fn operators_keep_their_precedence_in_both_languages() {
    let f = ok("从轻 L-1 适用 A-1 可以 \"t\"\n    当 不 a + b * -c >= 2 或 d 且 e 属于 {x, y} or not f and g in {z} 或 h ≠ 1\n");
    assert_eq!(
        entry_condition(&f),
        "((((不 ((a + (b * (-c))) >= 2)) 或 (d 且 (e 属于 {x, y}))) 或 ((不 f) 且 (g 属于 {z}))) 或 (h != 1))"
    );
    // A name that starts as an operator word does ("order", "android", "或者" is not 或).
    let f = ok("从轻 L-1 适用 A-1 可以 \"t\"\n    当 order 且 android\n");
    assert_eq!(entry_condition(&f), "(order 且 android)");
}

#[test]
fn after_an_operand_a_syntax_error_names_the_operators() {
    let (_, d) = parse(FileId(0), "从轻 L-1 适用 A-1 可以 \"t\"\n    当 a $ b\n");
    assert_eq!(d.len(), 1, "{d:#?}");
    for operators in ["“且”或“或”", "比较符", "运算符"] {
        assert!(d[0].message.contains(operators), "{}", d[0].message);
    }
}

#[test]
fn braces_and_escaped_quotes_inside_strings_do_not_cut_items() {
    // The item scan skips strings: a brace, an escaped quote or a backslash before a Chinese
    // character inside one is text.
    let text = "从轻 L-1 适用 A-1 可以 \"含 { 和 \\\" 以及 \\\\ 的标题 }\" 当 a\n从重 A-2 适用 A-1 可以 \"t\" 当 b\n";
    let f = ok(text);
    assert_eq!(f.items.len(), 2);
    let Item::Entry(e) = &f.items[0] else {
        panic!("not an entry")
    };
    assert_eq!(
        e.title.as_ref().map(|t| t.value.as_str()),
        Some("含 { 和 \" 以及 \\ 的标题 }")
    );
}

#[test]
fn a_file_read_at_once_and_one_read_item_by_item_give_the_same_items() {
    let good = "从轻 L-1 适用 A-1 可以 \"t\"\n    当 a\n\n从重 L-2 适用 A-1 可以 \"u\"\n    当 b\n";
    let f = ok(good);
    assert_eq!(f.items.len(), 2);
    // The middle item does not parse: the file is read item by item, the error reported once
    // and the items around it read as they are.
    let bad = "从轻 L-1 适用 A-1 可以 \"t\"\n    当 a\n\n从轻 L-3 适用 A-1 当 $\n\n从重 L-2 适用 A-1 可以 \"u\"\n    当 b\n";
    let (g, d) = parse(FileId(0), bad);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code.as_str(), "S0101");
    let ids = |f: &File| -> Vec<String> {
        f.items
            .iter()
            .filter_map(|i| match i {
                Item::Entry(e) => Some(e.id.text.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(ids(&g), ["L-1", "L-2"]);
    assert_eq!(ids(&f), ids(&g));
}

/// The word-at-a-time test for control characters agrees with a test of each byte, wherever in
/// a word the character falls and whatever surrounds it (tabs, UTF-8 of Chinese text).
#[test]
fn a_control_character_is_found_in_any_place_of_a_word() {
    let each = |b: &[u8]| b.iter().any(|&c| c < 0x20 && c != b'\t');
    let base = "《许昌市城市市容和环境卫生管理条例》第十四条\tabc".as_bytes().to_vec();
    assert!(!super::has_control(&base));
    for at in 0..base.len() {
        for c in [0x00u8, 0x01, 0x0a, 0x0d, 0x1f, b'\t', 0x20, 0x7f] {
            let mut t = base.clone();
            t[at] = c;
            assert_eq!(super::has_control(&t), each(&t), "byte {c:#04x} at {at}");
        }
    }
}
