//! Step 8, the fine: the statutory range for this party and these facts (per unit, multiples,
//! tiers), the band of the outcome, the penalties written out, Art. 28 ¶2 and Art. 29; and the
//! outcome of steps 7 and 8 written into the decision, with its alternatives.

use super::combine::{Circ, Circs, Combined, Settled, combine};
use super::cond::Env;
use super::decision::{Alternative, PenaltyOut};
use super::end;
use super::law;
use super::trace::Step;
use super::walk::{Flow, Walk, push_basis, push_unique};
use crate::graph::{FixedBands, Graph};
use crate::model::{FactId, Penalty, PenaltyAlt, PenaltyKind, RuleSet, ScaleKind, Value};

use crate::vocab::money;
use crate::vocab::{FineRange, Measure, Outcome};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A statutory range for this party and these facts, with how it was scaled, and the bands
/// computed when the rules loaded where the range does not depend on the facts.
#[derive(Debug, Clone)]
pub(super) struct Statutory<'g> {
    pub(super) range: FineRange,
    /// The scaling fact's label, its value, and whether per unit rather than a multiple.
    pub(super) scale: Option<(Arc<str>, Decimal, bool)>,
    pub(super) bands: Option<&'g FixedBands>,
    /// The tier (情节档次) the facts select: the bands apply within it.
    pub(super) tier: Option<FineRange>,
    /// The absolute cap (总额不超过) where it lowered the scaled range.
    pub(super) cap: Option<Decimal>,
}

/// Step 8: the statutory range, then the outcome of steps 7 and 8 written into the decision;
/// the walk ends here if the outcome depends on an unknown fact.
pub(super) fn run(w: &mut Walk<'_>) -> Flow {
    let np_shall = matches!(w.found.np, Some((_, true)));
    w.statutory = match statutory_fine(w.rules, w.graph, &w.env, &w.active.penalties) {
        Ok(s) => s,
        Err(_) if np_shall => None,
        Err(f) => {
            w.need_fact(f);
            w.undetermined = true;
            None
        }
    };
    if !np_shall && !super::daily::count(w) {
        w.undetermined = true;
    }
    if w.undetermined {
        return end::undetermined(w);
    }
    if w.plan.outcome_hooks {
        w.base = Some(Box::new(w.out.clone()));
    }
    let cx = Circs::new(w.rules, &w.found.added);
    let combined = w
        .combined
        .take()
        .unwrap_or_else(|| combine(&cx, &w.found.mit, &w.found.agg));
    w.settled = settle(w, combined);
    Flow::Next
}

