//! Step 8, the fine: the statutory range for this party and these facts (per unit, multiples),
//! the band of the outcome, the penalties written out, Art. 28 ¶2 and Art. 29.

use super::cond::Env;
use super::law;
use super::money;
use super::{combine::*, law_in_time::*, walk::*};
use crate::decision::*;
use crate::explain::Step;
use crate::model::{FactId, PenaltyAlt, PenaltyKind, RuleSet, ScaleKind, Value};
use crate::syntax::ast::Party;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A statutory range for this party and these facts, with how it was scaled, and the bands
/// computed when the rules loaded where the range does not depend on the facts.
#[derive(Debug, Clone)]
pub(super) struct Statutory {
    pub(super) range: FineRange,
    /// The scaling fact's label, its value, and whether per unit rather than a multiple.
    pub(super) scale: Option<(Arc<str>, Decimal, bool)>,
    pub(super) bands: Option<crate::model::FixedBands>,
    /// The tier (情节档次) the facts select: the bands apply within it.
    pub(super) tier: Option<FineRange>,
}

/// The statutory fine range of the active fine for these facts: `Err(fact)` when it needs a
/// fact the case does not give.
pub(super) fn statutory_fine(
    rules: &RuleSet,
    env: &Env<'_>,
    active: &Active<'_>,
) -> Result<Option<Statutory>, FactId> {
    let Some(spec) = active.penalties.iter().find_map(|p| {
        p.alts.iter().find_map(|a| match a {
            PenaltyAlt::Fine(f) => Some(*f),
            PenaltyAlt::Kind(_) => None,
        })
    }) else {
        return Ok(None);
    };
    let tier = match spec.tiers.and_then(|i| rules.tiers.get(i as usize)) {
        None => None,
        Some(t) => {
            let v = env
                .facts
                .get(t.fact as usize)
                .copied()
                .flatten()
                .ok_or(t.fact)?;
            t.select(v).map(|row| money::range(row.lo, row.hi))
        }
    };
    match spec.scale {
        None => Ok(Some(Statutory {
            range: spec
                .fixed
                .map_or_else(|| money::range(spec.lo, spec.hi), |b| b.statutory),
            scale: None,
            bands: spec.fixed,
            tier,
        })),
        Some((fact, kind)) => {
            let q = env
                .facts
                .get(fact as usize)
                .copied()
                .flatten()
                .and_then(Value::as_decimal)
                .ok_or(fact)?;
            let label = rules.facts[fact as usize].label.clone();
            Ok(Some(Statutory {
                range: money::range(spec.lo * q, spec.hi * q),
                scale: Some((label, q, kind == ScaleKind::PerUnit)),
                bands: None,
                tier,
            }))
        }
    }
}

pub(super) struct Punished {
    pub(super) outcome: Outcome,
    pub(super) mandatory: bool,
    pub(super) fine: Option<FineRange>,
}

