//! Hook declarations → checked hooks: coverage resolved, point and citation checked, and the
//! script compiled against the declared facts, its errors pointing into the script.

use super::Lowerer;
use crate::diag::{Code, Diagnostic, nearest};
use crate::facts::Fact;
use crate::hooks::{self, CompileError, HookPoint, Origin, Script};
use crate::model::{Hook, NameMap, ViolationId};
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashMap;
use std::sync::Arc;

/// A hook's script (by the hook's place among the declarations), its text and where it is.
type ScriptJob = (usize, String, Origin);

/// Where a script is, and its compile.
type Compiled = (Origin, Result<Script, CompileError>);

/// The hooks' scripts, compiling on the helpers ([`crate::helpers`]) while the rest of the rule
/// set is lowered: rhai's parser was about 40% of lowering the shipped set, on the loading
/// thread alone. Each depends only on its text and the declared facts, known after pass 1.
pub(super) struct Scripts(crate::helpers::Shared<ScriptJob, (usize, Compiled), CompileJob>);

/// What compiles one [`ScriptJob`].
type CompileJob = Box<dyn Fn(ScriptJob) -> (usize, Compiled) + Send + Sync>;

impl Lowerer {
    /// Starts compiling the script each hook names first (the one [`Lowerer::hook`] takes), if
    /// any hook has one; the facts must all be declared.
    pub(super) fn start_scripts(&self, decls: &[&ast::HookDecl]) -> Option<Scripts> {
        let jobs: Vec<ScriptJob> = decls
            .iter()
            .enumerate()
            .filter_map(|(n, h)| {
                let (origin, text) = self.script_text(h, h.scripts.first()?)?;
                Some((n, text, origin))
            })
            .collect();
        if jobs.is_empty() {
            return None;
        }
        let facts: Arc<[Fact]> = self.facts.as_slice().into();
        let helpers = jobs.len();
        Some(Scripts(crate::helpers::share(
            helpers,
            jobs,
            Box::new(move |(n, text, origin)| (n, (origin, hooks::compile(&text, origin, &facts)))),
        )))
    }

    /// Lowers every hook; problems are collected, a hook with any is dropped. `scripts` are
    /// their scripts as [`Lowerer::start_scripts`] compiles them.
    pub(super) fn hooks(
        &mut self,
        decls: &[&ast::HookDecl],
        violations: &NameMap<ViolationId>,
        entries: &NameMap<Span>,
        scripts: Option<Scripts>,
    ) -> Vec<Hook> {
        if decls.is_empty() {
            return Vec::new();
        }
        let mut compiled: Vec<Option<Compiled>> =
            std::iter::repeat_with(|| None).take(decls.len()).collect();
        // A script whose compile panicked on a helper has none: it is compiled here again.
        for (n, result) in scripts.into_iter().flat_map(|s| s.0.finish()).flatten() {
            if let Some(slot) = compiled.get_mut(n) {
                *slot = Some(result);
            }
        }
        self.reserved_fact_names();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::new();
        for (h, compiled) in decls.iter().zip(&mut compiled) {
            let first = seen
                .get(h.id.text.as_str())
                .or_else(|| entries.get(&h.id.text))
                .copied();
            if let Some(first) = first {
                self.duplicate(
                    Code::HookDeclaration,
                    h.id.span,
                    first,
                    format!("钩子编号 {} 重复", h.id.text),
                    [
                        "重复的编号",
                        "第一次出现在这里",
                        "钩子编号与清单条目编号在决定的“适用情节”中并列出现，须在整个规则集内唯一",
                    ],
                );
                continue;
            }
            seen.insert(&h.id.text, h.id.span);
            if let Some(hook) = self.hook(h, violations, compiled.take()) {
                out.push(hook);
            }
        }
        out
    }

    fn reserved_fact_names(&mut self) {
        for f in &self.facts {
            if hooks::DECISION_CONSTANTS.contains(&&*f.name) {
                self.diags.push(
                    Diagnostic::error(
                        Code::HookReservedFact,
                        f.span,
                        format!("事实 {} 与钩子脚本中决定的常量同名", f.name),
                    )
                    .label("名称已被脚本占用")
                    .help(format!(
                        "有钩子时，事实不能命名为 {}；给这个事实另取一个名称",
                        hooks::DECISION_CONSTANTS.join("、")
                    )),
                );
            }
        }
    }

