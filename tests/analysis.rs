//! The analysis lints of `caliper check` (L0403 on), proven: every finding's example case is
//! evaluated by the engine and does what the finding says, on every fixture and on the shipped
//! rules; and on generated small rule sets each lint agrees with a brute-force search over a
//! grid of values wider than any partition.

use caliper::analysis::{Witness, truth_on};
use caliper::diag::{Code, Diagnostic};
use caliper::model::{FactType, RuleSet, Value};
use caliper::{Case, Outcome, Rules};
use proptest::prelude::*;
use std::path::Path;

/// The entries a diagnostic names, in the order its message names them.
fn entries_named<'a>(rules: &'a RuleSet, d: &Diagnostic) -> Vec<&'a caliper::model::Entry> {
    let mut found: Vec<(usize, &caliper::model::Entry)> = rules
        .entries
        .iter()
        .filter_map(|e| {
            let id = &*e.id;
            // The id, not a longer id it begins (A-1 in A-10).
            d.message.match_indices(id).find_map(|(i, _)| {
                let next = d.message[i + id.len()..].chars().next();
                (!next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')).then_some((i, e))
            })
        })
        .collect();
    found.sort_by_key(|(i, _)| *i);
    found.into_iter().map(|(_, e)| e).collect()
}

fn case_of(d: &Diagnostic) -> Case {
    let e = d.example.as_ref().expect("an example case");
    serde_json::from_value(e.case.clone()).unwrap_or_else(|err| panic!("{err}: {}", e.case))
}

fn witness_of(rules: &RuleSet, case: &serde_json::Value) -> Witness {
    let mut w = Witness::default();
    if let Some(facts) = case["facts"].as_object() {
        for (name, v) in facts {
            let &f = rules.fact_index.get(name.as_str()).expect("declared fact");
            let value = match (&rules.facts[f as usize].ty, v) {
                (FactType::Bool, serde_json::Value::Bool(b)) => Value::Bool(*b),
                (FactType::Int, n) => Value::Int(n.as_i64().expect("int")),
                (FactType::Decimal | FactType::Money, n) => {
                    Value::Dec(n.to_string().parse().expect("decimal"))
                }
                (FactType::Date, s) => {
                    Value::Date(s.as_str().expect("date").parse().expect("date"))
                }
                (FactType::Enum(vs), s) => Value::Enum(
                    vs.iter()
                        .position(|(x, _)| x == s.as_str().expect("option"))
                        .expect("option") as u16,
                ),
                other => panic!("unexpected {other:?}"),
            };
            w.set(f, value);
        }
    }
    w
}

