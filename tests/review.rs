//! Reviewing a proposed decision (偏离审查) on the shipped rules: each rule of the review with a
//! case on each side of it. The bands are the hand calculations of `docs/evaluation.md`.

use caliper::decision::Flag;
use caliper::review::{FinePosition, Requirement};
use caliper::{Case, Proposed, Reviewed, Rules};
use rust_decimal::Decimal;
use std::sync::LazyLock;

static SHIPPED: LazyLock<Rules> = LazyLock::new(|| Rules::embedded().expect("shipped rules"));

fn adult(code: &str, party: &str) -> Case {
    Case::new(code)
        .fact("party_type", party)
        .fact("age", 35)
        .fact("minor", false)
        .fact("harm", "general")
        .fact("corrected", false)
        .fact("first_offense", false)
        .fact("prior_penalties_12m", 0)
        .fact("violation_date", "2025-03-02")
        .fact("discovery_date", "2025-03-05")
}

fn fine(n: i64) -> Proposed {
    Proposed {
        fine: Some(Decimal::from(n)),
        ..Proposed::default()
    }
}

fn review(case: &Case, p: &Proposed) -> Reviewed {
    SHIPPED.review(case, p).expect("a valid case")
}

#[test]
fn a_fine_in_the_band_needs_nothing_more() {
    // XR-49-2, individual: ..200, standard 60..140.
    let r = review(&adult("XR-49-2", "individual"), &fine(100));
    assert_eq!(r.review.fine_position, Some(FinePosition::InBand));
    assert!(r.review.lawful);
    assert!(!r.review.departs);
    assert!(r.review.requires.is_empty());
    assert!(r.review.procedure.summary, "100 yuan for an individual");
    // Both ends of the band are in it.
    for n in [60, 140] {
        let r = review(&adult("XR-49-2", "individual"), &fine(n));
        assert_eq!(r.review.fine_position, Some(FinePosition::InBand), "{n}");
    }
}

#[test]
fn a_fine_outside_the_band_needs_a_written_reason() {
    for n in [59, 141, 200] {
        let r = review(&adult("XR-49-2", "individual"), &fine(n));
        assert_eq!(
            r.review.fine_position,
            Some(FinePosition::InRangeOutsideBand),
            "{n}"
        );
        assert!(r.review.lawful, "{n}");
        assert!(r.review.departs, "{n}");
        assert_eq!(r.review.requires, vec![Requirement::WrittenReason], "{n}");
        assert!(r.review.findings[0].contains("60 元至 140 元"), "{n}");
    }
}

#[test]
fn a_fine_above_the_statutory_maximum_is_unlawful() {
    let r = review(&adult("XR-49-2", "individual"), &fine(201));
    assert_eq!(r.review.fine_position, Some(FinePosition::AboveRange));
    assert!(!r.review.lawful);
    assert!(r.review.findings.iter().any(|f| f.contains("第三十八条")));
    assert!(
        !r.review.procedure.summary,
        "201 yuan is over Art. 51's 200"
    );
}

#[test]
fn below_the_minimum_only_with_a_mitigating_ground() {
    // JL-26, unit: 5000..50000, no circumstance: below 5000 is unlawful.
    let r = review(&adult("JL-26", "unit"), &fine(4000));
    assert_eq!(r.review.fine_position, Some(FinePosition::BelowRange));
    assert!(!r.review.lawful);
    // With Art. 32(1) (应当从轻或者减轻), 减轻 is one of the lawful outcomes.
    let case = adult("JL-26", "unit").fact("eliminated_harm", true);
    let r = review(&case, &fine(4000));
    assert_eq!(r.review.fine_position, Some(FinePosition::BelowRange));
    assert!(r.review.lawful, "{:?}", r.review.findings);
    assert!(r.review.requires.contains(&Requirement::WrittenReason));
    assert!(r.review.requires.contains(&Requirement::LegalReview));
}

#[test]
fn the_procedure_follows_the_exact_fine() {
    // XR-49-2, unit: 5000..50000. Henan: a hearing notice from 50,000 yuan for a unit.
    let r = review(&adult("XR-49-2", "unit"), &fine(50000));
    assert_eq!(r.review.procedure.hearing_notice, Flag::Yes);
    assert_eq!(r.review.procedure.legal_review, Flag::Yes);
    let r = review(&adult("XR-49-2", "unit"), &fine(49999));
    assert_eq!(r.review.procedure.hearing_notice, Flag::No);
    assert_eq!(r.review.procedure.legal_review, Flag::No);
    // The recommendation itself, aggravated 36500..50000, straddles it.
    let case = adult("XR-49-2", "unit").fact("obstructed", true);
    let d = SHIPPED.evaluate(&case).expect("valid");
    assert_eq!(
        d.procedure.hearing_notice,
        Flag::IfFineAtLeast(Decimal::from(50000))
    );
    let json = serde_json::to_value(d.procedure).expect("json");
    assert_eq!(json["hearing_notice"]["if_fine_at_least"], 50000);
    // An individual: 5,000 yuan and above.
    let r = review(&adult("JL-26", "individual"), &fine(5000));
    assert_eq!(r.review.procedure.hearing_notice, Flag::Yes);
    let r = review(&adult("JL-26", "individual"), &fine(4999));
    assert_eq!(r.review.procedure.hearing_notice, Flag::No);
}