    fn once<'a, T>(
        &mut self,
        h: &ast::HookDecl,
        items: &'a [T],
        what: &str,
        example: &str,
        span: impl Fn(&T) -> Span,
    ) -> Option<&'a T> {
        match items {
            [] => {
                self.diags.push(
                    Diagnostic::error(
                        Code::HookDeclaration,
                        h.id.span,
                        format!("钩子 {} 没有写“{what}”", h.id.text),
                    )
                    .label(format!("缺少“{what}”"))
                    .help(format!("在钩子的大括号内写：{example}")),
                );
                None
            }
            [first, rest @ ..] => {
                for extra in rest {
                    self.diags.push(
                        Diagnostic::error(
                            Code::HookDeclaration,
                            span(extra),
                            format!("钩子 {} 的“{what}”写了两次", h.id.text),
                        )
                        .label("第二次")
                        .secondary(span(first), "第一次")
                        .help("一个钩子只有一个时点和一个脚本；两个时点写成两个钩子"),
                    );
                }
                Some(first)
            }
        }
    }

    fn hook(
        &mut self,
        h: &ast::HookDecl,
        violations: &NameMap<ViolationId>,
        compiled: Option<Compiled>,
    ) -> Option<Hook> {
        let mut ok = true;
        if h.basis.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    Code::HookMissingCitation,
                    h.id.span,
                    format!("钩子 {} 没有写依据", h.id.text),
                )
                .label("缺少“依据”")
                .help("写上授权这一地方例外的规范性文件：依据 \"《……》第……条\""),
            );
            ok = false;
        }
        let covers = self.hook_covers(h, violations, &mut ok);

        let point = match self.once(
            h,
            &h.points,
            "时点",
            "时点 情节之后（或 结果之后）",
            |n| n.span,
        ) {
            None => {
                ok = false;
                None
            }
            Some(n) => match HookPoint::from_zh(&n.text) {
                Some(p) => Some(p),
                None => {
                    let names = HookPoint::ALL.map(HookPoint::zh);
                    let mut d = Diagnostic::error(
                        Code::HookUnknownPoint,
                        n.span,
                        format!("未知的钩子时点“{}”", n.text),
                    )
                    .label("不是钩子时点");
                    d = match nearest(&n.text, names) {
                        Some(x) => d.help(format!("是否想写“{x}”？时点有：{}", names.join("、"))),
                        None => d.help(format!("时点有：{}", names.join("、"))),
                    };
                    self.diags.push(d);
                    ok = false;
                    None
                }
            },
        };

        let script_span = |r: &ast::ScriptRef| match r {
            ast::ScriptRef::File(s) => s.span,
            ast::ScriptRef::Inline { span, .. } => *span,
        };
        let script = match self.once(
            h,
            &h.scripts,
            "脚本",
            "脚本 \"hooks/名称.rhai\"（或 脚本 \"\"\" … \"\"\"）",
            script_span,
        ) {
            None => {
                ok = false;
                None
            }
            Some(r) => self.hook_script(h, r, compiled),
        };
        let (Some(point), Some(script)) = (point, script) else {
            return None;
        };
        if !ok {
            return None;
        }
        Some(Hook {
            id: h.id.text.as_str().into(),
            title: h.title.value.as_str().into(),
            covers,
            point,
            basis: h.basis.iter().map(|b| b.value.as_str().into()).collect(),
            script: Arc::new(script),
            span: h.id.span,
            location: self.location(h.id.span),
        })
    }

    fn hook_covers(
        &mut self,
        h: &ast::HookDecl,
        violations: &NameMap<ViolationId>,
        ok: &mut bool,
    ) -> Option<Vec<ViolationId>> {
        if !h.covers_all && h.covers.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    Code::HookDeclaration,
                    h.id.span,
                    format!("钩子 {} 没有写“适用”", h.id.text),
                )
                .label("缺少“适用”")
                .help("写上 适用 违法行为编号（多个用逗号分开），或 适用 全部"),
            );
            *ok = false;
            return Some(Vec::new());
        }
        let names = if h.covers_all { &h.except } else { &h.covers };
        let verb = if h.covers_all { "排除" } else { "适用" };
        let who = || format!("钩子 {}", h.id.text);
        let (ids, found) = self.codes(Code::HookUnknownViolation, who, names, verb, violations);
        *ok &= found;
        if !h.covers_all {
            return Some(ids);
        }
        if ids.is_empty() {
            return None;
        }
        let mut all: Vec<ViolationId> = violations
            .values()
            .copied()
            .filter(|v| !ids.contains(v))
            .collect();
        all.sort_unstable();
        Some(all)
    }

    /// Finds the script's text and compiles it; a compile error points into the script.
    /// The text of the script `r` names and where it is; none for a file that could not be
    /// read (reported when the rule set was gathered).
    fn script_text(&self, h: &ast::HookDecl, r: &ast::ScriptRef) -> Option<(Origin, String)> {
        match r {
            ast::ScriptRef::Inline { text, span } => Some((
                Origin {
                    file: span.file,
                    start: span.start,
                },
                text.clone(),
            )),
            ast::ScriptRef::File(s) => {
                let including = self
                    .sources
                    .get(h.span.file)
                    .map_or("", |f| f.path.as_str());
                let path = crate::load::join(including, &s.value);
                let id = self.sources.find(&path)?;
                let text = self.sources.get(id).map(|f| f.text.clone())?;
                Some((Origin { file: id, start: 0 }, text))
            }
        }
    }

    /// The hook's script, compiled (here, unless `compiled` is its compile already).
    fn hook_script(
        &mut self,
        h: &ast::HookDecl,
        r: &ast::ScriptRef,
        compiled: Option<Compiled>,
    ) -> Option<hooks::Script> {
        let (origin, result) = match compiled {
            Some(done) => done,
            None => {
                let (origin, text) = self.script_text(h, r)?;
                (origin, hooks::compile(&text, origin, &self.facts))
            }
        };
        match result {
            Ok(s) => Some(s),
            Err(e) => {
                let span = origin.span(&self.sources, e.pos);
                self.diags.push(
                    Diagnostic::error(
                        e.code,
                        span,
                        format!("钩子 {} 的脚本：{}", h.id.text, e.message),
                    )
                    .label(e.label)
                    .secondary(h.id.span, "钩子在这里声明")
                    .help(e.help),
                );
                None
            }
        }
    }
}
