//! Soundness of lints on generated small rule sets: each finding compared with an oracle
//! written here, independently of the lint (no missed finding, no false one). First those that
//! read text rather than the fact space; then, by brute force over a grid of cases decided by
//! the engine, the tier lints (L0406–L0408) on a fine under `若` and L0420 on tiers of either
//! form.
//!
//! - **L0409** (a hook's script names a fact that a violation it covers never reads) is a
//!   static read of the script's text. A brute-force search over the fact space says nothing
//!   about it: whether a script reads a fact when it runs depends on its control flow, and the
//!   lint deliberately counts every fact name the text contains. The oracle knows, from the
//!   generator, which facts each violation's entries and elements read and which each script
//!   names, and works out the (hook, fact, first violation) findings from that.
//! - **L0413** (an entry's 应当/可以 against the article it cites) is citation-based: the oracle
//!   is a table of what each article of the Administrative Penalty Law commands, written here
//!   from the law, and the citations are drawn from strings each labelled by hand with the
//!   articles it names. The one part that depends on the facts, whether a no-penalty entry
//!   citing Art. 33 para 1 implies the first sentence's ground (轻微 ∧ 及时改正 ∧ 没有危害后果:
//!   then 应当, else the second sentence's 可以), is decided by brute force over a grid of the
//!   four facts, each absent too.
//! - **L0414** (a 减轻 entry without a statutory ground) is citation-based only: the oracle is
//!   whether one of the hand-labelled citations names Art. 30, 31 or 32.

use caliper::Rules;
use caliper::analysis::{Witness, truth_on};
use caliper::diag::Code;
use caliper::model::{RuleSet, Value};
use proptest::prelude::*;

const HEADER: &str = "规则集 \"对照\" { 版本 \"1\" 施行 2025-01-01 }\n\
    事实 party_type 选项 { individual \"公民\", unit \"单位\" } \"当事人类型\"\n";

fn load(files: &[(String, String)]) -> Rules {
    Rules::from_sources(files, "main.rules").unwrap_or_else(|e| panic!("{e}\n{files:?}"))
}

const FACTS: usize = 5;

/// The facts of a bit set, `f0` … `f4`.
fn names(bits: u8) -> Vec<String> {
    (0..FACTS)
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| format!("f{i}"))
        .collect()
}

/// A condition reading exactly the facts of a non-empty bit set.
fn reading(bits: u8) -> String {
    names(bits).join(" 或 ")
}

/// One hook: which violations it covers (`None`: all) and the facts its script names, each as
/// the read-only constant of the fact's name (`f1`) that scripts are given.
#[derive(Debug, Clone)]
struct HookSpec {
    covers: Option<Vec<usize>>,
    reads: u8,
}

/// A generated rule set for L0409: two violations, the facts each one's own entries read, the
/// facts an entry covering all reads, the facts YL-1's elements read, and the hooks.
#[derive(Debug, Clone)]
struct HookSet {
    own: [u8; 2],
    all: u8,
    elements: u8,
    hooks: Vec<HookSpec>,
}

