//! What an article punishes with: the penalty statements per party (the article's own
//! conditions, measures, penalties), the fines as written, and their tier tables.

use super::{Expr, FactId, FineId, Measure, PenaltyKind, Value};
use crate::vocab::Party;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Penalty statements per party.
#[derive(Debug, Clone, Default)]
pub struct PerPartyStmts {
    /// 个人
    pub individual: Option<Vec<Stmt>>,
    /// 单位
    pub unit: Option<Vec<Stmt>>,
}

impl PerPartyStmts {
    /// Every kind of penalty the article lists for a party, in any branch, in order.
    pub fn kinds(&self, p: Party) -> Vec<PenaltyKind> {
        fn walk(stmts: &[Stmt], out: &mut Vec<PenaltyKind>) {
            for s in stmts {
                match s {
                    Stmt::Penalty(p) => {
                        for a in &p.alts {
                            let k = match a {
                                PenaltyAlt::Fine(_) => PenaltyKind::Fine,
                                PenaltyAlt::Kind(k) => *k,
                            };
                            if !out.contains(&k) {
                                out.push(k);
                            }
                        }
                    }
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
        walk(self.get(p).unwrap_or_default(), &mut out);
        out
    }

    /// The statements for a party.
    pub fn get(&self, p: Party) -> Option<&[Stmt]> {
        match p {
            Party::Individual => self.individual.as_deref(),
            Party::Unit => self.unit.as_deref(),
        }
    }
}

/// A penalty statement.
#[derive(Debug, Clone)]
pub enum Stmt {
    /// The article's own condition.
    If {
        /// Condition.
        cond: Expr,
        /// Its text as written, for the drafter's diagnostics and analysis.
        text: Arc<str>,
        /// The same in words, with the facts' labels, for the caseworker's trace (filled in
        /// after the checks; the text as written until then).
        words: Arc<str>,
        /// When it holds.
        then: Vec<Stmt>,
        /// When it does not.
        otherwise: Vec<Stmt>,
    },
    /// Measures.
    Measures(Vec<Measure>),
    /// A penalty.
    Penalty(Penalty),
    /// 按日连续处罚: the fine again for each day of continued refusal.
    Daily(Box<super::DailyFine>),
}

impl Stmt {
    /// Whether some penalty on some branch satisfies `f`; the one walk of every branch of the
    /// statement tree.
    pub fn any(stmts: &[Stmt], f: &mut impl FnMut(&Penalty) -> bool) -> bool {
        stmts.iter().any(|s| match s {
            Stmt::Penalty(p) => f(p),
            Stmt::If {
                then, otherwise, ..
            } => Stmt::any(then, f) || Stmt::any(otherwise, f),
            Stmt::Measures(_) | Stmt::Daily(_) => false,
        })
    }

    /// Calls `f` on every penalty on every branch, in reading order.
    pub fn for_each_penalty(stmts: &[Stmt], f: &mut impl FnMut(&Penalty)) {
        Stmt::any(stmts, &mut |p| {
            f(p);
            false
        });
    }

    /// Calls `f` on every penalty on every branch, in reading order, to change it.
    pub fn for_each_penalty_mut(stmts: &mut [Stmt], f: &mut impl FnMut(&mut Penalty)) {
        for s in stmts {
            match s {
                Stmt::Penalty(p) => f(p),
                Stmt::If {
                    then, otherwise, ..
                } => {
                    Stmt::for_each_penalty_mut(then, f);
                    Stmt::for_each_penalty_mut(otherwise, f);
                }
                Stmt::Measures(_) | Stmt::Daily(_) => {}
            }
        }
    }

    /// Whether the statements name a penalty on some branch (a lowered penalty with no kind
    /// left, after an error, names none).
    pub fn any_penalty(stmts: &[Stmt]) -> bool {
        Stmt::any(stmts, &mut |p| !p.alts.is_empty())
    }
}

/// One penalty or a choice of several.
#[derive(Debug, Clone)]
pub struct Penalty {
    /// 可以: discretionary.
    pub discretionary: bool,
    /// One, or several alternatives.
    pub alts: Vec<PenaltyAlt>,
}

/// A kind of penalty.
#[derive(Debug, Clone)]
pub enum PenaltyAlt {
    /// A fine.
    Fine(FineSpec),
    /// Another kind.
    Kind(PenaltyKind),
}

/// A fine range as the article writes it.
#[derive(Debug, Clone, Copy)]
pub struct FineSpec {
    /// Lower end (0 for `..hi`).
    pub lo: Decimal,
    /// Upper end.
    pub hi: Decimal,
    /// Scaled by a fact.
    pub scale: Option<(FactId, ScaleKind)>,
    /// Per unit of a second fact too (每日每平方米).
    pub per_also: Option<FactId>,
    /// The absolute cap of a scaled fine (总额不超过).
    pub cap: Option<Decimal>,
    /// Its number in the rule set (unique per statement): the decision graph keeps the bands
    /// of a fixed range under it.
    pub id: FineId,
    /// Index into [`RuleSet::tiers`](super::RuleSet::tiers) where the fine has a tier table.
    pub tiers: Option<u32>,
    /// Index into [`RuleSet::case_tiers`](super::RuleSet::case_tiers) where the fine's tiers
    /// are chosen by conditions.
    pub cases: Option<u32>,
}

impl FineSpec {
    /// The quantity the fine is scaled by for these facts (the product of both facts of a
    /// fine per unit of two): `Ok(None)` for a fixed range, `Err(fact)` where a fact is unknown.
    pub fn quantity(&self, facts: &[Option<Value>]) -> Result<Option<Decimal>, FactId> {
        let Some((first, _)) = self.scale else {
            return Ok(None);
        };
        let get = |f: FactId| {
            facts
                .get(f as usize)
                .copied()
                .flatten()
                .and_then(Value::as_decimal)
                .ok_or(f)
        };
        let mut q = get(first)?;
        if let Some(second) = self.per_also {
            q = q.checked_mul(get(second)?).ok_or(second)?;
        }
        Ok(Some(q))
    }

    /// The range scaled by a quantity and held under the cap: `(lo × q, hi × q)`, each end at
    /// most the cap.
    pub fn scaled(&self, q: Decimal) -> (Decimal, Decimal) {
        let lo = self.lo.checked_mul(q).unwrap_or(Decimal::MAX);
        let hi = self.hi.checked_mul(q).unwrap_or(Decimal::MAX);
        match self.cap {
            Some(c) => (lo.min(c), hi.min(c)),
            None => (lo, hi),
        }
    }
}

/// Tiers chosen by conditions over several facts (登封: 单个2平方米以下或者3个以下 …): the first
/// whose condition holds applies, the last (其余) when none does. Each is a sub-range of the
/// statutory range, which stays the article's.
#[derive(Debug, Clone)]
pub struct CaseTiers {
    /// The conditional tiers in order, each with its condition's text.
    pub rows: Vec<(Expr, Arc<str>, Decimal, Decimal)>,
    /// 其余.
    pub rest: (Decimal, Decimal),
}

/// A tier table (情节档次): the fact that selects a tier and the tiers, each a sub-range of the
/// statutory range within which the bands apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiers {
    /// The selecting fact.
    pub fact: FactId,
    /// The tiers in order: the first that matches applies.
    pub rows: Vec<Tier>,
}

/// One tier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tier {
    /// Which values select it.
    pub key: TierKey,
    /// Its sub-range.
    pub lo: Decimal,
    /// Its sub-range's upper end.
    pub hi: Decimal,
}

/// What selects a tier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TierKey {
    /// Values up to this one, included (以下 includes the number: a boundary value takes the
    /// lower tier).
    UpTo(Decimal),
    /// Values below this one (不满: the number itself is excluded).
    Below(Decimal),
    /// This value and every larger one (以上 includes the number); the last tier.
    From(Decimal),
    /// Every value not selected by an earlier tier.
    Rest,
    /// An option.
    Variant(u16),
}

