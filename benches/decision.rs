//! Decision and load benchmarks.
//!
//! - `decision/shipped`: one decision on the embedded rules, parsed case in, decision with its
//!   full trace out (target ≤ 1 µs); `decision/shipped_unit` is a second case, for a unit with a
//!   mandatory statutory mitigating circumstance and a list entry.
//! - `decision/json_to_json`: the same from JSON text to JSON text (target ≤ 5 µs).
//! - `decision/large_ruleset`: the case of `decision/shipped` against a generated rule set of
//!   4,000 entries over 1,000 violations (target ≤ 1.5× `decision/shipped`).
//! - `decision/unknown_code_shipped`, `decision/unknown_code_large_ruleset`: a case whose code is
//!   misspelt, answered with the error and the nearest code; the cost must not grow with the
//!   number of codes (target: no more than a decision).
//! - `decision/shipped_no_trace`, `decision/json_to_json_no_trace`: the same without the trace.
//! - `decision/json_value`: a `serde_json::Value` in, a `serde_json::Value` out.
//! - `decision/large_mix_unknown`: against the generated rule set, six cases in turn of which
//!   one names an unknown code (one in six); the time is per six cases.
//! - `load/shipped`: loading, checking and compiling the embedded shipped rule set (target ≤ 20 ms).
//! - `load/shipped_no_drop`: the same, the rule set dropped outside the timing.
//! - `load/shipped_and_decide`: cold, the shipped rule set loaded and compiled, then one decision.
//! - `load/generated_1000x4000`: loading, checking and compiling the rule set of
//!   `decision/large_ruleset` (4,000 entries over 1,000 violations).
//! - `load/generated_1000x10000`: loading, checking and compiling 1,000 violations and 10,000
//!   entries from memory (target ≤ 150 ms).
//!
//! Run with `cargo bench --bench decision`; `cargo bench --bench decision -- --test` runs each
//! once (and the setup asserts that the generated rule sets load and decide as expected).

mod support;

use caliper::{Case, Decision, Options, Outcome, Rules};
use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use std::cell::OnceCell;
use std::hint::black_box;
use std::time::Duration;

/// XR-49-2 for an individual (the case of examples/xr-49-2-individual.json).
const INDIVIDUAL: &str = r#"{
  "case_id": "XC-2025-0142",
  "violation": "XR-49-2",
  "facts": {
    "party_type": "individual",
    "age": 35,
    "violation_date": "2025-03-02",
    "discovery_date": "2025-03-05",
    "minor": false,
    "harm": "general",
    "corrected": false,
    "first_offense": false,
    "prior_penalties_12m": 0
  }
}"#;

/// XR-49-2 for a unit that corrected and eliminated the harm: S-32-1 (应当从轻或者减轻) and the
/// list entry L-XR-49-2-1 (可以从轻) apply.
const UNIT: &str = r#"{
  "case_id": "XC-2025-0143",
  "violation": "XR-49-2",
  "facts": {
    "party_type": "unit",
    "violation_date": "2025-04-10",
    "discovery_date": "2025-04-11",
    "minor": false,
    "harm": "general",
    "corrected": true,
    "first_offense": false,
    "eliminated_harm": true,
    "prior_penalties_12m": 0
  }
}"#;

/// Loads (path, text) files or panics with the rendered diagnostics; lints fail too.
fn load(files: &[(String, String)]) -> Rules {
    let rules = Rules::from_sources(files, support::ROOT)
        .unwrap_or_else(|e| panic!("the generated rule set does not load:\n{e}"));
    assert!(
        rules.warnings().is_empty(),
        "the generated rule set has warnings: {:#?}",
        rules.warnings()
    );
    rules
}

fn case(text: &str) -> Case {
    serde_json::from_str(text).expect("the bench case is valid JSON")
}

fn decide(rules: &Rules, case: &Case) -> Decision {
    rules
        .evaluate(case)
        .unwrap_or_else(|e| panic!("the bench case is an error: {e}"))
}

fn fine(d: &Decision) -> String {
    d.fine.map_or_else(|| "none".to_string(), |f| f.to_string())
}

/// The shipped rules and the two cases, checked.
struct Shipped {
    rules: Rules,
    individual: Case,
    unit: Case,
}

fn shipped() -> Shipped {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("the shipped rules do not load:\n{e}"));
    let individual = case(INDIVIDUAL);
    let unit = case(UNIT);

    let d = decide(&rules, &individual);
    assert_eq!(
        (d.outcome, fine(&d).as_str()),
        (Outcome::Standard, "60..140")
    );
    assert!(!d.trace.steps().is_empty());
    let du = decide(&rules, &unit);
    assert_eq!(du.outcome, Outcome::Lighter, "{du:#?}");
    assert!(du.mandatory && du.applied.len() == 2, "{du:#?}");
    let out = serde_json::to_string(&d).expect("serializes");
    assert!(out.contains("\"outcome\":\"standard\""), "{out}");
    let text = rules.decide_json(INDIVIDUAL);
    assert!(text.contains("\"outcome\":\"standard\""), "{text}");
    Shipped {
        rules,
        individual,
        unit,
    }
}

