//! Penalty statements: kinds, measures, amounts, fines with their scale and tiers.

use super::Lowerer;
use crate::diag::{Code, Diagnostic, nearest};
use crate::model::{
    FactId, FactType, FineSpec, Measure, Penalty, PenaltyAlt, PenaltyKind, ScaleKind, Stmt,
};
use crate::syntax::ast;
use rust_decimal::Decimal;
use std::sync::Arc;

impl Lowerer {
    pub(super) fn stmts(&mut self, stmts: &[ast::PenaltyStmt]) -> Vec<Stmt> {
        stmts.iter().filter_map(|s| self.stmt(s)).collect()
    }

    /// One statement; `None` for a daily fine that could not be lowered (reported).
    pub(super) fn stmt(&mut self, s: &ast::PenaltyStmt) -> Option<Stmt> {
        Some(match s {
            ast::PenaltyStmt::Daily(d) => return self.daily(d),
            ast::PenaltyStmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                let text: Arc<str> = self
                    .sources
                    .get(cond.span.file)
                    .map_or("", |f| f.slice(cond.span))
                    .into();
                Stmt::If {
                    cond: self.condition(cond),
                    words: text.clone(),
                    text,
                    then: self.stmts(then),
                    otherwise: self.stmts(otherwise),
                }
            }
            ast::PenaltyStmt::Measures(ms) => Stmt::Measures(self.measures(ms)),
            ast::PenaltyStmt::Penalty(p) => {
                let alts = p
                    .alts
                    .iter()
                    .filter_map(|a| match a {
                        ast::PenaltyAlt::Fine(f) => self.fine(f).map(PenaltyAlt::Fine),
                        ast::PenaltyAlt::Kind(k) => match PenaltyKind::from_zh(&k.text) {
                            Some(PenaltyKind::Fine) | None => {
                                let mut d = Diagnostic::error(
                                    Code::UnknownPenalty,
                                    k.span,
                                    format!("未知的处罚种类“{}”", k.text),
                                )
                                .label("不是处罚种类");
                                d = match nearest(&k.text, PenaltyKind::names()) {
                                    Some(n) => d.help(format!("是否想写“{n}”？")),
                                    None => d.help("处罚种类见《行政处罚法》第九条；罚款写作 罚款 下限..上限"),
                                };
                                self.diags.push(d);
                                None
                            }
                            Some(kind) => Some(PenaltyAlt::Kind(kind)),
                        },
                    })
                    .collect();
                Stmt::Penalty(Penalty {
                    discretionary: p.discretionary,
                    alts,
                })
            }
        })
    }

    pub(super) fn measures(&mut self, ms: &[ast::Name]) -> Vec<Measure> {
        ms.iter()
            .filter_map(|m| match Measure::from_zh(&m.text) {
                Some(x) => Some(x),
                None => {
                    let mut d = Diagnostic::error(
                        Code::UnknownMeasure,
                        m.span,
                        format!("未知的措施“{}”", m.text),
                    )
                    .label("不是已知的措施");
                    // 责令改正 goes with every decision (Art. 28): the engine adds it itself.
                    let allowed =
                        || Measure::names().filter(|n| *n != Measure::OrderCorrection.zh());
                    let list = allowed().collect::<Vec<_>>().join("、");
                    d = match nearest(&m.text, allowed()) {
                        Some(n) => d.help(format!(
                            "是否想写“{n}”？措施可写：{list}（责令改正由引擎自动加上，不必写）"
                        )),
                        None => d.help(format!(
                            "措施可写：{list}（责令改正由引擎自动加上，不必写）"
                        )),
                    };
                    self.diags.push(d);
                    None
                }
            })
            .collect()
    }

    /// The range of an amount. An empty range is reported and still returned, so that the
    /// violation does not also look as if it had no penalty.
    pub(super) fn amount(&mut self, a: &ast::Amount) -> Option<(Decimal, Decimal)> {
        self.amount_of(a, true)
    }

    /// The range of an amount of yuan (`money`: no figure below the fen) or of a multiple.
    fn amount_of(&mut self, a: &ast::Amount, money: bool) -> Option<(Decimal, Decimal)> {
        let lo = a.lo.unwrap_or(Decimal::ZERO);
        if money && (lo.normalize().scale() > 2 || a.hi.normalize().scale() > 2) {
            let n = if lo.normalize().scale() > 2 { lo } else { a.hi };
            self.diags.push(
                Diagnostic::error(
                    Code::BadNumber,
                    a.span,
                    format!("金额 {n} 元有两位以上小数：不足一分"),
                )
                .label("金额最小到分")
                .help("罚款以元为单位，最多两位小数，如 0.5 或 12.35"),
            );
            return None;
        }
        if a.hi > Decimal::from(1_000_000_000_000_i64) {
            self.diags.push(
                Diagnostic::error(Code::BadNumber, a.span, format!("数额 {} 过大", a.hi))
                    .label("超过一万亿")
                    .help("罚款数额、倍数和单价不能超过 1000000000000"),
            );
            return None;
        }
        if lo > a.hi {
            self.diags.push(
                Diagnostic::error(
                    Code::EmptyRange,
                    a.span,
                    format!("幅度的下限 {lo} 大于上限 {}", a.hi),
                )
                .label("下限大于上限")
                .help("写作 下限..上限，如 200..1000"),
            );
        }
        Some((lo, a.hi))
    }

    pub(super) fn fine(&mut self, f: &ast::FineDecl) -> Option<FineSpec> {
        let money = !matches!(f.scale, Some(ast::Scale::Multiple(_)));
        let (lo, hi) = self.amount_of(&f.amount, money)?;
        let scale = self.fine_scale(f);
        let tiers = match &f.tiers {
            None => None,
            Some(t) if scale.is_some() => {
                self.diags.push(
                    Diagnostic::error(
                        Code::TierTable,
                        t.fact.span,
                        "按单位或倍数计算的罚款不能再分档次",
                    )
                    .label("档次")
                    .help("档次只用于按固定幅度计算的罚款"),
                );
                None
            }
            // An empty statutory range is reported once, not again for every tier.
            Some(_) if lo > hi => None,
            Some(t) => self.tiers(t, lo, hi),
        };
        let per_also = self.per_also(f);
        let cap = self.fine_cap(f);
        let cases = match &f.case_tiers {
            None => None,
            Some(c) if scale.is_some() => {
                self.diags.push(
                    Diagnostic::error(Code::TierTable, c.span, "按单位或倍数计算的罚款不能再分档次")
                        .label("档次")
                        .help("档次只用于按固定幅度计算的罚款"),
                );
                None
            }
            Some(_) if lo > hi => None,
            Some(c) => self.case_tiers(c, lo, hi),
        };
        Some(FineSpec {
            lo,
            hi,
            scale,
            per_also,
            cap,
            id: 0,
            tiers,
            cases,
        })
    }

    /// The fact a per-unit or multiple fine is scaled by, of the type its scale needs.
    fn fine_scale(&mut self, f: &ast::FineDecl) -> Option<(FactId, ScaleKind)> {
        match &f.scale {
            None => None,
            Some(ast::Scale::PerUnit(n) | ast::Scale::Multiple(n)) => {
                let kind = if matches!(f.scale, Some(ast::Scale::PerUnit(_))) {
                    ScaleKind::PerUnit
                } else {
                    ScaleKind::Multiple
                };
                match self.fact_index.get(&n.text) {
                    Some(&id) => {
                        let ty = &self.facts[id as usize].ty;
                        let ok = match kind {
                            ScaleKind::PerUnit => matches!(ty, FactType::Int | FactType::Decimal),
                            ScaleKind::Multiple => matches!(ty, FactType::Money),
                        };
                        if !ok {
                            let want = if kind == ScaleKind::PerUnit {
                                "整数或小数（数量）"
                            } else {
                                "金额"
                            };
                            self.diags.push(
                                Diagnostic::error(
                                    Code::ScaleFact,
                                    n.span,
                                    format!("事实 {} 是{}，这里须是{want}", n.text, ty.describe()),
                                )
                                .label("类型不符")
                                .help("“每 事实”按数量计罚，“事实 倍”按金额的倍数计罚"),
                            );
                        }
                        Some((id, kind))
                    }
                    None => {
                        self.unknown_name(&n.text, n.span);
                        None
                    }
                }
            }
        }
    }

    /// `每 A 每 B`: the second quantity of a fine per unit of two facts.
    fn per_also(&mut self, f: &ast::FineDecl) -> Option<FactId> {
        match &f.per_also {
            None => None,
            Some(n) => match self.fact_index.get(&n.text) {
                Some(&id) => {
                    let ty = &self.facts[id as usize].ty;
                    if !matches!(ty, FactType::Int | FactType::Decimal) {
                        self.diags.push(
                            Diagnostic::error(
                                Code::ScaleFact,
                                n.span,
                                format!("事实 {} 是{}，这里须是整数或小数（数量）", n.text, ty.describe()),
                            )
                            .label("类型不符")
                            .help("“每 天数 每 面积”按两个数量的乘积计罚"),
                        );
                    }
                    Some(id)
                }
                None => {
                    self.unknown_name(&n.text, n.span);
                    None
                }
            },
        }
    }

    /// `不超过 N`: the cap of a per-unit or multiple fine, a positive amount to the fen.
    fn fine_cap(&mut self, f: &ast::FineDecl) -> Option<rust_decimal::Decimal> {
        match f.cap {
            None => None,
            Some((_, span)) if f.scale.is_none() => {
                self.diags.push(
                    Diagnostic::error(
                        Code::FineCap,
                        span,
                        "固定幅度的罚款不需要总额上限",
                    )
                    .label("上限")
                    .help("“不超过”只用于按单位或倍数计算的罚款；固定幅度直接写上限，如 罚款 ..30000"),
                );
                None
            }
            Some((c, span)) => {
                if c.normalize().scale() > 2 || c <= Decimal::ZERO {
                    self.diags.push(
                        Diagnostic::error(
                            Code::FineCap,
                            span,
                            format!("总额上限 {c} 元无效"),
                        )
                        .label("上限")
                        .help("总额上限是大于 0 的金额，最多两位小数"),
                    );
                }
                Some(c)
            }
        }
    }
}