/// Evaluates each finding's example and asserts what the finding says; returns how many were
/// checked.
fn prove(rules: &Rules) -> usize {
    let model = rules.model();
    let mut checked = 0;
    for d in &rules.all_warnings() {
        let Some(example) = &d.example else {
            continue;
        };
        let case = case_of(d);
        let whole = rules
            .evaluate(&case)
            .unwrap_or_else(|e| panic!("{}: the example is a valid case: {e}", d.message));
        // The decision of the example's own violation (Art. 29 may follow a higher norm and
        // report this one among the concurrent).
        let code = example.case["violation"].as_str().unwrap_or("");
        let decision = std::iter::once(&whole)
            .chain(&whole.concurrent)
            .find(|x| &*x.violation == code)
            .unwrap_or(&whole);
        let named = entries_named(model, d);
        let w = witness_of(model, &example.case);
        let holds = |e: &caliper::model::Entry| truth_on(model, &w, &e.cond) == Some(true);
        let used = |id: &str| {
            decision
                .applied
                .iter()
                .chain(&decision.outweighed)
                .any(|a| &*a.id == id)
        };
        match d.code {
            Code::NoPenaltyWithAggravated => {
                assert!(holds(named[0]) && holds(named[1]), "{}", d.message);
                assert_eq!(decision.outcome, Outcome::NoPenalty, "{}", d.message);
            }
            Code::ShallCollide => {
                assert!(holds(named[0]) && holds(named[1]), "{}", d.message);
                assert!(
                    matches!(decision.outcome, Outcome::Lighter | Outcome::Mitigated),
                    "{}: {:?}",
                    d.message,
                    decision.outcome
                );
                assert!(
                    decision.outweighed.iter().any(|a| a.id == named[1].id),
                    "{}: {:?}",
                    d.message,
                    decision.outweighed
                );
            }
            Code::SubsumedEntry => {
                assert!(holds(named[0]) && holds(named[1]), "{}", d.message);
            }
            Code::NoPenaltyWithoutGround => {
                assert!(holds(named[0]), "{}", d.message);
                assert_eq!(decision.outcome, Outcome::NoPenalty, "{}", d.message);
                assert!(used(&named[0].id), "{}", d.message);
            }
            Code::ModalityMismatch | Code::MitigationWithoutGround => {
                assert!(holds(named[0]), "{}", d.message);
                assert!(used(&named[0].id), "{}: {:?}", d.message, decision.applied);
            }
            Code::EntryRangeAboveMinimum => {
                assert!(holds(named[0]), "{}", d.message);
                assert_eq!(decision.outcome, Outcome::Mitigated, "{}", d.message);
                let fine = decision.fine.expect("a mitigated fine");
                let stat = decision.statutory.expect("a statutory range");
                assert!(fine.max > stat.min, "{}: {fine}", d.message);
            }
            Code::TierGap | Code::TierOverlap => {
                // "适用 KEY 档 LO..HI 元": the decision's band lies inside that tier.
                let words = &example.words;
                let range = words
                    .split(" 档 ")
                    .nth(1)
                    .and_then(|r| r.split(" 元").next())
                    .expect("a tier range in the words");
                let (lo, hi) = range.split_once("..").expect("lo..hi");
                let (lo, hi): (rust_decimal::Decimal, rust_decimal::Decimal) =
                    (lo.parse().expect("lo"), hi.parse().expect("hi"));
                let fine = decision
                    .fine
                    .unwrap_or_else(|| panic!("{}: a fine, got {:?}", d.message, decision.outcome));
                assert!(
                    fine.min >= lo && fine.max <= hi,
                    "{}: {fine} outside {lo}..{hi}",
                    d.message
                );
                // Tiers chosen by conditions: "第 N 档「COND」的条件也成立", the heavier
                // branch's condition holds on the case that got the lighter tier.
                if let Some(rest) = words.split("档「").nth(1) {
                    let text = rest.split("」").next().expect("a condition's text");
                    let cond = model
                        .case_tiers
                        .iter()
                        .flat_map(|t| &t.rows)
                        .find(|(_, t, ..)| &**t == text)
                        .map(|(e, ..)| e)
                        .unwrap_or_else(|| panic!("{}: no branch 当 {text}", d.message));
                    assert_eq!(truth_on(model, &w, cond), Some(true), "{}", d.message);
                }
            }
            Code::RefinementOutsideBase => {
                // "档次 细化后 A..B 元，所细化的基准 C..D 元": the case's tier (or standard band)
                // after the refinement is A..B, the decision's fine lies in it, and A..B is not
                // inside C..D.
                let words = &example.words;
                let range = |after: &str| -> (rust_decimal::Decimal, rust_decimal::Decimal) {
                    let r = words
                        .split(after)
                        .nth(1)
                        .and_then(|r| r.split(" 元").next())
                        .expect("a range in the words");
                    let (lo, hi) = r.split_once("..").expect("lo..hi");
                    (lo.parse().expect("lo"), hi.parse().expect("hi"))
                };
                let (a, b) = range("细化后 ");
                let (c, dd) = range("所细化的基准 ");
                assert!(a < c || b > dd, "{}", d.message);
                if words.contains("档次 细化后") || words.contains("一般处罚 细化后") {
                    let fine = decision.fine.expect("a fine");
                    assert!(fine.min >= a && fine.max <= b, "{}: {fine}", d.message);
                }
            }
            other => panic!("no proof for {other}"),
        }
        checked += 1;
    }
    checked
}

