//! The script's world: the functions it may call and where their calls are recorded.
//!
//! A run's record lives in a thread-local, set up by [`begin`] and taken by [`end`]: the engine
//! is shared by every thread (`sync`), one run happens at a time per thread, and the registered
//! functions cannot otherwise reach per-run state. Nothing here panics: a state that cannot be
//! borrowed becomes a script error.

use super::{HookPoint, Limits, outcome_from_zh};
use crate::vocab::ListKind;
use crate::vocab::Outcome;
use rhai::{Dynamic, Engine, EvalAltResult, INT, NativeCallContext, Position};
use rust_decimal::Decimal;
use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::Instant;

/// A position in a script: 1-based line and character column; 0 when unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pos {
    /// Line (1-based; 0 unknown).
    pub line: u32,
    /// Column in characters (1-based; 0 unknown).
    pub column: u32,
}

impl Pos {
    pub(super) fn of(p: Position) -> Pos {
        Pos {
            line: p.line().and_then(|l| u32::try_from(l).ok()).unwrap_or(0),
            column: p
                .position()
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(0),
        }
    }

    /// True when the position is known.
    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

/// A circumstance a hook added.
#[derive(Debug, Clone, PartialEq)]
pub struct Circumstance {
    /// 不予处罚, 从轻, 从轻或者减轻, 减轻 or 从重.
    pub list: ListKind,
    /// 应当 (true) or 可以.
    pub shall: bool,
    /// What it is.
    pub title: Arc<str>,
    /// The local document that provides for it.
    pub citation: Arc<str>,
    /// Where the call is.
    pub at: Pos,
}

/// A rule that says the conduct is lawful (`lawful`): the offence fails, not the penalty.
#[derive(Debug, Clone, PartialEq)]
pub struct Lawful {
    /// Why, as the rule says it.
    pub title: Arc<str>,
    /// The rule.
    pub citation: Arc<str>,
    /// Where the call is.
    pub at: Pos,
}

/// An outcome a hook moved the decision to.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// The new outcome.
    pub outcome: Outcome,
    /// Its citation.
    pub citation: Arc<str>,
    /// Where the call is.
    pub at: Pos,
}

/// A fine a hook set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FineSet {
    /// Lower end.
    pub min: Decimal,
    /// Upper end.
    pub max: Decimal,
    /// Where the call is.
    pub at: Pos,
}

/// What one run asked for, in call order within each kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    /// `add_circumstance` calls.
    pub circumstances: Vec<Circumstance>,
    /// The last `set_outcome` call.
    pub outcome: Option<Move>,
    /// The last `set_fine` call.
    pub fine: Option<FineSet>,
    /// The first `lawful` call.
    pub lawful: Option<Lawful>,
    /// `note` calls.
    pub notes: Vec<String>,
    /// `print` and `debug` output.
    pub output: Vec<String>,
}

/// Why `on_progress` stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// The wall-clock deadline passed.
    Deadline,
    /// The output limit was passed.
    Output,
    /// The decision's operations (all hooks together) are spent.
    Budget,
    /// The decision's time (all hooks together) is spent.
    DecisionTime,
    /// The run added more circumstances than one run may.
    Effects,
}

impl Stop {
    fn token(self) -> INT {
        match self {
            Stop::Deadline => 1,
            Stop::Output => 2,
            Stop::Budget => 3,
            Stop::Effects => 4,
            Stop::DecisionTime => 5,
        }
    }

    pub(super) fn from_token(t: &Dynamic) -> Option<Stop> {
        match t.as_int().ok()? {
            1 => Some(Stop::Deadline),
            2 => Some(Stop::Output),
            3 => Some(Stop::Budget),
            4 => Some(Stop::Effects),
            5 => Some(Stop::DecisionTime),
            _ => None,
        }
    }
}

struct Run {
    point: HookPoint,
    effects: Effects,
    output_bytes: usize,
}

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
    static STOP: Cell<Option<Stop>> = const { Cell::new(None) };
    static STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Operations the current run has used so far (as `on_progress` last reported them).
    static OPERATIONS: Cell<u64> = const { Cell::new(0) };
}

/// Starts recording a run on this thread.
pub(super) fn begin(point: HookPoint) {
    STOP.set(None);
    OPERATIONS.set(0);
    let now = Instant::now();
    STARTED.set(Some(now));
    super::budget::run_starts(now);
    RUN.with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            *r = Some(Run {
                point,
                effects: Effects::default(),
                output_bytes: 0,
            });
        }
    });
}

