//! The facts a rule set declares and the values a case gives them: what the model, the
//! evaluator and the hook sandbox share. A leaf below all three.

use crate::source::Span;
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Index of a fact.
pub type FactId = u32;

/// A fact's value in a case (or a literal in a rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// 真 / 假
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A decimal or an amount of money.
    Dec(Decimal),
    /// A date.
    Date(Date),
    /// An option, by index into the fact's variants.
    Enum(u16),
}

impl Value {
    /// The numeric value of an integer or decimal.
    pub fn as_decimal(self) -> Option<Decimal> {
        match self {
            Value::Int(i) => Some(Decimal::from(i)),
            Value::Dec(d) => Some(d),
            _ => None,
        }
    }
}

/// A fact's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactType {
    /// 布尔
    Bool,
    /// 整数
    Int,
    /// 小数
    Decimal,
    /// 金额
    Money,
    /// 日期
    Date,
    /// 选项: variant names and labels.
    Enum(Vec<(String, String)>),
}

impl FactType {
    /// The type's Chinese name.
    pub fn describe(&self) -> &'static str {
        match self {
            FactType::Bool => "是非（真/假）",
            FactType::Int => "整数",
            FactType::Decimal => "小数",
            FactType::Money => "金额",
            FactType::Date => "日期",
            FactType::Enum(_) => "选项",
        }
    }
}

/// A declared fact.
#[derive(Debug, Clone)]
pub struct Fact {
    /// ASCII name.
    pub name: Arc<str>,
    /// Type.
    pub ty: FactType,
    /// Chinese label.
    pub label: Arc<str>,
    /// Unit, if any.
    pub unit: Option<String>,
    /// Default when a case does not give it.
    pub default: Option<Value>,
    /// Declaration.
    pub span: Span,
}
