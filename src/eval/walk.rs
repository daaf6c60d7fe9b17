//! The walk of `docs/evaluation.md` steps 1–8 over the compiled graph for one violation: the
//! article's own condition, statutory no-penalty, first offence and the no-penalty list,
//! circumstances, combination, fine; then the measures and procedure that follow.

use super::CaseError;
use super::cond::Env;
use super::law;
use super::money;
use crate::decision::*;
use crate::explain::{Step, Trace};
use crate::graph::Plan;
use crate::hooks::{self, HookPoint};
use crate::model::{
    EntryId, FactId, HookId, Measure, Penalty, PenaltyAlt, PenaltyKind, RuleSet, ScaleKind, Stmt,
    Value, ViolationId,
};
use crate::syntax::ast::{ListKind, Modality, Party};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A statutory range for this party and these facts, with how it was scaled, and the bands
/// computed when the rules loaded where the range does not depend on the facts.
#[derive(Debug, Clone)]
struct Statutory {
    range: FineRange,
    /// The scaling fact's label, its value, and whether per unit rather than a multiple.
    scale: Option<(Arc<str>, Decimal, bool)>,
    bands: Option<crate::model::FixedBands>,
}

/// The result of deciding one violation, with what Art. 29 needs to compare norms.
pub struct Decided {
    /// The decision.
    pub decision: Decision,
    /// The statutory fine range for this party and these facts, if the norm fines.
    pub statutory: Option<FineRange>,
}

/// What the article's statements give for this party and these facts.
#[derive(Default)]
struct Active<'r> {
    penalties: Vec<&'r Penalty>,
    measures: Vec<Measure>,
}

struct Walk<'a> {
    rules: &'a RuleSet,
    env: Env<'a>,
    trace: Trace,
    on: bool,
    needs: Vec<FactId>,
    /// The applied version's fine range for this party and these facts (Art. 29 compares it).
    statutory: Option<FineRange>,
    plan: &'a Plan,
    /// Hooks cover this violation and none has run yet.
    hooks_pending: bool,
    /// The version applied and the party, once step 1 has chosen: the statutory range of a
    /// decision that ends before step 8 is computed from them only when it is written out.
    applied_version: Option<(&'a crate::model::Version, Party)>,
}

impl Walk<'_> {
    fn step(&mut self, s: impl FnOnce() -> Step) {
        if self.on {
            self.trace.push(s());
        }
    }

    /// Records that the hooks covering this violation did not run, and why.
    fn skip_hooks(&mut self, why: &'static str) {
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

    fn need(&mut self, cond: &crate::model::Expr) {
        let mut facts = Vec::new();
        self.env.unknown_facts(cond, &mut facts);
        for f in facts {
            if !self.needs.contains(&f) {
                self.needs.push(f);
            }
        }
    }

    fn need_fact(&mut self, f: FactId) {
        if !self.needs.contains(&f) {
            self.needs.push(f);
        }
    }

    /// Step 3: walks the article's statements; returns false if a condition was unknown.
    fn collect<'r>(&mut self, stmts: &'r [Stmt], active: &mut Active<'r>) -> bool {
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

    fn entry_step(&mut self, step: u8, id: EntryId, value: Option<bool>) {
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

fn has_penalty(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Penalty(_) => true,
        Stmt::Measures(_) => false,
        Stmt::If {
            then, otherwise, ..
        } => has_penalty(then) || has_penalty(otherwise),
    })
}

fn push_unique<T: PartialEq + Copy>(v: &mut Vec<T>, items: &[T]) {
    for i in items {
        if !v.contains(i) {
            v.push(*i);
        }
    }
}

fn list_zh(list: ListKind, statutory: bool) -> &'static str {
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

