//! Rule sets that build on another (`基于`) and refine its violations (`细化`): the county example
//! of `examples/dengfeng` decides with the county's figures and publishes them, the shipped rule
//! set is unchanged, a base in a directory keeps its files' names, and the legality finding
//! L0420 comes with a case that the engine decides as the finding says.

use caliper::Rules;
use caliper::diag::Code;
use caliper::publish::{Format, publish};
use serde_json::{Value, json};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn dengfeng() -> Rules {
    Rules::load(root().join("examples/dengfeng")).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> std::path::PathBuf {
    root().join("tests/fixtures").join(name)
}

/// A standard case of a violation with these facts added.
fn case(violation: &str, party: &str, extra: Value) -> Value {
    let mut facts = json!({
        "party_type": party, "age": 40, "minor": false, "harm": "general", "corrected": false,
        "first_offense": false, "prior_penalties_12m": 0,
        "violation_date": "2025-03-02", "discovery_date": "2025-03-05"
    });
    if let (Some(f), Some(x)) = (facts.as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            f.insert(k.clone(), v.clone());
        }
    }
    json!({ "violation": violation, "facts": facts })
}

/// The decision's outcome and fine range as "lo..hi".
fn decide(rules: &Rules, case: &Value) -> (String, String) {
    let d: Value = serde_json::from_str(&rules.decide_json(&case.to_string())).expect("JSON");
    assert!(d.get("error").is_none(), "{d:#}");
    let fine = &d["fine"];
    let range = if fine.is_null() {
        "none".to_string()
    } else {
        format!("{}..{}", fine["min"], fine["max"]).replace('"', "")
    };
    (d["outcome"].as_str().unwrap_or("").to_string(), range)
}

/// A county rule set of one file on the embedded set.
fn county_of(main_rules: &str) -> Rules {
    let files = vec![("main.rules".to_string(), main_rules.to_string())];
    Rules::from_sources(&files, "main.rules").unwrap_or_else(|e| panic!("{e}"))
}

/// The L0420 findings of a rule set.
fn outside_base(rules: &Rules) -> Vec<caliper::diag::Diagnostic> {
    rules
        .all_warnings()
        .into_iter()
        .filter(|d| d.code == Code::RefinementOutsideBase)
        .collect()
}

#[test]
fn the_county_decides_with_its_tiers_and_the_shipped_set_is_unchanged() {
    let county = dengfeng();
    let shipped = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    for (area, county_fine) in [
        (2.0, "1500..3500"),
        (2.01, "6500..8500"),
        (10.0, "6500..8500"),
        (10.01, "13000..17000"),
    ] {
        let c = case("DL-27-6", "unit", json!({ "area_m2": area }));
        assert_eq!(
            decide(&county, &c),
            ("standard".to_string(), county_fine.to_string()),
            "{area} m²"
        );
        // The shipped rules: 0..20000 without tiers, standard 6000..14000 whatever the area.
        assert_eq!(
            decide(&shipped, &c),
            ("standard".to_string(), "6000..14000".to_string())
        );
    }
    // The county's no-penalty entry, and a fact of its own.
    let first = case(
        "DL-27-6",
        "unit",
        json!({ "area_m2": 1, "first_offense": true, "harm": "minor", "corrected": true, "cooperated": true }),
    );
    let d: Value = serde_json::from_str(&county.decide_json(&first.to_string())).expect("JSON");
    assert_eq!(d["outcome"], "no_penalty", "{d:#}");
    assert!(d.to_string().contains("N-DF-DL-27-6-1"), "{d:#}");
    assert!(shipped.decide_json(&first.to_string()).contains("E0501"));
    // The county's rule set is named in the decision.
    assert_eq!(
        d["ruleset"]["name"],
        "登封市城市管理行政处罚裁量基准（示范）"
    );
}

