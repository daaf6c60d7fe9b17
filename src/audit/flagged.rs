//! A flagged case, as the report lists it and the CSV of flagged cases gives it.

use super::{ArchiveCase, Assessed, Group, Tally, reasons, yuan};
use crate::decision::FineRange;
use rust_decimal::Decimal;
use serde::Serialize;

/// A flagged case, as the report and the CSV give it.
#[derive(Debug, Clone, Serialize)]
pub struct Flagged {
    /// Archive line.
    pub line: u64,
    /// Case id.
    pub case_id: Option<String>,
    /// Violation.
    pub violation: String,
    /// Decision date.
    pub decision_date: String,
    /// Officer.
    pub officer: Option<String>,
    /// Team.
    pub team: Option<String>,
    /// Fine imposed.
    pub fine: Option<Decimal>,
    /// The group's key in words.
    pub group: String,
    /// The group's fined cases.
    pub group_fined: u64,
    /// The group's median fine.
    pub group_median: Option<Decimal>,
    /// The recommended band.
    pub band: Option<FineRange>,
    /// The reasons, in Chinese.
    pub reasons: Vec<String>,
}

/// The columns of the flagged cases' CSV.
pub const FLAGGED_COLUMNS: [&str; 13] = [
    "line",
    "case_id",
    "violation",
    "decision_date",
    "officer",
    "team",
    "fine",
    "band_min",
    "band_max",
    "group",
    "group_fined",
    "group_median",
    "reasons",
];

impl Flagged {
    /// The case flagged, if [`reasons`] finds a reason to look at it.
    pub(super) fn of(t: &Tally, line: u64, c: ArchiveCase, a: &Assessed) -> Option<Flagged> {
        let why = reasons(t, &c, a);
        if why.is_empty() {
            return None;
        }
        let g = t.groups.get(&a.key);
        Some(Flagged {
            line,
            case_id: c.case_id,
            violation: c.violation,
            decision_date: c.decision_date.map(|d| d.to_string()).unwrap_or_default(),
            officer: c.officer,
            team: c.team,
            fine: c.fine,
            group: a.key.zh(),
            group_fined: g.map_or(0, Group::fined),
            group_median: g.and_then(|g| g.quantile(Decimal::new(5, 1))),
            band: a.band,
            reasons: why,
        })
    }

    pub(super) fn csv(&self, out: &mut String) {
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let fields = [
            self.line.to_string(),
            opt(&self.case_id),
            self.violation.clone(),
            self.decision_date.clone(),
            opt(&self.officer),
            opt(&self.team),
            self.fine.map(yuan).unwrap_or_default(),
            self.band.map(|b| yuan(b.min)).unwrap_or_default(),
            self.band.map(|b| yuan(b.max)).unwrap_or_default(),
            self.group.clone(),
            self.group_fined.to_string(),
            self.group_median.map(yuan).unwrap_or_default(),
            self.reasons.join("；"),
        ];
        crate::batch::csv::push_line(out, fields.iter().map(String::as_str));
    }
}
