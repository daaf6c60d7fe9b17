//! Step 2, limitation (Art. 36): two years, five where safety-related with harm, counted as the
//! Civil Code counts periods.

use super::end;
use super::law;
use super::law_in_force::date_of;
use super::trace::Step;
use super::walk::{Flow, Walk, push_basis};
use crate::model::{FactId, RuleSet, Value};

/// Step 2: discovered after the last day, no penalty, shall.
pub(super) fn run(w: &mut Walk<'_>) -> Flow {
    let act = date_of(w.facts, w.rules.standard.violation_date);
    match limitation(w.rules, w.facts, act) {
        Limitation::NotDeclared => {}
        Limitation::Missing(missing) => {
            for f in missing.into_iter().flatten() {
                w.need_fact(f);
            }
            w.undetermined = true;
        }
        Limitation::DependsOnHarm(h) => {
            w.need_fact(h);
            w.undetermined = true;
        }
        Limitation::Decided(step) => {
            let barred = step.barred;
            w.rec.step(|| Step::Limitation {
                start: step.start,
                last: step.last,
                discovery: step.discovery,
                years: step.years,
                barred,
            });
            if barred {
                push_basis(&mut w.out.basis, &[law::ART_36.into()]);
                return end::no_penalty(w, true, &[]);
            }
        }
    }
    Flow::Next
}

/// What step 2 finds.
pub(super) enum Limitation {
    /// The rule set declares no violation or discovery date.
    NotDeclared,
    /// The case does not give these dates.
    Missing([Option<FactId>; 2]),
    /// Safety-related, discovered between two and five years: the harm decides (this fact).
    DependsOnHarm(FactId),
    /// In time or barred.
    Decided(LimitationStep),
}

/// The period and the answer.
pub(super) struct LimitationStep {
    pub(super) start: jiff::civil::Date,
    pub(super) last: jiff::civil::Date,
    pub(super) discovery: jiff::civil::Date,
    pub(super) years: u8,
    pub(super) barred: bool,
}

/// Step 2 (Art. 36): two years, five where safety-related with harm, from the end of a continuing
/// act or the act date; the period ends on the corresponding date, or the month's last day
/// (Civil Code Arts. 201–202; jiff clamps 29 February).
pub(super) fn limitation(
    rules: &RuleSet,
    facts: &[Option<Value>],
    act: Option<jiff::civil::Date>,
) -> Limitation {
    let std = rules.standard;
    let (Some(act_fact), Some(found_fact)) = (std.violation_date, std.discovery_date) else {
        return Limitation::NotDeclared;
    };
    let start = date_of(facts, std.violation_end_date).or(act);
    let discovery = date_of(facts, Some(found_fact));
    let (Some(start), Some(discovery)) = (start, discovery) else {
        let missing = |f: FactId, d: Option<jiff::civil::Date>| d.is_none().then_some(f);
        return Limitation::Missing([missing(act_fact, act), missing(found_fact, discovery)]);
    };
    let five = match std
        .safety_related
        .and_then(|f| facts.get(f as usize).copied().flatten())
    {
        Some(Value::Bool(true)) => match std.harm {
            Some((h, none)) => match facts.get(h as usize).copied().flatten() {
                Some(Value::Enum(x)) => Some(x != none),
                _ => None,
            },
            None => Some(false),
        },
        _ => Some(false),
    };
    let last = |years: i16| {
        start
            .checked_add(jiff::Span::new().years(years))
            .unwrap_or(jiff::civil::Date::MAX)
    };
    let two = last(2);
    let (years, last, barred) = match five {
        Some(false) => (2, two, discovery > two),
        None if discovery <= two => (2, two, false),
        _ if discovery > last(5) => (5, last(5), true),
        Some(true) => (5, last(5), false),
        None => {
            return match std.harm {
                Some((h, _)) => Limitation::DependsOnHarm(h),
                None => Limitation::Missing([None, None]),
            };
        }
    };
    Limitation::Decided(LimitationStep {
        start,
        last,
        discovery,
        years,
        barred,
    })
}
