//! `caliper audit`: the planted inconsistencies of a synthetic archive are found, and nothing is
//! flagged in a clean one; CSV archives with bad lines; the flagged cases as a user reads them.

use caliper::Rules;
use caliper::audit::{self, ArchiveFormat, Lines, synth};
use caliper::batch::pipeline;
use std::collections::{BTreeSet, HashMap};

fn rules() -> Rules {
    Rules::embedded().expect("the shipped rules load")
}

fn audit_text(
    rules: &Rules,
    text: &str,
    format: ArchiveFormat,
    mapping: &str,
) -> (audit::Audit, String) {
    audit_on(rules, text, format, mapping, 2)
}

fn audit_on(
    rules: &Rules,
    text: &str,
    format: ArchiveFormat,
    mapping: &str,
    workers: usize,
) -> (audit::Audit, String) {
    let open = || -> std::io::Result<Lines<'_>> {
        Ok(Box::new(pipeline::lines(
            text.as_bytes(),
            1,
            caliper::limits::CASE_BYTES,
        )))
    };
    let opts = audit::Options {
        format,
        mapping: caliper::batch::csv::Mapping::parse(mapping).expect("a mapping"),
        workers,
    };
    let mut flagged = Vec::new();
    let a = audit::run(rules, &HashMap::new(), &open, &opts, &mut flagged).expect("audits");
    (a, String::from_utf8(flagged).expect("UTF-8"))
}

fn synthetic(rules: &Rules, n: u64, plant: bool) -> String {
    let mut out = Vec::new();
    let g = synth::generate(rules, n, 42, plant, &mut out).expect("in memory");
    assert_eq!(g.cases, n);
    String::from_utf8(out).expect("UTF-8")
}

/// The case ids in the flagged CSV.
fn flagged_ids(csv: &str) -> BTreeSet<String> {
    csv.lines()
        .skip(1)
        .map(|l| caliper::batch::csv::split(l).expect("CSV")[1].clone())
        .collect()
}

#[test]
fn the_planted_cases_are_found_and_only_they() {
    let rules = rules();
    let archive = synthetic(&rules, 6_000, true);
    let mut planted = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for line in archive.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert_eq!(v["synthetic"], true);
        if let Some(kind) = v["planted"].as_str() {
            planted.insert(v["case_id"].as_str().expect("an id").to_string());
            kinds.insert(kind.to_string());
        }
    }
    assert_eq!(
        kinds,
        synth::plant_codes().iter().map(|k| k.to_string()).collect(),
        "every kind of inconsistency is planted"
    );
    let (a, csv) = audit_text(&rules, &archive, ArchiveFormat::Ndjson, "");
    assert_eq!(a.tally.errors, 0, "{:?}", a.tally.error_lines);
    assert_eq!(flagged_ids(&csv), planted);
    assert_eq!(a.flagged as usize, planted.len());
    // Each planted case's reason names what was planted.
    for f in &a.first_flagged {
        let line = archive.lines().nth(f.line as usize - 1).expect("the line");
        let kind = serde_json::from_str::<serde_json::Value>(line).expect("JSON")["planted"]
            .as_str()
            .map(str::to_string)
            .expect("planted");
        let why = f.reasons.join("；");
        let expected = match kind.as_str() {
            "far_above_group" => "是中位数的",
            "far_below_group" => "仅为中位数的",
            "above_statutory_max" => "超过法定最高额",
            "hearing_notice_skipped" => "未告知当事人听证权利",
            _ => "依法应当不予处罚",
        };
        assert!(why.contains(expected), "{kind}: {why}");
    }
}

#[test]
fn nothing_is_flagged_in_a_clean_archive() {
    let rules = rules();
    let archive = synthetic(&rules, 6_000, false);
    assert!(!archive.contains("\"planted\""));
    let (a, csv) = audit_text(&rules, &archive, ArchiveFormat::Ndjson, "");
    assert_eq!(a.flagged, 0, "{csv}");
    assert_eq!(csv.lines().count(), 1, "only the header");
    let t = &a.tally;
    assert_eq!(t.lines, 6_000);
    assert!(t.groups.len() > 20, "like cases fall into many groups");
    assert_eq!(t.hearing.count, t.hearing.of, "every notice due was given");
    let outside: u64 = t
        .places
        .iter()
        .filter(|(p, _)| p.outside_band())
        .map(|(_, n)| n)
        .sum();
    assert_eq!(outside, 0);
}

#[test]
fn the_same_seed_gives_the_same_archive() {
    let rules = rules();
    assert_eq!(synthetic(&rules, 300, true), synthetic(&rules, 300, true));
}

#[test]
fn quartiles_are_exact_from_counts() {
    let mut g = audit::Group::default();
    for (v, n) in [(100, 1), (200, 2), (400, 1)] {
        g.fines.insert(v.into(), n);
    }
    let q = |p: i64| {
        g.quantile(rust_decimal::Decimal::new(p, 2))
            .map(|d| d.normalize().to_string())
    };
    // 100, 200, 200, 400: type 7 quartiles 175, 200, 250.
    assert_eq!(q(25).as_deref(), Some("175"));
    assert_eq!(q(50).as_deref(), Some("200"));
    assert_eq!(q(75).as_deref(), Some("250"));
    assert_eq!(q(100).as_deref(), Some("400"));
}

