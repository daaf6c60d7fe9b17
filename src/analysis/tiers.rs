//! Questions about tiers that the lints and the reports both ask: the tables a violation uses,
//! the way (the `若` conditions) to the fine a table divides, the tier a case selects (of a
//! table by a fact, or chosen by conditions, as evaluation selects it), a case that selects a
//! row, a row's key in words.

use super::{Answer, Cuts, Witness};
use crate::eval::cond::Env;
use crate::model::{
    CaseTiers, Expr, FineId, FineSpec, PenaltyAlt, RuleSet, Stmt, Value, ViolationId,
};
use crate::source::Span;
use crate::vocab::Party;
use rust_decimal::Decimal;

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
    selecting_on(rules, t, row, &[Vec::new()]).witness()
}

/// A case on one of `paths` that selects row `row` of a table by a fact (over the fact's
/// domain cut at the tiers' bounds and the paths' conditions).
pub fn selecting_on(
    rules: &RuleSet,
    t: &crate::model::Tiers,
    row: usize,
    paths: &[Path<'_>],
) -> Answer {
    let mut cuts = Cuts::new();
    cuts.fact(t.fact);
    for r in &t.rows {
        if let Some(n) = r.key.bound() {
            cuts.constant(t.fact, Value::Dec(n));
        }
    }
    cut_paths(rules, &mut cuts, paths);
    super::exists_in(rules, &cuts.space(rules), |env| {
        let selected = env
            .facts
            .get(t.fact as usize)
            .copied()
            .flatten()
            .and_then(|v| t.select(v))
            .is_some_and(|sel| std::ptr::eq(sel, &t.rows[row]));
        selected && on_path(env, paths)
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

/// One `若` on the way to a statement: its condition, the condition's text, and the truth the
/// way takes (`false`: its `否则`).
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The condition.
    pub cond: &'a Expr,
    /// Its text as the rule file writes it.
    pub text: &'a str,
    /// Whether the way takes it as true.
    pub holds: bool,
}

impl PartialEq for Step<'_> {
    /// The same `若` of the model, taken the same way.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.cond, other.cond) && self.holds == other.holds
    }
}

/// The `若` conditions on the way to a statement, outermost first. A penalty applies where
/// every one comes out as the way takes it; an unknown one leaves the decision undetermined
/// (the walk asks for the fact), so the penalty does not apply there.
pub type Path<'a> = Vec<Step<'a>>;

/// Whether a case is on one of the ways: every condition of some path known and as it takes.
pub fn on_path(env: &mut Env<'_>, paths: &[Path<'_>]) -> bool {
    paths
        .iter()
        .any(|p| p.iter().all(|s| env.truth(s.cond) == Some(s.holds)))
}