impl HookSet {
    fn files(&self) -> Vec<(String, String)> {
        let mut text = String::from(HEADER);
        for i in 0..FACTS {
            text.push_str(&format!("事实 f{i} 布尔 \"事实{i}\"\n"));
        }
        let elements = if self.elements == 0 {
            String::new()
        } else {
            format!(" 要件 {}", reading(self.elements))
        };
        text.push_str(&format!(
            "违法行为 YL-1 \"甲\" {{ 依据 \"《样例条例》第二条\"{elements} 罚款 ..200 }}\n\
             违法行为 YL-2 \"乙\" {{ 依据 \"《样例条例》第三条\" 罚款 ..300 }}\n"
        ));
        for (v, bits) in self.own.iter().enumerate() {
            if *bits != 0 {
                text.push_str(&format!(
                    "从轻 L-{v} 适用 YL-{} 可以 \"一\" 当 {} 依据 \"《中华人民共和国行政处罚法》第五条\"\n",
                    v + 1,
                    reading(*bits)
                ));
            }
        }
        if self.all != 0 {
            text.push_str(&format!(
                "从轻 L-ALL 适用 全部 可以 \"二\" 当 {} 依据 \"《中华人民共和国行政处罚法》第五条\"\n",
                reading(self.all)
            ));
        }
        let mut files = Vec::new();
        for (h, spec) in self.hooks.iter().enumerate() {
            let covers = match &spec.covers {
                None => "全部".to_string(),
                Some(vs) => vs
                    .iter()
                    .map(|v| format!("YL-{}", v + 1))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            text.push_str(&format!(
                "钩子 H-{h} \"钩子{h}\" {{ 适用 {covers} 时点 情节之后 脚本 \"hooks/h{h}.rhai\" 依据 \"《样例规范性文件》\" }}\n"
            ));
            let mut script = String::from("note(\"运行\");\n");
            for f in names(spec.reads) {
                script.push_str(&format!("if {f} == true {{ note(\"是\"); }}\n"));
            }
            files.push((format!("hooks/h{h}.rhai"), script));
        }
        files.push(("main.rules".to_string(), text));
        files
    }

    /// The oracle: per hook, per fact its script names, the first violation it covers (in
    /// code order) whose entries and elements do not read the fact.
    fn expected(&self) -> Vec<(String, String, String)> {
        let read = |v: usize| {
            let mut bits = self.own[v] | self.all;
            if v == 0 {
                bits |= self.elements;
            }
            bits
        };
        let mut out = Vec::new();
        for (h, spec) in self.hooks.iter().enumerate() {
            let covered = spec.covers.clone().unwrap_or_else(|| vec![0, 1]);
            for f in 0..FACTS {
                if spec.reads & (1 << f) == 0 {
                    continue;
                }
                if let Some(v) = covered.iter().find(|&&v| read(v) & (1 << f) == 0) {
                    out.push((format!("H-{h}"), format!("f{f}"), format!("YL-{}", v + 1)));
                }
            }
        }
        out.sort();
        out
    }
}

fn hook_set() -> impl Strategy<Value = HookSet> {
    let bits = 0u8..(1 << FACTS);
    let covers = prop_oneof![
        Just(None),
        Just(Some(vec![0])),
        Just(Some(vec![1])),
        Just(Some(vec![0, 1])),
        Just(Some(vec![1, 0])),
    ];
    (
        [bits.clone(), bits.clone()],
        bits.clone(),
        bits.clone(),
        proptest::collection::vec(
            (covers, bits).prop_map(|(covers, reads)| HookSpec { covers, reads }),
            1..4,
        ),
    )
        .prop_map(|(own, all, elements, hooks)| HookSet {
            own,
            all,
            elements,
            hooks,
        })
}

/// `钩子 H-0 的脚本读取事实 f1，但它适用的违法行为 YL-2 …` → (H-0, f1, YL-2).
fn hook_finding(message: &str) -> (String, String, String) {
    let word = |after: &str| {
        message
            .split(after)
            .nth(1)
            .and_then(|r| r.split(['，', ' ']).find(|w| !w.is_empty()))
            .unwrap_or_else(|| panic!("{after} in {message}"))
            .to_string()
    };
    (word("钩子 "), word("读取事实 "), word("违法行为 "))
}

/// An article of the Administrative Penalty Law, as the oracle knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Art {
    A30,
    A31,
    A32,
    A33P1,
    A33P2,
    A49,
}

/// Citations, each labelled by hand with the articles of the law it names.
const CITATIONS: &[(&str, &[Art])] = &[
    ("《中华人民共和国行政处罚法》第三十条", &[Art::A30]),
    ("《中华人民共和国行政处罚法》第三十条第二款", &[Art::A30]),
    ("《中华人民共和国行政处罚法》第三十一条", &[Art::A31]),
    ("《中华人民共和国行政处罚法》第三十二条", &[Art::A32]),
    (
        "《中华人民共和国行政处罚法》第三十二条第（五）项",
        &[Art::A32],
    ),
    (
        "《中华人民共和国行政处罚法》第三十三条第一款",
        &[Art::A33P1],
    ),
    (
        "《中华人民共和国行政处罚法》第三十三条第二款",
        &[Art::A33P2],
    ),
    (
        "《中华人民共和国行政处罚法》第三十三条",
        &[Art::A33P1, Art::A33P2],
    ),
    ("《中华人民共和国行政处罚法》第四十九条", &[Art::A49]),
    ("《中华人民共和国行政处罚法》第五条", &[]),
    ("《中华人民共和国行政处罚法》第二十八条", &[]),
    ("《样例条例》第三十二条", &[]),
    ("《样例条例》第三十三条第一款", &[]),
];

