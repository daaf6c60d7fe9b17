//! What the tier lints (L0406–L0408) share for tiers chosen by conditions (`档次 { 当 …: …
//! 其余: … }`): where each table is used, the words of a branch, and "is there a case that
//! chooses this branch". The form is first-match: a branch is chosen when every condition
//! before it is false and its own holds (其余 when all are false); an unknown condition before
//! the one that holds leaves the tier undetermined (docs/evaluation.md), so it chooses nothing.

use super::scope::{set_party, with_example};
use crate::analysis::tiers::{Path, chosen_branch, cut_paths, each_fine_on_path, on_path};
use crate::analysis::{self, Answer, Cuts};
use crate::diag::{Code, Diagnostic};
use crate::model::{CaseTiers, Expr, FineSpec, RuleSet, ViolationId};
use crate::source::Span;
use crate::vocab::Party;
use rust_decimal::Decimal;

/// A table of tiers chosen by conditions where a violation uses it.
pub struct CaseTierUse<'a> {
    /// The violation.
    pub violation: ViolationId,
    /// The version that writes it (or the refinement that does).
    pub span: Span,
    /// The fine it divides.
    pub spec: &'a FineSpec,
    /// The table.
    pub table: &'a CaseTiers,
    /// The party whose fine it divides.
    pub party: Party,
    /// The ways to the fines it divides (the enclosing `若` conditions of each): a branch
    /// counts only for cases on one of them.
    pub paths: Vec<Path<'a>>,
}

impl CaseTierUse<'_> {
    /// The start of every finding's message.
    pub fn subject(&self, rules: &RuleSet) -> String {
        format!(
            "违法行为 {} 按条件分档",
            rules.violations[self.violation as usize].code
        )
    }

    /// How many branches the table has, 其余 the last.
    pub fn branches(&self) -> usize {
        self.table.rows.len() + 1
    }

    /// Branch `i`'s sub-range (the last is 其余's).
    pub fn range(&self, i: usize) -> (Decimal, Decimal) {
        self.table
            .rows
            .get(i)
            .map_or(self.table.rest, |(_, _, lo, hi)| (*lo, *hi))
    }

    /// Branch `i`'s condition (none for 其余).
    pub fn cond(&self, i: usize) -> Option<&Expr> {
        self.table.rows.get(i).map(|(e, ..)| e)
    }

    /// Branch `i` as the rule file writes its key: `当 …` or `其余`.
    pub fn key(&self, i: usize) -> String {
        self.table
            .rows
            .get(i)
            .map_or_else(|| "其余".to_string(), |(_, text, ..)| format!("当 {text}"))
    }

    /// Branch `i` with its sub-range, for messages: `第 2 档（当 …：5000..10000）`.
    pub fn branch_words(&self, i: usize) -> String {
        let (lo, hi) = self.range(i);
        format!(
            "第 {} 档（{}：{}..{}）",
            i + 1,
            self.key(i),
            lo.normalize(),
            hi.normalize()
        )
    }

    /// Whether some case on one of the table's ways chooses branch `i` while `also` holds too
    /// (over the facts of the branches' conditions up to `i`, `also` and the ways).
    pub fn choosing(&self, rules: &RuleSet, i: usize, also: Option<&Expr>) -> Answer {
        let mut cuts = Cuts::new();
        for (e, ..) in self.table.rows.iter().take(i + 1) {
            cuts.expr(rules, e);
        }
        if let Some(e) = also {
            cuts.expr(rules, e);
        }
        cut_paths(rules, &mut cuts, &self.paths);
        analysis::exists_in(rules, &cuts.space(rules), |env| {
            chosen_branch(env, self.table) == Some(i)
                && also.is_none_or(|e| analysis::holds(env, e))
                && on_path(env, &self.paths)
        })
    }

    /// `d` with the witness, made a whole case of the table's party, as its example.
    pub fn with_example(
        &self,
        d: Diagnostic,
        rules: &RuleSet,
        mut w: analysis::Witness,
        shows: &str,
    ) -> Diagnostic {
        set_party(rules, &mut w, self.party);
        with_example(d, rules, self.violation, &w, shows)
    }

    /// The diagnostic for a question about branch `i` whose space is too large (L0499).
    pub fn too_large(&self, rules: &RuleSet, i: usize, size: u64) -> Diagnostic {
        Diagnostic::error(
            Code::AnalysisTooLarge,
            self.span,
            format!(
                "{}的第 {} 档未能分析：需要枚举 {size} 个案件，超过上限 {}",
                self.subject(rules),
                i + 1,
                crate::limits::ANALYSIS_CASES
            ),
        )
        .label("档次的条件读取的事实及其取值过多")
        .help("把条件拆成几个谓词，减少一个条件中比较的事实和数值；上限见 docs/limits.md")
    }
}

/// Every table of tiers chosen by conditions once, where it is first written, with every way
/// to the fines it divides.
pub fn case_tier_uses(rules: &RuleSet) -> Vec<CaseTierUse<'_>> {
    let mut out: Vec<CaseTierUse<'_>> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    each_fine_on_path(rules, &mut |violation, span, party, spec, path| {
        let Some(c) = spec.cases else {
            return;
        };
        if let Some(i) = seen.iter().position(|s| *s == c) {
            if !out[i].paths.contains(path) {
                out[i].paths.push(path.clone());
            }
            return;
        }
        let Some(table) = rules.case_tiers.get(c as usize) else {
            return;
        };
        seen.push(c);
        // A table a refinement wrote is reported where the refinement writes it.
        let refined = rules
            .refinements
            .iter()
            .flat_map(|r| &r.fines)
            .find(|f| f.after.cases == Some(c))
            .map(|f| f.span);
        out.push(CaseTierUse {
            violation,
            span: refined.unwrap_or(span),
            spec,
            table,
            party,
            paths: vec![path.clone()],
        });
    });
    out
}
