//! The walk of `docs/evaluation.md` steps 1–8 over the compiled graph for one violation: the
//! law in force, limitation, the article's own condition, statutory no-penalty, first offence and
//! the no-penalty list, circumstances, combination, fine; then the measures that follow. The
//! pieces each step relies on live beside it: `law_in_time`, `combine`, `fine`, `exceptions`
//! (step 9) and `procedure`.

use super::CaseError;
use super::cond::Env;
use super::law;
use super::{combine::*, exceptions::*, fine::*, law_in_time::*, procedure::*};
use crate::decision::*;
use crate::explain::{Step, Trace};
use crate::graph::Plan;
use crate::hooks::{self, HookPoint};
use crate::model::{EntryId, FactId, HookId, Measure, Penalty, RuleSet, Stmt, Value, ViolationId};
use crate::syntax::ast::{ListKind, Modality, Party};
use std::sync::Arc;

/// The result of deciding one violation, with what Art. 29 needs to compare norms.
pub struct Decided {
    /// The decision.
    pub decision: Decision,
    /// The statutory fine range for this party and these facts, if the norm fines.
    pub statutory: Option<FineRange>,
}

/// What the article's statements give for this party and these facts.
#[derive(Default)]
pub(super) struct Active<'r> {
    pub(super) penalties: Vec<&'r Penalty>,
    pub(super) measures: Vec<Measure>,
}

pub(super) struct Walk<'a> {
    pub(super) rules: &'a RuleSet,
    pub(super) env: Env<'a>,
    pub(super) trace: Trace,
    pub(super) on: bool,
    pub(super) needs: Vec<FactId>,
    /// The applied version's fine range for this party and these facts (Art. 29 compares it).
    pub(super) statutory: Option<FineRange>,
    pub(super) plan: &'a Plan,
    /// Hooks cover this violation and none has run yet.
    pub(super) hooks_pending: bool,
    /// The version applied and the party, once step 1 has chosen: the statutory range of a
    /// decision that ends before step 8 is computed from them only when it is written out.
    pub(super) applied_version: Option<(&'a crate::model::Version, Party)>,
}

impl Walk<'_> {
    pub(super) fn step(&mut self, s: impl FnOnce() -> Step) {
        if self.on {
            self.trace.push(s());
        }
    }

    /// Records that the hooks covering this violation did not run, and why.
    pub(super) fn skip_hooks(&mut self, why: &'static str) {
        if !std::mem::replace(&mut self.hooks_pending, false) || !self.on {
            return;
        }
        let plan = self.plan;
        for &h in plan
            .hooks_after_circumstances
            .iter()
            .chain(plan.hooks_after_outcome.iter())
        {
            self.trace.push(Step::HookSkipped {
                id: self.rules.hooks[h as usize].id.clone(),
                why,
            });
        }
    }

    pub(super) fn need(&mut self, cond: &crate::model::Expr) {
        let mut facts = Vec::new();
        self.env.unknown_facts(cond, &mut facts);
        for f in facts {
            if !self.needs.contains(&f) {
                self.needs.push(f);
            }
        }
    }

    pub(super) fn need_fact(&mut self, f: FactId) {
        if !self.needs.contains(&f) {
            self.needs.push(f);
        }
    }

    /// Step 3: walks the article's statements; returns false if a condition was unknown.
    pub(super) fn collect<'r>(&mut self, stmts: &'r [Stmt], active: &mut Active<'r>) -> bool {
        let mut known = true;
        for s in stmts {
            match s {
                Stmt::Penalty(p) => active.penalties.push(p),
                Stmt::Measures(ms) => push_unique(&mut active.measures, ms),
                Stmt::If {
                    cond,
                    text,
                    then,
                    otherwise,
                } => {
                    let v = self.env.truth(cond);
                    self.step(|| Step::ArticleCondition {
                        text: text.clone(),
                        value: v,
                    });
                    match v {
                        Some(true) => known &= self.collect(then, active),
                        Some(false) => known &= self.collect(otherwise, active),
                        // A condition that guards only measures does not change the outcome.
                        None if !has_penalty(then) && !has_penalty(otherwise) => {}
                        None => {
                            self.need(cond);
                            // Keep walking both sides to find every missing fact.
                            let mut scratch = Active::default();
                            self.collect(then, &mut scratch);
                            self.collect(otherwise, &mut scratch);
                            known = false;
                        }
                    }
                }
            }
        }
        known
    }

    pub(super) fn entry_step(&mut self, step: u8, id: EntryId, value: Option<bool>) {
        if !self.on {
            return;
        }
        let e = &self.rules.entries[id as usize];
        self.trace.push(Step::Entry {
            step,
            list: list_zh(e.list, e.statutory),
            id: e.id.clone(),
            title: e.title.clone(),
            shall: e.modality == Modality::Shall,
            value,
        });
    }
}

