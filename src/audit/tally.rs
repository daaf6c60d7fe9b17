//! What the first pass counts: per group the count of each distinct fine (exact quantiles), the
//! rates a bureau reports; and the reasons a case is far from its group.

use super::archive::CaseView;
use super::{ArchiveCase, Assessed, FAR_RATIO, GroupKey, LISTED_ERRORS, MIN_GROUP, Place, yuan};
use crate::CaseError;
use crate::decision::{FineRange, Outcome};
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The imposed fines of one group: the count of each distinct amount.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Cases in the group.
    pub cases: u64,
    /// Cases fined, per amount.
    pub fines: Fines,
    /// Cases per place.
    pub places: Places,
    /// The band and the statutory range (the same for every case of the group).
    pub band: Option<FineRange>,
    /// The statutory range.
    pub statutory: Option<FineRange>,
}

impl Group {
    /// Cases fined.
    pub fn fined(&self) -> u64 {
        self.fines.iter().map(|(_, n)| n).sum()
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

    /// The median a case's fine is compared with: none for a group of fewer than
    /// [`MIN_GROUP`] fined cases or a median of zero.
    pub fn median_to_compare(&self) -> Option<Decimal> {
        if self.fined() < MIN_GROUP {
            return None;
        }
        self.quantile(Decimal::new(5, 1))
            .filter(|m| *m > Decimal::ZERO)
    }

    /// The `i`-th smallest fine (from 0).
    fn nth(&self, i: u64) -> Option<Decimal> {
        let mut seen = 0;
        for (v, k) in self.fines.iter() {
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
    pub places: Places,
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
        let c = c.view();
        // The key is cloned only for a group met for the first time.
        if !self.groups.contains_key(&a.key) {
            self.groups.insert(a.key.clone(), Group::default());
        }
        if let Some(g) = self.groups.get_mut(&a.key) {
            g.add(&c, a);
        }
        self.count(&c, a);
    }

    /// Counts one case in everything but its group.
    pub(super) fn count(&mut self, c: &CaseView<'_>, a: &Assessed) {
        self.places.add(a.place, 1);
        let punished =
            c.outcome.is_some_and(|o| o != Outcome::NoPenalty) || a.place != Place::NoFine;
        bump(&mut self.no_penalty, !punished);
        if a.first_offense_waiver {
            bump(&mut self.first_offense, !punished);
        }
        // Looked up by a name on the stack: a key is allocated only the first time.
        let mut month = [0u8; 7];
        let month = month_of(c, &mut month);
        if !self.by_month.contains_key(&*month) {
            self.by_month.insert(month.to_string(), Month::default());
        }
        let Some(m) = self.by_month.get_mut(&*month) else {
            return;
        };
        m.cases += 1;
        if a.place != Place::NoFine {
            let out = a.place.outside_band();
            bump(&mut m.outside_band, out);
            let violation = &*a.key.violation;
            match self.by_violation.get_mut(violation) {
                Some(s) => bump(s, out),
                None => {
                    let mut s = Share::default();
                    bump(&mut s, out);
                    self.by_violation.insert(a.key.violation.clone(), s);
                }
            }
            if let Some(t) = c.team {
                match self.by_team.get_mut(t) {
                    Some(s) => bump(s, out),
                    None => {
                        let mut s = Share::default();
                        bump(&mut s, out);
                        self.by_team.insert(t.to_string(), s);
                    }
                }
            }
        }
        if a.hearing_due {
            match c.hearing_notice {
                Some(given) => bump(&mut self.hearing, given),
                None => self.hearing_unknown += 1,
            }
        }
    }

    /// Adds what [`Tally::count`] counted of other lines of the same archive (everything but
    /// the lines, the errors and the groups, which the caller counts) to this tally.
    pub(super) fn merge_counts(&mut self, o: Tally) {
        self.places.merge(&o.places);
        add_share(&mut self.first_offense, o.first_offense);
        add_share(&mut self.no_penalty, o.no_penalty);
        for (k, s) in o.by_violation {
            add_share(self.by_violation.entry(k).or_default(), s);
        }
        for (k, s) in o.by_team {
            add_share(self.by_team.entry(k).or_default(), s);
        }
        for (k, m) in o.by_month {
            let mine = self.by_month.entry(k).or_default();
            mine.cases += m.cases;
            add_share(&mut mine.outside_band, m.outside_band);
            mine.flagged += m.flagged;
        }
        add_share(&mut self.hearing, o.hearing);
        self.hearing_unknown += o.hearing_unknown;
    }

    pub(super) fn error(&mut self, line: u64, e: CaseError) {
        self.errors += 1;
        if self.error_lines.len() < LISTED_ERRORS {
            self.error_lines.push((line, e));
        }
    }
}

impl Group {
    /// Counts one case of the group.
    pub(super) fn add(&mut self, c: &CaseView<'_>, a: &Assessed) {
        self.cases += 1;
        self.band = a.band;
        self.statutory = a.statutory;
        self.places.add(a.place, 1);
        if let Some(f) = c.fine.filter(|f| *f > Decimal::ZERO) {
            self.fines.insert(f.normalize(), 1);
        }
    }

    /// Adds the cases of the same group counted elsewhere; `later` when those cases come after
    /// this group's in the archive (the band and range are then theirs, as if counted in order).
    pub(super) fn merge(&mut self, o: Group, later: bool) {
        self.cases += o.cases;
        for (f, n) in o.fines.iter() {
            self.fines.insert(f, n);
        }
        self.places.merge(&o.places);
        if later {
            self.band = o.band;
            self.statutory = o.statutory;
        }
    }
}

fn add_share(s: &mut Share, o: Share) {
    s.of += o.of;
    s.count += o.count;
}

/// A group's fines: each distinct amount with its count, by amount. A sorted vector while the
/// group has few amounts (a tree's node costs several times the pairs, and most groups hold a
/// few dozen), a tree beyond [`Fines::VECTOR_AMOUNTS`], so that an archive of many distinct
/// amounts in one group costs no more than a logarithm per case.
#[derive(Debug, Clone)]
pub enum Fines {
    /// Up to [`Fines::VECTOR_AMOUNTS`] amounts, sorted.
    Few(Vec<(Decimal, u64)>),
    /// More.
    Many(BTreeMap<Decimal, u64>),
}

impl Default for Fines {
    fn default() -> Fines {
        Fines::Few(Vec::new())
    }
}

impl PartialEq for Fines {
    fn eq(&self, o: &Fines) -> bool {
        self.iter().eq(o.iter())
    }
}

impl Eq for Fines {}

impl Fines {
    /// Distinct amounts kept in a sorted vector before it becomes a tree.
    pub const VECTOR_AMOUNTS: usize = 64;

    /// Counts `n` more cases fined `amount` (as the caller normalised it).
    pub fn insert(&mut self, amount: Decimal, n: u64) {
        match self {
            Fines::Few(v) => match v.binary_search_by(|(a, _)| a.cmp(&amount)) {
                Ok(i) => {
                    if let Some((_, k)) = v.get_mut(i) {
                        *k += n;
                    }
                }
                Err(_) if v.len() >= Fines::VECTOR_AMOUNTS => {
                    let mut tree: BTreeMap<Decimal, u64> = v.drain(..).collect();
                    tree.insert(amount, n);
                    *self = Fines::Many(tree);
                }
                Err(i) => v.insert(i, (amount, n)),
            },
            Fines::Many(tree) => *tree.entry(amount).or_default() += n,
        }
    }

    /// The amounts and their counts, the smallest first.
    pub fn iter(&self) -> impl Iterator<Item = (Decimal, u64)> + '_ {
        let (few, many) = match self {
            Fines::Few(v) => (Some(v.iter().copied()), None),
            Fines::Many(t) => (None, Some(t.iter().map(|(a, n)| (*a, *n)))),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }

    /// The smallest amount.
    pub fn min(&self) -> Option<Decimal> {
        match self {
            Fines::Few(v) => v.first().map(|(a, _)| *a),
            Fines::Many(t) => t.keys().next().copied(),
        }
    }

    /// The largest amount.
    pub fn max(&self) -> Option<Decimal> {
        match self {
            Fines::Few(v) => v.last().map(|(a, _)| *a),
            Fines::Many(t) => t.keys().next_back().copied(),
        }
    }
}

/// Cases per [`Place`], one count for each (no map: there are five).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places([u64; Place::ALL.len()]);

impl Places {
    /// Counts `n` more cases at `p`.
    pub fn add(&mut self, p: Place, n: u64) {
        if let Some(k) = self.0.get_mut(p as usize) {
            *k += n;
        }
    }

    /// The cases at `p`.
    pub fn get(&self, p: Place) -> u64 {
        self.0.get(p as usize).copied().unwrap_or(0)
    }

    /// Each place with its count, in [`Place::ALL`]'s order.
    pub fn iter(&self) -> impl Iterator<Item = (Place, u64)> + '_ {
        Place::ALL.into_iter().zip(self.0.iter().copied())
    }

    /// Adds the counts of `o`.
    pub fn merge(&mut self, o: &Places) {
        for (k, n) in self.0.iter_mut().zip(o.0) {
            *k += n;
        }
    }
}

/// `YYYY-MM` of the decision date (written into `buf` for a year of four digits); empty
/// without a date.
fn month_of<'b>(c: &CaseView<'_>, buf: &'b mut [u8; 7]) -> Cow<'b, str> {
    let Some(d) = c.decision_date else {
        return Cow::Borrowed("");
    };
    let (Ok(y), Ok(m)) = (u16::try_from(d.year()), u8::try_from(d.month())) else {
        return Cow::Owned(format!("{:04}-{:02}", d.year(), d.month()));
    };
    *buf = [
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + m / 10,
        b'0' + m % 10,
    ];
    // Digits and a dash: always UTF-8.
    Cow::Borrowed(std::str::from_utf8(buf).unwrap_or_default())
}

/// The reasons, in Chinese, that a reviewer should look at a case; empty for none.
pub fn reasons(t: &Tally, c: &ArchiveCase, a: &Assessed) -> Vec<String> {
    let mut why = Vec::new();
    let fine = c.fine.filter(|f| *f > Decimal::ZERO);
    if let (Some(f), Some(g)) = (fine, t.groups.get(&a.key)) {
        let n = g.fined();
        if let Some(median) = g.median_to_compare() {
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
