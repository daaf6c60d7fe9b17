//! Conditions: a static Pratt parser gives `或 < 且 < 不 < comparisons < + - < * / < unary -`.

use super::{Rule, Visitor};
use crate::diag::Code;
use crate::limits;
use crate::source::Span;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Func};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::postfix(Rule::member))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

impl Visitor<'_> {
    pub(super) fn visit_expr(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = self.span(&p);
        let pairs = p.into_inner();
        // Each operator may add a level to the tree that lowering and evaluation walk (and the
        // Pratt parser recurses on prefix operators): they count against the nesting limit
        // together with the brackets and 若 blocks around them.
        let ops = pairs
            .clone()
            .filter(|p| {
                !matches!(
                    p.as_rule(),
                    Rule::expr
                        | Rule::date
                        | Rule::number
                        | Rule::boolean
                        | Rule::string
                        | Rule::ident
                        | Rule::call
                )
            })
            .count();
        if self.depth + ops > limits::NESTING {
            if !self.diags.iter().any(|d| d.code == Code::NestingTooDeep) {
                self.diags.push(super::nesting_too_deep(span));
            }
            return Expr {
                kind: ExprKind::Bool(false),
                span,
            };
        }
        self.depth += ops;
        let e = self.pratt(pairs);
        self.depth -= ops;
        e
    }

    fn pratt(&mut self, pairs: Pairs<'_, Rule>) -> Expr {
        // The closures of PrattParser cannot all borrow `self` mutably; collect diagnostics in a
        // RefCell instead.
        let this = std::cell::RefCell::new(self);
        PRATT
            .map_primary(|p| this.borrow_mut().visit_primary(p))
            .map_prefix(|op, rhs| {
                let span = this.borrow().span(&op).to(rhs.span);
                let kind = if op.as_rule() == Rule::op_not {
                    ExprKind::Not(Box::new(rhs))
                } else {
                    ExprKind::Neg(Box::new(rhs))
                };
                Expr { kind, span }
            })
            .map_postfix(|lhs, op| {
                let span = lhs.span.to(this.borrow().span(&op));
                let items = op
                    .into_inner()
                    .map(|i| this.borrow_mut().visit_primary(i))
                    .collect();
                Expr {
                    kind: ExprKind::In(Box::new(lhs), items),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let op = match op.as_rule() {
                    Rule::op_or => BinOp::Or,
                    Rule::op_and => BinOp::And,
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    _ => BinOp::Div,
                };
                let span = lhs.span.to(rhs.span);
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(pairs)
    }

    /// A literal, a name, or a parenthesised expression.
    pub(super) fn visit_primary(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span: Span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::expr => {
                // A bracketed condition: one level deeper.
                if !self.enter(span) {
                    return Expr {
                        kind: ExprKind::Bool(false),
                        span,
                    };
                }
                let e = self.visit_expr(p);
                self.depth -= 1;
                return e;
            }
            Rule::date => ExprKind::Date(self.visit_date(p).date),
            Rule::number => ExprKind::Number(self.visit_number(p)),
            Rule::boolean => ExprKind::Bool(
                p.into_inner()
                    .next()
                    .is_some_and(|k| k.as_rule() == Rule::kw_true),
            ),
            Rule::string => ExprKind::Str(self.visit_string(p).value),
            Rule::call => {
                // A call is a level of the tree like a bracket.
                if !self.enter(span) {
                    return Expr {
                        kind: ExprKind::Bool(false),
                        span,
                    };
                }
                let mut it = p.into_inner();
                let func = it
                    .next()
                    .and_then(|f| Func::from_name(f.as_str()))
                    .unwrap_or(Func::Days);
                let args = it.map(|a| self.visit_expr(a)).collect();
                self.depth -= 1;
                ExprKind::Call(func, args)
            }
            _ => ExprKind::Name(p.as_str().to_string()),
        };
        Expr { kind, span }
    }
}
