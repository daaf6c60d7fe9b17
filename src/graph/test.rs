//! A list entry's condition compiled for the walk: the conjunction of its tests, each on one
//! fact or predicate where it can be, so that a condition such as `当 obstructed` or
//! `当 safety_related 且 harm = serious` is a short loop over facts, not a walk of the
//! expression tree. Kleene conjunction does not depend on the order of its operands (any false
//! makes it false, else any unknown makes it unknown), so the tests give what the tree gives.

use crate::model::expr::CmpOp;
use crate::model::{Expr, FactId, PredicateId, Value};

/// One conjunct of a compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// A boolean fact is `is`.
    Fact {
        /// The fact.
        fact: FactId,
        /// The value that passes.
        is: bool,
    },
    /// A fact compared with a constant: `fact op with`, or `with op fact` when `flipped`.
    Cmp {
        /// The fact.
        fact: FactId,
        /// The comparison as written.
        op: CmpOp,
        /// The constant.
        with: Value,
        /// The constant is on the left.
        flipped: bool,
    },
    /// A fact is one of a set of constants (`属于 { … }`).
    In {
        /// The fact.
        fact: FactId,
        /// The constants.
        set: Box<[Value]>,
    },
    /// A predicate is `is` (evaluated once per case).
    Pred {
        /// The predicate.
        pred: PredicateId,
        /// The value that passes.
        is: bool,
    },
    /// Any other conjunct, evaluated as written.
    Expr(Box<Expr>),
}

/// The tests of `cond`, in reading order.
pub fn compile(cond: &Expr) -> Box<[Test]> {
    let mut tests = Vec::new();
    conjuncts(cond, &mut tests);
    tests.into()
}

fn conjuncts(e: &Expr, out: &mut Vec<Test>) {
    match e {
        Expr::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(test(e)),
    }
}

fn test(e: &Expr) -> Test {
    match e {
        Expr::Fact(fact) => Test::Fact {
            fact: *fact,
            is: true,
        },
        Expr::Pred(pred) => Test::Pred {
            pred: *pred,
            is: true,
        },
        Expr::Not(x) => match &**x {
            Expr::Fact(fact) => Test::Fact {
                fact: *fact,
                is: false,
            },
            Expr::Pred(pred) => Test::Pred {
                pred: *pred,
                is: false,
            },
            _ => Test::Expr(Box::new(e.clone())),
        },
        Expr::Cmp(op, a, b) => match (&**a, &**b) {
            (Expr::Fact(fact), Expr::Lit(with)) => Test::Cmp {
                fact: *fact,
                op: *op,
                with: *with,
                flipped: false,
            },
            (Expr::Lit(with), Expr::Fact(fact)) => Test::Cmp {
                fact: *fact,
                op: *op,
                with: *with,
                flipped: true,
            },
            _ => Test::Expr(Box::new(e.clone())),
        },
        Expr::In(x, set) => match &**x {
            Expr::Fact(fact) => Test::In {
                fact: *fact,
                set: set.clone().into(),
            },
            _ => Test::Expr(Box::new(e.clone())),
        },
        _ => Test::Expr(Box::new(e.clone())),
    }
}
