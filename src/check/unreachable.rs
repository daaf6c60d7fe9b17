//! L0401: a list entry that can never apply: its condition is false whatever the facts (a
//! contradiction on one fact, such as `x < 2 且 x > 5`, or the constant 假, or any other
//! condition no case of its partitioned fact space satisfies).

use crate::diag::{Code, Diagnostic};
use crate::model::expr::CmpOp;
use crate::model::{Expr, RuleSet, Value};

/// Reports entries whose condition is constantly false.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for e in &rules.entries {
        let never = always_false(&e.cond)
            || crate::analysis::exists(rules, &[&e.cond], |env| {
                crate::analysis::holds(env, &e.cond)
            })
            .is_proven_no();
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

/// A conservative test: the constant false, a conjunction with a false side, or two bounds on
/// the same fact that exclude each other.
fn always_false(e: &Expr) -> bool {
    match e {
        Expr::Lit(Value::Bool(false)) => true,
        Expr::And(a, b) => {
            always_false(a) || always_false(b) || {
                let mut bounds = Vec::new();
                conjuncts(e, &mut bounds);
                contradicts(&bounds)
            }
        }
        Expr::Or(a, b) => always_false(a) && always_false(b),
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

fn contradicts(parts: &[&Expr]) -> bool {
    use rust_decimal::Decimal;
    // Collect, per fact, lower and upper bounds from `fact OP number`.
    let mut lo: Vec<(u32, Decimal, bool)> = Vec::new(); // (fact, bound, strict)
    let mut hi: Vec<(u32, Decimal, bool)> = Vec::new();
    for p in parts {
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