#[test]
fn the_county_publishes_its_figures_and_what_it_refines() {
    let county = dengfeng();
    let md = publish(&county, Format::Markdown);
    assert!(md.contains("### DL-27-6 擅自在桥梁或者路灯设施上设置广告牌或者其他挂浮物"));
    // Only what the county refines or adds: not the other violations of the shipped set.
    assert!(!md.contains("XR-49-2"), "{md}");
    assert!(md.contains("本基准建立在“许昌市城市管理行政处罚裁量基准（示范）”（版本 2025.1）之上"));
    assert!(md.contains("细化“许昌市城市管理行政处罚裁量基准（示范）”（版本 2025.1）的本项：对公民、法人或者其他组织的罚款按面积分档；增加清单条目 N-DF-DL-27-6-1"), "{md}");
    assert!(
        md.contains("| 面积不超过2平方米 | 元 | 0–1500 | 1500–3500 | 3500–5000 |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| 面积超过2平方米、不超过10平方米 | 元 | 5000–6500 | 6500–8500 | 8500–10000 |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| 面积超过10平方米 | 元 | 10000–13000 | 13000–17000 | 17000–20000 |"),
        "{md}"
    );
    assert!(md.contains("（细化 DL-27-6）"));
    // The statutory penalty stays the article's.
    assert!(md.contains("可以处罚款20000元以下"));
    insta::assert_snapshot!("dengfeng_markdown", md);
    let html = publish(&county, Format::Html);
    assert!(html.contains(
        "<span class=\"label\">细化：</span>细化“许昌市城市管理行政处罚裁量基准（示范）”"
    ));
    assert!(html.contains("<small>细化 DL-27-6</small>"));
    assert!(html.contains("13000–<wbr>17000"));
    insta::assert_snapshot!("dengfeng_html", html);
}

#[test]
fn the_county_files_format_canonically_and_keep_their_meaning() {
    let dir = root().join("examples/dengfeng");
    for name in ["main.rules", "daolu.rules"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("readable");
        let once = caliper::fmt::format(name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(once, text, "{name} is in the canonical layout");
    }
    // Another layout of the same refinement formats to the canonical one.
    let messy = "细化   DL-27-6 {档次 area_m2 { ..2: ..5000 其余: 5000..20000 }\n 单位 {罚款 100..20000}\n\
                 从轻 L-1 适用 DL-27-6 可以 \"标题\" 当 corrected 依据 \"某依据\" }\n";
    let out = caliper::fmt::format("x.rules", messy).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out,
        "细化 DL-27-6 {\n    档次 area_m2 { ..2: ..5000  其余: 5000..20000 }\n    单位 { 罚款 100..20000 }\n    从轻 L-1 可以 \"标题\"\n        当 corrected\n        依据 \"某依据\"\n}\n"
    );
}

#[test]
fn a_base_in_a_directory_is_refined_again_and_keeps_its_file_names() {
    let county = Rules::load(fixture("refine/county")).unwrap_or_else(|e| panic!("{e}"));
    // The city's tiers for individuals, the county's narrower range for units.
    let c = case("XR-49-2", "individual", json!({ "volume_m3": 0.5 }));
    assert_eq!(decide(&county, &c), ("standard".into(), "30..70".into()));
    let c = case("XR-49-2", "individual", json!({ "volume_m3": 3 }));
    assert_eq!(decide(&county, &c), ("standard".into(), "130..170".into()));
    let c = case("XR-49-2", "unit", json!({}));
    assert_eq!(
        decide(&county, &c),
        ("standard".into(), "22000..38000".into())
    );
    // The county's lighter entry.
    let c = case("XR-49-2", "unit", json!({ "cleared_on_spot": true }));
    assert_eq!(
        decide(&county, &c),
        ("lighter".into(), "10000..22000".into())
    );
    // The files are named from the county's directory; the root comes first, and loading the
    // files again from memory gives the same rule set.
    let files: Vec<(String, String)> = county
        .source_files()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    assert_eq!(files[0].0, "main.rules");
    assert_eq!(files[1].0, "../city/main.rules");
    assert!(files.iter().any(|(p, _)| p == "rules/main.rules"));
    let again = Rules::from_sources(&files, county.root_file()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.info().digest, county.info().digest);

    // An error of the base is reported in the base's file.
    let err = Rules::load(fixture("refine/county-of-broken")).expect_err("the base has an error");
    let d = err
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnknownName)
        .expect("M0209");
    let at = err.sources.location(d.primary_span().expect("span"));
    assert_eq!(at.to_string(), "../broken-city/main.rules:8:7");
}