pub(super) fn has_penalty(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Penalty(_) => true,
        Stmt::Measures(_) => false,
        Stmt::If {
            then, otherwise, ..
        } => has_penalty(then) || has_penalty(otherwise),
    })
}

pub(super) fn push_unique<T: PartialEq + Copy>(v: &mut Vec<T>, items: &[T]) {
    for i in items {
        if !v.contains(i) {
            v.push(*i);
        }
    }
}

pub(super) fn list_zh(list: ListKind, statutory: bool) -> &'static str {
    match (statutory, list) {
        (true, ListKind::NoPenalty) => "法定不予处罚",
        (true, ListKind::Aggravated) => "法定从重",
        (true, _) => "法定从轻或者减轻",
        (false, ListKind::NoPenalty) => "不予处罚清单",
        (false, ListKind::Lighter) => "从轻处罚清单",
        (false, ListKind::LighterOrMitigated) => "从轻或者减轻清单",
        (false, ListKind::Mitigated) => "减轻处罚清单",
        (false, ListKind::Aggravated) => "从重处罚清单",
    }
}

pub(super) fn list_name(list: ListKind, statutory: bool) -> ListName {
    if statutory {
        return ListName::Statute;
    }
    match list {
        ListKind::NoPenalty => ListName::NoPenalty,
        ListKind::Lighter | ListKind::LighterOrMitigated => ListName::Lighter,
        ListKind::Mitigated => ListName::Mitigated,
        ListKind::Aggravated => ListName::Aggravated,
    }
}

pub(super) fn applied(rules: &RuleSet, id: EntryId) -> Applied {
    let e = &rules.entries[id as usize];
    Applied {
        list: list_name(e.list, e.statutory),
        id: e.id.clone(),
        title: e.title.clone(),
        source: e.location.clone(),
        mandatory: e.modality == Modality::Shall,
    }
}

