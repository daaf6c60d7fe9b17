//! Evaluation against the shipped rule set.
//!
//! Two kinds of evidence: the drafters' own cases beside the rules (`rules/*.test.toml`, run
//! through `caliper::suite` exactly as `caliper test` runs them), and case documents of the
//! contract in `tests/fixtures/eval/NAME.json`, each with a sidecar `NAME.expect` that states the
//! outcome and fine worked out by hand from the law as `docs/evaluation.md` applies it and the amounts the shipped rules cite.
//! The expectation is asserted first; the whole decision JSON is then snapshotted (digest
//! redacted), so a reviewer sees every field that changed.
//!
//! The sidecar format, one item per line, `#` starting a comment (the hand calculation):
//!
//! ```text
//! standard 60..140            # first line: outcome and fine ("none" for no fine)
//! mandatory true              # optional
//! penalties warning fine      # optional: exactly these kinds, in order
//! measures order_correction   # optional: exactly these measures (any order)
//! applied S-30-2              # optional: exactly these circumstance ids (any order)
//! outweighed A-ALL-2          # optional: exactly these outweighed ids (any order)
//! needs corrected             # optional: exactly these facts, in order
//! alternative standard 6000..14000   # optional, may repeat: exactly these alternatives
//! concurrent XG-31            # optional: the violations reported under Art. 29
//! basis 《…》第三十六条        # optional: each of these citations is in `basis`
//! reason party               # optional, with not_applicable: the reason
//! see_also JL-26 XR-41-1      # optional: exactly these codes to consider instead
//! ```

use caliper::suite::{Report, embedded_tests, run_file};
use caliper::{Case, Decision, Rules};
use std::path::Path;
use std::sync::LazyLock;

static RULES: LazyLock<Rules> =
    LazyLock::new(|| Rules::embedded().expect("the shipped rule set loads"));

#[test]
fn every_shipped_test_case_passes() {
    let mut report = Report::default();
    let mut cases = 0;
    for (path, text) in embedded_tests() {
        cases += text.lines().filter(|l| l.trim() == "[[case]]").count();
        run_file(&RULES, path, text, &mut report);
    }
    assert!(
        report.errors.is_empty(),
        "unreadable test files: {:#?}",
        report.errors
    );
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| {
            let lines: Vec<String> = f
                .mismatches
                .iter()
                .map(|(what, want, got)| format!("    {what}: expected {want}, got {got}"))
                .collect();
            format!("{} ({})\n{}", f.name, f.file, lines.join("\n"))
        })
        .collect();
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));
    assert!(cases > 0, "no shipped test cases found");
    assert_eq!(report.passed, cases, "every [[case]] must be run");
}

#[test]
fn every_shipped_violation_has_a_standard_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval");
    let missing: Vec<&str> = RULES
        .model()
        .violations
        .iter()
        .map(|v| &*v.code)
        .filter(|code| !dir.join(format!("{code}.standard.json")).is_file())
        .collect();
    assert!(missing.is_empty(), "no standard case for {missing:?}");
}

#[test]
fn decisions() {
    insta::glob!("fixtures/eval/*.json", |path| {
        let text = std::fs::read_to_string(path).expect("case file is readable");
        let case: Case = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not a case document: {e}", path.display()));
        let decision = RULES
            .evaluate(&case)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let expect_path = path.with_extension("expect");
        let expect = std::fs::read_to_string(&expect_path)
            .unwrap_or_else(|e| panic!("{} needs a sidecar: {e}", expect_path.display()));
        let problems = Expect::parse(&expect).check(&decision);
        assert!(
            problems.is_empty(),
            "{}:\n  {}",
            path.display(),
            problems.join("\n  ")
        );

        insta::with_settings!({ description => text.trim_end(), omit_expression => true }, {
            insta::assert_snapshot!(decision_json(&decision));
        });
    });
}

/// The decision as pretty JSON with every `ruleset.digest` replaced: the digest changes with
/// any edit of any shipped rule file.
fn decision_json(d: &Decision) -> String {
    let mut v = serde_json::to_value(d).expect("a decision serializes");
    redact_digest(&mut v);
    serde_json::to_string_pretty(&v).expect("JSON prints")
}

fn redact_digest(v: &mut serde_json::Value) {
    if let Some(digest) = v.pointer_mut("/ruleset/digest") {
        *digest = "[digest]".into();
    }
    if let Some(serde_json::Value::Array(others)) = v.get_mut("concurrent") {
        others.iter_mut().for_each(redact_digest);
    }
}

