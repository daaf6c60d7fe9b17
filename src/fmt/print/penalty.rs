//! The penalty part of a violation in the canonical layout: its statements, penalties, fines
//! with their scales, caps and tiers, daily fines, and amounts.

use super::{Printer, at};
use crate::fmt::expr::expr;
use crate::syntax::ast::{
    Amount, CaseTiersDecl, DailyFineDecl, PenaltyAlt, PenaltyDecl, PenaltyStmt, Scale, TierKey,
    TiersDecl,
};

pub(super) fn stmts(p: &mut Printer, ss: &[PenaltyStmt]) {
    for s in ss {
        match s {
            PenaltyStmt::Measures(ms) => {
                let names: Vec<&str> = ms.iter().map(|m| m.text.as_str()).collect();
                p.line(
                    format!("措施 {}", names.join("、")),
                    ms.first().and_then(|m| at(m.span)),
                );
            }
            PenaltyStmt::Penalty(d) => p.line(penalty(d), at(d.span)),
            PenaltyStmt::Daily(d) => p.line(daily(d), at(d.span)),
            PenaltyStmt::If {
                cond,
                then,
                otherwise,
                span,
            } => {
                p.line(format!("若 {} {{", expr(cond)), at(*span));
                p.indent += 1;
                stmts(p, then);
                p.indent -= 1;
                if otherwise.is_empty() {
                    p.line("}".into(), None);
                } else {
                    p.line("} 否则 {".into(), None);
                    p.indent += 1;
                    stmts(p, otherwise);
                    p.indent -= 1;
                    p.line("}".into(), None);
                }
            }
        }
    }
}

/// `[可以 ]按日连续处罚 DAYS`
pub(super) fn daily(d: &DailyFineDecl) -> String {
    let may = if d.discretionary { "可以 " } else { "" };
    match &d.days {
        Some(e) => format!("{may}按日连续处罚 {}", expr(e)),
        None => format!("{may}按日连续处罚"),
    }
}

pub(super) fn penalty(d: &PenaltyDecl) -> String {
    let alts: Vec<String> = d
        .alts
        .iter()
        .map(|a| match a {
            PenaltyAlt::Kind(k) => k.text.clone(),
            PenaltyAlt::Fine(f) => {
                let mut s = match &f.scale {
                    None => format!("罚款 {}", amount(&f.amount)),
                    Some(Scale::PerUnit(n)) => match &f.per_also {
                        None => format!("罚款 每 {} {}", n.text, amount(&f.amount)),
                        Some(m) => {
                            format!("罚款 每 {} 每 {} {}", n.text, m.text, amount(&f.amount))
                        }
                    },
                    Some(Scale::Multiple(n)) => {
                        format!("罚款 {} {} 倍", n.text, amount(&f.amount))
                    }
                };
                if let Some((n, _)) = f.cap {
                    s.push_str(&format!(" 不超过 {n}"));
                }
                if let Some(c) = &f.case_tiers {
                    s.push(' ');
                    s.push_str(&case_tiers(c));
                }
                if let Some(t) = &f.tiers {
                    s.push(' ');
                    s.push_str(&tiers(t));
                }
                s
            }
        })
        .collect();
    let may = if d.discretionary { "可以 " } else { "" };
    format!("{may}{}", alts.join(" 或 "))
}

/// `档次 { 当 …: lo..hi  其余: lo..hi }`
pub(super) fn case_tiers(c: &CaseTiersDecl) -> String {
    let rows: Vec<String> = c
        .rows
        .iter()
        .map(|(cond, a)| match cond {
            Some(e) => format!("当 {}: {}", expr(e), amount(a)),
            None => format!("其余: {}", amount(a)),
        })
        .collect();
    format!("档次 {{ {} }}", rows.join("  "))
}

/// `档次 FACT { ..5: lo..hi  其余: lo..hi }`
pub(super) fn tiers(t: &TiersDecl) -> String {
    let rows: Vec<String> = t
        .tiers
        .iter()
        .map(|(k, a)| {
            let key = match k {
                TierKey::UpTo(n, _) => format!("..{n}"),
                TierKey::Below(n, _) => format!("<{n}"),
                TierKey::From(n, _) => format!("{n}.."),
                TierKey::Rest(_) => "其余".into(),
                TierKey::Variant(v) => v.text.clone(),
            };
            format!("{key}: {}", amount(a))
        })
        .collect();
    format!("档次 {} {{ {} }}", t.fact.text, rows.join("  "))
}

/// `lo..hi`, `..hi` or one amount.
pub(super) fn amount(a: &Amount) -> String {
    match a.lo {
        None => format!("..{}", a.hi),
        Some(lo) if lo == a.hi => lo.to_string(),
        Some(lo) => format!("{lo}..{}", a.hi),
    }
}
