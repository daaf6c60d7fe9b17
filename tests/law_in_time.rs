//! The law in time and across norms (Arts. 29, 36, 37 and the age rule), table-driven on both
//! sides of every boundary, plus property tests against plain reference implementations.

use caliper::decision::Flag;
use caliper::{Case, Decision, Outcome, Rules};
use proptest::prelude::*;
use serde_json::json;
use std::sync::LazyLock;

static SHIPPED: LazyLock<Rules> = LazyLock::new(|| Rules::embedded().expect("shipped rules load"));

/// A small rule set with a norm that changed twice and one that was repealed, on top of the
/// shipped facts and statutory provisions.
static VERSIONED: LazyLock<Rules> = LazyLock::new(|| {
    let files = vec![
        (
            "main.rules".to_string(),
            r#"
规则集 "版本测试" { 版本 "1" 施行 2020-01-01 }
包含 "facts.rules"
包含 "statute.rules"
法规 T "《测试条例》" {
    施行 2015-01-01
    违法行为 T-HEAVIER "新规定更重" {
        版本 2015-01-01 至 2020-08-31 { 依据 "《测试条例》（旧）第一条" 个人 { 罚款 ..200 } 单位 { 罚款 5000..50000 } }
        版本 2020-09-01 起 { 依据 "《测试条例》（新）第一条" 个人 { 罚款 100..500 } 单位 { 罚款 50000..500000 } }
    }
    违法行为 T-LIGHTER "新规定更轻" {
        版本 2015-01-01 至 2020-08-31 { 依据 "《测试条例》（旧）第二条" 罚款 1000..5000 }
        版本 2020-09-01 起 { 依据 "《测试条例》（新）第二条" 罚款 500..5000 }
    }
    违法行为 T-NEW "新设的违法行为" {
        版本 2020-09-01 起 首次施行 { 依据 "《测试条例》（新）第三条" 罚款 100..500 }
    }
    违法行为 T-UNENCODED "此前的文本未编入" {
        版本 2020-09-01 起 { 依据 "《测试条例》（新）第五条" 罚款 100..500 }
    }
    违法行为 T-MIXED "罚款降低但增加吊销" {
        版本 2015-01-01 至 2020-08-31 { 依据 "《测试条例》（旧）第六条" 罚款 1000..5000 }
        版本 2020-09-01 起 { 依据 "《测试条例》（新）第六条" 罚款 500..4000 吊销许可证件 }
    }
    违法行为 T-REPEALED "已废止" {
        依据 "《测试条例》第四条"
        罚款 200..1000
        废止 2023-01-01
    }
}
"#
            .to_string(),
        ),
        (
            "facts.rules".to_string(),
            include_str!("../rules/facts.rules").to_string(),
        ),
        (
            "statute.rules".to_string(),
            include_str!("../rules/statute.rules").to_string(),
        ),
    ];
    Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"))
});

/// An ordinary adult, no circumstances, all facts given.
fn adult(code: &str, act: &str, discovered: &str) -> Case {
    Case::new(code)
        .fact("party_type", "individual")
        .fact("age", 35)
        .fact("minor", false)
        .fact("harm", "general")
        .fact("corrected", false)
        .fact("first_offense", false)
        .fact("prior_penalties_12m", 0)
        .fact("violation_date", act)
        .fact("discovery_date", discovered)
}

fn fine(d: &Decision) -> String {
    d.fine.map_or_else(|| "none".into(), |f| f.to_string())
}

fn cites(d: &Decision, article: &str) -> bool {
    d.basis.iter().any(|b| b.contains(article))
}

/// (act, end of a continuing act, discovery, safety_related, harm, barred)
type LimitationRow = (
    &'static str,
    Option<&'static str>,
    &'static str,
    bool,
    &'static str,
    bool,
);

