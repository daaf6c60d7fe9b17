//! The checked rule set: names resolved, types checked, every problem collected. This is what the
//! decision graph is compiled from; nothing after this stage sees the syntax tree.

mod daily;
pub mod expr;
mod lower;
mod name_map;
mod penalty;

pub use crate::facts::{Fact, FactId, FactType, Value};
pub use crate::vocab::money::Fractions;
pub use crate::vocab::{Measure, PenaltyKind};
pub use daily::{DailyFine, each_daily, each_daily_mut};
pub use expr::Expr;
pub use lower::lower;
pub use name_map::NameMap;
pub use penalty::{
    each_fine,
    CaseTiers, FineSpec, Penalty, PenaltyAlt, PerPartyStmts, ScaleKind, Stmt, Tier, TierKey, Tiers,
};

use crate::source::{SourceMap, Span};
use crate::vocab::{ListKind, Modality, Party};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Index of a predicate.
pub type PredicateId = u32;
/// Index of a violation.
pub type ViolationId = u32;
/// Index of a list entry.
pub type EntryId = u32;
/// Index of a hook.
pub type HookId = u32;
/// Number of a fine statement.
pub type FineId = u32;

/// A checked rule set.
#[derive(Debug)]
pub struct RuleSet {
    /// The header.
    pub meta: Meta,
    /// The parameters.
    pub params: Params,
    /// Declared facts, in declaration order.
    pub facts: Vec<Fact>,
    /// Fact name → index.
    pub fact_index: NameMap<FactId>,
    /// The facts the engine itself reads.
    pub standard: StandardFacts,
    /// Named predicates.
    pub predicates: Vec<Predicate>,
    /// Regulations.
    pub regulations: Vec<Regulation>,
    /// Violations, in file order.
    pub violations: Vec<Violation>,
    /// Code → index.
    pub violation_index: NameMap<ViolationId>,
    /// List entries, in file order.
    pub entries: Vec<Entry>,
    /// Local exceptions (rhai hooks), in file order, their scripts compiled.
    pub hooks: Vec<Hook>,
    /// Tier tables (情节档次) of fines, referred to by [`FineSpec::tiers`].
    pub tiers: Vec<Tiers>,
    /// Tier tables chosen by conditions, referred to by [`FineSpec::cases`].
    pub case_tiers: Vec<CaseTiers>,
    /// The rule set this one builds on (`基于`), if any.
    pub base: Option<Base>,
    /// What this rule set refines of its base's violations (`细化`), in file order.
    pub refinements: Vec<Refinement>,
    /// The files (rule files and hook scripts).
    pub sources: SourceMap,
    /// `sha256:` of the exact rule text.
    pub digest: String,
}

/// The rule set a refining one builds on (`基于`).
#[derive(Debug, Clone)]
pub struct Base {
    /// Its name (its `规则集` header).
    pub name: Arc<str>,
    /// Its version.
    pub version: Arc<str>,
    /// Its files, and those of the rule sets it builds on: their diagnostics are theirs.
    pub files: Vec<crate::source::FileId>,
}

impl Base {
    /// Whether a span lies in the base's files.
    pub fn holds(&self, span: Span) -> bool {
        self.files.contains(&span.file)
    }
}

/// A refinement (`细化`) of a base violation: what it changed, and what was there before.
#[derive(Debug, Clone)]
pub struct Refinement {
    /// The refined violation.
    pub violation: ViolationId,
    /// `来源`: the local table it encodes.
    pub source: Vec<Arc<str>>,
    /// `说明`
    pub notes: Vec<String>,
    /// The ids of the list entries written in it.
    pub entries: Vec<Arc<str>>,
    /// The fines it narrowed or divided, per party, before and after.
    pub fines: Vec<RefinedFine>,
    /// The band fractions it set for the current version (before: the version's own, if any).
    pub bands: Option<RefinedBands>,
    /// The days it counts the article's daily fine by (按日连续处罚), as written.
    pub daily: Option<Arc<str>>,
    /// Keyword to code.
    pub span: Span,
    /// "path:line:col".
    pub location: Arc<str>,
}

/// The band fractions of a refined violation's current version.
#[derive(Debug, Clone, Copy)]
pub struct RefinedBands {
    /// The version's own before (none: the rule set's).
    pub before: Option<Fractions>,
    /// The refinement's.
    pub after: Fractions,
}

/// One fine of a refined violation, for one party, before and after the refinement.
#[derive(Debug, Clone, Copy)]
pub struct RefinedFine {
    /// Whose fine.
    pub party: Party,
    /// As the base wrote it.
    pub before: FineSpec,
    /// As the refinement made it (the statutory range unchanged, its tiers new).
    pub after: FineSpec,
    /// The range it was narrowed to, if it was.
    pub narrowed: Option<(Decimal, Decimal)>,
    /// Where the refinement writes it.
    pub span: Span,
}

/// The rule set's header.
#[derive(Debug, Clone)]
pub struct Meta {
    /// 名称
    pub name: Arc<str>,
    /// 版本
    pub version: Arc<str>,
    /// 施行
    pub effective: Option<Date>,
    /// 制定机关
    pub authority: String,
    /// 说明
    pub notes: Vec<String>,
}

