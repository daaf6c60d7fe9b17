//! Step 9, local exceptions: running the rhai hooks at their points and applying what they
//! ask. The legality guard that follows each hook of the second point is `guard`.

use super::CaseError;
use super::combine::{Added, Circ, Combined, combine};
use super::decision::{Alternative, Decision};
use super::end;
use super::fine::{punish, settle, statutory_fine};
use super::guard::{Before, Check};
use super::trace::Step;
use super::trace::{Skipped, Why};
use super::walk::{Flow, Walk, push_basis, push_unique};
use crate::hooks;
use crate::model::HookId;
use crate::vocab::{FineRange, HookPoint, ListKind, Measure, Outcome};

/// One hook at its point.
pub(super) fn run(w: &mut Walk<'_>, point: HookPoint, hook: HookId) -> Result<Flow, CaseError> {
    match point {
        HookPoint::AfterCircumstances => after_circumstances(w, hook),
        HookPoint::AfterOutcome => after_outcome(w, hook),
    }
}

/// 情节之后: the hook may add circumstances before step 7 combines them. Not while the outcome
/// is already undetermined.
fn after_circumstances(w: &mut Walk<'_>, hid: HookId) -> Result<Flow, CaseError> {
    if w.undetermined {
        w.skip_hooks(Skipped::Undetermined);
        return Ok(Flow::Next);
    }
    w.hooks_pending = false;
    // What the script reads as the statutory range; step 8 computes it again for itself.
    w.statutory = statutory_fine(w.rules, w.graph, &w.env, &w.active.penalties)
        .ok()
        .flatten();
    let statutory = w.statutory.as_ref().map(|s| s.range);
    let reads = w.rules.hooks[hid as usize].script.reads_decision();
    let np = w.found.np;
    let (outcome, mandatory, fine) = match np {
        _ if !reads => (Outcome::Standard, true, None),
        Some((c, shall)) => (Outcome::NoPenalty, shall || w.circs().shall(c), None),
        None => {
            let c = combine(&w.circs(), &w.found.mit, &w.found.agg);
            let p = punish(w, &c, false);
            (p.outcome, p.mandatory, p.fine)
        }
    };
    let v = w.violation;
    let snap = hooks::Snapshot {
        violation: &v.code,
        outcome,
        mandatory,
        fine,
        statutory,
    };
    let effects = run_hook(w, hid, HookPoint::AfterCircumstances, &snap)?;
    if let Some(l) = effects.lawful {
        record_notes(w, hid, effects.notes);
        return Ok(end::lawful(w, l));
    }
    add_circumstances(w, hid, effects.circumstances)?;
    record_notes(w, hid, effects.notes);
    Ok(Flow::Next)
}

/// 结果之后: the hook may add circumstances (combined again), move the outcome and set the fine;
/// the guard node that follows checks the result.
fn after_outcome(w: &mut Walk<'_>, hid: HookId) -> Result<Flow, CaseError> {
    w.hooks_pending = false;
    let v = w.violation;
    let snap = hooks::Snapshot {
        violation: &v.code,
        outcome: w.out.outcome,
        mandatory: w.out.mandatory,
        fine: w.out.fine,
        statutory: w.statutory.as_ref().map(|s| s.range),
    };
    let effects = run_hook(w, hid, HookPoint::AfterOutcome, &snap)?;
    let hooks::Effects {
        circumstances,
        outcome: outcome_move,
        fine: fine_set,
        notes,
        lawful,
        ..
    } = effects;
    if let Some(l) = lawful {
        record_notes(w, hid, notes);
        if let Some(base) = &w.base {
            *w.out = (**base).clone();
        }
        return Ok(end::lawful(w, l));
    }
    if !circumstances.is_empty() {
        add_circumstances(w, hid, circumstances)?;
        if let Some(base) = &w.base {
            *w.out = Decision::clone(base);
        }
        let combined = combine(&w.circs(), &w.found.mit, &w.found.agg);
        w.settled = settle(w, combined);
        let moves = std::mem::take(&mut w.moves);
        for (h, m, f) in &moves {
            if let Some(m) = m {
                apply_move(w, *h, m, false);
            }
            if let Some(f) = f {
                w.out.fine = Some(FineRange {
                    min: f.min,
                    max: f.max,
                });
            }
        }
        w.moves = moves;
    }
    let mut before = Before::of(w.out, &w.settled, &w.circs());
    if let Some(m) = &outcome_move
        && m.outcome == Outcome::NoPenalty
        && !cites_a_no_penalty_ground(&m.citation)
    {
        let hook = &w.rules.hooks[hid as usize];
        return Err(CaseError::new(
            crate::diag::Code::HookGuard,
            format!(
                "钩子 {} 把结果改为不予处罚，而其依据「{}」没有写明法定的不予处罚事由（《中华人民共和国行政处罚法》第三十条、第三十一条、第三十三条、第三十六条或者第三十七条）；地方例外不得超出法定界限，本案不作出决定，须修改该钩子",
                hook.id, m.citation
            ),
            if m.at.is_known() {
                hook.script.origin.location(&w.rules.sources, m.at)
            } else {
                hook.location.to_string()
            },
        ));
    }
    if let Some(m) = &outcome_move {
        apply_move(w, hid, m, true);
    }
    // The band of the outcome the hook leaves: a fine it sets is held to it.
    before.band = w.out.fine;
    if let Some(f) = fine_set {
        let fine = FineRange {
            min: f.min,
            max: f.max,
        };
        w.out.fine = Some(fine);
        let id = w.rules.hooks[hid as usize].id.clone();
        w.rec.step(|| Step::HookFine { id, fine });
    }
    record_notes(w, hid, notes);
    w.check = Some(Check {
        before,
        moved_at: outcome_move.as_ref().map(|m| m.at),
        fine_at: fine_set.map(|f| f.at),
    });
    if outcome_move.is_some() || fine_set.is_some() {
        w.moves.push((hid, outcome_move, fine_set));
    }
    Ok(Flow::Next)
}