#[test]
fn limitation_ends_on_the_last_day_of_the_period() {
    // (act, end of a continuing act, discovery, safety_related, harm, barred)
    let table: &[LimitationRow] = &[
        ("2022-04-12", None, "2024-04-12", false, "general", false),
        ("2022-04-12", None, "2024-04-13", false, "general", true),
        ("2020-02-29", None, "2022-02-28", false, "general", false),
        ("2020-02-29", None, "2022-03-01", false, "general", true),
        // A continuing act: the period runs from its end.
        (
            "2021-03-01",
            Some("2022-01-10"),
            "2024-01-10",
            false,
            "general",
            false,
        ),
        (
            "2021-03-01",
            Some("2022-01-10"),
            "2024-01-11",
            false,
            "general",
            true,
        ),
        // Five years where life, health or financial safety is involved and there is harm.
        ("2020-05-01", None, "2025-05-01", true, "general", false),
        ("2020-05-01", None, "2025-05-02", true, "general", true),
        // ... but two years without harm.
        ("2020-05-01", None, "2022-05-02", true, "none", true),
        ("2020-05-01", None, "2022-05-01", true, "none", false),
    ];
    for &(act, end, discovered, safety, harm, barred) in table {
        let mut case = adult("XR-49-2", act, discovered)
            .fact("safety_related", safety)
            .fact("harm", harm)
            .fact("decision_date", discovered);
        if let Some(end) = end {
            case = case.fact("violation_end_date", end);
        }
        let d = SHIPPED.evaluate(&case).expect("valid case");
        let what =
            format!("act {act} end {end:?} discovered {discovered} safety {safety} harm {harm}");
        if barred {
            assert_eq!(d.outcome, Outcome::NoPenalty, "{what}");
            assert!(d.mandatory, "{what}");
            assert!(cites(&d, "第三十六条"), "{what}: {:?}", d.basis);
        } else {
            assert_ne!(d.outcome, Outcome::NoPenalty, "{what}");
            assert!(!cites(&d, "第三十六条"), "{what}");
        }
    }
}

#[test]
fn the_five_year_period_needs_the_harm_only_where_it_matters() {
    // Safety-related, harm unknown: discovered within two years is in time either way.
    let mut case = adult("XR-49-2", "2020-05-01", "2021-05-01").fact("safety_related", true);
    case.facts.shift_remove("harm");
    let d = SHIPPED.evaluate(&case).expect("valid case");
    assert!(!cites(&d, "第三十六条"));
    // Between two and five years it depends on the harm.
    let mut case = adult("XR-49-2", "2020-05-01", "2023-05-01").fact("safety_related", true);
    case.facts.shift_remove("harm");
    let d = SHIPPED.evaluate(&case).expect("valid case");
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert!(d.needs.iter().any(|n| &**n == "harm"));
}

#[test]
fn age_is_reached_the_day_after_the_birthday() {
    // (birth, act, outcome, fine)
    let table = [
        ("2010-06-18", "2024-06-18", Outcome::NoPenalty, "none"), // 13: under 14
        ("2010-06-18", "2024-06-19", Outcome::Lighter, "0..60"),  // 14
        ("2006-06-18", "2024-06-18", Outcome::Lighter, "0..60"),  // 17
        ("2006-06-18", "2024-06-19", Outcome::Standard, "60..140"), // 18
        ("2010-02-28", "2024-02-28", Outcome::NoPenalty, "none"),
        ("2010-02-28", "2024-02-29", Outcome::Lighter, "0..60"),
    ];
    for (birth, act, outcome, want) in table {
        let mut case = adult("XR-49-2", act, act).fact("birth_date", birth);
        case.facts.shift_remove("age");
        let d = SHIPPED.evaluate(&case).expect("valid case");
        assert_eq!(d.outcome, outcome, "born {birth}, act {act}");
        assert_eq!(fine(&d), want, "born {birth}, act {act}");
        assert!(d.mandatory);
    }
    // birth_date wins over age.
    let case = adult("XR-49-2", "2024-06-18", "2024-06-18")
        .fact("birth_date", "2010-06-18")
        .fact("age", 30);
    assert_eq!(
        SHIPPED.evaluate(&case).expect("valid").outcome,
        Outcome::NoPenalty
    );
}

