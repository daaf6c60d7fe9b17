//! The consistency audit (类案同罚): past decisions re-evaluated under the rules in force on
//! their decision dates; each imposed fine placed against the recommended band and the statutory
//! range; like cases grouped by a key the rules give (violation, version of the law, party type,
//! the band the facts select — the tier —, the outcome and the set of circumstances applied);
//! per group the spread of imposed fines; the cases far from their group flagged with the reason
//! a reviewer should look, in Chinese; the rates a bureau reports.
//!
//! Memory is flat in the archive's size: a first streaming pass keeps, per group, the count of
//! each distinct fine (exact quantiles in memory bounded by the distinct amounts, not the
//! cases); a second streaming pass flags the cases against the groups' figures and writes them
//! out as it goes. `caliper audit` is a thin shell; the report is [`report::html`].

pub mod report;
pub mod synth;

use crate::batch::csv::{Header, Mapping};
use crate::batch::pipeline::{self, Line};
use crate::decision::{Decision, FineRange, Flag, Outcome, PenaltyKind, PenaltyOut};
use crate::vocab::Party;
use crate::{CaseError, Rules};
use indexmap::IndexMap;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::Arc;

/// A group needs this many fined cases before a case is compared with its median.
pub const MIN_GROUP: u64 = 5;

/// A fine at least this many times its group's median (or at most its inverse) is far from
/// its group.
pub const FAR_RATIO: Decimal = Decimal::from_parts(25, 0, 0, false, 1);

/// Flagged cases the report lists in full (all of them go to the CSV).
pub const REPORT_FLAGS: usize = 200;

/// Flagged fines drawn as dots on one group's box plot.
pub const GROUP_DOTS: usize = 20;

/// Errors the summary lists with their line (all are counted).
pub const LISTED_ERRORS: usize = 50;

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

    fn case(&self) -> crate::Case {
        crate::Case {
            case_id: self.case_id.clone(),
            violation: Some(self.violation.clone()),
            violations: None,
            facts: self.facts.clone(),
        }
    }

    fn party(&self) -> Option<Party> {
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
    let d = rules.evaluate_with(&c.case(), crate::Options { trace: false })?;
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
    let first = c.facts.get("first_offense").and_then(|v| v.as_bool()) == Some(true);
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

fn yuan(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The imposed fines of one group: the count of each distinct amount.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Cases in the group.
    pub cases: u64,
    /// Cases fined, per amount.
    pub fines: BTreeMap<Decimal, u64>,
    /// Cases per place.
    pub places: HashMap<Place, u64>,
    /// The band and the statutory range (the same for every case of the group).
    pub band: Option<FineRange>,
    /// The statutory range.
    pub statutory: Option<FineRange>,
}

impl Group {
    /// Cases fined.
    pub fn fined(&self) -> u64 {
        self.fines.values().sum()
    }

    /// The `p` quantile (0 ≤ p ≤ 1) of the fines, interpolated linearly between order
    /// statistics (Hyndman–Fan type 7, what spreadsheets give); exact, from the counts.
    pub fn quantile(&self, p: Decimal) -> Option<Decimal> {
        let n = self.fined();
        if n == 0 {
            return None;
        }
        let h = Decimal::from(n - 1) * p;
        let lo = h.floor();
        let frac = h - lo;
        let lo = u64::try_from(lo).unwrap_or(0);
        let a = self.nth(lo)?;
        let b = if frac.is_zero() { a } else { self.nth(lo + 1)? };
        Some(crate::vocab::money::fen(a + (b - a) * frac))
    }

    /// The `i`-th smallest fine (from 0).
    fn nth(&self, i: u64) -> Option<Decimal> {
        let mut seen = 0;
        for (&v, &k) in &self.fines {
            seen += k;
            if i < seen {
                return Some(v);
            }
        }
        None
    }
}

/// Counts for a rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    /// Cases it applies to.
    pub of: u64,
    /// Cases that have it.
    pub count: u64,
}