/// Runs one hook and records what it printed; a failure is the case's error document.
fn run_hook(
    w: &mut Walk<'_>,
    hid: HookId,
    point: HookPoint,
    snap: &hooks::Snapshot<'_>,
) -> Result<hooks::Effects, CaseError> {
    let (rules, facts) = (w.rules, w.facts);
    let hook = &rules.hooks[hid as usize];
    w.rec.step(|| Step::HookRan {
        id: hook.id.clone(),
        title: hook.title.clone(),
        point,
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
    if w.rec.on {
        for text in &effects.output {
            w.rec.trace.push(Step::HookOutput {
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
    if w.rec.on {
        let id = &w.rules.hooks[hid as usize].id;
        for text in notes {
            w.rec.trace.push(Step::HookOutput {
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
) -> Result<(), CaseError> {
    let hook = &w.rules.hooks[hid as usize];
    let id = &hook.id;
    let f = &mut w.found;
    for c in circumstances {
        // 不予处罚 only on a ground the law gives (Arts. 30, 31, 33, 36, 37): a local document
        // may narrow those grounds, never widen them.
        if c.list == ListKind::NoPenalty && !cites_a_no_penalty_ground(&c.citation) {
            let at = if c.at.is_known() {
                hook.script.origin.location(&w.rules.sources, c.at)
            } else {
                hook.location.to_string()
            };
            return Err(CaseError::new(
                crate::diag::Code::HookGuard,
                format!(
                    "钩子 {id} 的不予处罚「{}」没有法定依据：不予处罚只能依据《中华人民共和国行政处罚法》第三十条、第三十一条、第三十三条、第三十六条或者第三十七条，其“依据”须写明所依据的条款；地方例外不得超出法定界限，本案不作出决定，须修改该钩子",
                    c.title
                ),
                at,
            ));
        }
        let i = Circ::Hook(f.added.len() as u32);
        if w.rec.on {
            w.rec.trace.push(Step::HookCircumstance {
                id: id.clone(),
                list: c.list,
                shall: c.shall,
                title: c.title.clone(),
                citation: c.citation.clone(),
            });
        }
        match c.list {
            ListKind::NoPenalty => match f.np {
                Some((_, true)) => {}
                Some(_) if !c.shall => {}
                _ => f.np = Some((i, c.shall)),
            },
            ListKind::Aggravated => f.agg.push(i),
            _ => f.mit.push(i),
        }
        f.added.push(Added { hook: hid, c });
    }
    Ok(())
}

/// Whether a citation names one of the law's grounds for not imposing a penalty.
pub(super) fn cites_a_no_penalty_ground(citation: &str) -> bool {
    const LAW: &str = "《中华人民共和国行政处罚法》";
    citation.match_indices(LAW).any(|(i, _)| {
        let after = &citation[i + LAW.len()..];
        [
            "第三十条",
            "第三十一条",
            "第三十三条",
            "第三十六条",
            "第三十七条",
        ]
        .iter()
        .any(|a| after.starts_with(a))
    })
}

/// A hook moves the outcome (结果之后): the band of the new outcome, the penalties it keeps, and
/// the decision before the move as the alternative without the local discretion. `traced` is
/// false when an earlier move is applied again after a later hook recombined.
fn apply_move(w: &mut Walk<'_>, hid: HookId, m: &hooks::Move, traced: bool) {
    if traced {
        let id = w.rules.hooks[hid as usize].id.clone();
        let (outcome, citation) = (m.outcome, m.citation.clone());
        w.rec.step(|| Step::HookOutcome {
            id,
            outcome,
            citation,
        });
    }
    let out = &mut w.out;
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
        let mut combined = w.settled.combined.clone().unwrap_or(Combined {
            outcome: m.outcome,
            mandatory: false,
            or_mitigated: false,
            applied: Vec::new(),
            outweighed: Vec::new(),
            why: Why::None,
            collision: false,
        });
        combined.outcome = m.outcome;
        combined.mandatory = false;
        combined.or_mitigated = false;
        if previous.outcome == Outcome::NoPenalty {
            out.measures.retain(|x| *x != Measure::Education);
        }
        out.penalties.clear();
        let result = punish(w, &combined, true);
        w.out.outcome = result.outcome;
        w.out.fine = result.fine;
    }
    let out = &mut w.out;
    out.mandatory = false;
    out.alternatives.retain(|a| a.outcome != out.outcome);
    out.alternatives.insert(0, previous);
}
