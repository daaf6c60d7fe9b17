//! The legality guard (docs/evaluation.md step 9), after each hook of the second point: the
//! fine stays within the statutory range (except 减轻 and 不予处罚), no kind of penalty appears
//! that the violation does not list for these facts, and no direct move goes against a
//! statutory 应当 circumstance.

use super::CaseError;
use super::combine::{Circ, Circs, Settled};
use super::decision::Decision;
use super::fine::Statutory;
use super::walk::{Flow, Walk};
use crate::hooks;
use crate::model::{HookId, PenaltyAlt, PenaltyKind};
use crate::vocab::{FineRange, ListKind, Outcome, Yuan};
use std::sync::Arc;

/// What the guard checks after a hook: the decision before the hook's direct moves, and where
/// in the script it moved the outcome or set the fine.
pub(super) struct Check {
    pub(super) before: Before,
    pub(super) moved_at: Option<hooks::Pos>,
    pub(super) fine_at: Option<hooks::Pos>,
}

/// The guard after hook `hid`: a breach is the case's error.
pub(super) fn run(w: &mut Walk<'_>, hid: HookId) -> Result<Flow, CaseError> {
    if let Some(check) = w.check.take() {
        guard(w, hid, &check)?;
    }
    Ok(Flow::Next)
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
fn guard(w: &Walk<'_>, hid: HookId, check: &Check) -> Result<(), CaseError> {
    let Check {
        before,
        moved_at,
        fine_at,
    } = check;
    let (moved_at, fine_at) = (*moved_at, *fine_at);
    let (rules, out) = (w.rules, &w.out);
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
    if let Some((what, at)) = fine_breach(w, before.band, moved_at, fine_at) {
        return Err(breach(what, at));
    }
    let settled_kinds: Vec<PenaltyKind> = w
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

/// The fine a hook left outside the law: the breach in words and where the script set it.
fn fine_breach(
    w: &Walk<'_>,
    band: Option<FineRange>,
    moved_at: Option<hooks::Pos>,
    fine_at: Option<hooks::Pos>,
) -> Option<(String, Option<hooks::Pos>)> {
    let out = &w.out;
    let f = out.fine?;
    if out.outcome == Outcome::NoPenalty {
        return Some(("在不予处罚的同时设定了罚款".to_string(), fine_at));
    }
    let fines = out.penalties.iter().any(|p| p.kind == PenaltyKind::Fine);
    let (Some(Statutory { range: s, .. }), true) = (&w.statutory, fines) else {
        return Some((
            "设定了罚款，而本案不处罚款（该违法行为对本案当事人没有规定罚款，或者依法不得再处罚款）"
                .to_string(),
            fine_at,
        ));
    };
    if f.max > s.max {
        return Some((
            format!(
                "使罚款上限 {} 元超过法定最高额 {} 元",
                Yuan(f.max),
                Yuan(s.max)
            ),
            fine_at.or(moved_at),
        ));
    }
    if out.outcome != Outcome::Mitigated && f.min < s.min {
        return Some((
            format!(
                "使罚款下限 {} 元低于法定最低额 {} 元，而结果不是减轻处罚",
                Yuan(f.min),
                Yuan(s.min)
            ),
            fine_at.or(moved_at),
        ));
    }
    if let (Some(b), Some(_)) = (band, fine_at)
        && matches!(
            out.outcome,
            Outcome::Lighter | Outcome::Standard | Outcome::Aggravated
        )
        && (f.min < b.min || f.max > b.max)
    {
        return Some((
            format!(
                "设定的罚款 {}..{} 元超出{}的幅度 {}..{} 元（钩子设定的罚款须在它所称结果的幅度之内）",
                Yuan(f.min),
                Yuan(f.max),
                out.outcome.zh(),
                Yuan(b.min),
                Yuan(b.max)
            ),
            fine_at,
        ));
    }
    if out.outcome == Outcome::Mitigated && fine_at.is_some() && f.max > s.min {
        return Some((
            format!(
                "减轻处罚却使罚款上限 {} 元高于法定最低额 {} 元",
                Yuan(f.max),
                Yuan(s.min)
            ),
            fine_at,
        ));
    }
    None
}