/// The lists an entry may be on: keyword, whether it is the no-penalty list, whether it
/// mitigates.
const LISTS: &[(&str, bool, bool)] = &[
    ("不予处罚", true, false),
    ("从轻", false, false),
    ("减轻", false, true),
    ("从轻或者减轻", false, true),
    ("从重", false, false),
];

#[derive(Debug, Clone)]
struct EntrySpec {
    list: usize,
    shall: bool,
    statutory: bool,
    citations: Vec<usize>,
    cond: String,
}

impl EntrySpec {
    fn articles(&self) -> Vec<Art> {
        let mut out: Vec<Art> = Vec::new();
        for &c in &self.citations {
            for a in CITATIONS[c].1 {
                if !out.contains(a) {
                    out.push(*a);
                }
            }
        }
        out
    }
}

fn entry() -> impl Strategy<Value = EntrySpec> {
    (
        0..LISTS.len(),
        any::<bool>(),
        prop::bool::weighted(0.15),
        proptest::collection::vec(0..CITATIONS.len(), 1..3),
        ground_cond(),
    )
        .prop_map(|(list, shall, statutory, citations, cond)| EntrySpec {
            list,
            shall,
            statutory,
            citations,
            cond,
        })
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

fn entry_rules(entries: &[EntrySpec]) -> Rules {
    let mut text = format!(
        "{HEADER}事实 first_offense 布尔 \"初次违法\"\n事实 corrected 布尔 \"及时改正\"\n\
         事实 minor 布尔 \"轻微\"\n\
         事实 harm 选项 {{ none \"无\", minor \"轻微\", general \"一般\" }} \"危害后果\"\n\
         违法行为 YL-1 \"乱倒垃圾\" {{ 依据 \"《样例条例》第二条\" 罚款 100..200 }}\n"
    );
    for (i, e) in entries.iter().enumerate() {
        let basis: Vec<String> = e
            .citations
            .iter()
            .map(|&c| format!("依据 \"{}\"", CITATIONS[c].0))
            .collect();
        text.push_str(&format!(
            "{}{} E-{i} 适用 YL-1 {} \"条目{i}\" 当 {} {}\n",
            if e.statutory { "法定 " } else { "" },
            LISTS[e.list].0,
            if e.shall { "应当" } else { "可以" },
            e.cond,
            basis.join(" ")
        ));
    }
    load(&[("main.rules".to_string(), text)])
}

/// Whether the entry's condition implies Art. 33 para 1's first sentence (轻微 ∧ 及时改正 ∧
/// 没有危害后果), by brute force over every combination of the four facts, each absent too.
fn implies_first_sentence(rules: &Rules, entry: usize) -> bool {
    let m = rules.model();
    let f = |n: &str| m.fact_index[n];
    let cond = &m.entries[entry].cond;
    let bools = [None, Some(true), Some(false)];
    for fo in bools {
        for co in bools {
            for mi in bools {
                for h in [None, Some(0u16), Some(1), Some(2)] {
                    let mut w = Witness::default();
                    let mut set = |name: &str, v: Option<Value>| {
                        if let Some(v) = v {
                            w.set(f(name), v);
                        }
                    };
                    set("first_offense", fo.map(Value::Bool));
                    set("corrected", co.map(Value::Bool));
                    set("minor", mi.map(Value::Bool));
                    set("harm", h.map(Value::Enum));
                    let first = mi == Some(true) && co == Some(true) && h == Some(0);
                    if truth_on(m, &w, cond) == Some(true) && !first {
                        return false;
                    }
                }
            }
        }
    }
    true
}

/// The oracle of L0413: the modality the one article an entry cites commands, where it fixes
/// one (the law: Arts. 30, 32, 33 para 2 and 49 应当; Art. 31 应当 for no penalty, 可以 for
/// the lighter or mitigated penalty of the partly able; Art. 33 para 1 for no penalty 应当 in
/// its first sentence, 可以 in its second).
fn commanded(rules: &Rules, i: usize, e: &EntrySpec) -> Option<bool> {
    let [a] = e.articles()[..] else {
        return None;
    };
    let no_penalty = LISTS[e.list].1;
    match a {
        Art::A30 | Art::A32 | Art::A33P2 | Art::A49 => Some(true),
        Art::A31 => Some(no_penalty),
        Art::A33P1 if no_penalty => Some(implies_first_sentence(rules, i)),
        Art::A33P1 => None,
    }
}

/// The entries a lint reports, by index (`清单条目 E-2 …`, `减轻条目 E-2 …`).
fn reported(rules: &Rules, code: Code) -> Vec<usize> {
    let mut out: Vec<usize> = rules
        .all_warnings()
        .iter()
        .filter(|d| d.code == code)
        .map(|d| {
            let id = d
                .message
                .split("E-")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .unwrap_or_else(|| panic!("an entry in {}", d.message));
            id.parse().unwrap_or_else(|_| panic!("{}", d.message))
        })
        .collect();
    out.sort_unstable();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// L0409: exactly the (hook, fact, first violation) findings the oracle works out.
    #[test]
    fn hook_fact_matches_oracle(set in hook_set()) {
        let rules = load(&set.files());
        let mut found: Vec<(String, String, String)> = rules
            .all_warnings()
            .iter()
            .filter(|d| d.code == Code::HookUndeclaredFact)
            .map(|d| hook_finding(&d.message))
            .collect();
        found.sort();
        prop_assert_eq!(found, set.expected(), "{:?}", set);
    }

    /// L0413: exactly the local entries citing one article whose modality is not the one the
    /// oracle's table gives.
    #[test]
    fn modality_matches_oracle(entries in proptest::collection::vec(entry(), 1..5)) {
        let rules = entry_rules(&entries);
        let expected: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(i, e)| !e.statutory && commanded(&rules, *i, e).is_some_and(|want| want != e.shall))
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(reported(&rules, Code::ModalityMismatch), expected, "{:?}", entries);
    }

    /// L0414: exactly the local 减轻 and 从轻或者减轻 entries that cite none of Arts. 30–32.
    #[test]
    fn mitigation_ground_matches_oracle(entries in proptest::collection::vec(entry(), 1..5)) {
        let rules = entry_rules(&entries);
        let expected: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                !e.statutory
                    && LISTS[e.list].2
                    && !e.articles().iter().any(|a| matches!(a, Art::A30 | Art::A31 | Art::A32))
            })
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(reported(&rules, Code::MitigationWithoutGround), expected, "{:?}", entries);
    }
}