/// The statutory fine range of the active fine for these facts: `Err(fact)` when it needs a
/// fact the case does not give.
pub(super) fn statutory_fine<'g>(
    rules: &RuleSet,
    graph: &'g Graph,
    env: &Env<'_>,
    penalties: &[&crate::model::Penalty],
) -> Result<Option<Statutory<'g>>, FactId> {
    let Some(spec) = penalties.iter().find_map(|p| {
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
    let tier = match spec.cases.and_then(|i| rules.case_tiers.get(i as usize)) {
        None => tier,
        Some(c) => Some(case_tier(rules, env, c)?),
    };
    match spec.scale {
        None => {
            let bands = graph.bands(spec.id);
            Ok(Some(Statutory {
                range: bands.map_or_else(|| money::range(spec.lo, spec.hi), |b| b.statutory),
                scale: None,
                bands,
                tier,
                cap: None,
            }))
        }
        Some((fact, kind)) => {
            let q = spec.quantity(env.facts)?.unwrap_or(Decimal::ONE);
            let label = match spec.per_also {
                None => rules.facts[fact as usize].label.clone(),
                Some(other) => format!(
                    "{}×{}",
                    rules.facts[fact as usize].label, rules.facts[other as usize].label
                )
                .into(),
            };
            let (lo, hi) = spec.scaled(q);
            let cap = spec.cap.filter(|c| spec.hi * q > *c);
            Ok(Some(Statutory {
                range: money::range(lo, hi),
                scale: Some((label, q, kind == ScaleKind::PerUnit)),
                bands: None,
                tier,
                cap,
            }))
        }
    }
}

/// The tier of a table chosen by conditions: the first whose condition holds, 其余 when none
/// does; `Err(fact)` where a condition before the one that holds is unknown.
fn case_tier(
    rules: &RuleSet,
    env: &Env<'_>,
    c: &crate::model::CaseTiers,
) -> Result<FineRange, FactId> {
    let mut e = Env::new(rules, env.facts);
    for (cond, _, lo, hi) in &c.rows {
        match e.truth(cond) {
            Some(true) => return Ok(money::range(*lo, *hi)),
            Some(false) => {}
            None => {
                let mut unknown = Vec::new();
                e.unknown_facts(cond, &mut unknown);
                return Err(unknown.first().copied().unwrap_or_default());
            }
        }
    }
    Ok(money::range(c.rest.0, c.rest.1))
}

/// The outcome, modality and fine an outcome that punishes comes to.
pub(super) struct Punished {
    pub(super) outcome: Outcome,
    pub(super) mandatory: bool,
    pub(super) fine: Option<FineRange>,
}

impl Punished {
    /// As an alternative the caseworker may choose.
    pub(super) fn alternative(&self) -> Alternative {
        Alternative {
            outcome: self.outcome,
            mandatory: self.mandatory,
            fine: self.fine,
        }
    }
}

/// The band an outcome that punishes takes within the statutory range, and how 减轻 fared.
struct Band {
    outcome: Outcome,
    fine: Option<FineRange>,
    /// 减轻 with a statutory minimum of 0: the fine is dropped, lighter kinds kept.
    drop_fine: bool,
    /// 减轻 impossible (minimum 0, no lighter kind): the outcome stays 从轻.
    stays_lighter: bool,
}

/// Step 8's band for a combination: precomputed where the range is fixed, within the tier the
/// facts select, or the entry's own range for 减轻.
fn band(w: &Walk<'_>, combined: &Combined) -> Band {
    let rules = w.rules;
    let (party, active, statutory) = (w.party, &w.active, w.statutory.as_ref());
    let mut outcome = combined.outcome;
    let fractions = w
        .version
        .bands
        .unwrap_or_else(|| rules.params.fractions());
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
            let fixed = st.bands.and_then(|b| b.get(outcome));
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
    Band {
        outcome,
        fine,
        drop_fine,
        stays_lighter,
    }
}

/// Steps 8 and after for an outcome that punishes: the band, the penalties, Art. 28 and 29.
/// With `write`, the penalties and trace are written into the decision; without, only the
/// outcome is computed.
pub(super) fn punish(w: &mut Walk<'_>, combined: &Combined, write: bool) -> Punished {
    let rules = w.rules;
    let Band {
        outcome,
        fine,
        drop_fine,
        stays_lighter,
    } = band(w, combined);
    let (active, statutory) = (&w.active, w.statutory.as_ref());
    let already_fined = rules
        .standard
        .already_fined
        .and_then(|f| w.facts.get(f as usize).copied().flatten())
        == Some(Value::Bool(true));
    let fine = if already_fined { None } else { fine };

    if !write {
        return Punished {
            outcome,
            mandatory: combined.mandatory,
            fine,
        };
    }
    let (out, rec) = (&mut w.out, &mut w.rec);
    if let Some(st) = statutory
        && rec.on
    {
        rec.trace.push(Step::Fine(Box::new(super::trace::FineStep {
            statutory: st.range,
            scale: st.scale.clone(),
            tier: st.tier,
            cap: st.cap,
            band: if drop_fine || already_fined {
                None
            } else {
                fine
            },
            outcome,
        })));
    }
    if drop_fine {
        rec.step(|| Step::FineDropped);
    }
    if stays_lighter {
        rec.step(|| Step::MitigationStaysLighter);
    }
    // An article that names 没收违法所得 for a party (固废法 §111 for an individual, whose fine
    // the article gives only units) keeps it; it is confiscated below, with its amount.
    let income_listed = write_penalties(
        &mut out.penalties,
        &active.penalties,
        !(drop_fine || already_fined),
    );
    // Art. 29 bars only a second fine: the outcome stands, and every other penalty with it.
    let barred = already_fined && statutory.is_some();
    if barred {
        rec.step(|| Step::AlreadyFined);
        push_basis(&mut out.basis, &[law::ART_29.into()]);
        out.fine_barred = Some(crate::decision::FineBarred {
            reason: "already_fined".into(),
            basis: law::ART_29.into(),
        });
    }
    // Art. 28 ¶2: illegal income is confiscated where a penalty is imposed.
    if let Some(f) = rules.standard.illegal_income
        && let Some(Value::Dec(amount)) = w.facts.get(f as usize).copied().flatten()
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
        rec.step(|| Step::ConfiscateIncome { amount });
    }
    super::daily::write(active, out, rec, fine.filter(|_| !drop_fine));
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

/// The article's penalties as the decision lists them, each with the others it may be chosen
/// instead of; without the fine where it may not be imposed.
/// Writes the penalties; whether the article names 没收违法所得 alone (confiscated with its
/// amount where there is illegal income).
fn write_penalties(out: &mut Vec<PenaltyOut>, penalties: &[&Penalty], fines: bool) -> bool {
    let mut income_listed = false;
    for p in penalties {
        // The kinds are read twice rather than collected: a decision allocates little.
        let kind = |a: &PenaltyAlt| match a {
            PenaltyAlt::Fine(_) => fines.then_some(PenaltyKind::Fine),
            PenaltyAlt::Kind(PenaltyKind::ConfiscateIncome) if p.alts.len() == 1 => None,
            PenaltyAlt::Kind(k) => Some(*k),
        };
        income_listed |= matches!(
            &*p.alts,
            [PenaltyAlt::Kind(PenaltyKind::ConfiscateIncome)]
        );
        for (i, k) in p.alts.iter().filter_map(kind).enumerate() {
            let others: Vec<PenaltyKind> = p
                .alts
                .iter()
                .filter_map(kind)
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, k)| k)
                .collect();
            out.push(PenaltyOut {
                kind: k,
                discretionary: p.discretionary,
                alternatives: others,
                amount: None,
            });
        }
    }
    income_listed
}