impl Share {
    /// The share in percent, one decimal, or `—` for none.
    pub fn percent(&self) -> String {
        if self.of == 0 {
            return "—".to_string();
        }
        let p = Decimal::from(self.count) * Decimal::from(100) / Decimal::from(self.of);
        format!("{}%", p.round_dp(1))
    }
}

/// One month's figures.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Month {
    /// Cases decided.
    pub cases: u64,
    /// Fines outside the band, of the fined cases.
    pub outside_band: Share,
    /// Cases flagged.
    pub flagged: u64,
}

/// Everything the first pass counts.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Archive lines read.
    pub lines: u64,
    /// Lines that are not a case the rules can decide, with their errors (the first
    /// [`LISTED_ERRORS`]).
    pub errors: u64,
    /// The first errors: line and error.
    pub error_lines: Vec<(u64, CaseError)>,
    /// Cases the rules leave undetermined or not applicable.
    pub undetermined: u64,
    /// The groups.
    pub groups: BTreeMap<GroupKey, Group>,
    /// Cases per place.
    pub places: HashMap<Place, u64>,
    /// 首违不罚: of the first offences the rules do not punish, those not punished.
    pub first_offense: Share,
    /// Cases not punished, of all decided.
    pub no_penalty: Share,
    /// Outside the band, of the fined cases, per violation.
    pub by_violation: BTreeMap<Arc<str>, Share>,
    /// Per team.
    pub by_team: BTreeMap<String, Share>,
    /// Per month (`YYYY-MM`).
    pub by_month: BTreeMap<String, Month>,
    /// Hearing notices given, of the fines that reached the threshold and say whether.
    pub hearing: Share,
    /// Fines that reached the threshold without saying whether a notice was given.
    pub hearing_unknown: u64,
}

fn bump(s: &mut Share, yes: bool) {
    s.of += 1;
    if yes {
        s.count += 1;
    }
}

impl Tally {
    /// Counts one case.
    pub fn add(&mut self, c: &ArchiveCase, a: &Assessed) {
        let g = self.groups.entry(a.key.clone()).or_default();
        g.cases += 1;
        g.band = a.band;
        g.statutory = a.statutory;
        *g.places.entry(a.place).or_default() += 1;
        if let Some(f) = c.fine.filter(|f| *f > Decimal::ZERO) {
            *g.fines.entry(f.normalize()).or_default() += 1;
        }
        *self.places.entry(a.place).or_default() += 1;
        let punished =
            c.outcome.is_some_and(|o| o != Outcome::NoPenalty) || a.place != Place::NoFine;
        bump(&mut self.no_penalty, !punished);
        if a.first_offense_waiver {
            bump(&mut self.first_offense, !punished);
        }
        let month = month_of(c);
        let m = self.by_month.entry(month).or_default();
        m.cases += 1;
        if a.place != Place::NoFine {
            let out = a.place.outside_band();
            bump(&mut m.outside_band, out);
            bump(
                self.by_violation
                    .entry(a.key.violation.clone())
                    .or_default(),
                out,
            );
            if let Some(t) = &c.team {
                bump(self.by_team.entry(t.clone()).or_default(), out);
            }
        }
        if a.hearing_due {
            match c.hearing_notice {
                Some(given) => bump(&mut self.hearing, given),
                None => self.hearing_unknown += 1,
            }
        }
    }

    fn error(&mut self, line: u64, e: CaseError) {
        self.errors += 1;
        if self.error_lines.len() < LISTED_ERRORS {
            self.error_lines.push((line, e));
        }
    }
}

fn month_of(c: &ArchiveCase) -> String {
    c.decision_date
        .map(|d| format!("{:04}-{:02}", d.year(), d.month()))
        .unwrap_or_default()
}

