//! `caliper batch`: one answer per line in, in input order whatever the threads, bad lines
//! answered with the error document and their line number.

use caliper::Rules;
use caliper::batch::{self, InputFormat, Options, OutputFormat};
use serde_json::Value;

fn rules() -> Rules {
    Rules::embedded().expect("the shipped rules load")
}

fn run(rules: &Rules, input: &[u8], opts: &Options) -> (Vec<String>, batch::Summary) {
    let mut out = Vec::new();
    let summary = batch::run(rules, input, &mut out, opts, &|_, _| {}).expect("in memory");
    let text = String::from_utf8(out).expect("UTF-8 out");
    (text.lines().map(str::to_string).collect(), summary)
}

fn opts(workers: usize) -> Options {
    Options {
        workers,
        trace: false,
        ..Options::default()
    }
}

const GOOD: &str = r#"{"case_id":"C-1","violation":"XR-49-2","facts":{"party_type":"individual","age":35,"minor":false,"harm":"general","corrected":false,"first_offense":false,"prior_penalties_12m":0,"violation_date":"2025-03-02","discovery_date":"2025-03-05"}}"#;

#[test]
fn every_line_in_gets_one_line_out_bad_ones_an_error_naming_the_line() {
    let rules = rules();
    let mut input = Vec::new();
    input.extend_from_slice(GOOD.as_bytes());
    input.extend_from_slice(b"\n{\"violation\": \"XR-49-2\", \n"); // malformed JSON
    input.extend_from_slice(br#"{"violation":"XR-49-2","facts":{"volum_m3":1}}"#); // unknown fact
    input.extend_from_slice(b"\n\n"); // empty line
    input.extend_from_slice(b"\xff\xfe\n"); // not UTF-8
    input.extend_from_slice(br#"{"violation":"NO-SUCH","facts":{}}"#);
    input.push(b'\n');
    input.extend_from_slice(GOOD.as_bytes()); // the last line has no line end
    for workers in [1, 3] {
        let (lines, summary) = run(&rules, &input, &opts(workers));
        assert_eq!(lines.len(), 7, "{lines:#?}");
        assert_eq!(summary.cases, 7);
        assert_eq!(summary.errors, 5);
        let docs: Vec<Value> = lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        assert_eq!(docs[0]["outcome"], "standard");
        assert_eq!(docs[6]["case_id"], "C-1");
        let error = |i: usize| (&docs[i]["line"], docs[i]["error"]["code"].as_str());
        assert_eq!(error(1), (&Value::from(2), Some("E0504")));
        assert_eq!(error(2), (&Value::from(3), Some("E0501")));
        assert!(
            docs[2]["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("volume_m3"))
        );
        assert_eq!(error(3), (&Value::from(4), Some("E0504")));
        assert_eq!(error(4), (&Value::from(5), Some("E0504")));
        assert_eq!(error(5), (&Value::from(6), Some("E0503")));
    }
}

#[test]
fn a_line_over_the_case_limit_is_an_error_line_not_a_crash() {
    let rules = rules();
    let mut input = format!("{GOOD}\n").into_bytes();
    input.extend(std::iter::repeat_n(b'x', caliper::limits::CASE_BYTES + 10));
    input.extend_from_slice(format!("\n{GOOD}\n").as_bytes());
    let (lines, summary) = run(&rules, &input, &opts(2));
    assert_eq!(lines.len(), 3);
    assert_eq!(summary.errors, 1);
    let doc: Value = serde_json::from_str(&lines[1]).expect("JSON");
    assert_eq!(doc["error"]["code"], "E0506");
    assert_eq!(doc["line"], 2);
}

/// Cases of several violations, with bad lines among them, each with its index as case_id.
fn many(n: usize) -> String {
    let codes = ["XR-49-2", "JL-22-1", "XR-42", "GF-111-1"];
    let mut s = String::new();
    for i in 0..n {
        if i % 97 == 13 {
            s.push_str("{broken\n");
            continue;
        }
        let code = codes[i % codes.len()];
        let party = if i % 3 == 0 { "unit" } else { "individual" };
        s.push_str(&format!(
            r#"{{"case_id":"{i}","violation":"{code}","facts":{{"party_type":"{party}","age":{},"harm":"general","corrected":{},"first_offense":false,"prior_penalties_12m":{},"violation_date":"2025-03-02","discovery_date":"2025-03-05","minor":false}}}}"#,
            20 + i % 40,
            i % 2 == 0,
            i % 3
        ));
        s.push('\n');
    }
    s
}

#[test]
fn output_keeps_input_order_on_several_threads_and_equals_one_thread() {
    let rules = rules();
    let input = many(5_000);
    let (one, s1) = run(&rules, input.as_bytes(), &opts(1));
    let (four, s4) = run(&rules, input.as_bytes(), &opts(4));
    assert_eq!(one.len(), 5_000);
    assert_eq!(s1, s4);
    assert!(s1.errors > 0 && s1.errors < 100);
    assert_eq!(
        one, four,
        "several threads give the same lines in the same order"
    );
    for (i, line) in four.iter().enumerate() {
        let doc: Value = serde_json::from_str(line).expect("JSON");
        if i % 97 == 13 {
            assert_eq!(doc["line"], i + 1);
        } else {
            assert_eq!(doc["case_id"], i.to_string());
        }
    }
    // The same answers as one case at a time through the library.
    for (i, line) in input.lines().enumerate().step_by(250) {
        if i % 97 == 13 {
            continue;
        }
        let d = rules
            .evaluate_json_with(line, caliper::Options { trace: false })
            .expect("a good case");
        assert_eq!(four[i], serde_json::to_string(&d).expect("JSON"));
    }
}

#[test]
fn csv_in_typed_by_the_facts_with_a_mapping_and_bad_rows() {
    let rules = rules();
    let mapping = batch::csv::Mapping::parse(
        "[columns]\n\"案件编号\" = \"case_id\"\n\"违法行为\" = \"violation\"\n\"当事人类型\" = \"party_type\"\n\"年龄\" = \"age\"\n[values.party_type]\n\"个人\" = \"individual\"\n",
    )
    .expect("a good mapping");
    let input = "案件编号,违法行为,当事人类型,年龄,harm,corrected,first_offense,prior_penalties_12m,minor,violation_date,discovery_date\n\
        A-1,XR-49-2,个人,35,一般,否,否,0,否,2025-03-02,2025-03-05\n\
        A-2,XR-49-2,individual,35\n\
        A-3,XR-49-2,individual,abc,general,false,false,0,false,2025-03-02,2025-03-05\n\
        \"A-4\",XR-49-2,individual,,general,false,false,0,false,2025-03-02,2025-03-05\n";
    let o = Options {
        input: InputFormat::Csv,
        output: OutputFormat::Csv,
        mapping,
        ..opts(2)
    };
    let (lines, summary) = run(&rules, input.as_bytes(), &o);
    assert_eq!(
        lines.len(),
        5,
        "a header and one line per case line: {lines:#?}"
    );
    assert_eq!(lines[0], batch::CSV_COLUMNS.join(","));
    assert!(
        lines[1].starts_with("2,A-1,XR-49-2,standard,true,60,140,fine"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("3,") && lines[2].contains("有 4 列，表头有 11 列"));
    assert!(lines[3].starts_with("4,") && lines[3].contains("应为整数"));
    // An empty cell leaves the fact absent: the age is then asked for.
    assert!(
        lines[4].starts_with("5,A-4,XR-49-2,undetermined"),
        "{}",
        lines[4]
    );
    assert_eq!((summary.cases, summary.errors), (4, 2));
}

#[test]
fn an_unknown_csv_heading_stops_before_any_line_naming_it() {
    let rules = rules();
    let o = Options {
        input: InputFormat::Csv,
        ..opts(1)
    };
    let mut out = Vec::new();
    let err = batch::run(
        &rules,
        &b"violation,party_typ\nXR-49-2,unit\n"[..],
        &mut out,
        &o,
        &|_, _| {},
    )
    .expect_err("an unknown heading");
    let text = err.to_string();
    assert!(
        text.contains("party_typ") && text.contains("party_type"),
        "{text}"
    );
    assert!(out.is_empty());
}

#[test]
fn the_command_answers_each_line_and_exits_2_on_bad_lines() {
    let dir = std::env::temp_dir().join(format!("caliper-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("cases.ndjson");
    std::fs::write(&input, format!("{GOOD}\nnot json\n{GOOD}\n")).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_caliper"))
        .args(["batch", "--no-trace", "--threads", "2"])
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 3);
    assert!(
        stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains(r#""line":2"#))
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("共 3 个案件") && stderr.contains("错误 1"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cases of a synthetic archive (many violations, parties and circumstances) as case lines.
fn archive_cases(rules: &Rules, n: u64) -> String {
    let mut archive = Vec::new();
    caliper::audit::synth::generate(rules, n, 11, false, &mut archive).expect("in memory");
    let mut out = String::new();
    for line in String::from_utf8(archive).expect("UTF-8").lines() {
        let v: Value = serde_json::from_str(line).expect("JSON");
        let case = serde_json::json!({ "case_id": v["case_id"], "violation": v["violation"], "facts": v["facts"] });
        out.push_str(&case.to_string());
        out.push('\n');
    }
    out
}

/// Runs `batch::run_with_copies` and returns the bytes written.
fn bytes_with(rules: &Rules, copies: &[Rules], input: &[u8], opts: &Options) -> Vec<u8> {
    let mut out = Vec::new();
    batch::run_with_copies(rules, copies, input, &mut out, opts, &|_, _| {}).expect("in memory");
    out
}

#[test]
fn a_rule_set_per_worker_writes_the_same_bytes_as_one_shared_rule_set() {
    let shipped = rules();
    // One that builds on the shipped rules, loaded from disk: its copy is loaded from memory.
    let county = Rules::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/refine/county"
    ))
    .expect("the county example loads");
    for rules in [&shipped, &county] {
        let copies: Vec<Rules> = (0..2)
            .map(|_| rules.unshared_copy().expect("loads again"))
            .collect();
        assert_eq!(copies[0].info(), rules.info());
        // Equal, but no reference count in common: what a worker's copy is for.
        let (a, b) = (
            rules.evaluate_json(GOOD).expect("decides"),
            copies[0].evaluate_json(GOOD).expect("decides"),
        );
        assert_eq!(a, b);
        assert!(!std::sync::Arc::ptr_eq(&a.ruleset, &b.ruleset));
        assert!(!std::sync::Arc::ptr_eq(&a.violation, &b.violation));
        let mut input = archive_cases(rules, 3_000);
        input.push_str(&many(600));
        for trace in [false, true] {
            let opts = Options {
                workers: 3,
                trace,
                ..Options::default()
            };
            let shared = bytes_with(rules, &[], input.as_bytes(), &opts);
            let one = bytes_with(
                rules,
                &[],
                input.as_bytes(),
                &Options {
                    workers: 1,
                    ..opts.clone()
                },
            );
            assert_eq!(shared, one);
            assert_eq!(
                String::from_utf8_lossy(&shared).lines().count(),
                input.lines().count()
            );
            assert_eq!(bytes_with(rules, &copies, input.as_bytes(), &opts), shared);
            // `run` loads a copy per worker itself.
            let mut made = Vec::new();
            batch::run(rules, input.as_bytes(), &mut made, &opts, &|_, _| {}).expect("in memory");
            assert_eq!(made, shared, "trace {trace}");
        }
    }
}
