//! The language's forms on `examples/forms/`, one file per form, each encoded from a published
//! list (cited in the file) with the drafters' cases on both sides of every boundary beside it.
//! The set loads without a diagnostic, every case passes, the formatter keeps every file's
//! meaning (its own proof runs inside `format`), and the published text states each form.

use caliper::Rules;
use caliper::fmt::format;
use caliper::publish::{Format, publish};
use caliper::suite::{Report, run_file};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/forms");

fn files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(DIR)
        .expect("examples/forms")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            (name, std::fs::read_to_string(&p).expect("UTF-8"))
        })
        .collect();
    out.sort();
    out
}

fn run_cases(rules: &Rules, files: &[(String, String)]) -> Report {
    let mut report = Report::default();
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".test.toml")) {
        run_file(rules, path, text, &mut report);
    }
    report
}

#[test]
fn every_case_beside_the_forms_passes() {
    let rules = Rules::load(DIR).unwrap_or_else(|e| panic!("{e}"));
    assert!(rules.warnings().is_empty(), "{:?}", rules.warnings());
    let files = files();
    let report = run_cases(&rules, &files);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{} ({}): {:?}", f.name, f.file, f.mismatches))
        .collect();
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));
    let cases: usize = files
        .iter()
        .map(|(_, t)| t.lines().filter(|l| l.trim() == "[[case]]").count())
        .sum();
    assert!(cases > 0);
    assert_eq!(report.passed, cases, "every [[case]] must run");
}

#[test]
fn the_formatter_keeps_every_form() {
    let files = files();
    let mut formatted = Vec::new();
    for (path, text) in &files {
        if !path.ends_with(".rules") {
            formatted.push((path.clone(), text.clone()));
            continue;
        }
        let once = format(path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(once, *text, "{path} is not in the canonical form");
        formatted.push((path.clone(), once));
    }
    let again = Rules::from_sources(&formatted, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    let report = run_cases(&again, &files);
    assert!(report.failures.is_empty() && report.passed > 0);
}

#[test]
fn the_published_text_states_each_form() {
    let rules = Rules::load(DIR).unwrap_or_else(|e| panic!("{e}"));
    let md = publish(&rules, Format::Markdown);
    // Boundaries that go up.
    assert!(md.contains("体积不满5立方米"), "{md}");
    assert!(md.contains("体积5立方米以上、不满10立方米"), "{md}");
    assert!(md.contains("体积10立方米以上"), "{md}");
    // 按日连续处罚, with the fact its days are counted by.
    assert!(
        md.contains("可以按照原处罚数额按日连续处罚（日数：拒不改正的日数"),
        "{md}"
    );
    insta::assert_snapshot!("forms_markdown", md);
    let html = publish(&rules, Format::Html);
    assert!(html.contains("体积5立方米以上、不满10立方米"));
}

const ENGLISH: &str = r#"# 英文关键字
ruleset "样例" {
    version "1"
    effective 2025-01-01
}

fact party_type options { individual "公民", unit "法人或者其他组织" } "当事人类型"
fact area_m2 decimal "面积" unit "平方米"
fact fine_paid bool "已缴纳罚款" default false
fact order_date date "责令改正日期"
fact end_date date "改正日期"
predicate late "逾期三十日以上" when days(order_date, end_date) > 30

regulation XR "《样例条例》" {
    effective 2017-01-01
    violation XR-1 "乱倒垃圾" {
        basis "《样例条例》第一条"
        individual { fine ..200 }
        unit { if late and not fine_paid { fine per area_m2 50..100 cap 20000 may daily_fine days(order_date, end_date) } else { 警告 } }
    }
}

lighter L-1 covers all may "面积不超过5平方米的"
    when area_m2 <= 5 or party_type in {individual}
    basis "《中华人民共和国行政处罚法》第三十二条"
"#;

fn decide(rules: &Rules, facts: &str) -> caliper::Decision {
    let case: caliper::Case =
        serde_json::from_str(&format!(r#"{{ "violation": "XR-1", "facts": {facts} }}"#))
            .expect("a case");
    rules.evaluate(&case).expect("a decision")
}

/// The English keywords: a rule set written with them decides as the Chinese one does, `fmt`
/// prints it in Chinese, and a name that merely contains a keyword (`fine_paid`) stays a name.
#[test]
fn english_keywords_read_as_the_chinese_ones() {
    let files = [("main.rules".to_string(), ENGLISH.to_string())];
    let english = Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    let chinese = format("main.rules", ENGLISH).unwrap_or_else(|e| panic!("{e}"));
    for written in [
        "规则集 \"样例\"",
        "事实 fine_paid 布尔 \"已缴纳罚款\" 默认 假",
        "谓词 late \"逾期三十日以上\" 当 天数(order_date, end_date) > 30",
        "若 late 且 不 fine_paid {",
        "罚款 每 area_m2 50..100 不超过 20000",
        "可以 按日连续处罚 天数(order_date, end_date)",
        "从轻 L-1 适用 全部 可以",
        "当 area_m2 <= 5 或 party_type 属于 {individual}",
    ] {
        assert!(chinese.contains(written), "{written} not in:\n{chinese}");
    }
    assert!(!chinese.contains("violation"), "{chinese}");
    let files = [("main.rules".to_string(), chinese)];
    let formatted = Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    let facts = r#"{ "party_type": "unit", "area_m2": 10, "order_date": "2025-01-01", "end_date": "2025-03-01" }"#;
    let (a, b) = (decide(&english, facts), decide(&formatted, facts));
    // 59 days late, 10 m² at 50..100: 500..1000, standard 650..850.
    assert_eq!(a.fine.map(|f| f.to_string()).as_deref(), Some("650..850"));
    assert_eq!(a.fine, b.fine);
    assert_eq!(a.outcome, b.outcome);
    // The daily fine of the English form: 59 days of 650..850.
    let daily = a.daily_fine.as_ref().expect("a daily fine");
    assert_eq!(
        (daily.days, daily.total.to_string()),
        (59, "38350..50150".to_string())
    );
    assert!(daily.discretionary);
    assert_eq!(a.daily_fine, b.daily_fine);
    // 31 m² → 1550..3100, the cap does not bind; 400 m² → 20000..40000 capped to 20000..20000.
    let big = decide(
        &english,
        r#"{ "party_type": "unit", "area_m2": 400, "order_date": "2025-01-01", "end_date": "2025-03-01" }"#,
    );
    assert_eq!(
        big.fine.map(|f| f.to_string()).as_deref(),
        Some("20000..20000")
    );
}

/// A reserved English word cannot be a name; a keyword inside a longer name is no keyword.
#[test]
fn reserved_english_words_are_not_names() {
    let header = "ruleset \"样例\" { version \"1\" effective 2025-01-01 }\nfact party_type options { individual \"公民\", unit \"法人或者其他组织\" } \"当事人类型\"\n";
    let bad = format!("{header}fact and bool \"且\"\n");
    let Err(err) = Rules::from_sources(&[("main.rules".into(), bad)], "main.rules") else {
        panic!("`and` is reserved");
    };
    assert!(err.to_string().contains("S0101"), "{err}");
    let good = format!(
        "{header}fact android bool \"安卓\"\nfact rest_days int \"休息日\"\nviolation X-1 \"样例\" {{ basis \"第一条\" if android and rest_days > 1 {{ fine ..200 }} }}\n"
    );
    Rules::from_sources(&[("main.rules".into(), good)], "main.rules")
        .unwrap_or_else(|e| panic!("{e}"));
}