/// The reasons, in Chinese, that a reviewer should look at a case; empty for none.
pub fn reasons(t: &Tally, c: &ArchiveCase, a: &Assessed) -> Vec<String> {
    let mut why = Vec::new();
    let fine = c.fine.filter(|f| *f > Decimal::ZERO);
    if let (Some(f), Some(g)) = (fine, t.groups.get(&a.key)) {
        let n = g.fined();
        if n >= MIN_GROUP
            && let Some(median) = g
                .quantile(Decimal::new(5, 1))
                .filter(|m| *m > Decimal::ZERO)
        {
            let ratio = (f / median).round_dp(1);
            let like = format!(
                "违法行为、档次、当事人类型和适用情节相同的 {n} 件案件罚款中位数为 {} 元",
                yuan(median)
            );
            if f >= median * FAR_RATIO {
                why.push(format!(
                    "{like}，本案罚款 {} 元，是中位数的 {} 倍",
                    yuan(f),
                    ratio.normalize()
                ));
            } else if f * FAR_RATIO <= median {
                why.push(format!(
                    "{like}，本案罚款 {} 元，仅为中位数的 {} 倍",
                    yuan(f),
                    (f / median).round_dp(2).normalize()
                ));
            }
        }
    }
    if let (Some(f), Place::OutsideRange) = (fine, a.place) {
        match a.statutory {
            Some(s) if f > s.max => why.push(format!(
                "罚款 {} 元超过法定最高额 {} 元",
                yuan(f),
                yuan(s.max)
            )),
            Some(s) => why.push(format!(
                "罚款 {} 元低于法定最低额 {} 元，本案没有减轻处罚的情节",
                yuan(f),
                yuan(s.min)
            )),
            None => why.push(format!(
                "处罚依据对本案当事人没有规定罚款，却处以罚款 {} 元",
                yuan(f)
            )),
        }
    }
    if let (Some(f), true) = (fine, a.shall_not_punish) {
        why.push(format!("依法应当不予处罚，却处以罚款 {} 元", yuan(f)));
    }
    if a.hearing_due && c.hearing_notice == Some(false) {
        why.push(format!(
            "罚款 {} 元达到听证告知标准，记录显示未告知当事人听证权利（《中华人民共和国行政处罚法》第六十三条）",
            fine.map(yuan).unwrap_or_default()
        ));
    }
    why
}

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
    fn csv(&self, out: &mut String) {
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

/// The archive's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// One record per line (JSON).
    Ndjson,
    /// A header, then one record per line.
    Csv,
}

/// How to run an audit.
#[derive(Debug, Clone)]
pub struct Options {
    /// The archive's format.
    pub format: ArchiveFormat,
    /// CSV headings (see [`Mapping`]).
    pub mapping: Mapping,
    /// Worker threads.
    pub workers: usize,
}

/// What the audit found: the tally, the flagged count and the first flagged cases.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The first pass's counts (months carry the flagged counts of the second).
    pub tally: Tally,
    /// Cases flagged.
    pub flagged: u64,
    /// The first [`REPORT_FLAGS`] flagged cases.
    pub first_flagged: Vec<Flagged>,
    /// Per group: flagged fines (the first few), for the box plots.
    pub flagged_fines: HashMap<GroupKey, Vec<Decimal>>,
    /// The rule set audited with (name, version, digest).
    pub ruleset: String,
}

