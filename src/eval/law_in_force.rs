//! Step 1, the law in force (Art. 37, 从旧兼从轻): the version of the article in force on the
//! act date, unless the one in force on the decision date no longer punishes the act or
//! punishes it more lightly; and the weight of a version for that comparison.

use super::CaseError;
use super::cond::Env;
use super::decision::NotApplicableReason;
use super::end;
use super::law;
use super::trace::Step;
use super::walk::{Flow, Walk, push_basis, push_unique};
use crate::model::{FactId, Penalty, PenaltyAlt, PenaltyKind, RuleSet, Stmt, Value};
use crate::vocab::Party;
use rust_decimal::Decimal;

/// Step 1: chooses the version the rest of the walk applies, or ends the walk with no penalty;
/// an act before the earliest encoded text of a norm that existed earlier is an error.
pub(super) fn run(w: &mut Walk<'_>) -> Result<Flow, CaseError> {
    let v = w.violation;
    let newest = v.versions.len() - 1;
    let version = match law_in_force(w.rules, &mut w.env, v, w.party) {
        LawInForce::NotDeclared => {
            w.rec.step(|| Step::LawNotDeclared);
            newest
        }
        LawInForce::NoActDate(f) => {
            w.need_fact(f);
            w.undetermined = true;
            newest
        }
        LawInForce::NoNorm(date) if v.versions[0].from.is_some_and(|f| date < f) => {
            let first = &v.versions[0];
            let from = first.from.map_or_else(String::new, |d| d.to_string());
            if !first.first_enacted {
                // The norm existed before the earliest text the rule set encodes: no legal
                // conclusion may be drawn from the gap.
                return Err(CaseError::new(
                    crate::diag::Code::TextNotEncoded,
                    format!(
                        "规则集未编入该日期施行的文本：违法行为 {} 终了于 {date}，早于规则集编入的最早文本（{from} 起施行），无法据以裁量",
                        v.code
                    ),
                    "facts.violation_date",
                ));
            }
            w.out.law.version = None;
            let message = format!(
                "违法行为终了时（{date}）把该行为规定为违法的规定尚未施行（{from} 首次施行）"
            );
            return Ok(end::not_applicable(
                w,
                NotApplicableReason::BeforeEnactment,
                message,
            ));
        }
        LawInForce::NoNorm(date) => {
            w.rec.step(|| Step::NoNormOnActDate { date });
            push_basis(&mut w.out.basis, &[law::ART_37.into(), law::ART_38.into()]);
            w.out.law.version = None;
            w.out.law.reason = Some(format!("{date} 该行为不受本规定处罚"));
            return Ok(end::no_penalty(w, true, &[]));
        }
        LawInForce::Repealed { old, decision } => {
            w.rec.step(|| Step::Repealed { date: decision });
            push_basis(&mut w.out.basis, &[law::ART_37.into()]);
            w.out.law.version = v.versions[old].label.clone();
            w.out.law.reason = Some(format!(
                "作出处罚决定时（{decision}）已不认为是违法，适用新的规定"
            ));
            return Ok(end::no_penalty(w, true, &[]));
        }
        LawInForce::Applies { version, changed } => {
            if let Some(reason) = changed {
                push_basis(&mut w.out.basis, &[law::ART_37.into()]);
                if w.rec.on {
                    w.rec.trace.push(Step::LawChanged {
                        reason: reason.clone(),
                    });
                }
                w.out.law.reason = Some(reason);
            }
            version
        }
    };
    let ver = &v.versions[version];
    w.out.basis[0] = ver.basis.clone();
    if version != newest
        && let Some(Step::Start { basis, .. }) = w.rec.trace.steps_mut().first_mut()
    {
        // The walk began with the current article; name the version actually applied.
        *basis = ver.basis.clone();
    }
    w.version = ver;
    w.chosen = true;
    w.out.law.version = ver.label.clone();
    // Step 0, for the version in force: a party the article does not name.
    if ver.penalties.get(w.party).is_none() {
        let message = format!("该条文处罚的当事人不包括{}", w.party.zh());
        return Ok(end::not_applicable(w, NotApplicableReason::Party, message));
    }
    Ok(Flow::Next)
}

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
                Stmt::Measures(_) | Stmt::Daily(_) => {}
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
                    let q = f.quantity(env.facts).ok().flatten().unwrap_or(Decimal::ONE);
                    let (lo, hi) = f.scaled(q);
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

/// Today in China (UTC+8, no daylight saving since 1991): the decision date a case does not give.
fn today_in_china() -> jiff::civil::Date {
    jiff::tz::Offset::constant(8)
        .to_datetime(jiff::Timestamp::now())
        .date()
}