#[test]
fn art_37_applies_the_old_law_unless_the_new_one_is_lighter() {
    // (code, act, decision, outcome, fine, version used, cites Art. 37)
    let table = [
        // The new law is heavier: the old one applies (individual ..200).
        (
            "T-HEAVIER",
            "2020-08-20",
            "2020-10-01",
            Outcome::Standard,
            "60..140",
            Some("2015-01-01"),
        ),
        // Committed under the new law.
        (
            "T-HEAVIER",
            "2020-09-01",
            "2020-10-01",
            Outcome::Standard,
            "220..380",
            Some("2020-09-01"),
        ),
        // The new law is lighter (same maximum, lower minimum): it applies.
        (
            "T-LIGHTER",
            "2020-08-31",
            "2020-10-01",
            Outcome::Standard,
            "1850..3650",
            Some("2020-09-01"),
        ),
        // Decided before the change: the law of the act.
        (
            "T-LIGHTER",
            "2020-08-01",
            "2020-08-31",
            Outcome::Standard,
            "2200..3800",
            Some("2015-01-01"),
        ),
        // The norm was first enacted after the act: the code does not apply (step 0).
        (
            "T-NEW",
            "2020-08-31",
            "2020-10-01",
            Outcome::NotApplicable,
            "none",
            None,
        ),
        // A lower fine with a revocation added is not lighter: the old law applies.
        (
            "T-MIXED",
            "2020-08-01",
            "2020-10-01",
            Outcome::Standard,
            "2200..3800",
            Some("2015-01-01"),
        ),
        // Repealed by the decision date.
        (
            "T-REPEALED",
            "2022-12-01",
            "2023-01-01",
            Outcome::NoPenalty,
            "none",
            Some("2015-01-01"),
        ),
        (
            "T-REPEALED",
            "2022-12-01",
            "2022-12-31",
            Outcome::Standard,
            "440..760",
            Some("2015-01-01"),
        ),
    ];
    for (code, act, decided, outcome, want, version) in table {
        let case = adult(code, act, act).fact("decision_date", decided);
        let d = VERSIONED.evaluate(&case).expect("valid case");
        let what = format!("{code} act {act} decided {decided}");
        assert_eq!(d.outcome, outcome, "{what}: {:#?}", d.trace.lines());
        assert_eq!(fine(&d), want, "{what}");
        assert_eq!(d.law.version.as_deref(), version, "{what}");
        if outcome == Outcome::NoPenalty {
            assert!(d.mandatory, "{what}");
            assert!(cites(&d, "第三十七条"), "{what}: {:?}", d.basis);
        }
    }
    // An act before the first enactment is no decision of no penalty: no Art. 38, no 教育.
    let d = VERSIONED
        .evaluate(&adult("T-NEW", "2020-08-31", "2020-08-31").fact("decision_date", "2020-10-01"))
        .expect("valid");
    assert!(!cites(&d, "第三十八条"));
    assert!(d.measures.is_empty());
    let na = d.not_applicable.expect("not_applicable");
    assert_eq!(
        serde_json::to_value(na.reason).expect("json"),
        "before_enactment"
    );
    // Before the earliest *encoded* text of a norm that existed earlier: an error, never a decision.
    let err = VERSIONED
        .evaluate(
            &adult("T-UNENCODED", "2020-08-31", "2020-08-31").fact("decision_date", "2020-10-01"),
        )
        .expect_err("not encoded");
    assert_eq!(err.code, "E0507");
    assert!(err.message.contains("T-UNENCODED") && err.message.contains("2020-09-01"));
    // A continuing act that began before the first enactment and ended after it is covered.
    let d = VERSIONED
        .evaluate(
            &adult("T-NEW", "2020-08-01", "2020-10-02")
                .fact("violation_end_date", "2020-10-01")
                .fact("decision_date", "2020-10-10"),
        )
        .expect("valid");
    assert_eq!(d.outcome, Outcome::Standard);
    assert_eq!(fine(&d), "220..380");
}

