//! The partitioned fact space: each fact's domain cut at the constants the conditions compare it
//! with, one representative value per piece, and the enumeration of every combination.
//!
//! Conditions compare a fact with constants (`x <= 5`, `harm 属于 {none, minor}`), so two values
//! of a fact that lie in the same piece (the same point, or the same open interval between two
//! neighbouring constants) make every such comparison come out the same: enumerating one value
//! per piece answers "is there a case where …" exactly. A condition that compares two facts or
//! computes with a fact (`a + b > 10`) is not cut this way; the space then says it is not exact,
//! and a search over it finds only real cases but may miss some.

use crate::model::{Expr, FactId, FactType, RuleSet, Value};
use jiff::civil::Date;
use rust_decimal::Decimal;

/// The constants each fact is compared with, gathered from conditions and tier tables.
#[derive(Debug, Clone, Default)]
pub struct Cuts {
    /// `(fact, constants)` in the order the facts are first met.
    facts: Vec<(FactId, Vec<Value>)>,
    /// Every comparison was of a fact with constants.
    pub exact: bool,
}

impl Cuts {
    /// No facts yet.
    pub fn new() -> Cuts {
        Cuts {
            facts: Vec::new(),
            exact: true,
        }
    }

    /// The facts, in the order they were met.
    pub fn facts(&self) -> impl Iterator<Item = FactId> + '_ {
        self.facts.iter().map(|(f, _)| *f)
    }

    /// Adds a fact read without a constant (a boolean, or a tier's fact).
    pub fn fact(&mut self, f: FactId) -> &mut Vec<Value> {
        let i = match self.facts.iter().position(|(g, _)| *g == f) {
            Some(i) => i,
            None => {
                self.facts.push((f, Vec::new()));
                self.facts.len() - 1
            }
        };
        &mut self.facts[i].1
    }

    /// Adds a constant a fact is compared with.
    pub fn constant(&mut self, f: FactId, v: Value) {
        let list = self.fact(f);
        if !list.contains(&v) {
            list.push(v);
        }
    }

    /// Adds the facts and constants of a condition, following predicates.
    pub fn expr(&mut self, rules: &RuleSet, e: &Expr) {
        let mut seen = Vec::new();
        self.walk(rules, e, &mut seen);
    }

    fn walk(&mut self, rules: &RuleSet, e: &Expr, seen: &mut Vec<u32>) {
        match e {
            Expr::Lit(_) => {}
            Expr::Fact(f) => {
                self.fact(*f);
            }
            Expr::Pred(p) => {
                if !seen.contains(p) {
                    seen.push(*p);
                    if let Some(pred) = rules.predicates.get(*p as usize) {
                        self.walk(rules, &pred.cond, seen);
                    }
                }
            }
            Expr::Not(x) => self.walk(rules, x, seen),
            Expr::And(a, b) | Expr::Or(a, b) => {
                self.walk(rules, a, seen);
                self.walk(rules, b, seen);
            }
            Expr::Cmp(_, a, b) => match (&**a, &**b) {
                (Expr::Fact(f), Expr::Lit(v)) | (Expr::Lit(v), Expr::Fact(f)) => {
                    self.constant(*f, *v);
                }
                _ => {
                    self.exact = false;
                    e.for_each_fact(&mut |f| {
                        self.fact(f);
                    });
                }
            },
            Expr::In(x, vs) => match &**x {
                Expr::Fact(f) => {
                    for v in vs {
                        self.constant(*f, *v);
                    }
                }
                other => {
                    self.exact = false;
                    other.for_each_fact(&mut |f| {
                        self.fact(f);
                    });
                }
            },
            Expr::Neg(_) | Expr::Arith(..) | Expr::Days(..) | Expr::AddMonths(..) => {
                self.exact = false;
                e.for_each_fact(&mut |f| {
                    self.fact(f);
                });
            }
        }
    }

    /// The space of representative values of these facts.
    pub fn space(&self, rules: &RuleSet) -> Space {
        let dims = self
            .facts
            .iter()
            .filter_map(|(f, cs)| {
                let fact = rules.facts.get(*f as usize)?;
                let mut values: Vec<Option<Value>> = representatives(&fact.ty, cs)
                    .into_iter()
                    .map(Some)
                    .collect();
                if fact.default.is_none() {
                    values.push(None);
                }
                Some(Dim { fact: *f, values })
            })
            .collect();
        Space {
            dims,
            exact: self.exact,
        }
    }
}

/// One case of a space: each fact's value (`None`: not given).
pub type Point = Vec<(FactId, Option<Value>)>;

/// One fact of a space and its representative values (`None`: the case does not give it).
#[derive(Debug, Clone, PartialEq)]
pub struct Dim {
    /// The fact.
    pub fact: FactId,
    /// One value per piece of its domain.
    pub values: Vec<Option<Value>>,
}

