//! Binding a case's facts to the rule set's declared facts: unknown keys and wrong types are
//! errors of the case (never a decision), with the nearest declared name.

use crate::case::Case;
use crate::diag::Code;
use crate::graph::Graph;
use crate::model::{FactType, RuleSet, Value};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// An error in a case: the case gets this document instead of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CaseError {
    /// Stable code (`E05xx`; `H06xx` for a hook's failure), written as its printed form.
    pub code: Code,
    /// What is wrong, in Chinese.
    pub message: String,
    /// Where in the case (`facts.volume_m3`, `violation`, `line 3 column 5`).
    pub at: String,
}

impl CaseError {
    /// A new error.
    pub fn new(code: Code, message: impl Into<String>, at: impl Into<String>) -> CaseError {
        CaseError {
            code,
            message: message.into(),
            at: at.into(),
        }
    }

    /// The error document of the contract: `{ "error": { … } }`.
    pub fn to_document(&self) -> serde_json::Value {
        serde_json::json!({ "error": self })
    }
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}（{}）", self.code, self.message, self.at)
    }
}

impl std::error::Error for CaseError {}

/// A fact's value as a case gives it: parsed JSON (a [`Case`]), or the raw JSON text of the
/// value (a case read straight from JSON text, without building a document first).
#[derive(Clone, Copy)]
pub enum Input<'a> {
    /// A parsed value.
    Json(&'a serde_json::Value),
    /// The JSON text of one value.
    Text(&'a str),
}

impl std::fmt::Display for Input<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Input::Json(v) => write!(f, "{v}"),
            Input::Text(t) => f.write_str(t),
        }
    }
}

/// Slots of a [`FactTable`] at most (8 KiB of them): a rule set declaring more facts than
/// about the square root of this binds through the model's name map instead.
const TABLE_SLOTS: usize = 1 << 12;

/// Multipliers tried for a [`FactTable`] before binding falls back to the model's name map.
const TABLE_SEEDS: u64 = 64;

/// The declared facts by name, for binding a case: a perfect hash of the names, found when the
/// rules load (a multiplier that sends no two names to one slot), so a lookup is a word of the
/// name, a multiplication and one comparison of the name; the name map hashes every byte and
/// probes. Empty (and binding uses the map) when no multiplier separates the names.
#[derive(Debug, Clone, Default)]
pub struct FactTable {
    mult: u64,
    shift: u32,
    /// The fact index + 1 by slot, 0 for none.
    slots: Box<[u16]>,
}

impl FactTable {
    /// The table of the declared facts' names.
    pub fn new<'a>(names: impl ExactSizeIterator<Item = &'a str> + Clone) -> FactTable {
        let n = names.len();
        // Slots enough for a random multiplier to separate the names more often than not
        // (no two of n in n² slots: about 60%).
        let size = n.saturating_mul(n).next_power_of_two().max(16);
        if size > TABLE_SLOTS || u16::try_from(n).is_err() {
            return FactTable::default();
        }
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![0u16; size];
        let mut seed = 0x243f_6a88_85a3_08d3u64;
        for _ in 0..TABLE_SEEDS {
            // SplitMix64's step: well-spread odd multipliers.
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            let mult = (z ^ (z >> 31)) | 1;
            slots.fill(0);
            let separated = names.clone().zip(1u16..).all(|(name, id)| {
                let at = slot(name.as_bytes(), mult, shift);
                match slots.get_mut(at) {
                    Some(s @ 0) => {
                        *s = id;
                        true
                    }
                    _ => false,
                }
            });
            if separated {
                return FactTable {
                    mult,
                    shift,
                    slots: slots.into_boxed_slice(),
                };
            }
        }
        FactTable::default()
    }

    /// The index of the fact declared as `key`.
    pub fn get(&self, rules: &RuleSet, key: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return rules.fact_index.get(key).copied();
        }
        let id = self.slots.get(slot(key.as_bytes(), self.mult, self.shift))?;
        let id = u32::from(id.checked_sub(1)?);
        (*rules.facts.get(id as usize)?.name == *key).then_some(id)
    }
}

/// The slot of a name: its length and its first and last eight bytes (or its bytes, when
/// fewer), multiplied, the top bits.
#[inline(always)]
fn slot(name: &[u8], mult: u64, shift: u32) -> usize {
    let word = match (name.first_chunk::<8>(), name.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            u64::from_le_bytes(*first) ^ u64::from_le_bytes(*last).rotate_left(29)
        }
        _ => name.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b)),
    };
    let h = (word ^ (name.len() as u64).rotate_right(8)).wrapping_mul(mult);
    // `shift` is at least 52: the slot is below the table's size.
    (h >> shift) as usize
}