/// Whether some case is on one of the ways at all (over the facts of their conditions).
pub fn on_some_way(rules: &RuleSet, paths: &[Path<'_>]) -> Answer {
    let mut cuts = Cuts::new();
    cut_paths(rules, &mut cuts, paths);
    super::exists_in(rules, &cuts.space(rules), |env| on_path(env, paths))
}

/// Whether every way is the empty one (the fine applies without a `若`).
pub fn unconditional(paths: &[Path<'_>]) -> bool {
    paths.iter().any(Vec::is_empty)
}

/// The ways in words, for messages: `“A”成立且“B”不成立`, several joined by `，或者`.
pub fn path_words(paths: &[Path<'_>]) -> String {
    paths
        .iter()
        .map(|p| {
            p.iter()
                .map(|s| {
                    let truth = if s.holds { "成立" } else { "不成立" };
                    format!("“{}”{truth}", s.text)
                })
                .collect::<Vec<_>>()
                .join("且")
        })
        .collect::<Vec<_>>()
        .join("，或者")
}

/// Adds the facts and constants of the paths' conditions to `cuts`.
pub fn cut_paths(rules: &RuleSet, cuts: &mut Cuts, paths: &[Path<'_>]) {
    for s in paths.iter().flatten() {
        cuts.expr(rules, s.cond);
    }
}

/// Calls `f` on every fine of every version of every violation, for each party, with the
/// version's span and the way to its penalty statement (the walk of [`crate::model::each_fine`],
/// carrying the `若` conditions).
pub fn each_fine_on_path<'a>(
    rules: &'a RuleSet,
    f: &mut impl FnMut(ViolationId, Span, Party, &'a FineSpec, &Path<'a>),
) {
    for (vi, v) in rules.violations.iter().enumerate() {
        for ver in &v.versions {
            for (party, stmts) in [
                (Party::Individual, &ver.penalties.individual),
                (Party::Unit, &ver.penalties.unit),
            ] {
                if let Some(stmts) = stmts {
                    let mut path = Vec::new();
                    walk(stmts, &mut path, &mut |spec, path| {
                        f(vi as u32, ver.span, party, spec, path);
                    });
                }
            }
        }
    }
}

/// The fines of `stmts` in reading order, each with its way.
fn walk<'a>(stmts: &'a [Stmt], path: &mut Path<'a>, f: &mut impl FnMut(&'a FineSpec, &Path<'a>)) {
    for s in stmts {
        match s {
            Stmt::Penalty(p) => {
                for a in &p.alts {
                    if let PenaltyAlt::Fine(spec) = a {
                        f(spec, path);
                    }
                }
            }
            Stmt::If {
                cond,
                text,
                then,
                otherwise,
                ..
            } => {
                for (branch, holds) in [(then, true), (otherwise, false)] {
                    path.push(Step { cond, text, holds });
                    walk(branch, path, f);
                    path.pop();
                }
            }
            Stmt::Measures(_) | Stmt::Daily(_) => {}
        }
    }
}

/// The way to fine `id` in the current version of violation `v` for `party`: empty where the
/// fine is not under a `若` (or not found).
pub fn path_of_fine(rules: &RuleSet, v: ViolationId, party: Party, id: FineId) -> Path<'_> {
    let Some(ver) = rules.violations.get(v as usize).map(|v| v.current()) else {
        return Vec::new();
    };
    let stmts = match party {
        Party::Individual => &ver.penalties.individual,
        Party::Unit => &ver.penalties.unit,
    };
    let mut found = None;
    if let Some(stmts) = stmts {
        walk(stmts, &mut Vec::new(), &mut |spec, path| {
            if found.is_none() && spec.id == id {
                found = Some(path.clone());
            }
        });
    }
    found.unwrap_or_default()
}

/// The branch of a table of tiers chosen by conditions that these facts choose, as evaluation
/// chooses it: the first whose condition holds, 其余 (`rows.len()`) when every one is false;
/// none where a condition before the one that holds is unknown (the tier is undetermined).
pub fn chosen_branch(env: &mut Env<'_>, table: &CaseTiers) -> Option<usize> {
    for (i, (cond, ..)) in table.rows.iter().enumerate() {
        match env.truth(cond) {
            Some(true) => return Some(i),
            Some(false) => {}
            None => return None,
        }
    }
    Some(table.rows.len())
}

/// The sub-range a fine's tiers give these facts (either form), as evaluation selects it: the
/// whole statutory range where the fine has no tiers; none where the facts select no tier.
pub fn tier_range(
    rules: &RuleSet,
    spec: &FineSpec,
    env: &mut Env<'_>,
) -> Option<(Decimal, Decimal)> {
    // Tiers chosen by conditions replace a table (a refinement writes only one of them).
    if let Some(table) = spec.cases.and_then(|c| rules.case_tiers.get(c as usize)) {
        let i = chosen_branch(env, table)?;
        return Some(
            table
                .rows
                .get(i)
                .map_or(table.rest, |(_, _, lo, hi)| (*lo, *hi)),
        );
    }
    match spec.tiers.and_then(|t| rules.tiers.get(t as usize)) {
        None => Some((spec.lo, spec.hi)),
        Some(t) => {
            let v = env.facts.get(t.fact as usize).copied().flatten()?;
            let row = t.select(v)?;
            Some((row.lo, row.hi))
        }
    }
}

/// Adds the facts and constants a fine's tiers (either form) select by to `cuts`.
pub fn cut_tiers(rules: &RuleSet, cuts: &mut Cuts, spec: &FineSpec) {
    if let Some(t) = spec.tiers.and_then(|t| rules.tiers.get(t as usize)) {
        cuts.fact(t.fact);
        for r in &t.rows {
            if let Some(n) = r.key.bound() {
                cuts.constant(t.fact, Value::Dec(n));
            }
        }
    }
    if let Some(table) = spec.cases.and_then(|c| rules.case_tiers.get(c as usize)) {
        for (cond, ..) in &table.rows {
            cuts.expr(rules, cond);
        }
    }
}
