//! Three-valued evaluation of conditions (Kleene logic): an unknown fact stays unknown unless the
//! other side of 且/或 decides. Predicates are evaluated at most once per case.

use crate::model::expr::{ArithOp, CmpOp};
use crate::graph::Test;
use crate::model::{Expr, FactId, RuleSet, Value};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// The per-case state conditions are evaluated against.
pub struct Env<'a> {
    /// The rule set (for predicate bodies).
    pub rules: &'a RuleSet,
    /// Fact values by index; `None` is unknown.
    pub facts: &'a [Option<Value>],
    /// Predicate results, evaluated at most once per case.
    memo: Memo,
}

/// Predicate results: for up to 64 predicates three bit sets (evaluated, true, unknown), so a
/// case allocates nothing for them; beyond that a byte per predicate (0 not yet, 1 false, 2 true,
/// 3 unknown).
enum Memo {
    Small { done: u64, truth: u64, unknown: u64 },
    Large(Vec<u8>),
}

impl Memo {
    fn new(n: usize) -> Memo {
        if n <= 64 {
            Memo::Small {
                done: 0,
                truth: 0,
                unknown: 0,
            }
        } else {
            Memo::Large(vec![0; n])
        }
    }

    /// `None`: not evaluated yet; `Some(r)`: the result (itself maybe unknown).
    fn get(&self, i: usize) -> Option<Option<bool>> {
        match self {
            Memo::Small {
                done,
                truth,
                unknown,
            } => {
                if done >> i & 1 == 0 {
                    None
                } else if unknown >> i & 1 == 1 {
                    Some(None)
                } else {
                    Some(Some(truth >> i & 1 == 1))
                }
            }
            Memo::Large(v) => match v.get(i).copied() {
                Some(1) => Some(Some(false)),
                Some(2) => Some(Some(true)),
                Some(3) => Some(None),
                _ => None,
            },
        }
    }

    fn set(&mut self, i: usize, r: Option<bool>) {
        match self {
            Memo::Small {
                done,
                truth,
                unknown,
            } => {
                *done |= 1 << i;
                match r {
                    Some(true) => *truth |= 1 << i,
                    Some(false) => {}
                    None => *unknown |= 1 << i,
                }
            }
            Memo::Large(v) => {
                if let Some(m) = v.get_mut(i) {
                    *m = match r {
                        Some(false) => 1,
                        Some(true) => 2,
                        None => 3,
                    };
                }
            }
        }
    }
}

