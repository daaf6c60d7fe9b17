//! The kinds of penalty (Art. 9) and the measures, with their contract codes and Chinese names.

use serde::{Deserialize, Serialize};

macro_rules! named_enum {
    ($(#[$m:meta])* $ty:ident { $($v:ident = $code:literal, $zh:literal $(| $alias:literal)*;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $ty { $(#[doc = $zh] $v,)* }

        impl $ty {
            /// Every value.
            pub const ALL: &'static [$ty] = &[$($ty::$v,)*];
            /// The contract code.
            pub fn code(self) -> &'static str { match self { $($ty::$v => $code,)* } }
            /// The Chinese name.
            pub fn zh(self) -> &'static str { match self { $($ty::$v => $zh,)* } }
            /// Looks up a Chinese name (or an accepted variant of it).
            pub fn from_zh(s: &str) -> Option<$ty> {
                match s { $($zh $(| $alias)* => Some($ty::$v),)* _ => None }
            }
            /// All Chinese names, for suggestions.
            pub fn names() -> impl Iterator<Item = &'static str> {
                [$($zh,)*].into_iter()
            }
        }
    };
}

named_enum! {
    /// A kind of administrative penalty (Art. 9).
    PenaltyKind {
        Warning = "warning", "警告";
        Criticism = "criticism", "通报批评";
        Fine = "fine", "罚款";
        ConfiscateIncome = "confiscate_income", "没收违法所得";
        // 没收烧烤工具 and the like are 没收非法财物 (Art. 9), a penalty, not a measure.
        ConfiscateProperty = "confiscate_property", "没收非法财物" | "没收烧烤工具" | "没收实物";
        SuspendLicense = "suspend_license", "暂扣许可证件";
        DemoteQualification = "demote_qualification", "降低资质等级";
        RevokeLicense = "revoke_license", "吊销许可证件" | "吊销营业执照";
        RestrictBusiness = "restrict_business", "限制开展生产经营活动";
        // 责令停业整治 / 责令停工整治 are 责令停产停业 (Art. 9 item 4), with a hearing notice (Art. 63).
        SuspendBusiness = "suspend_business", "责令停产停业" | "责令停业整治" | "责令停工整治";
        Close = "close", "责令关闭";
        RestrictPractice = "restrict_practice", "限制从业";
    }
}

impl PenaltyKind {
    /// The kinds Art. 63 names as needing a hearing notice whatever the amount.
    pub fn needs_hearing(self) -> bool {
        matches!(
            self,
            PenaltyKind::DemoteQualification
                | PenaltyKind::RevokeLicense
                | PenaltyKind::SuspendBusiness
                | PenaltyKind::Close
                | PenaltyKind::RestrictPractice
        )
    }

    /// The lighter kinds that 减轻 may keep when it drops a fine.
    pub fn is_lighter_kind(self) -> bool {
        matches!(self, PenaltyKind::Warning | PenaltyKind::Criticism)
    }
}

named_enum! {
    /// A measure that accompanies an outcome (not a penalty).
    Measure {
        OrderCorrection = "order_correction", "责令改正" | "责令限期改正" | "责令立即改正";
        Education = "education", "教育";
        GuardianDiscipline = "guardian_discipline", "责令监护人加以管教";
        GuardianCustody = "guardian_custody", "责令监护人严加看管和治疗";
        StopViolation = "stop_violation", "责令停止违法行为";
        StopInfringement = "stop_infringement", "责令停止侵害";
        Restore = "restore", "恢复原状" | "责令恢复原状" | "责令限期恢复原状";
        ReturnLand = "return_land", "责令限期退还";
        ForcedRemoval = "forced_removal", "强制拆除" | "依法强制拆除";
        Removal = "removal", "限期拆除" | "责令限期拆除";
        StopConstruction = "stop_construction", "责令停止建设" | "责令停止施工";
        Compensation = "compensation", "照价赔偿" | "赔偿损失";
        Remedy = "remedy", "采取补救措施" | "采取其他补救措施";
        Clean = "clean", "责令立即清除" | "限期清理";
    }
}
