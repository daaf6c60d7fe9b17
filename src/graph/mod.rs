//! The decision graph compiled from the model: for each violation, the plan evaluation walks —
//! the steps of docs/evaluation.md as typed nodes in order, each carrying the list entries or
//! hooks it needs, so that evaluation touches only what concerns the case's violation however
//! large the rule set is. A violation no hook covers has no hook node and never reaches rhai.
//! The bands of fixed fine ranges are computed here, once.

mod bands;
mod condition;

pub use bands::FixedBands;
pub use condition::{Quick, Test};

use crate::diag::NameIndex;
use crate::model::{Coverage, EntryId, FactType, FineId, HookId, RuleSet, Value};
use crate::vocab::{HookPoint, ListKind, Modality};

/// One step of the walk, with what it needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Step 0: the elements of the code (`要件`); only where the violation declares some.
    Elements,
    /// Step 1: the version of the law in force (Art. 37).
    LawInForce,
    /// Step 2: limitation (Art. 36).
    Limitation,
    /// Step 3: the article's own condition.
    ArticleCondition,
    /// Step 4: the statutory no-penalty entries with 应当.
    StatutoryNoPenalty(Ids),
    /// Step 5: the other no-penalty entries (first offence, the published list).
    NoPenaltyList(Ids),
    /// Step 6: the mitigating and aggravating entries.
    Circumstances {
        /// Lighter, lighter-or-mitigated and mitigated entries.
        mitigating: Ids,
        /// Aggravated entries.
        aggravating: Ids,
    },
    /// Step 9: one hook at its point (情节之后 before step 7, 结果之后 after step 8).
    Hook {
        /// Where it runs.
        point: HookPoint,
        /// Which hook.
        hook: HookId,
    },
    /// Step 7: the circumstances combined into an outcome.
    Combine,
    /// Step 8: the fine, and the outcome written into the decision.
    Fine,
    /// The legality guard after a hook of the second point.
    Guard(HookId),
    /// The procedure that follows the outcome, and the walk's conclusion.
    Procedure,
}

/// A run of list entries in [`Graph::entry_ids`]: every node's entries are kept in that one
/// vector, where a slice of its own for each node of each violation was four allocations a
/// violation (a twentieth of a shipped load's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ids {
    start: u32,
    end: u32,
}

/// What evaluation walks for one violation.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The nodes, in the order they run.
    pub nodes: Box<[Node]>,
    /// Every hook covering the violation, in the order they run: named in the trace when the
    /// walk ends before they run.
    pub hooks: Box<[HookId]>,
    /// Some hook runs after the outcome (结果之后): the decision before it is kept, to combine
    /// again when a hook adds circumstances.
    pub outcome_hooks: bool,
}

/// The compiled rule set.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// One plan per violation, by violation index.
    pub plans: Vec<Plan>,
    /// The list entries of every node, each node's a run ([`Ids`], [`Graph::entries`]).
    pub entry_ids: Vec<EntryId>,
    /// Each fact's default (or unknown), by fact index: the starting point of every case.
    pub defaults: Vec<Option<Value>>,
    /// Fact type tags, by fact index, for binding case values quickly.
    pub types: Vec<FactType>,
    /// The bands of fixed fine ranges, by [`FineId`].
    pub bands: Vec<Option<FixedBands>>,
    /// The violation codes, for suggesting one when a case names an unknown code.
    pub(crate) codes: NameIndex,
    /// The fact names, for suggesting one when a case gives an undeclared fact.
    pub(crate) fact_names: NameIndex,
    /// The fact names, for binding a case's facts.
    pub(crate) fact_table: crate::eval::FactTable,
    /// Each list entry's condition as the conjunction of its tests, by [`EntryId`].
    pub conds: Vec<Box<[Test]>>,
    /// Each list entry's boolean-fact tests as bit sets, by [`EntryId`]: most entries are
    /// settled by one such fact, without walking their tests.
    pub quick: Vec<Quick>,
    /// The facts some [`Quick`] names: the only ones a walk reads into bit sets.
    pub quick_facts: u64,
}

impl Graph {
    /// Compiles the model.
    pub fn compile(rules: &RuleSet) -> Graph {
        let n = rules.violations.len();
        let (entry_ids, entries) = entries_by_step(rules, n);
        let hooks = hooks_by_point(rules, n);
        let plans = entries
            .into_iter()
            .zip(hooks)
            .zip(&rules.violations)
            .map(
                |(([statutory, listed, mitigating, aggravating], [first, second]), v)| {
                    let elements = !v.elements.is_empty();
                    plan(elements, statutory, listed, mitigating, aggravating, first, second)
                },
            )
            .collect();
        let conds: Vec<Box<[Test]>> = rules
            .entries
            .iter()
            .map(|e| condition::compile(&e.cond))
            .collect();
        let quick: Vec<Quick> = conds.iter().map(|c| Quick::of(c)).collect();
        Graph {
            plans,
            entry_ids,
            defaults: rules.facts.iter().map(|f| f.default).collect(),
            types: rules.facts.iter().map(|f| f.ty.clone()).collect(),
            bands: bands::compute(rules),
            codes: NameIndex::new(rules.violations.iter().map(|v| &*v.code)),
            fact_names: NameIndex::new(rules.facts.iter().map(|f| &*f.name)),
            fact_table: crate::eval::FactTable::new(rules.facts.iter().map(|f| &*f.name)),
            quick_facts: quick.iter().fold(0, |m, q| m | q.need_true | q.need_false),
            quick,
            conds,
        }
    }

