//! The decision graph compiled from the model: for each violation, the list entries that can
//! apply to it, already sorted into the steps of the walk, so that evaluation touches only what
//! concerns the case's violation however large the rule set is. The hooks that cover a violation
//! are listed per hook point, so a violation without hooks never reaches rhai.

use crate::hooks::HookPoint;
use crate::model::{Coverage, EntryId, FactType, HookId, RuleSet, Value};
use crate::syntax::ast::{ListKind, Modality};

/// What evaluation walks for one violation.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Step 4: statutory no-penalty entries with 应当.
    pub statutory_no_penalty: Box<[EntryId]>,
    /// Step 5: the other no-penalty entries (first offence, the published list).
    pub no_penalty: Box<[EntryId]>,
    /// Step 6: lighter, lighter-or-mitigated and mitigated entries.
    pub mitigating: Box<[EntryId]>,
    /// Step 6: aggravated entries.
    pub aggravating: Box<[EntryId]>,
    /// Step 9: hooks that run after the circumstances are collected (情节之后), in file order.
    /// Empty (no allocation, no rhai call) for a violation no hook covers.
    pub hooks_after_circumstances: Box<[HookId]>,
    /// Step 9: hooks that run after the outcome is combined (结果之后), in file order.
    pub hooks_after_outcome: Box<[HookId]>,
}

/// The compiled rule set.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// One plan per violation, by violation index.
    pub plans: Vec<Plan>,
    /// Each fact's default (or unknown), by fact index: the starting point of every case.
    pub defaults: Vec<Option<Value>>,
    /// Fact type tags, by fact index, for binding case values quickly.
    pub types: Vec<FactType>,
}

impl Graph {
    /// Compiles the model.
    pub fn compile(rules: &RuleSet) -> Graph {
        let mut plans: Vec<Plan> = Vec::with_capacity(rules.violations.len());
        let mut buckets: Vec<[Vec<EntryId>; 4]> = vec![Default::default(); rules.violations.len()];
        for (i, e) in rules.entries.iter().enumerate() {
            let slot = match e.list {
                ListKind::NoPenalty if e.statutory && e.modality == Modality::Shall => 0,
                ListKind::NoPenalty => 1,
                ListKind::Lighter | ListKind::LighterOrMitigated | ListKind::Mitigated => 2,
                ListKind::Aggravated => 3,
            };
            // Linear in entries plus coverage: a listed entry goes only to its violations.
            match &e.covers {
                Coverage::Only(ids) => {
                    for &v in ids {
                        if let Some(b) = buckets.get_mut(v as usize) {
                            b[slot].push(i as EntryId);
                        }
                    }
                }
                Coverage::All { except } => {
                    for (v, b) in buckets.iter_mut().enumerate() {
                        if !except.contains(&(v as u32)) {
                            b[slot].push(i as EntryId);
                        }
                    }
                }
            }
        }
        let mut hooks: Vec<[Vec<HookId>; 2]> = vec![Default::default(); rules.violations.len()];
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
        for ([a, b, c, d], [e, f]) in buckets.into_iter().zip(hooks) {
            plans.push(Plan {
                statutory_no_penalty: a.into(),
                no_penalty: b.into(),
                mitigating: c.into(),
                aggravating: d.into(),
                hooks_after_circumstances: e.into(),
                hooks_after_outcome: f.into(),
            });
        }
        Graph {
            plans,
            defaults: rules.facts.iter().map(|f| f.default).collect(),
            types: rules.facts.iter().map(|f| f.ty.clone()).collect(),
        }
    }
}
