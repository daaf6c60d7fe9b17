//! The public entry point: a loaded, checked and compiled rule set that evaluates cases.

use crate::case::{Case, CaseText};
use crate::decision::{Decision, FineRange, RuleSetInfo};
use crate::diag::{Code, Diagnostic};
use crate::eval::{self, CaseError};
use crate::graph::Graph;
use crate::load::{self, DiskSource, FileSource, MemorySource};
use crate::model::{self, RuleSet};
use crate::source::SourceMap;
use std::path::Path;
use std::sync::Arc;

/// Rules that could not be loaded: every diagnostic, with the sources to render them.
#[derive(Debug)]
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
        let files: Vec<(String, String)> = crate::embedded::FILES
            .iter()
            .chain(crate::embedded::SCRIPTS)
            .map(|(p, t)| (format!("rules/{p}"), (*t).to_string()))
            .collect();
        Rules::from_sources(&files, &format!("rules/{}", load::ROOT_FILE))
    }

    /// Loads from any file source.
    pub fn from_source(source: &dyn FileSource, root: &str) -> Result<Rules, LoadError> {
        let g = load::gather(source, root);
        if g.diags.iter().any(Diagnostic::is_error) {
            let mut diagnostics = g.diags;
            crate::diag::sort(&mut diagnostics);
            return Err(LoadError {
                diagnostics,
                sources: g.sources,
            });
        }
        let sources = g.sources.clone();
        let (model, mut diags) = model::lower(&g.files, g.sources, g.digest);
        diags.extend(g.diags);
        let Some(model) = model else {
            crate::diag::sort(&mut diags);
            return Err(LoadError {
                diagnostics: diags,
                sources,
            });
        };
        diags.extend(crate::check::run(&model));
        crate::diag::sort(&mut diags);
        let graph = Graph::compile(&model);
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

    /// The checked model (facts, violations, entries).
    pub fn model(&self) -> &RuleSet {
        &self.model
    }

    /// Warnings found while loading (lints).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The rule set's name, version and digest.
    pub fn info(&self) -> &RuleSetInfo {
        &self.info
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
        let facts: &[Option<crate::model::Value>] = facts;
        // Every hook of this decision draws from one budget (docs/limits.md).
        let _budget = crate::hooks::budget::Decision::start();
        let decide = |id: u32| {
            eval::decide(
                &self.model,
                &self.graph.plans[id as usize],
                id,
                facts,
                &self.info,
                opts.trace,
            )
        };
        let mut decision = match ids {
            [one] => decide(*one)?.decision,
            many => {
                let decided = many
                    .iter()
                    .map(|&id| decide(id))
                    .collect::<Result<Vec<_>, _>>()?;
                several_norms(decided)
            }
        };
        decision.case_id = case_id.map(str::to_string);
        Ok(decision)
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
        let hint =
            crate::diag::nearest(code, self.model.violation_index.keys().map(String::as_str))
                .map(|n| format!("；是否想写 {n}？"))
                .unwrap_or_default();
        Err(CaseError::new(
            Code::UnknownViolationInCase,
            format!("规则集中没有违法行为 {code}{hint}"),
            at(),
        ))
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
        let case: CaseText<'_> = serde_json::from_str(text).map_err(|e| {
            CaseError::new(
                Code::MalformedCase,
                format!("案件不是有效的 JSON 案件文档：{e}"),
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
        let written = match self.evaluate_json(text) {
            Ok(d) => serde_json::to_string(&d),
            Err(e) => serde_json::to_string(&e.to_document()),
        };
        // serde_json cannot fail on these types; say so rather than panic if it ever did.
        written.unwrap_or_else(|_| {
            r#"{"error":{"code":"E0504","message":"无法写出决定","at":""}}"#.to_string()
        })
    }
}

/// Art. 29: the norm with the higher fine decides (highest statutory maximum for this party,
/// then the highest minimum); the others are reported in `concurrent` with their fines
/// suppressed.
fn several_norms(mut decided: Vec<eval::Decided>) -> Decision {
    let key = |f: &Option<FineRange>| f.map(|f| (f.max, f.min));
    let best = decided
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| key(&a.statutory).cmp(&key(&b.statutory)).then(j.cmp(i)))
        .map_or(0, |(i, _)| i);
    let chosen = decided.swap_remove(best);
    let mut d = chosen.decision;
    for other in decided {
        let mut o = other.decision;
        o.fine = None;
        o.penalties
            .retain(|p| p.kind != crate::model::PenaltyKind::Fine);
        o.concurrent.clear();
        d.concurrent.push(o);
    }
    let art29: Arc<str> = eval::law::ART_29.into();
    if !d.basis.contains(&art29) {
        d.basis.push(art29);
    }
    d
}
