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

/// Art. 37 [CONV]: the newer version punishes more lightly if its maximum fine is lower, or the
/// same with a lower minimum, or it drops a kind of penalty.
pub(super) fn lighter(
    new: &(Option<(Decimal, Decimal)>, Vec<PenaltyKind>),
    old: &(Option<(Decimal, Decimal)>, Vec<PenaltyKind>),
) -> bool {
    let fine_key = |f: &Option<(Decimal, Decimal)>| f.unwrap_or((Decimal::ZERO, Decimal::ZERO));
    let (nh, nl) = fine_key(&new.0);
    let (oh, ol) = fine_key(&old.0);
    if nh != oh {
        return nh < oh;
    }
    if nl != ol {
        return nl < ol;
    }
    new.1.len() < old.1.len() && new.1.iter().all(|k| old.1.contains(k))
}