#[test]
fn art_29_follows_the_norm_with_the_higher_fine() {
    // XR-49-2 (unit 5000..50000, individual ..200) against XR-49-1 (20..100) and ZM-32
    // (individual 200..1000, unit 1000..30000).
    let table: &[(&[&str], &str, &str, usize)] = &[
        (&["XR-49-1", "XR-49-2"], "individual", "XR-49-2", 1), // ..200 beats 20..100
        (&["XR-49-2", "ZM-32"], "individual", "ZM-32", 1),     // 1000 beats 200
        (&["XR-49-2", "ZM-32"], "unit", "XR-49-2", 1),         // 50000 beats 30000
        (&["XR-49-1", "ZM-32", "XR-49-2"], "unit", "XR-49-2", 2),
        (&["XR-49-1", "ZM-32", "XR-49-2"], "individual", "ZM-32", 2),
    ];
    for &(codes, party, winner, others) in table {
        let mut case = adult("X", "2025-03-02", "2025-03-05")
            .fact("party_type", party)
            .fact("places", 3);
        case.violation = None;
        case.violations = Some(codes.iter().map(|c| c.to_string()).collect());
        let d = SHIPPED.evaluate(&case).expect("valid case");
        let what = format!("{codes:?} {party}");
        assert_eq!(&*d.violation, winner, "{what}");
        assert_eq!(d.concurrent.len(), others, "{what}");
        assert!(d.concurrent.iter().all(|c| c.fine.is_none()), "{what}");
        assert!(cites(&d, "第二十九条"), "{what}");
        assert!(d.fine.is_some(), "{what}");
    }
}

#[test]
fn already_fined_removes_every_fine() {
    // XR-45: warning + fine. The warning remains.
    let d = SHIPPED
        .evaluate(&adult("XR-45", "2025-03-02", "2025-03-05").fact("already_fined", true))
        .expect("valid");
    assert_eq!(d.fine, None);
    assert!(d.penalties.iter().all(|p| p.kind.code() != "fine"));
    assert!(!d.penalties.is_empty());
    assert!(cites(&d, "第二十九条"));
    assert!(d.fine_barred.is_some());
    // XR-49-1: only a fine. Art. 29 bars the second fine, not the decision: the outcome is the
    // computed one (不再罚款), never 不予处罚.
    let d = SHIPPED
        .evaluate(&adult("XR-49-1", "2025-03-02", "2025-03-05").fact("already_fined", true))
        .expect("valid");
    assert_eq!(d.outcome, Outcome::Standard);
    assert_eq!(d.fine, None);
    assert!(d.penalties.is_empty());
    let barred = d.fine_barred.as_ref().expect("fine_barred");
    assert_eq!(&*barred.reason, "already_fined");
    assert!(barred.basis.contains("第二十九条"));
    assert!(!d.measures.iter().any(|m| m.code() == "education"));
    // Without the fact, no bar.
    let d = SHIPPED
        .evaluate(&adult("XR-49-1", "2025-03-02", "2025-03-05"))
        .expect("valid");
    assert!(d.fine_barred.is_none());
    assert!(d.fine.is_some());
}

