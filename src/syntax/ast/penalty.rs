//! Penalty statements of the syntax tree: party blocks, penalties, fines, their tiers and amounts.

use super::{Expr, Name, Party};
use crate::source::Span;
use rust_decimal::Decimal;

/// A party block.
#[derive(Clone, Debug, PartialEq)]
pub struct PartyBlock {
    /// Which party.
    pub party: Party,
    /// The statements.
    pub stmts: Vec<PenaltyStmt>,
    /// The party keyword.
    pub span: Span,
}

/// A statement in a violation's penalty part.
#[derive(Clone, Debug, PartialEq)]
pub enum PenaltyStmt {
    /// `若 … { … } 否则 { … }`
    If {
        /// The article's own condition.
        cond: Expr,
        /// When it holds.
        then: Vec<PenaltyStmt>,
        /// When it does not.
        otherwise: Vec<PenaltyStmt>,
        /// The keyword.
        span: Span,
    },
    /// `措施 …`
    Measures(Vec<Name>),
    /// One penalty (or a one-of choice).
    Penalty(PenaltyDecl),
    /// `[可以] 按日连续处罚 DAYS`
    Daily(DailyFineDecl),
}

/// `[可以] 按日连续处罚 天数(order_date, recheck_date)`: the fine again for each day of continued
/// refusal (按照原处罚数额按日连续处罚), the days a whole-number fact or a count of days.
#[derive(Clone, Debug, PartialEq)]
pub struct DailyFineDecl {
    /// `可以`: the article says the authority may.
    pub discretionary: bool,
    /// The days: a fact or `天数(a, b)`; `None` where the file gives none (reported by the model).
    pub days: Option<Expr>,
    /// Whole statement.
    pub span: Span,
}

/// `[可以] A 或 B`
#[derive(Clone, Debug, PartialEq)]
pub struct PenaltyDecl {
    /// `可以`: a discretionary penalty.
    pub discretionary: bool,
    /// The alternatives (one, or several joined by 或).
    pub alts: Vec<PenaltyAlt>,
    /// Whole statement.
    pub span: Span,
}

/// One kind of penalty.
#[derive(Clone, Debug, PartialEq)]
pub enum PenaltyAlt {
    /// `罚款 …`
    Fine(FineDecl),
    /// Another kind, by its Chinese name.
    Kind(Name),
}

/// `罚款 …`
#[derive(Clone, Debug, PartialEq)]
pub struct FineDecl {
    /// The amount or factor range.
    pub amount: Amount,
    /// Per unit of a fact, or a multiple of one.
    pub scale: Option<Scale>,
    /// `每 A 每 B`: the second fact a per-unit amount is multiplied by.
    pub per_also: Option<Box<Name>>,
    /// `不超过 N`: the absolute cap of a per-unit or multiple fine.
    pub cap: Option<(Decimal, Span)>,
    /// `档次 FACT { … }`
    pub tiers: Option<TiersDecl>,
    /// `档次 { 当 …: …  其余: … }`: tiers chosen by conditions.
    pub case_tiers: Option<Box<CaseTiersDecl>>,
    /// Whole fine.
    pub span: Span,
}

/// `档次 FACT { ..5: lo..hi  其余: lo..hi }` or by option: `档次 harm { minor: …  serious: … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct TiersDecl {
    /// The fact that selects the tier.
    pub fact: Name,
    /// The tiers in order.
    pub tiers: Vec<(TierKey, Amount)>,
}

/// `档次 { 当 条件: lo..hi  …  其余: lo..hi }`: the first tier whose condition holds.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseTiersDecl {
    /// The tiers in order; `None` is 其余.
    pub rows: Vec<(Option<Expr>, Amount)>,
    /// The keyword.
    pub span: Span,
}

/// What selects a tier.
#[derive(Clone, Debug, PartialEq)]
pub enum TierKey {
    /// `..n`: up to n, n included (以下).
    UpTo(Decimal, Span),
    /// `<n`: below n, n excluded (不满).
    Below(Decimal, Span),
    /// `n..`: n and above, n included (以上); the last tier.
    From(Decimal, Span),
    /// `其余`: every value not selected by an earlier tier.
    Rest(Span),
    /// An option's name.
    Variant(Name),
}

/// How a fine range is scaled by a fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Scale {
    /// `每 FACT`
    PerUnit(Name),
    /// `FACT … 倍`
    Multiple(Name),
}

/// `lo..hi`, `..hi` or a single number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Amount {
    /// Lower end; `None` for `..hi` (0).
    pub lo: Option<Decimal>,
    /// Upper end.
    pub hi: Decimal,
    /// Where.
    pub span: Span,
}

