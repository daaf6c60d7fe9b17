//! Tests beside the rules: cases a drafter writes by hand in `*.test.toml` files, with the
//! expected outcome, fine and citations, run against a rule set by `caliper test`.

use crate::case::Case;
use crate::eval::decision::{Decision, Outcome};
use crate::rules::Rules;
use serde::Deserialize;

/// One test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    case: Vec<CaseDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseDoc {
    /// Where it is written, so that a failure names its line.
    name: toml::Spanned<String>,
    #[serde(default)]
    case_id: Option<String>,
    #[serde(default)]
    violation: Option<String>,
    #[serde(default)]
    violations: Option<Vec<String>>,
    #[serde(default)]
    facts: toml::Table,
    expect: Expect,
}

/// What the drafter expects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Omitted only where `error` is expected instead of a decision.
    #[serde(default)]
    outcome: String,
    /// The code of the error document expected instead of a decision (`E0507`).
    #[serde(default)]
    error: Option<String>,
    /// With `not_applicable`: the reason (`party`, `branch`, `before_enactment`, `lawful`).
    #[serde(default)]
    reason: Option<String>,
    /// With `not_applicable`: exactly these codes to consider instead, in order.
    #[serde(default)]
    see_also: Option<Vec<String>>,
    /// Whether Art. 29 bars the fine (`fine_barred` present).
    #[serde(default)]
    fine_barred: Option<bool>,
    #[serde(default)]
    mandatory: Option<bool>,
    #[serde(default)]
    fine: Option<String>,
    /// 按日连续处罚: `"none"`, or `"DAYS 日 TOTAL"` such as `"10 日 440000..760000"`.
    #[serde(default)]
    daily_fine: Option<String>,
    #[serde(default)]
    penalties: Option<Vec<String>>,
    #[serde(default)]
    basis: Vec<String>,
    #[serde(default)]
    applied: Option<Vec<String>>,
    #[serde(default)]
    needs: Option<Vec<String>>,
    #[serde(default)]
    measures: Option<Vec<String>>,
}

/// A test case that did not give what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Test file.
    pub file: String,
    /// Case name.
    pub name: String,
    /// The line of the test file the case's name is on.
    pub line: usize,
    /// (what, expected, actual) for each mismatch.
    pub mismatches: Vec<(String, String, String)>,
}

/// The result of running test files.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases run.
    pub passed: usize,
    /// Cases that failed.
    pub failures: Vec<Failure>,
    /// Files that could not be read (path, message).
    pub errors: Vec<(String, String)>,
    /// Every case run, with its file (for `caliper test --coverage`).
    pub cases: Vec<(String, Case)>,
}

/// Runs the cases of one test file (`text`, shown as `path`) against `rules`.
pub fn run_file(rules: &Rules, path: &str, text: &str, report: &mut Report) {
    let doc: FileDoc = match toml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("第 {line} 行：")
                })
                .unwrap_or_default();
            report
                .errors
                .push((path.to_string(), format!("{at}{}", e.message())));
            return;
        }
    };
    for c in doc.case {
        let case = Case {
            case_id: c.case_id.clone(),
            violation: c.violation.clone(),
            violations: c.violations.clone(),
            facts: c
                .facts
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        };
        report.cases.push((path.to_string(), case.clone()));
        let mismatches = match (rules.evaluate(&case), &c.expect.error) {
            (Ok(d), None) => compare(&c.expect, &d),
            (Ok(d), Some(code)) => vec![(
                "案件".into(),
                format!("错误 {code}"),
                format!("决定：{}", d.outcome.code()),
            )],
            (Err(e), Some(code)) if e.code == code.as_str() => Vec::new(),
            (Err(e), want) => vec![(
                "案件".into(),
                want.as_ref()
                    .map_or_else(|| "一个决定".to_string(), |c| format!("错误 {c}")),
                e.to_string(),
            )],
        };
        if mismatches.is_empty() {
            report.passed += 1;
        } else {
            let line = text[..c.name.span().start.min(text.len())]
                .matches('\n')
                .count()
                + 1;
            report.failures.push(Failure {
                file: path.to_string(),
                line,
                name: c.name.into_inner(),
                mismatches,
            });
        }
    }
}

