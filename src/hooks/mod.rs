//! Local exceptions in rhai (`docs/evaluation.md` step 9): the one sandboxed engine, compiling a
//! hook's script once when rules load, and running it against a case.
//!
//! A hook cannot do anything but read the case's facts and the decision so far (read-only
//! constants) and call four functions that *record* what it wants: a circumstance, an outcome, a
//! fine, a note. What was recorded comes back as [`Effects`]; the walk applies them and then the
//! legality guard (`eval`) checks the result. The script itself never touches the decision.
//!
//! Everything the sandbox allows or limits is set in [`sandbox`], and nowhere else.

pub mod budget;
mod errors;
mod world;

pub use world::{Circumstance, Effects, FineSet, Lawful, Move, Pos};

pub use crate::vocab::HookPoint;

use crate::diag::{Code, nearest};
use crate::facts::{Fact, FactId, FactType, Value};
use crate::source::{FileId, SourceMap, Span};
use crate::vocab::{FineRange, Outcome};
use rhai::packages::Package;
use rhai::{Dynamic, Engine, INT, ImmutableString, OptimizationLevel, Scope};
use std::sync::OnceLock;
use std::time::Duration;

/// The limits of the sandbox. Every one is set explicitly: rhai leaves operations unlimited by
/// default, and its other defaults differ between debug and release builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Operations per run: the main, deterministic bound (a loop that never ends stops here).
    pub operations: u64,
    /// Nested function calls (recursion without end stops here).
    pub call_levels: usize,
    /// Expression nesting at top level, checked when the script compiles.
    pub expr_depth: usize,
    /// Expression nesting inside functions, checked when the script compiles.
    pub function_expr_depth: usize,
    /// Bytes in one string.
    pub string_size: usize,
    /// Items in one array.
    pub array_size: usize,
    /// Entries in one object map.
    pub map_size: usize,
    /// Variables alive at once (the facts a script reads count too).
    pub variables: usize,
    /// Functions a script may define.
    pub functions: usize,
    /// Lines a run may print (`print`, `debug`, `note`).
    pub output_lines: usize,
    /// Bytes a run may print in all.
    pub output_bytes: usize,
    /// Wall-clock time per run: a safety net behind the operation limit, never the main bound.
    pub deadline: Duration,
}

/// The limits every shipped engine uses. A discretion hook reads a few facts and calls one or two
/// functions: the shipped examples need under 100 operations, 2 call levels, a few hundred bytes.
/// The limits leave room for a thousand times that and still stop a runaway script within
/// milliseconds.
pub const LIMITS: Limits = Limits {
    // ~100 000 operations take ~5 ms in release and ~50 ms in a debug build.
    operations: 100_000,
    // Enough for helper functions calling each other; recursion has no place in a hook.
    call_levels: 16,
    expr_depth: 32,
    function_expr_depth: 16,
    // 4 KiB is ~1 300 Chinese characters: longer than any title, citation or note.
    string_size: 4 * 1024,
    array_size: 256,
    map_size: 256,
    // The facts a script reads are variables too; the shipped rule set declares ~40 facts.
    variables: 128,
    functions: 16,
    // Output goes into the trace a caseworker reads: a few lines, not a log.
    output_lines: 32,
    output_bytes: 4 * 1024,
    // Far above any lawful run (microseconds); reached only if the operation count failed to
    // bound a run (one very slow operation), so a slow machine never trips it by mistake.
    deadline: Duration::from_secs(1),
};

/// Names of the decision constants a script sees beside the facts.
pub const DECISION_CONSTANTS: [&str; 7] = [
    "violation",
    "outcome",
    "mandatory",
    "fine_min",
    "fine_max",
    "statutory_min",
    "statutory_max",
];

/// The functions a script may call to change the decision (for messages and "did you mean").
pub const FUNCTIONS: [(&str, &str); 4] = [
    (
        "add_circumstance",
        "add_circumstance(清单, 情形, 标题, 依据)，四个参数都是文字",
    ),
    ("set_outcome", "set_outcome(结果, 依据)，两个参数都是文字"),
    (
        "set_fine",
        "set_fine(下限, 上限)，两个参数是整数或小数（元，精确到分）",
    ),
    ("note", "note(文字)"),
];

