//! C0301: an entry's own range (自有幅度) outside the mitigated lists: lighter and aggravated
//! bands are computed within the statutory range, so only 减轻 entries may set their own.

use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;
use crate::vocab::ListKind;

/// Reports own ranges on entries that are not mitigating.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for e in &rules.entries {
        if let Some(span) = e.range_span
            && !matches!(e.list, ListKind::Mitigated | ListKind::LighterOrMitigated)
        {
            out.push(
                Diagnostic::error(
                    Code::EntryRangeList,
                    span,
                    format!("清单条目 {} 不是减轻条目，不能设定自有幅度", e.id),
                )
                .label("幅度")
                .help("从轻、从重在法定幅度内按比例计算；只有减轻条目可以写自有幅度"),
            );
        }
    }
}