#[test]
fn a_kind_the_article_does_not_list_is_unlawful() {
    let p = Proposed {
        fine: Some(Decimal::from(100)),
        penalties: Some(vec![caliper::model::PenaltyKind::RevokeLicense]),
        ..Proposed::default()
    };
    let r = review(&adult("XR-49-2", "individual"), &p);
    assert!(!r.review.lawful);
    assert!(r.review.findings.iter().any(|f| f.contains("吊销许可证件")));
    assert_eq!(r.review.procedure.hearing_notice, Flag::Yes, "Art. 63 kind");
    // The fine alone is listed.
    let r = review(&adult("XR-49-2", "individual"), &fine(100));
    assert!(r.review.lawful);
}

#[test]
fn no_penalty_shall_admits_no_penalty() {
    // Under 14: 应当不予处罚 (Art. 30).
    let case = adult("XR-49-2", "individual").fact("age", 13);
    let r = review(&case, &fine(50));
    assert!(!r.review.lawful);
    assert!(r.review.findings[0].contains("应当不予处罚"));
    // Proposing nothing is what the law requires.
    let r = review(&case, &Proposed::default());
    assert!(r.review.lawful, "{:?}", r.review.findings);
    assert!(r.review.fine_position.is_none());
}

#[test]
fn a_heavier_outcome_than_a_shall_mitigation_is_unlawful() {
    // 14 to under 18: 应当从轻或者减轻 (Art. 30).
    let case = adult("XR-49-2", "individual").fact("age", 16);
    let heavier = Proposed {
        outcome: Some(caliper::Outcome::Standard),
        fine: Some(Decimal::from(100)),
        ..Proposed::default()
    };
    let r = review(&case, &heavier);
    assert!(!r.review.lawful);
    assert!(r.review.departs);
    // The recommended outcome with a fine in its band is lawful.
    let d = SHIPPED.evaluate(&case).expect("valid");
    let band = d.fine.expect("a fine band");
    let r = review(
        &case,
        &Proposed {
            outcome: Some(d.outcome),
            fine: Some(band.max),
            ..Proposed::default()
        },
    );
    assert!(r.review.lawful, "{:?}", r.review.findings);
    assert!(!r.review.departs);
}

#[test]
fn a_second_fine_is_barred() {
    let case = adult("XR-49-1", "individual").fact("already_fined", true);
    let r = review(&case, &fine(50));
    assert!(!r.review.lawful);
    assert!(r.review.findings[0].contains("第二十九条"));
    let r = review(&case, &Proposed::default());
    assert!(r.review.lawful);
}

#[test]
fn the_json_path_reads_both_request_shapes_and_errors_are_documents() {
    let flat = r#"{"violation":"XR-49-2","facts":{"party_type":"individual","age":35,"minor":false,"harm":"general","corrected":false,"first_offense":false,"prior_penalties_12m":0,"violation_date":"2025-03-02","discovery_date":"2025-03-05"},"proposed":{"fine":150}}"#;
    let nested = r#"{"case":{"violation":"XR-49-2","facts":{"party_type":"individual","age":35,"minor":false,"harm":"general","corrected":false,"first_offense":false,"prior_penalties_12m":0,"violation_date":"2025-03-02","discovery_date":"2025-03-05"}},"proposed":{"fine":150}}"#;
    let a: serde_json::Value = serde_json::from_str(&SHIPPED.review_json(flat)).expect("json");
    let b: serde_json::Value = serde_json::from_str(&SHIPPED.review_json(nested)).expect("json");
    assert_eq!(a, b);
    assert_eq!(a["review"]["fine_position"], "in_range_outside_band");
    assert_eq!(a["review"]["requires"][0], "written_reason");
    assert_eq!(a["decision"]["outcome"], "standard");
    // No proposal, a bad proposal, a bad case: error documents, never a review.
    for bad in [
        r#"{"violation":"XR-49-2","facts":{}}"#,
        r#"{"violation":"XR-49-2","facts":{},"proposed":{"fine":"many"}}"#,
        r#"{"violation":"XR-49-2","facts":{"volum_m3":1},"proposed":{"fine":1}}"#,
        "not json",
    ] {
        let out: serde_json::Value = serde_json::from_str(&SHIPPED.review_json(bad)).expect("json");
        assert!(out["error"]["code"].is_string(), "{bad}: {out}");
        assert!(out.get("review").is_none(), "{bad}");
    }
}

#[test]
fn the_review_document_is_what_the_cli_prints() {
    let r = review(&adult("XR-49-2", "individual"), &fine(150));
    insta::assert_json_snapshot!(r.review, @r#"
    {
      "fine_position": "in_range_outside_band",
      "lawful": true,
      "departs": true,
      "requires": [
        "written_reason"
      ],
      "procedure": {
        "summary": true,
        "hearing_notice": false,
        "legal_review": false
      },
      "findings": [
        "罚款 150 元在法定幅度 0 元至 200 元内，但不在建议幅度 60 元至 140 元 内：须书面说明理由"
      ]
    }
    "#);
}

#[test]
fn two_statutory_commands_require_collective_discussion() {
    let case = adult("XR-49-2", "individual")
        .fact("age", 16)
        .fact("emergency", true);
    let r = review(&case, &fine(100));
    assert!(r.review.lawful);
    assert!(
        r.review
            .requires
            .contains(&Requirement::CollectiveDiscussion)
    );
    assert!(r.review.requires.contains(&Requirement::LegalReview));
    assert!(r.review.procedure.collective_discussion);
    // One command alone needs neither.
    let r = review(&adult("XR-49-2", "individual").fact("age", 16), &fine(50));
    assert!(
        !r.review
            .requires
            .contains(&Requirement::CollectiveDiscussion)
    );
}
