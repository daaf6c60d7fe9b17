//! L0402: a lower-rank norm whose fine for a party lies wholly below the minimum of a higher-rank
//! norm that punishes the same act (`上位法`), in a period when both are in force. Art. 29 then
//! always applies the higher norm, and the lower norm's range decides nothing for that act.

use crate::diag::{Code, Diagnostic};
use crate::model::{PenaltyAlt, RuleSet, Stmt, Version};
use crate::vocab::Party;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// Reports each (violation, higher norm, party) once, at the violation.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for v in &rules.violations {
        for h in &v.higher {
            let hv = &rules.violations[h.violation as usize];
            for party in [Party::Individual, Party::Unit] {
                let found = v.versions.iter().find_map(|lower| {
                    hv.versions.iter().find_map(|higher| {
                        let overlap = overlaps(lower, higher)?;
                        let max = fines(lower, party).map(|(_, hi)| hi).max()?;
                        let min = fines(higher, party).map(|(lo, _)| lo).min()?;
                        (max < min).then_some((overlap, max, min))
                    })
                });
                if let Some((from, max, min)) = found {
                    let when = if from == Date::MIN {
                        "两者同时施行".to_string()
                    } else {
                        format!("{from} 起两者同时施行")
                    };
                    out.push(
                        Diagnostic::error(
                            Code::BelowHigherNorm,
                            v.span,
                            format!(
                                "违法行为 {} 对{}的最高罚款 {} 元低于上位法 {} 的最低罚款 {} 元（{when}）",
                                v.code,
                                party.zh(),
                                max.normalize(),
                                hv.code,
                                min.normalize()
                            ),
                        )
                        .label("本规定的罚款幅度对这部分行为不起作用")
                        .help("依照《中华人民共和国行政处罚法》第二十九条按罚款数额高的上位法处罚；核对本规定是否应当修订，或在规则文件中说明"),
                    );
                }
            }
        }
    }
}

/// The first day both versions are in force, if any.
fn overlaps(a: &Version, b: &Version) -> Option<Date> {
    let from = match (a.from, b.from) {
        (Some(x), Some(y)) => x.max(y),
        (x, y) => x.or(y).unwrap_or(Date::MIN),
    };
    let until = match (a.until, b.until) {
        (Some(x), Some(y)) => x.min(y),
        (x, y) => x.or(y).unwrap_or(Date::MAX),
    };
    (from <= until).then_some(from)
}

/// The fixed fine ranges (not per unit or multiple) a version gives a party, in any branch.
fn fines(v: &Version, party: Party) -> impl Iterator<Item = (Decimal, Decimal)> + '_ {
    fn walk(stmts: &[Stmt], out: &mut Vec<(Decimal, Decimal)>) {
        for s in stmts {
            match s {
                Stmt::Penalty(p) => out.extend(p.alts.iter().filter_map(|a| match a {
                    PenaltyAlt::Fine(f) if f.scale.is_none() => Some((f.lo, f.hi)),
                    _ => None,
                })),
                Stmt::Measures(_) | Stmt::Daily(_) => {}
                Stmt::If {
                    then, otherwise, ..
                } => {
                    walk(then, out);
                    walk(otherwise, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(v.penalties.get(party).unwrap_or_default(), &mut out);
    out.into_iter()
}