/// What stopped an audit.
#[derive(Debug)]
pub enum Error {
    /// Reading the archive or writing the flagged cases failed.
    Io(io::Error),
    /// The archive cannot be read at all (its CSV header).
    Archive(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "读写失败：{e}"),
            Error::Archive(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}

/// One line's re-evaluation: the case and its assessment, none for a case the rules leave
/// undetermined, or the error of the line.
type Assessment = Result<Option<(ArchiveCase, Assessed)>, CaseError>;

/// The lines of an archive, opened anew for each pass.
pub type Lines<'a> = Box<dyn Iterator<Item = io::Result<Line>> + Send + 'a>;

/// Runs the audit: `open` gives the archive's lines (a CSV archive's header first), once per
/// pass; `kept` the rule sets records name by digest (others use `rules`). The flagged cases
/// are written to `flagged` as CSV as they are found.
pub fn run<'a>(
    rules: &Rules,
    kept: &HashMap<String, Rules>,
    open: &dyn Fn() -> io::Result<Lines<'a>>,
    opts: &Options,
    flagged: &mut dyn Write,
) -> Result<Audit, Error> {
    let header = match opts.format {
        ArchiveFormat::Ndjson => None,
        ArchiveFormat::Csv => {
            let first = open()?.next().transpose()?;
            let line = first
                .and_then(|l| l.bytes)
                .ok_or_else(|| Error::Archive("CSV 档案是空的：第 1 行应为表头".to_string()))?;
            let line = String::from_utf8(line)
                .map_err(|_| Error::Archive("第 1 行（表头）不是 UTF-8 编码".to_string()))?;
            Some(Header::parse(&line, rules, &opts.mapping, &CSV_EXTRA).map_err(Error::Archive)?)
        }
    };
    let skip = usize::from(header.is_some());
    let assess_chunk = |chunk: Vec<Line>| -> Vec<(u64, Assessment)> {
        chunk
            .into_iter()
            .map(|line| {
                let n = line.number;
                let r = crate::batch::line_text(&line).and_then(|text| {
                    let c = match &header {
                        None => ArchiveCase::from_json(text)?,
                        Some(h) => ArchiveCase::from_csv(rules, h, text)?,
                    };
                    let with = c
                        .ruleset
                        .as_ref()
                        .and_then(|d| kept.get(d))
                        .unwrap_or(rules);
                    Ok(assess(with, &c)?.map(|a| (c, a)))
                });
                (n, r)
            })
            .collect()
    };

    // Pass 1: the groups and the rates.
    let mut tally = Tally::default();
    pipeline::ordered(opts.workers, open()?.skip(skip), assess_chunk, |results| {
        for (n, r) in results {
            tally.lines += 1;
            match r {
                Ok(Some((c, a))) => tally.add(&c, &a),
                Ok(None) => tally.undetermined += 1,
                Err(e) => tally.error(n, e),
            }
        }
        Ok(())
    })?;

    // Pass 2: each case against its group's figures.
    let mut head = String::new();
    crate::batch::csv::push_line(&mut head, FLAGGED_COLUMNS);
    flagged.write_all(head.as_bytes())?;
    let mut audit = Audit {
        tally,
        flagged: 0,
        first_flagged: Vec::new(),
        flagged_fines: HashMap::new(),
        ruleset: format!(
            "{} {}（{}）",
            rules.info().name,
            rules.info().version,
            rules.info().digest
        ),
    };
    let mut months: BTreeMap<String, u64> = BTreeMap::new();
    {
        let tally = &audit.tally;
        let flag_chunk = |chunk: Vec<Line>| -> Vec<(Flagged, GroupKey)> {
            assess_chunk(chunk)
                .into_iter()
                .filter_map(|(n, r)| {
                    let (c, a) = r.ok()??;
                    let why = reasons(tally, &c, &a);
                    if why.is_empty() {
                        return None;
                    }
                    let g = tally.groups.get(&a.key);
                    let f = Flagged {
                        line: n,
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
                    };
                    Some((f, a.key))
                })
                .collect()
        };
        let (first, dots) = (&mut audit.first_flagged, &mut audit.flagged_fines);
        let count = &mut audit.flagged;
        pipeline::ordered(opts.workers, open()?.skip(skip), flag_chunk, |list| {
            let mut text = String::new();
            for (f, key) in list {
                f.csv(&mut text);
                let month = f.decision_date.get(..7).unwrap_or_default().to_string();
                *months.entry(month).or_default() += 1;
                *count += 1;
                if let Some(fine) = f.fine {
                    // Bounded: at most REPORT_FLAGS groups, GROUP_DOTS dots each.
                    if dots.len() < REPORT_FLAGS || dots.contains_key(&key) {
                        let list = dots.entry(key).or_default();
                        if list.len() < GROUP_DOTS {
                            list.push(fine);
                        }
                    }
                }
                if first.len() < REPORT_FLAGS {
                    first.push(f);
                }
            }
            flagged.write_all(text.as_bytes())
        })?;
    }
    flagged.flush()?;
    for (m, n) in months {
        audit.tally.by_month.entry(m).or_default().flagged = n;
    }
    Ok(audit)
}
