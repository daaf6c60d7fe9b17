//! The typed syntax tree: what a rule file says, with spans, before any name is resolved.

pub use crate::vocab::{ListKind, Modality, Party};

use crate::source::Span;
use jiff::civil::Date;
use rust_decimal::Decimal;

mod expr;
mod penalty;

pub use expr::{BinOp, Expr, ExprKind, Func};
pub use penalty::{
    Amount, CaseTiersDecl, DailyFineDecl, FineDecl, PartyBlock, PenaltyAlt, PenaltyDecl, PenaltyStmt, Scale, TierKey,
    TiersDecl,
};

/// A name written in the file (ASCII identifier, code, or a Chinese word such as a penalty kind).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The text.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    /// The value.
    pub value: String,
    /// Where (including the quotes).
    pub span: Span,
}

/// A date literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateLit {
    /// The date; `None` when the text was not a real date (already reported).
    pub date: Option<Date>,
    /// Where.
    pub span: Span,
}

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    /// Items in file order.
    pub items: Vec<Item>,
    /// Items with a syntax error (read without the clause that has it, or not at all): the
    /// model's diagnostics inside them follow from that error and are not reported.
    pub broken: Vec<Span>,
    /// Names declared by items that could not be read at all (a reference to one is not an
    /// unknown name).
    pub lost: Vec<Name>,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `规则集 …`
    RuleSet(RuleSetDecl),
    /// `包含 "…"`
    Include(Str),
    /// `事实 …`
    Fact(FactDecl),
    /// `谓词 …`
    Predicate(PredicateDecl),
    /// `法规 …`
    Regulation(RegulationDecl),
    /// `违法行为 …` outside a regulation
    Violation(ViolationDecl),
    /// a list entry
    Entry(EntryDecl),
    /// `钩子 …`: a local exception in rhai
    Hook(HookDecl),
    /// `细化 CODE { … }`: a violation of the base rule set, refined
    Refinement(RefinementDecl),
}

/// `基于 …`: the rule set this one builds on.
#[derive(Clone, Debug, PartialEq)]
pub enum BaseRef {
    /// `基于 内置`: the rule set embedded in the library.
    Embedded(Span),
    /// `基于 "../city"`: the rule set whose `main.rules` is in that directory, relative to the
    /// directory of the file that says so.
    Dir(Str),
}

impl BaseRef {
    /// Where it is written.
    pub fn span(&self) -> Span {
        match self {
            BaseRef::Embedded(s) => *s,
            BaseRef::Dir(s) => s.span,
        }
    }
}

/// `细化 CODE { … }`: what a rule set changes of a violation of the rule set it builds on.
#[derive(Clone, Debug, PartialEq)]
pub struct RefinementDecl {
    /// The base's violation code.
    pub code: Name,
    /// `来源 "…"`: the local table it encodes.
    pub source: Vec<Str>,
    /// `说明 "…"`
    pub notes: Vec<Str>,
    /// `幅度 从轻比例 … 从重比例 …`: the violation's bands, replaced.
    pub bands: Vec<(Name, Decimal, Span)>,
    /// `幅度 从轻幅度 0..0.2 一般幅度 0.4..0.6 从重幅度 0.8..1`: the bands replaced by bands of
    /// their own.
    pub band_ranges: Vec<BandRange>,
    /// Fines narrowed or divided into tiers, for one party or for every party.
    pub fines: Vec<RefineFine>,
    /// List entries covering the violation (`适用` left out: the refined code).
    pub entries: Vec<EntryDecl>,
    /// `按日连续处罚 DAYS`: the days the violation's daily fine counts, replaced.
    pub daily: Vec<DailyFineDecl>,
    /// Keyword to code.
    pub span: Span,
}

/// `[个人 {] 罚款 lo..hi [档次 …] [}]` or `档次 …` in a refinement.
#[derive(Clone, Debug, PartialEq)]
pub struct RefineFine {
    /// The party block it is in; none: every party's fine.
    pub party: Option<(Party, Span)>,
    /// The range narrowed (inside the article's).
    pub amount: Option<Amount>,
    /// The tiers, replacing the violation's.
    pub tiers: Option<TiersDecl>,
    /// Tiers chosen by conditions (`档次 { 当 …: …  其余: … }`), replacing the violation's.
    pub case_tiers: Option<Box<CaseTiersDecl>>,
    /// Where it is written.
    pub span: Span,
}