/// Decides one violation for the bound facts.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    rules: &RuleSet,
    plan: &Plan,
    vid: ViolationId,
    facts: &[Option<Value>],
    info: &Arc<RuleSetInfo>,
    trace_on: bool,
) -> Result<Decided, CaseError> {
    let v = &rules.violations[vid as usize];
    let std = rules.standard;
    let party = match facts.get(std.party_type as usize).copied().flatten() {
        Some(Value::Enum(i)) if i == std.individual => Some(Party::Individual),
        Some(Value::Enum(_)) => Some(Party::Unit),
        _ => None,
    };
    let mut w = Walk {
        rules,
        env: Env::new(rules, facts),
        trace: Trace::with_capacity(if trace_on { 16 } else { 0 }),
        on: trace_on,
        needs: Vec::new(),
        statutory: None,
        applied_version: None,
        plan,
        hooks_pending: !plan.hooks_after_circumstances.is_empty()
            || !plan.hooks_after_outcome.is_empty(),
    };
    w.step(|| Step::Start {
        code: v.code.clone(),
        title: v.title.clone(),
        basis: v.basis().clone(),
        party,
    });
    let law = Law {
        version: v.current().label.clone(),
        reason: None,
    };
    let mut out = Decision {
        case_id: None,
        violation: v.code.clone(),
        outcome: Outcome::Undetermined,
        mandatory: false,
        penalties: Vec::new(),
        fine: None,
        statutory: None,
        alternatives: Vec::new(),
        measures: vec![Measure::OrderCorrection],
        procedure: Procedure::default(),
        basis: vec![v.basis().clone()],
        applied: Vec::new(),
        outweighed: Vec::new(),
        needs: Vec::new(),
        concurrent: Vec::new(),
        law,
        trace: Trace::new(),
        ruleset: info.clone(),
    };

    let Some(party) = party else {
        w.need_fact(std.party_type);
        return Ok(finish_undetermined(w, out));
    };
    let mut undetermined = false;

    // Step 1: the law in force (Art. 37, 从旧兼从轻).
    let act = date_of(facts, std.violation_date);
    let version = match law_in_force(rules, &mut w.env, v, party) {
        LawInForce::NotDeclared => {
            w.step(|| {
                Step::Text(
                    "第1、2步 规则集没有声明 violation_date，未判断适用的法律版本和时效".into(),
                )
            });
            v.versions.len() - 1
        }
        LawInForce::NoActDate(f) => {
            w.need_fact(f);
            undetermined = true;
            v.versions.len() - 1
        }
        LawInForce::NoNorm(date) => {
            w.step(|| Step::NoNormOnActDate { date });
            push_basis(&mut out.basis, &[law::ART_37.into(), law::ART_38.into()]);
            out.law.version = None;
            out.law.reason = Some(format!("{date} 该行为不受本规定处罚"));
            return Ok(finish_no_penalty(w, out, true, &[]));
        }
        LawInForce::Repealed { old, decision } => {
            w.step(|| Step::Repealed { date: decision });
            push_basis(&mut out.basis, &[law::ART_37.into()]);
            out.law.version = v.versions[old].label.clone();
            out.law.reason = Some(format!(
                "作出处罚决定时（{decision}）已不认为是违法，适用新的规定"
            ));
            return Ok(finish_no_penalty(w, out, true, &[]));
        }
        LawInForce::Applies { version, changed } => {
            if let Some(reason) = changed {
                push_basis(&mut out.basis, &[law::ART_37.into()]);
                let line = format!("第1步 {reason}");
                w.step(|| Step::Text(line));
                out.law.reason = Some(reason);
            }
            version
        }
    };
    let ver = &v.versions[version];
    out.basis[0] = ver.basis.clone();
    if version != v.versions.len() - 1
        && let Some(Step::Start { basis, .. }) = w.trace.steps_mut().first_mut()
    {
        // The walk began with the current article; name the version actually applied.
        *basis = ver.basis.clone();
    }
    w.applied_version = Some((ver, party));
    out.law.version = ver.label.clone();

    // Step 2: limitation (Art. 36), counted as the Civil Code counts periods.
    match limitation(rules, facts, act) {
        Limitation::NotDeclared => {}
        Limitation::Missing(missing) => {
            for f in missing.into_iter().flatten() {
                w.need_fact(f);
            }
            undetermined = true;
        }
        Limitation::DependsOnHarm(h) => {
            w.need_fact(h);
            undetermined = true;
        }
        Limitation::Decided(step) => {
            let barred = step.barred;
            w.step(|| Step::Limitation {
                start: step.start,
                last: step.last,
                discovery: step.discovery,
                years: step.years,
                barred,
            });
            if barred {
                push_basis(&mut out.basis, &[law::ART_36.into()]);
                return Ok(finish_no_penalty(w, out, true, &[]));
            }
        }
    }

    let Some(stmts) = ver.penalties.get(party) else {
        w.step(|| Step::NoNormForParty {
            party: party_zh(party),
        });
        out.basis.push(law::ART_38.into());
        return Ok(finish_no_penalty(w, out, true, &[]));
    };

    // Step 3: the article's own condition.
    let mut active = Active::default();
    let known3 = w.collect(stmts, &mut active);
    if known3 && active.penalties.is_empty() && !undetermined {
        w.step(|| Step::NothingRemains);
        push_unique(&mut out.measures, &active.measures);
        return Ok(finish_no_penalty(w, out, true, &[]));
    }
    undetermined |= !known3;

    // Step 4: statutory no-penalty (shall). Any `true` decides, whatever was unknown before:
    // every branch then ends in no_penalty, shall.
    let mut unknown4 = false;
    for &id in plan.statutory_no_penalty.iter() {
        let cond = &rules.entries[id as usize].cond;
        let t = w.env.truth(cond);
        match t {
            Some(true) => {
                w.entry_step(4, id, t);
                return Ok(no_penalty_by(w, out, id, true));
            }
            None => {
                w.entry_step(4, id, t);
                w.need(cond);
                undetermined = true;
                unknown4 = true;
            }
            Some(false) => {}
        }
    }

    if !unknown4 {
        w.step(|| Step::NoneApplies { step: 4 });
    }

    // Step 5: first offence and the no-penalty list; a shall entry wins over a may one.
    let mut may_np: Option<EntryId> = None;
    let (mut unknown_shall5, mut unknown_may5) = (false, false);
    for &id in plan.no_penalty.iter() {
        let e = &rules.entries[id as usize];
        let t = w.env.truth(&e.cond);
        match t {
            Some(true) => {
                w.entry_step(5, id, t);
                if e.modality == Modality::Shall {
                    return Ok(no_penalty_by(w, out, id, true));
                }
                may_np.get_or_insert(id);
            }
            None => {
                w.entry_step(5, id, t);
                w.need(&e.cond);
                if e.modality == Modality::Shall {
                    unknown_shall5 = true;
                } else {
                    unknown_may5 = true;
                }
            }
            Some(false) => {}
        }
    }
    // An unknown may-entry matters only if nothing else already gives no penalty, may.
    undetermined |= unknown_shall5 || (unknown_may5 && may_np.is_none());
    if may_np.is_none() && !unknown_shall5 && !unknown_may5 {
        w.step(|| Step::NoneApplies { step: 5 });
    }

    // Step 6: circumstances.
    let mut mit: Vec<Circ> = Vec::new();
    let mut agg: Vec<Circ> = Vec::new();
    let mut unknown: Vec<(Circ, bool)> = Vec::new();
    for (ids, is_mit) in [(&plan.mitigating, true), (&plan.aggravating, false)] {
        for &id in ids.iter() {
            let cond = &rules.entries[id as usize].cond;
            let t = w.env.truth(cond);
            match t {
                Some(true) => {
                    w.entry_step(6, id, t);
                    if is_mit {
                        mit.push(Circ::Entry(id))
                    } else {
                        agg.push(Circ::Entry(id))
                    }
                }
                None => {
                    w.entry_step(6, id, t);
                    unknown.push((Circ::Entry(id), is_mit));
                }
                Some(false) => {}
            }
        }
    }
    if mit.is_empty() && agg.is_empty() && unknown.is_empty() {
        w.step(|| Step::NoCircumstance);
    }

    // Step 9, first hook point (情节之后): local exceptions add circumstances before step 7
    // combines them. Not while the outcome is already undetermined.
    let mut added: Vec<Added> = Vec::new();
    let mut np: Option<(Circ, bool)> = may_np.map(|id| (Circ::Entry(id), false));
    if !plan.hooks_after_circumstances.is_empty() {
        if undetermined {
            w.skip_hooks("结果待定（缺少事实），地方例外不运行");
        } else {
            w.hooks_pending = false;
            let statutory_full = statutory_fine(rules, &w.env, &active).ok().flatten();
            let statutory = statutory_full.as_ref().map(|s| s.range);
            for &hid in plan.hooks_after_circumstances.iter() {
                let reads = rules.hooks[hid as usize].script.reads_decision();
                let (outcome, mandatory, fine) = {
                    let cx = Circs::new(rules, &added);
                    match np {
                        _ if !reads => (Outcome::Standard, true, None),
                        Some((c, shall)) => (Outcome::NoPenalty, shall || cx.shall(c), None),
                        None => {
                            let c = combine(&cx, &mit, &agg);
                            let p = punish(
                                &mut w,
                                &cx,
                                ver,
                                party,
                                &active,
                                &c,
                                statutory_full.as_ref(),
                                None,
                            );
                            (p.outcome, p.mandatory, p.fine)
                        }
                    }
                };
                let snap = hooks::Snapshot {
                    violation: &v.code,
                    outcome,
                    mandatory,
                    fine,
                    statutory,
                };
                let effects = run_hook(&mut w, hid, HookPoint::AfterCircumstances, facts, &snap)?;
                add_circumstances(
                    &mut w,
                    hid,
                    effects.circumstances,
                    &mut added,
                    &mut mit,
                    &mut agg,
                    &mut np,
                );
                record_notes(&mut w, hid, effects.notes);
            }
        }
    }
    let cx = Circs::new(rules, &added);

    // A no-penalty circumstance with 应当 from a hook decides as one from the list would:
    // whatever else is unknown, the outcome is no penalty.
    let np_shall = matches!(np, Some((_, true)));

    // Step 7: combine; unknown circumstances matter only if some assignment changes the result.
    let combined = combine(&cx, &mit, &agg);
    if !unknown.is_empty() && !np_shall {
        let decisive = if unknown.len() > 6 {
            true
        } else {
            (1u32..(1 << unknown.len())).any(|mask| {
                let mut m = mit.clone();
                let mut a = agg.clone();
                for (i, (id, is_mit)) in unknown.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        if *is_mit { m.push(*id) } else { a.push(*id) }
                    }
                }
                let c = combine(&cx, &m, &a);
                c.outcome != combined.outcome
                    || c.mandatory != combined.mandatory
                    || c.or_mitigated != combined.or_mitigated
            })
        };
        for (c, _) in &unknown {
            if decisive && let Circ::Entry(id) = c {
                let cond = &rules.entries[*id as usize].cond;
                w.need(cond);
            }
        }
        undetermined |= decisive;
    }

    // Step 8: the fine.
    let statutory = match statutory_fine(rules, &w.env, &active) {
        Ok(s) => s,
        Err(_) if np_shall => None,
        Err(f) => {
            w.need_fact(f);
            undetermined = true;
            None
        }
    };
    if undetermined {
        return Ok(finish_undetermined(w, out));
    }

    let tail = Tail {
        ver,
        party,
        active: &active,
        statutory: statutory.as_ref(),
    };
    let base = if plan.hooks_after_outcome.is_empty() {
        None
    } else {
        Some(out.clone())
    };
    let mut settled = settle(&mut w, &cx, &mut out, &tail, &agg, np, combined);

    // Step 9, second hook point (结果之后): local exceptions may add circumstances (combined
    // again), move the outcome and set the fine; each is checked by the legality guard.
    if let Some(base) = base {
        w.hooks_pending = false;
        // Moves of earlier hooks, applied again on top of a combination a later hook redoes.
        let mut moves: Vec<(HookId, Option<hooks::Move>, Option<hooks::FineSet>)> = Vec::new();
        for &hid in plan.hooks_after_outcome.iter() {
            let snap = hooks::Snapshot {
                violation: &v.code,
                outcome: out.outcome,
                mandatory: out.mandatory,
                fine: out.fine,
                statutory: statutory.as_ref().map(|s| s.range),
            };
            let effects = run_hook(&mut w, hid, HookPoint::AfterOutcome, facts, &snap)?;
            let hooks::Effects {
                circumstances,
                outcome: outcome_move,
                fine: fine_set,
                notes,
                ..
            } = effects;
            if !circumstances.is_empty() {
                add_circumstances(
                    &mut w,
                    hid,
                    circumstances,
                    &mut added,
                    &mut mit,
                    &mut agg,
                    &mut np,
                );
                out = base.clone();
                let cx = Circs::new(rules, &added);
                let combined = combine(&cx, &mit, &agg);
                settled = settle(&mut w, &cx, &mut out, &tail, &agg, np, combined);
                for (h, m, f) in &moves {
                    if let Some(m) = m {
                        apply_move(&mut w, &cx, &mut out, &tail, &settled, *h, m, false);
                    }
                    if let Some(f) = f {
                        out.fine = Some(FineRange {
                            min: f.min,
                            max: f.max,
                        });
                    }
                }
            }
            let cx = Circs::new(rules, &added);
            let mut before = Before::of(&out, &settled, &cx);
            if let Some(m) = &outcome_move {
                apply_move(&mut w, &cx, &mut out, &tail, &settled, hid, m, true);
            }
            // The band of the outcome the hook leaves: a fine it sets is held to it.
            before.band = out.fine;
            if let Some(f) = fine_set {
                let fine = FineRange {
                    min: f.min,
                    max: f.max,
                };
                out.fine = Some(fine);
                let id = rules.hooks[hid as usize].id.clone();
                w.step(|| Step::HookFine { id, fine });
            }
            record_notes(&mut w, hid, notes);
            guard(
                &w,
                &out,
                &tail,
                &before,
                hid,
                outcome_move.as_ref().map(|m| m.at),
                fine_set.map(|f| f.at),
            )?;
            if outcome_move.is_some() || fine_set.is_some() {
                moves.push((hid, outcome_move, fine_set));
            }
        }
    }
    Ok(finish(w, out, statutory, party))
}

