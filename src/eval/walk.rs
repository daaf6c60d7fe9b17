//! The walk of one violation: its state, one struct that every step reads and writes, and the
//! loop over the nodes of the violation's plan (docs/evaluation.md, "The walk"). Each node kind
//! has one handler, in the file named after its step.

use super::CaseError;
use super::combine::{Added, Circ, Circs, Combined, Settled};
use super::cond::Env;
use super::decision::{Decision, Law, Procedure, RuleSetInfo};
use super::fine::Statutory;
use super::guard::Check;
use super::several::Inputs;
use super::trace::{Skipped, Step, Trace};
use super::{
    article, circumstances, combine, elements, end, exceptions, fine, guard, law_in_force,
    limitation, no_penalty, procedure, statutory_no_penalty,
};
use crate::graph::{Graph, Node, Plan};
use crate::hooks;
use crate::model::{EntryId, Expr, FactId, HookId, Penalty, RuleSet, Value, Version, Violation};
use crate::vocab::{Measure, Outcome, Party};
use std::sync::Arc;

/// Room for the steps of a usual trace at the start (a traced decision records about a dozen).
/// It stays under 1 KiB: from that size on, glibc's malloc first consolidates its fast bins.
const TRACE_STEPS: usize = 12;

/// What a step tells the walk: go on to the next node, or the decision is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    /// The next node runs.
    Next,
    /// The walk ends here; the decision is complete.
    Done,
}

/// The trace being recorded, and whether it is.
pub(super) struct Recorder {
    pub(super) trace: Trace,
    pub(super) on: bool,
}

impl Recorder {
    /// Records a step; the step is not even built when the trace is off.
    pub(super) fn step(&mut self, s: impl FnOnce() -> Step) {
        if self.on {
            self.trace.push(s());
        }
    }
}

/// What the article's statements give for this party and these facts (step 3).
#[derive(Default)]
pub(super) struct Active<'r> {
    pub(super) penalties: Penalties<'r>,
    pub(super) measures: Vec<Measure>,
    /// 按日连续处罚, where the article's statements give one for these facts.
    pub(super) daily: Option<&'r crate::model::DailyFine>,
    /// Its days, once step 8 has counted them.
    pub(super) daily_days: u64,
}

