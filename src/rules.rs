//! The public entry point: a loaded, checked and compiled rule set that evaluates cases.

use crate::case::{Case, CaseText};
use crate::diag::{Code, Diagnostic};
use crate::eval::decision::{Decision, RuleSetInfo};
use crate::eval::{self, CaseError};
use crate::graph::Graph;
use crate::load::{self, DiskSource, EmbeddedSource, FileSource, MemorySource};
use crate::model::{self, RuleSet};
use crate::review::{Proposed, Reviewed};
use crate::source::SourceMap;
use crate::vocab::Party;
use std::path::Path;
use std::sync::Arc;

/// Rules that could not be loaded: every diagnostic, with the sources to render them.
#[derive(Debug)]
#[non_exhaustive]
pub struct LoadError {
    /// The problems, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The files, for rendering.
    pub sources: SourceMap,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::diag::render_plain(&self.diagnostics, &self.sources))
    }
}

impl std::error::Error for LoadError {}

/// A checked, compiled rule set.
#[derive(Debug)]
pub struct Rules {
    model: RuleSet,
    graph: Graph,
    info: Arc<RuleSetInfo>,
    warnings: Vec<Diagnostic>,
}

/// Evaluation options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Record the trace (on by default).
    pub trace: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { trace: true }
    }
}

impl Rules {
    /// Loads the rule set whose root is `path`: a `.rules` file, or a directory holding
    /// `main.rules`.
    pub fn load(path: impl AsRef<Path>) -> Result<Rules, LoadError> {
        let path = path.as_ref();
        let (base, root) = if path.is_dir() {
            (path.to_path_buf(), load::ROOT_FILE.to_string())
        } else {
            (
                path.parent().unwrap_or(Path::new("")).to_path_buf(),
                path.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            )
        };
        Rules::from_source(&DiskSource { base }, &root)
    }

    /// Loads a rule set from texts in memory: `(path, text)` pairs and the root's path.
    pub fn from_sources(files: &[(String, String)], root: &str) -> Result<Rules, LoadError> {
        Rules::from_source(&MemorySource { files }, root)
    }

    /// The default rule set embedded in the library (`rules/` of the source tree).
    pub fn embedded() -> Result<Rules, LoadError> {
        Rules::from_source(&EmbeddedSource, &format!("rules/{}", load::ROOT_FILE))
    }

    /// Loads from any file source.
    pub(crate) fn from_source(source: &dyn FileSource, root: &str) -> Result<Rules, LoadError> {
        let g = load::gather(source, root);
        if g.diags.iter().any(Diagnostic::is_error) {
            let mut diagnostics = g.diags;
            // Syntax errors do not hide the model's: what parsed is lowered and checked too, and
            // its diagnostics reported unless they follow from a syntax error.
            if diagnostics
                .iter()
                .all(|d| !d.is_error() || recoverable(d.code))
            {
                let (model, more) =
                    model::lower(&g.files, g.sources.clone(), &g.base_files, &g.depth);
                let checked = crate::check::run(&model, false);
                diagnostics.extend(
                    more.into_iter()
                        .chain(checked)
                        .filter(|d| !follows_from_syntax(d, &g.files, &g.sources)),
                );
            }
            crate::diag::sort(&mut diagnostics);
            return Err(LoadError {
                diagnostics,
                sources: g.sources,
            });
        }
        // A helper hashes the files while this thread lowers them (its other work meanwhile, the
        // hooks' scripts, takes it half the lowering).
        let digest = crate::helpers::share(1, vec![g.sources.clone()], |sources: SourceMap| {
            let digest = load::digest(&sources);
            (sources, digest)
        });
        let (mut model, mut diags) = model::lower(&g.files, g.sources, &g.base_files, &g.depth);
        diags.extend(g.diags);
        // The lints run only on a rule set without errors, the checks always.
        let lint = !diags.iter().any(Diagnostic::is_error);
        diags.extend(crate::check::run(&model, false));
        let (sources, digest) = match digest.finish().pop().flatten() {
            Some(done) => done,
            // The helper's hashing panicked: again here, where a panic is the caller's.
            None => {
                let sources = model.sources.clone();
                let digest = load::digest(&sources);
                (sources, digest)
            }
        };
        model.digest = digest;
        // A rule set the checks pass loads unless a lint finds an error: a helper compiles its
        // graph while this thread runs the lints (the graph reads neither their findings nor
        // anything they read that changes).
        let graph = if lint && !diags.iter().any(Diagnostic::is_error) {
            crate::publish::words::fill_trace_words(&mut model);
            let shared = Arc::new(model);
            let graph = crate::helpers::share(1, vec![Arc::clone(&shared)], |m: Arc<RuleSet>| {
                Graph::compile(&m)
            });
            Ok((shared, graph))
        } else {
            Err(model)
        };
        // The syntax trees a helper parsed are dropped by a helper, into the allocator arena
        // they came from, while this thread goes on; the others here, in place (dropped on a
        // helper, their memory was freed into this thread's arena while it allocated the
        // graph, and the shipped set loaded 8% slower: docs/performance.md).
        let (theirs, ours): (Vec<_>, Vec<_>) = g
            .files
            .into_iter()
            .partition(|(id, _)| g.helper_parsed.binary_search(id).is_ok());
        if !theirs.is_empty() {
            // Not waited for: whoever takes it drops it (this thread, if no helper does).
            drop(crate::helpers::share(1, vec![theirs], drop));
        }
        drop(ours);
        let (model, graph) = match graph {
            Ok((shared, graph)) => {
                diags.extend(crate::check::lints(&shared));
                let graph = graph.finish().pop().flatten();
                let model = sole(shared);
                // The helper's compile panicked: again here, where a panic is the caller's.
                let graph = graph.unwrap_or_else(|| Graph::compile(&model));
                (model, Some(graph))
            }
            Err(model) => (model, None),
        };
        // The warnings of the rule sets this one builds on are theirs, reported when they are
        // checked; the errors stop this one from loading and are reported here.
        diags.retain(|d| d.is_error() || own(&model, d));
        crate::diag::sort(&mut diags);
        let graph = match graph {
            Some(graph) if !diags.iter().any(Diagnostic::is_error) => graph,
            _ => {
                return Err(LoadError {
                    diagnostics: diags,
                    sources,
                });
            }
        };
        let info = Arc::new(RuleSetInfo {
            name: model.meta.name.clone(),
            version: model.meta.version.clone(),
            digest: model.digest.as_str().into(),
        });
        Ok(Rules {
            model,
            graph,
            info,
            warnings: diags,
        })
    }

