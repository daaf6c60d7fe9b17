//! 按日连续处罚: where an article lets the authority fine a party again for each day it goes on
//! refusing to correct (《许昌市城市市容和环境卫生管理条例》第五十一条: 拒不改正的 … 可以自责令
//! 改正之日的次日起，按照原处罚数额按日连续处罚). The daily amount is the article's own fine for
//! that party; the model says how the days are counted.

use super::Expr;
use crate::source::Span;
use std::sync::Arc;

/// A daily fine of an article: the fine again for each day of continued refusal.
#[derive(Debug, Clone)]
pub struct DailyFine {
    /// `可以`: the authority may (the article's word), rather than shall.
    pub discretionary: bool,
    /// The days: a whole-number fact or `天数(a, b)` (the first day not counted, so the count
    /// starts on the day after the order to correct).
    pub days: Expr,
    /// The days as written, for the drafter.
    pub text: Arc<str>,
    /// The days in words, for the caseworker's trace (filled in after the checks).
    pub words: Arc<str>,
    /// Where the daily fine is written (a refinement's days: where the refinement writes them).
    pub span: Span,
}

impl DailyFine {
    /// Whole days of a count: a part of a day is not counted, and a count below zero (the dates
    /// the wrong way round) is no day at all.
    pub fn whole_days(count: rust_decimal::Decimal) -> u64 {
        u64::try_from(count.trunc()).unwrap_or(0)
    }
}

/// Calls `f` on every daily fine of the statements, on every branch, in reading order, with
/// whether an article's condition (`若`) guards it.
pub fn each_daily<'s>(stmts: &'s [super::Stmt], f: &mut impl FnMut(&'s DailyFine, bool)) {
    fn walk<'s>(stmts: &'s [super::Stmt], guarded: bool, f: &mut impl FnMut(&'s DailyFine, bool)) {
        for s in stmts {
            match s {
                super::Stmt::Daily(d) => f(d, guarded),
                super::Stmt::If {
                    then, otherwise, ..
                } => {
                    walk(then, true, f);
                    walk(otherwise, true, f);
                }
                super::Stmt::Penalty(_) | super::Stmt::Measures(_) => {}
            }
        }
    }
    walk(stmts, false, f);
}

/// Calls `f` on every daily fine of the statements, on every branch, to change it.
pub fn each_daily_mut(stmts: &mut [super::Stmt], f: &mut impl FnMut(&mut DailyFine)) {
    for s in stmts {
        match s {
            super::Stmt::Daily(d) => f(d),
            super::Stmt::If {
                then, otherwise, ..
            } => {
                each_daily_mut(then, f);
                each_daily_mut(otherwise, f);
            }
            super::Stmt::Penalty(_) | super::Stmt::Measures(_) => {}
        }
    }
}
