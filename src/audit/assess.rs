//! One case re-evaluated: its rule-grounded group and where the fine imposed lies against the
//! recommended band and the statutory range.

use super::archive::CaseView;
use super::{ArchiveCase, yuan};
use crate::decision::{Decision, FineRange, Flag, Outcome, PenaltyKind, PenaltyOut};
use crate::vocab::Party;
use crate::{CaseError, Rules};
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

/// Where an imposed fine lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// No fine imposed.
    NoFine,
    /// In the recommended band (or a lawful alternative's band).
    InBand,
    /// In the statutory range, outside the band.
    OutsideBand,
    /// Below the statutory minimum, the case having a ground for 减轻.
    BelowRangeMitigated,
    /// Outside the statutory range, without a ground.
    OutsideRange,
}

impl Place {
    /// Every place, in the order of the enum.
    pub const ALL: [Place; 5] = [
        Place::NoFine,
        Place::InBand,
        Place::OutsideBand,
        Place::BelowRangeMitigated,
        Place::OutsideRange,
    ];

    /// Outside the recommended band (the fines a reason must explain).
    pub fn outside_band(self) -> bool {
        matches!(
            self,
            Place::OutsideBand | Place::BelowRangeMitigated | Place::OutsideRange
        )
    }

    /// In Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Place::NoFine => "未罚款",
            Place::InBand => "建议幅度内",
            Place::OutsideBand => "法定幅度内、建议幅度外",
            Place::BelowRangeMitigated => "低于法定最低额（有减轻情节）",
            Place::OutsideRange => "超出法定幅度",
        }
    }
}

/// The rule-grounded key of like cases.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct GroupKey {
    /// Violation code.
    pub violation: Arc<str>,
    /// The version of the punishing norm applied (its effective date).
    pub law: Option<Arc<str>>,
    /// `individual` or `unit`.
    pub party: &'static str,
    /// The band the facts select (the tier, scaled where the fine is per unit).
    pub band: Option<(Decimal, Decimal)>,
    /// The recommended outcome.
    pub outcome: Outcome,
    /// The circumstances applied, by entry id, sorted.
    pub applied: Vec<Arc<str>>,
}

impl GroupKey {
    /// The key in words, for the report.
    pub fn zh(&self) -> String {
        let party = match self.party {
            "unit" => "单位",
            "individual" => "个人",
            _ => "当事人类型不明",
        };
        let band = self.band.map_or_else(
            || "无罚款".to_string(),
            |(a, b)| format!("建议 {}–{} 元", yuan(a), yuan(b)),
        );
        let applied = if self.applied.is_empty() {
            "无情节".to_string()
        } else {
            self.applied
                .iter()
                .map(|a| &**a)
                .collect::<Vec<_>>()
                .join("、")
        };
        format!(
            "{}｜{}｜{}｜{}｜{}",
            self.violation,
            party,
            self.outcome.zh(),
            band,
            applied
        )
    }
}

/// A case re-evaluated: its group and where what was imposed lies.
#[derive(Debug, Clone)]
pub struct Assessed {
    /// Its group.
    pub key: GroupKey,
    /// The recommended fine band.
    pub band: Option<FineRange>,
    /// The statutory range.
    pub statutory: Option<FineRange>,
    /// Where the imposed fine lies.
    pub place: Place,
    /// The fine imposed reached the hearing threshold (Art. 63).
    pub hearing_due: bool,
    /// The recommendation is 应当不予处罚.
    pub shall_not_punish: bool,
    /// A first offence the rules do not punish (首违不罚): no_penalty with `first_offense`.
    pub first_offense_waiver: bool,
}

/// Re-evaluates one archive case (without its trace) and places what was imposed. `Ok(None)`
/// for a case the rules leave undetermined or not applicable (counted, never grouped).
pub fn assess(rules: &Rules, c: &ArchiveCase) -> Result<Option<Assessed>, CaseError> {
    assess_view(rules, &c.view())
}

/// [`assess`] of a case however it was read.
pub(super) fn assess_view(rules: &Rules, c: &CaseView<'_>) -> Result<Option<Assessed>, CaseError> {
    let d = c.evaluate(rules)?;
    if matches!(d.outcome, Outcome::Undetermined | Outcome::NotApplicable) {
        return Ok(None);
    }
    let party = c.party();
    let fine = c.fine.filter(|f| *f > Decimal::ZERO);
    let place = place(&d, fine);
    let hearing_due = match (party, fine) {
        (Some(party), Some(f)) => {
            let penalties = [PenaltyOut {
                kind: PenaltyKind::Fine,
                discretionary: false,
                alternatives: Vec::new(),
                amount: None,
            }];
            let p = crate::eval::procedure_flags(
                rules.model(),
                party,
                true,
                Some(FineRange { min: f, max: f }),
                &penalties,
            );
            p.hearing_notice == Flag::Yes
        }
        _ => false,
    };
    let mut applied: Vec<Arc<str>> = d.applied.iter().map(|a| a.id.clone()).collect();
    applied.sort();
    let key = GroupKey {
        violation: d.violation.clone(),
        law: d.law.version.clone(),
        party: match party {
            Some(Party::Unit) => "unit",
            Some(Party::Individual) => "individual",
            None => "",
        },
        band: d.fine.map(|b| (b.min, b.max)),
        outcome: d.outcome,
        applied,
    };
    let first = c.is_true("first_offense");
    Ok(Some(Assessed {
        key,
        band: d.fine,
        statutory: d.statutory,
        place,
        hearing_due,
        shall_not_punish: d.outcome == Outcome::NoPenalty && d.mandatory,
        first_offense_waiver: d.outcome == Outcome::NoPenalty && first,
    }))
}

/// Where a fine lies: the band (or an alternative's) first, then the statutory range.
fn place(d: &Decision, fine: Option<Decimal>) -> Place {
    let Some(f) = fine else { return Place::NoFine };
    let within = |b: &FineRange| b.min <= f && f <= b.max;
    let in_band = d.fine.as_ref().is_some_and(within)
        || d.alternatives
            .iter()
            .filter_map(|a| a.fine.as_ref())
            .any(within);
    if in_band {
        return Place::InBand;
    }
    let Some(s) = d.statutory else {
        return Place::OutsideRange;
    };
    if f > s.max {
        Place::OutsideRange
    } else if f < s.min {
        let ground = d.outcome == Outcome::Mitigated
            || d.alternatives
                .iter()
                .any(|a| a.outcome == Outcome::Mitigated);
        if ground {
            Place::BelowRangeMitigated
        } else {
            Place::OutsideRange
        }
    } else {
        Place::OutsideBand
    }
}