/// What steps 7 and 8 need besides the circumstances.
pub(super) struct Tail<'r> {
    pub(super) ver: &'r crate::model::Version,
    pub(super) party: Party,
    pub(super) active: &'r Active<'r>,
    pub(super) statutory: Option<&'r Statutory>,
}

/// The combination a settled decision rests on.
#[derive(Default)]
pub(super) struct Settled {
    pub(super) combined: Option<Combined>,
    /// The no-penalty circumstance it rests on, if any.
    pub(super) np: Option<Circ>,
}

/// Steps 7 and 8 into `out`: the no-penalty circumstance (may) with the rest of the walk as the
/// alternative, or the combined outcome with its fine, penalties, circumstances and
/// alternatives. The trace's last step and the procedure are left to [`finish`].
pub(super) fn settle(
    w: &mut Walk<'_>,
    cx: &Circs<'_>,
    out: &mut Decision,
    t: &Tail<'_>,
    agg: &[Circ],
    np: Option<(Circ, bool)>,
    combined: Combined,
) -> Settled {
    let mut settled = Settled::default();
    if let Some((c, shall)) = np {
        if !shall {
            // No penalty, may: what applies without the discretion is the rest of the walk.
            let alt = punish(
                w,
                cx,
                t.ver,
                t.party,
                t.active,
                &combined,
                t.statutory,
                None,
            );
            out.alternatives.push(Alternative {
                outcome: alt.outcome,
                mandatory: alt.mandatory,
                fine: alt.fine,
            });
        }
        settled.combined = Some(combined);
        mark_no_penalty_by(w, cx, out, c, shall, &mut settled);
        return settled;
    }

    w.step(|| Step::Combined {
        outcome: combined.outcome,
        mandatory: combined.mandatory,
        why: combined.why,
    });
    let result = punish(
        w,
        cx,
        t.ver,
        t.party,
        t.active,
        &combined,
        t.statutory,
        Some(out),
    );
    out.outcome = result.outcome;
    out.mandatory = result.mandatory;
    out.fine = result.fine;
    for c in &combined.applied {
        out.applied.push(cx.applied(*c));
        cx.basis(*c, &mut out.basis);
        push_unique(&mut out.measures, cx.measures(*c));
    }
    for c in &combined.outweighed {
        out.outweighed.push(cx.applied(*c));
    }
    push_unique(&mut out.measures, &t.active.measures);

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
            .partition(|c| cx.list(*c) != ListKind::Aggravated);
        let agg_all: Vec<Circ> = if combined.outcome == Outcome::Standard {
            agg.to_vec()
        } else {
            a
        };
        let c = combine(cx, &m, &agg_all);
        if c.outcome != out.outcome {
            let alt = punish(w, cx, t.ver, t.party, t.active, &c, t.statutory, None);
            out.alternatives.push(Alternative {
                outcome: alt.outcome,
                mandatory: alt.mandatory,
                fine: alt.fine,
            });
        }
    }
    if combined.or_mitigated && out.outcome == Outcome::Lighter {
        let mut c = combined.clone();
        c.outcome = Outcome::Mitigated;
        c.or_mitigated = false;
        let alt = punish(w, cx, t.ver, t.party, t.active, &c, t.statutory, None);
        if alt.outcome == Outcome::Mitigated {
            out.alternatives.push(Alternative {
                outcome: alt.outcome,
                mandatory: alt.mandatory,
                fine: alt.fine,
            });
        }
    }
    settled.combined = Some(combined);
    settled
}