#[test]
fn every_fixture_finding_example_does_what_it_says() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let mut total = 0;
    let mut codes = Vec::new();
    for e in std::fs::read_dir(&dir).expect("fixtures").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with("err_L04") {
            continue;
        }
        let Ok(rules) = Rules::load(e.path()) else {
            continue;
        };
        total += prove(&rules);
        codes.extend(
            rules
                .all_warnings()
                .iter()
                .filter(|d| d.example.is_some())
                .map(|d| d.code),
        );
    }
    codes.sort();
    codes.dedup();
    for c in [
        Code::NoPenaltyWithAggravated,
        Code::ShallCollide,
        Code::SubsumedEntry,
        Code::TierGap,
        Code::TierOverlap,
        Code::NoPenaltyWithoutGround,
        Code::ModalityMismatch,
        Code::MitigationWithoutGround,
        Code::EntryRangeAboveMinimum,
    ] {
        assert!(codes.contains(&c), "no example case for {c}");
    }
    assert!(total >= 9, "{total}");
}

#[test]
fn every_shipped_finding_example_does_what_it_says() {
    let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
    let n = prove(&rules);
    assert_eq!(n, 21, "the 21 findings with an example case");
}

#[test]
fn json_diagnostics_carry_the_example_case() {
    let rules = Rules::load(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/check/err_L0403_no_penalty_with_aggravated.rules"),
    )
    .expect("loads");
    let json = caliper::diag::render_json(&rules.all_warnings(), rules.sources());
    let item = &json[0];
    assert_eq!(item["code"], "L0403");
    assert_eq!(item["example"]["case"]["violation"], "YL-1");
    assert_eq!(item["example"]["case"]["facts"]["destroyed_evidence"], true);
    assert_eq!(item["example"]["case"]["facts"]["corrected"], true);
}

#[test]
fn a_question_too_large_is_reported() {
    // Twelve numeric facts, each cut at four constants (9 pieces and absent): 10^12 cases.
    let mut text = String::from(HEADER);
    let mut cond = Vec::new();
    for i in 0..12 {
        text.push_str(&format!("事实 n{i} 整数 \"数量{i}\"\n"));
        cond.push(format!("(n{i} = 1 或 n{i} = 3 或 n{i} = 5 或 n{i} = 7)"));
    }
    text.push_str(VIOLATION);
    text.push_str(&format!(
        "从轻 L-1 适用 YL-1 应当 \"很多条件\" 当 {} 依据 \"《中华人民共和国行政处罚法》第三十二条\"\n\
         从轻 L-2 适用 YL-1 应当 \"同样\" 当 n0 = 1 依据 \"《中华人民共和国行政处罚法》第三十二条\"\n",
        cond.join(" 且 ")
    ));
    let rules = load(&text);
    assert!(
        rules
            .all_warnings()
            .iter()
            .any(|d| d.code == Code::AnalysisTooLarge),
        "{:?}",
        rules.all_warnings()
    );
}

const HEADER: &str = "规则集 \"分析\" { 版本 \"1\" 施行 2025-01-01 }\n\
    事实 party_type 选项 { individual \"公民\", unit \"单位\" } \"当事人类型\"\n";
const VIOLATION: &str = "违法行为 YL-1 \"乱倒垃圾\" { 依据 \"《样例条例》第二条\" 罚款 ..200 }\n";

fn load(text: &str) -> Rules {
    Rules::from_sources(
        &[("main.rules".to_string(), text.to_string())],
        "main.rules",
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A small condition over b (bool), n (int) and k (option a/b/c), constants 0..10.
fn cond() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("b".to_string()),
        Just("不 b".to_string()),
        (
            prop_oneof![
                Just("<"),
                Just("<="),
                Just(">"),
                Just(">="),
                Just("="),
                Just("!=")
            ],
            0..10i64
        )
            .prop_map(|(op, c)| format!("n {op} {c}")),
        prop_oneof![Just("a"), Just("b"), Just("c")].prop_map(|v| format!("k = {v}")),
        prop_oneof![Just("{a}"), Just("{a, b}"), Just("{b, c}")]
            .prop_map(|s| format!("k 属于 {s}")),
    ];
    leaf.prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} 且 {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} 或 {b})")),
            inner.prop_map(|a| format!("不 ({a})")),
        ]
    })
}

