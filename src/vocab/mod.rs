//! The domain's words, each written once with its Chinese name: the party, the lists and their
//! modality, the outcome, the hook points, the kinds of penalty and the measures, and money in
//! yuan. A leaf: every stage may use it, and it uses none of them.

mod kinds;
pub mod money;

pub use kinds::{Measure, PenaltyKind};
pub use money::{FineRange, Yuan};

use serde::{Deserialize, Serialize};

/// A party type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Party {
    /// 个人 / 公民
    Individual,
    /// 单位 / 法人或者其他组织
    Unit,
}

impl Party {
    /// The name the Administrative Penalty Law uses (公民 / 法人或者其他组织).
    pub fn zh(self) -> &'static str {
        match self {
            Party::Individual => "公民",
            Party::Unit => "法人或者其他组织",
        }
    }
}

/// Which list an entry belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// 不予处罚
    NoPenalty,
    /// 从轻
    Lighter,
    /// 从轻或者减轻
    LighterOrMitigated,
    /// 减轻
    Mitigated,
    /// 从重
    Aggravated,
}

impl ListKind {
    /// The short name of the circumstance (不予处罚, 从轻, 从轻或者减轻, 减轻, 从重).
    pub fn zh(self) -> &'static str {
        match self {
            ListKind::NoPenalty => "不予处罚",
            ListKind::Lighter => "从轻",
            ListKind::LighterOrMitigated => "从轻或者减轻",
            ListKind::Mitigated => "减轻",
            ListKind::Aggravated => "从重",
        }
    }

    /// The heading of the list in a published document (不予处罚, 从轻处罚, 从轻或者减轻处罚,
    /// 减轻处罚, 从重处罚).
    pub fn heading_zh(self) -> &'static str {
        match self {
            ListKind::NoPenalty => "不予处罚",
            ListKind::Lighter => "从轻处罚",
            ListKind::LighterOrMitigated => "从轻或者减轻处罚",
            ListKind::Mitigated => "减轻处罚",
            ListKind::Aggravated => "从重处罚",
        }
    }

    /// The name of the list an entry is published in; `statutory` for an entry that restates a
    /// statute (法定不予处罚, 法定从轻或者减轻, 法定从重).
    pub fn list_zh(self, statutory: bool) -> &'static str {
        match (statutory, self) {
            (true, ListKind::NoPenalty) => "法定不予处罚",
            (true, ListKind::Aggravated) => "法定从重",
            (true, _) => "法定从轻或者减轻",
            (false, ListKind::NoPenalty) => "不予处罚清单",
            (false, ListKind::Lighter) => "从轻处罚清单",
            (false, ListKind::LighterOrMitigated) => "从轻或者减轻清单",
            (false, ListKind::Mitigated) => "减轻处罚清单",
            (false, ListKind::Aggravated) => "从重处罚清单",
        }
    }
}

/// 应当 / 可以
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modality {
    /// 应当
    Shall,
    /// 可以
    May,
}

impl Modality {
    /// The modality of a mandatory (`true`) or discretionary circumstance or outcome.
    pub fn of(shall: bool) -> Modality {
        if shall {
            Modality::Shall
        } else {
            Modality::May
        }
    }

    /// 应当 / 可以.
    pub fn zh(self) -> &'static str {
        match self {
            Modality::Shall => "应当",
            Modality::May => "可以",
        }
    }
}

/// The category of the recommended outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 不予处罚
    NoPenalty,
    /// 减轻处罚
    Mitigated,
    /// 从轻处罚
    Lighter,
    /// 一般处罚
    Standard,
    /// 从重处罚
    Aggravated,
    /// 待定：缺少决定结果的事实
    Undetermined,
    /// 不适用本编号：案件不具备该违法行为的构成要件（选错了编号）
    NotApplicable,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 7] = [
        Outcome::NoPenalty,
        Outcome::Mitigated,
        Outcome::Lighter,
        Outcome::Standard,
        Outcome::Aggravated,
        Outcome::Undetermined,
        Outcome::NotApplicable,
    ];

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Outcome::NoPenalty => "不予处罚",
            Outcome::Mitigated => "减轻处罚",
            Outcome::Lighter => "从轻处罚",
            Outcome::Standard => "一般处罚",
            Outcome::Aggravated => "从重处罚",
            Outcome::Undetermined => "待定（缺少事实）",
            Outcome::NotApplicable => "不适用本违法行为",
        }
    }

    /// The short Chinese name, as hook scripts read and write it (不予处罚, 减轻, 从轻, 一般, 从重,
    /// 待定).
    pub fn short_zh(self) -> &'static str {
        match self {
            Outcome::NoPenalty => "不予处罚",
            Outcome::Mitigated => "减轻",
            Outcome::Lighter => "从轻",
            Outcome::Standard => "一般",
            Outcome::Aggravated => "从重",
            Outcome::Undetermined => "待定",
            Outcome::NotApplicable => "不适用",
        }
    }

    /// The contract code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::NoPenalty => "no_penalty",
            Outcome::Mitigated => "mitigated",
            Outcome::Lighter => "lighter",
            Outcome::Standard => "standard",
            Outcome::Aggravated => "aggravated",
            Outcome::Undetermined => "undetermined",
            Outcome::NotApplicable => "not_applicable",
        }
    }

    /// Parses a contract code.
    pub fn from_code(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == s)
    }
}

/// Where a hook runs in the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookPoint {
    /// 情节之后: after step 6 (circumstances collected), before step 7 combines them. The hook
    /// may add circumstances, which are combined with the lists' own.
    AfterCircumstances,
    /// 结果之后: after steps 7–8 (outcome combined, fine computed). The hook may also add
    /// circumstances (the outcome is combined again), move the outcome and set the fine.
    AfterOutcome,
}

impl HookPoint {
    /// The keyword a drafter writes.
    pub fn zh(self) -> &'static str {
        match self {
            HookPoint::AfterCircumstances => "情节之后",
            HookPoint::AfterOutcome => "结果之后",
        }
    }

    /// Every point, for "did you mean".
    pub const ALL: [HookPoint; 2] = [HookPoint::AfterCircumstances, HookPoint::AfterOutcome];

    /// Parses the keyword.
    pub fn from_zh(s: &str) -> Option<HookPoint> {
        HookPoint::ALL.into_iter().find(|p| p.zh() == s)
    }
}
