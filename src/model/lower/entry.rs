//! List entries: coverage, modality, condition, citations, own ranges.

use super::Lowerer;
use crate::diag::{Code, Diagnostic, nearest};
use crate::model::{Coverage, Entry, Expr, NameMap, PerParty, Value, ViolationId};
use crate::syntax::ast;
use crate::vocab::{Modality, Party};

impl Lowerer {
    /// The violations an entry or a hook names (`适用 …` or `除 …`); false if one does not
    /// exist (reported with `code`, the subject named as `who()`: written only for a report,
    /// since nearly every declaration names only codes that exist).
    pub(super) fn codes(
        &mut self,
        code: Code,
        who: impl Fn() -> String,
        codes: &[ast::Name],
        verb: &str,
        violations: &NameMap<ViolationId>,
    ) -> (Vec<ViolationId>, bool) {
        let mut ids = Vec::new();
        let mut ok = true;
        for c in codes {
            match violations.get(&c.text) {
                Some(&id) => ids.push(id),
                None => {
                    let mut d = Diagnostic::error(
                        code,
                        c.span,
                        format!("{} {verb}的违法行为 {} 不存在", who(), c.text),
                    )
                    .label("没有这个编号");
                    d = match nearest(&c.text, violations.keys().map(String::as_str)) {
                        Some(n) => d.help(format!("是否想写 {n}？")),
                        None => d.help("用 caliper list 查看已有的违法行为编号"),
                    };
                    self.diags.push(d);
                    ok = false;
                }
            }
        }
        (ids, ok)
    }

    pub(super) fn entry(
        &mut self,
        e: &ast::EntryDecl,
        violations: &NameMap<ViolationId>,
    ) -> Option<Entry> {
        let mut ok = true;
        let modality = match e.modality {
            Some((m, _)) => m,
            None => {
                self.diags.push(
                    Diagnostic::error(
                        Code::MissingModality,
                        e.id.span,
                        format!("清单条目 {} 没有写“应当”或“可以”", e.id.text),
                    )
                    .label("编号和适用范围之后缺少“应当”或“可以”")
                    .help("在适用的违法行为之后写“应当”或“可以”；两者的法律后果不同，没有默认值"),
                );
                ok = false;
                Modality::May
            }
        };
        if e.title.is_none() {
            self.diags.push(
                Diagnostic::error(
                    Code::MissingTitle,
                    e.id.span,
                    format!("清单条目 {} 没有标题", e.id.text),
                )
                .label("缺少标题")
                .help("在“应当/可以”之后用引号写出清单公布的标题"),
            );
            ok = false;
        }
        if e.basis.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    Code::MissingCitation,
                    e.id.span,
                    format!("清单条目 {} 没有写依据", e.id.text),
                )
                .label("缺少“依据”")
                .help("写上 依据 \"《……》第……条\"，说明这一情形的法律根据"),
            );
            ok = false;
        }
        let cond = match e.when.as_slice() {
            [] => {
                self.diags.push(
                    Diagnostic::error(
                        Code::MissingCondition,
                        e.id.span,
                        format!("清单条目 {} 没有条件", e.id.text),
                    )
                    .label("缺少“当 条件”")
                    .help("写上 当 条件，如 当 first_offense 且 corrected"),
                );
                ok = false;
                Expr::Lit(Value::Bool(false))
            }
            [c, rest @ ..] => {
                for extra in rest {
                    self.diags.push(
                        Diagnostic::error(
                            Code::DuplicateClause,
                            extra.span,
                            format!("清单条目 {} 写了两个条件", e.id.text),
                        )
                        .label("第二个条件")
                        .secondary(c.span, "第一个条件")
                        .help("用“且”把两个条件合为一个"),
                    );
                }
                self.condition(c)
            }
        };
        let who = || format!("清单条目 {}", e.id.text);
        let covers = if e.covers_all {
            let (except, found) =
                self.codes(Code::UnknownViolation, who, &e.except, "排除", violations);
            ok &= found;
            Coverage::All { except }
        } else {
            let (ids, found) =
                self.codes(Code::UnknownViolation, who, &e.covers, "适用", violations);
            ok &= found;
            Coverage::Only(ids)
        };
        let mut ranges = PerParty::default();
        if e.range_span.is_some() {
            for (party, a) in &e.ranges {
                let r = self.amount(a);
                match party {
                    Party::Individual => ranges.individual = r,
                    Party::Unit => ranges.unit = r,
                }
            }
        }
        let measures = self.measures(&e.measures);
        if !ok {
            return None;
        }
        Some(Entry {
            id: e.id.text.as_str().into(),
            list: e.list,
            statutory: e.statutory,
            covers,
            modality,
            title: e.title.as_ref().map_or("", |t| t.value.as_str()).into(),
            cond,
            basis: e.basis.iter().map(|b| self.citation(&b.value)).collect(),
            source: e.source.first().map(|s| s.value.as_str().into()),
            measures,
            ranges,
            range_span: e.range_span,
            span: e.id.span,
            location: self.location(e.id.span),
        })
    }
}