/// Builds the one sandboxed engine: the only place where what a script may do is decided.
///
/// - Packages: arithmetic (with exact decimals, `no_float`), logic, strings, arrays, maps,
///   iterators, maths. Not the language-core package (`sleep` would block the thread beyond
///   the reach of the operation count), not time (no clock), not blobs or bit fields.
/// - No `eval` (disabled symbol), no modules (`no_module`: `import` is a reserved word), no
///   file or network access (nothing registered does any), no closures (`no_closure`).
/// - Strict variables: a name the script did not declare and that is not a fact or a decision
///   constant is a compile error. No shadowing: a script cannot redeclare a fact.
/// - `print` and `debug` go into the run's output (the trace), never to stdout.
/// - Every limit of [`Limits`], and a wall-clock deadline checked from `on_progress`.
pub fn sandbox(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    for package in [
        rhai::packages::ArithmeticPackage::new().as_shared_module(),
        rhai::packages::LogicPackage::new().as_shared_module(),
        rhai::packages::BasicStringPackage::new().as_shared_module(),
        rhai::packages::MoreStringPackage::new().as_shared_module(),
        rhai::packages::BasicIteratorPackage::new().as_shared_module(),
        rhai::packages::BasicMathPackage::new().as_shared_module(),
        rhai::packages::BasicArrayPackage::new().as_shared_module(),
        rhai::packages::BasicMapPackage::new().as_shared_module(),
    ] {
        engine.register_global_module(package);
    }
    engine.disable_symbol("eval");
    // No function pointers: rhai calls a pointer passed to a native function (`sort`, `map`,
    // `filter`, `reduce`, `retain`, `drain`, `some`, `all`, `index_of`, `dedup`, `find` …) with a
    // copy of the run's state, so the calls escape the operation count and their errors can be
    // swallowed. Without `Fn(…)` and anonymous functions no pointer can be made; the pointer
    // forms of those functions are replaced by errors as well (`forbid_callbacks`).
    engine.disable_symbol("Fn");
    engine.set_allow_anonymous_fn(false);
    engine.set_strict_variables(true);
    engine.set_allow_shadowing(false);
    engine.set_fail_on_invalid_map_property(true);
    // Simple optimisation only folds what the script itself fixes; facts are compiled as
    // variables (never constants) so that no placeholder value is folded into the AST.
    engine.set_optimization_level(OptimizationLevel::Simple);

    engine.set_max_operations(limits.operations);
    engine.set_max_call_levels(limits.call_levels);
    engine.set_max_expr_depths(limits.expr_depth, limits.function_expr_depth);
    engine.set_max_string_size(limits.string_size);
    engine.set_max_array_size(limits.array_size);
    engine.set_max_map_size(limits.map_size);
    engine.set_max_variables(limits.variables);
    engine.set_max_functions(limits.functions);

    world::install(&mut engine, *limits);
    forbid_callbacks(&mut engine);
    engine
}

/// A forbidden feature met at run time (H0604).
#[derive(Debug, Clone)]
pub(crate) struct Forbidden(pub String);

/// The array and map functions that take a function pointer, replaced by an error. No script
/// can write `Fn(…)` or an anonymous function, but rhai still reads the bare name of a script
/// function as a pointer (`xs.sort(cmp)`); these overloads, registered on the engine itself,
/// are found before the packages' and refuse to call back. Every overload of the packages that
/// takes a pointer is listed (rhai 1.27: `packages/array_basic.rs`, `packages/map_basic.rs`).
fn forbid_callbacks(engine: &mut Engine) {
    use rhai::{Array, EvalAltResult, FnPtr, Map, NativeCallContext};
    type Refused = Result<(), Box<EvalAltResult>>;
    fn refuse(ctx: &NativeCallContext) -> Refused {
        Err(Box::new(EvalAltResult::ErrorRuntime(
            Dynamic::from(Forbidden(format!(
                "脚本不能把函数当作参数传给 {}：回调会逃出运算次数的计数；把它写成 for 循环",
                ctx.fn_name()
            ))),
            ctx.call_position(),
        )))
    }
    for name in CALLBACK_FUNCTIONS {
        engine.register_fn(name, |ctx: NativeCallContext, _: &mut Array, _: FnPtr| {
            refuse(&ctx)
        });
    }
    for name in ["index_of", "find", "find_map"] {
        engine.register_fn(
            name,
            |ctx: NativeCallContext, _: &mut Array, _: FnPtr, _: INT| refuse(&ctx),
        );
    }
    for name in ["reduce", "reduce_rev"] {
        engine.register_fn(
            name,
            |ctx: NativeCallContext, _: &mut Array, _: FnPtr, _: Dynamic| refuse(&ctx),
        );
    }
    engine.register_fn(
        "zip",
        |ctx: NativeCallContext, _: &mut Array, _: Array, _: FnPtr| refuse(&ctx),
    );
    for name in ["map", "filter", "drain", "retain"] {
        engine.register_fn(name, |ctx: NativeCallContext, _: &mut Map, _: FnPtr| {
            refuse(&ctx)
        });
    }
}

