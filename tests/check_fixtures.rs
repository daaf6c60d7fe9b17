//! Every diagnostic a rule file can trigger, one broken rule set per code.
//!
//! `tests/fixtures/check/` holds `err_<CODE>[_<CODE>…]_<what>.rules` (a whole rule set in one file)
//! or `err_…/` (a directory with `main.rules`, for include errors), and `ok_*.rules` that load
//! cleanly. Each fixture asserts that the codes in its name are reported (and, for errors, that
//! the rule set does not load), then snapshots its input followed by the plain rendering a
//! drafter would read.

use caliper::Rules;
use caliper::diag::{Code, Diagnostic, Severity, render_json, render_plain};
use caliper::source::SourceMap;
use std::path::{Path, PathBuf};

/// Diagnostic codes without a fixture here; each with the reason (and where it is tested). (E05xx are errors of a case,
/// covered by `tests/cli.rs`; H06xx belong to hook scripts and their own fixtures.)
const UNREACHABLE: &[(&str, &str)] = &[
    (
        "S0106",
        "needs 100 syntax errors in one file; tests/hostile_cases.rs (many_syntax_errors_stop_at_the_limit)",
    ),
    (
        "L0499",
        "needs a condition over more than a million cases; tests/analysis.rs (a_question_too_large_is_reported)",
    ),
    (
        "M0230",
        "needs megabytes, thousands of facts or 33 files; tests/hostile_cases.rs and tests/hostile_paths.rs",
    ),
];

/// What loading a rule set gave: its diagnostics (errors, or the warnings of a loaded set).
struct Checked {
    loaded: bool,
    diagnostics: Vec<Diagnostic>,
    sources: SourceMap,
}

fn check(path: &Path) -> Checked {
    match Rules::load(path) {
        Ok(r) => Checked {
            loaded: true,
            diagnostics: r.all_warnings(),
            sources: r.model().sources.clone(),
        },
        Err(e) => Checked {
            loaded: false,
            diagnostics: e.diagnostics,
            sources: e.sources,
        },
    }
}

fn check_sources(files: &[(&str, &str)], root: &str) -> Checked {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
        .collect();
    match Rules::from_sources(&files, root) {
        Ok(r) => Checked {
            loaded: true,
            diagnostics: r.all_warnings(),
            sources: r.model().sources.clone(),
        },
        Err(e) => Checked {
            loaded: false,
            diagnostics: e.diagnostics,
            sources: e.sources,
        },
    }
}

