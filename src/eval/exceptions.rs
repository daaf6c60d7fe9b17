//! Step 9, local exceptions: running the rhai hooks at their points, applying what they ask,
//! and the legality guard that refuses an unlawful result.

use super::CaseError;
use super::{combine::*, fine::*, walk::*};
use crate::decision::*;
use crate::explain::Step;
use crate::hooks::{self, HookPoint};
use crate::model::{HookId, Measure, PenaltyAlt, PenaltyKind, Value};
use crate::syntax::ast::ListKind;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Runs one hook and records what it printed; a failure is the case's error document.
pub(super) fn run_hook(
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
pub(super) fn record_notes(w: &mut Walk<'_>, hid: HookId, notes: Vec<String>) {
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
pub(super) fn add_circumstances(
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

/// A hook moves the outcome (结果之后): the band of the new outcome, the penalties it keeps, and
/// the decision before the move as the alternative without the local discretion. `traced` is
/// false when an earlier move is applied again after a later hook recombined.
#[expect(
    clippy::too_many_arguments,
    reason = "the walk's state is passed piecewise so that the circumstances can be borrowed apart"
)]
pub(super) fn apply_move(
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
pub(super) struct Before {
    pub(super) outcome: Outcome,
    pub(super) fine: Option<FineRange>,
    /// A statutory 应当 mitigation (or no penalty) was applied: nothing may be heavier.
    pub(super) floor_shall: Option<Arc<str>>,
    /// A statutory 应当 aggravation was applied: nothing may be lighter.
    pub(super) ceiling_shall: Option<Arc<str>>,
    /// The band of the outcome after the hook's move (before its `set_fine`): a fine the hook
    /// sets under 从轻, 一般 or 从重 must lie within it.
    pub(super) band: Option<FineRange>,
}

impl Before {
    pub(super) fn of(out: &Decision, settled: &Settled, cx: &Circs<'_>) -> Before {
        let mut b = Before {
            outcome: out.outcome,
            fine: out.fine,
            floor_shall: None,
            ceiling_shall: None,
            band: out.fine,
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

/// The legality guard (docs/evaluation.md step 9), after each hook of the second point: the fine
/// stays within the statutory range (except 减轻 and 不予处罚), no kind of penalty appears that
/// the violation does not list for these facts, and no direct move goes against a statutory
/// 应当 circumstance. A breach is an error of the rule set naming the hook and its citation;
/// the number is never clamped.
pub(super) fn guard(
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
        if let (Some(b), Some(_)) = (before.band, fine_at)
            && matches!(
                out.outcome,
                Outcome::Lighter | Outcome::Standard | Outcome::Aggravated
            )
            && (f.min < b.min || f.max > b.max)
        {
            return Err(breach(
                format!(
                    "设定的罚款 {}..{} 元超出{}的幅度 {}..{} 元（钩子设定的罚款须在它所称结果的幅度之内）",
                    yuan(f.min),
                    yuan(f.max),
                    out.outcome.zh(),
                    yuan(b.min),
                    yuan(b.max)
                ),
                fine_at,
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