fn pair_rules(list_a: &str, a: &str, list_b: &str, b: &str) -> Rules {
    let text = format!(
        "{HEADER}事实 b 布尔 \"甲\"\n事实 n 整数 \"数量\"\n\
         事实 k 选项 {{ a \"一\", b \"二\", c \"三\" }} \"种类\"\n{VIOLATION}\
         {list_a} E-1 适用 YL-1 应当 \"一\" 当 {a} 依据 \"《样例条例》第三条\"\n\
         {list_b} E-2 适用 YL-1 应当 \"二\" 当 {b} 依据 \"《样例条例》第四条\"\n"
    );
    load(&text)
}

/// Every case of a grid wider than any partition: n from 0 to 12, each option, each truth
/// value, and each fact absent.
fn grid(model: &RuleSet) -> Vec<Witness> {
    let f = |n: &str| model.fact_index[n];
    let mut out = Vec::new();
    for b in [None, Some(true), Some(false)] {
        for n in std::iter::once(None).chain((0..=12).map(Some)) {
            for k in [None, Some(0u16), Some(1), Some(2)] {
                let mut w = Witness::default();
                if let Some(b) = b {
                    w.set(f("b"), Value::Bool(b));
                }
                if let Some(n) = n {
                    w.set(f("n"), Value::Int(n));
                }
                if let Some(k) = k {
                    w.set(f("k"), Value::Enum(k));
                }
                out.push(w);
            }
        }
    }
    out
}

fn has(rules: &Rules, code: Code) -> bool {
    rules.all_warnings().iter().any(|d| d.code == code)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// L0403: reported exactly when some case makes both the no-penalty and the aggravated
    /// entry hold.
    #[test]
    fn overlap_matches_brute_force(a in cond(), b in cond()) {
        let rules = pair_rules("不予处罚", &a, "从重", &b);
        let m = rules.model();
        let both = grid(m).iter().any(|w| {
            truth_on(m, w, &m.entries[0].cond) == Some(true)
                && truth_on(m, w, &m.entries[1].cond) == Some(true)
        });
        prop_assert_eq!(has(&rules, Code::NoPenaltyWithAggravated), both, "{} / {}", a, b);
    }

    /// L0405: E-2 reported as subsumed by E-1 exactly when every case where E-2 holds makes
    /// E-1 hold, and E-2 holds somewhere (else L0401).
    #[test]
    fn subsumption_matches_brute_force(a in cond(), b in cond()) {
        let rules = pair_rules("从轻", &a, "从轻", &b);
        let m = rules.model();
        let g = grid(m);
        let t = |w: &Witness, i: usize| truth_on(m, w, &m.entries[i].cond) == Some(true);
        let some2 = g.iter().any(|w| t(w, 1));
        let some1 = g.iter().any(|w| t(w, 0));
        let two_in_one = g.iter().all(|w| !t(w, 1) || t(w, 0));
        let one_in_two = g.iter().all(|w| !t(w, 0) || t(w, 1));
        // Equivalent entries: only the later (E-2) is reported.
        let expected = (some2 && two_in_one) || (some1 && one_in_two && !two_in_one);
        let all = rules.all_warnings();
        let reported = all.iter().filter(|d| d.code == Code::SubsumedEntry).count();
        prop_assert_eq!(reported > 0, expected, "{} / {}: {:?}", a, b, all);
        // L0401: never holds.
        let never = rules
            .all_warnings()
            .iter()
            .any(|d| d.code == Code::UnreachableEntry && d.message.contains("E-1"));
        prop_assert_eq!(never, !some1, "{}", a);
    }

    /// L0404: reported exactly when some case makes both the 应当 lighter and the 应当
    /// aggravated entry hold.
    #[test]
    fn shall_collision_matches_brute_force(a in cond(), b in cond()) {
        let rules = pair_rules("从轻", &a, "从重", &b);
        let m = rules.model();
        let both = grid(m).iter().any(|w| {
            truth_on(m, w, &m.entries[0].cond) == Some(true)
                && truth_on(m, w, &m.entries[1].cond) == Some(true)
        });
        prop_assert_eq!(has(&rules, Code::ShallCollide), both, "{} / {}", a, b);
    }

    /// L0412: a no-penalty entry citing Art. 33 para 1 is reported exactly when some case makes
    /// it hold while neither sentence's ground does.
    #[test]
    fn ground_matches_brute_force(a in ground_cond()) {
        let text = format!(
            "{HEADER}事实 first_offense 布尔 \"初次违法\"\n事实 corrected 布尔 \"及时改正\"\n\
             事实 minor 布尔 \"轻微\"\n\
             事实 harm 选项 {{ none \"无\", minor \"轻微\", general \"一般\" }} \"危害后果\"\n{VIOLATION}\
             不予处罚 N-1 适用 YL-1 可以 \"一\" 当 {a} 依据 \"《中华人民共和国行政处罚法》第三十三条第一款\"\n"
        );
        let rules = load(&text);
        let m = rules.model();
        let f = |n: &str| m.fact_index[n];
        let mut wider = false;
        for fo in [None, Some(true), Some(false)] {
            for co in [None, Some(true), Some(false)] {
                for mi in [None, Some(true), Some(false)] {
                    for h in [None, Some(0u16), Some(1), Some(2)] {
                        let mut w = Witness::default();
                        if let Some(x) = fo { w.set(f("first_offense"), Value::Bool(x)); }
                        if let Some(x) = co { w.set(f("corrected"), Value::Bool(x)); }
                        if let Some(x) = mi { w.set(f("minor"), Value::Bool(x)); }
                        if let Some(x) = h { w.set(f("harm"), Value::Enum(x)); }
                        let entry = truth_on(m, &w, &m.entries[0].cond) == Some(true);
                        let second = fo == Some(true) && co == Some(true) && matches!(h, Some(0 | 1));
                        let first = mi == Some(true) && co == Some(true) && h == Some(0);
                        wider |= entry && !first && !second;
                    }
                }
            }
        }
        prop_assert_eq!(has(&rules, Code::NoPenaltyWithoutGround), wider, "{}", a);
    }
}