/// The rule-set header.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSetDecl {
    /// Its name.
    pub name: Str,
    /// `基于 …`: the rule set it builds on (once).
    pub base: Vec<BaseRef>,
    /// `版本`
    pub version: Vec<Str>,
    /// `施行`
    pub effective: Vec<DateLit>,
    /// `制定机关`
    pub authority: Vec<Str>,
    /// `说明`
    pub notes: Vec<Str>,
    /// `参数 { … }`
    pub params: Vec<Param>,
    /// The keyword's span.
    pub span: Span,
}

/// A parameter line.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its Chinese name.
    pub name: Name,
    /// One value or one per party.
    pub value: ParamValue,
    /// Whole line.
    pub span: Span,
}

/// A parameter's value.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// One value.
    Scalar(Scalar),
    /// `个人 V 单位 V`
    PerParty(Vec<(Party, Scalar)>),
}

/// A parameter scalar.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// A number.
    Number(Decimal, Span),
    /// `未设定`
    Unset(Span),
    /// A Chinese word such as `抵消`.
    Word(Name),
    /// `0.4..0.6`: a band of its own, as fractions of the statutory range.
    Range(Decimal, Decimal, Span),
}


/// A fact declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct FactDecl {
    /// ASCII name.
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
    /// Chinese label.
    pub label: Str,
    /// `单位 "…"`
    pub unit: Option<Str>,
    /// `默认 …`
    pub default: Option<Expr>,
    /// Whole declaration.
    pub span: Span,
}

/// A fact's declared type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// 布尔
    Bool,
    /// 整数
    Int,
    /// 小数
    Decimal,
    /// 金额
    Money,
    /// 日期
    Date,
    /// 选项 { … }
    Enum(Vec<(Name, Option<Str>)>),
}

/// `谓词 NAME "说明" 当 …`
#[derive(Clone, Debug, PartialEq)]
pub struct PredicateDecl {
    /// ASCII name.
    pub name: Name,
    /// Chinese description.
    pub label: Str,
    /// The condition.
    pub cond: Expr,
    /// Whole declaration.
    pub span: Span,
}

/// `法规 ID "《…》" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct RegulationDecl {
    /// Short id (XR).
    pub id: Name,
    /// Full name.
    pub name: Str,
    /// `施行`
    pub effective: Vec<DateLit>,
    /// `说明`
    pub notes: Vec<Str>,
    /// `首次施行`: this text first made its acts offences.
    pub first_enacted: Option<Span>,
    /// The violations inside.
    pub violations: Vec<ViolationDecl>,
    /// Keyword to id.
    pub span: Span,
}

/// `违法行为 CODE "标题" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationDecl {
    /// The stable code.
    pub code: Name,
    /// Title.
    pub title: Str,
    /// `违反 "…"`
    pub breach: Vec<Str>,
    /// `依据 "…"`
    pub basis: Vec<Str>,
    /// `幅度 从轻比例 … 从重比例 …`
    pub bands: Vec<(Name, Decimal, Span)>,
    /// `幅度 从轻幅度 0..0.2 一般幅度 0.4..0.6 从重幅度 0.8..1`: bands of their own.
    pub band_ranges: Vec<BandRange>,
    /// Statements outside party blocks.
    pub common: Vec<PenaltyStmt>,
    /// `个人 { … }` / `单位 { … }`
    pub parties: Vec<PartyBlock>,
    /// `版本 … { … }`
    pub versions: Vec<VersionDecl>,
    /// `废止 DATE`
    pub repeal: Vec<DateLit>,
    /// `要件 …`: the elements the facts must have for this code to apply.
    pub elements: Vec<Expr>,
    /// `参见 A、B`: the codes to consider where this one does not apply.
    pub see_also: Vec<Name>,
    /// `上位法 CODE [从其规定] [当 …]`: higher-rank norms that punish the same act.
    pub higher: Vec<HigherDecl>,
    /// Keyword to code.
    pub span: Span,
}

