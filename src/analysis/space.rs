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
    /// Emptied lists kept by [`Cuts::clear`], so that a check asking one question per entry
    /// does not allocate them again.
    spare: Vec<Vec<Value>>,
    /// The predicates already followed by [`Cuts::expr`], kept for the same reason.
    seen: Vec<u32>,
}

impl Cuts {
    /// No facts yet.
    pub fn new() -> Cuts {
        Cuts {
            facts: Vec::new(),
            exact: true,
            spare: Vec::new(),
            seen: Vec::new(),
        }
    }

    /// No facts again, as [`Cuts::new`], keeping the memory for the next question.
    pub fn clear(&mut self) {
        for (_, mut list) in self.facts.drain(..) {
            list.clear();
            self.spare.push(list);
        }
        self.exact = true;
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
                let list = self.spare.pop().unwrap_or_default();
                self.facts.push((f, list));
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
        let mut seen = std::mem::take(&mut self.seen);
        seen.clear();
        self.walk(rules, e, &mut seen);
        self.seen = seen;
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
        let mut space = Space {
            dims: Vec::new(),
            exact: self.exact,
        };
        self.space_into(rules, &mut space, &mut Scratch::default());
        space
    }

    /// [`Cuts::space`] into `out`, reusing its memory and `scratch`'s.
    fn space_into(&self, rules: &RuleSet, out: &mut Space, scratch: &mut Scratch) {
        for mut d in out.dims.drain(..) {
            d.values.clear();
            scratch.values.push(d.values);
        }
        out.exact = self.exact;
        for (f, cs) in &self.facts {
            let Some(fact) = rules.facts.get(*f as usize) else {
                continue;
            };
            let mut values = scratch.values.pop().unwrap_or_default();
            representatives_with(&fact.ty, cs, &mut scratch.pieces, &mut |v| {
                values.push(Some(v));
            });
            if fact.default.is_none() {
                values.push(None);
            }
            out.dims.push(Dim { fact: *f, values });
        }
    }
}

/// The memory one question over a space needs, kept from one question to the next by
/// [`Search`].
#[derive(Debug, Default)]
struct Scratch {
    /// Emptied value lists of dimensions.
    values: Vec<Vec<Option<Value>>>,
    /// For [`representatives_with`].
    pieces: Pieces,
}

/// Asks "is there a case where …" over and over (once per entry, say) without allocating for
/// each question what the last one already had: the constants, the space and the fact vector.
#[derive(Debug, Default)]
pub struct Search {
    cuts: Cuts,
    space: Space,
    scratch: Scratch,
    /// Every fact's default, and while a question is asked the values of the case tried.
    facts: Vec<Option<Value>>,
    /// The piece of each dimension tried.
    at: Vec<usize>,
}

impl Search {
    /// Ready for the first question.
    pub fn new() -> Search {
        Search::default()
    }

    /// Whether some case of the space of `conds` (cut at their constants, as
    /// [`Cuts::expr`] and [`Cuts::space`] make it) satisfies `f`; `Err(size)` where the space
    /// has more than `limit` cases. The same answer as [`Space::find`] on that space, without
    /// the case; `exact` says whether a no is proven.
    pub fn any(
        &mut self,
        rules: &RuleSet,
        conds: &[&Expr],
        limit: u64,
        f: impl FnMut(&[Option<Value>]) -> bool,
    ) -> (Result<bool, u64>, bool) {
        self.cuts.clear();
        for c in conds {
            self.cuts.expr(rules, c);
        }
        self.cuts
            .space_into(rules, &mut self.space, &mut self.scratch);
        if self.facts.len() != rules.facts.len() {
            self.facts.clear();
            self.facts.extend(rules.facts.iter().map(|f| f.default));
        }
        let found = self.space.search(limit, &mut self.facts, &mut self.at, f);
        // Back to the defaults for the next question.
        for d in &self.space.dims {
            if let Some(slot) = self.facts.get_mut(d.fact as usize) {
                *slot = rules.facts.get(d.fact as usize).and_then(|f| f.default);
            }
        }
        (found, self.space.exact)
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
#[derive(Debug, Clone, PartialEq, Default)]
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
        f: impl FnMut(&[Option<Value>]) -> bool,
    ) -> Result<Option<Point>, u64> {
        let mut facts: Vec<Option<Value>> = rules.facts.iter().map(|f| f.default).collect();
        let mut at = Vec::new();
        if !self.search(limit, &mut facts, &mut at, f)? {
            return Ok(None);
        }
        Ok(Some(
            self.dims
                .iter()
                .zip(&at)
                .map(|(d, &i)| (d.fact, d.values[i]))
                .collect(),
        ))
    }

