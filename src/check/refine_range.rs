//! L0420: a refinement (`细化`) whose tiers or bands, for the same facts, leave the range of what
//! it refines. For each fine it refines, the tiers' facts are cut at both tables' bounds, and in
//! each piece the sub-range the refinement selects (its tier) must lie within the one the base
//! selects (the base's tier, or the statutory range); where both are the same range and the
//! refinement changed the band fractions, its lighter, standard and aggravated bands must lie
//! within the base's. A tier dividing the base's tier further is what refining means, not a
//! finding. The first piece that leaves gives the finding, its case and the figures.
//!
//! Either fine may have tiers of either form: a table by a fact (cut at its bounds) or tiers
//! chosen by conditions (cut at the constants the conditions compare their facts with), the
//! tier selected as evaluation selects it ([`tier_range`]). Only cases on the way to the fine
//! (its enclosing `若` conditions) count, the refinement keeping the base's statements.

use super::scope::{set_party, with_example};
use crate::analysis::tiers::{
    Path, cut_paths, cut_tiers, each_fine_on_path, on_path, path_of_fine, tier_range,
};
use crate::analysis::{Cuts, Witness, exists_in};
use crate::diag::{Code, Diagnostic};
use crate::eval::cond::Env;
use crate::model::{FineSpec, Fractions, RuleSet};
use crate::source::Span;
use crate::vocab::Party;
use rust_decimal::Decimal;

/// The bands in order: lighter, standard, aggravated; then the tier as a whole.
const BANDS: [&str; 4] = ["从轻处罚", "一般处罚", "从重处罚", "档次"];

/// A range of yuan, both ends included.
type Range = (Decimal, Decimal);

/// Which band (an index into [`BANDS`]) leaves, with the range before and after.
type Leaving = (usize, Range, Range);

/// One fine to compare: whose, before and after, the fractions before and after, where, and
/// the way to it.
struct Compared<'a> {
    party: Party,
    before: FineSpec,
    after: FineSpec,
    bands: [Fractions; 2],
    span: Span,
    path: Path<'a>,
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
        let mut compared: Vec<Compared<'_>> = r
            .fines
            .iter()
            .map(|f| Compared {
                party: f.party,
                before: f.before,
                after: f.after,
                bands: [before_bands, after_bands],
                span: f.span,
                path: path_of_fine(rules, r.violation, f.party, f.after.id),
            })
            .collect();
        if compared.is_empty() && r.bands.is_some() {
            // Only the bands changed: every fine of the current version, as it is.
            let current = v.current();
            each_fine_on_path(rules, &mut |vi, span, party, spec, path| {
                if vi == r.violation && span == current.span && spec.scale.is_none() {
                    compared.push(Compared {
                        party,
                        before: *spec,
                        after: *spec,
                        bands: [before_bands, after_bands],
                        span: r.span,
                        path: path.clone(),
                    });
                }
            });
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

/// The first case on the way to the fine (over the tiers' facts and the way's) where a band
/// after leaves the band before: the case, which band, and both ranges.
fn outside(rules: &RuleSet, c: &Compared<'_>) -> Option<(Witness, Leaving)> {
    let mut cuts = Cuts::new();
    cut_tiers(rules, &mut cuts, &c.before);
    cut_tiers(rules, &mut cuts, &c.after);
    let paths = std::slice::from_ref(&c.path);
    cut_paths(rules, &mut cuts, paths);
    let w = exists_in(rules, &cuts.space(rules), |env| {
        on_path(env, paths) && leaves(rules, c, env).is_some()
    })
    .witness()?;
    let facts = crate::analysis::facts_of(rules, &w);
    let leaving = leaves(rules, c, &mut Env::new(rules, &facts))?;
    Some((w, leaving))
}

/// Which band after leaves the one before for these facts, with both.
fn leaves(rules: &RuleSet, c: &Compared<'_>, env: &mut Env<'_>) -> Option<Leaving> {
    let before = bands(rules, &c.before, c.bands[0], env)?;
    let after = bands(rules, &c.after, c.bands[1], env)?;
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
    env: &mut Env<'_>,
) -> Option<[(Decimal, Decimal); 3]> {
    let (lo, hi) = tier_range(rules, spec, env)?;
    let d = hi - lo;
    let at = |(a, b): (Decimal, Decimal)| (lo + a * d, lo + b * d);
    Some([at(f.lighter), at(f.standard), at(f.aggravated)])
}
