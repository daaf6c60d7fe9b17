//! Decides the case of `decision/shipped` N times (N from the first argument, default 1), for
//! counting instructions per decision with callgrind, which is stable where wall-clock is not:
//!
//! ```sh
//! cargo bench --bench instructions --no-run
//! BIN=$(ls -t target/release/deps/instructions-* | grep -v '\.d$' | head -1)
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $BIN 1 [MODE]
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $BIN 101 [MODE]
//! ```
//!
//! The difference of the two totals divided by 100 is the cost of one decision. The second
//! argument chooses what is measured:
//!
//! - (none): a parsed case, decision with its trace (`decision/shipped`);
//! - `notrace`: the same without the trace (`decision/shipped_no_trace`);
//! - `json`: JSON text to JSON text with the trace (`decision/json_to_json`);
//! - `json-notrace`: JSON text to JSON text without the trace (`decision/json_to_json_no_trace`);
//! - `value`: a `serde_json::Value` in, a `serde_json::Value` out (`decision/json_value`);
//! - `large`: a parsed case against the generated rule set of 4,000 entries over 1,000
//!   violations (`decision/large_ruleset`);
//! - `json-large`: JSON text to JSON text with the trace on the generated rule set, to hold
//!   `unknown-json-large` against;
//! - `unknown`, `unknown-large`: a parsed case with its code misspelt (a letter appended) on the
//!   shipped and on the generated rule set (`decision/unknown_code_*`);
//! - `unknown-json`, `unknown-json-large`: the same from JSON text to the error document, to
//!   hold against `json` (an error must cost no more than a decision);
//! - `unknown-fact-json`: JSON text naming a misspelt fact, to the error document;
//! - `load`: loading, checking and compiling the shipped rule set (N times; use 1 and 3);
//! - `load-keep`: the same, every rule set kept until the end, for the memory a loaded rule set
//!   holds and the page faults its load takes in a process that keeps it
//!   (`/usr/bin/time -f "%e s %R faults %M KB"`, N = 1,000);
//! - `load-large`: the same for the generated 1,000-violation, 10,000-entry rule set of
//!   `load/generated_1000x10000` (generated once; use 1 and 2).

mod support;

use caliper::{Case, Options, Rules};
use std::hint::black_box;

/// The case of `decision/shipped` (examples/xr-49-2-individual.json).
const INDIVIDUAL: &str = include_str!("../examples/xr-49-2-individual.json");

/// Decides `text` n times as JSON text; asserts every answer contains `expect`.
fn json(rules: &Rules, text: &str, n: usize, trace: bool, expect: &str) {
    let mut found = 0usize;
    for _ in 0..n {
        let out = rules.decide_json_with(black_box(text), Options { trace });
        found += usize::from(out.contains(expect));
    }
    assert_eq!(found, n, "every answer contains {expect}");
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let mode = std::env::args().nth(2).unwrap_or_default();
    if mode == "load" {
        for _ in 0..n {
            let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
            black_box(&rules);
        }
        return;
    }
    if mode == "load-keep" {
        let mut keep = Vec::new();
        for _ in 0..n {
            keep.push(Rules::embedded().unwrap_or_else(|e| panic!("{e}")));
        }
        black_box(&keep);
        return;
    }
    if mode == "load-large" {
        let files = support::generate(1_000, 10_000);
        for _ in 0..n {
            let rules = Rules::from_sources(black_box(&files), support::ROOT)
                .unwrap_or_else(|e| panic!("the generated rule set does not load:\n{e}"));
            black_box(&rules);
        }
        return;
    }
    let shipped =
        Rules::embedded().unwrap_or_else(|e| panic!("the shipped rules do not load:\n{e}"));
    let large;
    let (rules, code) = if mode.ends_with("large") {
        large = Rules::from_sources(&support::generate(1_000, 4_000), support::ROOT)
            .unwrap_or_else(|e| panic!("the generated rule set does not load:\n{e}"));
        (&large, support::xr_49_2_like(1_000))
    } else {
        (&shipped, "XR-49-2".to_string())
    };
    let text = INDIVIDUAL.replace("XR-49-2", &code);
    match mode.as_str() {
        "json" => return json(rules, &text, n, true, "\"outcome\":\"standard\""),
        "json-large" => return json(rules, &text, n, true, "\"fine\":{"),
        "json-notrace" => return json(rules, &text, n, false, "\"outcome\":\"standard\""),
        "unknown-json" | "unknown-json-large" => {
            let bad = text.replace(&code, &format!("{code}x"));
            return json(rules, &bad, n, true, &format!("是否想写 {code}"));
        }
        "unknown-fact-json" => {
            let bad = text.replace("discovery_date", "discovery_dat");
            return json(rules, &bad, n, true, "是否想写 discovery_date");
        }
        "value" => {
            let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            let mut fined = 0usize;
            for _ in 0..n {
                let case: Case = serde_json::from_value(black_box(value.clone())).expect("a case");
                let d = rules.evaluate(&case).expect("decides");
                let out = serde_json::to_value(&d).expect("serializes");
                fined += usize::from(!out["fine"].is_null());
            }
            assert_eq!(fined, n, "every decision has a fine");
            return;
        }
        _ => {}
    }
    let mut case: Case = serde_json::from_str(&text).expect("the example case is valid JSON");
    if mode.starts_with("unknown") {
        case.violation = Some(format!("{code}x"));
        let mut suggested = 0usize;
        for _ in 0..n {
            let e = rules
                .evaluate(black_box(&case))
                .expect_err("a misspelt code is an error");
            suggested += usize::from(e.message.contains(code.as_str()));
        }
        assert_eq!(suggested, n, "every error suggests {code}");
        return;
    }
    let opts = Options {
        trace: mode != "notrace",
    };
    let mut fined = 0usize;
    for _ in 0..n {
        let d = rules
            .evaluate_with(black_box(&case), opts)
            .unwrap_or_else(|e| panic!("the example case is an error: {e}"));
        fined += usize::from(d.fine.is_some());
        black_box(&d);
    }
    assert_eq!(fined, n, "every decision has a fine");
}