/// A partitioned space of cases over some facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    /// The facts and their pieces.
    pub dims: Vec<Dim>,
    /// Whether the pieces are exact for the conditions they were cut for.
    pub exact: bool,
}

impl Space {
    /// The number of cases (saturating).
    pub fn size(&self) -> u64 {
        self.dims
            .iter()
            .fold(1u64, |n, d| n.saturating_mul(d.values.len() as u64))
    }

    /// Calls `f` on every case, as a full fact vector (facts outside the space unknown, or
    /// their defaults), until `f` returns true; returns that case's values, or `Err(size)`
    /// where the space has more than `limit` cases.
    pub fn find(
        &self,
        rules: &RuleSet,
        limit: u64,
        mut f: impl FnMut(&[Option<Value>]) -> bool,
    ) -> Result<Option<Point>, u64> {
        let size = self.size();
        if size > limit {
            return Err(size);
        }
        let mut facts: Vec<Option<Value>> = rules.facts.iter().map(|f| f.default).collect();
        let mut at = vec![0usize; self.dims.len()];
        if self.dims.iter().any(|d| d.values.is_empty()) {
            return Ok(None);
        }
        loop {
            for (d, &i) in self.dims.iter().zip(&at) {
                facts[d.fact as usize] = d.values[i];
            }
            if f(&facts) {
                return Ok(Some(
                    self.dims
                        .iter()
                        .zip(&at)
                        .map(|(d, &i)| (d.fact, d.values[i]))
                        .collect(),
                ));
            }
            // The next combination, last fact fastest.
            let mut k = self.dims.len();
            loop {
                if k == 0 {
                    return Ok(None);
                }
                k -= 1;
                at[k] += 1;
                if at[k] < self.dims[k].values.len() {
                    break;
                }
                at[k] = 0;
            }
        }
    }
}

/// One value per piece of a fact's domain cut at `cuts`: each constant, one value inside each
/// open interval between neighbours, one below the least and one above the greatest (numbers
/// are never negative in a case).
pub fn representatives(ty: &FactType, cuts: &[Value]) -> Vec<Value> {
    match ty {
        FactType::Bool => vec![Value::Bool(true), Value::Bool(false)],
        FactType::Enum(vs) => (0..vs.len())
            .map(|i| Value::Enum(crate::limits::option_index(i)))
            .collect(),
        FactType::Int => {
            let mut pts: Vec<i64> = vec![0];
            for c in cuts {
                if let Some(d) = c.as_decimal() {
                    let lo = d.floor();
                    let hi = d.ceil();
                    for p in [lo - Decimal::ONE, lo, hi, hi + Decimal::ONE] {
                        if let Ok(i) = i64::try_from(p)
                            && i >= 0
                        {
                            pts.push(i);
                        }
                    }
                }
            }
            pts.sort_unstable();
            pts.dedup();
            pts.into_iter().map(Value::Int).collect()
        }
        FactType::Decimal | FactType::Money => {
            let mut cs: Vec<Decimal> = cuts
                .iter()
                .filter_map(|c| c.as_decimal())
                .filter(|d| !d.is_sign_negative())
                .collect();
            cs.sort_unstable();
            cs.dedup();
            let mut out = Vec::new();
            match cs.first() {
                None => out.push(Decimal::ONE),
                Some(first) if first.is_zero() => {}
                Some(first) => out.push((*first / Decimal::TWO).round_dp(2)),
            }
            for (i, c) in cs.iter().enumerate() {
                out.push(*c);
                match cs.get(i + 1) {
                    Some(next) => out.push(mid(*c, *next)),
                    None => out.push(*c + Decimal::ONE),
                }
            }
            out.dedup();
            out.into_iter().map(Value::Dec).collect()
        }
        FactType::Date => {
            let mut cs: Vec<Date> = cuts
                .iter()
                .filter_map(|c| match c {
                    Value::Date(d) => Some(*d),
                    _ => None,
                })
                .collect();
            cs.sort_unstable();
            cs.dedup();
            let mut out = Vec::new();
            match cs.first() {
                None => out.push(Date::constant(2025, 1, 1)),
                Some(first) => out.extend(first.yesterday().ok()),
            }
            for (i, c) in cs.iter().enumerate() {
                out.push(*c);
                match cs.get(i + 1) {
                    Some(next) => {
                        if let Ok(day) = c.tomorrow()
                            && day < *next
                        {
                            out.push(day);
                        }
                    }
                    None => out.extend(c.tomorrow().ok()),
                }
            }
            out.into_iter().map(Value::Date).collect()
        }
    }
}

/// A decimal strictly between two, with as few places as will do.
fn mid(a: Decimal, b: Decimal) -> Decimal {
    let m = (a + b) / Decimal::TWO;
    for dp in 0..=6 {
        let r = m.round_dp(dp);
        if r > a && r < b {
            return r;
        }
    }
    m
}
