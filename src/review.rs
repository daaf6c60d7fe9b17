//! Reviewing a proposed decision (偏离审查): given a case and the outcome, fine and penalty kinds an
//! officer proposes, say where the fine lies against the recommended band and the statutory range,
//! whether the proposal is lawful, what a departure requires, and the procedure that follows
//! exactly from that fine. What a 法制审核 reviewer checks by hand (`docs/evaluation.md`).

use crate::decision::{Decision, FineRange, Flag, Outcome, PenaltyOut, Procedure};
use crate::eval::law;
use crate::model::{PenaltyKind, RuleSet};
use crate::syntax::ast::Party;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What the officer proposes: the contract's `proposed` (or a record's `final`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposed {
    /// The outcome the officer proposes; omitted: the engine's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The fine in yuan; omitted or null: no fine.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::arbitrary_precision_option"
    )]
    pub fine: Option<Decimal>,
    /// The kinds of penalty; omitted: a fine if `fine` is given, else none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalties: Option<Vec<PenaltyKind>>,
}

impl Proposed {
    /// The kinds proposed: as given, with the fine counted where an amount is given.
    pub fn kinds(&self) -> Vec<PenaltyKind> {
        let mut kinds = self.penalties.clone().unwrap_or_default();
        if self.fine.is_some_and(|f| f > Decimal::ZERO) && !kinds.contains(&PenaltyKind::Fine) {
            kinds.push(PenaltyKind::Fine);
        }
        kinds
    }
}

/// Where a proposed fine lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinePosition {
    /// In the recommended band (or in the band of a lawful alternative).
    InBand,
    /// In the statutory range, outside the recommended band.
    InRangeOutsideBand,
    /// Below the statutory minimum: lawful only with a 减轻 ground.
    BelowRange,
    /// Above the statutory maximum: never lawful.
    AboveRange,
}

/// What a departure from the recommendation requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// A written reason in the file (偏离说明).
    WrittenReason,
    /// Legal review before the decision (法制审核, Art. 58).
    LegalReview,
    /// Collective discussion by the authority's heads (集体讨论, Art. 57 para 2).
    CollectiveDiscussion,
}

/// The review of a proposed decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// Where the proposed fine lies; null where no fine is proposed.
    pub fine_position: Option<FinePosition>,
    /// Whether the proposal stays within the law (range, kinds, 应当 outcomes).
    pub lawful: bool,
    /// Whether the proposal departs from the recommendation (another outcome, a fine outside the
    /// band, other kinds): a reason is then required.
    pub departs: bool,
    /// What the proposal requires.
    pub requires: Vec<Requirement>,
    /// The procedure that follows exactly from the proposed fine and kinds.
    pub procedure: Procedure,
    /// The findings, in Chinese, each citing its basis.
    pub findings: Vec<String>,
}

/// The answer to a review request: the engine's decision and the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reviewed {
    /// The engine's decision for the case.
    pub decision: Decision,
    /// The review of the proposal.
    pub review: Review,
}

/// Art. 38: a penalty without a basis is void.
const ART_38: &str = "《中华人民共和国行政处罚法》第三十八条";
/// Art. 32: lighter or mitigated penalties.
const ART_32: &str = "《中华人民共和国行政处罚法》第三十二条";
/// Art. 58: legal review.
const ART_58: &str = "《中华人民共和国行政处罚法》第五十八条";

