//! Binding a case's facts to the rule set's declared facts: unknown keys and wrong types are
//! errors of the case (never a decision), with the nearest declared name.

use crate::case::Case;
use crate::diag::{Code, nearest};
use crate::graph::Graph;
use crate::model::{FactType, RuleSet, Value};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// An error in a case: the case gets this document instead of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseError {
    /// Stable code (`E05xx`).
    pub code: String,
    /// What is wrong, in Chinese.
    pub message: String,
    /// Where in the case (`facts.volume_m3`, `violation`, `line 3 column 5`).
    pub at: String,
}

impl CaseError {
    /// A new error.
    pub fn new(code: Code, message: impl Into<String>, at: impl Into<String>) -> CaseError {
        CaseError {
            code: code.as_str().to_string(),
            message: message.into(),
            at: at.into(),
        }
    }

    /// The error document of the contract: `{ "error": { … } }`.
    pub fn to_document(&self) -> serde_json::Value {
        serde_json::json!({ "error": self })
    }
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}（{}）", self.code, self.message, self.at)
    }
}

impl std::error::Error for CaseError {}

/// The case's facts by fact index, defaults filled in.
pub fn bind(rules: &RuleSet, graph: &Graph, case: &Case) -> Result<Vec<Option<Value>>, CaseError> {
    let mut facts = graph.defaults.clone();
    for (key, raw) in &case.facts {
        let Some(&id) = rules.fact_index.get(key.as_str()) else {
            let hint = nearest(key, rules.fact_index.keys().map(String::as_str))
                .map(|n| format!("；是否想写 {n}？"))
                .unwrap_or_default();
            return Err(CaseError::new(
                Code::UnknownFactInCase,
                format!("规则集没有声明事实 {key}{hint}"),
                format!("facts.{key}"),
            ));
        };
        if raw.is_null() {
            continue; // explicitly unknown
        }
        let ty = &graph.types[id as usize];
        let value = convert(ty, raw).ok_or_else(|| {
            let fact = &rules.facts[id as usize];
            let want = match ty {
                FactType::Bool => "true 或 false".to_string(),
                FactType::Int => "整数".to_string(),
                FactType::Decimal | FactType::Money => "数字".to_string(),
                FactType::Date => "日期字符串 \"YYYY-MM-DD\"（须是真实的日期）".to_string(),
                FactType::Enum(vs) => {
                    let names: Vec<String> = vs.iter().map(|(v, _)| format!("\"{v}\"")).collect();
                    format!("以下之一：{}", names.join("、"))
                }
            };
            CaseError::new(
                Code::WrongFactType,
                format!("事实 {key}（{}）应为{want}，却是 {raw}", fact.label),
                format!("facts.{key}"),
            )
        })?;
        facts[id as usize] = Some(value);
    }
    Ok(facts)
}

fn convert(ty: &FactType, raw: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    match (ty, raw) {
        (FactType::Bool, J::Bool(b)) => Some(Value::Bool(*b)),
        (FactType::Int, J::Number(n)) => n
            .as_i64()
            .or_else(|| {
                let d = decimal(n.as_str())?;
                if d.fract().is_zero() {
                    i64::try_from(d).ok()
                } else {
                    None
                }
            })
            .map(Value::Int),
        (FactType::Decimal | FactType::Money, J::Number(n)) => decimal(n.as_str()).map(Value::Dec),
        (FactType::Date, J::String(s)) => jiff::civil::Date::from_str(s).ok().map(Value::Date),
        (FactType::Enum(vs), J::String(s)) => vs
            .iter()
            .position(|(v, _)| v == s)
            .map(|i| Value::Enum(i as u16)),
        _ => None,
    }
}

fn decimal(s: &str) -> Option<Decimal> {
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .ok()
}