/// The generated rule set of 1,000 violations and 4,000 entries, and the XR-49-2 case moved onto
/// a generated violation of the same shape; checked to decide exactly like the shipped XR-49-2.
fn large(shipped: &Shipped) -> (Rules, Case) {
    let files = support::generate(1_000, 4_000);
    let rules = load(&files);
    let model = rules.model();
    assert_eq!(model.violations.len(), 1_000);
    let generated = model.entries.iter().filter(|e| e.id.contains("-G")).count();
    assert_eq!(generated, 4_000);

    let mut moved = shipped.individual.clone();
    let target = support::xr_49_2_like(1_000);
    moved.violation = Some(target.clone());
    let own_id = format!("-{target}-");
    let own = model
        .entries
        .iter()
        .filter(|e| e.id.contains(&own_id))
        .count();
    assert!(own >= 4, "{target} has only {own} entries of its own");

    let d = decide(&shipped.rules, &shipped.individual);
    let dl = decide(&rules, &moved);
    let key = |d: &Decision| {
        (
            d.outcome,
            d.mandatory,
            fine(d),
            d.penalties.clone(),
            d.trace.steps().len(),
        )
    };
    assert_eq!(key(&dl), key(&d), "{target} decides like XR-49-2");
    (rules, moved)
}

/// The case with its code misspelt (a letter appended): the error names the right code.
fn misspelt(rules: &Rules, case: &Case) -> Case {
    let mut bad = case.clone();
    let code = case.violation.clone().unwrap_or_default();
    bad.violation = Some(format!("{code}x"));
    let e = rules
        .evaluate(&bad)
        .expect_err("an unknown code is an error");
    assert!(e.message.contains(&format!("是否想写 {code}")), "{e}");
    bad
}

fn decisions(c: &mut Criterion) {
    // Set up lazily, so that a filtered run (e.g. `--bench load/`) does not pay for it.
    let shipped_cell = OnceCell::new();
    let large_cell = OnceCell::new();
    let s = || shipped_cell.get_or_init(shipped);

    let mut g = c.benchmark_group("decision");
    g.bench_function("shipped", |b| {
        let s = s();
        b.iter(|| s.rules.evaluate(black_box(&s.individual)))
    });
    g.bench_function("shipped_unit", |b| {
        let s = s();
        b.iter(|| s.rules.evaluate(black_box(&s.unit)))
    });
    g.bench_function("json_to_json", |b| {
        let s = s();
        b.iter(|| s.rules.decide_json(black_box(INDIVIDUAL)))
    });
    g.bench_function("shipped_no_trace", |b| {
        let s = s();
        let opts = Options { trace: false };
        b.iter(|| s.rules.evaluate_with(black_box(&s.individual), opts))
    });
    g.bench_function("json_to_json_no_trace", |b| {
        let s = s();
        let opts = Options { trace: false };
        b.iter(|| s.rules.decide_json_with(black_box(INDIVIDUAL), opts))
    });
    g.bench_function("json_value", |b| {
        let s = s();
        let value: serde_json::Value = serde_json::from_str(INDIVIDUAL).expect("valid JSON");
        b.iter(|| {
            let case: Case = serde_json::from_value(black_box(value.clone())).expect("a case");
            let d = decide(&s.rules, &case);
            serde_json::to_value(&d).expect("serializes")
        })
    });
    g.bench_function("large_mix_unknown", |b| {
        let (rules, case) = large_cell.get_or_init(|| large(s()));
        let bad = misspelt(rules, case);
        let mix = [case, case, case, case, case, &bad];
        b.iter(|| {
            mix.iter()
                .map(|c| usize::from(rules.evaluate(black_box(c)).is_ok()))
                .sum::<usize>()
        })
    });
    g.bench_function("large_ruleset", |b| {
        let (rules, case) = large_cell.get_or_init(|| large(s()));
        b.iter(|| rules.evaluate(black_box(case)))
    });
    // The error path: a case naming a code one letter off, answered with the nearest code.
    g.bench_function("unknown_code_shipped", |b| {
        let s = s();
        let case = misspelt(&s.rules, &s.individual);
        b.iter(|| s.rules.evaluate(black_box(&case)))
    });
    g.bench_function("unknown_code_large_ruleset", |b| {
        let (rules, case) = large_cell.get_or_init(|| large(s()));
        let case = misspelt(rules, case);
        b.iter(|| rules.evaluate(black_box(&case)))
    });
    g.finish();
}

fn loading(c: &mut Criterion) {
    let files_cell = OnceCell::new();
    let files = || {
        files_cell.get_or_init(|| {
            let files = support::generate(1_000, 10_000);
            let rules = load(&files);
            assert_eq!(rules.model().violations.len(), 1_000);
            let generated = rules
                .model()
                .entries
                .iter()
                .filter(|e| e.id.contains("-G"))
                .count();
            assert_eq!(generated, 10_000);
            files
        })
    };

    let mut g = c.benchmark_group("load");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("generated_1000x10000", |b| {
        let files = files();
        // One rule set alive at a time; dropping it is not timed.
        b.iter_batched(
            || (),
            |()| Rules::from_sources(black_box(files), support::ROOT),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("generated_1000x4000", |b| {
        let files = support::generate(1_000, 4_000);
        b.iter_batched(
            || (),
            |()| Rules::from_sources(black_box(&files), support::ROOT),
            BatchSize::PerIteration,
        )
    });
    // Cold: the shipped rule set loaded and compiled, then one case decided.
    g.bench_function("shipped_and_decide", |b| {
        let case = case(INDIVIDUAL);
        b.iter(|| {
            let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
            decide(&rules, black_box(&case)).fine
        })
    });
    // The whole shipped rule set (every catalogue code, the lists, the hooks' scripts): load,
    // check and compile, as the binary does at start (target ≤ 20 ms).
    g.bench_function("shipped", |b| {
        let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(rules.model().violations.len() >= 84);
        b.iter(Rules::embedded)
    });
    // The same with the rule set dropped outside the timing, as the generated sets are timed
    // (and as a peer's load is compared: what it takes to have the rules, not to free them).
    g.bench_function("shipped_no_drop", |b| {
        b.iter_with_large_drop(Rules::embedded)
    });
    g.finish();
}

criterion_group!(benches, decisions, loading);
criterion_main!(benches);