/// A fine as the sidecar writes it: `60..140`, or `none`.
fn fine_text(d: Option<caliper::decision::FineRange>) -> String {
    d.map_or_else(|| "none".to_string(), |f| f.to_string())
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The hand-worked expectation of one case.
#[derive(Default)]
struct Expect {
    outcome: String,
    fine: String,
    mandatory: Option<bool>,
    penalties: Option<Vec<String>>,
    measures: Option<Vec<String>>,
    applied: Option<Vec<String>>,
    outweighed: Option<Vec<String>>,
    needs: Option<Vec<String>>,
    alternatives: Option<Vec<String>>,
    concurrent: Option<Vec<String>>,
    basis: Vec<String>,
    reason: Option<String>,
    see_also: Option<Vec<String>>,
    /// 按日连续处罚: `DAYS TOTAL` (`5 220000..380000`) or `none`.
    daily: Option<String>,
}

impl Expect {
    fn parse(text: &str) -> Expect {
        let mut e = Expect::default();
        let mut lines = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty());
        let head: Vec<&str> = lines
            .next()
            .expect("an .expect file starts with `outcome fine`")
            .split_whitespace()
            .collect();
        let [outcome, fine] = head[..] else {
            panic!("first line must be `outcome fine`, got {head:?}");
        };
        e.outcome = outcome.to_string();
        e.fine = fine.to_string();
        for line in lines {
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            let words: Vec<String> = rest.split_whitespace().map(String::from).collect();
            match key {
                "mandatory" => e.mandatory = Some(rest.trim() == "true"),
                "penalties" => e.penalties = Some(words),
                "measures" => e.measures = Some(sorted(words)),
                "applied" => e.applied = Some(sorted(words)),
                "outweighed" => e.outweighed = Some(sorted(words)),
                "needs" => e.needs = Some(words),
                "concurrent" => e.concurrent = Some(words),
                "basis" => e.basis.extend(words),
                "reason" => e.reason = Some(rest.trim().to_string()),
                "see_also" => e.see_also = Some(words),
                "daily" => e.daily = Some(rest.trim().to_string()),
                "alternative" => e
                    .alternatives
                    .get_or_insert_with(Vec::new)
                    .push(words.join(" ")),
                other => panic!("unknown expectation `{other}`"),
            }
        }
        e
    }

    /// Every difference between the expectation and the decision, as text.
    fn check(&self, d: &Decision) -> Vec<String> {
        let mut out = Vec::new();
        let mut cmp = |what: &str, want: String, got: String| {
            if want != got {
                out.push(format!("{what}: expected {want}, got {got}"));
            }
        };
        cmp(
            "outcome",
            self.outcome.clone(),
            d.outcome.code().to_string(),
        );
        cmp("fine", self.fine.clone(), fine_text(d.fine));
        if let Some(m) = self.mandatory {
            cmp("mandatory", m.to_string(), d.mandatory.to_string());
        }
        let list = |v: &Option<Vec<String>>| v.as_ref().map(|v| v.join(" "));
        if let Some(want) = list(&self.penalties) {
            let got: Vec<&str> = d.penalties.iter().map(|p| p.kind.code()).collect();
            cmp("penalties", want, got.join(" "));
        }
        if let Some(want) = list(&self.measures) {
            let got = sorted(d.measures.iter().map(|m| m.code().to_string()).collect());
            cmp("measures", want, got.join(" "));
        }
        if let Some(want) = list(&self.applied) {
            let got = sorted(d.applied.iter().map(|a| a.id.to_string()).collect());
            cmp("applied", want, got.join(" "));
        }
        if let Some(want) = list(&self.outweighed) {
            let got = sorted(d.outweighed.iter().map(|a| a.id.to_string()).collect());
            cmp("outweighed", want, got.join(" "));
        }
        if let Some(want) = list(&self.needs) {
            let got: Vec<&str> = d.needs.iter().map(|n| &**n).collect();
            cmp("needs", want, got.join(" "));
        }
        if let Some(want) = &self.alternatives {
            let got: Vec<String> = d
                .alternatives
                .iter()
                .map(|a| format!("{} {}", a.outcome.code(), fine_text(a.fine)))
                .collect();
            cmp("alternatives", want.join(", "), got.join(", "));
        }
        if let Some(want) = list(&self.concurrent) {
            let got: Vec<&str> = d.concurrent.iter().map(|c| &*c.violation).collect();
            cmp("concurrent", want, got.join(" "));
        }
        if let Some(want) = &self.reason {
            let got = d.not_applicable.as_ref().map_or_else(String::new, |n| {
                serde_json::to_value(n.reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            });
            cmp("reason", want.clone(), got);
        }
        if let Some(want) = list(&self.see_also) {
            let got: Vec<&str> = d.see_also.iter().map(|c| &**c).collect();
            cmp("see_also", want, got.join(" "));
        }
        if let Some(want) = &self.daily {
            let got = d
                .daily_fine
                .as_ref()
                .map_or_else(|| "none".to_string(), |f| format!("{} {}", f.days, f.total));
            cmp("daily", want.clone(), got);
        }
        for b in &self.basis {
            if !d.basis.iter().any(|x| **x == **b) {
                cmp("basis", format!("cites {b}"), d.basis.join("；"));
            }
        }
        out
    }
}

/// An adult individual, every fact the walk asks for, no circumstances; plus `extra`, JSON
/// members written out (numbers stay exact: serde_json keeps arbitrary precision here).
fn adult_case(code: &str, extra: &str) -> Case {
    let text = format!(
        r#"{{ "violation": "{code}", "facts": {{
            "party_type": "individual", "age": 35, "violation_date": "2025-03-02",
            "discovery_date": "2025-03-05", "decision_date": "2025-03-10", "minor": false,
            "harm": "general", "corrected": false, "first_offense": false,
            "prior_penalties_12m": 0, {extra} }} }}"#
    );
    serde_json::from_str(&text).expect("a case document")
}

