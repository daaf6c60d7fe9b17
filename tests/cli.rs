//! The `caliper` binary as a user runs it: arguments, stdin, stdout, stderr and exit codes
//! (0 ok, 1 could not run, 2 the rules or the case have errors, 3 a test failed).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BROKEN: &str = "tests/fixtures/check/err_M0209_unknown_fact.rules";
const EXAMPLE: &str = "examples/xr-49-2-individual.json";

/// Runs `caliper ARGS` in the crate's root, with `stdin` as standard input.
fn caliper(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_caliper"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin takes the case");
    child.wait_with_output().expect("the binary finishes")
}

fn run(args: &[&str]) -> Output {
    caliper(args, "")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code, showing what the binary said if it differs.
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)))
}

// ---- check ----

#[test]
fn check_the_embedded_rules() {
    let o = run(&["check"]);
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("没有错误"), "{}", stderr(&o));
}

#[test]
fn check_a_broken_file_points_at_the_mistake() {
    let o = run(&["check", BROKEN]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("M0209"), "{err}");
    assert!(err.contains("err_M0209_unknown_fact.rules:16:29"), "{err}");
    assert!(err.contains("是否想写 corrected"), "{err}");
    assert!(o.stdout.is_empty(), "diagnostics go to stderr");
}

#[test]
fn check_with_json_errors() {
    let o = run(&["check", "--error-format", "json", BROKEN]);
    assert_exit(&o, 2);
    let v = json(&o);
    let items = v.as_array().expect("a JSON array");
    assert_eq!(items.len(), 1, "{v:#}");
    let d = &items[0];
    assert_eq!(d["code"], "M0209");
    assert_eq!(d["severity"], "error");
    let label = &d["labels"][0];
    assert_eq!(label["line"], 16);
    assert_eq!(label["column"], 29);
    assert!(
        label["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("err_M0209_unknown_fact.rules"))
    );
}

#[test]
fn check_json_of_clean_rules_is_an_empty_array() {
    let o = run(&[
        "check",
        "tests/fixtures/check/ok_minimal.rules",
        "--error-format",
        "json",
    ]);
    assert_exit(&o, 0);
    assert_eq!(json(&o), Value::Array(vec![]));
    // The shipped rules: warnings only, each explained in the rule files (the counts are
    // those of tests/check_fixtures.rs); the analysis findings carry their example case.
    let o = run(&["check", "--error-format", "json"]);
    assert_exit(&o, 0);
    let items = json(&o);
    let items = items.as_array().expect("an array");
    let mut codes: Vec<&str> = items
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "L0402", "L0403", "L0404", "L0405", "L0409", "L0410", "L0413"
        ]
    );
    assert_eq!(items.len(), 27);
    assert!(
        items
            .iter()
            .filter(|d| d["code"] == "L0403")
            .all(|d| d["example"]["case"]["violation"].is_string()),
        "{items:?}"
    );
}

#[test]
fn check_a_warning_only_rule_set_succeeds() {
    let o = run(&[
        "check",
        "tests/fixtures/check/err_L0401_unreachable_entry.rules",
    ]);
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("warning[L0401]"), "{}", stderr(&o));
}

#[test]
fn check_a_directory_with_an_include_error() {
    let o = run(&["check", "tests/fixtures/check/err_M0201_include_not_found"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("main.rules:7:4"), "{}", stderr(&o));
}

#[test]
fn check_a_path_that_does_not_exist() {
    let o = run(&["check", "no/such/dir"]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("no/such/dir"), "{}", stderr(&o));
}

#[test]
fn check_several_paths_reports_the_worst() {
    let o = run(&["check", "tests/fixtures/check/ok_minimal.rules", BROKEN]);
    assert_exit(&o, 2);
}

// ---- eval ----

#[test]
fn eval_the_example_case() {
    let o = run(&["eval", EXAMPLE]);
    assert_exit(&o, 0);
    let d = json(&o);
    assert_eq!(d["case_id"], "XC-2025-0142");
    assert_eq!(d["violation"], "XR-49-2");
    assert_eq!(d["outcome"], "standard");
    assert_eq!(d["mandatory"], true);
    // ..200, d = 200: standard [0.3d, 0.7d]
    assert_eq!(d["fine"]["min"], 60);
    assert_eq!(d["fine"]["max"], 140);
    assert!(
        d["ruleset"]["digest"]
            .as_str()
            .is_some_and(|s| s.starts_with("sha256:") && s.len() == 71),
        "{}",
        d["ruleset"]
    );
}

#[test]
fn eval_explain_prints_chinese_reasoning() {
    let o = run(&["eval", "--explain", EXAMPLE]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("裁量结果"), "{out}");
    assert!(out.contains("一般处罚"), "{out}");
    assert!(out.contains("60 元至 140 元"), "{out}");
    assert!(
        out.contains("《许昌市城市市容和环境卫生管理条例》第四十九条第二项"),
        "{out}"
    );
}

#[test]
fn eval_reads_the_case_from_stdin() {
    let case = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE))
        .expect("the example exists");
    for args in [&["eval", "-"][..], &["eval"][..]] {
        let o = caliper(args, &case);
        assert_exit(&o, 0);
        let d = json(&o);
        assert_eq!(d["outcome"], "standard", "{args:?}");
        assert_eq!(d["fine"]["max"], 140, "{args:?}");
    }
}