#[test]
fn dates_out_of_order_are_errors_of_the_case() {
    for (facts, at) in [
        (
            json!({"violation_date": "2025-03-05", "discovery_date": "2025-03-02"}),
            "facts.discovery_date",
        ),
        (
            json!({"discovery_date": "2025-03-05", "decision_date": "2025-03-04"}),
            "facts.decision_date",
        ),
        (
            json!({"violation_date": "2025-03-05", "violation_end_date": "2025-03-01"}),
            "facts.violation_end_date",
        ),
        (
            json!({"violation_date": "2025-02-30"}),
            "facts.violation_date",
        ),
    ] {
        let mut case = Case::new("XR-49-2");
        for (k, v) in facts.as_object().expect("object") {
            case.facts.insert(k.clone(), v.clone());
        }
        let e = SHIPPED
            .evaluate(&case)
            .expect_err("an error, not a decision");
        assert_eq!(e.at, at);
    }
}

/// The Civil Code's counting, written plainly: the corresponding date `years` later, or the last
/// day of that month where there is none.
fn reference_last_day(y: i16, m: i8, d: i8, years: i16) -> (i16, i8, i8) {
    let y2 = y + years;
    let leap = (y2 % 4 == 0 && y2 % 100 != 0) || y2 % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (y2, m, d.min(days))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn limitation_agrees_with_the_civil_code(
        y in 2018i16..2024, m in 1i8..=12, d in 1i8..=31,
        offset in 0i64..(6 * 366), safety in any::<bool>(), harmful in any::<bool>(),
    ) {
        let Ok(act) = jiff::civil::Date::new(y, m, d) else { return Ok(()) };
        let Ok(found) = act.checked_add(jiff::Span::new().days(offset)) else { return Ok(()) };
        let years = if safety && harmful { 5 } else { 2 };
        let (ly, lm, ld) = reference_last_day(y, m, d, years);
        let last = jiff::civil::Date::new(ly, lm, ld).expect("a real date");
        let barred = found > last;
        let case = adult("XR-49-2", &act.to_string(), &found.to_string())
            .fact("safety_related", safety)
            .fact("harm", if harmful { "general" } else { "none" })
            .fact("decision_date", found.to_string());
        let dec = SHIPPED.evaluate(&case).expect("valid case");
        prop_assert_eq!(cites(&dec, "第三十六条"), barred, "act {} found {} last {}", act, found, last);
        if barred {
            prop_assert_eq!(dec.outcome, Outcome::NoPenalty);
        }
    }

    #[test]
    fn the_chosen_norm_has_the_highest_maximum(
        picks in proptest::sample::subsequence(
            vec!["XR-49-1", "XR-49-2", "ZM-32", "XR-45", "XR-48", "XG-33-1", "JL-26", "XR-49-4", "XG-31"], 2..5),
        unit in any::<bool>(), area in 1u32..40, places in 0u32..5,
    ) {
        let mut case = adult("X", "2025-03-02", "2025-03-05")
            .fact("party_type", if unit { "unit" } else { "individual" })
            .fact("area_m2", area)
            .fact("places", places);
        case.violation = None;
        case.violations = Some(picks.iter().map(|c| c.to_string()).collect());
        let d = SHIPPED.evaluate(&case).expect("valid case");
        // The statutory maximum of each norm alone, for this party and these facts.
        let max_of = |code: &str| {
            let mut single = case.clone();
            single.violations = None;
            single.violation = Some(code.to_string());
            let alone = SHIPPED.evaluate(&single).expect("valid");
            alone.statutory.map(|f| f.max)
        };
        let chosen = max_of(&d.violation);
        prop_assert_eq!(d.statutory.map(|f| f.max), chosen);
        for c in &d.concurrent {
            prop_assert!(max_of(&c.violation) <= chosen || chosen.is_none() && max_of(&c.violation).is_none(),
                "chose {} over {}", d.violation, c.violation);
        }
    }
}

/// (code, party, extra facts, summary, hearing notice, legal review)
type ProcedureRow = (
    &'static str,
    &'static str,
    serde_json::Value,
    bool,
    bool,
    bool,
);

