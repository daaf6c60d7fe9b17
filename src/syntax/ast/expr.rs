//! Conditions and arithmetic in the syntax tree.

use crate::source::Span;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// A condition or arithmetic expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// Expression forms.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// 真 / 假
    Bool(bool),
    /// A number.
    Number(Decimal),
    /// A date (`None`: invalid, already reported).
    Date(Option<Date>),
    /// A string.
    Str(String),
    /// A fact, predicate or option name.
    Name(String),
    /// 不
    Not(Box<Expr>),
    /// unary minus
    Neg(Box<Expr>),
    /// binary operator
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// 属于 { … }
    In(Box<Expr>, Vec<Expr>),
    /// A function of dates: `天数(a, b)`, `加月(d, n)`.
    Call(Func, Vec<Expr>),
}

/// The functions a condition may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// `天数(a, b)`: the days from date a to date b (b − a; the first day is not counted,
    /// 民法典 Art. 201).
    Days,
    /// `加月(d, n)`: the date n months after d, the corresponding day or the month's last day
    /// (民法典 Art. 202).
    AddMonths,
}

impl Func {
    /// Its Chinese name, as the formatter prints it.
    pub fn zh(self) -> &'static str {
        match self {
            Func::Days => "天数",
            Func::AddMonths => "加月",
        }
    }

    /// The function a name calls.
    pub fn from_name(s: &str) -> Option<Func> {
        match s {
            "天数" | "days" => Some(Func::Days),
            "加月" | "add_months" => Some(Func::AddMonths),
            _ => None,
        }
    }
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// 或
    Or,
    /// 且
    And,
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
    /// +
    Add,
    /// -
    Sub,
    /// *
    Mul,
    /// /
    Div,
}

impl BinOp {
    /// How the operator is written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "或",
            BinOp::And => "且",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}
