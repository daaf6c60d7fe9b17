//! The decision document of the public contract (`docs/evaluation.md`): what the evaluator
//! recommends, with every citation and the trace.

use super::trace::Trace;
pub use crate::vocab::{FineRange, Measure, Outcome, PenaltyKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One penalty of the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PenaltyOut {
    /// The kind (Art. 9).
    pub kind: PenaltyKind,
    /// The article says 可以: the caseworker decides whether to impose it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discretionary: bool,
    /// The article allows this one or these others (处警告或者罚款).
    #[serde(default, rename = "or", skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<PenaltyKind>,
    /// For confiscation of illegal income: the amount.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::arbitrary_precision_option"
    )]
    pub amount: Option<Decimal>,
}

/// Why a code does not apply to the case (semantics step 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotApplicableReason {
    /// The party is not a subject the article names.
    Party,
    /// The facts put the case in another, exclusive branch of the article.
    Branch,
    /// The act ended before the norm was first enacted.
    BeforeEnactment,
    /// A rule says the conduct is lawful.
    Lawful,
}

/// The code does not apply: why, in words, and the codes to consider instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotApplicable {
    /// Why.
    pub reason: NotApplicableReason,
    /// Why, in Chinese.
    pub message: String,
}

/// Why a fine that would be due may not be imposed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FineBarred {
    /// `already_fined` (Art. 29: 同一个违法行为不得给予两次以上罚款).
    pub reason: Arc<str>,
    /// The article that bars it.
    pub basis: Arc<str>,
}

/// 按日连续处罚: the fine again for each day the party went on refusing to correct, where the
/// article provides it and its condition holds (an additive, optional field of the decision).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyFine {
    /// The days counted (from the day after the order to correct: the first day not counted).
    pub days: u64,
    /// Each day's fine: the recommended fine (按照原处罚数额).
    pub per_day: FineRange,
    /// `per_day` times `days`.
    pub total: FineRange,
    /// The article says 可以: the authority decides whether to impose it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discretionary: bool,
}

/// Another lawful outcome the caseworker may choose, or the one that applies without discretion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    /// Outcome.
    pub outcome: Outcome,
    /// 应当 / 可以.
    pub mandatory: bool,
    /// Its fine range.
    pub fine: Option<FineRange>,
}

/// Procedure flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// 简易程序 (Art. 51): only when the whole recommended range allows it.
    pub summary: bool,
    /// 听证告知 (Art. 63).
    pub hearing_notice: Flag,
    /// 法制审核 (Art. 58).
    pub legal_review: Flag,
    /// 集体讨论 (Art. 57 para 2): two statutory commands collide.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub collective_discussion: bool,
}

/// A procedure that follows from the fine: yes, no, or — where the recommended range straddles
/// the threshold — "if the fine reaches N" (`{ "if_fine_at_least": N }` in the contract).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Flag {
    /// Not required.
    #[default]
    No,
    /// Required.
    Yes,
    /// Required if the fine imposed is at least this amount.
    IfFineAtLeast(Decimal),
}

impl Flag {
    /// `Yes` or `No`.
    pub fn from_bool(b: bool) -> Flag {
        if b { Flag::Yes } else { Flag::No }
    }

    /// Whether the flag can require the procedure at all (yes, or at some fine).
    pub fn is_possible(self) -> bool {
        self != Flag::No
    }
}