#[test]
fn a_refinement_outside_the_base_tier_comes_with_a_case_decided_as_it_says() {
    let path = fixture("check/err_L0420_tier_leaves_the_base_tier");
    let county = Rules::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let found = outside_base(&county);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert!(
        d.message.contains("档次幅度 50..200 元超出"),
        "{}",
        d.message
    );
    assert!(d.message.contains("的 100..200 元"), "{}", d.message);
    assert!(
        d.message
            .contains("《许昌市城市市容和环境卫生管理条例》第四十九条第二项"),
        "{}",
        d.message
    );
    let example = d.example.as_ref().expect("an example case");
    let city = Rules::load(fixture("refine/city")).unwrap_or_else(|e| panic!("{e}"));
    // Evaluated: the county's tier is 50..200 (standard 95..155), the city's 100..200
    // (standard 130..170).
    let volume = example.case["facts"]["volume_m3"]
        .as_f64()
        .expect("a volume");
    assert!(volume > 1.0 && volume <= 2.0, "{}", example.case);
    let (_, county_fine) = decide(&county, &example.case);
    let (_, base_fine) = decide(&city, &example.case);
    assert_eq!(
        (county_fine.as_str(), base_fine.as_str()),
        ("95..155", "130..170")
    );

    // Narrowly not: a tier that divides the base's tier further.
    let ok = Rules::load(fixture("check/ok_L0420_tier_divides_the_base_tier"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ok.all_warnings().is_empty(), "{:?}", ok.all_warnings());
}

#[test]
fn bands_changed_by_a_refinement_are_compared_with_the_base_bands() {
    let county = county_of(
        "规则集 \"某县\" {\n    基于 内置\n    版本 \"1\"\n}\n\n细化 XR-49-2 {\n    幅度 从轻比例 0.4 从重比例 0.6\n}\n",
    );
    let found = outside_base(&county);
    // The standard band 40–60% lies inside 30–70%; the lighter band 0–40% does not.
    assert!(!found.is_empty());
    assert!(
        found[0].message.contains("从轻处罚幅度"),
        "{}",
        found[0].message
    );
    let c = case("XR-49-2", "individual", json!({}));
    assert_eq!(decide(&county, &c), ("standard".into(), "80..120".into()));
}

#[test]
fn what_a_refinement_may_not_do_is_an_error_with_its_place() {
    let load = |text: &str| {
        let files = vec![("main.rules".to_string(), text.to_string())];
        Rules::from_sources(&files, "main.rules").expect_err("an error")
    };
    let head = "规则集 \"某县\" {\n    基于 内置\n    版本 \"1\"\n}\n";
    // A code the base does not have, with the nearest one.
    let e = load(&format!("{head}细化 XR-49-9 {{ 个人 {{ 罚款 ..100 }} }}\n"));
    let d = &e.diagnostics[0];
    assert_eq!(d.code, Code::RefinementUnknown);
    assert_eq!(e.sources.location(d.primary_span().expect("span")).line, 5);
    // Wider than the article (个人 ..200).
    let e = load(&format!("{head}细化 XR-49-2 {{ 个人 {{ 罚款 ..300 }} }}\n"));
    assert_eq!(e.diagnostics[0].code, Code::RefinementWidens);
    assert!(e.diagnostics[0].message.contains("0..200"));
    // A party the article does not punish (JL-22-1 punishes units only).
    let e = load(&format!("{head}细化 JL-22-1 {{ 个人 {{ 罚款 ..100 }} }}\n"));
    assert_eq!(e.diagnostics[0].code, Code::RefinementWidens);
    // A refinement without a base.
    let files = vec![(
        "main.rules".to_string(),
        "规则集 \"x\" { 版本 \"1\" }\n细化 XR-49-2 { 个人 { 罚款 ..100 } }\n".to_string(),
    )];
    let e = Rules::from_sources(&files, "main.rules").expect_err("no base");
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.code == Code::RefinementUnknown)
    );
    // A second code for the same norm is the duplicate it always was.
    let e = load(&format!(
        "{head}违法行为 XR-49-2 \"再写一次\" {{ 依据 \"某依据\" 罚款 ..200 }}\n"
    ));
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.code == Code::DuplicateViolation)
    );
}

