//! CSV, one record per line (RFC 4180 quoting within a line: `"a,b"`, `"say ""hi"""`; a field
//! may not hold a line break, so that line N of the input is case N), and the mapping file that
//! names the columns of an archive written with Chinese headings.

use crate::Rules;
use crate::facts::FactType;
use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::HashMap;

/// The fields of one CSV line, or what is wrong with its quoting.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                    if chars.peek().is_some_and(|&n| n != ',') {
                        return Err("引号结束后应紧跟逗号".to_string());
                    }
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            '"' if at_start => quoted = true,
            '"' => return Err("字段中间出现引号（含引号的字段须整个用引号括起）".to_string()),
            c => field.push(c),
        }
        at_start = false;
    }
    if quoted {
        return Err("引号没有结束（字段中不能换行）".to_string());
    }
    fields.push(field);
    Ok(fields)
}

/// Appends one field to a CSV line, quoted where it must be.
pub fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Appends a whole CSV line (with its `\n`).
pub fn push_line<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, f);
    }
    out.push('\n');
}

/// The mapping file (TOML): headings to names, and a column's words to the values the rules
/// know. See `docs/batch-audit.md`.
///
/// ```toml
/// [columns]
/// "案件编号" = "case_id"
/// "违法行为" = "violation"
/// "当事人类型" = "party_type"
///
/// [values.party_type]
/// "个人" = "individual"
/// "单位" = "unit"
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Heading → `case_id`, `violation`, another column the command knows, or a fact name.
    #[serde(default)]
    pub columns: HashMap<String, String>,
    /// Per column name (after mapping): the cell's text → the value to use.
    #[serde(default)]
    pub values: HashMap<String, HashMap<String, String>>,
}

impl Mapping {
    /// Reads a mapping file's text; the error says what is wrong, in Chinese.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        toml::from_str(text).map_err(|e| format!("映射文件写得不对：{e}"))
    }
}

/// What a CSV column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// The case id.
    CaseId,
    /// The violation code.
    Violation,
    /// A column the calling command reads itself (`outcome`, `fine`, … for `audit`).
    Extra(String),
    /// A declared fact, by name.
    Fact(String),
}

/// The columns of a CSV file, read from its header line.
#[derive(Debug, Clone)]
pub struct Header {
    /// In file order.
    pub columns: Vec<Column>,
    /// Value words per column index.
    values: Vec<Option<HashMap<String, String>>>,
}

impl Header {
    /// Reads the header line: each heading mapped through `mapping`, then taken as `case_id`,
    /// `violation`, one of `extra`, or a fact the rules declare. An unknown heading is an error
    /// naming it (and the nearest fact).
    pub fn parse(
        line: &str,
        rules: &Rules,
        mapping: &Mapping,
        extra: &[&str],
    ) -> Result<Header, String> {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let headings = split(line).map_err(|e| format!("第 1 行（表头）：{e}"))?;
        let mut columns = Vec::with_capacity(headings.len());
        let mut values = Vec::with_capacity(headings.len());
        for (i, heading) in headings.iter().enumerate() {
            let heading = heading.trim();
            let name = mapping.columns.get(heading).map_or(heading, String::as_str);
            let column = match name {
                "case_id" => Column::CaseId,
                "violation" => Column::Violation,
                n if extra.contains(&n) => Column::Extra(n.to_string()),
                n if rules.model().fact_index.contains_key(n) => Column::Fact(n.to_string()),
                n => {
                    let names = rules
                        .model()
                        .fact_index
                        .keys()
                        .map(String::as_str)
                        .chain(["case_id", "violation"])
                        .chain(extra.iter().copied());
                    let hint = crate::diag::nearest(n, names)
                        .map(|n| format!("；是否想写 {n}？"))
                        .unwrap_or_default();
                    return Err(format!(
                        "第 1 行（表头）第 {} 列“{}”既不是 case_id、violation，也不是规则集声明的事实{hint}（中文列名须在映射文件的 [columns] 中写明对应的事实名）",
                        i + 1,
                        crate::limits::clip(heading)
                    ));
                }
            };
            if columns.contains(&column) {
                return Err(format!(
                    "第 1 行（表头）第 {} 列“{}”与前面的列重复",
                    i + 1,
                    crate::limits::clip(heading)
                ));
            }
            values.push(mapping.values.get(name).cloned());
            columns.push(column);
        }
        Ok(Header { columns, values })
    }

