//! L0401: a list entry that can never apply: its condition is false whatever the facts (a
//! contradiction on one fact, such as `x < 2 且 x > 5`, or the constant 假, or any other
//! condition no case of its partitioned fact space satisfies).

use crate::analysis::space::Search;
use crate::diag::{Code, Diagnostic};
use crate::eval::cond::Env;
use crate::model::expr::CmpOp;
use crate::model::{Expr, RuleSet, Value};
use rust_decimal::Decimal;

/// Reports entries whose condition is constantly false.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    // One search and one set of buffers for all entries: a large rule set has thousands, and
    // allocating a space per entry was most of the cost of this check.
    let mut search = Search::new();
    let mut scratch = Scratch::default();
    for e in &rules.entries {
        let never = always_false(&e.cond, &mut scratch) || {
            let (found, exact) =
                search.any(rules, &[&e.cond], crate::limits::ANALYSIS_CASES, |facts| {
                    crate::analysis::holds(&mut Env::new(rules, facts), &e.cond)
                });
            // A proven no, as `Answer::is_proven_no`.
            found == Ok(false) && exact
        };
        if never {
            out.push(
                Diagnostic::error(
                    Code::UnreachableEntry,
                    e.span,
                    format!("清单条目 {} 的条件永远不成立", e.id),
                )
                .label("这个条目永远不会适用")
                .help("检查条件中的比较是否互相矛盾（如 x < 2 且 x > 5）"),
            );
        }
    }
}

/// The buffers of [`always_false`], kept from one entry to the next.
#[derive(Default)]
struct Scratch<'a> {
    /// The conjuncts of the conjunctions being looked at, innermost last.
    conjuncts: Vec<&'a Expr>,
    /// Lower bounds `(fact, bound, strict)`.
    lo: Vec<(u32, Decimal, bool)>,
    /// Upper bounds `(fact, bound, strict)`.
    hi: Vec<(u32, Decimal, bool)>,
}

/// A conservative test: the constant false, a conjunction with a false side, or two bounds on
/// the same fact that exclude each other.
///
/// A conjunction is flattened once: a contradiction among the conjuncts of an inner
/// conjunction is one among those of the whole, so testing the whole suffices.
fn always_false<'a>(e: &'a Expr, s: &mut Scratch<'a>) -> bool {
    match e {
        Expr::Lit(Value::Bool(false)) => true,
        Expr::And(..) => {
            let start = s.conjuncts.len();
            conjuncts(e, &mut s.conjuncts);
            let end = s.conjuncts.len();
            // Nested calls push after `end` and truncate back to it.
            let mut never = false;
            for i in start..end {
                let c = s.conjuncts[i];
                if always_false(c, s) {
                    never = true;
                    break;
                }
            }
            if !never {
                never = contradicts(start, s);
            }
            s.conjuncts.truncate(start);
            never
        }
        Expr::Or(a, b) => always_false(a, s) && always_false(b, s),
        _ => false,
    }
}

fn conjuncts<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        other => out.push(other),
    }
}

/// Whether the conjuncts from `start` on bound one fact from both sides with nothing between.
fn contradicts(start: usize, s: &mut Scratch<'_>) -> bool {
    // Collect, per fact, lower and upper bounds from `fact OP number`.
    let Scratch { conjuncts, lo, hi } = s;
    lo.clear();
    hi.clear();
    for p in &conjuncts[start..] {
        if let Expr::Cmp(op, a, b) = p
            && let (Expr::Fact(f), Expr::Lit(v)) = (&**a, &**b)
            && let Some(n) = v.as_decimal()
        {
            match op {
                CmpOp::Lt => hi.push((*f, n, true)),
                CmpOp::Le => hi.push((*f, n, false)),
                CmpOp::Gt => lo.push((*f, n, true)),
                CmpOp::Ge => lo.push((*f, n, false)),
                CmpOp::Eq => {
                    lo.push((*f, n, false));
                    hi.push((*f, n, false));
                }
                CmpOp::Ne => {}
            }
        }
    }
    lo.iter().any(|(f, l, ls)| {
        hi.iter()
            .any(|(g, h, hs)| f == g && (l > h || (l == h && (*ls || *hs))))
    })
}
