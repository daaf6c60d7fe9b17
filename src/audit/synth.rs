//! A synthetic archive of past decisions, so that the audit can be shown and tested without real
//! data. **Every line is marked `"synthetic": true`; nothing in it is a real decision.** Facts are
//! drawn for the violations of the catalogue from the facts each violation's form asks for; each
//! case is evaluated and kept only if the rules decide it; the "imposed" outcome is the
//! recommendation and the "imposed" fine is drawn within ±15% of the middle of the recommended
//! band (never outside it). With planting on, about one case in [`PLANT_EVERY`] gets one
//! inconsistency, named in its `planted` field (the audit ignores the field), so a test can
//! check that the audit finds exactly those.
//!
//! The generator is seeded and deterministic: a small local PRNG (SplitMix64) is enough for
//! drawing facts, and keeps the dependency list short.

use super::{ArchiveCase, GroupKey, assess};
use crate::Rules;
use crate::catalogue::FormFact;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::{self, Write};

/// One case in about this many is planted (at least one of each kind in a long enough
/// archive).
pub const PLANT_EVERY: u64 = 500;

/// A group must have this many cases before a "far from its group" case is planted in it.
pub const PLANT_GROUP_SEEN: u64 = 10;

/// Candidates drawn for one case before the generator gives up on it.
const TRIES: usize = 50;

/// SplitMix64: tiny, fast and good enough for synthetic facts.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of the items.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize % items.len().max(1)]
    }
}

/// The kinds of planted inconsistency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plant {
    /// A fine about 3× what like cases got.
    FarAbove,
    /// A fine about a quarter of what like cases got.
    FarBelow,
    /// A fine above the statutory maximum.
    AboveRange,
    /// A fine at the hearing threshold with no hearing notice.
    HearingSkipped,
    /// A fine where the law says 应当不予处罚.
    FinedShallNotPunish,
}

impl Plant {
    /// Every kind, in the order they are planted.
    pub const ALL: [Plant; 5] = [
        Plant::FarAbove,
        Plant::FarBelow,
        Plant::AboveRange,
        Plant::HearingSkipped,
        Plant::FinedShallNotPunish,
    ];