/// A condition over the facts of Art. 33 para 1.
fn ground_cond() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("first_offense".to_string()),
        Just("corrected".to_string()),
        Just("minor".to_string()),
        Just("不 corrected".to_string()),
        prop_oneof![Just("none"), Just("minor"), Just("general")]
            .prop_map(|v| format!("harm = {v}")),
        Just("harm 属于 {none, minor}".to_string()),
    ];
    leaf.prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} 且 {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a} 或 {b})")),
        ]
    })
}

/// A rule set whose unit fine of 1000..10000 yuan is tiered by the integer fact `q`: `rows`
/// are (upper bound of `q`, fine lo, fine hi), a last `(None, lo, hi)` row being 其余.
fn tier_rules(rows: &[(Option<String>, i64, i64)]) -> Rules {
    let table: Vec<String> = rows
        .iter()
        .map(|(b, lo, hi)| match b {
            Some(b) => format!("..{b}: {lo}..{hi}"),
            None => format!("其余: {lo}..{hi}"),
        })
        .collect();
    load(&format!(
        "{HEADER}事实 q 整数 \"数量\"\n\
         违法行为 YL-1 \"乱倒垃圾\" {{\n    依据 \"《样例条例》第二条\"\n    \
         单位 {{ 罚款 1000..10000 档次 q {{ {} }} }}\n    个人 {{ 罚款 ..200 }}\n}}\n",
        table.join("  ")
    ))
}

/// The tier band the engine selects for each quantity from 0 to 30. The case has no
/// circumstance, so the engine recommends the standard band, `[lo + 0.3d, lo + 0.7d]` of the
/// tier's `lo..hi` with `d = hi - lo` (semantics, "Fine"; exact in fen for whole yuan): the
/// tier's band is read back from it.
fn bands(rules: &Rules) -> Vec<(i64, rust_decimal::Decimal, rust_decimal::Decimal)> {
    (0..=30)
        .map(|q| {
            let case = Case::new("YL-1").fact("party_type", "unit").fact("q", q);
            let d = rules
                .evaluate(&case)
                .unwrap_or_else(|e| panic!("q = {q}: {e}"));
            let fine = d
                .fine
                .unwrap_or_else(|| panic!("q = {q}: a fine, got {:?}", d.outcome));
            assert_eq!(d.outcome, Outcome::Standard, "q = {q}");
            let d = (fine.max - fine.min) / rust_decimal::Decimal::new(4, 1);
            let lo = fine.min - d * rust_decimal::Decimal::new(3, 1);
            (q, lo.normalize(), (lo + d).normalize())
        })
        .collect()
}