/// Binds a [`Case`]'s facts into `facts`, which holds the defaults on entry (one slot per
/// declared fact).
pub fn bind(
    rules: &RuleSet,
    graph: &Graph,
    case: &Case,
    facts: &mut [Option<Value>],
) -> Result<(), CaseError> {
    bind_inputs(
        rules,
        graph,
        case.facts.iter().map(|(k, v)| (k.as_str(), Input::Json(v))),
        facts,
    )
}

/// Binds (name, value) pairs into `facts`, which holds the defaults on entry.
pub fn bind_inputs<'a>(
    rules: &RuleSet,
    graph: &Graph,
    inputs: impl Iterator<Item = (&'a str, Input<'a>)>,
    facts: &mut [Option<Value>],
) -> Result<(), CaseError> {
    // Which facts the case has given: a key given twice is an error, never "the last wins".
    let mut seen = Seen::default();
    for (key, raw) in inputs {
        let Some(id) = graph.fact_table.get(rules, key) else {
            let hint = graph.fact_names.nearest(key);
            let key = crate::limits::clip(key);
            return Err(CaseError::new(
                Code::UnknownFactInCase,
                crate::diag::did_you_mean("规则集没有声明事实 ", &key, hint),
                format!("facts.{key}"),
            ));
        };
        if !seen.insert(id) {
            return Err(CaseError::new(
                Code::MalformedCase,
                format!("事实 {key} 在 facts 中出现了不止一次"),
                format!("facts.{key}"),
            ));
        }
        let ty = &graph.types[id as usize];
        let value = match raw {
            Input::Json(serde_json::Value::Null) => continue, // explicitly unknown
            Input::Text("null") => continue,
            Input::Json(v) => convert(ty, v),
            Input::Text(t) => convert_text(ty, t),
        };
        let value = value.ok_or_else(|| {
            let fact = &rules.facts[id as usize];
            let want = match ty {
                FactType::Bool => "true 或 false".to_string(),
                FactType::Int => "0 至 10^15 之间的整数（最多 28 位有效数字）".to_string(),
                FactType::Decimal | FactType::Money => {
                    "0 至 10^15 之间的数字（最多 28 位有效数字）".to_string()
                }
                FactType::Date => "日期字符串 \"YYYY-MM-DD\"（须是真实的日期）".to_string(),
                FactType::Enum(vs) => {
                    let names: Vec<String> = vs.iter().map(|(v, _)| format!("\"{v}\"")).collect();
                    format!("以下之一：{}", names.join("、"))
                }
            };
            CaseError::new(
                Code::WrongFactType,
                // A huge value is quoted by its first bytes only.
                format!(
                    "事实 {key}（{}）应为{want}，却是 {}",
                    fact.label,
                    crate::limits::clip(&raw.to_string())
                ),
                format!("facts.{key}"),
            )
        })?;
        facts[id as usize] = Some(value);
    }
    check_dates(rules, facts)?;
    derive_age(rules, facts);
    Ok(())
}

/// The facts a case has given so far: a bit per fact for the first 64, a list beyond.
#[derive(Default)]
struct Seen {
    low: u64,
    high: Vec<u32>,
}

impl Seen {
    /// Records `id`; false if it was there already.
    fn insert(&mut self, id: u32) -> bool {
        if id < 64 {
            let bit = 1u64 << id;
            let new = self.low & bit == 0;
            self.low |= bit;
            new
        } else {
            match self.high.binary_search(&id) {
                Ok(_) => false,
                Err(at) => {
                    self.high.insert(at, id);
                    true
                }
            }
        }
    }
}

fn date(facts: &[Option<Value>], f: Option<u32>) -> Option<(jiff::civil::Date, u32)> {
    let f = f?;
    match facts.get(f as usize).copied().flatten() {
        Some(Value::Date(d)) => Some((d, f)),
        _ => None,
    }
}