const CSV_MAPPING: &str = r#"
[columns]
"案件编号" = "case_id"
"违法行为" = "violation"
"当事人类型" = "party_type"
"决定日期" = "decision_date"
"处罚结果" = "outcome"
"罚款" = "fine"
"执法人员" = "officer"
"中队" = "team"
[values.party_type]
"个人" = "individual"
"单位" = "unit"
"#;

#[test]
fn a_csv_archive_with_chinese_headings_and_bad_lines() {
    let rules = rules();
    let head = "案件编号,违法行为,当事人类型,age,harm,corrected,first_offense,prior_penalties_12m,minor,violation_date,discovery_date,决定日期,处罚结果,罚款,执法人员,中队\n";
    let mut csv = head.to_string();
    for i in 0..8 {
        csv.push_str(&format!(
            "A-{i},XR-49-2,个人,35,一般,否,否,0,否,2025-03-02,2025-03-05,2025-03-20,一般处罚,{},张三,一中队\n",
            95 + i
        ));
    }
    csv.push_str("A-8,XR-49-2,个人,35,一般,否,否,0,否,2025-03-02,2025-03-05,2025-03-20,一般处罚,400,李四,二中队\n");
    csv.push_str("A-9,XR-49-2,个人\n");
    csv.push_str(
        "A-10,XR-49-2,个人,35,一般,否,否,0,否,2025-03-02,2025-03-05,,一般处罚,100,张三,一中队\n",
    );
    let (a, flagged) = audit_text(&rules, &csv, ArchiveFormat::Csv, CSV_MAPPING);
    assert_eq!(a.tally.lines, 11);
    assert_eq!(a.tally.errors, 2);
    let lines: Vec<u64> = a.tally.error_lines.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, vec![11, 12], "the header is line 1");
    assert!(a.tally.error_lines[1].1.message.contains("decision_date"));
    assert_eq!(flagged_ids(&flagged), BTreeSet::from(["A-8".to_string()]));
    insta::assert_snapshot!("csv_archive_flagged", flagged);
    let team = &a.tally.by_team["二中队"];
    assert_eq!((team.count, team.of), (1, 1));
    let html = audit::report::html(&a, "archive.csv", false);
    assert!(html.contains("<svg") && html.contains("类案罚款分布") && html.contains("A-8"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external asset"
    );
}