impl<'a> Env<'a> {
    /// A fresh environment for one case.
    pub fn new(rules: &'a RuleSet, facts: &'a [Option<Value>]) -> Env<'a> {
        Env {
            rules,
            facts,
            memo: Memo::new(rules.predicates.len()),
        }
    }

    /// A condition's truth: `Some(true)`, `Some(false)` or `None` (unknown).
    pub fn truth(&mut self, e: &Expr) -> Option<bool> {
        match e {
            Expr::Lit(Value::Bool(b)) => Some(*b),
            Expr::Fact(id) => match self.facts.get(*id as usize).copied().flatten() {
                Some(Value::Bool(b)) => Some(b),
                _ => None,
            },
            Expr::Pred(id) => self.predicate(*id),
            Expr::Not(x) => self.truth(x).map(|b| !b),
            Expr::And(a, b) => match self.truth(a) {
                Some(false) => Some(false),
                Some(true) => self.truth(b),
                None => match self.truth(b) {
                    Some(false) => Some(false),
                    _ => None,
                },
            },
            Expr::Or(a, b) => match self.truth(a) {
                Some(true) => Some(true),
                Some(false) => self.truth(b),
                None => match self.truth(b) {
                    Some(true) => Some(true),
                    _ => None,
                },
            },
            Expr::Cmp(op, a, b) => {
                let x = self.value(a)?;
                let y = self.value(b)?;
                Some(holds(*op, compare(x, y)?))
            }
            Expr::In(x, set) => {
                let v = self.value(x)?;
                Some(set.iter().any(|s| compare(v, *s) == Some(Ordering::Equal)))
            }
            Expr::Lit(_)
            | Expr::Neg(_)
            | Expr::Arith(..)
            | Expr::Days(..)
            | Expr::AddMonths(..) => None,
        }
    }

    /// A compiled condition's truth: the Kleene conjunction of its tests, as [`Env::truth`] of
    /// the condition gives it.
    pub fn all(&mut self, tests: &[Test]) -> Option<bool> {
        let mut known = true;
        for t in tests {
            match self.test(t) {
                Some(true) => {}
                Some(false) => return Some(false),
                None => known = false,
            }
        }
        known.then_some(true)
    }

    fn test(&mut self, t: &Test) -> Option<bool> {
        let fact = |f: FactId| self.facts.get(f as usize).copied().flatten();
        match t {
            Test::Fact { fact: f, is } => match fact(*f) {
                Some(Value::Bool(b)) => Some(b == *is),
                _ => None,
            },
            Test::Cmp {
                fact: f,
                op,
                with,
                flipped,
            } => {
                let x = fact(*f)?;
                let ord = if *flipped {
                    compare(*with, x)?
                } else {
                    compare(x, *with)?
                };
                Some(holds(*op, ord))
            }
            Test::In { fact: f, set } => {
                let v = fact(*f)?;
                Some(set.iter().any(|s| compare(v, *s) == Some(Ordering::Equal)))
            }
            Test::Pred { pred, is } => self.predicate(*pred).map(|b| b == *is),
            Test::Expr(e) => self.truth(e),
        }
    }

    fn predicate(&mut self, id: u32) -> Option<bool> {
        let i = id as usize;
        if let Some(r) = self.memo.get(i) {
            return r;
        }
        let rules = self.rules;
        let r = rules.predicates.get(i).and_then(|p| self.truth(&p.cond));
        self.memo.set(i, r);
        r
    }

    /// An expression's value, or `None` when unknown (or not computable, such as ÷ 0).
    pub fn value(&mut self, e: &Expr) -> Option<Value> {
        match e {
            Expr::Lit(v) => Some(*v),
            Expr::Fact(id) => self.facts.get(*id as usize).copied().flatten(),
            Expr::Neg(x) => match self.value(x)? {
                Value::Int(i) => i.checked_neg().map(Value::Int),
                Value::Dec(d) => Some(Value::Dec(-d)),
                _ => None,
            },
            Expr::Arith(op, a, b) => {
                let x = self.value(a)?.as_decimal()?;
                let y = self.value(b)?.as_decimal()?;
                let r = match op {
                    ArithOp::Add => x.checked_add(y),
                    ArithOp::Sub => x.checked_sub(y),
                    ArithOp::Mul => x.checked_mul(y),
                    ArithOp::Div => x.checked_div(y),
                }?;
                Some(Value::Dec(r))
            }
            Expr::Days(a, b) => {
                let (Value::Date(x), Value::Date(y)) = (self.value(a)?, self.value(b)?) else {
                    return None;
                };
                // Civil dates: whole days, the first day not counted (民法典 Art. 201).
                let days = x.until((jiff::Unit::Day, y)).ok()?.get_days();
                Some(Value::Int(i64::from(days)))
            }
            Expr::AddMonths(d, n) => {
                let Value::Date(d) = self.value(d)? else {
                    return None;
                };
                let n = self.value(n)?.as_decimal()?;
                let n = i64::try_from(n.trunc()).ok()?;
                // jiff clamps to the month's last day, as 民法典 Art. 202 counts.
                d.checked_add(jiff::Span::new().try_months(n).ok()?)
                    .ok()
                    .map(Value::Date)
            }
            _ => self.truth(e).map(Value::Bool),
        }
    }

    /// The facts that are unknown in this condition (through predicates too), in reading order.
    pub fn unknown_facts(&self, e: &Expr, out: &mut Vec<FactId>) {
        let mut seen_preds = Vec::new();
        self.collect_unknown(e, out, &mut seen_preds);
    }

    fn collect_unknown(&self, e: &Expr, out: &mut Vec<FactId>, seen: &mut Vec<u32>) {
        e.for_each_fact(&mut |f| {
            if self.facts.get(f as usize).copied().flatten().is_none() && !out.contains(&f) {
                out.push(f);
            }
        });
        let mut preds = Vec::new();
        e.for_each_pred(&mut |p| preds.push(p));
        for p in preds {
            if !seen.contains(&p) {
                seen.push(p);
                if let Some(pred) = self.rules.predicates.get(p as usize) {
                    self.collect_unknown(&pred.cond, out, seen);
                }
            }
        }
    }
}

/// Whether a comparison holds for operands in this order.
fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}

fn compare(a: Value, b: Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(&y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(&y)),
        (Value::Enum(x), Value::Enum(y)) => Some(x.cmp(&y)),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(&y)),
        _ => {
            let x: Decimal = a.as_decimal()?;
            let y: Decimal = b.as_decimal()?;
            Some(x.cmp(&y))
        }
    }
}