/// Tier rows with strictly increasing integer bounds (every row reachable) and fines inside the
/// statutory range, in steps of 500 yuan.
fn reachable_rows() -> impl Strategy<Value = Vec<(Option<String>, i64, i64)>> {
    (
        proptest::collection::btree_set(1..20i64, 1..4),
        proptest::collection::vec((2..=20i64, 0..=20i64), 4),
    )
        .prop_map(|(bounds, fines)| {
            let mut rows: Vec<(Option<String>, i64, i64)> = Vec::new();
            let keys = bounds
                .into_iter()
                .map(|b| Some(b.to_string()))
                .chain([None]);
            // A few yuan more on each row's start: no two rows have the same band.
            for (i, (key, (a, b))) in keys.zip(fines).enumerate() {
                let lo = a.min(b).clamp(2, 19) * 500 + i as i64;
                let hi = (a.max(b).max(2) * 500).max(lo);
                rows.push((key, lo, hi));
            }
            rows
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// L0406: a tier reported unreachable exactly when no quantity gets its band (each row's
    /// band is its own, so the band names the row).
    #[test]
    fn unreachable_tier_matches_brute_force(
        halves in proptest::collection::btree_set(2..24i64, 1..4),
    ) {
        // Bounds in half units, increasing: 2 is ..1, 3 is ..1.5; between n and n.5 no whole
        // number lies, so the tier of ..n.5 right after ..n is never reached.
        let mut rows: Vec<(Option<String>, i64, i64)> = halves
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let b = if h % 2 == 0 { (h / 2).to_string() } else { format!("{}.5", h / 2) };
                (Some(b), 1000 + 100 * i as i64, 5000 + 100 * i as i64)
            })
            .collect();
        let n = rows.len() as i64;
        rows.push((None, 1000 + 100 * n, 5000 + 100 * n));
        let rules = tier_rules(&rows);
        let seen = bands(&rules);
        let unreached = rows
            .iter()
            .filter(|(_, lo, hi)| {
                !seen.iter().any(|(_, a, b)| *a == (*lo).into() && *b == (*hi).into())
            })
            .count();
        let reported = rules
            .all_warnings()
            .iter()
            .filter(|d| d.code == Code::TierUnreachable)
            .count();
        prop_assert_eq!(reported, unreached, "{:?}", rows);
    }

    /// L0407: a gap reported exactly when some amount of the statutory range (in half-yuan
    /// steps) lies in no band any quantity gets.
    #[test]
    fn tier_gap_matches_brute_force(rows in reachable_rows()) {
        let rules = tier_rules(&rows);
        let seen = bands(&rules);
        let uncovered = (2000..=20000i64).any(|half| {
            let x = rust_decimal::Decimal::new(half * 5, 1);
            !seen.iter().any(|(_, a, b)| *a <= x && x <= *b)
        });
        prop_assert_eq!(has(&rules, Code::TierGap), uncovered, "{:?}", rows);
    }

    /// L0408: an overlap reported exactly when a larger quantity can get a band that starts
    /// below the end of a smaller quantity's band (more of the fact, a lower fine).
    #[test]
    fn tier_overlap_matches_brute_force(rows in reachable_rows()) {
        let rules = tier_rules(&rows);
        let seen = bands(&rules);
        let lower = seen.iter().any(|(q, qlo, hi)| {
            seen.iter().any(|(r, lo, rhi)| r > q && (lo, rhi) != (qlo, hi) && lo < hi)
        });
        prop_assert_eq!(has(&rules, Code::TierOverlap), lower, "{:?}", rows);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// L0415: a 减轻 entry's range reported above the statutory minimum exactly when some case
    /// where the entry applies gets a mitigated fine whose top lies above the minimum.
    #[test]
    fn mitigated_range_matches_brute_force(
        min in 1..8i64,
        top in 0..16i64,
        k in 1..4i64,
    ) {
        let (min, top) = (min * 50, top * 50);
        let text = format!(
            "{HEADER}事实 places 整数 \"处数\"\n\
             违法行为 YL-1 \"乱倒垃圾\" {{ 依据 \"《样例条例》第二条\" 罚款 {min}..1000 }}\n\
             减轻 M-1 适用 YL-1 应当 \"处数少的\" 当 places < {k} \
             依据 \"《中华人民共和国行政处罚法》第三十二条第（五）项\" 幅度 个人 0..{top}\n"
        );
        let rules = load(&text);
        let above = (0..=5).any(|places| {
            let case = Case::new("YL-1").fact("party_type", "individual").fact("places", places);
            let d = rules.evaluate(&case).unwrap_or_else(|e| panic!("{e}"));
            match (d.outcome, d.fine, d.statutory) {
                (Outcome::Mitigated, Some(f), Some(s)) => f.max > s.min,
                _ => false,
            }
        });
        prop_assert_eq!(has(&rules, Code::EntryRangeAboveMinimum), above, "{}", text);
    }
}

/// A rule set whose unit fine of 1000..10000 yuan has tiers chosen by conditions over `b`, `n`
/// and `k` (those of [`cond`]): `rows` are (condition, lo, hi), the last row's condition
/// ignored, it being 其余.
fn case_tier_rules(rows: &[(String, i64, i64)]) -> Rules {
    let last = rows.len() - 1;
    let table: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, (c, lo, hi))| {
            if i == last {
                format!("其余: {lo}..{hi}")
            } else {
                format!("当 {c}: {lo}..{hi}")
            }
        })
        .collect();
    load(&format!(
        "{HEADER}事实 b 布尔 \"甲\"\n事实 n 整数 \"数量\"\n\
         事实 k 选项 {{ a \"一\", b \"二\", c \"三\" }} \"种类\"\n\
         违法行为 YL-1 \"乱倒垃圾\" {{\n    依据 \"《样例条例》第二条\"\n    \
         单位 {{ 罚款 1000..10000 档次 {{ {} }} }}\n    个人 {{ 罚款 ..200 }}\n}}\n",
        table.join("  ")
    ))
}