/// Reviews a proposal against the decision the engine made for the same case.
pub(crate) fn review(
    rules: &RuleSet,
    violation: u32,
    party: Option<Party>,
    d: &Decision,
    p: &Proposed,
) -> Review {
    let mut r = Review {
        fine_position: None,
        lawful: true,
        departs: false,
        requires: Vec::new(),
        procedure: Procedure::default(),
        findings: Vec::new(),
    };
    let kinds = p.kinds();
    // Without a stated outcome, a fine below the statutory minimum is a 减轻 (mitigated) one.
    let below =
        matches!((p.fine, d.statutory), (Some(f), Some(s)) if f > Decimal::ZERO && f < s.min);
    let outcome = p
        .outcome
        .unwrap_or(if below { Outcome::Mitigated } else { d.outcome });
    let basis = d.basis.first().map_or("", |b| &**b);

    if d.outcome == Outcome::Undetermined {
        let needs: Vec<&str> = d.needs.iter().map(|n| &**n).collect();
        r.findings.push(format!(
            "建议结果待定，缺少事实：{}；补齐事实后才能确定建议幅度，下面只对照法定幅度审查",
            needs.join("、")
        ));
    }
    review_outcome(&mut r, d, outcome, &kinds);
    review_fine(&mut r, d, p.fine, &kinds, basis);
    review_kinds(&mut r, rules, violation, party, d, outcome, &kinds);

    // The exact procedure for this fine and these kinds.
    if let Some(party) = party {
        let penalties: Vec<PenaltyOut> = kinds
            .iter()
            .map(|&kind| PenaltyOut {
                kind,
                discretionary: false,
                alternatives: Vec::new(),
                amount: d
                    .penalties
                    .iter()
                    .find(|q| q.kind == kind)
                    .and_then(|q| q.amount),
            })
            .collect();
        let fine = p
            .fine
            .filter(|f| *f > Decimal::ZERO)
            .map(|f| FineRange { min: f, max: f });
        r.procedure =
            crate::eval::procedure_flags(rules, party, !kinds.is_empty(), fine, &penalties);
    } else {
        r.findings
            .push("案件未写明当事人类型（party_type），无法确定程序".to_string());
    }
    if d.procedure.collective_discussion {
        push(&mut r.requires, Requirement::LegalReview);
        push(&mut r.requires, Requirement::CollectiveDiscussion);
        r.procedure.legal_review = Flag::Yes;
        r.procedure.collective_discussion = true;
        r.findings.push(format!(
            "法律规定应当从轻或者减轻与应当从重的情节并存：须法制审核并由行政机关负责人集体讨论决定（依据：{ART_58}、《中华人民共和国行政处罚法》第五十七条第二款）"
        ));
    } else if r.procedure.legal_review == Flag::Yes
        && !r.requires.contains(&Requirement::LegalReview)
    {
        r.findings
            .push(format!("拟作出的处罚须经法制审核（依据：{ART_58}）"));
    }
    r
}

/// The proposed outcome against the recommended one and its lawful alternatives.
fn review_outcome(r: &mut Review, d: &Decision, outcome: Outcome, kinds: &[PenaltyKind]) {
    let punishes = !kinds.is_empty();
    if d.outcome == Outcome::NoPenalty && d.mandatory && punishes {
        r.lawful = false;
        r.findings.push(format!(
            "依法应当不予处罚，不得给予处罚（依据：{}）",
            d.basis.iter().map(|b| &**b).collect::<Vec<_>>().join("、")
        ));
        return;
    }
    if d.outcome == Outcome::Undetermined || outcome == d.outcome {
        return;
    }
    if d.alternatives.iter().any(|a| a.outcome == outcome) {
        r.findings.push(format!(
            "拟作出{}：是本案可以选择的结果（建议为{}）",
            outcome.zh(),
            d.outcome.zh()
        ));
        return;
    }
    r.departs = true;
    push(&mut r.requires, Requirement::WrittenReason);
    // A statutory 应当从轻/减轻 or 应当不予处罚 is a floor the officer may not go above.
    if d.mandatory && d.outcome < Outcome::Standard && outcome > d.outcome {
        r.lawful = false;
        r.findings.push(format!(
            "建议结果是应当{}，拟作出的{}重于法律的要求（依据：{}）",
            d.outcome.zh(),
            outcome.zh(),
            d.basis.iter().map(|b| &**b).collect::<Vec<_>>().join("、")
        ));
    } else {
        r.findings.push(format!(
            "拟作出{}，与建议的{}不同：须书面说明理由",
            outcome.zh(),
            d.outcome.zh()
        ));
    }
}