/// No penalty by a circumstance (steps 5 and 9): the circumstance, its citations and measures,
/// education, and the measures step of the trace.
pub(super) fn mark_no_penalty_by(
    w: &mut Walk<'_>,
    cx: &Circs<'_>,
    out: &mut Decision,
    c: Circ,
    shall: bool,
    settled: &mut Settled,
) {
    out.applied.push(cx.applied(c));
    cx.basis(c, &mut out.basis);
    out.outcome = Outcome::NoPenalty;
    out.mandatory = shall;
    out.penalties.clear();
    out.fine = None;
    push_unique(&mut out.measures, &[Measure::Education]);
    push_unique(&mut out.measures, cx.measures(c));
    if w.on {
        let names = out.measures.iter().map(|m| m.zh()).collect();
        w.trace.push(Step::Measures { names });
    }
    settled.np = Some(c);
}

/// The last step of a walk that reached step 7: procedure, the result line, the statutory range.
pub(super) fn finish(
    mut w: Walk<'_>,
    mut out: Decision,
    statutory: Option<Statutory>,
    party: Party,
) -> Decided {
    if out.outcome == Outcome::NoPenalty {
        out.procedure = Procedure::default();
    } else {
        procedure(w.rules, party, &mut out);
    }
    let fine = out.fine;
    let (o, m) = (out.outcome, out.mandatory);
    w.step(|| Step::Result {
        outcome: o,
        mandatory: m,
        fine,
    });
    out.statutory = match statutory {
        Some(s) => Some(s.range),
        None => lazy_statutory(&mut w),
    };
    out.trace = w.trace;
    Decided {
        statutory: out.statutory,
        decision: out,
    }
}