/// A quantity cannot be negative; a fine never is: XG-31 with `"area_m2": -2` is an error of the
/// case (E0502), or at least gives no negative fine.
#[test]
fn a_negative_quantity_is_refused() {
    match RULES.evaluate(&adult_case("XG-31", r#""area_m2": -2"#)) {
        Err(e) => assert_eq!(e.code, "E0502"),
        Ok(d) => {
            let f = d.fine.expect("a fine");
            assert!(
                f.min >= rust_decimal::Decimal::ZERO && f.min <= f.max,
                "fine {f}"
            );
        }
    }
}

/// A case never panics the evaluator (style habit 4), however large its numbers: XG-31
/// (1000..5000 per m²) with the largest decimal as `area_m2`, and XR-47 with it as
/// `facility_cost`, give a decision or an error document.
#[test]
fn a_huge_quantity_does_not_panic() {
    for (code, fact) in [("XG-31", "area_m2"), ("XR-47", "facility_cost")] {
        let case = adult_case(code, &format!(r#""{fact}": 79228162514264337593543950335"#));
        let result = std::panic::catch_unwind(|| RULES.evaluate(&case).map(|d| d.fine));
        assert!(result.is_ok(), "{code} with a huge {fact} panicked");
    }
}

/// Semantics step 3: an article's own condition decides whether *its penalties* arise. Where
/// the condition guards only a measure (罚款, and 逾期未改正的 强制拆除), not knowing it cannot
/// change the outcome or the fine.
#[test]
fn an_unknown_condition_of_a_measure_only_leaves_the_decision_determined() {
    let files = vec![
        (
            "main.rules".to_string(),
            r#"
规则集 "措施条件" { 版本 "1" 施行 2020-01-01 }
包含 "facts.rules"
包含 "statute.rules"
违法行为 T-1 "测试" {
    依据 "《测试条例》第一条"
    罚款 20000..100000
    若 uncorrected { 措施 强制拆除 }
}
"#
            .to_string(),
        ),
        (
            "facts.rules".to_string(),
            include_str!("../rules/facts.rules").to_string(),
        ),
        (
            "statute.rules".to_string(),
            include_str!("../rules/statute.rules").to_string(),
        ),
    ];
    let rules = Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    let case: Case = serde_json::from_str(
        r#"{ "violation": "T-1", "facts": {
            "party_type": "unit", "violation_date": "2025-03-02", "discovery_date": "2025-03-05",
            "decision_date": "2025-03-10", "minor": false, "harm": "general",
            "first_offense": false, "prior_penalties_12m": 0 } }"#,
    )
    .expect("case parses");
    let d = rules.evaluate(&case).expect("evaluates");
    // 20000..100000, d = 80000: standard [44000, 76000]
    assert_eq!(
        (d.outcome.code(), fine_text(d.fine)),
        ("standard", "44000..76000".to_string()),
        "needs {:?}",
        d.needs
    );
}

/// 责令停工整治 is 责令停产停业, a penalty (Art. 9 item 4) with a hearing notice (Art. 63): where
/// it depends on an unknown 拒不改正, so does the decision (XR-51).
#[test]
fn an_unknown_condition_of_a_suspension_leaves_the_decision_open() {
    let case: Case = serde_json::from_str(
        r#"{ "violation": "XR-51", "facts": {
            "party_type": "unit", "violation_date": "2025-03-02", "discovery_date": "2025-03-05",
            "decision_date": "2025-03-10", "minor": false, "harm": "general",
            "first_offense": false, "prior_penalties_12m": 0 } }"#,
    )
    .expect("case parses");
    let d = RULES.evaluate(&case).expect("evaluates");
    assert_eq!(d.outcome.code(), "undetermined");
    assert_eq!(
        d.needs.iter().map(|n| &**n).collect::<Vec<_>>(),
        ["corrected"]
    );
    // Refused: the daily fine (按日连续处罚) needs its dates before the decision is made.
    let refused = case.clone().fact("corrected", false);
    let d = RULES.evaluate(&refused).expect("evaluates");
    assert_eq!(d.outcome.code(), "undetermined");
    assert_eq!(
        d.needs.iter().map(|n| &**n).collect::<Vec<_>>(),
        ["order_date", "recheck_date"]
    );
    let refused = refused
        .fact("order_date", "2025-03-05")
        .fact("recheck_date", "2025-03-08");
    let d = RULES.evaluate(&refused).expect("evaluates");
    assert_eq!(d.outcome.code(), "standard");
    let daily = d.daily_fine.as_ref().expect("a daily fine");
    assert_eq!(
        (daily.days, daily.total.to_string()),
        (3, "132000..228000".to_string())
    );
    let kinds: Vec<&str> = d.penalties.iter().map(|p| p.kind.code()).collect();
    assert_eq!(kinds, ["fine", "suspend_business"]);
    assert_eq!(d.procedure.hearing_notice, caliper::decision::Flag::Yes);
    // The trace quotes the condition and the days in words, with the facts' labels, not as the
    // drafter wrote them (`uncorrected`, `天数(order_date, recheck_date)`).
    let trace = d.trace.lines().join("\n");
    assert!(
        trace.contains("条文自身的条件「逾期未改正（拒不改正）」：成立"),
        "{trace}"
    );
    assert!(
        !trace.contains("order_date") && !trace.contains("uncorrected"),
        "{trace}"
    );
}