/// The proposed fine against the band, the alternatives' bands and the statutory range.
fn review_fine(
    r: &mut Review,
    d: &Decision,
    fine: Option<Decimal>,
    kinds: &[PenaltyKind],
    basis: &str,
) {
    let Some(f) = fine.filter(|f| *f > Decimal::ZERO) else {
        if kinds.contains(&PenaltyKind::Fine) {
            r.findings
                .push("拟处罚款，但未写明金额：无法审查罚款".to_string());
        }
        return;
    };
    let yuan = |d: Decimal| d.normalize().to_string();
    if let Some(barred) = &d.fine_barred {
        r.lawful = false;
        r.findings.push(format!(
            "同一违法行为已被处以罚款，不得再次罚款（依据：{}）",
            barred.basis
        ));
        return;
    }
    let Some(s) = d.statutory else {
        r.lawful = false;
        r.findings.push(format!(
            "处罚依据{basis}对本案当事人没有规定罚款：没有依据的处罚无效（依据：{ART_38}）"
        ));
        return;
    };
    let within = |b: &FineRange| b.min <= f && f <= b.max;
    let in_band = d.fine.as_ref().is_some_and(within)
        || d.alternatives
            .iter()
            .filter_map(|a| a.fine.as_ref())
            .any(within);
    let position = if f > s.max {
        FinePosition::AboveRange
    } else if f < s.min {
        FinePosition::BelowRange
    } else if in_band {
        FinePosition::InBand
    } else {
        FinePosition::InRangeOutsideBand
    };
    r.fine_position = Some(position);
    match position {
        FinePosition::InBand => {}
        FinePosition::InRangeOutsideBand => {
            r.departs = true;
            push(&mut r.requires, Requirement::WrittenReason);
            let band = d.fine.map_or_else(
                || "（无建议幅度）".to_string(),
                |b| format!("{} 元至 {} 元", yuan(b.min), yuan(b.max)),
            );
            r.findings.push(format!(
                "罚款 {} 元在法定幅度 {} 元至 {} 元内，但不在建议幅度 {band} 内：须书面说明理由",
                yuan(f),
                yuan(s.min),
                yuan(s.max)
            ));
        }
        FinePosition::BelowRange => {
            r.departs = true;
            push(&mut r.requires, Requirement::WrittenReason);
            let ground = d.outcome == Outcome::Mitigated
                || d.alternatives
                    .iter()
                    .any(|a| a.outcome == Outcome::Mitigated);
            if ground {
                push(&mut r.requires, Requirement::LegalReview);
                r.findings.push(format!(
                    "罚款 {} 元低于法定最低额 {} 元，属减轻处罚，本案有减轻情节：须书面说明理由并经法制审核（依据：{ART_32}、{ART_58}）",
                    yuan(f),
                    yuan(s.min)
                ));
            } else {
                r.lawful = false;
                r.findings.push(format!(
                    "罚款 {} 元低于法定最低额 {} 元，本案没有减轻处罚的情节（依据：{ART_32}、{basis}）",
                    yuan(f),
                    yuan(s.min)
                ));
            }
        }
        FinePosition::AboveRange => {
            r.departs = true;
            r.lawful = false;
            r.findings.push(format!(
                "罚款 {} 元超过法定最高额 {} 元（依据：{basis}、{ART_38}）",
                yuan(f),
                yuan(s.max)
            ));
        }
    }
}

/// The proposed kinds against what the article lists and what it requires.
fn review_kinds(
    r: &mut Review,
    rules: &RuleSet,
    violation: u32,
    party: Option<Party>,
    d: &Decision,
    outcome: Outcome,
    kinds: &[PenaltyKind],
) {
    let Some(party) = party else { return };
    let Some(v) = rules.violations.get(violation as usize) else {
        return;
    };
    let version = v
        .versions
        .iter()
        .find(|ver| ver.label == d.law.version)
        .unwrap_or_else(|| v.current());
    let listed = version.penalties.kinds(party);
    for k in kinds {
        // Art. 28: illegal income is confiscated whatever the article lists.
        if *k != PenaltyKind::ConfiscateIncome && !listed.contains(k) {
            r.lawful = false;
            r.departs = true;
            r.findings.push(format!(
                "处罚依据{}没有规定“{}”：没有依据的处罚无效（依据：{ART_38}）",
                version.basis,
                k.zh()
            ));
        }
    }
    // What the article requires (并处, not 可以) and the officer left out. 减轻 may drop a kind.
    if matches!(
        outcome,
        Outcome::NoPenalty | Outcome::Mitigated | Outcome::Undetermined
    ) || d.fine_barred.is_some()
    {
        return;
    }
    for q in &d.penalties {
        let chosen = kinds.contains(&q.kind) || q.alternatives.iter().any(|a| kinds.contains(a));
        if !q.discretionary && !chosen {
            r.lawful = false;
            r.departs = true;
            r.findings.push(format!(
                "未给予依法应当给予的“{}”（依据：{}）",
                q.kind.zh(),
                if q.kind == PenaltyKind::ConfiscateIncome {
                    law::ART_28_2
                } else {
                    &version.basis
                }
            ));
        }
    }
}

fn push(v: &mut Vec<Requirement>, r: Requirement) {
    if !v.contains(&r) {
        v.push(r);
    }
}
