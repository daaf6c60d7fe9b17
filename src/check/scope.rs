//! What the analysis lints share: which violations two entries both cover, and the example case
//! a finding reports.

use crate::analysis::Witness;
use crate::analysis::tiers::{Path, each_fine_on_path, selecting_on};
pub use crate::analysis::tiers::{selecting, tier_key};
use crate::diag::Diagnostic;
use crate::model::{Entry, RuleSet, ViolationId};

/// The first violation an entry covers.
pub fn first_covered(rules: &RuleSet, e: &Entry) -> Option<ViolationId> {
    (0..rules.violations.len() as u32).find(|&v| e.covers.covers(v))
}

/// Adds the witness, made a whole case of the violation, as the diagnostic's example.
pub fn with_example(
    d: Diagnostic,
    rules: &RuleSet,
    v: ViolationId,
    w: &Witness,
    shows: &str,
) -> Diagnostic {
    let whole = w.complete(rules, v);
    let code = rules.violations.get(v as usize).map_or("", |x| &*x.code);
    d.example(
        format!("{code}，{}：{shows}", w.words(rules)),
        whole.case(rules, v),
    )
}

/// The diagnostic for a question whose space is too large to enumerate (L0499).
pub fn too_large(e: &Entry, what: &str, size: u64) -> Diagnostic {
    Diagnostic::error(
        crate::diag::Code::AnalysisTooLarge,
        e.span,
        format!(
            "清单条目 {} 的{what}未能分析：需要枚举 {size} 个案件，超过上限 {}",
            e.id,
            crate::limits::ANALYSIS_CASES
        ),
    )
    .label("条件读取的事实及其取值过多")
    .help("把条件拆成几个条目或谓词，减少一个条件中比较的事实和数值；上限见 docs/limits.md")
}

/// A tier table where a violation uses it: the violation, the version's span, the statutory
/// range around it and the table's index.
pub struct TierUse<'a> {
    /// The violation.
    pub violation: ViolationId,
    /// The version that writes it.
    pub span: crate::source::Span,
    /// The fine it divides.
    pub spec: &'a crate::model::FineSpec,
    /// The table.
    pub tiers: &'a crate::model::Tiers,
    /// The party whose fine it divides.
    pub party: crate::vocab::Party,
    /// The ways to the fines it divides (the enclosing `若` conditions of each): a tier counts
    /// only for cases on one of them.
    pub paths: Vec<Path<'a>>,
}

impl TierUse<'_> {
    /// The start of every tier finding's message: the violation and the fact it is tiered by.
    pub fn subject(&self, rules: &RuleSet) -> String {
        format!(
            "违法行为 {} 按 {} 分档",
            rules.violations[self.violation as usize].code,
            rules.facts[self.tiers.fact as usize].name
        )
    }

    /// A case on one of the table's ways that selects tier `row`.
    pub fn selecting(&self, rules: &RuleSet, row: usize) -> crate::analysis::Answer {
        selecting_on(rules, self.tiers, row, &self.paths)
    }

    /// `d` with the case on the table's ways that selects tier `row` (for the table's party),
    /// saying what it shows given the tier's key; `d` as it is where no case selects the tier.
    pub fn with_example(
        &self,
        d: Diagnostic,
        rules: &RuleSet,
        row: usize,
        shows: impl FnOnce(&str) -> String,
    ) -> Diagnostic {
        let Some(mut w) = self.selecting(rules, row).witness() else {
            return d;
        };
        set_party(rules, &mut w, self.party);
        let shows = shows(&tier_key(rules, self.tiers, row));
        with_example(d, rules, self.violation, &w, &shows)
    }
}

/// Every tier table once, where it is first written, with every way to the fines it divides.
pub fn tier_uses(rules: &RuleSet) -> Vec<TierUse<'_>> {
    let mut out: Vec<TierUse<'_>> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    each_fine_on_path(rules, &mut |violation, span, party, f, path| {
        let Some(t) = f.tiers else {
            return;
        };
        if let Some(i) = seen.iter().position(|s| *s == t) {
            if !out[i].paths.contains(path) {
                out[i].paths.push(path.clone());
            }
            return;
        }
        let Some(tiers) = rules.tiers.get(t as usize) else {
            return;
        };
        seen.push(t);
        // A table a refinement wrote is reported where the refinement writes it.
        let refined = rules
            .refinements
            .iter()
            .flat_map(|r| &r.fines)
            .find(|f| f.after.tiers == Some(t))
            .map(|f| f.span);
        out.push(TierUse {
            violation,
            span: refined.unwrap_or(span),
            spec: f,
            tiers,
            party,
            paths: vec![path.clone()],
        });
    });
    out
}

