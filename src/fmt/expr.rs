//! Printing a condition with the fewest parentheses that keep its tree.

use super::print::string;
use crate::syntax::ast::{BinOp, Expr, ExprKind};

/// Binding strength: 或 1, 且 2, 不 3, comparisons and 属于 4, + - 5, * / 6, unary - 7, atoms 8.
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => match op {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div => 6,
        },
        ExprKind::Not(_) => 3,
        ExprKind::In(..) => 4,
        ExprKind::Neg(_) => 7,
        _ => 8,
    }
}

fn wrap(e: &Expr, min: u8) -> String {
    if level(e) < min {
        format!("({})", expr(e))
    } else {
        expr(e)
    }
}

/// A condition with the fewest parentheses that keep its tree.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Bool(true) => "真".into(),
        ExprKind::Bool(false) => "假".into(),
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Date(d) => d.map_or_else(String::new, |d| d.to_string()),
        ExprKind::Str(s) => string(s),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Not(x) => format!("不 {}", wrap(x, 3)),
        ExprKind::Neg(x) => format!("-{}", wrap(x, 7)),
        ExprKind::In(x, items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            format!("{} 属于 {{{}}}", wrap(x, 5), items.join(", "))
        }
        ExprKind::Call(f, args) => {
            let args: Vec<String> = args.iter().map(expr).collect();
            format!("{}({})", f.zh(), args.join(", "))
        }
        ExprKind::Binary(op, a, b) => {
            let l = level(e);
            // Left-associative: the right operand binds tighter to keep the tree.
            format!("{} {} {}", wrap(a, l), op.symbol(), wrap(b, l + 1))
        }
    }
}