fn codes(c: &Checked) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// `err_M0205_M0209_several_errors.rules` → [M0205, M0209].
fn codes_in_name(name: &str) -> Vec<Code> {
    name.strip_prefix("err_")
        .unwrap_or("")
        .split(['_', '.'])
        .map_while(Code::parse)
        .collect()
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// The fixture's text as the drafter wrote it (every file of a directory fixture).
fn echo(path: &Path) -> String {
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).expect("readable")).into_owned();
    if path.is_file() {
        return read(path);
    }
    let mut files = Vec::new();
    collect_rules(path, &mut files);
    files.sort();
    files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(path).unwrap_or(f).display();
            format!("── {rel} ──\n{}", read(f))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn collect_rules(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("fixture dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_rules(&p, out);
        } else if p.extension().is_some_and(|x| x == "rules") {
            out.push(p);
        }
    }
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/check/*", |path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let checked = check(path);
        let reported = codes(&checked);
        if name.starts_with("ok_") {
            assert!(
                checked.loaded && checked.diagnostics.is_empty(),
                "{name} must load without diagnostics, got {reported:?}"
            );
        } else {
            let expected = codes_in_name(name);
            assert!(
                !expected.is_empty(),
                "{name}: a fixture is named ok_* or err_<CODE>_*"
            );
            for code in &expected {
                assert!(
                    reported.contains(&code.as_str()),
                    "{name}: expected {code} among {reported:?}"
                );
            }
            let any_error = expected.iter().any(|c| c.severity() == Severity::Error);
            assert_eq!(
                checked.loaded, !any_error,
                "{name}: an error stops the rule set from loading, a warning does not"
            );
        }

        let mut rendered = render_plain(&checked.diagnostics, &checked.sources);
        if rendered.is_empty() {
            rendered = "(no diagnostics)\n".to_string();
        }
        let snapshot = format!(
            "════ input ════\n{}\n════ diagnostics ════\n{}",
            echo(path).trim_end(),
            rendered.trim_end()
        );
        insta::with_settings!({ omit_expression => true }, {
            insta::assert_snapshot!(snapshot);
        });
    });
}

#[test]
fn every_reachable_rule_file_code_has_a_fixture() {
    let mut covered: Vec<Code> = Vec::new();
    for e in std::fs::read_dir(fixtures_dir())
        .expect("fixture dir")
        .flatten()
    {
        covered.extend(codes_in_name(&e.file_name().to_string_lossy()));
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| c.starts_with(['S', 'M', 'C', 'L']))
        .filter(|c| !UNREACHABLE.iter().any(|(u, _)| u == c))
        .filter(|c| !covered.iter().any(|k| k.as_str() == *c))
        .collect();
    assert!(missing.is_empty(), "no fixture for {missing:?}");
}

/// The column of a diagnostic counts characters, not bytes: `corected` on line 16 of
/// `err_M0209_unknown_fact.rules` stands after 28 characters, most of them Chinese:
/// `从轻 L-1 适用 YL-1 可以 "及时改正的" 当 ` (2 + 1 + 3 + 1 + 2 + 1 + 4 + 1 + 2 + 1 + 7 + 1 + 1 + 1).
#[test]
fn json_column_counts_characters_after_chinese_text() {
    let checked = check(&fixtures_dir().join("err_M0209_unknown_fact.rules"));
    let json = render_json(&checked.diagnostics, &checked.sources);
    let items = json.as_array().expect("an array");
    assert_eq!(items.len(), 1, "{json:#}");
    let d = &items[0];
    assert_eq!(d["code"], "M0209");
    let label = &d["labels"][0];
    assert_eq!(label["file"], "err_M0209_unknown_fact.rules");
    assert_eq!(label["line"], 16);
    assert_eq!(label["column"], 29);
    assert_eq!(label["end_line"], 16);
    assert_eq!(label["end_column"], 37, "corected is 8 characters");
    // The byte offset within the line is larger: each Chinese character is 3 bytes of UTF-8.
    let text = &checked.sources.files().next().expect("one file").1.text;
    let line_start = text.match_indices('\n').nth(14).expect("16 lines").0 + 1;
    let byte_col = label["byte_start"].as_u64().expect("byte_start") as usize - line_start;
    assert_eq!(
        byte_col, 52,
        "12 of the 28 characters are Chinese: 16 + 12 × 3 bytes"
    );
}

/// The human rendering (annotate-snippets) reports the same character column.
#[test]
fn plain_rendering_points_at_the_same_column() {
    let checked = check(&fixtures_dir().join("err_M0209_unknown_fact.rules"));
    let rendered = render_plain(&checked.diagnostics, &checked.sources);
    assert!(
        rendered.contains("err_M0209_unknown_fact.rules:16:29"),
        "{rendered}"
    );
}

#[test]
fn several_errors_are_reported_in_one_pass() {
    let checked =
        check(&fixtures_dir().join("err_M0205_M0209_M0212_M0213_M0217_M0219_several_errors.rules"));
    assert!(!checked.loaded);
    let mut got = codes(&checked);
    got.sort_unstable();
    assert_eq!(
        got,
        ["M0205", "M0209", "M0212", "M0213", "M0217", "M0219"],
        "each mistake once, none lost"
    );
}

#[test]
fn several_syntax_errors_are_reported_in_one_pass() {
    let checked = check(&fixtures_dir().join("err_S0101_several_syntax_errors.rules"));
    let found: Vec<(Code, usize)> = checked
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.primary_span().expect("a span");
            (d.code, checked.sources.location(span).line)
        })
        .collect();
    // The unclosed `{` of the last violation is reported where its `}` is missing (line 18),
    // not at the end of the file.
    assert_eq!(
        found,
        [
            (Code::Syntax, 11),
            (Code::Syntax, 14),
            (Code::UnbalancedBrace, 18)
        ]
    );
}

#[test]
fn five_syntax_errors_in_two_files_are_all_reported_with_the_model_errors_of_what_parsed() {
    let checked =
        check(&fixtures_dir().join("err_S0101_S0107_M0209_five_syntax_errors_in_two_files"));
    assert!(!checked.loaded);
    let found: Vec<(&str, String, usize)> = checked
        .diagnostics
        .iter()
        .map(|d| {
            let at = checked.sources.location(d.primary_span().expect("a span"));
            (d.code.as_str(), at.path.clone(), at.line)
        })
        .collect();
    let want = [
        ("S0107", "main.rules", 17),
        ("S0101", "main.rules", 24),
        ("S0101", "main.rules", 30),
        ("S0101", "lists.rules", 6),
        ("M0209", "lists.rules", 9),
        ("S0101", "lists.rules", 15),
    ];
    let want: Vec<(&str, String, usize)> = want
        .iter()
        .map(|(c, p, l)| (*c, (*p).to_string(), *l))
        .collect();
    assert_eq!(found, want);
}

const HEADER: &str = "规则集 \"诊断样例\" { 版本 \"2025.1\" 施行 2025-01-01 }\n";
const PARTY: &str =
    "事实 party_type 选项 { individual \"公民\", unit \"法人或者其他组织\" } \"当事人类型\"\n";
const DATES: &str = "事实 violation_date 日期 \"违法行为发生之日\"\n事实 discovery_date 日期 \"违法行为被发现之日\"\n";
const VIOLATION: &str = "违法行为 YL-1 \"乱倒垃圾\" { 依据 \"《样例条例》第二条\" 罚款 ..200 }\n";

#[test]
fn include_of_a_missing_file_in_memory() {
    let main = format!("{HEADER}包含 \"lists/facts.rules\"\n{VIOLATION}");
    let checked = check_sources(&[("main.rules", &main)], "main.rules");
    assert_eq!(codes(&checked), ["M0201"]);
    let d = &checked.diagnostics[0];
    assert!(d.message.contains("lists/facts.rules"), "{}", d.message);
    let at = checked.sources.location(d.primary_span().expect("span"));
    assert_eq!((at.path.as_str(), at.line, at.column), ("main.rules", 2, 4));
}

#[test]
fn include_cycle_in_memory_names_the_chain() {
    let main = format!("{HEADER}包含 \"a.rules\"\n{VIOLATION}");
    let a = format!("{PARTY}包含 \"sub/b.rules\"\n");
    let b = "包含 \"../a.rules\"\n";
    let checked = check_sources(
        &[
            ("main.rules", main.as_str()),
            ("a.rules", a.as_str()),
            ("sub/b.rules", b),
        ],
        "main.rules",
    );
    assert_eq!(codes(&checked), ["M0202"]);
    let d = &checked.diagnostics[0];
    assert!(
        d.message
            .contains("main.rules → a.rules → sub/b.rules → a.rules"),
        "{}",
        d.message
    );
    let at = checked.sources.location(d.primary_span().expect("span"));
    assert_eq!(at.path, "sub/b.rules");
}

#[test]
fn a_file_included_twice_is_loaded_once() {
    let main = format!("{HEADER}包含 \"facts.rules\"\n包含 \"facts.rules\"\n{VIOLATION}");
    let checked = check_sources(
        &[("main.rules", main.as_str()), ("facts.rules", PARTY)],
        "main.rules",
    );
    assert!(checked.loaded, "{:?}", codes(&checked));
}

#[test]
fn a_missing_root_is_unreadable() {
    let checked = check_sources(&[("other.rules", HEADER)], "main.rules");
    assert_eq!(codes(&checked), ["M0226"]);
}

#[test]
fn errors_in_several_files_are_reported_together_in_file_order() {
    let main = format!(
        "{HEADER}{PARTY}包含 \"lists.rules\"\n违法行为 YL-1 \"乱倒垃圾\" {{ 罚款 ..200 }}\n"
    );
    let lists = "从轻 L-1 适用 YL-9 可以 \"及时改正的\" 当 corrected 依据 \"第三十二条\"\n";
    let checked = check_sources(
        &[("main.rules", main.as_str()), ("lists.rules", lists)],
        "main.rules",
    );
    let got: Vec<(String, &str)> = checked
        .diagnostics
        .iter()
        .map(|d| {
            let at = checked.sources.location(d.primary_span().expect("span"));
            (at.path, d.code.as_str())
        })
        .collect();
    assert_eq!(
        got,
        [
            ("main.rules".to_string(), "M0214"),
            ("lists.rules".to_string(), "M0210"),
            ("lists.rules".to_string(), "M0209"),
        ]
    );
}

/// The shipped rules load with no error, and with only the warnings their files explain (each
/// explained beside the entry, fact or hook it is about; docs/analysis.md lists them):
/// - L0402 twice: the 城市建筑垃圾管理规定 (a 部门规章, 2005) fines a 施工单位 at most 50,000 yuan
///   where 固废法 §111 (2020) starts at 100,000 for the same act; Art. 29 applies the law
///   (jianzhu-laji.rules);
/// - the analysis lints on list entries adapted from published lists and kept as published:
///   L0403 (two 首违不罚 entries of 城市道路管理条例 and the aggravated list), L0404 (L-XG-32-1
///   and the eight local aggravated entries), L0405 (local entries restating Arts. 32 and 33),
///   L0413 (local lighter entries citing Art. 32 with 可以);
/// - L0409: the hook scripts read facts only they use (trading_point, within_hours, vulnerable);
/// - L0410: `signs`, declared for a tier table not yet written.
#[test]
fn the_shipped_rules_load_without_diagnostics() {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let all = rules.all_warnings();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for d in &all {
        match counts.iter_mut().find(|(c, _)| *c == d.code.as_str()) {
            Some((_, n)) => *n += 1,
            None => counts.push((d.code.as_str(), 1)),
        }
    }
    counts.sort_unstable();
    assert_eq!(
        counts,
        [
            ("L0402", 2),
            ("L0403", 2),
            ("L0404", 8),
            ("L0405", 5),
            ("L0409", 3),
            ("L0410", 1),
            ("L0413", 6),
        ],
        "{}",
        render_plain(&all, rules.sources())
    );
    let l0402: Vec<bool> = all
        .iter()
        .filter(|d| d.code == Code::BelowHigherNorm)
        .map(|d| d.message.contains("JL-22-1") || d.message.contains("JL-26"))
        .collect();
    assert_eq!(l0402, [true, true]);
}

/// An option value may share its name with a fact: the contract's standard facts have both the
/// bool fact `minor` and the option `harm = minor`. The language reference says an option's
/// name is written where an option is expected: `harm = minor` compares with the option, as
/// `harm 属于 {minor}` does.
#[test]
fn an_option_value_may_share_its_name_with_a_fact() {
    let text = format!(
        "{HEADER}{PARTY}事实 minor 布尔 \"违法行为轻微\"\n\
         事实 harm 选项 {{ none \"无\", minor \"轻微\", general \"一般\", serious \"严重\" }} \"危害后果\"\n\
         {VIOLATION}\
         从轻 L-1 适用 YL-1 可以 \"危害后果轻微的\"\n    当 harm = minor\n    依据 \"第三十二条\"\n"
    );
    let checked = check_sources(&[("main.rules", text.as_str())], "main.rules");
    assert!(
        checked.loaded,
        "{}",
        render_plain(&checked.diagnostics, &checked.sources)
    );
}

/// A violation's own band fractions are checked like the rule set's: the lighter fraction
/// may not exceed the aggravated one (M0204), or the standard band of `..200` would come out
/// as `160..40`.
#[test]
fn violation_band_fractions_out_of_order_are_an_error() {
    let text = format!(
        "{HEADER}{PARTY}违法行为 YL-1 \"乱倒垃圾\" {{\n    依据 \"《样例条例》第二条\"\n    \
         幅度 从轻比例 0.8 从重比例 0.2\n    罚款 ..200\n}}\n"
    );
    let checked = check_sources(&[("main.rules", text.as_str())], "main.rules");
    assert_eq!(codes(&checked), ["M0204"]);
}

/// Writing only one of the two fractions has an effect or is reported, never silently ignored:
/// with `幅度 从轻比例 0.4` alone the standard band of `..200` is `80..140`.
#[test]
fn one_violation_band_fraction_alone_applies() {
    let text = format!(
        "{HEADER}{PARTY}{DATES}违法行为 YL-1 \"乱倒垃圾\" {{\n    依据 \"《样例条例》第二条\"\n    \
         幅度 从轻比例 0.4\n    罚款 ..200\n}}\n"
    );
    let files = [("main.rules".to_string(), text)];
    let Ok(rules) = Rules::from_sources(&files, "main.rules") else {
        return; // reported: fine
    };
    let case = caliper::Case::new("YL-1")
        .fact("party_type", "individual")
        .fact("violation_date", "2025-03-02")
        .fact("discovery_date", "2025-03-05");
    let d = rules.evaluate(&case).expect("evaluates");
    assert_eq!(
        d.fine.map(|f| f.to_string()).as_deref(),
        Some("80..140"),
        "warnings: {:?}",
        rules.warnings()
    );
}

/// A rule set that loads must be able to decide a case. The evaluator now needs
/// `violation_date` and `discovery_date` (Arts. 36, 37): a rule set that does not declare them
/// is refused when it loads, or decides; never `undetermined` with nothing in `needs`.
#[test]
fn a_rule_set_without_dates_is_refused_or_decides() {
    let text = format!("{HEADER}{PARTY}{VIOLATION}");
    let files = [("main.rules".to_string(), text)];
    let Ok(rules) = Rules::from_sources(&files, "main.rules") else {
        return; // rejected at load time (M0227): fine
    };
    let d = rules
        .evaluate(&caliper::Case::new("YL-1").fact("party_type", "individual"))
        .expect("evaluates");
    assert!(
        d.outcome.code() != "undetermined" || !d.needs.is_empty(),
        "undetermined, yet nothing to ask for: {:?}",
        d.trace
    );
}

/// Rule files are UTF-8; many editors on Windows save UTF-8 with a byte-order mark: a leading
/// mark (U+FEFF) is skipped, not a syntax error showing an invisible character.
#[test]
fn a_byte_order_mark_is_accepted() {
    let text = format!("\u{feff}{HEADER}{PARTY}{VIOLATION}");
    let checked = check_sources(&[("main.rules", text.as_str())], "main.rules");
    assert!(
        checked.loaded,
        "{}",
        render_plain(&checked.diagnostics, &checked.sources)
    );
}

#[test]
fn an_empty_range_with_tiers_is_one_diagnostic() {
    let checked =
        check(&fixtures_dir().join("err_M0217_empty_range_with_tiers_reported_once.rules"));
    assert_eq!(codes(&checked), ["M0217"]);
}

#[test]
fn money_below_the_fen_is_an_error_but_a_fractional_multiple_is_not() {
    let checked = check(&fixtures_dir().join("err_S0103_money_below_the_fen.rules"));
    assert_eq!(codes(&checked), ["S0103"]);
    let at = checked
        .sources
        .location(checked.diagnostics[0].primary_span().expect("a span"));
    assert_eq!(at.line, 12);
}