#[test]
fn the_commands_work_on_a_refining_set() {
    let bin = env!("CARGO_BIN_EXE_caliper");
    let dir = root().join("examples/dengfeng");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .output()
            .expect("runs")
    };
    let dir_s = dir.to_str().expect("UTF-8 path");
    let out = run(&["check", dir_s]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("没有错误"), "{text}");
    let out = run(&["test", dir_s]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("通过 7 个，失败 0 个"), "{text}");
    let out = run(&["publish", "--rules", dir_s, "--format", "markdown"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("13000–17000"));
    let case_file =
        std::env::temp_dir().join(format!("caliper-refine-{}.json", std::process::id()));
    std::fs::write(
        &case_file,
        case("DL-27-6", "unit", json!({ "area_m2": 12 })).to_string(),
    )
    .expect("writes");
    let out = run(&["eval", case_file.to_str().expect("path"), "--rules", dir_s]);
    let _ = std::fs::remove_file(&case_file);
    let d: Value = serde_json::from_slice(&out.stdout).expect("a decision");
    assert_eq!(d["fine"]["min"], json!(13000));
}

#[test]
fn the_county_tiers_are_linted_where_the_county_writes_them() {
    let county = county_of(
        "规则集 \"某县\" {\n    基于 内置\n    版本 \"1\"\n}\n\n细化 JL-22-1 {\n    单位 { 档次 volume_m3 { ..5: 5000..15000  其余: 20000..50000 } }\n}\n",
    );
    let all = county.all_warnings();
    let gap = all
        .iter()
        .find(|d| d.code == Code::TierGap)
        .unwrap_or_else(|| panic!("L0407 among {all:?}"));
    let at = county.sources().location(gap.primary_span().expect("span"));
    assert_eq!((at.path.as_str(), at.line), ("main.rules", 7), "{gap:?}");
}

#[test]
fn a_refinement_may_give_bands_of_their_own_and_be_written_in_english() {
    let county = county_of(
        "ruleset \"某县\" {\n    base embedded\n    version \"1\"\n}\n\nrefine XR-49-2 {\n    幅度 从轻幅度 0..0.2 一般幅度 0.4..0.6 从重幅度 0.8..1\n}\n",
    );
    // Each band lies inside the base's 0–30% / 30–70% / 70–100%: no finding.
    assert!(outside_base(&county).is_empty());
    // 一般 at 40–60% of 0..200.
    let c = case("XR-49-2", "individual", json!({}));
    assert_eq!(decide(&county, &c), ("standard".into(), "80..120".into()));
    let md = publish(&county, Format::Markdown);
    assert!(
        md.contains("各档幅度改为从轻处罚 0%–20%，一般处罚 40%–60%，从重处罚 80%–100%"),
        "{md}"
    );

    // Bands that leave the base's (从重 from 60%) are found.
    let county = county_of(
        "规则集 \"某县\" {\n    基于 内置\n    版本 \"1\"\n}\n\n细化 XR-49-2 {\n    幅度 从轻幅度 0..0.3 一般幅度 0.3..0.6 从重幅度 0.6..1\n}\n",
    );
    let found = outside_base(&county);
    assert!(
        found.iter().any(|d| d.message.contains("从重处罚幅度")),
        "{found:?}"
    );
}