/// The oracles find something: a hand-made set where each lint must report (so that the
/// property tests cannot pass on a lint that never reports).
#[test]
fn the_oracles_expect_findings() {
    let set = HookSet {
        own: [0b00001, 0],
        all: 0,
        elements: 0,
        hooks: vec![HookSpec {
            covers: None,
            reads: 0b00011,
        }],
    };
    let expected = set.expected();
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert!(expected.contains(&("H-0".into(), "f0".into(), "YL-2".into())));
    let rules = load(&set.files());
    assert!(
        rules
            .all_warnings()
            .iter()
            .any(|d| d.code == Code::HookUndeclaredFact)
    );
    let e = EntrySpec {
        list: 2,
        shall: false,
        statutory: false,
        citations: vec![11],
        cond: "corrected".into(),
    };
    let rules = entry_rules(std::slice::from_ref(&e));
    assert_eq!(reported(&rules, Code::MitigationWithoutGround), vec![0]);
    let e = EntrySpec {
        list: 0,
        shall: false,
        statutory: false,
        citations: vec![5],
        cond: "(minor 且 (corrected 且 harm = none))".into(),
    };
    let rules = entry_rules(std::slice::from_ref(&e));
    assert_eq!(commanded(&rules, 0, &e), Some(true));
    assert_eq!(reported(&rules, Code::ModalityMismatch), vec![0]);
}

