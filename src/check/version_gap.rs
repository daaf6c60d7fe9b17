//! C0303: days between two versions of the punishing article on which no version is in force.

use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports the gaps between consecutive versions.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for v in &rules.violations {
        for pair in v.versions.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let (Some(b_from), Some(u)) = (b.from, a.until) else {
                continue;
            };
            if u < b_from && u.tomorrow().is_ok_and(|t| t < b_from) {
                out.push(
                    Diagnostic::error(
                        Code::VersionGap,
                        b.span,
                        format!(
                            "违法行为 {} 的版本之间有空档：{} 至 {} 没有任何版本",
                            v.code,
                            u.tomorrow().map_or_else(|_| String::new(), |d| d.to_string()),
                            b_from
                                .yesterday()
                                .map_or_else(|_| String::new(), |d| d.to_string())
                        ),
                    )
                    .label("与前一个版本不相接")
                    .secondary(a.span, "前一个版本")
                    .help("若这段时间该行为确实不受处罚，写明；否则让前一个版本的终止日期紧接后一个版本"),
                );
            }
        }
    }
}