    /// The enumeration of [`Space::find`] over a fact vector given (every fact the space does
    /// not hold as the case should see it); on a yes, `at` holds the piece of each dimension
    /// of the case found. A fact id out of the vector's range is not set.
    fn search(
        &self,
        limit: u64,
        facts: &mut [Option<Value>],
        at: &mut Vec<usize>,
        mut f: impl FnMut(&[Option<Value>]) -> bool,
    ) -> Result<bool, u64> {
        let size = self.size();
        if size > limit {
            return Err(size);
        }
        at.clear();
        at.resize(self.dims.len(), 0);
        if self.dims.iter().any(|d| d.values.is_empty()) {
            return Ok(false);
        }
        loop {
            for (d, &i) in self.dims.iter().zip(at.iter()) {
                if let Some(slot) = facts.get_mut(d.fact as usize) {
                    *slot = d.values[i];
                }
            }
            if f(facts) {
                return Ok(true);
            }
            // The next combination, last fact fastest.
            let mut k = self.dims.len();
            loop {
                if k == 0 {
                    return Ok(false);
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
    let mut out = Vec::new();
    representatives_with(ty, cuts, &mut Pieces::default(), &mut |v| out.push(v));
    out
}

/// The sorted constants [`representatives_with`] works on, kept between calls.
#[derive(Debug, Default)]
struct Pieces {
    ints: Vec<i64>,
    decimals: Vec<Decimal>,
    dates: Vec<Date>,
}

/// [`representatives`], each value given to `push` in order, with `pieces` as working memory.
fn representatives_with(
    ty: &FactType,
    cuts: &[Value],
    pieces: &mut Pieces,
    push: &mut impl FnMut(Value),
) {
    match ty {
        FactType::Bool => {
            push(Value::Bool(true));
            push(Value::Bool(false));
        }
        FactType::Enum(vs) => {
            for i in 0..vs.len() {
                push(Value::Enum(crate::limits::option_index(i)));
            }
        }
        FactType::Int => {
            let pts = &mut pieces.ints;
            pts.clear();
            pts.push(0);
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
            for &i in pts.iter() {
                push(Value::Int(i));
            }
        }
        FactType::Decimal | FactType::Money => {
            let cs = &mut pieces.decimals;
            cs.clear();
            cs.extend(
                cuts.iter()
                    .filter_map(|c| c.as_decimal())
                    .filter(|d| !d.is_sign_negative()),
            );
            cs.sort_unstable();
            cs.dedup();
            // Consecutive equal values are given once, as a dedup of the whole list would.
            let mut last: Option<Decimal> = None;
            let mut out = |d: Decimal| {
                if last != Some(d) {
                    last = Some(d);
                    push(Value::Dec(d));
                }
            };
            match cs.first() {
                None => out(Decimal::ONE),
                Some(first) if first.is_zero() => {}
                Some(first) => out((*first / Decimal::TWO).round_dp(2)),
            }
            for (i, c) in cs.iter().enumerate() {
                out(*c);
                match cs.get(i + 1) {
                    Some(next) => out(mid(*c, *next)),
                    None => out(*c + Decimal::ONE),
                }
            }
        }
        FactType::Date => {
            let cs = &mut pieces.dates;
            cs.clear();
            cs.extend(cuts.iter().filter_map(|c| match c {
                Value::Date(d) => Some(*d),
                _ => None,
            }));
            cs.sort_unstable();
            cs.dedup();
            match cs.first() {
                None => push(Value::Date(Date::constant(2025, 1, 1))),
                Some(first) => {
                    if let Ok(day) = first.yesterday() {
                        push(Value::Date(day));
                    }
                }
            }
            for (i, c) in cs.iter().enumerate() {
                push(Value::Date(*c));
                match cs.get(i + 1) {
                    Some(next) => {
                        if let Ok(day) = c.tomorrow()
                            && day < *next
                        {
                            push(Value::Date(day));
                        }
                    }
                    None => {
                        if let Ok(day) = c.tomorrow() {
                            push(Value::Date(day));
                        }
                    }
                }
            }
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

#[cfg(test)]
mod tests {
    use super::Search;
    use crate::analysis::{exists, holds};
    use crate::eval::cond::Env;
    use crate::limits::ANALYSIS_CASES;
    use crate::model::Expr;

    /// One `Search` reused over every question gives each the answer a fresh space does: no
    /// fact value, constant or dimension of one question leaks into the next.
    #[test]
    fn a_reused_search_answers_as_a_fresh_space() {
        let rules = crate::Rules::embedded().expect("the shipped rules load");
        let rules = rules.model();
        let conds: Vec<&Expr> = rules.entries.iter().map(|e| &e.cond).collect();
        assert!(conds.len() > 10, "the shipped rules have entries");
        let mut search = Search::new();
        let mut yes = 0;
        // Alone, and in pairs of neighbours (both must hold), so that spaces differ in shape.
        for (i, a) in conds.iter().enumerate() {
            let b = conds[(i + 1) % conds.len()];
            for question in [vec![*a], vec![*a, b]] {
                let fresh = exists(rules, &question, |env| {
                    question.iter().all(|c| holds(env, c))
                });
                let (found, exact) = search.any(rules, &question, ANALYSIS_CASES, |facts| {
                    let mut env = Env::new(rules, facts);
                    question.iter().all(|c| holds(&mut env, c))
                });
                match fresh {
                    crate::analysis::Answer::Yes(_) => {
                        yes += 1;
                        assert_eq!(found, Ok(true), "entry {i}");
                    }
                    crate::analysis::Answer::No { exact: e } => {
                        assert_eq!((found, exact), (Ok(false), e), "entry {i}");
                    }
                    crate::analysis::Answer::TooLarge(n) => assert_eq!(found, Err(n)),
                }
            }
        }
        assert!(yes > 0, "some entries apply");
    }
}