/// Steps 8 and after for an outcome that punishes: the band, the penalties, Art. 28 and 29.
/// With `out`, the penalties and trace are written; without, only the outcome is computed.
#[allow(clippy::too_many_arguments)]
pub(super) fn punish(
    w: &mut Walk<'_>,
    cx: &Circs<'_>,
    v: &crate::model::Version,
    party: Party,
    active: &Active<'_>,
    combined: &Combined,
    statutory: Option<&Statutory>,
    out: Option<&mut Decision>,
) -> Punished {
    let rules = cx.rules;
    let mut outcome = combined.outcome;
    let fractions = v
        .bands
        .unwrap_or((rules.params.lighter, rules.params.aggravated));
    let _ = party;
    let has_lighter_kind = active.penalties.iter().any(|p| {
        p.alts
            .iter()
            .any(|a| matches!(a, PenaltyAlt::Kind(k) if k.is_lighter_kind()))
    });
    // An entry's own range for 减轻 (the first matched one that sets it for this party).
    let own = if outcome == Outcome::Mitigated {
        combined
            .applied
            .iter()
            .filter_map(|c| match c {
                Circ::Entry(i) => rules.entries[*i as usize].ranges.get(party),
                Circ::Hook(_) => None,
            })
            .next()
    } else {
        None
    };
    let mut drop_fine = false;
    let mut stays_lighter = false;
    let fine = match statutory {
        None => None,
        Some(st) => {
            let s = &st.range;
            let band = |o: Outcome, r: &FineRange| {
                money::band(o, r.min, r.max, fractions, rules.params.mitigation_floor)
            };
            // Precomputed bands where the range does not depend on the facts.
            let fixed = st.bands.as_ref().and_then(|b| b.get(outcome));
            if let (Some(band), true) = (
                fixed,
                outcome != Outcome::Mitigated || own.is_none() && !s.min.is_zero(),
            ) {
                Some(band)
            } else if outcome == Outcome::Mitigated && own.is_none() && s.min.is_zero() {
                if has_lighter_kind {
                    drop_fine = true;
                    None
                } else {
                    stays_lighter = true;
                    outcome = Outcome::Lighter;
                    band(outcome, s)
                }
            } else if let (Outcome::Mitigated, Some((lo, hi))) = (outcome, own) {
                Some(money::range(lo, hi))
            } else if let (Some(t), false) = (st.tier, outcome == Outcome::Mitigated) {
                // Within the selected tier; 减轻 still goes below the statutory minimum.
                band(outcome, &t)
            } else {
                band(outcome, s)
            }
        }
    };
    let already_fined = rules
        .standard
        .already_fined
        .and_then(|f| w.env.facts.get(f as usize).copied().flatten())
        == Some(Value::Bool(true));
    let fine = if already_fined { None } else { fine };

    let Some(out) = out else {
        return Punished {
            outcome,
            mandatory: combined.mandatory,
            fine,
        };
    };
    if let Some(st) = statutory {
        if w.on {
            w.trace.push(Step::Fine(Box::new(crate::explain::FineStep {
                statutory: st.range,
                scale: st.scale.clone(),
                tier: st.tier,
                band: if drop_fine || already_fined {
                    None
                } else {
                    fine
                },
                outcome,
            })));
        }
    }
    if drop_fine {
        w.step(|| Step::FineDropped);
    }
    if stays_lighter {
        w.step(|| Step::MitigationStaysLighter);
    }
    // An article that names 没收违法所得 for a party (固废法 §111 for an individual, whose fine
    // the article gives only units) keeps it; it is confiscated below, with its amount.
    let mut income_listed = false;
    for p in &active.penalties {
        let kinds: Vec<PenaltyKind> = p
            .alts
            .iter()
            .filter_map(|a| match a {
                PenaltyAlt::Fine(_) if drop_fine || already_fined => None,
                PenaltyAlt::Fine(_) => Some(PenaltyKind::Fine),
                PenaltyAlt::Kind(PenaltyKind::ConfiscateIncome) if p.alts.len() == 1 => {
                    income_listed = true;
                    None
                }
                PenaltyAlt::Kind(k) => Some(*k),
            })
            .collect();
        for (i, k) in kinds.iter().enumerate() {
            let others: Vec<PenaltyKind> = kinds
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, k)| *k)
                .collect();
            out.penalties.push(PenaltyOut {
                kind: *k,
                discretionary: p.discretionary,
                alternatives: others,
                amount: None,
            });
        }
    }
    // Art. 29 bars only a second fine: the outcome stands, and every other penalty with it.
    let barred = already_fined && statutory.is_some();
    if barred {
        w.step(|| Step::AlreadyFined);
        push_basis(&mut out.basis, &[law::ART_29.into()]);
        out.fine_barred = Some(crate::decision::FineBarred {
            reason: "already_fined".into(),
            basis: law::ART_29.into(),
        });
    }
    // Art. 28 ¶2: illegal income is confiscated where a penalty is imposed.
    if let Some(f) = rules.standard.illegal_income
        && let Some(Value::Dec(amount)) = w.env.facts.get(f as usize).copied().flatten()
        && amount > Decimal::ZERO
        && (!out.penalties.is_empty() || barred || income_listed)
    {
        out.penalties.push(PenaltyOut {
            kind: PenaltyKind::ConfiscateIncome,
            discretionary: false,
            alternatives: Vec::new(),
            amount: Some(money::fen(amount)),
        });
        push_basis(&mut out.basis, &[law::ART_28_2.into()]);
        w.step(|| Step::ConfiscateIncome { amount });
    }
    let outcome = if out.penalties.is_empty() && !barred {
        // The applied version lists no penalty for this party.
        Outcome::NoPenalty
    } else {
        outcome
    };
    Punished {
        outcome,
        mandatory: combined.mandatory || outcome == Outcome::NoPenalty,
        fine,
    }
}

/// The statutory range of the applied version for this party, for decisions that end before
/// step 8 computes it (Art. 29 compares norms by it).
pub(super) fn lazy_statutory(w: &mut Walk<'_>) -> Option<FineRange> {
    if w.statutory.is_none()
        && let Some((ver, party)) = w.applied_version
    {
        w.statutory = weight(w.rules, &mut w.env, ver, party)
            .0
            .map(|(max, min)| money::range(min, max));
    }
    w.statutory
}