/// Odd NDJSON lines: each is counted by the first pass (which reads lines in place) exactly as
/// reading it into an `ArchiveCase`, assessing it and adding it to a tally count it.
#[test]
fn lines_read_in_place_count_as_archive_cases_do() {
    let rules = rules();
    let base = synthetic(&rules, 600, true);
    let lines: Vec<&str> = base.lines().collect();
    let unit = lines
        .iter()
        .find(|l| l.contains(r#""party_type":"unit""#) && l.contains(r#""team":"一中队""#))
        .expect("a unit's case of the first team");
    let moved = |keep_in_facts: bool, top: &str| {
        let mut v: serde_json::Value = serde_json::from_str(unit).expect("JSON");
        let date = v["facts"]["decision_date"].clone();
        if !keep_in_facts {
            v["facts"]
                .as_object_mut()
                .expect("facts")
                .remove("decision_date");
        }
        v["decision_date"] = if top.is_empty() { date } else { top.into() };
        v.to_string()
    };
    let odd = [
        // Escapes in the party type, the team and a fact's name: owned strings, same counts.
        unit.replace(r#""party_type":"unit""#, r#""party_type":"\u0075nit""#)
            .replace(r#""team":"一中队""#, r#""team":"\u4e00中队""#)
            .replace(r#""harm":"#, r#""h\u0061rm":"#),
        // Spaces between the tokens.
        unit.replace("\":", "\" : ").replace(",\"", " , \""),
        // The decision date beside the facts only, in both, and in both but different.
        moved(false, ""),
        moved(true, ""),
        moved(true, "2020-01-01"),
        // A fact given twice (the archive's reading keeps the last one), and twice in turn.
        unit.replace(r#""facts":{"#, r#""facts":{"harm":"nonsense","#),
        unit.replace(r#""facts":{"#, r#""facts":{"decision_date":"bad","#),
        // Errors: an unknown fact, a fine that is not a number, facts that are not an
        // object, an unknown field, not JSON, no decision date.
        unit.replace(r#""facts":{"#, r#""facts":{"volum_m3":3,"#),
        unit.replace(r#""fine":"#, r#""fine":"abc","ignored":"#),
        unit.replace(r#""fine":"#, r#""fine":"abc","#),
        r#"{"violation":"XR-49-2","facts":5}"#.to_string(),
        r#"{"violation":"XR-49-2","facts":{},"note":1}"#.to_string(),
        "not json".to_string(),
        r#"{"violation":"XR-49-2","facts":{"party_type":"unit"}}"#.to_string(),
    ];
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        text.push_str(l);
        text.push('\n');
        if i % 40 == 39 {
            text.push_str(&odd[(i / 40) % odd.len()]);
            text.push('\n');
        }
    }
    for o in &odd {
        text.push_str(o);
        text.push('\n');
    }
    // The reference: every line read as an ArchiveCase, assessed and added to a tally.
    let mut want = audit::Tally::default();
    let mut errors = Vec::new();
    for (i, l) in text.lines().enumerate() {
        want.lines += 1;
        match audit::ArchiveCase::from_json(l).and_then(|c| Ok((audit::assess(&rules, &c)?, c))) {
            Ok((Some(a), c)) => want.add(&c, &a),
            Ok((None, _)) => want.undetermined += 1,
            Err(e) => errors.push((i as u64 + 1, e)),
        }
    }
    let (got, _) = audit_text(&rules, &text, ArchiveFormat::Ndjson, "");
    let t = &got.tally;
    assert!(errors.len() >= 8, "the odd lines include errors");
    assert_eq!(t.errors, errors.len() as u64);
    assert_eq!(t.error_lines, errors, "the same errors, line by line");
    assert_eq!((t.lines, t.undetermined), (want.lines, want.undetermined));
    assert_eq!(t.places, want.places);
    assert_eq!(t.by_team, want.by_team);
    assert_eq!(t.by_violation, want.by_violation);
    assert_eq!(
        (t.first_offense, t.no_penalty),
        (want.first_offense, want.no_penalty)
    );
    assert_eq!(
        (t.hearing, t.hearing_unknown),
        (want.hearing, want.hearing_unknown)
    );
    let months = |t: &audit::Tally| -> Vec<(String, u64, audit::Share)> {
        t.by_month
            .iter()
            .map(|(m, v)| (m.clone(), v.cases, v.outside_band))
            .collect()
    };
    assert_eq!(months(t), months(&want));
    assert_eq!(t.groups.len(), want.groups.len());
    for ((k, g), (wk, w)) in t.groups.iter().zip(&want.groups) {
        assert_eq!(k, wk);
        assert_eq!(
            (g.cases, &g.fines, &g.places),
            (w.cases, &w.fines, &w.places)
        );
        assert_eq!((g.band, g.statutory), (w.band, w.statutory));
    }
}

#[test]
fn workers_with_their_own_rule_sets_find_what_one_worker_finds() {
    let rules = rules();
    let archive = synthetic(&rules, 4_000, true);
    // One worker audits with the rules given; of three, two load their own copies.
    let (one, one_csv) = audit_on(&rules, &archive, ArchiveFormat::Ndjson, "", 1);
    let (three, three_csv) = audit_on(&rules, &archive, ArchiveFormat::Ndjson, "", 3);
    assert!(one.flagged > 0);
    assert_eq!(three_csv, one_csv);
    let summary =
        |a: &audit::Audit| serde_json::to_string(&audit::report::summary(a)).expect("JSON");
    assert_eq!(summary(&three), summary(&one));
    assert_eq!(
        audit::report::html(&three, "archive.ndjson", true),
        audit::report::html(&one, "archive.ndjson", true)
    );
}

#[test]
fn fines_stay_sorted_and_places_count_each_place_apart() {
    let mut f = audit::Fines::default();
    for (v, n) in [(300, 1), (100, 2), (200, 1), (100, 3), (300, 1)] {
        f.insert(v.into(), n);
    }
    let got: Vec<(i64, u64)> = f
        .iter()
        .map(|(v, n)| (i64::try_from(v).expect("whole yuan"), n))
        .collect();
    assert_eq!(got, [(100, 5), (200, 1), (300, 2)]);
    assert_eq!((f.min(), f.max()), (Some(100.into()), Some(300.into())));
    // Past the vector's size the amounts go to a tree, and read the same.
    let mut many = audit::Fines::default();
    let mut few = Vec::new();
    for v in (0..3 * audit::Fines::VECTOR_AMOUNTS as i64).rev() {
        many.insert(v.into(), 1);
        many.insert(v.into(), 1);
        few.push((rust_decimal::Decimal::from(v), 2));
    }
    few.reverse();
    assert!(matches!(many, audit::Fines::Many(_)));
    assert_eq!(many.iter().collect::<Vec<_>>(), few);
    assert_eq!((many.min(), many.max()), (Some(0.into()), Some(191.into())));
    let mut p = audit::Places::default();
    for (i, place) in audit::Place::ALL.into_iter().enumerate() {
        p.add(place, i as u64 + 1);
    }
    let mut q = p.clone();
    q.merge(&p);
    for (i, (place, n)) in q.iter().enumerate() {
        assert_eq!(place, audit::Place::ALL[i]);
        assert_eq!((n, q.get(place)), (2 * (i as u64 + 1), n), "{place:?}");
    }
}