impl Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Flag::No => s.serialize_bool(false),
            Flag::Yes => s.serialize_bool(true),
            Flag::IfFineAtLeast(n) => {
                use serde::ser::SerializeMap;
                #[derive(Serialize)]
                struct Amount(#[serde(with = "crate::vocab::money::json")] Decimal);
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("if_fine_at_least", &Amount(n))?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Flag, D::Error> {
        struct V;
        #[derive(Deserialize)]
        struct Amount(#[serde(with = "crate::vocab::money::json")] Decimal);
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true, false or { \"if_fine_at_least\": N }")
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Flag, E> {
                Ok(Flag::from_bool(b))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut m: M) -> Result<Flag, M::Error> {
                let mut at = None;
                while let Some(k) = m.next_key::<String>()? {
                    if k != "if_fine_at_least" {
                        return Err(serde::de::Error::unknown_field(&k, &["if_fine_at_least"]));
                    }
                    at = Some(m.next_value::<Amount>()?.0);
                }
                at.map(Flag::IfFineAtLeast)
                    .ok_or_else(|| serde::de::Error::missing_field("if_fine_at_least"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The list a circumstance comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListName {
    /// 不予处罚清单
    NoPenalty,
    /// 从轻处罚清单
    Lighter,
    /// 减轻处罚清单
    Mitigated,
    /// 从重处罚清单
    Aggravated,
    /// A statute (Arts. 30–33, 49).
    Statute,
}

impl ListName {
    /// The list an entry of this kind is reported under; `statutory` for one restating a statute.
    pub fn of(list: crate::vocab::ListKind, statutory: bool) -> ListName {
        use crate::vocab::ListKind;
        if statutory {
            return ListName::Statute;
        }
        match list {
            ListKind::NoPenalty => ListName::NoPenalty,
            ListKind::Lighter | ListKind::LighterOrMitigated => ListName::Lighter,
            ListKind::Mitigated => ListName::Mitigated,
            ListKind::Aggravated => ListName::Aggravated,
        }
    }
}

/// A circumstance used (or outweighed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    /// Its list.
    pub list: ListName,
    /// Entry id.
    pub id: Arc<str>,
    /// Title.
    pub title: Arc<str>,
    /// `path:line:col` of the entry.
    pub source: Arc<str>,
    /// 应当 (true) or 可以 (false).
    pub mandatory: bool,
}

/// Which version of the law was applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Law {
    /// The version's effective date.
    pub version: Option<Arc<str>>,
    /// Why it was chosen, if not the one in force on the act date.
    pub reason: Option<String>,
}

/// The rule set that produced the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSetInfo {
    /// Name.
    pub name: Arc<str>,
    /// Version.
    pub version: Arc<str>,
    /// `sha256:` of the exact rule text.
    pub digest: Arc<str>,
}

/// A recommended outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Echoed from the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// The violation code the decision follows.
    pub violation: Arc<str>,
    /// Category.
    pub outcome: Outcome,
    /// 应当 (or no discretion left) vs 可以.
    pub mandatory: bool,
    /// Penalties.
    pub penalties: Vec<PenaltyOut>,
    /// Fine range, or null.
    pub fine: Option<FineRange>,
    /// With `not_applicable`: why the code does not apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<NotApplicable>,
    /// With `not_applicable`: the codes to consider instead (possibly empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see_also: Vec<Arc<str>>,
    /// Present when a fine would be due but may not be imposed (Art. 29: already fined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_barred: Option<FineBarred>,
    /// 按日连续处罚 for continued refusal to correct, where the article provides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_fine: Option<DailyFine>,
    /// The statutory fine range of the applied norm for this party and these facts (after
    /// per-unit and multiple-based amounts), or null where the norm fines nothing.
    #[serde(default)]
    pub statutory: Option<FineRange>,
    /// Other lawful outcomes.
    pub alternatives: Vec<Alternative>,
    /// Measures.
    pub measures: Vec<Measure>,
    /// Procedure.
    pub procedure: Procedure,
    /// Every citation the decision rests on.
    pub basis: Vec<Arc<str>>,
    /// Circumstances used.
    pub applied: Vec<Applied>,
    /// Circumstances present but outweighed.
    pub outweighed: Vec<Applied>,
    /// With `undetermined`: the facts to ask for, most decisive first.
    pub needs: Vec<Arc<str>>,
    /// With several violations: the other norms' decisions (Art. 29).
    pub concurrent: Vec<Decision>,
    /// The version of the law applied.
    pub law: Law,
    /// The walk, in Chinese.
    pub trace: Trace,
    /// The rule set.
    pub ruleset: Arc<RuleSetInfo>,
}
