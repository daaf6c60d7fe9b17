//! Decides the case of `decision/shipped` N times (N from the first argument, default 1), for
//! counting instructions per decision with callgrind, which is stable where wall-clock is not:
//!
//! ```sh
//! cargo bench --bench instructions --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null "$(ls target/release/deps/instructions-* | grep -v '\.d$')" 1
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null "$(ls target/release/deps/instructions-* | grep -v '\.d$')" 1001
//! ```
//!
//! The difference of the two totals divided by 1,000 is the cost of one decision with its trace.
//! A second argument `json` measures JSON text to JSON text instead (`decision/json_to_json`);
//! `large`, the same case against the generated rule set of 4,000 entries over 1,000 violations
//! (`decision/large_ruleset`); `unknown` and `unknown-large`, the case with its code misspelt
//! (a letter appended) on the shipped and on the generated rule set: the error path
//! (`decision/unknown_code_*`), which must cost the same whatever the number of codes.

mod support;

use caliper::{Case, Rules};
use std::hint::black_box;

/// The case of `decision/shipped` (examples/xr-49-2-individual.json).
const INDIVIDUAL: &str = include_str!("../examples/xr-49-2-individual.json");

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("the shipped rules do not load:\n{e}"));
    if std::env::args().nth(2).as_deref() == Some("json") {
        // JSON text to JSON text, as `decision/json_to_json`.
        let mut written = 0usize;
        for _ in 0..n {
            written += rules.decide_json(black_box(INDIVIDUAL)).len();
        }
        assert!(written > n, "every decision is written");
        return;
    }
    let mut case: Case = serde_json::from_str(INDIVIDUAL).expect("the example case is valid JSON");
    let large;
    let mode = std::env::args().nth(2).unwrap_or_default();
    let rules = if mode.ends_with("large") {
        large = Rules::from_sources(&support::generate(1_000, 4_000), support::ROOT)
            .unwrap_or_else(|e| panic!("the generated rule set does not load:\n{e}"));
        case.violation = Some(support::xr_49_2_like(1_000));
        &large
    } else {
        &rules
    };
    if mode.starts_with("unknown") {
        let code = case.violation.clone().unwrap_or_default();
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
    let mut fined = 0usize;
    for _ in 0..n {
        let d = rules
            .evaluate(black_box(&case))
            .unwrap_or_else(|e| panic!("the example case is an error: {e}"));
        fined += usize::from(d.fine.is_some());
        black_box(&d);
    }
    assert_eq!(fined, n, "every decision has a fine");
}
