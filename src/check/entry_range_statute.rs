//! L0415: a mitigated entry's own range (幅度) that reaches above the statutory minimum of a
//! violation it covers. 减轻 goes to or below the minimum (Art. 32; semantics, "Words"): a
//! range above it is not mitigation but a fine inside (or above) the statutory range.

use super::scope::with_example;
use crate::analysis::{self, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::{PenaltyAlt, RuleSet, Stmt};
use crate::vocab::Party;

/// Reports each (entry, party) once, at the first violation whose minimum the range exceeds.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for e in rules.entries.iter().filter(|e| {
        matches!(
            e.list,
            crate::vocab::ListKind::Mitigated | crate::vocab::ListKind::LighterOrMitigated
        )
    }) {
        for party in [Party::Individual, Party::Unit] {
            let Some((lo, hi)) = e.ranges.get(party) else {
                continue;
            };
            let found = rules.violations.iter().enumerate().find_map(|(i, v)| {
                if !e.covers.covers(i as u32) {
                    return None;
                }
                let stmts = v.current().penalties.get(party)?;
                let mut min = None;
                Stmt::for_each_penalty(stmts, &mut |p| {
                    for a in &p.alts {
                        if let PenaltyAlt::Fine(f) = a
                            && f.scale.is_none()
                        {
                            min = Some(min.map_or(f.lo, |m: rust_decimal::Decimal| m.min(f.lo)));
                        }
                    }
                });
                let min = min?;
                (hi > min).then_some((i as u32, min))
            });
            let Some((vi, min)) = found else {
                continue;
            };
            let v = &rules.violations[vi as usize];
            let span = e.range_span.unwrap_or(e.span);
            let mut d = Diagnostic::error(
                Code::EntryRangeAboveMinimum,
                span,
                format!(
                    "条目 {} 对{}的减轻幅度 {}..{} 超出违法行为 {} 的法定最低罚款 {} 元",
                    e.id,
                    party.zh(),
                    lo.normalize(),
                    hi.normalize(),
                    v.code,
                    min.normalize()
                ),
            )
            .label("减轻幅度")
            .help(format!(
                "减轻处罚是在法定最低罚款以下处罚（《中华人民共和国行政处罚法》第三十二条；{}）：让幅度的上限不超过 {} 元",
                v.basis(),
                min.normalize()
            ));
            if let Some(mut w) =
                analysis::exists(rules, &[&e.cond], |env| holds(env, &e.cond)).witness()
            {
                super::scope::set_party(rules, &mut w, party);
                let shows = format!("{} 适用，减轻幅度的上限高于法定最低额", e.id);
                d = with_example(d, rules, vi, &w, &shows);
            }
            out.push(d);
        }
    }
}