/// The article's penalties that apply: nearly always one, held without allocating.
#[derive(Default)]
pub(super) enum Penalties<'r> {
    #[default]
    None,
    One(&'r Penalty),
    Many(Vec<&'r Penalty>),
}

impl<'r> Penalties<'r> {
    pub(super) fn push(&mut self, p: &'r Penalty) {
        *self = match std::mem::take(self) {
            Penalties::None => Penalties::One(p),
            Penalties::One(q) => Penalties::Many(vec![q, p]),
            Penalties::Many(mut v) => {
                v.push(p);
                Penalties::Many(v)
            }
        };
    }
}

impl<'r> std::ops::Deref for Penalties<'r> {
    type Target = [&'r Penalty];

    fn deref(&self) -> &[&'r Penalty] {
        match self {
            Penalties::None => &[],
            Penalties::One(p) => std::slice::from_ref(p),
            Penalties::Many(v) => v,
        }
    }
}

/// The circumstances found so far (steps 5, 6 and the hooks).
#[derive(Default)]
pub(super) struct Found {
    /// Mitigating circumstances that hold.
    pub(super) mit: Vec<Circ>,
    /// Aggravating circumstances that hold.
    pub(super) agg: Vec<Circ>,
    /// Circumstances whose condition is unknown, and whether each mitigates.
    pub(super) unknown: Vec<(Circ, bool)>,
    /// Circumstances hooks added.
    pub(super) added: Vec<Added>,
    /// The no-penalty circumstance that applies, and whether with 应当.
    pub(super) np: Option<(Circ, bool)>,
}

/// The state of the walk of one violation.
pub(super) struct Walk<'a> {
    pub(super) rules: &'a RuleSet,
    pub(super) graph: &'a Graph,
    pub(super) plan: &'a Plan,
    pub(super) violation: &'a Violation,
    pub(super) facts: &'a [Option<Value>],
    pub(super) env: Env<'a>,
    pub(super) rec: Recorder,
    /// The facts the walk needed and the case did not give, in the order met.
    pub(super) needs: Vec<FactId>,
    /// The decision being written, in the caller's slot: the walk never moves it (it is large).
    pub(super) out: &'a mut Decision,
    pub(super) party: Party,
    /// The version of the article applied: the newest until step 1 chooses.
    pub(super) version: &'a Version,
    /// Step 1 chose the version: the statutory range of a decision that ends before step 8 is
    /// computed from it when the decision is written out.
    pub(super) chosen: bool,
    /// Some fact the outcome may depend on is unknown.
    pub(super) undetermined: bool,
    pub(super) active: Active<'a>,
    pub(super) found: Found,
    /// Step 7's combination, for step 8.
    pub(super) combined: Option<Combined>,
    /// The applied version's fine range for this party and these facts (step 8).
    pub(super) statutory: Option<Statutory<'a>>,
    /// The combination the written decision rests on.
    pub(super) settled: Settled,
    /// The decision before the hooks of the second point, to combine again from.
    pub(super) base: Option<Box<Decision>>,
    /// Moves of earlier hooks, applied again on top of a combination a later hook redoes.
    pub(super) moves: Vec<(HookId, Option<hooks::Move>, Option<hooks::FineSet>)>,
    /// What the legality guard checks after the hook that just ran.
    pub(super) check: Option<Check>,
    /// Hooks cover this violation and none has run yet.
    pub(super) hooks_pending: bool,
    /// The facts of [`Graph::quick_facts`] that are true, and those that are false.
    known: (u64, u64),
}

/// Decides one violation for the bound facts: the plan's nodes in order, until one decides.
pub(super) fn decide(
    rules: &RuleSet,
    graph: &Graph,
    vid: u32,
    case: &Inputs<'_>,
    case_id: Option<&str>,
) -> Result<Decision, CaseError> {
    let facts = case.facts;
    let plan = &graph.plans[vid as usize];
    let std = rules.standard;
    let party = match facts.get(std.party_type as usize).copied().flatten() {
        Some(Value::Enum(i)) if i == std.individual => Some(Party::Individual),
        Some(Value::Enum(_)) => Some(Party::Unit),
        _ => None,
    };
    let v = &rules.violations[vid as usize];
    let mut out = blank(v, case.info);
    out.case_id = case_id.map(str::to_string);
    let mut w = Walk::new(rules, graph, plan, v, case, party, &mut out);
    if party.is_none() {
        w.need_fact(std.party_type);
        end::undetermined(&mut w);
        w.finish();
        return Ok(out);
    }
    for node in plan.nodes.iter() {
        let flow = match node {
            Node::Elements => elements::run(&mut w),
            Node::LawInForce => law_in_force::run(&mut w)?,
            Node::Limitation => limitation::run(&mut w),
            Node::ArticleCondition => article::run(&mut w),
            Node::StatutoryNoPenalty(ids) => {
                statutory_no_penalty::run(&mut w, graph.entries(*ids))
            }
            Node::NoPenaltyList(ids) => no_penalty::run(&mut w, graph.entries(*ids)),
            Node::Circumstances {
                mitigating,
                aggravating,
            } => circumstances::run(
                &mut w,
                graph.entries(*mitigating),
                graph.entries(*aggravating),
            ),
            Node::Hook { point, hook } => exceptions::run(&mut w, *point, *hook)?,
            Node::Combine => combine::run(&mut w),
            Node::Fine => fine::run(&mut w),
            Node::Guard(hook) => guard::run(&mut w, *hook)?,
            Node::Procedure => procedure::run(&mut w),
        };
        if flow == Flow::Done {
            break;
        }
    }
    w.finish();
    Ok(out)
}

/// The decision before step 1: the violation, the measure every decision orders, its
/// article, and the newest version (step 1 may choose another).
fn blank(v: &Violation, info: &Arc<RuleSetInfo>) -> Decision {
    Decision {
        case_id: None,
        violation: v.code.clone(),
        outcome: Outcome::Undetermined,
        mandatory: false,
        penalties: Vec::new(),
        fine: None,
        not_applicable: None,
        see_also: Vec::new(),
        fine_barred: None,
        daily_fine: None,
        statutory: None,
        alternatives: Vec::new(),
        measures: vec![Measure::OrderCorrection],
        procedure: Procedure::default(),
        basis: vec![v.basis().clone()],
        applied: Vec::new(),
        outweighed: Vec::new(),
        needs: Vec::new(),
        concurrent: Vec::new(),
        law: Law {
            version: v.current().label.clone(),
            reason: None,
        },
        trace: Trace::new(),
        ruleset: info.clone(),
    }
}

impl<'a> Walk<'a> {
    /// The walk before step 1, its first trace step recorded. Without a party the walk ends at
    /// once, and `party` is read by no step.
    #[inline]
    fn new(
        rules: &'a RuleSet,
        graph: &'a Graph,
        plan: &'a Plan,
        v: &'a Violation,
        case: &Inputs<'a>,
        party: Option<Party>,
        out: &'a mut Decision,
    ) -> Walk<'a> {
        let (facts, trace_on) = (case.facts, case.trace);
        let mut rec = Recorder {
            trace: Trace::with_capacity(if trace_on { TRACE_STEPS } else { 0 }),
            on: trace_on,
        };
        rec.step(|| Step::Start {
            code: v.code.clone(),
            title: v.title.clone(),
            basis: v.basis().clone(),
            party,
        });
        Walk {
            rules,
            graph,
            plan,
            violation: v,
            facts,
            env: Env::new(rules, facts),
            rec,
            needs: Vec::new(),
            out,
            party: party.unwrap_or(Party::Individual),
            version: v.current(),
            chosen: false,
            undetermined: false,
            active: Active::default(),
            found: Found::default(),
            combined: None,
            statutory: None,
            settled: Settled::default(),
            base: None,
            moves: Vec::new(),
            check: None,
            hooks_pending: !plan.hooks.is_empty(),
            known: crate::graph::Quick::known(facts, graph.quick_facts),
        }
    }

    /// A list entry's condition: settled by its boolean facts where they settle it, else its
    /// tests walked; the same answer either way (Kleene conjunction).
    pub(super) fn entry_truth(&mut self, id: EntryId) -> Option<bool> {
        if let Some(v) = self.graph.quick.get(id as usize).and_then(|q| q.verdict(self.known)) {
            return v;
        }
        self.env.all(&self.graph.conds[id as usize])
    }

    /// Hands the recorded trace to the decision.
    #[inline(always)]
    fn finish(self) {
        self.out.trace = self.rec.trace;
    }

    /// The circumstances found so far, to look them up.
    pub(super) fn circs(&self) -> Circs<'_> {
        Circs::new(self.rules, &self.found.added)
    }

    /// Records that the hooks covering this violation did not run, and why.
    pub(super) fn skip_hooks(&mut self, why: Skipped) {
        if !std::mem::replace(&mut self.hooks_pending, false) || !self.rec.on {
            return;
        }
        for &h in self.plan.hooks.iter() {
            self.rec.trace.push(Step::HookSkipped {
                id: self.rules.hooks[h as usize].id.clone(),
                why,
            });
        }
    }

    /// Notes every unknown fact of a condition as needed.
    pub(super) fn need(&mut self, cond: &Expr) {
        let mut facts = Vec::new();
        self.env.unknown_facts(cond, &mut facts);
        for f in facts {
            self.need_fact(f);
        }
    }

    /// Notes a fact as needed.
    pub(super) fn need_fact(&mut self, f: FactId) {
        if !self.needs.contains(&f) {
            self.needs.push(f);
        }
    }

    /// Records a list entry of step 4, 5 or 6 and its value.
    pub(super) fn entry_step(&mut self, step: u8, id: EntryId, value: Option<bool>) {
        if !self.rec.on {
            return;
        }
        let e = &self.rules.entries[id as usize];
        self.rec.trace.push(Step::Entry {
            step,
            list: e.list,
            statutory: e.statutory,
            id: e.id.clone(),
            title: e.title.clone(),
            shall: e.modality == crate::vocab::Modality::Shall,
            value,
        });
    }
}

/// Appends the items not yet in `v`.
pub(super) fn push_unique<T: PartialEq + Copy>(v: &mut Vec<T>, items: &[T]) {
    for i in items {
        if !v.contains(i) {
            v.push(*i);
        }
    }
}

/// Appends the citations not yet in `basis`.
pub(super) fn push_basis(basis: &mut Vec<Arc<str>>, cites: &[Arc<str>]) {
    for c in cites {
        if !basis.iter().any(|b| b == c) {
            basis.push(c.clone());
        }
    }
}
