//! Questions about tier tables that the lints and the reports both ask: the tables a violation
//! uses, a case that selects a row, a row's key in words.

use super::Witness;
use crate::model::{RuleSet, ViolationId};

/// The tier tables a violation's fines use, in any version and for any party; a table two
/// violations share belongs to the first that writes it.
pub(crate) fn tier_tables_of(rules: &RuleSet, v: ViolationId) -> Vec<&crate::model::Tiers> {
    let mut out = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    crate::model::each_fine(rules, &mut |violation, _, _, f| {
        if let Some(t) = f.tiers
            && !seen.contains(&t)
            && let Some(tiers) = rules.tiers.get(t as usize)
        {
            seen.push(t);
            if violation == v {
                out.push(tiers);
            }
        }
    });
    out
}

/// A value of the tier's fact that selects row `row`, if any (over the fact's domain cut at the
/// tiers' bounds).
pub fn selecting(rules: &RuleSet, t: &crate::model::Tiers, row: usize) -> Option<Witness> {
    let mut cuts = crate::analysis::Cuts::new();
    cuts.fact(t.fact);
    for r in &t.rows {
        if let Some(n) = r.key.bound() {
            cuts.constant(t.fact, crate::model::Value::Dec(n));
        }
    }
    let space = cuts.space(rules);
    let found = space
        .find(rules, crate::limits::ANALYSIS_CASES, |facts| {
            facts
                .get(t.fact as usize)
                .copied()
                .flatten()
                .and_then(|v| {
                    let sel = t.select(v)?;
                    Some(std::ptr::eq(sel, &t.rows[row]))
                })
                .unwrap_or(false)
        })
        .ok()
        .flatten()?;
    Some(Witness {
        facts: found
            .into_iter()
            .filter_map(|(f, v)| v.map(|v| (f, v)))
            .collect(),
    })
}

/// A tier's key in words (`..5`, `其余`, an option's name).
pub fn tier_key(rules: &RuleSet, t: &crate::model::Tiers, row: usize) -> String {
    match t.rows.get(row).map(|r| r.key) {
        Some(crate::model::TierKey::UpTo(n)) => format!("..{}", n.normalize()),
        Some(crate::model::TierKey::Below(n)) => format!("<{}", n.normalize()),
        Some(crate::model::TierKey::From(n)) => format!("{}..", n.normalize()),
        Some(crate::model::TierKey::Rest) | None => "其余".to_string(),
        Some(crate::model::TierKey::Variant(i)) => {
            match rules.facts.get(t.fact as usize).map(|f| &f.ty) {
                Some(crate::model::FactType::Enum(vs)) => vs
                    .get(i as usize)
                    .map_or_else(|| i.to_string(), |(n, _)| n.clone()),
                _ => i.to_string(),
            }
        }
    }
}
