//! `caliper publish`: the published document, as Markdown and HTML, from the same rules the engine
//! evaluates (Art. 34). Snapshots are what a citizen reads; the assertions pin the numbers.

use caliper::Rules;
use caliper::publish::{Format, publish};

fn sample() -> Rules {
    Rules::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/publish"
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn markdown_states_penalties_bands_and_lists() {
    let md = publish(&sample(), Format::Markdown);
    // Statutory penalty in words, with the article's own condition.
    assert!(md.contains("警告，逾期未改正的，罚款200元以下"), "{md}");
    // Bands in yuan for ..200: lighter 0–60, standard 60–140, aggravated 140–200.
    assert!(md.contains("| 0–60 | 60–140 | 140–200 |"), "{md}");
    // Per unit: 50..100 per m² → 50–65, 65–85, 85–100, mitigated 0–50.
    assert!(
        md.contains("元/平方米 | 50–65 | 65–85 | 85–100 | 0–50 |"),
        "{md}"
    );
    // Multiples: 1..3 × cost → 1–1.6, 1.6–2.4, 2.4–3.
    assert!(md.contains("| 1–1.6 | 1.6–2.4 | 2.4–3 |"), "{md}");
    // Both versions, newest first, with their periods.
    let new = md.find("2022-01-01 起").expect("new version");
    let old = md.find("2020-01-01 至 2021-12-31").expect("old version");
    assert!(new < old);
    // Conditions in words, modality and sources.
    assert!(
        md.contains("初次违法，且面积不超过5平方米，且及时改正"),
        "{md}"
    );
    assert!(md.contains("可以不予处罚"));
    assert!(md.contains("来源：改编自某地公布的清单（样例）"));
    assert!(md.contains("全部违法行为（YL-2 除外）"));
    // An entry's own mitigated range.
    assert!(
        md.contains("可以减轻处罚（罚款：公民500元以下，法人或者其他组织1000元以下）"),
        "{md}"
    );
    insta::assert_snapshot!("publish_markdown", md);
}

#[test]
fn html_is_self_contained_and_printable() {
    let html = publish(&sample(), Format::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("@page { size: A4"));
    // No external assets: no links, scripts or images from anywhere.
    for forbidden in ["http://", "https://", "<script", "<link", "<img", "@import"] {
        assert!(!html.contains(forbidden), "found {forbidden}");
    }
    // A table of contents pointing at each regulation.
    assert!(html.contains("<a href=\"#reg-0\">《样例条例》</a>"));
    assert!(html.contains("<section id=\"reg-0\">"));
    // Text is escaped.
    assert!(!html.contains("<样例"));
    insta::assert_snapshot!("publish_html", html);
}

#[test]
fn the_shipped_rules_publish_every_violation() {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let md = publish(&rules, Format::Markdown);
    for v in &rules.model().violations {
        assert!(
            md.contains(&format!("### {} ", v.code)),
            "{} missing",
            v.code
        );
    }
    for e in &rules.model().entries {
        assert!(md.contains(&*e.id), "{} missing", e.id);
    }
    assert!(md.contains("非任何行政机关的正式文件"));
}

/// The published band of a multiple is the engine's: DL-40 (工程造价2%以下) is 0–0.006 / 0.006–0.014
/// / 0.014–0.02 of the cost, as a decision on a cost of 1,000,000 gives 6000..14000 for standard.
#[test]
fn published_multiples_are_the_engines_figures() {
    let rules = Rules::embedded().expect("shipped rules");
    let md = publish(&rules, Format::Markdown);
    assert!(
        md.contains("| 倍（工程造价） | 0–0.006 | 0.006–0.014 | 0.014–0.02 |"),
        "{}",
        &md[md.find("DL-40").unwrap_or(0)..][..600.min(md.len())]
    );
    let case = caliper::Case::new("DL-40")
        .fact("party_type", "unit")
        .fact("minor", false)
        .fact("harm", "general")
        .fact("corrected", false)
        .fact("first_offense", false)
        .fact("prior_penalties_12m", 0)
        .fact("project_cost", 1_000_000)
        .fact("violation_date", "2025-03-02")
        .fact("discovery_date", "2025-03-05");
    let d = rules.evaluate(&case).expect("valid");
    assert_eq!(
        d.fine.map(|f| f.to_string()).as_deref(),
        Some("6000..14000")
    );
}

/// Where a higher-rank norm punishes the same act, the published list says which norm governs.
#[test]
fn published_violations_name_the_norm_that_governs() {
    let rules = Rules::embedded().expect("shipped rules");
    let md = publish(&rules, Format::Markdown);
    let xr43 = &md[md.find("### XR-43").expect("XR-43")..];
    let xr43 = &xr43[..xr43.find("\n### ").unwrap_or(xr43.len())];
    assert!(
        xr43.contains("上位法：** 同时是 DQ-118-3") && xr43.contains("从其规定"),
        "{xr43}"
    );
    let sh42 = &md[md.find("### SH-42").expect("SH-42")..];
    let sh42 = &sh42[..sh42.find("\n### ").unwrap_or(sh42.len())];
    assert!(
        sh42.contains("GF-111-1") && sh42.contains("第二十九条"),
        "{sh42}"
    );
    // A violation without a higher norm says nothing of one.
    let xr42 = &md[md.find("### XR-42").expect("XR-42")..];
    let xr42 = &xr42[..xr42.find("\n### ").unwrap_or(xr42.len())];
    assert!(!xr42.contains("上位法"), "{xr42}");
}