    /// The checked model (facts, violations, entries): internal, public with `internals`.
    #[cfg(feature = "internals")]
    pub fn model(&self) -> &RuleSet {
        &self.model
    }

    /// The checked model (facts, violations, entries).
    #[cfg(not(feature = "internals"))]
    pub(crate) fn model(&self) -> &RuleSet {
        &self.model
    }

    /// Warnings found while loading (lints).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The analysis of `caliper check` (lints L0403 on: conflicts, gaps, legality), each
    /// finding with an example case; computed on demand, sorted by file and position.
    pub fn analyse(&self) -> Vec<Diagnostic> {
        let mut d = crate::check::analyse(&self.model);
        d.retain(|d| own(&self.model, d));
        crate::diag::sort(&mut d);
        d
    }

    /// [`Rules::warnings`] followed by [`Rules::analyse`]: everything `caliper check` reports
    /// for a rule set that loads.
    pub fn all_warnings(&self) -> Vec<Diagnostic> {
        let mut d = self.warnings.clone();
        d.extend(self.analyse());
        crate::diag::sort(&mut d);
        d
    }

    /// The rule set's name, version and digest.
    pub fn info(&self) -> &RuleSetInfo {
        &self.info
    }

    /// The files the rule set was loaded from (rule files and hook scripts), in load order, with
    /// their paths as the rule set names them; the first is the root.
    /// [`Rules::from_sources`] with these and [`Rules::root_file`] loads the same rule set again,
    /// with the same digest.
    pub fn source_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.model
            .sources
            .files()
            .map(|(_, f)| (f.path.as_str(), f.text.as_str()))
    }

    /// The path of the root file, as [`Rules::source_files`] names it.
    pub fn root_file(&self) -> &str {
        self.source_files().next().map_or("", |(p, _)| p)
    }

    /// The files, for rendering [`Rules::warnings`].
    pub fn sources(&self) -> &SourceMap {
        &self.model.sources
    }

    /// Evaluates a case into a decision, with the trace.
    pub fn evaluate(&self, case: &Case) -> Result<Decision, CaseError> {
        self.evaluate_with(case, Options::default())
    }

    /// Evaluates a case with options.
    pub fn evaluate_with(&self, case: &Case, opts: Options) -> Result<Decision, CaseError> {
        self.evaluate_parts(
            case.case_id.as_deref(),
            case.violation.as_deref(),
            case.violations.as_deref(),
            |facts| eval::bind(&self.model, &self.graph, case, facts),
            opts,
        )
    }

    /// Evaluates one violation's case given by its parts, the facts as parsed JSON values:
    /// what [`Rules::evaluate_with`] does without building a [`Case`] (the audit's records
    /// carry their facts beside other fields).
    pub(crate) fn evaluate_facts(
        &self,
        case_id: Option<&str>,
        violation: &str,
        facts: &indexmap::IndexMap<String, serde_json::Value>,
        opts: Options,
    ) -> Result<Decision, CaseError> {
        self.evaluate_inputs(
            case_id,
            violation,
            facts
                .iter()
                .map(|(k, v)| (k.as_str(), eval::Input::Json(v))),
            opts,
        )
    }

    /// [`Rules::evaluate_facts`] with the facts as (name, value) pairs, a value parsed or the
    /// JSON text of it (the audit reads its archive's lines in place).
    pub(crate) fn evaluate_inputs<'a>(
        &self,
        case_id: Option<&str>,
        violation: &str,
        facts: impl Iterator<Item = (&'a str, eval::Input<'a>)>,
        opts: Options,
    ) -> Result<Decision, CaseError> {
        self.evaluate_parts(
            case_id,
            Some(violation),
            None,
            |slots| eval::bind_inputs(&self.model, &self.graph, facts, slots),
            opts,
        )
    }

    /// The evaluation of a case given by its parts; `bind` fills the facts.
    fn evaluate_parts(
        &self,
        case_id: Option<&str>,
        violation: Option<&str>,
        violations: Option<&[String]>,
        bind: impl FnOnce(&mut [Option<crate::model::Value>]) -> Result<(), CaseError>,
        opts: Options,
    ) -> Result<Decision, CaseError> {
        let single: [u32; 1];
        let several: Vec<u32>;
        let ids: &[u32] = match (violation, violations) {
            (Some(v), None) => {
                single = [self.violation_id(v, || "violation".to_string())?];
                &single
            }
            (None, Some(vs)) if !vs.is_empty() => {
                several = self.several(vs)?;
                &several
            }
            (Some(_), Some(_)) => {
                return Err(CaseError::new(
                    Code::MalformedCase,
                    "violation 与 violations 只能写一个",
                    "violations",
                ));
            }
            _ => {
                return Err(CaseError::new(
                    Code::MalformedCase,
                    "案件须写明 violation（违法行为编号）",
                    "violation",
                ));
            }
        };
        // The facts live on the stack for rule sets of up to 64 facts: a case allocates nothing
        // for them.
        let defaults = &self.graph.defaults;
        let mut stack = [None; 64];
        let mut heap = Vec::new();
        let facts: &mut [Option<crate::model::Value>] = if defaults.len() <= stack.len() {
            let slots = &mut stack[..defaults.len()];
            slots.copy_from_slice(defaults);
            slots
        } else {
            heap.extend_from_slice(defaults);
            &mut heap
        };
        bind(facts)?;
        // Every hook of this decision draws from one budget (docs/limits.md).
        let _budget = crate::hooks::budget::Decision::start();
        let case = eval::Inputs {
            facts,
            info: &self.info,
            trace: opts.trace,
            case_id,
        };
        eval::decide(&self.model, &self.graph, ids, &case)
    }

    /// The violations of a case's `violations`, each once (in the order first given), at most
    /// [`crate::limits::VIOLATIONS_PER_CASE`] of them.
    fn several(&self, codes: &[String]) -> Result<Vec<u32>, CaseError> {
        let mut ids: Vec<u32> = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            let id = self.violation_id(code, || format!("violations[{i}]"))?;
            if ids.contains(&id) {
                continue;
            }
            if ids.len() == crate::limits::VIOLATIONS_PER_CASE {
                return Err(CaseError::new(
                    Code::CaseLimit,
                    format!(
                        "violations 中不同的违法行为超过 {} 个（每个案件的违法行为上限）",
                        crate::limits::VIOLATIONS_PER_CASE
                    ),
                    format!("violations[{i}]"),
                ));
            }
            ids.push(id);
        }
        Ok(ids)
    }

    /// The index of a violation code, or the case error naming it (and the nearest code).
    fn violation_id(&self, code: &str, at: impl FnOnce() -> String) -> Result<u32, CaseError> {
        if let Some(&id) = self.model.violation_index.get(code) {
            return Ok(id);
        }
        if code.len() > crate::limits::NAME_BYTES {
            return Err(CaseError::new(
                Code::CaseLimit,
                format!(
                    "违法行为编号 {} 超过 {} 字节（名称长度上限）",
                    crate::limits::clip(code),
                    crate::limits::NAME_BYTES
                ),
                at(),
            ));
        }
        // Written in one allocation: an error must cost no more than a decision.
        let hint = self.nearest_code(code);
        Err(CaseError::new(
            Code::UnknownViolationInCase,
            crate::diag::did_you_mean("规则集中没有违法行为 ", code, hint),
            at(),
        ))
    }

    /// The violation code nearest to `code`, for "did you mean": a fixed amount of work whatever
    /// the number of codes.
    pub fn nearest_code(&self, code: &str) -> Option<&str> {
        self.graph.codes.nearest(code)
    }

    /// Evaluates a case given as JSON text (the contract's case document). The facts are read
    /// straight from the text.
    pub fn evaluate_json(&self, text: &str) -> Result<Decision, CaseError> {
        self.evaluate_json_with(text, Options::default())
    }

    /// Evaluates a case given as JSON text, with options.
    pub fn evaluate_json_with(&self, text: &str, opts: Options) -> Result<Decision, CaseError> {
        if text.len() > crate::limits::CASE_BYTES {
            return Err(CaseError::new(
                Code::CaseLimit,
                format!(
                    "案件文档长 {} 字节，超过 {} 字节（案件大小上限）",
                    text.len(),
                    crate::limits::CASE_BYTES
                ),
                "",
            ));
        }
        // A UTF-8 byte-order mark (as some editors on Windows write) is not part of the document.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // The common form is read by hand; anything else (and every error) by serde.
        let mut plain = [("", ""); crate::case::PLAIN_FACTS];
        if let Some(case) = crate::case::read_plain(text, &mut plain) {
            let facts = case.facts();
            return self.evaluate_parts(
                case.case_id,
                case.violation,
                None,
                |slots| {
                    eval::bind_inputs(
                        &self.model,
                        &self.graph,
                        facts.iter().map(|&(k, v)| (k, eval::Input::Text(v))),
                        slots,
                    )
                },
                opts,
            );
        }
        let case: CaseText<'_> = serde_json::from_str(text).map_err(|e| {
            CaseError::new(
                Code::MalformedCase,
                // serde quotes the value it could not read: a huge one by its first bytes only.
                format!(
                    "案件不是有效的 JSON 案件文档：{}",
                    crate::limits::clip(&e.to_string())
                ),
                format!("第 {} 行第 {} 列", e.line(), e.column()),
            )
        })?;
        let facts = &case.facts.0;
        self.evaluate_parts(
            case.case_id.as_deref(),
            case.violation.as_deref(),
            case.violations.as_deref(),
            |slots| {
                eval::bind_inputs(
                    &self.model,
                    &self.graph,
                    facts
                        .iter()
                        .map(|(k, v)| (k.as_ref(), eval::Input::Text(v.get()))),
                    slots,
                )
            },
            opts,
        )
    }

    /// JSON text in, JSON text out: the decision document, or the error document of the
    /// contract (`{ "error": { … } }`). What the HTTP API and the C ABI serve.
    pub fn decide_json(&self, text: &str) -> String {
        self.decide_json_with(text, Options::default())
    }

    /// [`Rules::decide_json`] with options (without the trace, `"trace"` is `[]`).
    pub fn decide_json_with(&self, text: &str, opts: Options) -> String {
        // Written directly, the same bytes as serde_json writes from the documents' types.
        match self.evaluate_json_with(text, opts) {
            Ok(d) => crate::explain::decision_json(&d),
            Err(e) => crate::explain::error_json(&e),
        }
    }
}

