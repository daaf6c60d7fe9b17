//! The formatter on every shipped rule file: it succeeds, it is idempotent, it loses no comment,
//! and the formatted rule set decides every drafter's test case exactly as the original does.
//! The files of `fixtures/fmt/` are formatted into snapshots that echo the input.

use caliper::Rules;
use caliper::fmt::format;

fn rule_files() -> Vec<(String, String)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
    let mut out = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(root)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("rules/").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if let Ok(rel) = p.strip_prefix(root) {
                let text = std::fs::read_to_string(&p).expect("UTF-8");
                out.push((rel.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn shipped_rules_format_idempotently_and_keep_their_meaning() {
    let files = rule_files();
    let mut formatted = Vec::new();
    for (path, text) in &files {
        if !path.ends_with(".rules") {
            formatted.push((path.clone(), text.clone()));
            continue;
        }
        let once = format(path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let twice = format(path, &once).unwrap_or_else(|e| panic!("{path} (again): {e}"));
        assert_eq!(once, twice, "{path}: not idempotent");
        // Every comment is still there ('#' appears in the shipped rules only in comments).
        assert_eq!(
            once.matches('#').count(),
            text.matches('#').count(),
            "{path}"
        );
        formatted.push((path.clone(), once));
    }
    let original = Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    let reformatted =
        Rules::from_sources(&formatted, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    // Same decisions on every test case beside the rules.
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".test.toml")) {
        let mut a = caliper::suite::Report::default();
        let mut b = caliper::suite::Report::default();
        caliper::suite::run_file(&original, path, text, &mut a);
        caliper::suite::run_file(&reformatted, path, text, &mut b);
        assert_eq!(
            (a.passed, a.failures.len()),
            (b.passed, b.failures.len()),
            "{path}"
        );
        assert!(b.failures.is_empty(), "{path}: {:?}", b.failures);
    }
    // Same published document.
    use caliper::publish::{Format, publish};
    assert_eq!(
        publish(&original, Format::Markdown),
        publish(&reformatted, Format::Markdown)
    );
}

#[test]
fn a_messy_file_gets_the_canonical_layout() {
    let messy = "# 样例\n规则集 \"样例\" {版本 \"1\"   施行 2025-01-01 参数{从轻比例 0.3 简易程序 个人 200 单位 3000}}\n事实 party_type 选项{individual \"公民\",unit \"单位\"} \"当事人类型\"\n事实 x 小数 \"面积\" 单位 \"平方米\"  # 面积\n违法行为 A-1 \"乱倒\"{依据 \"某条\" 个人{罚款 ..200} 单位{若 x>5{罚款 每 x 50..100}否则{警告}} 违反 \"另条\"}\n从轻 L-1 适用 A-1 可以 \"标题\" 当 (x<=5 且 x>1) 或 不 x = 3 依据 \"第三十二条\"\n";
    let out = format("messy.rules", messy).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(out);
    assert_eq!(format("messy.rules", &out).expect("formats"), out);
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    let e = format("bad.rules", "违法行为 A \"t\" { 罚款 1.. }").expect_err("syntax error");
    assert!(e.to_string().contains("S0101"), "{e}");
}

#[test]
fn shipped_rules_are_in_the_canonical_form() {
    for (path, text) in rule_files().iter().filter(|(p, _)| p.ends_with(".rules")) {
        let out = format(path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            out == *text,
            "{path} is not formatted: run `caliper fmt rules`"
        );
    }
}

/// Each file of `fixtures/fmt/`: the input and what the formatter makes of it, which formats
/// to itself again and keeps every comment.
#[test]
fn fixtures() {
    insta::glob!("fixtures/fmt/*.rules", |path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let text = std::fs::read_to_string(path).expect("a UTF-8 fixture");
        let out = format(name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(format(name, &out).expect("formats again"), out, "{name}");
        for line in text.lines() {
            if let Some(i) = line.find('#') {
                let comment = line[i..].trim_end();
                assert!(out.contains(comment), "{name}: lost {comment}");
            }
        }
        insta::assert_snapshot!(format!("{text}\n---- 格式化后 ----\n{out}"));
    });
}