/// Ends the run: what it recorded, and why it was stopped, if it was.
pub(super) fn end() -> (Effects, Option<Stop>) {
    STARTED.set(None);
    super::budget::charge(OPERATIONS.replace(0));
    let stop = STOP.replace(None);
    let effects = RUN.with(|r| {
        r.try_borrow_mut()
            .ok()
            .and_then(|mut r| r.take())
            .map(|r| r.effects)
            .unwrap_or_default()
    });
    (effects, stop)
}

/// The message of the argument error that stands for [`Stop::Effects`].
const EFFECTS_SPENT: &str = "add_circumstance 的次数超出上限";

/// An argument error raised by one of the world's functions (H0624).
#[derive(Debug, Clone)]
pub(super) struct ArgumentError(pub String);

fn arg_error(ctx: &NativeCallContext, message: String) -> Box<EvalAltResult> {
    if message == EFFECTS_SPENT {
        STOP.set(Some(Stop::Effects));
        return Box::new(EvalAltResult::ErrorTerminated(
            Dynamic::from_int(Stop::Effects.token()),
            ctx.call_position(),
        ));
    }
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(ArgumentError(message)),
        ctx.call_position(),
    ))
}

/// Runs `f` on the current run's record.
fn with_run<T>(
    ctx: &NativeCallContext,
    f: impl FnOnce(&mut Run) -> Result<T, String>,
) -> Result<T, Box<EvalAltResult>> {
    RUN.with(|r| match r.try_borrow_mut() {
        Ok(mut guard) => match guard.as_mut() {
            Some(run) => f(run).map_err(|m| arg_error(ctx, m)),
            None => Err(arg_error(ctx, "钩子不在运行中".into())),
        },
        Err(_) => Err(arg_error(ctx, "钩子的记录暂不可用".into())),
    })
}

fn list_of(s: &str) -> Option<ListKind> {
    Some(match s {
        "不予处罚" => ListKind::NoPenalty,
        "从轻" => ListKind::Lighter,
        "从轻或者减轻" => ListKind::LighterOrMitigated,
        "减轻" => ListKind::Mitigated,
        "从重" => ListKind::Aggravated,
        _ => return None,
    })
}

fn text_arg(what: &str, s: &str) -> Result<Arc<str>, String> {
    let t = s.trim();
    if t.is_empty() {
        Err(format!("{what}不能为空"))
    } else {
        Ok(t.into())
    }
}

fn money(d: Decimal) -> Result<Decimal, String> {
    let n = d.normalize();
    if n.scale() > 2 {
        return Err(format!("罚款 {n} 元不是精确到分的金额"));
    }
    if n.is_sign_negative() && !n.is_zero() {
        return Err(format!("罚款 {n} 元是负数"));
    }
    Ok(n)
}

fn set_fine(ctx: &NativeCallContext, min: Decimal, max: Decimal) -> Result<(), Box<EvalAltResult>> {
    let at = Pos::of(ctx.call_position());
    with_run(ctx, |run| {
        if run.point != HookPoint::AfterOutcome {
            return Err(
                "set_fine 只能在“结果之后”时点调用；“情节之后”的钩子用 add_circumstance".into(),
            );
        }
        let (min, max) = (money(min)?, money(max)?);
        if min > max {
            return Err(format!("罚款下限 {min} 元大于上限 {max} 元"));
        }
        run.effects.fine = Some(FineSet { min, max, at });
        Ok(())
    })
}

/// Registers the world's functions and output handlers on the sandbox.
pub(super) fn install(engine: &mut Engine, limits: Limits) {
    install_effects(engine);
    install_output(engine, limits);
    install_progress(engine, limits);
}