/// A refinement may carry tiers chosen by conditions (登封: 单个2平方米以下或者3个以下 … 10平方米以上或者
/// 10个以上，或者造成严重后果): the first tier whose condition holds applies, 其余 when none does,
/// inside the article's range, which stays the statutory one; the formatter keeps them, and
/// `publish` says the fine is divided by circumstances.
#[test]
fn a_refinement_may_carry_tiers_chosen_by_conditions() {
    let main = r#"规则集 "某县规则集（样例）" {
    基于 内置
    版本 "1"
}

细化 XR-49-2 {
    单位 { 档次 { 当 volume_m3 > 10 或 harm = serious: 36500..50000  当 volume_m3 > 2: 18500..36500  其余: 5000..18500 } }
}
"#;
    let county = county_of(main);
    for (volume, harm, want) in [
        (2.0, "general", "9050..14450"),
        (2.01, "general", "23900..31100"),
        (10.0, "general", "23900..31100"),
        (10.01, "general", "40550..45950"),
        (1.0, "serious", "40550..45950"),
    ] {
        let c = case(
            "XR-49-2",
            "unit",
            json!({ "volume_m3": volume, "harm": harm }),
        );
        let (outcome, fine) = decide(&county, &c);
        assert_eq!(
            (outcome.as_str(), fine.as_str()),
            ("standard", want),
            "{volume} m³, {harm}"
        );
    }
    // The statutory range stays the article's.
    let c = case(
        "XR-49-2",
        "unit",
        json!({ "volume_m3": 1.0, "harm": "general" }),
    );
    let d: caliper::Decision = serde_json::from_value(c)
        .map(|case: caliper::Case| county.evaluate(&case).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        d.statutory.map(|f| f.to_string()).as_deref(),
        Some("5000..50000")
    );
    // The formatter keeps the tiers and their meaning.
    let formatted = caliper::fmt::format("main.rules", main).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        formatted.contains("当 volume_m3 > 10 或 harm = serious: 36500..50000"),
        "{formatted}"
    );
    // A tier outside the article's range is an error, as in the article itself.
    let wide = main.replace("36500..50000", "36500..60000");
    let files = vec![("main.rules".to_string(), wide)];
    let Err(e) = Rules::from_sources(&files, "main.rules") else {
        panic!("a tier outside the range must not load");
    };
    assert!(
        e.to_string().contains("C0304") || e.to_string().contains("超出法定幅度"),
        "{e}"
    );
    let md = caliper::publish::publish(&county, caliper::publish::Format::Markdown);
    assert!(md.contains("罚款按情节分档"), "{md}");
}

/// A refinement may say how its standard counts a daily fine's days (按日连续处罚): the article's
/// amount stays, the days are the county's; `publish` says what changed.
#[test]
fn a_refinement_counts_the_days_of_the_article_daily_fine() {
    let main = r#"规则集 "某县规则集（样例）" {
    基于 内置
    版本 "1"
}

事实 refused_days 整数 "拒不改正的日数（执法人员核定）" 单位 "日"

细化 XR-51 {
    按日连续处罚 refused_days
}
"#;
    let county = county_of(main);
    for (days, want) in [
        (0, None),
        (1, Some((1, "44000..76000"))),
        (7, Some((7, "308000..532000"))),
    ] {
        let c = case("XR-51", "unit", json!({ "refused_days": days }));
        let case: caliper::Case = serde_json::from_value(c).unwrap_or_else(|e| panic!("{e}"));
        let d = county.evaluate(&case).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            d.fine.map(|f| f.to_string()).as_deref(),
            Some("44000..76000")
        );
        let got = d.daily_fine.as_ref().map(|f| (f.days, f.total.to_string()));
        assert_eq!(got, want.map(|(n, t)| (n, t.to_string())), "{days} days");
    }
    let md = caliper::publish::publish(&county, caliper::publish::Format::Markdown);
    assert!(
        md.contains("按日连续处罚的日数按 refused_days 计算"),
        "{md}"
    );
}
