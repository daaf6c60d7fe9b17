//! 按日连续处罚 lowered: its days (a number, M0255–M0256), the fine it repeats (M0253), once per
//! party (M0257), and a refinement's days, which replace the article's (M0254 where the article
//! has no daily fine).

use super::{Lowerer, Ty};
use crate::diag::{Code, Diagnostic};
use crate::model::{DailyFine, PenaltyAlt, PerPartyStmts, Stmt, Violation, each_daily, each_daily_mut};
use crate::source::Span;
use crate::syntax::ast;
use std::sync::Arc;

impl Lowerer {
    /// A daily fine statement; `None` (reported) where its days are missing or not a number.
    pub(super) fn daily(&mut self, d: &ast::DailyFineDecl) -> Option<Stmt> {
        let (days, text) = self.daily_days(d)?;
        Some(Stmt::Daily(Box::new(DailyFine {
            discretionary: d.discretionary,
            days,
            words: text.clone(),
            text,
            span: d.span,
        })))
    }

    fn daily_days(&mut self, d: &ast::DailyFineDecl) -> Option<(crate::model::Expr, Arc<str>)> {
        let Some(e) = &d.days else {
            self.diags.push(
                Diagnostic::error(Code::DailyFineNoDays, d.span, "按日连续处罚没有写日数")
                    .label("缺少日数")
                    .help(
                        "写作 按日连续处罚 天数(order_date, recheck_date)（自责令改正之日的次日起算），\
                         或 按日连续处罚 一个整数事实",
                    ),
            );
            return None;
        };
        let (x, ty) = self.expr(e);
        match ty {
            Ty::Num => {}
            Ty::Error => return None,
            other => {
                self.diags.push(
                    Diagnostic::error(
                        Code::DailyFineDays,
                        e.span,
                        format!("按日连续处罚的日数须是数目，这里是{}", other.describe(&self.facts)),
                    )
                    .label("不是日数")
                    .help("写一个整数事实，或 天数(起算日期, 截止日期)"),
                );
                return None;
            }
        }
        let text: Arc<str> = self
            .sources
            .get(e.span.file)
            .map_or("", |f| f.slice(e.span))
            .into();
        Some((x, text))
    }

    /// A version's daily fines: each repeats a fine of its party (M0253), one per party (M0257).
    /// The common statements are in both parties' lists: each problem is reported once.
    pub(super) fn check_daily(&mut self, penalties: &PerPartyStmts) {
        let mut reported: Vec<Span> = Vec::new();
        for stmts in [&penalties.individual, &penalties.unit].into_iter().flatten() {
            let mut dailies: Vec<Span> = Vec::new();
            each_daily(stmts, &mut |d, _| dailies.push(d.span));
            let Some(&first) = dailies.first() else {
                continue;
            };
            for &extra in &dailies[1..] {
                if !reported.contains(&extra) {
                    reported.push(extra);
                    self.duplicate(
                        Code::DuplicateDailyFine,
                        extra,
                        first,
                        "同一当事人的按日连续处罚写了两次".into(),
                        ["第二次", "第一次在这里", "只保留一处"],
                    );
                }
            }
            let fined = Stmt::any(stmts, &mut |p| {
                p.alts.iter().any(|a| matches!(a, PenaltyAlt::Fine(_)))
            });
            if !fined && !reported.contains(&first) {
                reported.push(first);
                self.diags.push(
                    Diagnostic::error(Code::DailyFineNoFine, first, "按日连续处罚没有可以按日重复的罚款")
                        .label("没有原处罚数额")
                        .help("按日连续处罚按照原处罚数额按日计罚：同一当事人须有“罚款 …”"),
                );
            }
        }
    }

    /// A refinement's `按日连续处罚 DAYS`: the days the current version's daily fines count.
    /// The article must have one (M0254); the refinement writes it once (M0257).
    pub(super) fn refined_daily(&mut self, r: &ast::RefinementDecl, v: &mut Violation) -> Option<Arc<str>> {
        let first = r.daily.first()?;
        for extra in &r.daily[1..] {
            self.duplicate(
                Code::DuplicateDailyFine,
                extra.span,
                first.span,
                format!("细化 {} 的按日连续处罚写了两次", r.code.text),
                ["第二次", "第一次在这里", "只保留一处"],
            );
        }
        let last = v.versions.len().checked_sub(1)?;
        let ver = &mut v.versions[last];
        let mut has = false;
        for stmts in [&ver.penalties.individual, &ver.penalties.unit].into_iter().flatten() {
            each_daily(stmts, &mut |_, _| has = true);
        }
        if !has {
            self.diags.push(
                Diagnostic::error(
                    Code::DailyFineNotProvided,
                    first.span,
                    format!("{}没有规定按日连续处罚，细化不能增设", ver.basis),
                )
                .label("条文没有按日连续处罚")
                .help("按日连续处罚须由法律、法规规定；细化只能改写条文已有的按日连续处罚的日数"),
            );
            return None;
        }
        let (days, text) = self.daily_days(first)?;
        let ver = &mut v.versions[last];
        for stmts in [&mut ver.penalties.individual, &mut ver.penalties.unit].into_iter().flatten() {
            each_daily_mut(stmts, &mut |d| {
                d.days = days.clone();
                d.text = text.clone();
                d.words = text.clone();
                d.span = first.span;
            });
        }
        Some(text)
    }
}
