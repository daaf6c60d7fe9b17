//! Steps 1–2 helpers: reading dates, and the weight of a version of the law for Art. 37's
//! comparison (从旧兼从轻).

use super::cond::Env;
use super::walk::*;
use crate::model::{FactId, Penalty, PenaltyAlt, PenaltyKind, RuleSet, Stmt, Value};
use crate::syntax::ast::Party;
use rust_decimal::Decimal;

pub(super) fn date_of(facts: &[Option<Value>], f: Option<FactId>) -> Option<jiff::civil::Date> {
    match f.and_then(|f| facts.get(f as usize).copied().flatten()) {
        Some(Value::Date(d)) => Some(d),
        _ => None,
    }
}

/// A version's weight for Art. 37: (highest fine, lowest fine, kinds), for this party.
pub(super) fn weight(
    rules: &RuleSet,
    env: &mut Env<'_>,
    version: &crate::model::Version,
    party: Party,
) -> (Option<(Decimal, Decimal)>, Vec<PenaltyKind>) {
    fn walk<'r>(env: &mut Env<'_>, stmts: &'r [Stmt], out: &mut Vec<&'r Penalty>) {
        for s in stmts {
            match s {
                Stmt::Penalty(p) => out.push(p),
                Stmt::Measures(_) => {}
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => match env.truth(cond) {
                    Some(true) => walk(env, then, out),
                    Some(false) => walk(env, otherwise, out),
                    None => {
                        walk(env, then, out);
                        walk(env, otherwise, out);
                    }
                },
            }
        }
    }
    let mut ps = Vec::new();
    if let Some(stmts) = version.penalties.get(party) {
        walk(env, stmts, &mut ps);
    }
    let mut fine: Option<(Decimal, Decimal)> = None;
    let mut kinds = Vec::new();
    for p in ps {
        for a in &p.alts {
            match a {
                PenaltyAlt::Fine(f) => {
                    let q = f
                        .scale
                        .and_then(|(id, _)| env.facts.get(id as usize).copied().flatten())
                        .and_then(Value::as_decimal)
                        .unwrap_or(Decimal::ONE);
                    let (lo, hi) = (f.lo * q, f.hi * q);
                    fine = Some(fine.map_or((hi, lo), |(h, l)| (h.max(hi), l.max(lo))));
                    push_unique(&mut kinds, &[PenaltyKind::Fine]);
                }
                PenaltyAlt::Kind(k) => push_unique(&mut kinds, &[*k]),
            }
        }
    }
    let _ = rules;
    (fine, kinds)
}

/// Art. 37 [CONV]: the newer version punishes more lightly only if it is lighter on every count
/// and strictly on one: no higher maximum or minimum fine, no kind of penalty added, and a lower
/// maximum, a lower minimum or a kind dropped. A mixed change (a lower fine, a revocation added)
/// is not lighter.
pub(super) fn lighter(
    new: &(Option<(Decimal, Decimal)>, Vec<PenaltyKind>),
    old: &(Option<(Decimal, Decimal)>, Vec<PenaltyKind>),
) -> bool {
    let fine_key = |f: &Option<(Decimal, Decimal)>| f.unwrap_or((Decimal::ZERO, Decimal::ZERO));
    let (nh, nl) = fine_key(&new.0);
    let (oh, ol) = fine_key(&old.0);
    let no_kind_added = new.1.iter().all(|k| old.1.contains(k));
    let not_heavier = nh <= oh && nl <= ol && no_kind_added;
    let kind_dropped = old.1.iter().any(|k| !new.1.contains(k));
    not_heavier && (nh < oh || nl < ol || kind_dropped)
}

/// What step 1 finds.
pub(super) enum LawInForce {
    /// The rule set declares no violation_date: steps 1–2 cannot run.
    NotDeclared,
    /// The case does not give the act date (this fact).
    NoActDate(FactId),
    /// No version was in force on the act date (Arts. 37, 38).
    NoNorm(jiff::civil::Date),
    /// In force on the act date (version `old`), no longer on the decision date (Art. 37).
    Repealed {
        /// The version of the act date.
        old: usize,
        /// The decision date.
        decision: jiff::civil::Date,
    },
    /// This version applies; with the reason where the law changed in between.
    Applies {
        /// Index of the version.
        version: usize,
        /// Why, where the law changed between the act and the decision.
        changed: Option<String>,
    },
}

/// Step 1: the version in force on the act date, unless the one in force on the decision date
/// (default: today in China) no longer punishes the act or punishes it more lightly (Art. 37).
pub(super) fn law_in_force(
    rules: &RuleSet,
    env: &mut Env<'_>,
    v: &crate::model::Violation,
    party: Party,
) -> LawInForce {
    let std = rules.standard;
    let Some(act_fact) = std.violation_date else {
        return LawInForce::NotDeclared;
    };
    let Some(begun) = date_of(env.facts, Some(act_fact)) else {
        return LawInForce::NoActDate(act_fact);
    };
    // A continuing or continuous act is judged by the law in force on the day it ended.
    let act = date_of(env.facts, std.violation_end_date).unwrap_or(begun);
    let Some(old) = v.version_on(act) else {
        return LawInForce::NoNorm(act);
    };
    // Only a norm that changed or was repealed needs the decision date.
    if v.versions.len() == 1 && v.repealed.is_none() {
        return LawInForce::Applies {
            version: old,
            changed: None,
        };
    }
    let decision = date_of(env.facts, std.decision_date).unwrap_or_else(today_in_china);
    match v.version_on(decision) {
        None if decision > act => LawInForce::Repealed { old, decision },
        Some(new) if new != old => {
            let (wn, wo) = (
                weight(rules, env, &v.versions[new], party),
                weight(rules, env, &v.versions[old], party),
            );
            let from = |i: usize| {
                v.versions[i]
                    .from
                    .map_or_else(String::new, |d| d.to_string())
            };
            let (from_old, from_new) = (from(old), from(new));
            if lighter(&wn, &wo) {
                LawInForce::Applies {
                    version: new,
                    changed: Some(format!(
                        "行为时适用 {from_old} 起施行的规定，作出决定时 {from_new} 起施行的规定处罚较轻，依照第三十七条适用新的规定"
                    )),
                }
            } else {
                LawInForce::Applies {
                    version: old,
                    changed: Some(format!(
                        "行为时适用 {from_old} 起施行的规定；{from_new} 起施行的规定处罚不轻于原规定，依照第三十七条适用行为时的规定"
                    )),
                }
            }
        }
        _ => LawInForce::Applies {
            version: old,
            changed: None,
        },
    }
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

/// Today in China (UTC+8, no daylight saving since 1991): the decision date a case does not give.
fn today_in_china() -> jiff::civil::Date {
    jiff::tz::Offset::constant(8)
        .to_datetime(jiff::Timestamp::now())
        .date()
}