/// The array functions whose `(array, pointer)` overload calls back.
const CALLBACK_FUNCTIONS: [&str; 17] = [
    "for_each",
    "map",
    "filter",
    "find",
    "find_map",
    "some",
    "all",
    "dedup",
    "reduce",
    "reduce_rev",
    "sort",
    "sort_by",
    "drain",
    "retain",
    "index_of",
    "order",
    "order_by",
];

/// The shared engine, built once.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| sandbox(&LIMITS))
}

/// Where a script's text is: a `.rhai` file (from its start) or a `脚本 """ … """` block inside
/// a rule file (from the first character after the quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The file holding the text.
    pub file: FileId,
    /// Byte offset of the script's first character in that file.
    pub start: u32,
}

impl Origin {
    /// The byte span of a rhai position (1-based line, 1-based character column, relative to
    /// the script) in the file that holds it: one character wide, clamped into the text.
    pub fn span(&self, sources: &SourceMap, pos: Pos) -> Span {
        let Some(file) = sources.get(self.file) else {
            return Span::new(self.file, self.start as usize, self.start as usize);
        };
        let text = file.text.get(self.start as usize..).unwrap_or("");
        let offset = self.start as usize + offset_of(text, pos);
        let end = file
            .text
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .map_or(offset, |c| offset + c.len_utf8());
        Span::new(self.file, offset, end)
    }

    /// `path:line:column` of a position, for error documents.
    pub fn location(&self, sources: &SourceMap, pos: Pos) -> String {
        sources.location(self.span(sources, pos)).to_string()
    }
}

/// Byte offset in `text` of a rhai position; positions past a line's end or the text's end
/// are clamped (rhai reports "end of script" one past the last character).
fn offset_of(text: &str, pos: Pos) -> usize {
    if pos.line == 0 {
        return 0;
    }
    let mut line_start = 0;
    for _ in 1..pos.line {
        match text[line_start..].find('\n') {
            Some(n) => line_start += n + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |n| line_start + n);
    let line = &text[line_start..line_end];
    let col = (pos.column.max(1) - 1) as usize;
    line_start + line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
}

/// A fact a script reads, ready to be pushed as a constant.
#[derive(Debug, Clone)]
struct ScriptFact {
    id: FactId,
    name: ImmutableString,
    /// An option's variant names, in variant order.
    variants: Option<Box<[ImmutableString]>>,
}

/// A compiled hook script.
#[derive(Debug, Clone)]
pub struct Script {
    ast: rhai::AST,
    /// The facts whose names occur in the text (a superset of those it reads).
    facts: Box<[ScriptFact]>,
    /// Which decision constants occur in the text, by index into [`DECISION_CONSTANTS`].
    constants: u8,
    /// Where the text is.
    pub origin: Origin,
}

impl Script {
    /// Whether the script reads the decision so far (so the walk need not compute it for a
    /// script that does not).
    pub fn reads_decision(&self) -> bool {
        self.constants & 0b1_1110 != 0
    }

    /// The facts whose names occur in the script (`facts.x` and the bare constant `x`): what a
    /// static read of the text says it may read.
    pub fn fact_ids(&self) -> impl Iterator<Item = FactId> + '_ {
        self.facts.iter().map(|f| f.id)
    }
}

/// A script that did not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// H0601, H0603 or H0604.
    pub code: Code,
    /// What is wrong, in Chinese.
    pub message: String,
    /// The label under the span.
    pub label: String,
    /// How to fix it.
    pub help: String,
    /// Where in the script.
    pub pos: Pos,
}