fn list_name(list: ListKind, statutory: bool) -> ListName {
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

fn applied(rules: &RuleSet, id: EntryId) -> Applied {
    let e = &rules.entries[id as usize];
    Applied {
        list: list_name(e.list, e.statutory),
        id: e.id.clone(),
        title: e.title.clone(),
        source: e.location.clone(),
        mandatory: e.modality == Modality::Shall,
    }
}

/// The result of combining circumstances (step 7).
#[derive(Clone, Debug, PartialEq)]
struct Combined {
    outcome: Outcome,
    mandatory: bool,
    /// 从轻或者减轻: mitigated is also lawful.
    or_mitigated: bool,
    applied: Vec<Circ>,
    outweighed: Vec<Circ>,
    why: &'static str,
}

fn combine(cx: &Circs<'_>, mit: &[Circ], agg: &[Circ]) -> Combined {
    let shall = |cs: &[Circ]| cs.iter().any(|c| cx.shall(*c));
    let mitigation = |mandatory: bool, applied: Vec<Circ>, outweighed: Vec<Circ>, why| {
        let mitigated = mit.iter().any(|c| cx.list(*c) == ListKind::Mitigated);
        let or_m = !mitigated
            && mit
                .iter()
                .any(|c| cx.list(*c) == ListKind::LighterOrMitigated);
        Combined {
            outcome: if mitigated {
                Outcome::Mitigated
            } else {
                Outcome::Lighter
            },
            mandatory,
            or_mitigated: or_m,
            applied,
            outweighed,
            why,
        }
    };
    match (mit.is_empty(), agg.is_empty()) {
        (true, true) => Combined {
            outcome: Outcome::Standard,
            mandatory: true,
            or_mitigated: false,
            applied: vec![],
            outweighed: vec![],
            why: "没有从轻、减轻或者从重情节",
        },
        (true, false) => Combined {
            outcome: Outcome::Aggravated,
            mandatory: shall(agg),
            or_mitigated: false,
            applied: agg.to_vec(),
            outweighed: vec![],
            why: "只有从重情节",
        },
        (false, true) => mitigation(shall(mit), mit.to_vec(), vec![], "只有从轻或者减轻情节"),
        (false, false) if shall(mit) => mitigation(
            true,
            mit.to_vec(),
            agg.to_vec(),
            "既有法定应当从轻或者减轻的情节，又有从重情节；地方清单不能改变法律的“应当”，从重情节不予适用",
        ),
        (false, false) => match cx.rules.params.conflict {
            crate::model::ConflictPolicy::Offset => Combined {
                outcome: Outcome::Standard,
                mandatory: false,
                or_mitigated: false,
                applied: mit.iter().chain(agg).copied().collect(),
                outweighed: vec![],
                why: "可以从轻或者减轻的情节与从重情节相抵",
            },
            crate::model::ConflictPolicy::Mitigate => mitigation(
                false,
                mit.to_vec(),
                agg.to_vec(),
                "可以从轻或者减轻的情节与从重情节并存，按规则集的冲突处理从轻",
            ),
            crate::model::ConflictPolicy::Aggravate => Combined {
                outcome: Outcome::Aggravated,
                mandatory: shall(agg),
                or_mitigated: false,
                applied: agg.to_vec(),
                outweighed: mit.to_vec(),
                why: "可以从轻或者减轻的情节与从重情节并存，按规则集的冲突处理从重",
            },
        },
    }
}

/// The statutory fine range of the active fine for these facts: `Err(fact)` when it needs a
/// fact the case does not give.
fn statutory_fine(
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
    match spec.scale {
        None => Ok(Some(Statutory {
            range: spec
                .fixed
                .map_or_else(|| money::range(spec.lo, spec.hi), |b| b.statutory),
            scale: None,
            bands: spec.fixed,
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
            }))
        }
    }
}

fn date_of(facts: &[Option<Value>], f: Option<FactId>) -> Option<jiff::civil::Date> {
    match f.and_then(|f| facts.get(f as usize).copied().flatten()) {
        Some(Value::Date(d)) => Some(d),
        _ => None,
    }
}