    /// One line's cells as a case: `(case_id, violation, facts, extra columns)`; an empty cell
    /// leaves its fact absent. The error names the column and what was expected.
    pub fn case(&self, rules: &Rules, cells: &[String]) -> Result<CsvCase, String> {
        if cells.len() != self.columns.len() {
            return Err(format!(
                "有 {} 列，表头有 {} 列",
                cells.len(),
                self.columns.len()
            ));
        }
        let mut case = CsvCase::default();
        for ((column, words), cell) in self.columns.iter().zip(&self.values).zip(cells) {
            let cell = cell.trim();
            let cell = words
                .as_ref()
                .and_then(|w| w.get(cell))
                .map_or(cell, String::as_str);
            if cell.is_empty() {
                continue;
            }
            match column {
                Column::CaseId => case.case_id = Some(cell.to_string()),
                Column::Violation => case.violation = Some(cell.to_string()),
                Column::Extra(name) => {
                    case.extra.insert(name.clone(), cell.to_string());
                }
                Column::Fact(name) => {
                    let value = typed(rules, name, cell)?;
                    case.facts.insert(name.clone(), value);
                }
            }
        }
        Ok(case)
    }
}

/// A case read from a CSV line.
#[derive(Debug, Clone, Default)]
pub struct CsvCase {
    /// `case_id`.
    pub case_id: Option<String>,
    /// `violation`.
    pub violation: Option<String>,
    /// The facts given (non-empty cells), typed.
    pub facts: IndexMap<String, serde_json::Value>,
    /// The command's own columns, as text.
    pub extra: HashMap<String, String>,
}

/// A cell as the JSON value of the fact's declared type.
fn typed(rules: &Rules, name: &str, cell: &str) -> Result<serde_json::Value, String> {
    let model = rules.model();
    let Some(fact) = model
        .fact_index
        .get(name)
        .and_then(|&f| model.facts.get(f as usize))
    else {
        return Err(format!("规则集没有声明事实 {name}"));
    };
    let wrong = || {
        format!(
            "列 {name}（{}）应为{}，写的是“{}”",
            fact.label,
            fact.ty.describe(),
            crate::limits::clip(cell)
        )
    };
    Ok(match &fact.ty {
        FactType::Bool => match cell {
            "true" | "TRUE" | "True" | "真" | "是" | "1" => serde_json::Value::Bool(true),
            "false" | "FALSE" | "False" | "假" | "否" | "0" => serde_json::Value::Bool(false),
            _ => return Err(wrong()),
        },
        FactType::Int => cell.parse::<i64>().map_err(|_| wrong())?.into(),
        FactType::Decimal | FactType::Money => {
            cell.parse::<rust_decimal::Decimal>().map_err(|_| wrong())?;
            serde_json::from_str::<serde_json::Number>(cell)
                .map(serde_json::Value::Number)
                .map_err(|_| wrong())?
        }
        FactType::Date => serde_json::Value::String(cell.to_string()),
        FactType::Enum(options) => {
            // The option's name, or its Chinese label.
            let value = options
                .iter()
                .find(|(v, label)| v == cell || label == cell)
                .map_or(cell, |(v, _)| v.as_str());
            serde_json::Value::String(value.to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{push_line, split};

    #[test]
    fn quoted_fields_and_escaped_quotes() {
        assert_eq!(
            split(r#"a,"b,c","say ""hi""",,"#).ok(),
            Some(vec![
                "a".to_string(),
                "b,c".to_string(),
                "say \"hi\"".to_string(),
                String::new(),
                String::new()
            ])
        );
        assert!(split(r#"a,"b"#).is_err());
        assert!(split(r#"a,b"c"#).is_err());
        let mut out = String::new();
        push_line(&mut out, ["x", "a,b", "q\""]);
        assert_eq!(out, "x,\"a,b\",\"q\"\"\"\n");
    }
}