/// What to do when only discretionary (可以) mitigation meets aggravation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictPolicy {
    /// 抵消: standard, may, both recorded.
    Offset,
    /// 从轻: the mitigation wins.
    Mitigate,
    /// 从重: the aggravation wins.
    Aggravate,
}

/// A value per party type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PerParty<T> {
    /// 个人
    pub individual: T,
    /// 单位
    pub unit: T,
}

impl<T: Copy> PerParty<T> {
    /// The value for a party.
    pub fn get(&self, p: Party) -> T {
        match p {
            Party::Individual => self.individual,
            Party::Unit => self.unit,
        }
    }
}

/// Rule-set parameters.
#[derive(Debug, Clone)]
pub struct Params {
    /// 从轻比例: the lighter band ends at lo + lighter × d.
    pub lighter: Decimal,
    /// 从重比例: the aggravated band starts at lo + aggravated × d.
    pub aggravated: Decimal,
    /// 从轻幅度, 一般幅度, 从重幅度: bands of their own, instead of the split at 从轻比例 and
    /// 从重比例.
    pub bands: Option<Fractions>,
    /// Where the rule set's own bands are written.
    pub bands_span: Option<Span>,
    /// 减轻下限: the mitigated band starts here.
    pub mitigation_floor: Decimal,
    /// 冲突处理
    pub conflict: ConflictPolicy,
    /// 简易程序 limits (Art. 51).
    pub summary: PerParty<Option<Decimal>>,
    /// 听证 thresholds (Art. 63); `None` until the bureau sets them.
    pub hearing: PerParty<Option<Decimal>>,
    /// 法制审核 thresholds (Art. 58).
    pub legal_review: PerParty<Option<Decimal>>,
}

impl Params {
    /// The rule set's band fractions: its own bands, or the split at 从轻比例 and 从重比例.
    pub fn fractions(&self) -> Fractions {
        self.bands
            .unwrap_or_else(|| Fractions::split(self.lighter, self.aggravated))
    }
}

impl Default for Params {
    fn default() -> Params {
        Params {
            lighter: Decimal::new(3, 1),
            aggravated: Decimal::new(7, 1),
            bands: None,
            bands_span: None,
            mitigation_floor: Decimal::ZERO,
            conflict: ConflictPolicy::Offset,
            summary: PerParty {
                individual: Some(Decimal::from(200)),
                unit: Some(Decimal::from(3000)),
            },
            hearing: PerParty::default(),
            legal_review: PerParty::default(),
        }
    }
}

/// The facts the engine reads itself (party, income, Art. 29).
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardFacts {
    /// `party_type` (选项 individual / unit).
    pub party_type: FactId,
    /// Variant index of `individual`.
    pub individual: u16,
    /// `illegal_income` (金额).
    pub illegal_income: Option<FactId>,
    /// `already_fined` (布尔).
    pub already_fined: Option<FactId>,
    /// `violation_date` (日期).
    pub violation_date: Option<FactId>,
    /// `violation_end_date` (日期).
    pub violation_end_date: Option<FactId>,
    /// `discovery_date` (日期).
    pub discovery_date: Option<FactId>,
    /// `decision_date` (日期).
    pub decision_date: Option<FactId>,
    /// `birth_date` (日期).
    pub birth_date: Option<FactId>,
    /// `age` (整数).
    pub age: Option<FactId>,
    /// `safety_related` (布尔).
    pub safety_related: Option<FactId>,
    /// `harm` (选项) and the index of its `none` variant.
    pub harm: Option<(FactId, u16)>,
}

/// A named predicate.
#[derive(Debug, Clone)]
pub struct Predicate {
    /// ASCII name.
    pub name: Arc<str>,
    /// Chinese description.
    pub label: Arc<str>,
    /// Its condition.
    pub cond: Expr,
    /// Declaration.
    pub span: Span,
}

/// A regulation (法规) grouping violations.
#[derive(Debug, Clone)]
pub struct Regulation {
    /// Full name.
    pub name: String,
    /// In force from.
    pub effective: Option<Date>,
    /// This text first made its acts offences (`首次施行`).
    pub first_enacted: bool,
    /// Notes.
    pub notes: Vec<String>,
}

/// An element of a violation (`要件`): a condition the facts must meet for its code to apply.
#[derive(Debug, Clone)]
pub struct Element {
    /// The condition.
    pub cond: Expr,
    /// As written, for the drafter.
    pub text: Arc<str>,
    /// In words, with the facts' labels, for the caseworker (filled in after the checks).
    pub words: Arc<str>,
}

/// A higher-rank norm that punishes the same act (`上位法`).
#[derive(Debug, Clone)]
pub struct Higher {
    /// Its violation.
    pub violation: ViolationId,
    /// `从其规定`: the lower norm defers to it, which then governs.
    pub defers: bool,
    /// The part of the act it covers, with its text; none: the whole act.
    pub when: Option<(Expr, Arc<str>)>,
}