/// The functions by which a script changes the decision.
fn install_effects(engine: &mut Engine) {
    engine.register_fn(
        "add_circumstance",
        |ctx: NativeCallContext,
         list: &str,
         modality: &str,
         title: &str,
         citation: &str|
         -> Result<(), Box<EvalAltResult>> {
            let at = Pos::of(ctx.call_position());
            with_run(&ctx, |run| {
                let list = list_of(list).ok_or_else(|| {
                    format!(
                        "清单“{list}”不存在：须是 不予处罚、从轻、从轻或者减轻、减轻、从重 之一"
                    )
                })?;
                let shall = match modality {
                    "应当" => true,
                    "可以" => false,
                    other => return Err(format!("情形“{other}”无效：须是 应当 或 可以")),
                };
                let title = text_arg("标题", title)?;
                let citation = text_arg("依据", citation)?;
                if run.effects.circumstances.len() >= crate::limits::HOOK_CIRCUMSTANCES {
                    return Err(EFFECTS_SPENT.into());
                }
                run.effects.circumstances.push(Circumstance {
                    list,
                    shall,
                    title,
                    citation,
                    at,
                });
                Ok(())
            })
        },
    );
    engine.register_fn(
        "lawful",
        |ctx: NativeCallContext, title: &str, citation: &str| -> Result<(), Box<EvalAltResult>> {
            let at = Pos::of(ctx.call_position());
            with_run(&ctx, |run| {
                let title = text_arg("标题", title)?;
                let citation = text_arg("依据", citation)?;
                run.effects.lawful.get_or_insert(Lawful {
                    title,
                    citation,
                    at,
                });
                Ok(())
            })
        },
    );
    engine.register_fn(
        "set_outcome",
        |ctx: NativeCallContext, outcome: &str, citation: &str| -> Result<(), Box<EvalAltResult>> {
            let at = Pos::of(ctx.call_position());
            with_run(&ctx, |run| {
                if run.point != HookPoint::AfterOutcome {
                    return Err(
                        "set_outcome 只能在“结果之后”时点调用；“情节之后”的钩子用 add_circumstance"
                            .into(),
                    );
                }
                let o = outcome_from_zh(outcome).ok_or_else(|| {
                    format!("结果“{outcome}”无效：须是 不予处罚、减轻、从轻、一般、从重 之一")
                })?;
                let citation = text_arg("依据", citation)?;
                run.effects.outcome = Some(Move {
                    outcome: o,
                    citation,
                    at,
                });
                Ok(())
            })
        },
    );
    engine.register_fn("set_fine", |ctx: NativeCallContext, a: INT, b: INT| {
        set_fine(&ctx, Decimal::from(a), Decimal::from(b))
    });
    engine.register_fn(
        "set_fine",
        |ctx: NativeCallContext, a: Decimal, b: Decimal| set_fine(&ctx, a, b),
    );
    engine.register_fn("set_fine", |ctx: NativeCallContext, a: INT, b: Decimal| {
        set_fine(&ctx, Decimal::from(a), b)
    });
    engine.register_fn("set_fine", |ctx: NativeCallContext, a: Decimal, b: INT| {
        set_fine(&ctx, a, Decimal::from(b))
    });
}

/// A script's notes and output, counted against the limits.
fn install_output(engine: &mut Engine, limits: Limits) {
    engine.register_fn(
        "note",
        move |ctx: NativeCallContext, text: &str| -> Result<(), Box<EvalAltResult>> {
            let fits = with_run(&ctx, |run| {
                let text = text_arg("说明", text)?;
                if !output(run, &limits, text.len()) {
                    return Ok(false);
                }
                run.effects.notes.push(text.to_string());
                Ok(true)
            })?;
            if fits {
                Ok(())
            } else {
                STOP.set(Some(Stop::Output));
                Err(Box::new(EvalAltResult::ErrorTerminated(
                    Dynamic::from_int(Stop::Output.token()),
                    ctx.call_position(),
                )))
            }
        },
    );
    engine.on_print(move |s| record_output(&limits, s));
    engine.on_debug(move |s, _, _| record_output(&limits, s));
}

/// Stops a script at its operations budget or deadline, or once it has been told to stop.
fn install_progress(engine: &mut Engine, limits: Limits) {
    let deadline = limits.deadline;
    engine.on_progress(move |ops| {
        OPERATIONS.set(ops);
        if let Some(stop) = STOP.get() {
            return Some(Dynamic::from_int(stop.token()));
        }
        if super::budget::operations_left().is_some_and(|left| ops > left) {
            STOP.set(Some(Stop::Budget));
            return Some(Dynamic::from_int(Stop::Budget.token()));
        }
        if ops % 256 == 0 {
            if STARTED.get().is_some_and(|t| t.elapsed() > deadline) {
                STOP.set(Some(Stop::Deadline));
                return Some(Dynamic::from_int(Stop::Deadline.token()));
            }
            if super::budget::out_of_time() {
                STOP.set(Some(Stop::DecisionTime));
                return Some(Dynamic::from_int(Stop::DecisionTime.token()));
            }
        }
        None
    });
}

/// Counts a line of output against the limits; false when it does not fit.
fn output(run: &mut Run, limits: &Limits, bytes: usize) -> bool {
    let lines = run.effects.output.len() + run.effects.notes.len();
    if lines >= limits.output_lines || run.output_bytes + bytes > limits.output_bytes {
        return false;
    }
    run.output_bytes += bytes;
    true
}

/// `print` / `debug`: into the run's output; past the limits the run is stopped at its next
/// operation (the handlers cannot return an error themselves).
fn record_output(limits: &Limits, s: &str) {
    RUN.with(|r| {
        let Ok(mut guard) = r.try_borrow_mut() else {
            return;
        };
        let Some(run) = guard.as_mut() else { return };
        if output(run, limits, s.len()) {
            run.effects.output.push(s.to_string());
        } else {
            STOP.set(Some(Stop::Output));
        }
    });
}