/// `上位法 CODE [从其规定] [当 …]`
#[derive(Clone, Debug, PartialEq)]
pub struct HigherDecl {
    /// The higher-rank norm's code.
    pub code: Name,
    /// `从其规定`: this norm defers to it.
    pub defers: bool,
    /// The part of the act it covers.
    pub when: Option<Expr>,
}

/// `版本 FROM [至 UNTIL] [起] { … }`: the article as it read in one period.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionDecl {
    /// First day in force.
    pub from: DateLit,
    /// Last day in force, if closed.
    pub until: Option<DateLit>,
    /// `首次施行`: the version that first made the act an offence.
    pub first_enacted: bool,
    /// `违反 "…"` where the breached article changed with the version.
    pub breach: Vec<Str>,
    /// `依据 "…"`
    pub basis: Vec<Str>,
    /// `幅度 …`
    pub bands: Vec<(Name, Decimal, Span)>,
    /// `幅度 一般幅度 0.4..0.6 …`
    pub band_ranges: Vec<BandRange>,
    /// Statements outside party blocks.
    pub common: Vec<PenaltyStmt>,
    /// Party blocks.
    pub parties: Vec<PartyBlock>,
    /// The keyword and period.
    pub span: Span,
}

/// `一般幅度 0.4..0.6`: one band of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct BandRange {
    /// 从轻幅度, 一般幅度 or 从重幅度.
    pub name: Name,
    /// Lower end, as a fraction of the statutory range's width.
    pub lo: Decimal,
    /// Upper end.
    pub hi: Decimal,
    /// Name to range.
    pub span: Span,
}

/// A list entry.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryDecl {
    /// `法定`
    pub statutory: bool,
    /// Which list.
    pub list: ListKind,
    /// Stable id.
    pub id: Name,
    /// Codes covered; empty with `all`.
    pub covers: Vec<Name>,
    /// `适用 全部`
    pub covers_all: bool,
    /// `适用 全部 除 …`
    pub except: Vec<Name>,
    /// 应当 / 可以 (required; checked in the model).
    pub modality: Option<(Modality, Span)>,
    /// Title as published.
    pub title: Option<Str>,
    /// `当 …`
    pub when: Vec<Expr>,
    /// `依据 "…"`
    pub basis: Vec<Str>,
    /// `来源 "…"`
    pub source: Vec<Str>,
    /// `措施 …`
    pub measures: Vec<Name>,
    /// `幅度 个人 … 单位 …`
    pub ranges: Vec<(Party, Amount)>,
    /// The `幅度` keyword, if present.
    pub range_span: Option<Span>,
    /// List keyword to id.
    pub span: Span,
}

/// `钩子 ID "标题" { 适用 …  时点 …  脚本 …  依据 "…" }`: a local exception written in rhai.
#[derive(Clone, Debug, PartialEq)]
pub struct HookDecl {
    /// Stable id.
    pub id: Name,
    /// What it does, as the local document says it.
    pub title: Str,
    /// Codes covered; empty with `all`.
    pub covers: Vec<Name>,
    /// `适用 全部`
    pub covers_all: bool,
    /// `适用 全部 除 …`
    pub except: Vec<Name>,
    /// `时点 …` (once; checked in the model).
    pub points: Vec<Name>,
    /// `脚本 …` (once; checked in the model).
    pub scripts: Vec<ScriptRef>,
    /// `依据 "…"`: the local normative document that authorises it (required).
    pub basis: Vec<Str>,
    /// Keyword to id.
    pub span: Span,
}

/// Where a hook's script is.
#[derive(Clone, Debug, PartialEq)]
pub enum ScriptRef {
    /// `脚本 "hooks/x.rhai"`: a file, relative to the rule file.
    File(Str),
    /// `脚本 """ … """`: the text as written, and its span inside the rule file (without the
    /// quotes), so that positions in the script are positions in the file.
    Inline {
        /// The script.
        text: String,
        /// Where the text is.
        span: Span,
    },
}