/// A local list's 应当从轻 that refines no article of the law cannot override the law's own
/// 应当从重 (Art. 49): aggravated, the local entry outweighed; one that refines Art. 32 collides
/// with it instead (offset, collective discussion).
#[test]
fn a_local_shall_does_not_override_art_49() {
    let main = r#"
规则集 "冲突" { 版本 "1" 施行 2020-01-01 }
包含 "facts.rules"
包含 "statute.rules"
违法行为 T-1 "测试" { 依据 "《测试条例》第一条" 罚款 200..2000 }
从轻 L-LOCAL 适用 T-1 应当 "本地规定应当从轻的情形" 当 corrected 依据 "《测试办法》第一条"
"#;
    let files = vec![
        ("main.rules".to_string(), main.to_string()),
        (
            "facts.rules".to_string(),
            include_str!("../rules/facts.rules").to_string(),
        ),
        (
            "statute.rules".to_string(),
            include_str!("../rules/statute.rules").to_string(),
        ),
    ];
    let rules = Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    let case = adult_case("T-1", r#""emergency": true"#).fact("corrected", true);
    let d = rules.evaluate(&case).expect("evaluates");
    assert_eq!(d.outcome.code(), "aggravated");
    assert!(d.mandatory);
    let outweighed: Vec<&str> = d.outweighed.iter().map(|a| &*a.id).collect();
    assert_eq!(outweighed, ["L-LOCAL"]);
    assert!(!d.procedure.collective_discussion);
    // Without Art. 49 the local entry applies.
    let d = rules
        .evaluate(&adult_case("T-1", r#""emergency": false"#).fact("corrected", true))
        .expect("evaluates");
    assert_eq!(d.outcome.code(), "lighter");
    // The same entry citing Art. 32: two commands of the law, offset, collective discussion.
    let cited = main.replace(
        "《测试办法》第一条",
        "《中华人民共和国行政处罚法》第三十二条第（一）项",
    );
    let mut files = files;
    files[0].1 = cited;
    let rules = Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    let d = rules.evaluate(&case).expect("evaluates");
    assert_eq!((d.outcome.code(), d.mandatory), ("standard", false));
    assert!(d.outweighed.is_empty());
    assert!(d.procedure.collective_discussion);
    assert_eq!(d.procedure.legal_review, caliper::decision::Flag::Yes);
    assert!(!d.procedure.summary);
}