// ── Tiers over the fact space: L0420 with tiers of either form, L0406–L0408 under `若` ──
//
// These compare with a brute-force search: every case of a grid wider than any partition
// (`b` each truth value, `n` from 0 to 12, `k` each option, and each fact absent) is decided by
// the engine, and the tier it gets is read back from the standard band of its fine.

/// A small condition over `b` (bool), `n` (int) and `k` (option a/b/c), constants 0..10.
fn small_cond() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("b".to_string()),
        Just("不 b".to_string()),
        (
            prop_oneof![Just("<"), Just("<="), Just(">"), Just(">="), Just("=")],
            0..10i64
        )
            .prop_map(|(op, c)| format!("n {op} {c}")),
        prop_oneof![Just("a"), Just("b"), Just("c")].prop_map(|v| format!("k = {v}")),
        prop_oneof![Just("{a}"), Just("{a, b}"), Just("{b, c}")]
            .prop_map(|s| format!("k 属于 {s}")),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} 且 {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} 或 {b})")),
            inner.prop_map(|a| format!("不 ({a})")),
        ]
    })
}

const SMALL_FACTS: &str = "事实 b 布尔 \"甲\"\n事实 n 整数 \"数量\"\n\
    事实 k 选项 { a \"一\", b \"二\", c \"三\" } \"种类\"\n";

/// A table of tiers of the unit fine 1000..10000: by `n` (keys `..c` ascending) or chosen by
/// conditions (keys `当 …`); the last row is 其余.
#[derive(Debug, Clone)]
struct Table {
    by_n: bool,
    /// Each row's key before its colon (the last is 其余) and its sub-range.
    rows: Vec<(String, i64, i64)>,
}

impl Table {
    fn text(&self) -> String {
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|(k, lo, hi)| format!("{k}: {lo}..{hi}"))
            .collect();
        if self.by_n {
            format!("档次 n {{ {} }}", rows.join("  "))
        } else {
            format!("档次 {{ {} }}", rows.join("  "))
        }
    }
}

/// The keys of a table: ascending bounds of `n`, or conditions; 其余 last.
fn keys(count: usize) -> impl Strategy<Value = (bool, Vec<String>)> {
    prop_oneof![
        proptest::collection::btree_set(0..10i64, count - 1).prop_map(|bounds| {
            let mut k: Vec<String> = bounds.iter().map(|c| format!("..{c}")).collect();
            k.push("其余".into());
            (true, k)
        }),
        proptest::collection::vec(small_cond(), count - 1).prop_map(|conds| {
            let mut k: Vec<String> = conds.into_iter().map(|c| format!("当 {c}")).collect();
            k.push("其余".into());
            (false, k)
        }),
    ]
}

/// Two to four rows with sub-ranges of their own, each distinct (a few yuan more on each
/// start), so that the band the engine gives names the row; or sub-ranges that tile the
/// statutory range in some order, one sometimes ending 250 yuan short (so that a gap is there
/// or not by the ranges as well as by which rows a case reaches).
fn table() -> impl Strategy<Value = Table> {
    (2..5usize)
        .prop_flat_map(|count| {
            (
                keys(count),
                proptest::collection::vec((2..=20i64, 0..=20i64), count),
                proptest::collection::btree_set(3..20i64, count - 1),
                Just((0..count).collect::<Vec<usize>>()).prop_shuffle(),
                proptest::option::of(0..count),
                any::<bool>(),
            )
        })
        .prop_map(|((by_n, keys), free, cuts, order, short, tiled)| {
            let mut ends = vec![1000];
            ends.extend(cuts.iter().map(|c| c * 500));
            ends.push(10000);
            let rows = keys
                .into_iter()
                .enumerate()
                .map(|(i, key)| {
                    let (lo, hi) = if tiled {
                        let (lo, hi) = (ends[order[i]], ends[order[i] + 1]);
                        (lo, if short == Some(i) { hi - 250 } else { hi })
                    } else {
                        let (a, b) = free[i];
                        let lo = a.min(b).clamp(2, 19) * 500 + i as i64;
                        (lo, (a.max(b).max(2) * 500).max(lo))
                    };
                    (key, lo, hi)
                })
                .collect();
            Table { by_n, rows }
        })
}