/// A violation.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Stable code.
    pub code: Arc<str>,
    /// Title.
    pub title: Arc<str>,
    /// Regulation index.
    pub regulation: Option<u32>,
    /// Article breached.
    pub breach: Option<Arc<str>>,
    /// The versions of the punishing article, oldest first, periods contiguous.
    pub versions: Vec<Version>,
    /// From this day on the act is no longer punished.
    pub repealed: Option<Date>,
    /// `要件`: the elements the facts must have for this code to apply, with their text.
    pub elements: Vec<Element>,
    /// `参见`: the codes to consider where this one does not apply.
    pub see_also: Vec<Arc<str>>,
    /// `上位法`: higher-rank norms that punish the same act (or the part the condition says).
    pub higher: Vec<Higher>,
    /// Where the repeal date is written.
    pub repeal_span: Option<Span>,
    /// Declaration.
    pub span: Span,
    /// "path:line:col".
    pub location: Arc<str>,
}

impl Violation {
    /// The newest version (what the rule set publishes as the current law).
    pub fn current(&self) -> &Version {
        // Lowering guarantees at least one version.
        &self.versions[self.versions.len() - 1]
    }

    /// The punishing article of the newest version.
    pub fn basis(&self) -> &Arc<str> {
        &self.current().basis
    }

    /// The index of the version in force on `date`; `None` before the first version, after a
    /// closed last version, or from the repeal date on.
    pub fn version_on(&self, date: Date) -> Option<usize> {
        if self.repealed.is_some_and(|r| date >= r) {
            return None;
        }
        self.versions
            .iter()
            .rposition(|v| v.from.is_none_or(|f| f <= date) && v.until.is_none_or(|u| date <= u))
    }
}

/// The punishing article as it read in one period.
#[derive(Debug, Clone)]
pub struct Version {
    /// First day in force (`None`: since always, as far as the rule set knows).
    pub from: Option<Date>,
    /// `from` as text, as decisions report it in `law.version`.
    pub label: Option<Arc<str>>,
    /// Last day in force (`None`: still in force).
    pub until: Option<Date>,
    /// This version first made the act an offence: an act before it is outside the code.
    pub first_enacted: bool,
    /// The article breached, where it changed with the version.
    pub breach: Option<Arc<str>>,
    /// Punishing article.
    pub basis: Arc<str>,
    /// Band fractions overriding the rule set's.
    pub bands: Option<Fractions>,
    /// Where the version's own bands are written.
    pub bands_span: Option<Span>,
    /// Statements per party: the common ones followed by the party's own; `None` where the
    /// article names no penalty for that party.
    pub penalties: PerPartyStmts,
    /// Where it is declared.
    pub span: Span,
}

/// Which violations a list entry covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// `适用 全部 [除 …]`
    All {
        /// The codes excepted.
        except: Vec<ViolationId>,
    },
    /// `适用 A, B`
    Only(Vec<ViolationId>),
}

impl Coverage {
    /// Whether it covers a violation.
    pub fn covers(&self, v: ViolationId) -> bool {
        match self {
            Coverage::All { except } => !except.contains(&v),
            Coverage::Only(ids) => ids.contains(&v),
        }
    }
}

/// A list entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Stable id.
    pub id: Arc<str>,
    /// Which list.
    pub list: ListKind,
    /// Restates a statute.
    pub statutory: bool,
    /// The violations it covers.
    pub covers: Coverage,
    /// 应当 / 可以
    pub modality: Modality,
    /// Title as published.
    pub title: Arc<str>,
    /// Condition.
    pub cond: Expr,
    /// Citations.
    pub basis: Vec<Arc<str>>,
    /// Where it is adapted from.
    pub source: Option<Arc<str>>,
    /// Measures it brings.
    pub measures: Vec<Measure>,
    /// Its own range per party (mitigated lists).
    pub ranges: PerParty<Option<(Decimal, Decimal)>>,
    /// Where the own range is written, if it is.
    pub range_span: Option<Span>,
    /// Declaration.
    pub span: Span,
    /// "path:line:col".
    pub location: Arc<str>,
}

/// A local exception: a compiled rhai script, the violations it covers, where it runs in the
/// walk, and the local normative document that authorises it.
#[derive(Debug, Clone)]
pub struct Hook {
    /// Stable id.
    pub id: Arc<str>,
    /// What it does.
    pub title: Arc<str>,
    /// Violations covered; `None` = all.
    pub covers: Option<Vec<ViolationId>>,
    /// Where it runs.
    pub point: crate::hooks::HookPoint,
    /// The authorising document(s); the first is named in messages.
    pub basis: Vec<Arc<str>>,
    /// The compiled script.
    pub script: Arc<crate::hooks::Script>,
    /// Declaration.
    pub span: Span,
    /// "path:line:col" of the declaration.
    pub location: Arc<str>,
}

impl Hook {
    /// The first citation (lowering guarantees one).
    pub fn citation(&self) -> &str {
        self.basis.first().map_or("", |b| b)
    }
}
