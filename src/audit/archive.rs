//! An archive's lines as past decisions: NDJSON records and CSV rows, with the errors that say
//! what a line lacks.

use crate::batch::csv::Header;
use crate::decision::Outcome;
use crate::vocab::Party;
use crate::{CaseError, Rules};
use indexmap::IndexMap;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Deserialize;

/// One past decision of an archive.
#[derive(Debug, Clone, Default)]
pub struct ArchiveCase {
    /// The case's id.
    pub case_id: Option<String>,
    /// The violation code.
    pub violation: String,
    /// The facts, `decision_date` among them.
    pub facts: IndexMap<String, serde_json::Value>,
    /// The decision date.
    pub decision_date: Option<Date>,
    /// The outcome imposed.
    pub outcome: Option<Outcome>,
    /// The fine imposed, in yuan.
    pub fine: Option<Decimal>,
    /// Whether the party was told of its right to a hearing (Art. 63); unknown if absent.
    pub hearing_notice: Option<bool>,
    /// Who decided.
    pub officer: Option<String>,
    /// Their team (中队, 科室).
    pub team: Option<String>,
    /// The digest of the rule set to re-evaluate with (records of `caliper serve`).
    pub ruleset: Option<String>,
}

/// An archive line as NDJSON (see `docs/batch-audit.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArchiveLine {
    #[serde(default)]
    case_id: Option<String>,
    violation: String,
    #[serde(default)]
    facts: IndexMap<String, serde_json::Value>,
    #[serde(default)]
    decision_date: Option<String>,
    #[serde(default)]
    outcome: Option<Outcome>,
    #[serde(default, with = "rust_decimal::serde::arbitrary_precision_option")]
    fine: Option<Decimal>,
    #[serde(default)]
    hearing_notice: Option<bool>,
    #[serde(default)]
    officer: Option<String>,
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    ruleset: Option<String>,
    /// Marks a synthetic archive's lines; the audit ignores it.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "read so that a synthetic archive is accepted, never used"
    )]
    synthetic: Option<bool>,
    /// What was planted in a synthetic archive's line; the audit ignores it.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "read so that a synthetic archive is accepted, never used"
    )]
    planted: Option<String>,
}

/// The columns of a CSV archive besides `case_id`, `violation` and the facts.
pub const CSV_EXTRA: [&str; 7] = [
    "outcome",
    "fine",
    "hearing_notice",
    "officer",
    "team",
    "synthetic",
    "planted",
];

fn malformed(m: impl Into<String>, at: &str) -> CaseError {
    CaseError::new(crate::diag::Code::MalformedCase, m, at)
}

impl ArchiveCase {
    /// An NDJSON archive line.
    pub fn from_json(text: &str) -> Result<ArchiveCase, CaseError> {
        let l: ArchiveLine = serde_json::from_str(text).map_err(|e| {
            malformed(
                format!("不是有效的档案记录：{e}"),
                &format!("第 {} 列", e.column()),
            )
        })?;
        let mut c = ArchiveCase {
            case_id: l.case_id,
            violation: l.violation,
            facts: l.facts,
            decision_date: None,
            outcome: l.outcome,
            fine: l.fine,
            hearing_notice: l.hearing_notice,
            officer: l.officer,
            team: l.team,
            ruleset: l.ruleset,
        };
        if let Some(d) = l.decision_date {
            match c.facts.get("decision_date") {
                Some(f) if f.as_str() != Some(d.as_str()) => {
                    return Err(malformed(
                        "decision_date 与 facts.decision_date 不同",
                        "decision_date",
                    ));
                }
                _ => {
                    c.facts
                        .insert("decision_date".to_string(), serde_json::Value::String(d));
                }
            }
        }
        c.dated()
    }

    /// A CSV archive line, given the header.
    pub fn from_csv(rules: &Rules, header: &Header, text: &str) -> Result<ArchiveCase, CaseError> {
        let cells = crate::batch::csv::split(text).map_err(|m| malformed(m, ""))?;
        let row = header.case(rules, &cells).map_err(|m| malformed(m, ""))?;
        let extra = |k: &str| row.extra.get(k).cloned();
        let outcome = match extra("outcome") {
            None => None,
            Some(o) => Some(parse_outcome(&o).ok_or_else(|| {
                malformed(
                    format!("outcome 应为 no_penalty、mitigated、lighter、standard、aggravated 之一（或其中文名称），写的是“{}”", crate::limits::clip(&o)),
                    "outcome",
                )
            })?),
        };
        let fine = match extra("fine") {
            None => None,
            Some(f) => Some(f.parse::<Decimal>().map_err(|_| {
                malformed(
                    format!("fine 应为金额（元），写的是“{}”", crate::limits::clip(&f)),
                    "fine",
                )
            })?),
        };
        let hearing_notice = match extra("hearing_notice").as_deref() {
            None => None,
            Some("true" | "是" | "1" | "真") => Some(true),
            Some("false" | "否" | "0" | "假") => Some(false),
            Some(o) => {
                return Err(malformed(
                    format!(
                        "hearing_notice 应为 true 或 false（是/否），写的是“{}”",
                        crate::limits::clip(o)
                    ),
                    "hearing_notice",
                ));
            }
        };
        ArchiveCase {
            case_id: row.case_id,
            violation: row
                .violation
                .ok_or_else(|| malformed("没有写明 violation（违法行为编号）", "violation"))?,
            facts: row.facts,
            decision_date: None,
            outcome,
            fine,
            hearing_notice,
            officer: extra("officer"),
            team: extra("team"),
            ruleset: None,
        }
        .dated()
    }

    /// Reads the decision date from the facts: an audit without it cannot choose the rules.
    fn dated(mut self) -> Result<ArchiveCase, CaseError> {
        let Some(d) = self.facts.get("decision_date") else {
            return Err(malformed(
                "没有写明 decision_date（作出处罚决定之日）：无法确定当时施行的规则",
                "decision_date",
            ));
        };
        let date = d
            .as_str()
            .and_then(|s| s.parse::<Date>().ok())
            .ok_or_else(|| malformed("decision_date 应为 YYYY-MM-DD 日期", "decision_date"))?;
        self.decision_date = Some(date);
        Ok(self)
    }

    pub(super) fn party(&self) -> Option<Party> {
        match self.facts.get("party_type").and_then(|v| v.as_str()) {
            Some("individual") => Some(Party::Individual),
            Some("unit") => Some(Party::Unit),
            _ => None,
        }
    }
}

/// An outcome by its code or Chinese name.
fn parse_outcome(s: &str) -> Option<Outcome> {
    Outcome::ALL.into_iter().find(|o| {
        o.zh() == s
            || serde_json::to_value(o)
                .ok()
                .is_some_and(|v| v.as_str() == Some(s))
    })
}

/// The code of an outcome (`no_penalty` …).
pub fn outcome_code(o: Outcome) -> &'static str {
    match o {
        Outcome::NoPenalty => "no_penalty",
        Outcome::Mitigated => "mitigated",
        Outcome::Lighter => "lighter",
        Outcome::Standard => "standard",
        Outcome::Aggravated => "aggravated",
        Outcome::Undetermined => "undetermined",
        Outcome::NotApplicable => "not_applicable",
    }
}