/// A rule set whose unit fine, with `table`'s tiers, is written under `若 way { … } 否则 {
/// 警告 }` (no `若` where `way` is none).
fn way_rules(way: Option<&str>, table: &Table) -> Rules {
    let fine = format!("罚款 1000..10000 {}", table.text());
    let unit = match way {
        Some(w) => format!("若 {w} {{ {fine} }} 否则 {{ 警告 }}"),
        None => fine,
    };
    load(&[(
        "main.rules".to_string(),
        format!(
            "{HEADER}{SMALL_FACTS}违法行为 YL-1 \"乱倒垃圾\" {{\n    依据 \"《样例条例》第二条\"\n    \
             单位 {{ {unit} }}\n    个人 {{ 罚款 ..200 }}\n}}\n"
        ),
    )])
}

/// A case's facts by name.
type Facts = Vec<(&'static str, serde_json::Value)>;

/// Every case of the grid, as the facts of a unit's case.
fn small_grid() -> Vec<Facts> {
    let mut out = Vec::new();
    for b in [None, Some(true), Some(false)] {
        for n in std::iter::once(None).chain((0..=12i64).map(Some)) {
            for k in [None, Some("a"), Some("b"), Some("c")] {
                let mut facts = vec![("party_type", serde_json::json!("unit"))];
                facts.extend(b.map(|b| ("b", serde_json::json!(b))));
                facts.extend(n.map(|n| ("n", serde_json::json!(n))));
                facts.extend(k.map(|k| ("k", serde_json::json!(k))));
                out.push(facts);
            }
        }
    }
    out
}

/// The tier (sub-range) the engine's decision of a case stands in, read back from the standard
/// band (the middle 0.3..0.7 of the tier); none where the case gets no fine as a standard case.
fn decided_tier(
    rules: &Rules,
    facts: &[(&str, serde_json::Value)],
) -> Option<(rust_decimal::Decimal, rust_decimal::Decimal)> {
    let mut case = caliper::Case::new("YL-1");
    for (name, v) in facts {
        case = case.fact(*name, v.clone());
    }
    let d = rules.evaluate(&case).unwrap_or_else(|e| panic!("{e}"));
    if d.outcome != caliper::Outcome::Standard {
        return None;
    }
    let fine = d.fine?;
    let width = (fine.max - fine.min) / rust_decimal::Decimal::new(4, 1);
    let lo = fine.min - width * rust_decimal::Decimal::new(3, 1);
    Some((lo.normalize(), (lo + width).normalize()))
}

/// The row of `table` each grid case gets, with the case (none: no tier, off the way or
/// undetermined).
fn rows_decided(rules: &Rules, table: &Table) -> Vec<(Facts, Option<usize>)> {
    small_grid()
        .into_iter()
        .map(|facts| {
            let row = decided_tier(rules, &facts).map(|(lo, hi)| {
                table
                    .rows
                    .iter()
                    .position(|(_, a, b)| lo == (*a).into() && hi == (*b).into())
                    .unwrap_or_else(|| panic!("tier {lo}..{hi} of no row: {table:?}"))
            });
            (facts, row)
        })
        .collect()
}

/// The row numbers a message names (`第 N 档`), from 0, in order.
fn rows_named(message: &str) -> Vec<usize> {
    message
        .split("第 ")
        .skip(1)
        .filter_map(|p| p.split(" 档").next()?.parse::<usize>().ok())
        .map(|n| n - 1)
        .collect()
}

/// What the brute force expects of the tier lints on `table` under `way`: the unreached rows
/// (L0406), whether there is a gap (L0407), and the overlapping pairs (L0408, earlier first).
fn tier_oracle(rules: &Rules, table: &Table) -> (Vec<usize>, bool, Vec<(usize, usize)>) {
    let decided = rows_decided(rules, table);
    let reached: Vec<usize> = (0..table.rows.len())
        .filter(|i| decided.iter().any(|(_, r)| *r == Some(*i)))
        .collect();
    let unreached: Vec<usize> = (0..table.rows.len())
        .filter(|i| !reached.contains(i))
        .collect();
    // A gap: some amount of the statutory range (in half-yuan steps) in no reached row, where
    // any case reaches the fine at all.
    let gap = !reached.is_empty()
        && (2000..=20000i64).any(|half| {
            !reached.iter().any(|&i| {
                let (_, a, b) = &table.rows[i];
                2 * a <= half && half <= 2 * b
            })
        });
    let mut overlaps = Vec::new();
    if table.by_n {
        // Neighbours among the reached rows whose sub-ranges overlap beyond a point.
        for w in reached.windows(2) {
            if table.rows[w[1]].1 < table.rows[w[0]].2 {
                overlaps.push((w[0], w[1]));
            }
        }
    } else {
        // A case gets row i while the condition of a later, heavier row j holds.
        let m = rules.model();
        for (facts, r) in &decided {
            let Some(i) = *r else { continue };
            let w = small_witness(m, facts);
            // The one table of the rule set; 其余 (the last row) has no condition.
            for (j, (cond, ..)) in m.case_tiers[0].rows.iter().enumerate().skip(i + 1) {
                let (_, jl, jh) = &table.rows[j];
                let (_, il, ih) = &table.rows[i];
                let heavier = jl >= il && jh >= ih && (jl, jh) != (il, ih);
                let holds = truth_on(m, &w, cond) == Some(true);
                if heavier && holds && !overlaps.contains(&(i, j)) {
                    overlaps.push((i, j));
                }
            }
        }
        overlaps.sort_unstable();
    }
    (unreached, gap, overlaps)
}

/// A grid case as a witness of the small facts.
fn small_witness(m: &RuleSet, facts: &[(&str, serde_json::Value)]) -> Witness {
    let mut w = Witness::default();
    for (name, v) in facts {
        let f = m.fact_index[*name];
        let value = match (*name, v) {
            ("b", serde_json::Value::Bool(x)) => Value::Bool(*x),
            ("n", x) => Value::Int(x.as_i64().expect("an integer")),
            ("k", x) => Value::Enum(
                ["a", "b", "c"]
                    .iter()
                    .position(|o| Some(*o) == x.as_str())
                    .expect("an option") as u16,
            ),
            _ => continue,
        };
        w.set(f, value);
    }
    w
}

/// What the tier lints report on a rule set: unreachable rows, whether a gap, overlapping pairs.
fn tier_reported(rules: &Rules) -> (Vec<usize>, bool, Vec<(usize, usize)>) {
    let all = rules.all_warnings();
    let mut unreached: Vec<usize> = all
        .iter()
        .filter(|d| d.code == Code::TierUnreachable)
        .map(|d| rows_named(&d.message)[0])
        .collect();
    unreached.sort_unstable();
    let gap = all.iter().any(|d| d.code == Code::TierGap);
    let mut overlaps: Vec<(usize, usize)> = all
        .iter()
        .filter(|d| d.code == Code::TierOverlap)
        .map(|d| {
            let n = rows_named(&d.message);
            // Tiers by a fact name the earlier row first; tiers chosen by conditions the later.
            if n[0] < n[1] {
                (n[0], n[1])
            } else {
                (n[1], n[0])
            }
        })
        .collect();
    overlaps.sort_unstable();
    assert!(
        all.iter().all(|d| d.code != Code::AnalysisTooLarge),
        "a small question reported too large"
    );
    (unreached, gap, overlaps)
}

/// A base rule set (`city/`) whose unit fine has `base`'s tiers and a county's that refines
/// it with `county`'s: the county's rules and the city's.
fn refined_rules(base: &Table, county: &Table) -> (Rules, Rules) {
    let city = format!(
        "规则集 \"某市\" {{ 版本 \"1\" 施行 2025-01-01 }}\n\
         事实 party_type 选项 {{ individual \"公民\", unit \"单位\" }} \"当事人类型\"\n\
         {SMALL_FACTS}违法行为 YL-1 \"乱倒垃圾\" {{\n    依据 \"《样例条例》第二条\"\n    \
         单位 {{ 罚款 1000..10000 {} }}\n    个人 {{ 罚款 ..200 }}\n}}\n",
        base.text()
    );
    let main = format!(
        "规则集 \"某县\" {{\n    基于 \"city\"\n    版本 \"1\"\n}}\n\n细化 YL-1 {{\n    单位 {{ {} }}\n}}\n",
        county.text()
    );
    let files = vec![
        ("main.rules".to_string(), main),
        ("city/main.rules".to_string(), city.clone()),
    ];
    let city_alone = vec![("main.rules".to_string(), city)];
    (load(&files), load(&city_alone))
}

/// A table for a refinement: rows at whole thousands, so that a county's tier often lies
/// inside the city's and often does not.
fn refining_table() -> impl Strategy<Value = Table> {
    (2..5usize)
        .prop_flat_map(|count| {
            (
                keys(count),
                proptest::collection::vec((1..10i64, 1..10i64), count),
            )
        })
        .prop_map(|((by_n, keys), ranges)| Table {
            by_n,
            rows: keys
                .into_iter()
                .zip(ranges)
                .map(|(k, (a, b))| (k, a.min(b) * 1000, (a.max(b) + 1).min(10) * 1000))
                .collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// L0406, L0407 and L0408 on a fine under `若` (or none), with tiers of either form:
    /// exactly the unreached rows, a gap exactly where the brute force finds one, and exactly
    /// the overlapping pairs.
    #[test]
    fn tier_lints_under_a_condition_match_brute_force(
        way in proptest::option::of(small_cond()),
        table in table(),
    ) {
        let rules = way_rules(way.as_deref(), &table);
        let expected = tier_oracle(&rules, &table);
        prop_assert_eq!(tier_reported(&rules), expected, "{:?} {:?}", way, table);
    }

    /// L0420 with tiers of either form on either side: a finding exactly where some case of
    /// the grid gets, in the county, a tier that does not lie inside the one it gets in the
    /// city; and the finding's case is such a case.
    #[test]
    fn refinement_outside_the_base_matches_brute_force(
        base in refining_table(),
        county in refining_table(),
    ) {
        let (rules, city) = refined_rules(&base, &county);
        let leaves = |facts: &[(&str, serde_json::Value)]| {
            match (decided_tier(&city, facts), decided_tier(&rules, facts)) {
                (Some((c0, c1)), Some((a0, a1))) => a0 < c0 || a1 > c1,
                _ => false,
            }
        };
        let expected = small_grid().iter().any(|f| leaves(f));
        let found: Vec<_> = rules
            .all_warnings()
            .into_iter()
            .filter(|d| d.code == Code::RefinementOutsideBase)
            .collect();
        prop_assert_eq!(!found.is_empty(), expected, "{:?} {:?}", base, county);
        prop_assert!(found.len() <= 1, "one finding per refined fine");
        for d in &found {
            let case = &d.example.as_ref().expect("an example case").case;
            let facts: Facts = case["facts"]
                .as_object()
                .expect("facts")
                .iter()
                .filter(|(name, _)| ["party_type", "b", "n", "k"].contains(&name.as_str()))
                .map(|(name, v)| {
                    let name: &'static str = match name.as_str() {
                        "party_type" => "party_type",
                        "b" => "b",
                        "n" => "n",
                        _ => "k",
                    };
                    (name, v.clone())
                })
                .collect();
            prop_assert!(leaves(&facts), "{}: {:?}", d.message, case);
        }
    }
}

/// The two brute forces above find something: hand-made sets where a tier under `若` is
/// unreachable and a county's tier chosen by conditions leaves the city's table.
#[test]
fn the_tier_oracles_expect_findings() {
    let table = Table {
        by_n: true,
        rows: vec![
            ("..2".into(), 1000, 5000),
            ("..8".into(), 5000, 8000),
            ("其余".into(), 8000, 10000),
        ],
    };
    let rules = way_rules(Some("n > 3"), &table);
    let expected = tier_oracle(&rules, &table);
    assert_eq!(expected, (vec![0], true, vec![]));
    assert_eq!(tier_reported(&rules), expected);
    let cases = Table {
        by_n: false,
        rows: vec![
            ("当 b".into(), 8000, 10000),
            ("当 n > 5".into(), 5000, 8000),
            ("其余".into(), 1000, 5000),
        ],
    };
    let (rules, _) = refined_rules(&table, &cases);
    let found: Vec<_> = rules
        .all_warnings()
        .into_iter()
        .filter(|d| d.code == Code::RefinementOutsideBase)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
}