    /// The code written in the `planted` field.
    pub fn code(self) -> &'static str {
        match self {
            Plant::FarAbove => "far_above_group",
            Plant::FarBelow => "far_below_group",
            Plant::AboveRange => "above_statutory_max",
            Plant::HearingSkipped => "hearing_notice_skipped",
            Plant::FinedShallNotPunish => "fined_where_shall_not_punish",
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// Cases written.
    pub cases: u64,
    /// Planted cases, by kind code.
    pub planted: Vec<(&'static str, u64)>,
}

const OFFICERS: [(&str, &str); 12] = [
    ("王建国", "一中队"),
    ("李明", "一中队"),
    ("张伟", "一中队"),
    ("刘洋", "二中队"),
    ("陈静", "二中队"),
    ("杨帆", "二中队"),
    ("赵磊", "三中队"),
    ("黄敏", "三中队"),
    ("周杰", "三中队"),
    ("吴昊", "四中队"),
    ("徐丽", "四中队"),
    ("孙强", "四中队"),
];

/// Writes `n` synthetic archive lines (NDJSON) to `out`; with `plant`, about one in
/// [`PLANT_EVERY`] carries an inconsistency.
pub fn generate(
    rules: &Rules,
    n: u64,
    seed: u64,
    plant: bool,
    out: &mut dyn Write,
) -> io::Result<Generated> {
    let catalogue = rules.catalogue();
    let forms: Vec<(String, Vec<FormFact>, bool, bool)> = catalogue
        .all()
        .into_iter()
        .filter_map(|v| {
            let form = catalogue.form(&v.code)?;
            Some((
                v.code,
                form.facts,
                v.penalty.individual.is_some(),
                v.penalty.unit.is_some(),
            ))
        })
        .collect();
    let mut rng = Rng::new(seed);
    let mut seen: HashMap<GroupKey, u64> = HashMap::new();
    let mut counts = [0u64; 5];
    let mut wanted: Option<Plant> = None;
    let mut next_kind = 0;
    let mut line = Vec::with_capacity(1024);
    let mut written = 0;
    let start = jiff::civil::date(2023, 1, 1);
    for i in 0..n {
        if plant && i % PLANT_EVERY == PLANT_EVERY / 2 && wanted.is_none() {
            wanted = Some(Plant::ALL[next_kind % Plant::ALL.len()]);
            next_kind += 1;
        }
        let Some((mut case, a)) = (0..TRIES).find_map(|_| {
            let (code, facts, individual, unit) = rng.pick(&forms);
            let c = draw(&mut rng, code, facts, *individual, *unit, start)?;
            let a = assess(rules, &c).ok()??;
            Some((c, a))
        }) else {
            continue;
        };
        let n_seen = seen.entry(a.key.clone()).or_default();
        *n_seen += 1;
        let n_seen = *n_seen;
        // The imposed decision: the recommendation, a fine near the band's middle.
        case.outcome = Some(a.key.outcome);
        case.fine = a.band.and_then(|b| near_middle(&mut rng, b.min, b.max));
        let mut planted = None;
        if let Some(kind) = wanted
            && let Some(fine) = planted_fine(kind, &case, &a, n_seen)
        {
            case.fine = fine;
            planted = Some(kind);
        }
        // Was a hearing notice due for the fine imposed? Given, unless planted otherwise.
        let due = assess(rules, &case)
            .ok()
            .flatten()
            .is_some_and(|x| x.hearing_due);
        if wanted == Some(Plant::HearingSkipped) && due {
            planted = wanted;
        }
        if planted.is_some() {
            wanted = None;
        }
        case.hearing_notice = due.then_some(planted != Some(Plant::HearingSkipped));
        if let Some(p) = planted {
            counts[Plant::ALL.iter().position(|&k| k == p).unwrap_or(0)] += 1;
        }
        let (officer, team) = *rng.pick(&OFFICERS);
        case.case_id = Some(format!("SYN-{:07}", i + 1));
        line.clear();
        serde_json::to_writer(&mut line, &record(&case, officer, team, planted))
            .map_err(io::Error::other)?;
        line.push(b'\n');
        out.write_all(&line)?;
        written += 1;
    }
    out.flush()?;
    Ok(Generated {
        cases: written,
        planted: Plant::ALL
            .iter()
            .zip(counts)
            .map(|(k, c)| (k.code(), c))
            .collect(),
    })
}

/// The fine of a planted case, or `None` if this case cannot carry that kind (the next one
/// is tried). The inner `None` is "no fine".
fn planted_fine(
    kind: Plant,
    c: &ArchiveCase,
    a: &super::Assessed,
    seen: u64,
) -> Option<Option<Decimal>> {
    let mid = a.band.map(|b| (b.min + b.max) / Decimal::TWO);
    match kind {
        Plant::FarAbove | Plant::FarBelow => {
            let mid = mid.filter(|m| *m >= Decimal::TEN)?;
            if seen < PLANT_GROUP_SEEN || c.fine.is_none() {
                return None;
            }
            let factor = if kind == Plant::FarAbove {
                Decimal::from(3)
            } else {
                Decimal::new(25, 2)
            };
            Some(Some((mid * factor).round()))
        }
        Plant::AboveRange => {
            let s = a.statutory.filter(|s| s.max > Decimal::ZERO)?;
            c.fine?;
            Some(Some((s.max * Decimal::new(15, 1)).round()))
        }
        // Planted once the fine is known (see `generate`).
        Plant::HearingSkipped => None,
        Plant::FinedShallNotPunish => {
            if !a.shall_not_punish {
                return None;
            }
            let s = a.statutory.filter(|s| s.max > Decimal::ZERO)?;
            Some(Some(s.min.max(Decimal::from(50)).min(s.max)))
        }
    }
}

/// A fine drawn within ±15% of the band's middle, never outside the band; rounded to 1, 10,
/// 100 or 1,000 yuan as the band's middle is under 100, 2,000, 20,000 yuan or more.
fn near_middle(rng: &mut Rng, min: Decimal, max: Decimal) -> Option<Decimal> {
    if max <= Decimal::ZERO {
        return None;
    }
    let mid = (min + max) / Decimal::TWO;
    let lo = min.max(mid * Decimal::new(85, 2));
    let hi = max.min(mid * Decimal::new(115, 2));
    let step = Decimal::from(rng.below(1001)) / Decimal::from(1000);
    let raw = lo + (hi - lo) * step;
    // Officers impose round amounts: the distinct fines of a group stay few.
    let unit = match mid {
        m if m < Decimal::ONE_HUNDRED => Decimal::ONE,
        m if m < Decimal::from(2_000) => Decimal::TEN,
        m if m < Decimal::from(20_000) => Decimal::ONE_HUNDRED,
        _ => Decimal::ONE_THOUSAND,
    };
    let rounded = (raw / unit).round() * unit;
    let fine = rounded.max(min).min(max);
    (fine > Decimal::ZERO).then_some(fine)
}

/// Facts for one candidate case.
fn draw(
    rng: &mut Rng,
    code: &str,
    facts: &[FormFact],
    individual: bool,
    unit: bool,
    start: jiff::civil::Date,
) -> Option<ArchiveCase> {
    use serde_json::Value;
    let party = match (individual, unit) {
        (true, true) => {
            if rng.chance(50) {
                "individual"
            } else {
                "unit"
            }
        }
        (true, false) => "individual",
        (false, true) => "unit",
        (false, false) => return None,
    };
    let decision = start
        .checked_add(jiff::Span::new().days(rng.below(3 * 365) as i64))
        .ok()?;
    let violation = decision
        .checked_sub(jiff::Span::new().days(10 + rng.below(50) as i64))
        .ok()?;
    let discovery = violation
        .checked_add(jiff::Span::new().days(rng.below(6) as i64))
        .ok()?;
    let mut c = ArchiveCase {
        violation: code.to_string(),
        decision_date: Some(decision),
        ..ArchiveCase::default()
    };
    let f = &mut c.facts;
    f.insert("party_type".into(), party.into());
    f.insert("violation_date".into(), violation.to_string().into());
    f.insert("discovery_date".into(), discovery.to_string().into());
    f.insert("decision_date".into(), decision.to_string().into());
    for fact in facts {
        let name = fact.name.as_str();
        let value: Value = match name {
            "party_type" | "violation_date" | "discovery_date" | "decision_date" => continue,
            "age" if party == "individual" => (18 + rng.below(52)).into(),
            "harm" => (*rng.pick(&[
                "none", "minor", "minor", "general", "general", "general", "serious",
            ]))
            .into(),
            "first_offense" => rng.chance(30).into(),
            "corrected" => rng.chance(40).into(),
            "minor" => rng.chance(10).into(),
            "prior_penalties_12m" => (*rng.pick(&[0, 0, 0, 0, 0, 0, 1, 1, 2])).into(),
            "eliminated_harm" | "confessed_unknown" | "meritorious" => rng.chance(5).into(),
            "obstructed" | "destroyed_evidence" => rng.chance(3).into(),
            // Circumstances a synthetic case does not have.
            "age" | "birth_date" | "mental_state" | "violation_end_date" | "coerced"
            | "already_fined" | "emergency" | "safety_related" | "no_fault_evidence"
            | "illegal_income" => continue,
            _ => match fact.ty {
                "bool" => rng.chance(20).into(),
                "int" => (*rng.pick(&[1, 2, 3, 5, 10])).into(),
                "money" => money(AMOUNTS[rng.below(AMOUNTS.len() as u64) as usize]),
                "decimal" => money(QUANTITIES[rng.below(QUANTITIES.len() as u64) as usize]),
                "enum" if !fact.options.is_empty() => {
                    Value::String(rng.pick(&fact.options).value.clone())
                }
                _ => continue,
            },
        };
        f.insert(name.to_string(), value);
    }
    Some(c)
}

/// Amounts drawn for a money fact (a project's cost, a fee due …).
const AMOUNTS: [&str; 5] = ["5000", "20000", "50000", "100000", "300000"];

/// Quantities drawn for a decimal fact (cubic metres, square metres …): round numbers, as
/// officers record them.
const QUANTITIES: [&str; 8] = ["0.5", "1", "2", "4", "8", "12", "20", "50"];

fn money(s: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Number>(s)
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// The archive line of a case.
fn record(c: &ArchiveCase, officer: &str, team: &str, planted: Option<Plant>) -> serde_json::Value {
    let mut r = serde_json::json!({
        "synthetic": true,
        "case_id": c.case_id,
        "violation": c.violation,
        "facts": c.facts,
        "outcome": c.outcome.map(super::outcome_code),
        "fine": c.fine.map(|f| money(&f.normalize().to_string())),
        "officer": officer,
        "team": team,
    });
    if let Some(h) = c.hearing_notice {
        r["hearing_notice"] = h.into();
    }
    if let Some(p) = planted {
        r["planted"] = p.code().into();
    }
    r
}

/// The codes of planted kinds, for documentation and tests.
pub fn plant_codes() -> [&'static str; 5] {
    Plant::ALL.map(Plant::code)
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn the_same_seed_draws_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], xs[1]);
    }
}