/// One to three conditional branches and 其余, each with a sub-range of its own (a few yuan
/// more on each start, so that the band the engine gives names the branch).
fn case_rows() -> impl Strategy<Value = Vec<(String, i64, i64)>> {
    proptest::collection::vec((cond(), 2..=20i64, 0..=20i64), 2..5).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (c, a, b))| {
                let lo = a.min(b).clamp(2, 19) * 500 + i as i64;
                let hi = (a.max(b).max(2) * 500).max(lo);
                (c, lo, hi)
            })
            .collect()
    })
}

/// One to three conditional branches and 其余 whose sub-ranges tile the statutory range
/// 1000..10000 in some order, one of them sometimes ending 250 yuan short: so that a gap is
/// there or not by the ranges as well as by which branches a case reaches.
fn tiled_rows() -> impl Strategy<Value = Vec<(String, i64, i64)>> {
    (2..5usize)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec(cond(), n),
                proptest::collection::btree_set(3..20i64, n - 1),
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                proptest::option::of(0..n),
            )
        })
        .prop_map(|(conds, cuts, order, short)| {
            let mut ends = vec![1000];
            ends.extend(cuts.iter().map(|c| c * 500));
            ends.push(10000);
            conds
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    let (lo, hi) = (ends[order[i]], ends[order[i] + 1]);
                    (c, lo, if short == Some(i) { hi - 250 } else { hi })
                })
                .collect()
        })
}

