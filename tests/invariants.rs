//! The law's invariants over generated cases on the shipped rules (at least 100,000 decisions;
//! `CALIPER_INVARIANT_CASES` sets another number):
//!
//! 1. the fine lies within the statutory range unless the outcome is 减轻 (or no fine is due);
//! 2. adding a mitigating fact never raises the fine's upper bound, adding an aggravating one
//!    never lowers its lower bound;
//! 3. a case with every fact given is never `undetermined`;
//! 4. a decision is the same with the trace on or off, and on another thread;
//! 5. the JSON of a decision round-trips exactly.
//!
//! Cases come from a seeded generator (the same cases every run), so a failure names the case
//! that broke the law.

use caliper::model::FactType;
use caliper::{Case, Decision, Options, Outcome, Rules};
use std::sync::LazyLock;

static SHIPPED: LazyLock<Rules> = LazyLock::new(|| Rules::embedded().expect("shipped rules load"));

/// SplitMix64: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Facts that only ever make a decision lighter (or remove an aggravation) when they become true.
const MITIGATING: [&str; 6] = [
    "corrected",
    "eliminated_harm",
    "coerced",
    "confessed_unknown",
    "meritorious",
    "first_offense",
];

/// Facts that only ever make a decision heavier when they become true.
const AGGRAVATING: [&str; 6] = [
    "destroyed_evidence",
    "obstructed",
    "continued_after_warning",
    "involved_minor",
    "principal_role",
    "retaliation",
];

fn date(days_from_2010: u64) -> String {
    let d = jiff::civil::date(2010, 1, 1)
        .checked_add(jiff::Span::new().days(i64::try_from(days_from_2010).unwrap_or(0)))
        .expect("a date");
    d.to_string()
}

/// A case for `code` with every declared fact given.
fn full_case(rng: &mut Rng, code: &str) -> Case {
    let act = 365 * 3 + rng.below(365 * 12); // 2013 … 2025
    let discovered = act + rng.below(600);
    let decided = discovered + rng.below(90);
    let mut case = Case::new(code);
    for f in &SHIPPED.model().facts {
        let v: serde_json::Value = match (&*f.name, &f.ty) {
            ("violation_date", _) => date(act).into(),
            ("violation_end_date", _) => date(act + rng.below(30)).into(),
            ("discovery_date", _) => date(discovered).into(),
            ("decision_date", _) => date(decided).into(),
            ("birth_date", _) => date(act.saturating_sub(365 * (12 + rng.below(60)))).into(),
            ("age", _) => (12 + rng.below(60)).into(),
            ("prior_penalties_12m", _) => rng.below(4).into(),
            (_, FactType::Bool) => (rng.below(4) == 0).into(),
            (_, FactType::Int) => rng.below(60).into(),
            (_, FactType::Decimal | FactType::Money) => {
                serde_json::from_str(&format!("{}.{:02}", rng.below(20_000), rng.below(100)))
                    .expect("a number")
            }
            (_, FactType::Date) => date(act).into(),
            (_, FactType::Enum(vs)) => {
                let i = usize::try_from(rng.below(vs.len() as u64)).unwrap_or(0);
                vs[i].0.clone().into()
            }
        };
        case = case.fact(f.name.to_string(), v);
    }
    case
}

fn without_trace(d: &Decision) -> Decision {
    Decision {
        trace: Default::default(),
        // The norms weighed beside it under Art. 29 carry their own walks.
        concurrent: d.concurrent.iter().map(without_trace).collect(),
        ..d.clone()
    }
}

fn fine_within_the_law(d: &Decision, what: impl Fn() -> String) {
    if let (Some(f), Some(s)) = (d.fine, d.statutory) {
        assert!(f.min <= f.max, "{}: fine {f}", what());
        assert!(
            f.max <= s.max,
            "{}: fine {f} above the statutory {s}",
            what()
        );
        if d.outcome != Outcome::Mitigated {
            assert!(
                f.min >= s.min,
                "{}: fine {f} below the statutory {s}, not mitigated",
                what()
            );
        }
    }
}

#[test]
fn the_law_holds_over_generated_cases() {
    let wanted: usize = std::env::var("CALIPER_INVARIANT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let codes: Vec<String> = SHIPPED.model().violation_index.keys().cloned().collect();
    let declared = |n: &str| SHIPPED.model().fact_index.contains_key(n);
    let mitigating: Vec<&str> = MITIGATING.into_iter().filter(|n| declared(n)).collect();
    let aggravating: Vec<&str> = AGGRAVATING.into_iter().filter(|n| declared(n)).collect();
    assert!(mitigating.len() >= 4 && aggravating.len() >= 4);
    let mut rng = Rng(0x00C0_FFEE);
    let (mut decided, mut sampled) = (0usize, Vec::new());
    while decided < wanted {
        let code = &codes[usize::try_from(rng.below(codes.len() as u64)).unwrap_or(0)];
        let case = full_case(&mut rng, code);
        let what = || serde_json::to_string(&case).unwrap_or_default();
        let Ok(d) = SHIPPED.evaluate(&case) else {
            // Only generated dates can be refused (an act before a birth, …): not a decision.
            continue;
        };
        decided += 1;
        assert_ne!(
            d.outcome,
            Outcome::Undetermined,
            "{}: every fact was given",
            what()
        );
        fine_within_the_law(&d, what);
        let off = SHIPPED
            .evaluate_with(&case, Options { trace: false })
            .expect("the same case decides without the trace");
        assert!(without_trace(&d) == off, "{}: trace on / off", what());
        if decided % 16 == 0 {
            let text = serde_json::to_string(&d).expect("serialises");
            let back: Decision = serde_json::from_str(&text).expect("reads back");
            assert_eq!(
                serde_json::to_string(&back).expect("serialises"),
                text,
                "{}",
                what()
            );
            sampled.push((case.clone(), without_trace(&d)));
        }
        // One fact turned: the direction of the fine must follow.
        let (list, lighter) = if rng.below(2) == 0 {
            (&mitigating, true)
        } else {
            (&aggravating, false)
        };
        let name = list[usize::try_from(rng.below(list.len() as u64)).unwrap_or(0)];
        if case.facts.get(name) == Some(&serde_json::Value::Bool(true)) {
            continue;
        }
        let turned = case.clone().fact(name, true);
        let Ok(t) = SHIPPED.evaluate(&turned) else {
            continue;
        };
        decided += 1;
        fine_within_the_law(&t, what);
        if let (Some(before), Some(after)) = (d.fine, t.fine) {
            if lighter {
                assert!(
                    after.max <= before.max,
                    "{} + {name}: {before} → {after}",
                    what()
                );
            } else {
                assert!(
                    after.min >= before.min,
                    "{} + {name}: {before} → {after}",
                    what()
                );
            }
        }
    }
    // Another thread decides the sampled cases the same way.
    let again = std::thread::spawn(move || {
        sampled
            .into_iter()
            .all(|(case, d)| SHIPPED.evaluate(&case).map(|x| without_trace(&x)).ok() == Some(d))
    })
    .join()
    .expect("the other thread finishes");
    assert!(again, "a decision differs on another thread");
}
