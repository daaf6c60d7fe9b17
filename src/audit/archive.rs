//! An archive's lines as past decisions: NDJSON records and CSV rows, with the errors that say
//! what a line lacks.

use crate::batch::csv::Header;
use crate::case::FactsText;
use crate::decision::Outcome;
use crate::eval::Input;
use crate::vocab::Party;
use crate::{CaseError, Rules};
use indexmap::IndexMap;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{Deserializer, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;

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

/// An NDJSON archive line read in place: the facts stay JSON text and the strings borrow the
/// line where they have no escapes. The same fields and types as [`ArchiveLine`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineText<'a> {
    #[serde(default, borrow)]
    case_id: Option<Text<'a>>,
    #[serde(borrow)]
    violation: Text<'a>,
    #[serde(default, borrow)]
    facts: FactsText<'a>,
    #[serde(default, borrow)]
    decision_date: Option<Text<'a>>,
    #[serde(default)]
    outcome: Option<Outcome>,
    #[serde(default, with = "rust_decimal::serde::arbitrary_precision_option")]
    fine: Option<Decimal>,
    #[serde(default)]
    hearing_notice: Option<bool>,
    #[serde(default, borrow)]
    #[expect(
        dead_code,
        reason = "read so that the line is checked as ArchiveLine checks it; the first pass counts no officer"
    )]
    officer: Option<Text<'a>>,
    #[serde(default, borrow)]
    team: Option<Text<'a>>,
    #[serde(default, borrow)]
    ruleset: Option<Text<'a>>,
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "read so that a synthetic archive is accepted, never used"
    )]
    synthetic: Option<bool>,
    #[serde(default, borrow)]
    #[expect(
        dead_code,
        reason = "read so that a synthetic archive is accepted, never used"
    )]
    planted: Option<Text<'a>>,
}

/// A JSON string, borrowed from the text where it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// An NDJSON archive line read in place, its decision date checked: what the first pass
/// re-evaluates without building the facts' map. Reading it fails on anything unusual (the
/// line is then read as an [`ArchiveCase`], which gives the error).
pub(super) struct InPlace<'a> {
    line: LineText<'a>,
    decision_date: Date,
    /// The record's top-level `decision_date`, where its facts do not give it.
    date_fact: Option<serde_json::Value>,
}

impl<'a> InPlace<'a> {
    /// The line, or none where it is not an archive record exactly as [`ArchiveCase::from_json`]
    /// reads one (that reading then says why).
    pub(super) fn read(text: &'a str) -> Option<InPlace<'a>> {
        let line: LineText<'a> = serde_json::from_str(text).ok()?;
        let given = fact_text(&line.facts, "decision_date");
        let (date, date_fact) = match (&line.decision_date, given) {
            (None, None) => return None,
            (Some(top), None) => (
                top.0.parse::<Date>().ok()?,
                Some(serde_json::Value::String(top.0.to_string())),
            ),
            (top, Some(fact)) => {
                let fact = json_str(fact)?;
                if top.as_ref().is_some_and(|t| t.0 != fact) {
                    return None;
                }
                (fact.parse::<Date>().ok()?, None)
            }
        };
        Some(InPlace {
            line,
            decision_date: date,
            date_fact,
        })
    }

    /// The line as the audit reads a case.
    pub(super) fn view(&self) -> CaseView<'_> {
        let l = &self.line;
        CaseView {
            case_id: l.case_id.as_ref().map(|t| &*t.0),
            violation: &l.violation.0,
            facts: Facts::Text(&l.facts.0, self.date_fact.as_ref()),
            decision_date: Some(self.decision_date),
            outcome: l.outcome,
            fine: l.fine,
            hearing_notice: l.hearing_notice,
            team: l.team.as_ref().map(|t| &*t.0),
            ruleset: l.ruleset.as_ref().map(|t| &*t.0),
        }
    }
}

/// The JSON text of the first fact named `name`.
fn fact_text<'t>(facts: &'t FactsText<'_>, name: &str) -> Option<&'t RawValue> {
    facts.0.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

/// A JSON value's text as a string, if it is one.
fn json_str(v: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str::<Text<'_>>(v.get()).ok().map(|t| t.0)
}

/// What the audit reads of a case, from an [`ArchiveCase`] or from a line read in place.
pub(super) struct CaseView<'a> {
    pub case_id: Option<&'a str>,
    pub violation: &'a str,
    pub facts: Facts<'a>,
    pub decision_date: Option<Date>,
    pub outcome: Option<Outcome>,
    pub fine: Option<Decimal>,
    pub hearing_notice: Option<bool>,
    pub team: Option<&'a str>,
    pub ruleset: Option<&'a str>,
}

/// A case's facts: parsed values, or the JSON text of each value (with the decision date
/// given beside the facts).
pub(super) enum Facts<'a> {
    Values(&'a IndexMap<String, serde_json::Value>),
    Text(
        &'a [(Cow<'a, str>, &'a RawValue)],
        Option<&'a serde_json::Value>,
    ),
}

impl CaseView<'_> {
    /// Re-evaluates the case (without its trace) with `rules`.
    pub(super) fn evaluate(&self, rules: &Rules) -> Result<crate::Decision, CaseError> {
        let opts = crate::Options { trace: false };
        match self.facts {
            Facts::Values(m) => rules.evaluate_facts(self.case_id, self.violation, m, opts),
            Facts::Text(list, date) => rules.evaluate_inputs(
                self.case_id,
                self.violation,
                list.iter()
                    .map(|(k, v)| (k.as_ref(), Input::Text(v.get())))
                    .chain(date.map(|d| ("decision_date", Input::Json(d)))),
                opts,
            ),
        }
    }

    pub(super) fn party(&self) -> Option<Party> {
        let party = match self.facts {
            Facts::Values(m) => m
                .get("party_type")
                .and_then(|v| v.as_str())
                .map(Cow::Borrowed),
            Facts::Text(list, _) => list
                .iter()
                .find(|(k, _)| k == "party_type")
                .and_then(|(_, v)| json_str(v)),
        };
        match party.as_deref() {
            Some("individual") => Some(Party::Individual),
            Some("unit") => Some(Party::Unit),
            _ => None,
        }
    }

    /// The fact `name` is given as `true`.
    pub(super) fn is_true(&self, name: &str) -> bool {
        match self.facts {
            Facts::Values(m) => m.get(name).and_then(|v| v.as_bool()) == Some(true),
            Facts::Text(list, _) => list
                .iter()
                .find(|(k, _)| k == name)
                .is_some_and(|(_, v)| v.get() == "true"),
        }
    }
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

    /// The case as the audit reads it.
    pub(super) fn view(&self) -> CaseView<'_> {
        CaseView {
            case_id: self.case_id.as_deref(),
            violation: &self.violation,
            facts: Facts::Values(&self.facts),
            decision_date: self.decision_date,
            outcome: self.outcome,
            fine: self.fine,
            hearing_notice: self.hearing_notice,
            team: self.team.as_deref(),
            ruleset: self.ruleset.as_deref(),
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
