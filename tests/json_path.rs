//! JSON text in, JSON text out: the path that reads facts straight from the text must give
//! exactly what the parsed `Case` gives, errors included.

use caliper::{Case, Rules};

fn via_case(rules: &Rules, text: &str) -> String {
    match serde_json::from_str::<Case>(text) {
        Ok(case) => match rules.evaluate(&case) {
            Ok(d) => serde_json::to_string(&d).expect("serializes"),
            Err(e) => serde_json::to_string(&e.to_document()).expect("serializes"),
        },
        Err(_) => String::from("malformed"),
    }
}

#[test]
fn text_path_agrees_with_the_parsed_case_on_every_fixture() {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eval");
    let mut n = 0;
    for e in std::fs::read_dir(dir).expect("fixtures").flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("readable");
        let mut text_case: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        // The decision date is given by every fixture, so both paths see the same day.
        assert!(text_case["facts"].get("decision_date").is_some(), "{p:?}");
        text_case["case_id"] = serde_json::Value::from("X");
        let text = text_case.to_string();
        assert_eq!(rules.decide_json(&text), via_case(&rules, &text), "{p:?}");
        n += 1;
    }
    assert!(n > 50, "only {n} fixtures");
}

#[test]
fn text_path_reports_the_same_errors() {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    for text in [
        r#"{"violation":"XR-49-2","facts":{"volum_m3":1}}"#,
        r#"{"violation":"XR-49-2","facts":{"age":"old"}}"#,
        r#"{"violation":"XR-49-2","facts":{"age":-3}}"#,
        r#"{"violation":"XR-49-2","facts":{"violation_date":"2025-02-30"}}"#,
        r#"{"violation":"XR-49-2","facts":{"harm":"sever"}}"#,
        r#"{"violation":"XR-49-9","facts":{}}"#,
        r#"{"violation":"XR-49-2","violations":["XR-49-1"],"facts":{}}"#,
        r#"{"violation":"XR-49-2","facts":{"party_type":"unit","corrected":null}}"#,
        // An escaped key and an escaped string value.
        r#"{"violation":"XR-49-2","facts":{"party_\u0074ype":"\u0075nit","harm":"general"}}"#,
    ] {
        assert_eq!(rules.decide_json(text), via_case(&rules, text), "{text}");
    }
    let bad = rules.decide_json("{\"violation\": ");
    assert!(bad.contains("\"code\":\"E0504\""), "{bad}");
}

/// The decision written directly (`decide_json`) is byte for byte what serde_json writes from
/// the `Decision`, with the trace and without, on every fixture.
#[test]
fn the_written_document_is_serde_jsons_with_and_without_the_trace() {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eval");
    let mut n = 0;
    for e in std::fs::read_dir(dir).expect("fixtures").flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("readable");
        for trace in [true, false] {
            let opts = caliper::Options { trace };
            let theirs = match rules.evaluate_json_with(&text, opts) {
                Ok(d) => serde_json::to_string(&d).expect("serializes"),
                Err(e) => serde_json::to_string(&e.to_document()).expect("serializes"),
            };
            assert_eq!(rules.decide_json_with(&text, opts), theirs, "{p:?}");
        }
        n += 1;
    }
    assert!(n > 50, "only {n} fixtures");
}

/// The cases of a synthetic archive (`audit::synth`: every violation of the catalogue, facts
/// drawn from each form), compact and pretty-printed: the document written directly is what
/// serde_json writes, with and without the trace, and the case read by hand is the case serde
/// reads (`via_case` parses a `Case` and serialises its decision with serde).
#[test]
fn the_synthetic_archive_reads_and_writes_as_serde_does() {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let mut archive = Vec::new();
    let g =
        caliper::audit::synth::generate(&rules, 1_500, 7, false, &mut archive).expect("in memory");
    assert_eq!(g.cases, 1_500);
    let archive = String::from_utf8(archive).expect("UTF-8");
    let (mut fined, mut traced) = (0, 0);
    for line in archive.lines() {
        let line: serde_json::Value = serde_json::from_str(line).expect("an archive line");
        let case = serde_json::json!({
            "case_id": line["case_id"],
            "violation": line["violation"],
            "facts": line["facts"],
        });
        for text in [
            case.to_string(),
            serde_json::to_string_pretty(&case).expect("serializes"),
        ] {
            let ours = rules.decide_json(&text);
            assert_eq!(ours, via_case(&rules, &text), "{text}");
            fined += usize::from(ours.contains("\"fine\":{"));
            traced += usize::from(ours.contains("第8步"));
            let opts = caliper::Options { trace: false };
            let theirs = match rules.evaluate_json_with(&text, opts) {
                Ok(d) => serde_json::to_string(&d).expect("serializes"),
                Err(e) => serde_json::to_string(&e.to_document()).expect("serializes"),
            };
            assert_eq!(rules.decide_json_with(&text, opts), theirs, "{text}");
        }
    }
    // The archive holds decided cases: most are fined, and each trace reached the fine.
    assert!(fined > 2_000, "only {fined} of 3,000 documents fined");
    assert!(traced > 2_000, "only {traced} of 3,000 traces reach step 8");
}