/// The dates of a case must be in the order the facts happened.
fn check_dates(rules: &RuleSet, facts: &[Option<Value>]) -> Result<(), CaseError> {
    let s = rules.standard;
    let name = |f: u32| rules.facts[f as usize].name.clone();
    let label = |f: u32| rules.facts[f as usize].label.clone();
    let pairs = [
        (
            s.violation_date,
            s.violation_end_date,
            "终了之日不能早于发生之日",
        ),
        (
            s.violation_date,
            s.discovery_date,
            "违法行为不能在发生之前被发现",
        ),
        (
            s.discovery_date,
            s.decision_date,
            "处罚决定不能早于发现违法行为",
        ),
        (
            s.violation_date,
            s.decision_date,
            "处罚决定不能早于违法行为",
        ),
        (s.birth_date, s.violation_date, "违法行为不能早于出生"),
    ];
    for (earlier, later, why) in pairs {
        if let (Some((a, fa)), Some((b, fb))) = (date(facts, earlier), date(facts, later))
            && b < a
        {
            return Err(CaseError::new(
                Code::DateOrder,
                format!("{}（{b}）早于{}（{a}）：{why}", label(fb), label(fa)),
                format!("facts.{}", name(fb)),
            ));
        }
    }
    Ok(())
}

/// Age in full years on the act date from `birth_date` (which wins over `age`). A person reaches N
/// full years on the day *after* the Nth birthday; a 29 February birthday falls on 28 February in
/// other years (as the Civil Code counts periods).
fn derive_age(rules: &RuleSet, facts: &mut [Option<Value>]) {
    let s = rules.standard;
    let (Some((birth, _)), Some(age_fact)) = (date(facts, s.birth_date), s.age) else {
        return;
    };
    let value = date(facts, s.violation_date).map(|(act, _)| Value::Int(full_years(birth, act)));
    if let Some(slot) = facts.get_mut(age_fact as usize) {
        *slot = value;
    }
}

/// Full years reached on `on` by a person born on `birth` (day-after-the-birthday rule).
pub fn full_years(birth: jiff::civil::Date, on: jiff::civil::Date) -> i64 {
    let mut n = i64::from(on.year()) - i64::from(birth.year());
    while n > 0 {
        let reached = i16::try_from(n)
            .ok()
            .and_then(|y| birth.checked_add(jiff::Span::new().years(y)).ok())
            .is_some_and(|birthday| on > birthday);
        if reached {
            return n;
        }
        n -= 1;
    }
    0
}

/// Quantities and amounts are never negative, and at most 10^15 (yuan, m², trees …), so that
/// fine arithmetic can never overflow.
const MAX_QUANTITY: i64 = 1_000_000_000_000_000;

/// Converts the JSON text of one value, as [`convert`] converts a parsed one.
fn convert_text(ty: &FactType, raw: &str) -> Option<Value> {
    let string = || -> Option<std::borrow::Cow<'_, str>> {
        let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
        if inner.contains('\\') {
            serde_json::from_str::<String>(raw)
                .ok()
                .map(std::borrow::Cow::Owned)
        } else {
            Some(std::borrow::Cow::Borrowed(inner))
        }
    };
    let number = raw.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    match ty {
        FactType::Bool => match raw {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        FactType::Int if number => raw
            .parse::<i64>()
            .ok()
            .or_else(|| {
                let d = decimal(raw)?;
                if d.fract().is_zero() {
                    i64::try_from(d).ok()
                } else {
                    None
                }
            })
            .filter(|i| (0..=MAX_QUANTITY).contains(i))
            .map(Value::Int),
        FactType::Decimal | FactType::Money if number => decimal(raw)
            .filter(|d| !d.is_sign_negative() && *d <= Decimal::from(MAX_QUANTITY))
            .map(Value::Dec),
        FactType::Date => parse_date(&string()?).map(Value::Date),
        FactType::Enum(vs) => {
            let s = string()?;
            vs.iter()
                .position(|(v, _)| *v == *s)
                .and_then(|i| u16::try_from(i).ok())
                .map(Value::Enum)
        }
        _ => None,
    }
}

fn convert(ty: &FactType, raw: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    match (ty, raw) {
        (FactType::Bool, J::Bool(b)) => Some(Value::Bool(*b)),
        (FactType::Int, J::Number(n)) => n
            .as_i64()
            .filter(|i| (0..=MAX_QUANTITY).contains(i))
            .or_else(|| {
                let d = decimal(n.as_str())?;
                if d.fract().is_zero() {
                    i64::try_from(d)
                        .ok()
                        .filter(|i| (0..=MAX_QUANTITY).contains(i))
                } else {
                    None
                }
            })
            .map(Value::Int),
        (FactType::Decimal | FactType::Money, J::Number(n)) => decimal(n.as_str())
            .filter(|d| !d.is_sign_negative() && *d <= Decimal::from(MAX_QUANTITY))
            .map(Value::Dec),
        (FactType::Date, J::String(s)) => parse_date(s).map(Value::Date),
        (FactType::Enum(vs), J::String(s)) => vs
            .iter()
            .position(|(v, _)| v == s)
            .and_then(|i| u16::try_from(i).ok())
            .map(Value::Enum),
        _ => None,
    }
}