#[test]
fn eval_with_rules_that_do_not_load() {
    let o = caliper(
        &["eval", "--rules", BROKEN, "-"],
        r#"{"violation": "YL-1", "facts": {}}"#,
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("M0209"), "{}", stderr(&o));
}

#[test]
fn eval_a_case_file_that_does_not_exist() {
    let o = run(&["eval", "no/such/case.json"]);
    assert_exit(&o, 1);
}

/// A standard individual case of XR-49-2 with `facts` edited by `edit`.
fn case_with(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut case: Value = serde_json::from_str(
        r#"{ "violation": "XR-49-2", "facts": {
            "party_type": "individual", "age": 35, "violation_date": "2025-03-02",
            "discovery_date": "2025-03-05", "decision_date": "2025-03-10", "minor": false,
            "harm": "general", "corrected": false, "first_offense": false,
            "prior_penalties_12m": 0 } }"#,
    )
    .expect("valid JSON");
    edit(case["facts"].as_object_mut().expect("facts"));
    case.to_string()
}

/// Runs a bad case; asserts exit 2 and an error document (never a decision) and returns
/// `(code, message, at)`.
fn bad_case(case: &str) -> (String, String, String) {
    let o = caliper(&["eval", "-"], case);
    assert_exit(&o, 2);
    let doc = json(&o);
    let obj = doc.as_object().expect("an object");
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["error"], "{doc:#}");
    let err = doc["error"].as_object().expect("error is an object");
    let mut keys: Vec<&String> = err.keys().collect();
    keys.sort();
    assert_eq!(keys, ["at", "code", "message"], "{doc:#}");
    let s = |k: &str| err[k].as_str().expect("a string").to_string();
    (s("code"), s("message"), s("at"))
}

#[test]
fn a_good_case_built_here_is_accepted() {
    let o = caliper(&["eval", "-"], &case_with(|_| {}));
    assert_exit(&o, 0);
    assert_eq!(json(&o)["outcome"], "standard");
}

#[test]
fn an_unknown_fact_names_the_nearest_declared_one() {
    let (code, message, at) = bad_case(&case_with(|f| {
        let age = f.remove("age").expect("age");
        f.insert("agee".into(), age);
    }));
    assert_eq!(code, "E0501");
    assert!(message.contains("agee"), "{message}");
    assert!(
        message.contains("age？") || message.contains(" age"),
        "{message}"
    );
    assert_eq!(at, "facts.agee");
}

#[test]
fn a_wrong_type_names_the_key_and_the_expected_type() {
    let (code, message, at) = bad_case(&case_with(|f| {
        f.insert("age".into(), "35".into());
    }));
    assert_eq!(code, "E0502");
    assert!(message.contains("age"), "{message}");
    assert!(message.contains("整数"), "{message}");
    assert!(
        message.contains("\"35\""),
        "shows what was given: {message}"
    );
    assert_eq!(at, "facts.age");
}

#[test]
fn a_wrong_option_lists_the_options() {
    let (code, message, at) = bad_case(&case_with(|f| {
        f.insert("harm".into(), "severe".into());
    }));
    assert_eq!(code, "E0502");
    assert!(message.contains("\"serious\""), "{message}");
    assert_eq!(at, "facts.harm");
}

#[test]
fn an_unknown_violation_code() {
    let case = case_with(|_| {}).replace("XR-49-2", "XR-49-9");
    let (code, message, at) = bad_case(&case);
    assert_eq!(code, "E0503");
    assert!(message.contains("XR-49-9"), "{message}");
    assert_eq!(at, "violation");
}