#[test]
fn procedure_follows_the_outcome() {
    let table: Vec<ProcedureRow> = vec![
        // Art. 51: a fine whose whole range is at most 200 yuan for an individual.
        ("XR-49-1", "individual", json!({}), true, false, false), // 44..76
        ("XR-45", "individual", json!({}), false, false, false),  // warning + 185..365
        // ... and at most 3,000 yuan for a unit.
        ("XR-45", "unit", json!({}), true, false, false), // warning + 185..365
        ("JL-26", "unit", json!({}), false, false, false), // 18500..36500
        // Confiscating illegal income is more than a warning or a fine.
        (
            "XR-49-1",
            "individual",
            json!({"illegal_income": 50}),
            false,
            false,
            false,
        ),
        // Art. 63 names revoking a licence: a hearing notice, and so legal review (Art. 58).
        (
            "PS-50-2",
            "unit",
            json!({"harm": "serious"}),
            false,
            true,
            true,
        ),
        // No penalty: no procedure.
        (
            "XR-42",
            "individual",
            json!({"corrected": true}),
            false,
            false,
            false,
        ),
    ];
    for (code, party, extra, summary, hearing, review) in table {
        let mut case = adult(code, "2025-03-02", "2025-03-05").fact("party_type", party);
        for (k, v) in extra.as_object().expect("object") {
            case.facts.insert(k.clone(), v.clone());
        }
        let d = SHIPPED.evaluate(&case).expect("valid case");
        let p = d.procedure;
        assert_eq!(
            (p.summary, p.hearing_notice, p.legal_review),
            (summary, Flag::from_bool(hearing), Flag::from_bool(review)),
            "{code} {party} {extra}: {:?} {:?}",
            d.outcome,
            d.fine
        );
    }
}

#[test]
fn hearing_and_review_thresholds_are_the_rule_sets() {
    let files = vec![
        (
            "main.rules".to_string(),
            r#"
规则集 "程序测试" {
    版本 "1"
    施行 2020-01-01
    参数 {
        听证 个人 1000 单位 10000
        法制审核 个人 500 单位 5000
    }
}
包含 "facts.rules"
包含 "statute.rules"
违法行为 T-1 "测试" { 依据 "《测试条例》第一条" 罚款 200..2000 }
"#
            .to_string(),
        ),
        (
            "facts.rules".to_string(),
            include_str!("../rules/facts.rules").to_string(),
        ),
        (
            "statute.rules".to_string(),
            include_str!("../rules/statute.rules").to_string(),
        ),
    ];
    let rules = Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"));
    // (party, facts, fine, hearing, review): standard 740..1460, aggravated 1460..2000.
    let at = |n: i64| Flag::IfFineAtLeast(n.into());
    for (party, aggravated, hearing, review) in [
        // 740..1460 straddles 1000: a hearing notice if the fine reaches 1000; review at 740 >= 500.
        ("individual", false, at(1000), Flag::Yes),
        ("unit", false, Flag::No, Flag::No), // max 1460 < 5000
        ("unit", true, Flag::No, Flag::No),  // max 2000 < 5000
    ] {
        let case = adult("T-1", "2025-03-02", "2025-03-05")
            .fact("party_type", party)
            .fact("obstructed", aggravated);
        let d = rules.evaluate(&case).expect("valid");
        let p = d.procedure;
        assert_eq!(
            (p.hearing_notice, p.legal_review),
            (hearing, review),
            "{party} {aggravated}: {:?}",
            d.fine
        );
    }
    // Legal review alone, below the hearing threshold.
    let case = adult("T-1", "2025-03-02", "2025-03-05")
        .fact("party_type", "individual")
        .fact("eliminated_harm", true); // lighter 200..740
    let d = rules.evaluate(&case).expect("valid");
    assert_eq!(
        (d.procedure.hearing_notice, d.procedure.legal_review),
        (Flag::No, at(500)), // 200..740 straddles 500
        "{:?}",
        d.fine
    );
}
