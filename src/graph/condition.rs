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

/// A condition's tests on boolean facts as bit sets over the first [`QUICK_FACTS`] facts: one
/// such fact with the other value makes the conjunction false without walking its tests, and
/// a condition made only of such tests (`pure`) is decided by the bit sets alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quick {
    /// Facts that must be true.
    pub need_true: u64,
    /// Facts that must be false.
    pub need_false: u64,
    /// Every test is one of these: the bit sets give the whole answer.
    pub pure: bool,
}

/// Facts a [`Quick`] can name: the bits of a word.
pub const QUICK_FACTS: u32 = u64::BITS;

impl Quick {
    /// The bit sets of `tests`.
    pub fn of(tests: &[Test]) -> Quick {
        let mut q = Quick {
            pure: true,
            ..Quick::default()
        };
        for t in tests {
            match t {
                Test::Fact { fact, is } if *fact < QUICK_FACTS => {
                    if *is {
                        q.need_true |= 1 << fact;
                    } else {
                        q.need_false |= 1 << fact;
                    }
                }
                _ => q.pure = false,
            }
        }
        q
    }

    /// The conjunction's truth where the bit sets settle it (`known`: the facts that are true,
    /// the facts that are false), or `None` where its tests must be walked.
    #[inline]
    pub fn verdict(&self, (t, f): (u64, u64)) -> Option<Option<bool>> {
        if self.need_true & f != 0 || self.need_false & t != 0 {
            Some(Some(false))
        } else if self.pure {
            Some((self.need_true & !t == 0 && self.need_false & !f == 0).then_some(true))
        } else {
            None
        }
    }

    /// The facts of `bits` that are true, and those that are false (unknown ones in neither).
    pub fn known(facts: &[Option<Value>], mut bits: u64) -> (u64, u64) {
        let (mut t, mut f) = (0u64, 0u64);
        while bits != 0 {
            let i = bits.trailing_zeros();
            bits &= bits - 1;
            match facts.get(i as usize) {
                Some(Some(Value::Bool(true))) => t |= 1 << i,
                Some(Some(Value::Bool(false))) => f |= 1 << i,
                _ => {}
            }
        }
        (t, f)
    }
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

#[cfg(test)]
mod tests {
    use super::compile;
    use crate::eval::cond::Env;
    use crate::model::expr::CmpOp;
    use crate::model::{Expr, FactType, RuleSet, Value};
    use proptest::prelude::{
        BoxedStrategy, Just, ProptestConfig, Strategy, any, prop, prop_assert_eq, prop_oneof, proptest,
    };
    use std::sync::LazyLock;

    static SHIPPED: LazyLock<crate::Rules> =
        LazyLock::new(|| crate::Rules::embedded().expect("the shipped rules load"));

    /// The shipped facts of one type, by index.
    fn facts_of(rules: &RuleSet, want: fn(&FactType) -> bool) -> Vec<u32> {
        (0..rules.facts.len() as u32)
            .filter(|&i| want(&rules.facts[i as usize].ty))
            .collect()
    }

    fn op() -> impl Strategy<Value = CmpOp> {
        prop_oneof![
            Just(CmpOp::Eq),
            Just(CmpOp::Ne),
            Just(CmpOp::Lt),
            Just(CmpOp::Le),
            Just(CmpOp::Gt),
            Just(CmpOp::Ge),
        ]
    }

    /// Conditions over the shipped facts and predicates, of the shapes the compiler makes
    /// tests of and of the shapes it leaves to the tree.
    fn expr(rules: &'static RuleSet) -> impl Strategy<Value = Expr> {
        let bools = facts_of(rules, |t| *t == FactType::Bool);
        let ints = facts_of(rules, |t| *t == FactType::Int);
        let enums = facts_of(rules, |t| matches!(t, FactType::Enum(_)));
        let preds = rules.predicates.len() as u32;
        let fact = move |v: &Vec<u32>| prop::sample::select(v.clone()).prop_map(Expr::Fact);
        let leaf = prop_oneof![
            fact(&bools),
            fact(&bools).prop_map(|f| Expr::Not(Box::new(f))),
            (0..preds.max(1)).prop_map(Expr::Pred),
            any::<bool>().prop_map(|b| Expr::Lit(Value::Bool(b))),
            (op(), fact(&ints), -2i64..4, any::<bool>()).prop_map(|(op, f, k, flip)| {
                let k = Box::new(Expr::Lit(Value::Int(k)));
                if flip {
                    Expr::Cmp(op, k, Box::new(f))
                } else {
                    Expr::Cmp(op, Box::new(f), k)
                }
            }),
            (fact(&enums), prop::collection::vec(0u16..4, 0..3))
                .prop_map(|(f, set)| Expr::In(
                    Box::new(f),
                    set.into_iter().map(Value::Enum).collect()
                )),
        ];
        leaf.prop_recursive(4, 24, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(a.into(), b.into())),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Or(a.into(), b.into())),
                inner.prop_map(|a| Expr::Not(a.into())),
            ]
        })
    }

    /// Fact values: each unknown, or a value of its type near the constants above.
    fn values(rules: &'static RuleSet) -> impl Strategy<Value = Vec<Option<Value>>> {
        let slots: Vec<BoxedStrategy<Option<Value>>> = rules
            .facts
            .iter()
            .map(|f| {
                let known: BoxedStrategy<Value> = match &f.ty {
                    FactType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
                    FactType::Int => (-3i64..5).prop_map(Value::Int).boxed(),
                    FactType::Enum(vs) => (0..vs.len().max(1) as u16).prop_map(Value::Enum).boxed(),
                    _ => Just(Value::Int(0)).boxed(),
                };
                prop::option::weighted(0.8, known).boxed()
            })
            .collect();
        slots
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        /// The compiled tests give what the expression tree gives, unknowns included.
        #[test]
        fn compiled_tests_agree_with_the_tree(
            (e, facts) in (expr(SHIPPED.model()), values(SHIPPED.model()))
        ) {
            let rules = SHIPPED.model();
            let tests = compile(&e);
            let tree = Env::new(rules, &facts).truth(&e);
            let compiled = Env::new(rules, &facts).all(&tests);
            prop_assert_eq!(tree, compiled, "{:?} compiled to {:?}", e, tests);
            // The bit sets, where they settle the condition, settle it as the tests do.
            let q = super::Quick::of(&tests);
            let known = super::Quick::known(&facts, q.need_true | q.need_false);
            if let Some(quick) = q.verdict(known) {
                prop_assert_eq!(quick, compiled, "{:?} as {:?}", e, q);
            }
        }
    }

    #[test]
    fn a_conjunction_of_facts_becomes_one_test_each() {
        let rules = SHIPPED.model();
        let bools = facts_of(rules, |t| *t == FactType::Bool);
        let (a, b) = (bools[0], bools[1]);
        let e = Expr::And(
            Box::new(Expr::Fact(a)),
            Box::new(Expr::Not(Box::new(Expr::Fact(b)))),
        );
        assert_eq!(
            &*compile(&e),
            &[
                super::Test::Fact { fact: a, is: true },
                super::Test::Fact { fact: b, is: false }
            ]
        );
    }
}