    /// The list entries of a node.
    pub fn entries(&self, ids: Ids) -> &[EntryId] {
        self.entry_ids
            .get(ids.start as usize..ids.end as usize)
            .unwrap_or_default()
    }

    /// The precomputed bands of a fine statement whose range depends on no fact.
    pub fn bands(&self, fine: FineId) -> Option<&FixedBands> {
        self.bands.get(fine as usize).and_then(Option::as_ref)
    }
}

/// The nodes of one violation (its elements first, where it has any).
fn plan(
    elements: bool,
    statutory: Ids,
    listed: Ids,
    mitigating: Ids,
    aggravating: Ids,
    first: Vec<HookId>,
    second: Vec<HookId>,
) -> Plan {
    // Allocated once at its size: the plan keeps the nodes boxed.
    let size = usize::from(elements) + 9 + first.len() + 2 * second.len();
    let mut nodes = Vec::with_capacity(size);
    if elements {
        nodes.push(Node::Elements);
    }
    nodes.extend([
        Node::LawInForce,
        Node::Limitation,
        Node::ArticleCondition,
        Node::StatutoryNoPenalty(statutory),
        Node::NoPenaltyList(listed),
        Node::Circumstances {
            mitigating,
            aggravating,
        },
    ]);
    nodes.extend(first.iter().map(|&hook| Node::Hook {
        point: HookPoint::AfterCircumstances,
        hook,
    }));
    nodes.extend([Node::Combine, Node::Fine]);
    for &hook in &second {
        nodes.push(Node::Hook {
            point: HookPoint::AfterOutcome,
            hook,
        });
        nodes.push(Node::Guard(hook));
    }
    nodes.push(Node::Procedure);
    debug_assert_eq!(nodes.len(), size);
    Plan {
        nodes: nodes.into(),
        outcome_hooks: !second.is_empty(),
        hooks: first.into_iter().chain(second).collect(),
    }
}

/// Each violation's entries sorted into steps 4 (statutory no-penalty, shall), 5 (the other
/// no-penalty entries) and 6 (mitigating, aggravating), in file order; linear in entries plus
/// coverage: a listed entry goes only to its violations.
fn entries_by_step(rules: &RuleSet, violations: usize) -> (Vec<EntryId>, Vec<[Ids; 4]>) {
    let slot = |e: &crate::model::Entry| match e.list {
        ListKind::NoPenalty if e.statutory && e.modality == Modality::Shall => 0,
        ListKind::NoPenalty => 1,
        ListKind::Lighter | ListKind::LighterOrMitigated | ListKind::Mitigated => 2,
        ListKind::Aggravated => 3,
    };
    // Each entry's violations, in order; `each(e, f)` calls f for every one.
    let each = |e: &crate::model::Entry, f: &mut dyn FnMut(usize)| match &e.covers {
        Coverage::Only(ids) => ids.iter().for_each(|&v| f(v as usize)),
        Coverage::All { except } => (0..violations)
            .filter(|&v| !except.contains(&(v as u32)))
            .for_each(f),
    };
    // Counted first, so that each run has its place in one vector allocated at its size.
    let mut counts = vec![[0usize; 4]; violations];
    for e in &rules.entries {
        let s = slot(e);
        each(e, &mut |v| {
            if let Some(c) = counts.get_mut(v) {
                c[s] += 1;
            }
        });
    }
    // Each run's start, then the next free place in it as the entries are placed.
    let mut runs: Vec<[Ids; 4]> = Vec::with_capacity(violations);
    let mut at = 0u32;
    for c in &counts {
        runs.push(c.map(|n| {
            let start = at;
            at = at.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            Ids { start, end: start }
        }));
    }
    let mut ids = vec![0 as EntryId; at as usize];
    for (i, e) in rules.entries.iter().enumerate() {
        let s = slot(e);
        each(e, &mut |v| {
            if let Some(run) = runs.get_mut(v)
                && let Some(place) = ids.get_mut(run[s].end as usize)
            {
                *place = i as EntryId;
                run[s].end += 1;
            }
        });
    }
    (ids, runs)
}

/// Each violation's hooks per point, in file order.
fn hooks_by_point(rules: &RuleSet, violations: usize) -> Vec<[Vec<HookId>; 2]> {
    let mut hooks: Vec<[Vec<HookId>; 2]> = vec![Default::default(); violations];
    for (i, h) in rules.hooks.iter().enumerate() {
        let slot = match h.point {
            HookPoint::AfterCircumstances => 0,
            HookPoint::AfterOutcome => 1,
        };
        match &h.covers {
            None => {
                for b in &mut hooks {
                    b[slot].push(i as HookId);
                }
            }
            Some(vs) => {
                for &v in vs {
                    if let Some(b) = hooks.get_mut(v as usize) {
                        b[slot].push(i as HookId);
                    }
                }
            }
        }
    }
    hooks
}