impl Rules {
    /// The Chinese label of a declared fact, as a caseworker reads it.
    pub fn fact_label(&self, name: &str) -> Option<&str> {
        self.model
            .fact_index
            .get(name)
            .map(|&f| &*self.model.facts[f as usize].label)
    }

    /// Reviews what an officer proposes for a case (偏离审查): the engine's decision for the case,
    /// and where the proposal stands against it and against the law.
    pub fn review(&self, case: &Case, proposed: &Proposed) -> Result<Reviewed, CaseError> {
        let decision = self.evaluate(case)?;
        let id = self.violation_id(&decision.violation, || "violation".to_string())?;
        let party = match case.facts.get("party_type").and_then(|v| v.as_str()) {
            Some("individual") => Some(Party::Individual),
            Some("unit") => Some(Party::Unit),
            _ => None,
        };
        let review = crate::review::review(&self.model, id, party, &decision, proposed);
        Ok(Reviewed { decision, review })
    }

    /// Reviews a request given as JSON text: a case document with a `proposed` member (or
    /// `{ "case": …, "proposed": … }`).
    pub fn review_request_json(&self, text: &str) -> Result<Reviewed, CaseError> {
        let malformed = |what: String, at: String| CaseError::new(Code::MalformedCase, what, at);
        let mut doc: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
            .map_err(|e| {
                malformed(
                    format!("审查请求不是有效的 JSON 对象：{e}"),
                    format!("第 {} 行第 {} 列", e.line(), e.column()),
                )
            })?;
        let proposed = doc.remove("proposed").ok_or_else(|| {
            malformed(
                "审查请求须写明 proposed（拟作出的处罚：outcome、fine、penalties）".to_string(),
                "proposed".to_string(),
            )
        })?;
        let proposed: Proposed = serde_json::from_value(proposed).map_err(|e| {
            malformed(
                format!("proposed 写得不对：{e}；应为 {{\"outcome\": …, \"fine\": 金额, \"penalties\": [种类…]}}"),
                "proposed".to_string(),
            )
        })?;
        let case = match doc.remove("case") {
            Some(case) if doc.is_empty() => case,
            Some(_) => {
                return Err(malformed(
                    "审查请求写了 case，就只能再写 proposed".to_string(),
                    "case".to_string(),
                ));
            }
            None => serde_json::Value::Object(doc),
        };
        let case: Case = serde_json::from_value(case)
            .map_err(|e| malformed(format!("案件写得不对：{e}"), "case".to_string()))?;
        self.review(&case, &proposed)
    }

