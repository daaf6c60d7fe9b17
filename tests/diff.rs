//! `caliper diff`: a revision with one changed band, one removed entry and one added version
//! reports exactly those, with cases that show them; a rule set against its `fmt` output reports
//! no change in any decision.

use caliper::Rules;
use caliper::analysis::diff::diff;

fn shipped_files() -> (Vec<(String, String)>, String) {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let files = rules
        .source_files()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    (files, rules.root_file().to_string())
}

fn edit(files: &mut [(String, String)], path: &str, from: &str, to: &str) {
    let f = files
        .iter_mut()
        .find(|(p, _)| p.ends_with(path))
        .unwrap_or_else(|| panic!("{path}"));
    assert!(f.1.contains(from), "{from}");
    f.1 = f.1.replacen(from, to, 1);
}

#[test]
fn a_revision_reports_exactly_its_changes_with_cases() {
    let (files, root) = shipped_files();
    let old = Rules::from_sources(&files, &root).unwrap_or_else(|e| panic!("{e}"));
    let mut revised = files.clone();
    // One changed band: the first tier of JL-22-1 ends at 12,000 instead of 15,000.
    edit(
        &mut revised,
        "jianzhu-laji.rules",
        "..5: 5000..15000  ..10: 15000..30000",
        "..5: 5000..12000  ..10: 12000..30000",
    );
    // One removed entry.
    let start = revised
        .iter()
        .find(|(p, _)| p.ends_with("xuchang-shirong.rules"))
        .map(|(_, t)| t.clone())
        .expect("file");
    let from = start.find("从轻 L-XR-41-1-1 ").expect("entry");
    let to = from + start[from..].find("来源").expect("source");
    let end = to + start[to..].find('\n').expect("line end") + 1;
    edit(&mut revised, "xuchang-shirong.rules", &start[from..end], "");
    // One added version: JL-23 raised from 2026.
    edit(
        &mut revised,
        "jianzhu-laji.rules",
        "        依据 \"《城市建筑垃圾管理规定》第二十三条\"\n        单位 {\n            警告\n            罚款 5000..50000\n        }\n",
        "        版本 2026-01-01 起 {\n            依据 \"《城市建筑垃圾管理规定》（修订）第二十三条\"\n            单位 { 警告 罚款 8000..80000 }\n        }\n        版本 2005-06-01 至 2025-12-31 {\n            依据 \"《城市建筑垃圾管理规定》第二十三条\"\n            单位 { 警告 罚款 5000..50000 }\n        }\n",
    );
    let new = Rules::from_sources(&revised, &root).unwrap_or_else(|e| panic!("{e}"));
    let report = diff(&old, &new);
    let mut kinds: Vec<(&str, &str, &str)> = report
        .changes
        .iter()
        .map(|c| (c.kind, c.what, c.id.as_str()))
        .collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            ("entry", "removed", "L-XR-41-1-1"),
            ("range", "changed", "JL-23"),
            ("tiers", "changed", "JL-22-1"),
            ("version", "added", "JL-23"),
            ("version", "added", "JL-23"),
            ("version", "removed", "JL-23"),
            ("violation", "changed", "JL-23"),
        ],
        "{}",
        report.text()
    );
    // The cases that show them: each changed violation has one, old and new side by side, and
    // the engine gives each side as reported.
    for code in ["JL-22-1", "JL-23", "XR-41-1"] {
        let c = report
            .cases
            .iter()
            .find(|c| c.violation == code)
            .unwrap_or_else(|| panic!("no case for {code}: {}", report.text()));
        let case: caliper::Case = serde_json::from_value(c.case.clone()).expect("a case");
        let a = old.evaluate(&case).expect("old decides");
        let b = new.evaluate(&case).expect("new decides");
        assert_eq!(a.fine.map(|f| f.to_string()), c.old.fine, "{code}");
        assert_eq!(b.fine.map(|f| f.to_string()), c.new.fine, "{code}");
        assert_ne!(c.old, c.new);
    }
    assert!(
        report
            .cases
            .iter()
            .all(|c| ["JL-22-1", "JL-23", "XR-41-1"].contains(&c.violation.as_str())),
        "{}",
        report.text()
    );
    assert!(report.text().contains("JL-22-1 的情节档次"));
}

#[test]
fn a_rule_set_against_its_formatted_text_changes_no_decision() {
    let (files, root) = shipped_files();
    let old = Rules::from_sources(&files, &root).unwrap_or_else(|e| panic!("{e}"));
    let formatted: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| {
            if p.ends_with(".rules") {
                (
                    p.clone(),
                    caliper::fmt::format(p, t).unwrap_or_else(|e| panic!("{e:?}")),
                )
            } else {
                (p.clone(), t.clone())
            }
        })
        .collect();
    let new = Rules::from_sources(&formatted, &root).unwrap_or_else(|e| panic!("{e}"));
    let report = diff(&old, &new);
    assert!(report.changes.is_empty(), "{}", report.text());
    assert!(report.no_decision_changes(), "{}", report.text());
    assert!(report.compared > 1000, "{}", report.compared);
    assert!(report.text().contains("没有任何裁量结果改变"));
}
