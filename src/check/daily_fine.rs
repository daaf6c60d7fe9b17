//! C0312: a daily fine (按日连续处罚) outside every condition of its article. The daily fine is for
//! continued refusal to correct (拒不改正的 … 按日连续处罚); written outside `若 …`, it falls on
//! every case, the corrected ones too.

use crate::diag::{Code, Diagnostic};
use crate::model::{DailyFine, FactId, RuleSet, each_daily};
use crate::source::Span;

/// Reports each daily fine no article condition guards, once (the common statements are in
/// both parties' lists).
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<Span> = Vec::new();
    each(rules, &mut |d, guarded| {
        if guarded || seen.contains(&d.span) {
            return;
        }
        seen.push(d.span);
        out.push(
            Diagnostic::error(
                Code::DailyFineUnconditional,
                d.span,
                "按日连续处罚不以拒不改正为条件",
            )
            .label("对每个案件都按日连续处罚")
            .help("写在条文自身的条件之内，如 若 uncorrected { 可以 按日连续处罚 天数(order_date, recheck_date) }"),
        );
    });
}

/// The facts the daily fines' days read.
pub fn days_facts(rules: &RuleSet, mark: &mut impl FnMut(FactId)) {
    each(rules, &mut |d, _| d.days.for_each_fact(mark));
}

/// Every daily fine of every version and party, with whether a condition guards it.
fn each<'r>(rules: &'r RuleSet, f: &mut impl FnMut(&'r DailyFine, bool)) {
    for v in &rules.violations {
        for ver in &v.versions {
            for stmts in [&ver.penalties.individual, &ver.penalties.unit].into_iter().flatten() {
                each_daily(stmts, f);
            }
        }
    }
}
