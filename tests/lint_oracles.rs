//! Soundness of the lints that read text rather than the fact space, on generated small rule
//! sets: each finding compared with an oracle written here, independently of the lint (no
//! missed finding, no false one).
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
use caliper::model::Value;
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
