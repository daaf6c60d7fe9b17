//! `GET /vocabulary`: the Chinese names of the codes a decision and a review speak (outcomes,
//! penalty kinds, measures, lists, procedures …), so that a page shows every code in words
//! without writing the words a second time.

use axum::Json;
use caliper::decision::{Measure, Outcome, PenaltyKind};
use indexmap::IndexMap;
use serde::Serialize;
use std::sync::OnceLock;

/// Code → Chinese name, in a stable order.
type Names = IndexMap<&'static str, &'static str>;

/// The vocabulary.
#[derive(Serialize)]
pub struct Vocabulary {
    /// `outcome` of a decision: 不予处罚, 减轻处罚, …
    pub outcomes: Names,
    /// The kinds of penalty (Art. 9).
    pub penalties: Names,
    /// The measures that accompany an outcome.
    pub measures: Names,
    /// `applied[].list`: the list a circumstance comes from.
    pub lists: Names,
    /// `procedure`: the procedures a decision calls for.
    pub procedures: Names,
    /// `not_applicable.reason`.
    pub not_applicable: Names,
    /// `review.fine_position`.
    pub fine_positions: Names,
    /// `review.requires`.
    pub requirements: Names,
}

fn build() -> Vocabulary {
    let pairs = |p: &[(&'static str, &'static str)]| p.iter().copied().collect::<Names>();
    Vocabulary {
        outcomes: Outcome::ALL.iter().map(|o| (o.code(), o.zh())).collect(),
        penalties: PenaltyKind::ALL
            .iter()
            .map(|k| (k.code(), k.zh()))
            .collect(),
        measures: Measure::ALL.iter().map(|m| (m.code(), m.zh())).collect(),
        lists: pairs(&[
            ("no_penalty", "不予处罚清单"),
            ("lighter", "从轻处罚清单"),
            ("mitigated", "减轻处罚清单"),
            ("aggravated", "从重处罚清单"),
            ("statute", "法定情节"),
        ]),
        procedures: pairs(&[
            ("summary", "简易程序（第五十一条）"),
            ("hearing_notice", "告知听证（第六十三条）"),
            ("legal_review", "法制审核（第五十八条）"),
            ("collective_discussion", "集体讨论（第五十七条第二款）"),
        ]),
        not_applicable: pairs(&[
            ("party", "当事人不是本条规定的处罚对象"),
            ("branch", "案件事实属于本条的另一种情形"),
            ("before_enactment", "行为在本规定施行之前已经终了"),
            ("lawful", "依照规定属于合法行为"),
        ]),
        fine_positions: pairs(&[
            ("in_band", "在建议幅度内"),
            ("in_range_outside_band", "在法定幅度内、建议幅度外"),
            ("below_range", "低于法定最低罚款"),
            ("above_range", "高于法定最高罚款"),
        ]),
        requirements: pairs(&[
            ("written_reason", "书面说明理由（偏离说明）"),
            ("legal_review", "法制审核（第五十八条）"),
            ("collective_discussion", "集体讨论（第五十七条第二款）"),
        ]),
    }
}

/// The Chinese names of every code a decision or a review uses.
#[utoipa::path(
    get, path = "/vocabulary", tag = "violations",
    responses((status = 200, description = "{ outcomes, penalties, measures, lists, procedures, not_applicable, fine_positions, requirements }：各为 编码 → 中文名称", body = Object))
)]
pub async fn vocabulary() -> Json<&'static Vocabulary> {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    Json(VOCABULARY.get_or_init(build))
}