/// `YYYY-MM-DD`, and a real date; the common form is read directly (jiff's general parser
/// handles the rest).
fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0i16, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + i16::from(c - b'0'))
            })
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            let (m, d) = (i8::try_from(m).ok()?, i8::try_from(d).ok()?);
            return jiff::civil::Date::new(y, m, d).ok();
        }
        return None;
    }
    jiff::civil::Date::from_str(s).ok()
}

/// A JSON number as an exact decimal: `None` when it has more than 28 significant digits or
/// cannot be held exactly (a value is never rounded into another).
fn decimal(s: &str) -> Option<Decimal> {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, written) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let frac = written.trim_end_matches('0');
    let int_digits = int.trim_start_matches('-').trim_start_matches('0');
    let significant = if int_digits.is_empty() {
        frac.trim_start_matches('0').len()
    } else {
        int_digits.len() + frac.len()
    };
    if significant > 28 {
        return None;
    }
    // Trailing zeros of the fraction are dropped (they may be past 28 digits without changing
    // the value); the common case, without any, is parsed as written.
    let plain = if frac.len() == written.len() {
        std::borrow::Cow::Borrowed(mantissa)
    } else if frac.is_empty() {
        std::borrow::Cow::Borrowed(int)
    } else {
        std::borrow::Cow::Owned(format!("{int}.{frac}"))
    };
    let d = match exponent {
        None => Decimal::from_str_exact(&plain).ok()?,
        Some(e) => Decimal::from_scientific(&format!("{plain}e{e}")).ok()?,
    };
    // A non-zero number that came out as zero was too small to hold.
    (significant == 0 || !d.is_zero()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::{FactTable, decimal, full_years};

    #[test]
    fn the_fact_table_finds_every_declared_name_and_no_other() {
        let rules = crate::Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
        let model = rules.model();
        let names = || model.facts.iter().map(|f| &*f.name);
        let table = FactTable::new(names());
        assert!(!table.slots.is_empty(), "the shipped facts get a table");
        for (i, name) in names().enumerate() {
            assert_eq!(table.get(model, name), Some(i as u32), "{name}");
            for other in [format!("{name}x"), format!("x{name}"), name[1..].to_string()] {
                assert_eq!(
                    table.get(model, &other),
                    model.fact_index.get(other.as_str()).copied(),
                    "{other}"
                );
            }
        }
        assert_eq!(table.get(model, ""), None);
        // Too many names for the table: the map answers.
        let many: Vec<String> = (0..100).map(|i| format!("fact_{i}")).collect();
        assert!(FactTable::new(many.iter().map(String::as_str)).slots.is_empty());
    }
    use jiff::civil::date;
    use rust_decimal::Decimal;

    #[test]
    fn numbers_are_exact_or_refused_never_rounded() {
        assert_eq!(decimal("14"), Some(Decimal::from(14)));
        assert_eq!(decimal("0.30"), Some(Decimal::new(3, 1)));
        assert_eq!(decimal("1.5e3"), Some(Decimal::from(1500)));
        assert_eq!(
            decimal("1.000000000000000000000000000000"),
            Some(Decimal::ONE)
        );
        // 30 significant digits: once rounded to 14, now refused.
        assert_eq!(decimal("13.99999999999999999999999999999"), None);
        assert_eq!(decimal("1234567890123456789012345678.9"), None);
        assert_eq!(decimal("1e-40"), None);
        assert_eq!(decimal("0.000"), Some(Decimal::ZERO));
    }

    #[test]
    fn a_birthday_counts_from_the_next_day() {
        assert_eq!(full_years(date(2010, 6, 18), date(2024, 6, 18)), 13);
        assert_eq!(full_years(date(2010, 6, 18), date(2024, 6, 19)), 14);
        assert_eq!(full_years(date(2010, 6, 18), date(2024, 6, 17)), 13);
        assert_eq!(full_years(date(2008, 2, 29), date(2022, 2, 28)), 13);
        assert_eq!(full_years(date(2008, 2, 29), date(2022, 3, 1)), 14);
        assert_eq!(full_years(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(full_years(date(2008, 2, 29), date(2026, 3, 1)), 18);
    }
}