/// Compiles a script once, when rules load. Every declared fact and decision constant is a
/// known name (so a misspelt one does not compile); only the names that occur in the text are
/// kept for running.
pub fn compile(text: &str, origin: Origin, facts: &[Fact]) -> Result<Script, CompileError> {
    // Only the facts whose names occur in the text are put in scope: rhai looks names up
    // linearly, so a scope of every fact made compiling O(facts × names).
    let words = identifiers(text);
    let used: Vec<(usize, &Fact)> = facts
        .iter()
        .enumerate()
        .filter(|(_, f)| words.binary_search(&&*f.name).is_ok())
        .collect();
    let mut scope = Scope::with_capacity(used.len() + DECISION_CONSTANTS.len());
    for (_, f) in &used {
        scope.push_dynamic(&*f.name, Dynamic::UNIT);
    }
    for c in DECISION_CONSTANTS {
        scope.push_dynamic(c, Dynamic::UNIT);
    }
    let ast = engine()
        .compile_with_scope(&scope, text)
        .map_err(|e| errors::compile_error(&e, facts))?;
    redeclarations(text, used.iter().map(|(_, f)| &*f.name), facts)?;
    let used: Box<[ScriptFact]> = used
        .into_iter()
        .filter_map(|(i, f)| {
            Some(ScriptFact {
                id: FactId::try_from(i).ok()?,
                name: f.name.as_ref().into(),
                variants: match &f.ty {
                    FactType::Enum(vs) => Some(vs.iter().map(|(v, _)| v.as_str().into()).collect()),
                    _ => None,
                },
            })
        })
        .collect();
    let mut constants = 0u8;
    for (i, c) in DECISION_CONSTANTS.iter().enumerate() {
        if words.binary_search(c).is_ok() {
            constants |= 1 << i;
        }
    }
    Ok(Script {
        ast,
        facts: used,
        constants,
        origin,
    })
}

/// A script may not declare a variable named like a fact or a decision constant: at run time
/// that name is a constant and the declaration would fail. rhai's parser checks shadowing only
/// against the script's own declarations, so the check compiles the script once more behind a
/// first line that declares every name it uses (errors on that line are not the script's).
fn redeclarations<'a>(
    text: &str,
    used: impl Iterator<Item = &'a str>,
    facts: &[Fact],
) -> Result<(), CompileError> {
    let names: Vec<&str> = used.chain(DECISION_CONSTANTS.iter().copied()).collect();
    // The probe is a second compile of the whole script: it runs only where a declaration of
    // one of the names is possible at all.
    if !may_declare(text, &names) {
        return Ok(());
    }
    let mut probe = String::with_capacity(text.len() + 24 * names.len());
    for name in names {
        probe.push_str("let ");
        probe.push_str(name);
        probe.push_str(" = ();");
    }
    probe.push('\n');
    probe.push_str(text);
    match engine().compile(&probe) {
        Err(e) if e.position().line().is_some_and(|l| l > 1) => {
            let mut err = errors::compile_error(&e, facts);
            err.pos.line -= 1;
            Err(err)
        }
        _ => Ok(()),
    }
}

