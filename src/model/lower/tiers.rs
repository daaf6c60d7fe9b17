//! Tier tables (情节档次) of a fine: by a quantity or an option (`档次 FACT { … }`), or chosen by
//! conditions (`档次 { 当 …: …  其余: … }`); every tier inside the range it divides.

use super::Lowerer;
use crate::diag::{Code, Diagnostic};
use crate::model::{CaseTiers, FactType, Tier, TierKey, Tiers};
use crate::source::Span;
use crate::syntax::ast;
use rust_decimal::Decimal;
use std::sync::Arc;

impl Lowerer {
    /// Tiers chosen by conditions: each inside the statutory range, 其余 last.
    pub(super) fn case_tiers(
        &mut self,
        c: &ast::CaseTiersDecl,
        lo: Decimal,
        hi: Decimal,
    ) -> Option<u32> {
        let mut rows = Vec::new();
        let mut rest = None;
        let mut ok = true;
        for (cond, amount) in &c.rows {
            let (tlo, thi) = self.amount(amount)?;
            if tlo < lo || thi > hi {
                self.diags.push(
                    Diagnostic::error(
                        Code::TierTable,
                        amount.span,
                        format!("档次 {tlo}..{thi} 超出法定幅度 {lo}..{hi}"),
                    )
                    .label("档次")
                    .help("档次是法定幅度之内的一段；减轻处罚另有规定"),
                );
                ok = false;
            }
            match cond {
                Some(e) => {
                    let text: Arc<str> = self
                        .sources
                        .get(e.span.file)
                        .map_or("", |f| f.slice(e.span))
                        .into();
                    rows.push((self.condition(e), text, tlo, thi));
                }
                None => rest = Some((tlo, thi)),
            }
        }
        let rest = rest?;
        if !ok {
            return None;
        }
        self.case_tiers.push(CaseTiers { rows, rest });
        Some((self.case_tiers.len() - 1) as u32)
    }