impl TierKey {
    /// The number a numeric key is bounded by.
    pub fn bound(self) -> Option<Decimal> {
        match self {
            TierKey::UpTo(n) | TierKey::Below(n) | TierKey::From(n) => Some(n),
            TierKey::Rest | TierKey::Variant(_) => None,
        }
    }
}

impl Tiers {
    /// The tier a value selects, if any.
    pub fn select(&self, v: Value) -> Option<&Tier> {
        self.rows.iter().find(|t| match (t.key, v) {
            (TierKey::Rest, _) => true,
            (TierKey::UpTo(n), v) => v.as_decimal().is_some_and(|d| d <= n),
            (TierKey::Below(n), v) => v.as_decimal().is_some_and(|d| d < n),
            (TierKey::From(n), v) => v.as_decimal().is_some_and(|d| d >= n),
            (TierKey::Variant(i), Value::Enum(j)) => i == j,
            (TierKey::Variant(_), _) => false,
        })
    }
}

/// Per unit or multiple.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleKind {
    /// 每
    PerUnit,
    /// 倍
    Multiple,
}

/// Calls `f` on every fine of every version of every violation, for each party, with the
/// version's span.
pub fn each_fine<'a>(
    rules: &'a super::RuleSet,
    f: &mut impl FnMut(super::ViolationId, crate::source::Span, crate::vocab::Party, &'a crate::model::FineSpec),
) {
    for (vi, v) in rules.violations.iter().enumerate() {
        for ver in &v.versions {
            for (party, stmts) in [
                (crate::vocab::Party::Individual, &ver.penalties.individual),
                (crate::vocab::Party::Unit, &ver.penalties.unit),
            ] {
                let Some(stmts) = stmts else {
                    continue;
                };
                let mut fines = Vec::new();
                penalties(stmts, &mut fines);
                for spec in fines {
                    f(vi as u32, ver.span, party, spec);
                }
            }
        }
    }
}

/// Every fine written in the statements, on every branch.
fn penalties<'a>(stmts: &'a [crate::model::Stmt], out: &mut Vec<&'a crate::model::FineSpec>) {
    for s in stmts {
        match s {
            crate::model::Stmt::Penalty(p) => {
                for a in &p.alts {
                    if let crate::model::PenaltyAlt::Fine(f) = a {
                        out.push(f);
                    }
                }
            }
            crate::model::Stmt::If {
                then, otherwise, ..
            } => {
                penalties(then, out);
                penalties(otherwise, out);
            }
            crate::model::Stmt::Measures(_) | crate::model::Stmt::Daily(_) => {}
        }
    }
}
