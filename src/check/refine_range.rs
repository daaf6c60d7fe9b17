//! L0420: a refinement (`细化`) whose tiers or bands, for the same facts, leave the range of what
//! it refines. For each fine it refines, the tiers' facts are cut at both tables' bounds, and in
//! each piece the sub-range the refinement selects (its tier) must lie within the one the base
//! selects (the base's tier, or the statutory range); where both are the same range and the
//! refinement changed the band fractions, its lighter, standard and aggravated bands must lie
//! within the base's. A tier dividing the base's tier further is what refining means, not a
//! finding. The first piece that leaves gives the finding, its case and the figures.

use super::scope::{set_party, with_example};
use crate::analysis::{Cuts, Witness};
use crate::diag::{Code, Diagnostic};
use crate::model::{FineSpec, Fractions, PenaltyAlt, RuleSet, Stmt, TierKey, Value};
use crate::source::Span;
use crate::vocab::Party;
use rust_decimal::Decimal;

/// The bands in order: lighter, standard, aggravated; then the tier as a whole.
const BANDS: [&str; 4] = ["从轻处罚", "一般处罚", "从重处罚", "档次"];

/// A range of yuan, both ends included.
type Range = (Decimal, Decimal);

/// Which band (an index into [`BANDS`]) leaves, with the range before and after.
type Leaving = (usize, Range, Range);

/// One fine to compare: whose, before and after, the fractions before and after, where.
struct Compared {
    party: Party,
    before: FineSpec,
    after: FineSpec,
    bands: [Fractions; 2],
    span: Span,
}

/// Reports, per refined fine, the first piece of the facts where a band leaves the base's.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let Some(base) = &rules.base else {
        return;
    };
    let default = rules.params.fractions();
    for r in &rules.refinements {
        let v = &rules.violations[r.violation as usize];
        let after_bands = v.current().bands.unwrap_or(default);
        let before_bands = r.bands.map_or(after_bands, |b| b.before.unwrap_or(default));
        let mut compared: Vec<Compared> = r
            .fines
            .iter()
            .map(|f| Compared {
                party: f.party,
                before: f.before,
                after: f.after,
                bands: [before_bands, after_bands],
                span: f.span,
            })
            .collect();
        if compared.is_empty() && r.bands.is_some() {
            // Only the bands changed: every fine of the current version, as it is.
            for (party, stmts) in [
                (Party::Individual, &v.current().penalties.individual),
                (Party::Unit, &v.current().penalties.unit),
            ] {
                let Some(stmts) = stmts else {
                    continue;
                };
                Stmt::for_each_penalty(stmts, &mut |p| {
                    for a in &p.alts {
                        if let PenaltyAlt::Fine(spec) = a
                            && spec.scale.is_none()
                        {
                            compared.push(Compared {
                                party,
                                before: *spec,
                                after: *spec,
                                bands: [before_bands, after_bands],
                                span: r.span,
                            });
                        }
                    }
                });
            }
        }
        for c in &compared {
            let Some((w, (band, before, after))) = outside(rules, c) else {
                continue;
            };
            let mut w = w;
            set_party(rules, &mut w, c.party);
            let who = if c.party == Party::Individual {
                "公民"
            } else {
                "法人或者其他组织"
            };
            let shown = |(lo, hi): Range| {
                format!("{}..{}", lo.round_dp(2).normalize(), hi.round_dp(2).normalize())
            };
            let d = Diagnostic::error(
                Code::RefinementOutsideBase,
                c.span,
                format!(
                    "细化后 {} 对{who}的{}幅度 {} 元超出所细化的“{}”的 {} 元（{}）",
                    v.code,
                    BANDS[band],
                    shown(after),
                    base.name,
                    shown(before),
                    v.basis()
                ),
            )
            .label("细化超出了所细化的幅度")
            .help("让细化后的档次和各档幅度落在所细化的基准之内（对同样的事实），或者在规则文件中说明理由");
            let shows = format!(
                "{} 细化后 {} 元，所细化的基准 {} 元",
                BANDS[band],
                shown(after),
                shown(before)
            );
            out.push(with_example(d, rules, r.violation, &w, &shows));
        }
    }
}

/// The first case (over the tiers' facts) where a band after leaves the band before: the case,
/// which band, and both ranges.
fn outside(
    rules: &RuleSet,
    c: &Compared,
) -> Option<(Witness, Leaving)> {
    let mut cuts = Cuts::new();
    for spec in [c.before, c.after] {
        if let Some(t) = spec.tiers.and_then(|t| rules.tiers.get(t as usize)) {
            cuts.fact(t.fact);
            for row in &t.rows {
                if let TierKey::UpTo(n) = row.key {
                    cuts.constant(t.fact, Value::Dec(n));
                }
            }
        }
    }
    let space = cuts.space(rules);
    let found = space
        .find(rules, crate::limits::ANALYSIS_CASES, |facts| {
            leaves(rules, c, facts).is_some()
        })
        .ok()
        .flatten()?;
    let slots: Vec<Option<Value>> = {
        let mut s = vec![None; rules.facts.len()];
        for (f, v) in &found {
            if let Some(slot) = s.get_mut(*f as usize) {
                *slot = *v;
            }
        }
        s
    };
    let leaving = leaves(rules, c, &slots)?;
    let w = Witness {
        facts: found
            .into_iter()
            .filter_map(|(f, v)| v.map(|v| (f, v)))
            .collect(),
    };
    Some((w, leaving))
}

/// Which band after leaves the one before for these facts, with both.
fn leaves(
    rules: &RuleSet,
    c: &Compared,
    facts: &[Option<Value>],
) -> Option<Leaving> {
    let before = bands(rules, &c.before, c.bands[0], facts)?;
    let after = bands(rules, &c.after, c.bands[1], facts)?;
    let (b, a) = ((before[0].0, before[2].1), (after[0].0, after[2].1));
    if a.0 < b.0 || a.1 > b.1 {
        return Some((3, b, a));
    }
    if a != b {
        return None;
    }
    // The standard band first: the one a case without circumstances gets.
    [1, 0, 2].into_iter().find_map(|i| {
        let (b, a) = (before[i], after[i]);
        (a.0 < b.0 || a.1 > b.1).then_some((i, b, a))
    })
}

/// The lighter, standard and aggravated bands of a fine for these facts (its tier's sub-range
/// cut at the fractions); none where the facts select no tier.
fn bands(
    rules: &RuleSet,
    spec: &FineSpec,
    f: Fractions,
    facts: &[Option<Value>],
) -> Option<[(Decimal, Decimal); 3]> {
    let (lo, hi) = match spec.tiers.and_then(|t| rules.tiers.get(t as usize)) {
        None => (spec.lo, spec.hi),
        Some(t) => {
            let v = facts.get(t.fact as usize).copied().flatten()?;
            let row = t.select(v)?;
            (row.lo, row.hi)
        }
    };
    let d = hi - lo;
    let at = |(a, b): (Decimal, Decimal)| (lo + a * d, lo + b * d);
    Some([at(f.lighter), at(f.standard), at(f.aggravated)])
}