    /// A tier table: a numeric fact with ascending upper bounds ending in 其余 or a lower bound
    /// (`5..`, 以上) where the bounds before end, or an option fact
    /// whose every option has a tier (or 其余); every tier inside the statutory range.
    pub(super) fn tiers(&mut self, t: &ast::TiersDecl, lo: Decimal, hi: Decimal) -> Option<u32> {
        let Some(&fact) = self.fact_index.get(&t.fact.text) else {
            self.unknown_name(&t.fact.text, t.fact.span);
            return None;
        };
        let ty = self.facts[fact as usize].ty.clone();
        let mut rows = Vec::new();
        let mut ok = true;
        // The numbers the tiers so far select: up to the bound, the bound itself included or not.
        let mut bounds = Bounds::default();
        for (key, amount) in &t.tiers {
            if bounds.closed {
                bad(
                    self,
                    amount.span,
                    "“以上”一档之后不能再写档次".to_string(),
                    "“下限..”（以上）一档取其余所有较大的值，须是最后一档",
                );
                ok = false;
            }
            let (tlo, thi) = self.amount(amount)?;
            if tlo < lo || thi > hi {
                bad(
                    self,
                    amount.span,
                    format!("档次 {tlo}..{thi} 超出法定幅度 {lo}..{hi}"),
                    "档次是法定幅度之内的一段；减轻处罚另有规定",
                );
                ok = false;
            }
            let Some(key) = self.tier_key(t, key, &ty, &mut bounds, &mut ok) else {
                continue;
            };
            rows.push(Tier {
                key,
                lo: tlo,
                hi: thi,
            });
        }
        let has_rest = bounds.closed || rows.iter().any(|r| r.key == TierKey::Rest);
        let complete = has_rest
            || match &ty {
                FactType::Enum(vs) => (0..vs.len()).all(|i| {
                    rows.iter()
                        .any(|r| r.key == TierKey::Variant(crate::limits::option_index(i)))
                }),
                _ => false,
            };
        if !complete {
            bad(
                self,
                t.fact.span,
                format!("档次没有覆盖事实 {} 的所有取值", t.fact.text),
                "最后一档写“其余”，或者为每个可选值各写一档",
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        self.tiers.push(Tiers { fact, rows });
        Some((self.tiers.len() - 1) as u32)
    }

    /// One tier's key, checked against the selecting fact's type and the bounds before it;
    /// `None` (reported) for a key that cannot select. Any problem sets `ok` to false.
    fn tier_key(
        &mut self,
        t: &ast::TiersDecl,
        key: &ast::TierKey,
        ty: &FactType,
        bounds: &mut Bounds,
        ok: &mut bool,
    ) -> Option<TierKey> {
    let key = match (key, ty) {
            (
                ast::TierKey::UpTo(n, span) | ast::TierKey::Below(n, span),
                FactType::Int | FactType::Decimal | FactType::Money,
            ) => {
                let included = matches!(key, ast::TierKey::UpTo(..));
                // `<5` then `..5` selects 5 alone; any other repeat or step down selects nothing.
                if bounds.last.is_some_and(|b| (*n, included) <= b) {
                    bad(
                        self,
                        *span,
                        format!("档次上限 {n} 须大于前一档"),
                        "按从小到大的顺序写各档上限",
                    );
                    *ok = false;
                }
                bounds.last = Some((*n, included));
                if included {
                    TierKey::UpTo(*n)
                } else {
                    TierKey::Below(*n)
                }
            }
            (
                ast::TierKey::From(n, span),
                FactType::Int | FactType::Decimal | FactType::Money,
            ) => {
                // 以上 takes what the tiers before leave: it must start where they end.
                let gap = match bounds.last {
                    None => true,
                    Some((b, _)) => *n > b,
                };
                if gap {
                    let msg = match bounds.last {
                        None => format!("“{n}..”一档之下的值不属于任何档次"),
                        Some((b, _)) => format!("{b} 与 {n} 之间的值不属于任何档次"),
                    };
                    bad(
                        self,
                        *span,
                        msg,
                        "“下限..”一档的下限须等于前一档的上限，如 <5: …  5..: …",
                    );
                    *ok = false;
                }
                bounds.closed = true;
                TierKey::From(*n)
            }
            (ast::TierKey::Rest(_), _) => TierKey::Rest,
            (ast::TierKey::Variant(v), FactType::Enum(vs)) => {
                match vs.iter().position(|(x, _)| *x == v.text) {
                    Some(i) => TierKey::Variant(crate::limits::option_index(i)),
                    None => {
                        let names: Vec<&str> = vs.iter().map(|(x, _)| x.as_str()).collect();
                        bad(
                            self,
                            v.span,
                            format!("事实 {} 没有可选值 {}", t.fact.text, v.text),
                            &format!("可选值有：{}", names.join("、")),
                        );
                        *ok = false;
                        return None;
                    }
                }
            }
            (
                ast::TierKey::UpTo(_, span)
                | ast::TierKey::Below(_, span)
                | ast::TierKey::From(_, span),
                _,
            ) => {
                bad(
                    self,
                    *span,
                    format!("事实 {} 不是数值，不能按上限分档", t.fact.text),
                    "数值型事实写 ..上限，选项型事实写可选值",
                );
                *ok = false;
                return None;
            }
            (ast::TierKey::Variant(v), _) => {
                bad(
                    self,
                    v.span,
                    format!("事实 {} 不是选项，不能按可选值分档", t.fact.text),
                    "数值型事实写 ..上限，选项型事实写可选值",
                );
                *ok = false;
                return None;
            }
        }
        ;
        Some(key)
    }
}

/// What the tiers so far select: up to the last bound, the bound itself included or not, and
/// whether a `n..` tier has closed the table.
#[derive(Default)]
struct Bounds {
    last: Option<(Decimal, bool)>,
    closed: bool,
}

fn bad(me: &mut Lowerer, span: Span, msg: String, help: &str) {
    me.diags.push(
        Diagnostic::error(Code::TierTable, span, msg)
            .label("档次")
            .help(help.to_string()),
    );
}
