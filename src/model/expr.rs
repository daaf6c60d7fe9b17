//! Checked conditions: names resolved to fact and predicate indices, types known.

use super::{FactId, PredicateId, Value};

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// =
    Eq,
    /// !=
    Ne,
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// +
    Add,
    /// -
    Sub,
    /// *
    Mul,
    /// /
    Div,
}

/// A checked expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant.
    Lit(Value),
    /// A fact's value.
    Fact(FactId),
    /// A predicate's value.
    Pred(PredicateId),
    /// 不
    Not(Box<Expr>),
    /// unary minus
    Neg(Box<Expr>),
    /// 且
    And(Box<Expr>, Box<Expr>),
    /// 或
    Or(Box<Expr>, Box<Expr>),
    /// A comparison.
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// Arithmetic.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// 属于 { … }
    In(Box<Expr>, Vec<Value>),
    /// `天数(a, b)`: the days from date a to date b.
    Days(Box<Expr>, Box<Expr>),
    /// `加月(d, n)`: the date n months after d (the month's last day where there is no
    /// corresponding day).
    AddMonths(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Calls `f` on every fact the expression reads directly (not through predicates).
    pub fn for_each_fact(&self, f: &mut impl FnMut(FactId)) {
        match self {
            Expr::Fact(id) => f(*id),
            Expr::Lit(_) | Expr::Pred(_) => {}
            Expr::Not(e) | Expr::Neg(e) | Expr::In(e, _) => e.for_each_fact(f),
            Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Cmp(_, a, b)
            | Expr::Arith(_, a, b)
            | Expr::Days(a, b)
            | Expr::AddMonths(a, b) => {
                a.for_each_fact(f);
                b.for_each_fact(f);
            }
        }
    }

    /// Levels of the tree (a leaf is one), not following predicates. The syntax bounds it
    /// (`limits::NESTING`), so this recursion is shallow.
    pub fn depth(&self) -> usize {
        match self {
            Expr::Lit(_) | Expr::Fact(_) | Expr::Pred(_) => 1,
            Expr::Not(e) | Expr::Neg(e) | Expr::In(e, _) => 1 + e.depth(),
            Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Cmp(_, a, b)
            | Expr::Arith(_, a, b)
            | Expr::Days(a, b)
            | Expr::AddMonths(a, b) => {
                1 + a.depth().max(b.depth())
            }
        }
    }

    /// Calls `f` on every predicate the expression names directly.
    pub fn for_each_pred(&self, f: &mut impl FnMut(PredicateId)) {
        match self {
            Expr::Pred(id) => f(*id),
            Expr::Lit(_) | Expr::Fact(_) => {}
            Expr::Not(e) | Expr::Neg(e) | Expr::In(e, _) => e.for_each_pred(f),
            Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Cmp(_, a, b)
            | Expr::Arith(_, a, b)
            | Expr::Days(a, b)
            | Expr::AddMonths(a, b) => {
                a.for_each_pred(f);
                b.for_each_pred(f);
            }
        }
    }
}
