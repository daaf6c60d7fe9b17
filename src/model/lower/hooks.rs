//! Hook declarations → checked hooks: coverage resolved, point and citation checked, and the
//! script compiled against the declared facts, its errors pointing into the script.

use super::Lowerer;
use crate::diag::{Code, Diagnostic, nearest};
use crate::hooks::{self, HookPoint, Origin};
use crate::model::{Hook, NameMap, ViolationId};
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashMap;
use std::sync::Arc;

impl Lowerer {
    /// Lowers every hook; problems are collected, a hook with any is dropped.
    pub(super) fn hooks(
        &mut self,
        decls: &[&ast::HookDecl],
        violations: &NameMap<ViolationId>,
        entries: &HashMap<String, Span>,
    ) -> Vec<Hook> {
        if decls.is_empty() {
            return Vec::new();
        }
        self.reserved_fact_names();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::new();
        for h in decls {
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
            if let Some(hook) = self.hook(h, violations) {
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

    fn hook(&mut self, h: &ast::HookDecl, violations: &NameMap<ViolationId>) -> Option<Hook> {
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
            Some(r) => self.hook_script(h, r),
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
    fn hook_script(&mut self, h: &ast::HookDecl, r: &ast::ScriptRef) -> Option<hooks::Script> {
        let (origin, text) = match r {
            ast::ScriptRef::Inline { text, span } => (
                Origin {
                    file: span.file,
                    start: span.start,
                },
                text.clone(),
            ),
            ast::ScriptRef::File(s) => {
                let including = self
                    .sources
                    .get(h.span.file)
                    .map_or("", |f| f.path.as_str());
                let path = crate::load::join(including, &s.value);
                // A file that could not be read was reported when the rule set was gathered.
                let id = self.sources.find(&path)?;
                let text = self.sources.get(id).map(|f| f.text.clone())?;
                (Origin { file: id, start: 0 }, text)
            }
        };
        match hooks::compile(&text, origin, &self.facts) {
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
