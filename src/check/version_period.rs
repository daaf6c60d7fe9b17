//! C0302: a version of the punishing article whose period is empty (it starts after it ends),
//! two versions in force on the same day, or a repeal not after the first version.

use crate::diag::{Code, Diagnostic};
use crate::model::{RuleSet, Violation};

/// Reports the versions whose periods are empty or overlap, and repeals too early.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for v in &rules.violations {
        empty(v, out);
        overlapping(v, out);
        early_repeal(v, out);
    }
}

fn empty(v: &Violation, out: &mut Vec<Diagnostic>) {
    for ver in &v.versions {
        if let (Some(f), Some(u)) = (ver.from, ver.until)
            && f > u
        {
            out.push(
                Diagnostic::error(
                    Code::VersionPeriod,
                    ver.span,
                    format!("版本的施行日期 {f} 晚于终止日期 {u}"),
                )
                .label("期间为空")
                .help("写作 版本 起始日 至 终止日，两天都包括在内"),
            );
        }
    }
}

/// Versions are kept in the order they take effect.
fn overlapping(v: &Violation, out: &mut Vec<Diagnostic>) {
    for pair in v.versions.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let Some(b_from) = b.from else { continue };
        match a.until {
            None => out.push(
                Diagnostic::error(
                    Code::VersionPeriod,
                    a.span,
                    format!("违法行为 {} 的两个版本期间重叠", v.code),
                )
                .label("这个版本没有终止日期")
                .secondary(b.span, format!("下一个版本自 {b_from} 施行"))
                .help(format!(
                    "给前一个版本写上终止日期：至 {}",
                    b_from
                        .yesterday()
                        .map_or_else(|_| String::new(), |d| d.to_string())
                )),
            ),
            Some(u) if u >= b_from => out.push(
                Diagnostic::error(
                    Code::VersionPeriod,
                    b.span,
                    format!(
                        "违法行为 {} 的两个版本期间重叠：{b_from} 至 {u} 同时有两个版本",
                        v.code
                    ),
                )
                .label("与前一个版本重叠")
                .secondary(a.span, "前一个版本")
                .help("前一个版本的终止日期须是后一个版本施行日期的前一天"),
            ),
            Some(_) => {}
        }
    }
}

fn early_repeal(v: &Violation, out: &mut Vec<Diagnostic>) {
    if let (Some(r), Some(first), Some(span)) = (
        v.repealed,
        v.versions.first().and_then(|x| x.from),
        v.repeal_span,
    ) && r <= first
    {
        out.push(
            Diagnostic::error(
                Code::VersionPeriod,
                span,
                format!("废止日期 {r} 不晚于最早版本的施行日期 {first}"),
            )
            .label("废止日期")
            .help("废止日期须在各版本施行之后"),
        );
    }
}