/// TOML → the JSON of the case contract (dates become "YYYY-MM-DD" strings).
fn to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => {
            serde_json::from_str(&f.to_string()).unwrap_or(serde_json::Value::Null)
        }
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn compare(e: &Expect, d: &Decision) -> Vec<(String, String, String)> {
    let mut m = Vec::new();
    let mut check = |what: &str, want: String, got: String| {
        if want != got {
            m.push((what.to_string(), want, got));
        }
    };
    match Outcome::from_code(&e.outcome) {
        Some(o) => check("outcome", o.code().into(), d.outcome.code().into()),
        None => check(
            "outcome",
            e.outcome.clone(),
            "（预期中的结果名称无效）".into(),
        ),
    }
    if let Some(want) = &e.reason {
        let got = d
            .not_applicable
            .as_ref()
            .and_then(|n| serde_json::to_value(n.reason).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "（无）".into());
        check("reason", want.clone(), got);
    }
    if let Some(want) = &e.see_also {
        let got: Vec<&str> = d.see_also.iter().map(|c| &**c).collect();
        check("see_also", want.join(", "), got.join(", "));
    }
    if let Some(want) = e.fine_barred {
        check(
            "fine_barred",
            want.to_string(),
            d.fine_barred.is_some().to_string(),
        );
    }
    if let Some(want) = e.mandatory {
        check("mandatory", want.to_string(), d.mandatory.to_string());
    }
    if let Some(want) = &e.fine {
        let got = d.fine.map_or_else(|| "none".to_string(), |f| f.to_string());
        check("fine", normalize_range(want), got);
    }
    if let Some(want) = &e.daily_fine {
        let got = d.daily_fine.as_ref().map_or_else(
            || "none".to_string(),
            |f| format!("{} 日 {}", f.days, f.total),
        );
        let want = match want.split_once(" 日 ") {
            Some((days, total)) => format!("{} 日 {}", days.trim(), normalize_range(total.trim())),
            None => want.trim().to_string(),
        };
        check("daily_fine", want, got);
    }
    if let Some(want) = &e.penalties {
        let got: Vec<&str> = d.penalties.iter().map(|p| p.kind.code()).collect();
        check("penalties", want.join(", "), got.join(", "));
    }
    if let Some(want) = &e.measures {
        let got: Vec<&str> = d.measures.iter().map(|p| p.code()).collect();
        check("measures", sorted(want), sorted(&got));
    }
    for b in &e.basis {
        if !d.basis.iter().any(|x| &**x == b.as_str()) {
            let got: Vec<&str> = d.basis.iter().map(|x| &**x).collect();
            check("basis", format!("含 {b}"), got.join("；"));
        }
    }
    if let Some(want) = &e.applied {
        let got: Vec<&str> = d.applied.iter().map(|a| &*a.id).collect();
        check("applied", sorted(want), sorted(&got));
    }
    if let Some(want) = &e.needs {
        let got: Vec<&str> = d.needs.iter().map(|a| &**a).collect();
        check("needs", sorted(want), sorted(&got));
    }
    m
}

fn sorted<S: AsRef<str>>(v: &[S]) -> String {
    let mut v: Vec<&str> = v.iter().map(AsRef::as_ref).collect();
    v.sort_unstable();
    v.join(", ")
}

/// "60..140", "60 .. 140.00" → "60..140"; "none" stays.
fn normalize_range(s: &str) -> String {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let Some((a, b)) = s.split_once("..") else {
        return s.trim().to_string();
    };
    match (Decimal::from_str(a.trim()), Decimal::from_str(b.trim())) {
        (Ok(min), Ok(max)) => crate::vocab::FineRange { min, max }.to_string(),
        _ => s.trim().to_string(),
    }
}

/// The test files embedded with the default rule set: (path, text).
pub fn embedded_tests() -> &'static [(&'static str, &'static str)] {
    crate::embedded::TESTS
}