/// Whether a script may declare a variable named by one of `names`. rhai declares one only
/// after `let`, `const`, `for` and `catch`: this is whether one of the names is among the words
/// that follow such a keyword, past white space, comments, brackets and commas (`for (x, i) in`).
/// A superset: a keyword inside a string or a comment counts too, which costs only the probe.
fn may_declare(text: &str, names: &[&str]) -> bool {
    const DECLARING: [&[u8]; 4] = [b"let", b"const", b"for", b"catch"];
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let word_end = |from: usize| (from..bytes.len()).find(|&j| !ident(bytes[j])).unwrap_or(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if !(bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') || (i > 0 && ident(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let mut end = word_end(i);
        if DECLARING.contains(&&bytes[i..end]) {
            let mut j = end;
            while j < bytes.len() {
                let rest = &bytes[j..];
                if rest[0].is_ascii_whitespace() || rest[0] == b'(' || rest[0] == b',' {
                    j += 1;
                } else if rest.starts_with(b"//") {
                    j += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                } else if rest.starts_with(b"/*") {
                    j += block_comment_len(rest);
                } else if ident(rest[0]) {
                    let w = word_end(j);
                    if names.iter().any(|n| n.as_bytes() == &bytes[j..w]) {
                        return true;
                    }
                    j = w;
                } else {
                    break;
                }
            }
            // The words passed over were each compared already (a keyword among them only
            // starts the same run again): the scan goes on after them, so it stays linear.
            end = j;
        }
        i = end;
    }
    false
}

/// The length of the block comment `text` starts with (rhai's nest), or of the whole text if
/// it does not end.
fn block_comment_len(text: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut j = 0;
    while j + 1 < text.len() {
        match &text[j..j + 2] {
            b"/*" => {
                depth += 1;
                j += 2;
            }
            b"*/" => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    text.len()
}

/// Every identifier-like word of a text (strings and comments included: a superset is safe).
fn identifiers(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The decision so far, as the script sees it.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    /// The violation's code.
    pub violation: &'a str,
    /// The outcome so far (at 情节之后: what the circumstances so far combine to).
    pub outcome: Outcome,
    /// 应当 or 可以.
    pub mandatory: bool,
    /// The fine so far.
    pub fine: Option<FineRange>,
    /// The statutory fine range for this party and these facts.
    pub statutory: Option<FineRange>,
}

/// A script that stopped with an error, or broke a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The H06xx code.
    pub code: Code,
    /// What happened, in Chinese, naming the limit where one was reached.
    pub message: String,
    /// Where in the script, if known.
    pub pos: Pos,
}

/// Runs a compiled script for one case. Only the facts and constants the script names are
/// pushed into its scope.
pub fn run(
    script: &Script,
    point: HookPoint,
    facts: &[Option<Value>],
    snap: &Snapshot<'_>,
) -> Result<Effects, Failure> {
    run_on(engine(), &LIMITS, script, point, facts, snap)
}

fn run_on(
    engine: &Engine,
    limits: &Limits,
    script: &Script,
    point: HookPoint,
    facts: &[Option<Value>],
    snap: &Snapshot<'_>,
) -> Result<Effects, Failure> {
    let mut scope = Scope::with_capacity(script.facts.len() + 7);
    for f in script.facts.iter() {
        let value = match facts.get(f.id as usize).copied().flatten() {
            None => Dynamic::UNIT,
            Some(Value::Bool(b)) => Dynamic::from_bool(b),
            Some(Value::Int(i)) => Dynamic::from_int(i as INT),
            Some(Value::Dec(d)) => Dynamic::from_decimal(d),
            Some(Value::Date(d)) => Dynamic::from(d.to_string()),
            Some(Value::Enum(i)) => f
                .variants
                .as_ref()
                .and_then(|vs| vs.get(usize::from(i)))
                .map_or(Dynamic::UNIT, |v| Dynamic::from(v.clone())),
        };
        scope.push_constant_dynamic(f.name.as_str(), value);
    }
    if script.constants != 0 {
        let money =
            |d: Option<rust_decimal::Decimal>| d.map_or(Dynamic::UNIT, Dynamic::from_decimal);
        let values = [
            Dynamic::from(snap.violation.to_string()),
            Dynamic::from(snap.outcome.short_zh()),
            Dynamic::from_bool(snap.mandatory),
            money(snap.fine.map(|f| f.min)),
            money(snap.fine.map(|f| f.max)),
            money(snap.statutory.map(|f| f.min)),
            money(snap.statutory.map(|f| f.max)),
        ];
        for (i, (name, value)) in DECISION_CONSTANTS.iter().zip(values).enumerate() {
            if script.constants & (1 << i) != 0 {
                scope.push_constant_dynamic(*name, value);
            }
        }
    }
    world::begin(point);
    let result = engine.eval_ast_with_scope::<Dynamic>(&mut scope, &script.ast);
    let (effects, stopped) = world::end();
    match result {
        Err(e) => Err(errors::run_error(&e, limits)),
        Ok(_) if stopped.is_some() => Err(errors::stopped(stopped, Pos::default(), limits)),
        Ok(v) if !v.is_unit() => Err(errors::returned(&v)),
        Ok(_) => Ok(effects),
    }
}

/// An outcome from its name in a script (short or with 处罚).
fn outcome_from_zh(s: &str) -> Option<Outcome> {
    let s = s
        .strip_suffix("处罚")
        .filter(|x| !x.is_empty() && *x != "不予")
        .unwrap_or(s);
    [
        Outcome::NoPenalty,
        Outcome::Mitigated,
        Outcome::Lighter,
        Outcome::Standard,
        Outcome::Aggravated,
    ]
    .into_iter()
    .find(|o| o.short_zh() == s)
}

/// The nearest function a script may call, for a misspelt one.
fn nearest_function(name: &str) -> Option<&'static str> {
    nearest(name, FUNCTIONS.iter().map(|(n, _)| *n))
}

#[cfg(test)]
mod tests;