/// A version's weight for Art. 37: (highest fine, lowest fine, kinds), for this party.
fn weight(
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
fn lighter(
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

/// Decides one violation for the bound facts. `today` is the decision date when the case does
/// not give one.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    rules: &RuleSet,
    plan: &Plan,
    vid: ViolationId,
    facts: &[Option<Value>],
    info: &Arc<RuleSetInfo>,
    trace_on: bool,
    today: jiff::civil::Date,
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
    let decision_date = date_of(facts, std.decision_date).unwrap_or(today);
    let mut version = v.versions.len() - 1;
    match act {
        // A rule set that declares no violation_date cannot apply Arts. 36–37; steps 1–2 are
        // skipped (the trace says so) rather than leaving every case undetermined.
        None if std.violation_date.is_none() => {
            w.step(|| {
                Step::Text(
                    "第1、2步 规则集没有声明 violation_date，未判断适用的法律版本和时效".into(),
                )
            });
        }
        None => {
            if let Some(f) = std.violation_date {
                w.need_fact(f);
            }
            undetermined = true;
        }
        Some(act) => match v.version_on(act) {
            None => {
                w.step(|| Step::NoNormOnActDate { date: act });
                push_basis(&mut out.basis, &[law::ART_37.into(), law::ART_38.into()]);
                out.law.version = None;
                out.law.reason = Some(format!("{act} 该行为不受本规定处罚"));
                return Ok(finish_no_penalty(w, out, true, &[]));
            }
            Some(old) => {
                version = old;
                match v.version_on(decision_date) {
                    None if decision_date > act => {
                        w.step(|| Step::Repealed {
                            date: decision_date,
                        });
                        push_basis(&mut out.basis, &[law::ART_37.into()]);
                        out.law.version = v.versions[old].label.clone();
                        out.law.reason = Some(format!(
                            "作出处罚决定时（{decision_date}）已不认为是违法，适用新的规定"
                        ));
                        return Ok(finish_no_penalty(w, out, true, &[]));
                    }
                    Some(new) if new != old => {
                        let wn = weight(rules, &mut w.env, &v.versions[new], party);
                        let wo = weight(rules, &mut w.env, &v.versions[old], party);
                        let use_new = lighter(&wn, &wo);
                        let (from_old, from_new) = (
                            v.versions[old]
                                .from
                                .map_or_else(String::new, |d| d.to_string()),
                            v.versions[new]
                                .from
                                .map_or_else(String::new, |d| d.to_string()),
                        );
                        out.law.reason = Some(if use_new {
                            version = new;
                            format!(
                                "行为时适用 {from_old} 起施行的规定，作出决定时 {from_new} 起施行的规定处罚较轻，依照第三十七条适用新的规定"
                            )
                        } else {
                            format!(
                                "行为时适用 {from_old} 起施行的规定；{from_new} 起施行的规定处罚不轻于原规定，依照第三十七条适用行为时的规定"
                            )
                        });
                        push_basis(&mut out.basis, &[law::ART_37.into()]);
                        let reason = out.law.reason.clone().unwrap_or_default();
                        w.step(|| Step::Text(format!("第1步 {reason}")));
                    }
                    _ => {}
                }
            }
        },
    }
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
    let start = date_of(facts, std.violation_end_date).or(act);
    let discovery = date_of(facts, std.discovery_date);
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
    match (start, discovery) {
        (Some(start), Some(discovery)) => {
            let last = |years: i16| {
                start
                    .checked_add(jiff::Span::new().years(years))
                    .unwrap_or(jiff::civil::Date::MAX)
            };
            let (two, five_last) = (last(2), last(5));
            let barred = match five {
                Some(true) => Some(discovery > five_last),
                Some(false) => Some(discovery > two),
                None if discovery <= two => Some(false),
                None if discovery > five_last => Some(true),
                None => None,
            };
            match barred {
                Some(true) => {
                    let years = if five == Some(true) { 5 } else { 2 };
                    let end = if years == 5 { five_last } else { two };
                    w.step(|| Step::Limitation {
                        start,
                        last: end,
                        discovery,
                        years,
                        barred: true,
                    });
                    push_basis(&mut out.basis, &[law::ART_36.into()]);
                    return Ok(finish_no_penalty(w, out, true, &[]));
                }
                Some(false) => {
                    let years = if five == Some(true) { 5 } else { 2 };
                    let end = if years == 5 { five_last } else { two };
                    w.step(|| Step::Limitation {
                        start,
                        last: end,
                        discovery,
                        years,
                        barred: false,
                    });
                }
                None => {
                    if let Some((h, _)) = std.harm {
                        w.need_fact(h);
                    }
                    undetermined = true;
                }
            }
        }
        _ if std.violation_date.is_none() || std.discovery_date.is_none() => {}
        _ => {
            for f in [std.violation_date, std.discovery_date]
                .into_iter()
                .flatten()
            {
                if facts.get(f as usize).copied().flatten().is_none() {
                    w.need_fact(f);
                }
            }
            undetermined = true;
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
            let before = Before::of(&out, &settled, &cx);
            if let Some(m) = &outcome_move {
                apply_move(&mut w, &cx, &mut out, &tail, &settled, hid, m, true);
            }
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

/// A circumstance in the walk: a list entry, or one a hook added (index into `added`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Circ {
    Entry(EntryId),
    Hook(u32),
}

/// A circumstance a hook added, with the hook.
struct Added {
    hook: HookId,
    c: hooks::Circumstance,
}

/// Looks circumstances up, whichever kind they are.
struct Circs<'a> {
    rules: &'a RuleSet,
    added: &'a [Added],
}

impl<'a> Circs<'a> {
    fn new(rules: &'a RuleSet, added: &'a [Added]) -> Circs<'a> {
        Circs { rules, added }
    }

    fn list(&self, c: Circ) -> ListKind {
        match c {
            Circ::Entry(id) => self.rules.entries[id as usize].list,
            Circ::Hook(i) => self.added[i as usize].c.list,
        }
    }

    fn shall(&self, c: Circ) -> bool {
        match c {
            Circ::Entry(id) => self.rules.entries[id as usize].modality == Modality::Shall,
            Circ::Hook(i) => self.added[i as usize].c.shall,
        }
    }

    /// A statutory 应当 circumstance (Arts. 30–33, 49): no local exception may move against it.
    fn statutory_shall(&self, c: Circ) -> bool {
        match c {
            Circ::Entry(id) => {
                let e = &self.rules.entries[id as usize];
                e.statutory && e.modality == Modality::Shall
            }
            Circ::Hook(_) => false,
        }
    }

    fn applied(&self, c: Circ) -> Applied {
        match c {
            Circ::Entry(id) => applied(self.rules, id),
            Circ::Hook(i) => {
                let a = &self.added[i as usize];
                let hook = &self.rules.hooks[a.hook as usize];
                let source: Arc<str> = if a.c.at.is_known() {
                    hook.script
                        .origin
                        .location(&self.rules.sources, a.c.at)
                        .into()
                } else {
                    hook.location.clone()
                };
                Applied {
                    list: list_name(a.c.list, false),
                    id: hook.id.clone(),
                    title: a.c.title.clone(),
                    source,
                    mandatory: a.c.shall,
                }
            }
        }
    }

    fn basis(&self, c: Circ, basis: &mut Vec<Arc<str>>) {
        match c {
            Circ::Entry(id) => push_basis(basis, &self.rules.entries[id as usize].basis),
            Circ::Hook(i) => push_basis(
                basis,
                std::slice::from_ref(&self.added[i as usize].c.citation),
            ),
        }
    }

    fn measures(&self, c: Circ) -> &[Measure] {
        match c {
            Circ::Entry(id) => &self.rules.entries[id as usize].measures,
            Circ::Hook(_) => &[],
        }
    }
}

/// Runs one hook and records what it printed; a failure is the case's error document.
fn run_hook(
    w: &mut Walk<'_>,
    hid: HookId,
    point: HookPoint,
    facts: &[Option<Value>],
    snap: &hooks::Snapshot<'_>,
) -> Result<hooks::Effects, CaseError> {
    let rules = w.rules;
    let hook = &rules.hooks[hid as usize];
    w.step(|| Step::HookRan {
        id: hook.id.clone(),
        title: hook.title.clone(),
        point: point.zh(),
    });
    let effects = hooks::run(&hook.script, point, facts, snap).map_err(|f| {
        let at = if f.pos.is_known() {
            hook.script.origin.location(&rules.sources, f.pos)
        } else {
            hook.location.to_string()
        };
        CaseError::new(
            f.code,
            format!("钩子 {}「{}」：{}", hook.id, hook.title, f.message),
            at,
        )
    })?;
    if w.on {
        for text in &effects.output {
            w.trace.push(Step::HookOutput {
                id: hook.id.clone(),
                text: text.clone(),
                note: false,
            });
        }
    }
    Ok(effects)
}

/// A hook's notes, after what it changed.
fn record_notes(w: &mut Walk<'_>, hid: HookId, notes: Vec<String>) {
    if w.on {
        let id = &w.rules.hooks[hid as usize].id;
        for text in notes {
            w.trace.push(Step::HookOutput {
                id: id.clone(),
                text,
                note: true,
            });
        }
    }
}

/// Adds a hook's circumstances to the walk's: no-penalty ones compete as step 5's do (a shall
/// one wins over a may one), the others join step 7.
fn add_circumstances(
    w: &mut Walk<'_>,
    hid: HookId,
    circumstances: Vec<hooks::Circumstance>,
    added: &mut Vec<Added>,
    mit: &mut Vec<Circ>,
    agg: &mut Vec<Circ>,
    np: &mut Option<(Circ, bool)>,
) {
    let id = &w.rules.hooks[hid as usize].id;
    for c in circumstances {
        let i = Circ::Hook(added.len() as u32);
        if w.on {
            w.trace.push(Step::HookCircumstance {
                id: id.clone(),
                list: c.list,
                shall: c.shall,
                title: c.title.clone(),
                citation: c.citation.clone(),
            });
        }
        match c.list {
            ListKind::NoPenalty => match np {
                Some((_, true)) => {}
                Some(_) if !c.shall => {}
                _ => *np = Some((i, c.shall)),
            },
            ListKind::Aggravated => agg.push(i),
            _ => mit.push(i),
        }
        added.push(Added { hook: hid, c });
    }
}

/// What steps 7 and 8 need besides the circumstances.
struct Tail<'r> {
    ver: &'r crate::model::Version,
    party: Party,
    active: &'r Active<'r>,
    statutory: Option<&'r Statutory>,
}