    /// JSON text in, JSON text out: `{ "decision": …, "review": … }`, or the error document.
    pub fn review_json(&self, text: &str) -> String {
        let written = match self.review_request_json(text) {
            Ok(r) => serde_json::to_string(&r),
            Err(e) => serde_json::to_string(&e.to_document()),
        };
        written.unwrap_or_else(|_| {
            r#"{"error":{"code":"E0504","message":"无法写出审查结果","at":""}}"#.to_string()
        })
    }
}

/// Whether a diagnostic is about this rule set's own files, not those of the rule set it
/// builds on.
fn own(model: &RuleSet, d: &Diagnostic) -> bool {
    match (&model.base, d.primary_span()) {
        (Some(base), Some(at)) => !base.holds(at),
        _ => true,
    }
}

/// Load errors after which the model of what did parse is still worth checking: syntax errors
/// (recovery keeps every item and clause it can read).
fn recoverable(code: Code) -> bool {
    matches!(
        code,
        Code::Syntax | Code::BadDate | Code::BadNumber | Code::UnbalancedBrace
    )
}

/// Whether a model diagnostic may be a consequence of a syntax error: it lies in an item with a
/// syntax error, or names what an unreadable item declared, or asks for what such an item may
/// have given (the header, a standard fact).
fn follows_from_syntax(
    d: &Diagnostic,
    files: &[(crate::source::FileId, crate::syntax::ast::File)],
    sources: &SourceMap,
) -> bool {
    let Some(at) = d.primary_span() else {
        return false;
    };
    let parsed = || files.iter().map(|(_, f)| f);
    if parsed()
        .flat_map(|f| &f.broken)
        .any(|b| b.file == at.file && b.start <= at.start && at.end <= b.end)
    {
        return true;
    }
    let lost = || parsed().flat_map(|f| &f.lost);
    let text = sources.get(at.file).map(|f| f.slice(at));
    if lost().any(|n| Some(n.text.as_str()) == text) {
        return true;
    }
    matches!(d.code, Code::RuleSetHeader | Code::MissingStandardFact) && lost().next().is_some()
}

impl Rules {
    /// The same rule set loaded again from the texts it was loaded from: equal in every answer,
    /// but sharing no allocation (and so no reference count) with this one, for a thread that
    /// evaluates beside others. Costs a load, and the memory of one more rule set.
    pub fn unshared_copy(&self) -> Result<Rules, LoadError> {
        let files: Vec<(String, String)> = self
            .source_files()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        Rules::from_sources(&files, self.root_file())
    }
}

/// The model a helper compiled the graph from, once the compile is over: the helper lets go of
/// its handle before it answers (or as its panic unwinds), so it is the only one left.
fn sole(mut shared: Arc<RuleSet>) -> RuleSet {
    loop {
        match Arc::try_unwrap(shared) {
            Ok(model) => return model,
            Err(again) => {
                shared = again;
                std::thread::yield_now();
            }
        }
    }
}