/// Sets the party type of a witness.
pub fn set_party(rules: &RuleSet, w: &mut Witness, party: crate::vocab::Party) {
    let std = rules.standard;
    let unit = if std.individual == 0 { 1 } else { 0 };
    let v = match party {
        crate::vocab::Party::Individual => std.individual,
        crate::vocab::Party::Unit => unit,
    };
    w.set(std.party_type, crate::model::Value::Enum(v));
}

/// Calls `f` on every condition of the rule set outside the lists and predicates: the
/// articles' own conditions, the elements, the higher norms' conditions.
pub fn violation_conditions<'a>(
    rules: &'a RuleSet,
    f: &mut impl FnMut(ViolationId, &'a crate::model::Expr),
) {
    fn stmts<'a>(
        v: ViolationId,
        ss: &'a [crate::model::Stmt],
        f: &mut impl FnMut(ViolationId, &'a crate::model::Expr),
    ) {
        for s in ss {
            if let crate::model::Stmt::If {
                cond,
                then,
                otherwise,
                ..
            } = s
            {
                f(v, cond);
                stmts(v, then, f);
                stmts(v, otherwise, f);
            }
        }
    }
    for (i, v) in rules.violations.iter().enumerate() {
        let i = i as u32;
        for e in &v.elements {
            f(i, &e.cond);
        }
        for h in &v.higher {
            if let Some((e, _)) = &h.when {
                f(i, e);
            }
        }
        for ver in &v.versions {
            for ss in [&ver.penalties.individual, &ver.penalties.unit]
                .into_iter()
                .flatten()
            {
                stmts(i, ss, f);
                // The conditions of tiers chosen by conditions.
                let mut cases = Vec::new();
                crate::model::Stmt::for_each_penalty(ss, &mut |p| {
                    for a in &p.alts {
                        if let crate::model::PenaltyAlt::Fine(spec) = a {
                            cases.extend(spec.cases);
                        }
                    }
                });
                for c in cases.iter().filter_map(|c| rules.case_tiers.get(*c as usize)) {
                    for (e, ..) in &c.rows {
                        f(i, e);
                    }
                }
            }
        }
    }
}

/// Calls `f` on every fact a violation's fines read directly (per-unit and multiple-based
/// amounts, tier tables).
pub fn fine_facts(
    rules: &RuleSet,
    v: &crate::model::Violation,
    f: &mut impl FnMut(crate::model::FactId),
) {
    for ver in &v.versions {
        for ss in [&ver.penalties.individual, &ver.penalties.unit]
            .into_iter()
            .flatten()
        {
            crate::model::Stmt::for_each_penalty(ss, &mut |p| {
                for a in &p.alts {
                    if let crate::model::PenaltyAlt::Fine(spec) = a {
                        if let Some((x, _)) = spec.scale {
                            f(x);
                        }
                        if let Some(x) = spec.per_also {
                            f(x);
                        }
                        if let Some(t) = spec.tiers.and_then(|t| rules.tiers.get(t as usize)) {
                            f(t.fact);
                        }
                    }
                }
            });
        }
    }
}

/// Per violation, the indices of the entries that cover it (so that pairs of entries are found
/// per violation, not by comparing every entry with every other).
pub fn covering(rules: &RuleSet) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); rules.violations.len()];
    for (i, e) in rules.entries.iter().enumerate() {
        for (v, list) in out.iter_mut().enumerate() {
            if e.covers.covers(v as u32) {
                list.push(i as u32);
            }
        }
    }
    out
}

/// The entries (in file order) that share a violation with entry `i` and satisfy `keep`, each
/// with the first violation they share.
pub fn partners(
    rules: &RuleSet,
    by_violation: &[Vec<u32>],
    i: usize,
    keep: impl Fn(&Entry) -> bool,
) -> Vec<(usize, ViolationId)> {
    let e = &rules.entries[i];
    let mut first: Vec<Option<ViolationId>> = vec![None; rules.entries.len()];
    for (v, list) in by_violation.iter().enumerate() {
        if !e.covers.covers(v as u32) {
            continue;
        }
        for &j in list {
            let j = j as usize;
            if j != i && first[j].is_none() && keep(&rules.entries[j]) {
                first[j] = Some(v as u32);
            }
        }
    }
    first
        .into_iter()
        .enumerate()
        .filter_map(|(j, v)| v.map(|v| (j, v)))
        .collect()
}