/// The combination a settled decision rests on.
#[derive(Default)]
struct Settled {
    combined: Option<Combined>,
    /// The no-penalty circumstance it rests on, if any.
    np: Option<Circ>,
}

/// Steps 7 and 8 into `out`: the no-penalty circumstance (may) with the rest of the walk as the
/// alternative, or the combined outcome with its fine, penalties, circumstances and
/// alternatives. The trace's last step and the procedure are left to [`finish`].
fn settle(
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
fn mark_no_penalty_by(
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
fn finish(
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

/// A hook moves the outcome (结果之后): the band of the new outcome, the penalties it keeps, and
/// the decision before the move as the alternative without the local discretion. `traced` is
/// false when an earlier move is applied again after a later hook recombined.
#[expect(
    clippy::too_many_arguments,
    reason = "the walk's state is passed piecewise so that the circumstances can be borrowed apart"
)]
fn apply_move(
    w: &mut Walk<'_>,
    cx: &Circs<'_>,
    out: &mut Decision,
    t: &Tail<'_>,
    settled: &Settled,
    hid: HookId,
    m: &hooks::Move,
    traced: bool,
) {
    if traced {
        let id = w.rules.hooks[hid as usize].id.clone();
        let (outcome, citation) = (m.outcome, m.citation.clone());
        w.step(|| Step::HookOutcome {
            id,
            outcome,
            citation,
        });
    }
    push_basis(&mut out.basis, std::slice::from_ref(&m.citation));
    if m.outcome == out.outcome {
        return;
    }
    let previous = Alternative {
        outcome: out.outcome,
        mandatory: out.mandatory,
        fine: out.fine,
    };
    if m.outcome == Outcome::NoPenalty {
        out.outcome = Outcome::NoPenalty;
        out.penalties.clear();
        out.fine = None;
        push_unique(&mut out.measures, &[Measure::Education]);
    } else {
        let mut combined = settled.combined.clone().unwrap_or(Combined {
            outcome: m.outcome,
            mandatory: false,
            or_mitigated: false,
            applied: Vec::new(),
            outweighed: Vec::new(),
            why: "",
        });
        combined.outcome = m.outcome;
        combined.mandatory = false;
        combined.or_mitigated = false;
        if previous.outcome == Outcome::NoPenalty {
            out.measures.retain(|x| *x != Measure::Education);
        }
        out.penalties.clear();
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
        out.fine = result.fine;
    }
    out.mandatory = false;
    out.alternatives.retain(|a| a.outcome != out.outcome);
    out.alternatives.insert(0, previous);
}

/// The decision just before a hook's direct moves, and the statutory 应当 circumstances it
/// rests on.
struct Before {
    outcome: Outcome,
    fine: Option<FineRange>,
    /// A statutory 应当 mitigation (or no penalty) was applied: nothing may be heavier.
    floor_shall: Option<Arc<str>>,
    /// A statutory 应当 aggravation was applied: nothing may be lighter.
    ceiling_shall: Option<Arc<str>>,
}

impl Before {
    fn of(out: &Decision, settled: &Settled, cx: &Circs<'_>) -> Before {
        let mut b = Before {
            outcome: out.outcome,
            fine: out.fine,
            floor_shall: None,
            ceiling_shall: None,
        };
        let applied = settled
            .combined
            .iter()
            .filter(|_| settled.np.is_none())
            .flat_map(|c| c.applied.iter().copied())
            .chain(settled.np);
        for c in applied {
            if !cx.statutory_shall(c) {
                continue;
            }
            let title = match c {
                Circ::Entry(id) => cx.rules.entries[id as usize].id.clone(),
                Circ::Hook(_) => continue,
            };
            if cx.list(c) == ListKind::Aggravated {
                b.ceiling_shall.get_or_insert(title);
            } else {
                b.floor_shall.get_or_insert(title);
            }
        }
        b
    }
}

/// The legality guard (semantics.md step 9), after each hook of the second point: the fine
/// stays within the statutory range (except 减轻 and 不予处罚), no kind of penalty appears that
/// the violation does not list for these facts, and no direct move goes against a statutory
/// 应当 circumstance. A breach is an error of the rule set naming the hook and its citation;
/// the number is never clamped.
fn guard(
    w: &Walk<'_>,
    out: &Decision,
    t: &Tail<'_>,
    before: &Before,
    hid: HookId,
    moved_at: Option<hooks::Pos>,
    fine_at: Option<hooks::Pos>,
) -> Result<(), CaseError> {
    let rules = w.rules;
    let hook = &rules.hooks[hid as usize];
    let breach = |what: String, at: Option<hooks::Pos>| {
        let at = match at {
            Some(p) if p.is_known() => hook.script.origin.location(&rules.sources, p),
            _ => hook.location.to_string(),
        };
        CaseError::new(
            crate::diag::Code::HookGuard,
            format!(
                "钩子 {}（依据{}）{what}；地方例外不得超出法定界限，本案不作出决定，须修改该钩子",
                hook.id,
                hook.citation()
            ),
            at,
        )
    };
    let yuan = |d: Decimal| d.normalize().to_string();
    if let Some(f) = out.fine {
        if out.outcome == Outcome::NoPenalty {
            return Err(breach("在不予处罚的同时设定了罚款".to_string(), fine_at));
        }
        let fines = out.penalties.iter().any(|p| p.kind == PenaltyKind::Fine);
        let (Some(Statutory { range: s, .. }), true) = (t.statutory, fines) else {
            return Err(breach(
                "设定了罚款，而本案不处罚款（该违法行为对本案当事人没有规定罚款，或者依法不得再处罚款）"
                    .to_string(),
                fine_at,
            ));
        };
        if f.max > s.max {
            return Err(breach(
                format!(
                    "使罚款上限 {} 元超过法定最高额 {} 元",
                    yuan(f.max),
                    yuan(s.max)
                ),
                fine_at.or(moved_at),
            ));
        }
        if out.outcome != Outcome::Mitigated && f.min < s.min {
            return Err(breach(
                format!(
                    "使罚款下限 {} 元低于法定最低额 {} 元，而结果不是减轻处罚",
                    yuan(f.min),
                    yuan(s.min)
                ),
                fine_at.or(moved_at),
            ));
        }
        if out.outcome == Outcome::Mitigated && fine_at.is_some() && f.max > s.min {
            return Err(breach(
                format!(
                    "减轻处罚却使罚款上限 {} 元高于法定最低额 {} 元",
                    yuan(f.max),
                    yuan(s.min)
                ),
                fine_at,
            ));
        }
    }
    let settled_kinds: Vec<PenaltyKind> = t
        .active
        .penalties
        .iter()
        .flat_map(|p| p.alts.iter())
        .map(|a| match a {
            PenaltyAlt::Fine(_) => PenaltyKind::Fine,
            PenaltyAlt::Kind(k) => *k,
        })
        .collect();
    if let Some(p) = out
        .penalties
        .iter()
        .find(|p| p.kind != PenaltyKind::ConfiscateIncome && !settled_kinds.contains(&p.kind))
    {
        return Err(breach(
            format!("使决定出现了该违法行为没有规定的处罚种类“{}”", p.kind.zh()),
            moved_at,
        ));
    }
    if moved_at.is_none() && fine_at.is_none() {
        return Ok(());
    }
    let heavier = out.outcome > before.outcome
        || match (before.fine, out.fine) {
            (Some(b), Some(f)) => f.max > b.max,
            (None, Some(_)) => true,
            _ => false,
        };
    let lighter = out.outcome < before.outcome
        || match (before.fine, out.fine) {
            (Some(b), Some(f)) => f.min < b.min,
            (Some(_), None) => true,
            _ => false,
        };
    if let Some(id) = &before.floor_shall
        && heavier
    {
        return Err(breach(
            format!(
                "使结果重于法定应当适用的情节 {id} 所定的{}",
                before.outcome.zh()
            ),
            moved_at.or(fine_at),
        ));
    }
    if let Some(id) = &before.ceiling_shall
        && lighter
    {
        return Err(breach(
            format!(
                "使结果轻于法定应当适用的情节 {id} 所定的{}",
                before.outcome.zh()
            ),
            moved_at.or(fine_at),
        ));
    }
    Ok(())
}

struct Punished {
    outcome: Outcome,
    mandatory: bool,
    fine: Option<FineRange>,
}

/// Steps 8 and after for an outcome that punishes: the band, the penalties, Art. 28 and 29.
/// With `out`, the penalties and trace are written; without, only the outcome is computed.
#[allow(clippy::too_many_arguments)]
fn punish(
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
                    money::band(
                        outcome,
                        s.min,
                        s.max,
                        fractions,
                        rules.params.mitigation_floor,
                    )
                }
            } else if let (Outcome::Mitigated, Some((lo, hi))) = (outcome, own) {
                Some(money::range(lo, hi))
            } else {
                money::band(
                    outcome,
                    s.min,
                    s.max,
                    fractions,
                    rules.params.mitigation_floor,
                )
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
    for p in &active.penalties {
        let kinds: Vec<PenaltyKind> = p
            .alts
            .iter()
            .filter_map(|a| match a {
                PenaltyAlt::Fine(_) if drop_fine || already_fined => None,
                PenaltyAlt::Fine(_) => Some(PenaltyKind::Fine),
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
    if already_fined {
        w.step(|| Step::AlreadyFined);
        push_basis(&mut out.basis, &[law::ART_29.into()]);
    }
    // Art. 28 ¶2: illegal income is confiscated where a penalty is imposed.
    if let Some(f) = rules.standard.illegal_income
        && let Some(Value::Dec(amount)) = w.env.facts.get(f as usize).copied().flatten()
        && amount > Decimal::ZERO
        && !out.penalties.is_empty()
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
    let outcome = if out.penalties.is_empty() {
        // Art. 29: nothing but the fine was listed, and it may not be imposed again.
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
fn lazy_statutory(w: &mut Walk<'_>) -> Option<FineRange> {
    if w.statutory.is_none()
        && let Some((ver, party)) = w.applied_version
    {
        w.statutory = weight(w.rules, &mut w.env, ver, party)
            .0
            .map(|(max, min)| money::range(min, max));
    }
    w.statutory
}

fn push_basis(basis: &mut Vec<Arc<str>>, cites: &[Arc<str>]) {
    for c in cites {
        if !basis.iter().any(|b| b == c) {
            basis.push(c.clone());
        }
    }
}

fn party_zh(p: Party) -> &'static str {
    match p {
        Party::Individual => "公民",
        Party::Unit => "法人或者其他组织",
    }
}

fn no_penalty_by(w: Walk<'_>, mut out: Decision, id: EntryId, shall: bool) -> Decided {
    let rules = w.rules;
    let e = &rules.entries[id as usize];
    out.applied.push(applied(rules, id));
    push_basis(&mut out.basis, &e.basis);
    let measures = e.measures.clone();
    finish_no_penalty(w, out, shall, &measures)
}

fn finish_no_penalty(
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

fn finish_undetermined(mut w: Walk<'_>, mut out: Decision) -> Decided {
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

/// Procedure flags (Arts. 51, 58, 63).
fn procedure(rules: &RuleSet, party: Party, out: &mut Decision) {
    let punishes = !matches!(out.outcome, Outcome::NoPenalty | Outcome::Undetermined);
    let max = out.fine.map(|f| f.max);
    let only_light = out
        .penalties
        .iter()
        .all(|p| matches!(p.kind, PenaltyKind::Warning | PenaltyKind::Fine));
    let summary_limit = rules.params.summary.get(party);
    out.procedure.summary = punishes
        && only_light
        && match (max, summary_limit) {
            (None, _) => true,
            (Some(m), Some(limit)) => m <= limit,
            (Some(_), None) => false,
        };
    let heavy_kind = out.penalties.iter().any(|p| p.kind.needs_hearing());
    let over = |t: Option<Decimal>| matches!((max, t), (Some(m), Some(t)) if m >= t);
    out.procedure.hearing_notice =
        punishes && (heavy_kind || over(rules.params.hearing.get(party)));
    out.procedure.legal_review =
        out.procedure.hearing_notice || (punishes && over(rules.params.legal_review.get(party)));
}