/// Steps 7 and 8 into the decision: the no-penalty circumstance (may) with the rest of the walk
/// as the alternative, or the combined outcome with its fine, penalties, circumstances and
/// alternatives. The trace's last step and the procedure are left to the procedure node.
pub(super) fn settle(w: &mut Walk<'_>, combined: Combined) -> Settled {
    let mut settled = Settled::default();
    if let Some((c, shall)) = w.found.np {
        if !shall {
            // No penalty, may: what applies without the discretion is the rest of the walk.
            let alt = punish(w, &combined, false);
            w.out.alternatives.push(alt.alternative());
        }
        settled.combined = Some(combined);
        mark_no_penalty_by(w, c, shall, &mut settled);
        return settled;
    }

    w.rec.step(|| Step::Combined {
        outcome: combined.outcome,
        mandatory: combined.mandatory,
        why: combined.why,
    });
    let result = punish(w, &combined, true);
    let out = &mut w.out;
    out.outcome = result.outcome;
    out.mandatory = result.mandatory;
    out.fine = result.fine;
    out.procedure.collective_discussion = combined.collision;
    if combined.collision {
        push_basis(
            &mut out.basis,
            &["《中华人民共和国行政处罚法》第五十七条第二款".into()],
        );
    }
    let cx = Circs::new(w.rules, &w.found.added);
    for c in &combined.applied {
        out.applied.push(cx.applied(*c));
        cx.basis(*c, &mut out.basis);
        push_unique(&mut out.measures, cx.measures(*c));
    }
    for c in &combined.outweighed {
        out.outweighed.push(cx.applied(*c));
    }
    push_unique(&mut out.measures, &w.active.measures);

    // Alternatives: the outcome without the discretion, and 减轻 where the law allows it.
    if !combined.mandatory && out.outcome != Outcome::NoPenalty {
        let without: Vec<Circ> = combined
            .applied
            .iter()
            .copied()
            .filter(|c| cx.shall(*c))
            .collect();
        let (m, a): (Vec<Circ>, Vec<Circ>) = without
            .into_iter()
            .partition(|c| cx.list(*c) != crate::vocab::ListKind::Aggravated);
        let agg_all: Vec<Circ> = if combined.outcome == Outcome::Standard {
            w.found.agg.clone()
        } else {
            a
        };
        let c = combine(&cx, &m, &agg_all);
        if c.outcome != out.outcome {
            let alt = punish(w, &c, false);
            w.out.alternatives.push(alt.alternative());
        }
    }
    if combined.or_mitigated && w.out.outcome == Outcome::Lighter {
        let mut c = combined.clone();
        c.outcome = Outcome::Mitigated;
        c.or_mitigated = false;
        let alt = punish(w, &c, false);
        if alt.outcome == Outcome::Mitigated {
            w.out.alternatives.push(alt.alternative());
        }
    }
    settled.combined = Some(combined);
    settled
}

/// No penalty by a circumstance (steps 5 and 9): the circumstance, its citations and measures,
/// education, and the measures step of the trace.
pub(super) fn mark_no_penalty_by(w: &mut Walk<'_>, c: Circ, shall: bool, settled: &mut Settled) {
    let cx = Circs::new(w.rules, &w.found.added);
    let out = &mut w.out;
    out.applied.push(cx.applied(c));
    cx.basis(c, &mut out.basis);
    out.outcome = Outcome::NoPenalty;
    out.mandatory = shall;
    out.penalties.clear();
    out.fine = None;
    push_unique(&mut out.measures, &[Measure::Education]);
    push_unique(&mut out.measures, cx.measures(c));
    if w.rec.on {
        let measures = out.measures.clone();
        w.rec.trace.push(Step::Measures { measures });
    }
    settled.np = Some(c);
}