/// The branch the engine chooses for each case of the grid, read back from the standard band
/// it recommends (as [`bands`] does); `None` where the case leaves the tier undetermined.
fn chosen(rules: &Rules, rows: &[(String, i64, i64)]) -> Vec<(Witness, Option<usize>)> {
    let m = rules.model();
    let names = |f: &str| m.fact_index[f];
    grid(m)
        .into_iter()
        .map(|w| {
            let mut case = Case::new("YL-1").fact("party_type", "unit");
            if let Some(Value::Bool(x)) = w.get(names("b")) {
                case = case.fact("b", x);
            }
            if let Some(Value::Int(x)) = w.get(names("n")) {
                case = case.fact("n", x);
            }
            if let Some(Value::Enum(x)) = w.get(names("k")) {
                case = case.fact("k", ["a", "b", "c"][x as usize]);
            }
            let d = rules.evaluate(&case).unwrap_or_else(|e| panic!("{e}"));
            let row = (d.outcome == Outcome::Standard)
                .then_some(())
                .and(d.fine)
                .map(|fine| {
                    let d = (fine.max - fine.min) / rust_decimal::Decimal::new(4, 1);
                    let lo = fine.min - d * rust_decimal::Decimal::new(3, 1);
                    let (lo, hi) = (lo.normalize(), (lo + d).normalize());
                    rows.iter()
                        .position(|(_, a, b)| lo == (*a).into() && hi == (*b).into())
                        .unwrap_or_else(|| panic!("band {lo}..{hi} of no branch: {rows:?}"))
                });
            (w, row)
        })
        .collect()
}

/// The branch numbers a message names (`第 N 档`), from 0, in order.
fn branches_named(message: &str) -> Vec<usize> {
    message
        .split("第 ")
        .skip(1)
        .filter_map(|p| p.split(" 档").next()?.parse::<usize>().ok())
        .map(|n| n - 1)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// L0406 on tiers chosen by conditions: exactly the branches the engine chooses for no
    /// case of the grid are reported.
    #[test]
    fn unreachable_case_tier_matches_brute_force(rows in case_rows()) {
        let rules = case_tier_rules(&rows);
        let seen = chosen(&rules, &rows);
        let unreached: Vec<usize> = (0..rows.len())
            .filter(|i| !seen.iter().any(|(_, r)| *r == Some(*i)))
            .collect();
        let mut reported: Vec<usize> = rules
            .all_warnings()
            .iter()
            .filter(|d| d.code == Code::TierUnreachable)
            .map(|d| branches_named(&d.message)[0])
            .collect();
        reported.sort_unstable();
        prop_assert_eq!(reported, unreached, "{:?}", rows);
    }

    /// L0407 on tiers chosen by conditions: a gap reported exactly when some amount of the
    /// statutory range (in half-yuan steps) lies in no band any case of the grid gets.
    #[test]
    fn case_tier_gap_matches_brute_force(rows in tiled_rows()) {
        let rules = case_tier_rules(&rows);
        let seen = chosen(&rules, &rows);
        let covered: Vec<(i64, i64)> = seen
            .iter()
            .filter_map(|(_, r)| r.map(|i| (rows[i].1, rows[i].2)))
            .collect();
        let uncovered = (2000..=20000i64).any(|half| {
            !covered.iter().any(|(a, b)| 2 * a <= half && half <= 2 * b)
        });
        prop_assert_eq!(has(&rules, Code::TierGap), uncovered, "{:?}", rows);
    }

    /// L0408 on tiers chosen by conditions: exactly the pairs (earlier i, later j) for which
    /// some case of the grid gets branch i while branch j's condition holds and j's sub-range
    /// is heavier (starts and ends no lower, and is not the same) are reported.
    #[test]
    fn case_tier_overlap_matches_brute_force(rows in case_rows()) {
        let rules = case_tier_rules(&rows);
        let m = rules.model();
        let table = &m.case_tiers[0];
        let seen = chosen(&rules, &rows);
        let mut expected: Vec<(usize, usize)> = Vec::new();
        for (w, r) in &seen {
            let Some(i) = *r else { continue };
            for (j, (cond, ..)) in table.rows.iter().enumerate().skip(i + 1) {
                let (il, ih, jl, jh) = (rows[i].1, rows[i].2, rows[j].1, rows[j].2);
                let heavier = jl >= il && jh >= ih && (jl, jh) != (il, ih);
                if heavier && truth_on(m, w, cond) == Some(true) && !expected.contains(&(i, j)) {
                    expected.push((i, j));
                }
            }
        }
        expected.sort_unstable();
        let mut reported: Vec<(usize, usize)> = rules
            .all_warnings()
            .iter()
            .filter(|d| d.code == Code::TierOverlap)
            .map(|d| {
                let n = branches_named(&d.message);
                (n[1], n[0])
            })
            .collect();
        reported.sort_unstable();
        prop_assert_eq!(reported, expected, "{:?}", rows);
    }
}