pub(super) fn push_basis(basis: &mut Vec<Arc<str>>, cites: &[Arc<str>]) {
    for c in cites {
        if !basis.iter().any(|b| b == c) {
            basis.push(c.clone());
        }
    }
}

pub(super) fn party_zh(p: Party) -> &'static str {
    match p {
        Party::Individual => "公民",
        Party::Unit => "法人或者其他组织",
    }
}

pub(super) fn no_penalty_by(w: Walk<'_>, mut out: Decision, id: EntryId, shall: bool) -> Decided {
    let rules = w.rules;
    let e = &rules.entries[id as usize];
    out.applied.push(applied(rules, id));
    push_basis(&mut out.basis, &e.basis);
    let measures = e.measures.clone();
    finish_no_penalty(w, out, shall, &measures)
}

pub(super) fn finish_no_penalty(
    mut w: Walk<'_>,
    mut out: Decision,
    shall: bool,
    measures: &[Measure],
) -> Decided {
    out.outcome = Outcome::NoPenalty;
    out.mandatory = shall;
    out.penalties.clear();
    out.fine = None;
    push_unique(&mut out.measures, &[Measure::Education]);
    push_unique(&mut out.measures, measures);
    w.skip_hooks("前几步已依法作出不予处罚（应当）的决定，地方例外不得改变");
    if w.on {
        let names = out.measures.iter().map(|m| m.zh()).collect();
        w.trace.push(Step::Measures { names });
        w.trace.push(Step::Result {
            outcome: Outcome::NoPenalty,
            mandatory: shall,
            fine: None,
        });
    }
    out.procedure = Procedure::default();
    out.statutory = lazy_statutory(&mut w);
    out.trace = w.trace;
    Decided {
        statutory: out.statutory,
        decision: out,
    }
}

pub(super) fn finish_undetermined(mut w: Walk<'_>, mut out: Decision) -> Decided {
    w.skip_hooks("结果待定（缺少事实），地方例外不运行");
    out.outcome = Outcome::Undetermined;
    out.mandatory = false;
    out.needs = w
        .needs
        .iter()
        .map(|f| w.rules.facts[*f as usize].name.clone())
        .collect();
    if w.on {
        let facts = w
            .needs
            .iter()
            .map(|f| {
                let fact = &w.rules.facts[*f as usize];
                Arc::from(format!("{}（{}）", fact.label, fact.name))
            })
            .collect();
        w.trace.push(Step::Undetermined { facts });
    }
    out.statutory = lazy_statutory(&mut w);
    out.trace = w.trace;
    Decided {
        statutory: out.statutory,
        decision: out,
    }
}