#[test]
fn malformed_json() {
    let (code, message, at) = bad_case(r#"{"violation": "XR-49-2", "facts": {"age": 35,}}"#);
    assert_eq!(code, "E0504");
    assert!(!message.is_empty());
    assert!(at.contains('1'), "names the line and column: {at}");
}

#[test]
fn both_violation_and_violations() {
    let mut case: Value = serde_json::from_str(&case_with(|_| {})).expect("JSON");
    case["violations"] = serde_json::json!(["XR-49-2", "JL-26"]);
    let (code, _, at) = bad_case(&case.to_string());
    assert_eq!(code, "E0504");
    assert_eq!(at, "violations");
}

#[test]
fn an_unknown_field_of_the_case() {
    let mut case: Value = serde_json::from_str(&case_with(|_| {})).expect("JSON");
    case["expect"] = "standard".into();
    let (code, message, _) = bad_case(&case.to_string());
    assert_eq!(code, "E0504");
    assert!(message.contains("expect"), "{message}");
}

#[test]
fn a_date_that_does_not_exist() {
    let (code, message, at) = bad_case(&case_with(|f| {
        f.insert("violation_date".into(), "2025-02-30".into());
    }));
    assert_eq!(code, "E0502");
    assert!(message.contains("violation_date"), "{message}");
    assert!(message.contains("2025-02-30"), "{message}");
    assert_eq!(at, "facts.violation_date");
}

#[test]
fn dates_out_of_order() {
    let (code, message, _) = bad_case(&case_with(|f| {
        f.insert("discovery_date".into(), "2025-03-01".into());
    }));
    assert_eq!(code, "E0505");
    assert!(message.contains("2025-03-01"), "{message}");
}

// ---- test ----

#[test]
fn test_runs_the_shipped_cases() {
    let cases: usize = caliper::suite::embedded_tests()
        .iter()
        .map(|(_, text)| text.lines().filter(|l| l.trim() == "[[case]]").count())
        .sum();
    let o = run(&["test"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains(&format!("{cases} passed, 0 failed")),
        "{}",
        stdout(&o)
    );
}

/// A fresh directory under cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Copies a directory with its subdirectories (rules/hooks/ holds scripts).
fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).expect("readable dir").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

#[test]
fn test_shows_expected_against_actual() {
    let dir = scratch("failing-test");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    copy_tree(&rules, &dir);
    // XR-40-1, an individual who did not correct: 20..50, standard 29..41. Expect 29..42.
    let toml = dir.join("xuchang-shirong.test.toml");
    let text = std::fs::read_to_string(&toml).expect("test file");
    assert_eq!(text.matches("fine = \"29..41\"").count(), 1);
    std::fs::write(
        &toml,
        text.replace("fine = \"29..41\"", "fine = \"29..42\""),
    )
    .expect("edit");

    let o = run(&["test", dir.to_str().expect("UTF-8 path")]);
    assert_exit(&o, 3);
    let out = stdout(&o);
    assert!(
        out.contains("XR-40-1 个人拒不改正，无从轻从重情节"),
        "{out}"
    );
    assert!(out.contains("fine：预期 29..42，实际 29..41"), "{out}");
    let summary = out.lines().last().unwrap_or("");
    let failed: usize = summary
        .strip_suffix(" failed")
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `N passed, M failed` line: {out}"));
    assert!(failed >= 1, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- list and explain ----

#[test]
fn list_finds_violations_by_keyword() {
    let o = run(&["list", "垃圾"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let codes: Vec<&str> = out.lines().filter_map(|l| l.split('\t').next()).collect();
    for code in ["JL-23", "JL-26", "XR-49-2"] {
        assert!(codes.contains(&code), "{code} missing from:\n{out}");
    }
    assert!(!codes.contains(&"XG-31"), "{out}");
}

#[test]
fn list_without_a_keyword_lists_every_violation() {
    let rules = caliper::Rules::embedded().expect("the shipped rules load");
    let o = run(&["list"]);
    assert_exit(&o, 0);
    assert_eq!(
        stdout(&o).lines().count(),
        rules.model().violations.len(),
        "{}",
        stdout(&o)
    );
}

#[test]
fn explain_a_code() {
    let o = run(&["explain", "M0209"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.starts_with("M0209：未知的事实或谓词"), "{out}");
    assert!(out.contains("最接近的名称"), "{out}");
}

#[test]
fn explain_an_unknown_code() {
    let o = run(&["explain", "X9999"]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("X9999"), "{}", stderr(&o));
}

/// No input may crash the binary (style habit 4). A condition of 20 000 terms joined by 且
/// (a generated list, say) is a flat left-deep tree.
/// BUG (src/model/lower.rs, `Lowerer::expr` ↔ `Lowerer::binary` recurse once per operator): the
/// stack overflows and the process aborts (SIGABRT, "has overflowed its stack"); in a debug build
/// already at about 1 500 terms. Expected: the rule set loads, or a diagnostic (exit 0 or 2).
#[test]
fn bug_a_long_condition_does_not_crash_check() {
    let dir = scratch("long-condition");
    let terms = vec!["真"; 20_000].join(" 且 ");
    let text = format!(
        "规则集 \"长条件\" {{ 版本 \"1\" 施行 2025-01-01 }}\n\
         事实 party_type 选项 {{ individual \"公民\", unit \"法人或者其他组织\" }} \"当事人类型\"\n\
         谓词 p \"很长的条件\" 当 {terms}\n"
    );
    let file = dir.join("main.rules");
    std::fs::write(&file, text).expect("write");
    let o = run(&["check", file.to_str().expect("UTF-8 path")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        matches!(o.status.code(), Some(0 | 2)),
        "status {:?}\nstderr:\n{}",
        o.status,
        stderr(&o)
    );
}

#[test]
fn fmt_checks_and_rewrites_rule_files() {
    // The shipped rules are formatted.
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let o = run(&["fmt", "--check", rules.to_str().expect("UTF-8 path")]);
    assert_exit(&o, 0);

    let dir = scratch("fmt");
    let file = dir.join("messy.rules");
    let messy = "规则集 \"t\" {版本 \"1\" 施行 2025-01-01}\n事实 x 布尔 \"甲\"   # 说明\n";
    std::fs::write(&file, messy).expect("write");
    let path = file.to_str().expect("UTF-8 path");
    let o = run(&["fmt", "--check", path]);
    assert_exit(&o, 3);
    assert!(stdout(&o).contains("需要格式化"), "{}", stdout(&o));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        messy,
        "--check writes nothing"
    );
    let o = run(&["fmt", path]);
    assert_exit(&o, 0);
    let out = std::fs::read_to_string(&file).expect("read");
    assert!(out.starts_with("规则集 \"t\" {\n    版本 \"1\"\n"), "{out}");
    assert!(out.contains("事实 x 布尔 \"甲\"  # 说明\n"), "{out}");
    // A file with a syntax error is reported and left alone.
    std::fs::write(&file, "违法行为 A \"t\" { 罚款 1.. }").expect("write");
    let o = run(&["fmt", path]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("S0101"), "{}", stderr(&o));
}

#[test]
fn every_example_case_decides() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("examples/").flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let o = run(&["eval", p.to_str().expect("UTF-8 path")]);
        assert_exit(&o, 0);
        let d: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("a decision");
        assert!(d.get("outcome").is_some(), "{p:?}");
        n += 1;
    }
    assert!(n >= 4, "{n} examples");
}

/// `--explain` says what the JSON says: the needed facts by their labels, a barred fine, the
/// concurrent norm and what survives of it, a code that does not apply and the codes to use.
#[test]
fn explain_shows_what_the_decision_document_has() {
    let out = |case: &str| {
        let o = caliper(&["eval", "--explain"], case);
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let t = out(r#"{"violation":"XR-49-1","facts":{"party_type":"individual"}}"#);
    assert!(t.contains("违法行为发生之日（violation_date）"), "{t}");
    let base = r#""party_type":"individual","age":30,"minor":false,"harm":"general","corrected":false,"first_offense":false,"prior_penalties_12m":0,"violation_date":"2025-03-02","discovery_date":"2025-03-05""#;
    let t = out(&format!(
        r#"{{"violation":"XR-45","facts":{{{base},"already_fined":true}}}}"#
    ));
    assert!(t.contains("不再罚款：同一违法行为已被处以罚款"), "{t}");
    assert!(t.contains("处罚种类：警告"), "{t}");
    let t = out(&format!(
        r#"{{"violation":"XR-49-2","facts":{{{base},"household_waste":true}}}}"#
    ));
    assert!(t.contains("并存的规范（第二十九条）：XR-49-2"), "{t}");
    let t = out(&format!(r#"{{"violation":"JL-22-1","facts":{{{base}}}}}"#));
    assert!(
        t.contains("不适用本违法行为——该条文处罚的当事人不包括公民"),
        "{t}"
    );
    assert!(t.contains("可考虑的违法行为：JL-26、XR-41-1"), "{t}");
    let t = out(&format!(
        r#"{{"violation":"DL-40","facts":{{{base},"project_cost":100000}}}}"#
    ));
    assert!(t.contains("罚款（可以并处）"), "{t}");
}

/// `caliper review` on the shipped example: JSON by default, Chinese with `--explain`, an error
/// document and exit 2 for a request without `proposed`.
#[test]
fn review_reads_a_proposal_and_answers_the_review() {
    let o = run(&["review", "examples/review/xr-49-2-proposed.json"]);
    assert_exit(&o, 0);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("a review");
    assert_eq!(r["review"]["fine_position"], "in_range_outside_band");
    assert_eq!(r["review"]["requires"][0], "written_reason");
    assert_eq!(r["decision"]["fine"]["max"], 140);
    let o = run(&[
        "review",
        "examples/review/xr-49-2-proposed.json",
        "--explain",
    ]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("须：书面说明理由"), "{}", stdout(&o));
    let o = caliper(&["review"], r#"{"violation":"XR-49-2","facts":{}}"#);
    assert_exit(&o, 2);
    assert!(String::from_utf8_lossy(&o.stdout).contains("proposed"));
}

#[test]
fn test_on_a_test_file_runs_its_cases_and_a_failure_names_its_line() {
    let o = run(&["test", "rules/chengshi-daolu.test.toml"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("失败 0 个"), "{}", stdout(&o));
    let dir = scratch("test-line");
    let rules = std::fs::read_to_string("tests/fixtures/check/ok_minimal.rules").expect("fixture");
    std::fs::write(dir.join("main.rules"), rules).expect("written");
    let cases = "# 预期写错的案例\n\n[[case]]\nname = \"写错的预期\"\nviolation = \"YL-1\"\nfacts = { party_type = \"individual\", corrected = false }\n\n[case.expect]\noutcome = \"no_penalty\"\n";
    let file = dir.join("t.test.toml");
    std::fs::write(&file, cases).expect("written");
    let o = run(&["test", &file.display().to_string()]);
    assert_exit(&o, 3);
    let out = stdout(&o);
    assert!(
        out.contains("写错的预期") && out.contains("第 4 行"),
        "{out}"
    );
    assert!(out.contains("通过 0 个，失败 1 个"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_case_with_a_bom_is_read_and_one_not_in_utf8_gets_the_error_document() {
    let case = std::fs::read_to_string(EXAMPLE).expect("example");
    let o = caliper(&["eval", "-"], &format!("\u{feff}{case}"));
    assert_exit(&o, 0);
    assert_eq!(json(&o)["outcome"], "standard");
    let dir = scratch("utf8");
    let file = dir.join("case.json");
    let mut bytes = b"{\"violation\": \"XR-49-2\", \"case_id\": \"".to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(b"\"}");
    std::fs::write(&file, bytes).expect("written");
    let o = run(&["eval", &file.display().to_string()]);
    assert_exit(&o, 2);
    assert_eq!(json(&o)["error"]["code"], "E0504");
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader that has gone (`caliper list | head`) ends the command quietly with status 0, for
/// every command whose output goes through the CLI's writer: no panic, no message. The pipe's
/// read end is closed before the command starts, so its first write fails.
#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        &["list"][..],
        &["explain"],
        &["publish"],
        &["test"],
        &["eval", EXAMPLE],
    ] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_caliper"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("the binary runs");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}

#[test]
fn audit_writes_its_summary_to_the_file_named_or_to_stdout() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (archive, report, flagged, summary) = (
        path("a.ndjson"),
        path("r.html"),
        path("f.csv"),
        path("s.json"),
    );
    let o = run(&[
        "audit",
        "--synthesize",
        "300",
        "-o",
        &archive,
        "--seed",
        "3",
    ]);
    assert_exit(&o, 0);
    let audit = |more: &[&str]| {
        let mut args = vec![
            "audit",
            &archive,
            "--report",
            &report,
            "--flagged",
            &flagged,
        ];
        args.extend_from_slice(more);
        run(&args)
    };
    let o = audit(&["--json", &summary]);
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let text = std::fs::read_to_string(&summary).expect("the summary is written");
    assert!(text.ends_with("}\n"), "one JSON document and a line end");
    let file: Value = serde_json::from_str(&text).expect("the summary is JSON");
    assert_eq!(file["kind"], "caliper-audit");
    assert_eq!(file["lines"], 300);
    assert!(file["groups"].as_array().is_some_and(|g| !g.is_empty()));
    // Without --json the same document goes to standard output.
    let o = audit(&[]);
    assert_exit(&o, 0);
    assert_eq!(json(&o), file);
}
