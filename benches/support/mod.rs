//! Generated rule sets for the benches: the shipped facts, statute and aggravated files, a root
//! with the shipped header, and generated regulation files holding `violations` violations and
//! `entries` list entries.
//!
//! Every generated violation has one of [`SHAPES`] shapes; shape 0 is the shape of the shipped
//! XR-49-2 (单位 5000..50000, 个人 ..200), so a case for XR-49-2 can be evaluated against a
//! generated violation of that shape and give the same decision. Every generated entry condition
//! is false for such a case (each is a conjunction with a circumstance the case denies), so the
//! walk evaluates every entry of the violation's plan and none of them changes the result.
//!
//! The shipped files are reused as they are, except that `适用 全部 除 A, B` exceptions are
//! dropped: they name shipped violations that the generated set does not hold (an exception for
//! a violation that does not exist is a load error), and without those violations they exclude
//! nothing.

use std::fmt::Write;

/// The root file of a generated rule set.
pub const ROOT: &str = "main.rules";

/// Violations per generated regulation file.
const PER_FILE: usize = 50;

/// How many violation shapes the generator cycles through.
pub const SHAPES: usize = 8;

/// The shipped files every generated rule set includes, so that standard facts bind.
const SHIPPED: [(&str, &str); 3] = [
    (
        "facts.rules",
        concat!(env!("CARGO_MANIFEST_DIR"), "/rules/facts.rules"),
    ),
    (
        "statute.rules",
        concat!(env!("CARGO_MANIFEST_DIR"), "/rules/statute.rules"),
    ),
    (
        "aggravated.rules",
        concat!(env!("CARGO_MANIFEST_DIR"), "/rules/aggravated.rules"),
    ),
];

/// The shipped root file, for its header.
const SHIPPED_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/main.rules");

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// `适用 全部 除 A, B …` → `适用 全部 …`: the exceptions name violations of the shipped catalogue.
fn without_exceptions(text: &str) -> String {
    const ALL_EXCEPT: &str = "适用 全部 除";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(ALL_EXCEPT) {
        out.push_str(&rest[..at]);
        out.push_str("适用 全部 ");
        rest = rest[at + ALL_EXCEPT.len()..].trim_start_matches(|c: char| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | ',' | '、' | ' ' | '\t' | '\n' | '\r')
        });
    }
    out.push_str(rest);
    out
}

/// The code of generated violation `i`.
pub fn code(i: usize) -> String {
    format!("G{:02}-{i:04}", i / PER_FILE)
}

/// The code of a generated violation shaped like the shipped XR-49-2, near the middle of a set
/// of `violations` violations.
pub fn xr_49_2_like(violations: usize) -> String {
    let mid = violations / 2;
    code(mid - mid % SHAPES)
}

/// A rule set of `violations` violations and `entries` list entries, as (path, text) files; the
/// root is [`ROOT`].
pub fn generate(violations: usize, entries: usize) -> Vec<(String, String)> {
    assert!(violations >= SHAPES, "at least {SHAPES} violations");
    let n_files = violations.div_ceil(PER_FILE);

    // The root: the shipped header (everything before the first include), then the includes.
    let shipped_root = read(SHIPPED_ROOT);
    let header_end = shipped_root
        .find("\n包含")
        .expect("the shipped main.rules has includes");
    let mut root = String::with_capacity(header_end + 64 * (n_files + 3));
    root.push_str(&shipped_root[..header_end]);
    root.push_str("\n\n# 以下为基准测试生成的规则文件\n");
    for (path, _) in SHIPPED {
        let _ = writeln!(root, "包含 \"{path}\"");
    }
    let paths: Vec<String> = (0..n_files)
        .map(|f| format!("gen/reg-{f:02}.rules"))
        .collect();
    for p in &paths {
        let _ = writeln!(root, "包含 \"{p}\"");
    }

    // The regulations: one file per PER_FILE violations.
    let mut bodies: Vec<String> = (0..n_files)
        .map(|f| {
            let mut s = String::with_capacity(PER_FILE * 400 + entries / n_files * 700);
            let _ = write!(
                s,
                "# 基准测试生成的法规 {f}\n\n法规 G{f:02} \"《基准测试生成条例（第{f}号）》\" {{\n    \
                 施行 {}-01-01\n    说明 \"生成的法规，仅供基准测试\"\n",
                2010 + f % 10
            );
            s
        })
        .collect();
    for i in 0..violations {
        violation(&mut bodies[i / PER_FILE], i);
    }
    for b in &mut bodies {
        b.push_str("}\n");
    }

    // The entries: entry j is the (j / violations)-th entry of violation j % violations, in the
    // file of that violation; the lists rotate so that every violation gets entries of all four.
    for j in 0..entries {
        let v = j % violations;
        let k = j / violations;
        entry(&mut bodies[v / PER_FILE], j, v, k, violations);
    }

    let mut files = Vec::with_capacity(n_files + 4);
    files.push((ROOT.to_string(), root));
    for (path, full) in SHIPPED {
        files.push((path.to_string(), without_exceptions(&read(full))));
    }
    files.extend(paths.into_iter().zip(bodies));
    files
}

fn article(i: usize) -> String {
    format!(
        "《基准测试生成条例（第{}号）》第{}条",
        i / PER_FILE,
        i % PER_FILE + 10
    )
}

fn violation(s: &mut String, i: usize) {
    let f = i / PER_FILE;
    let art = i % PER_FILE + 10;
    let scale = 1 + i % 5; // varies the ranges of shapes other than 0
    let _ = write!(
        s,
        "\n    违法行为 {} \"生成的违法行为 {i}\" {{\n        违反 \"《基准测试生成条例（第{f}号）》第{}条\"\n        \
         依据 \"{}\"\n",
        code(i),
        art - 5,
        article(i)
    );
    let body = match i % SHAPES {
        // The shape of XR-49-2, exactly.
        0 => "        单位 { 罚款 5000..50000 }\n        个人 { 罚款 ..200 }\n".to_string(),
        // 警告；拒不改正的，罚款.
        1 => format!(
            "        警告\n        若 uncorrected {{\n            罚款 {}..{}\n        }}\n",
            20 * scale,
            50 * scale
        ),
        // Per square metre, with a measure.
        2 => format!(
            "        措施 恢复原状\n        罚款 每 area_m2 {}..{}\n",
            50 * scale,
            100 * scale
        ),
        // A multiple of a money fact.
        3 => "        警告\n        罚款 facility_cost 1..3 倍\n".to_string(),
        // 经营性 / 非经营性.
        4 => format!(
            "        没收烧烤工具\n        若 commercial {{\n            罚款 {}..{}\n        }} 否则 {{\n            \
             罚款 {}..{}\n        }}\n",
            2000 * scale,
            20000 * scale,
            500 * scale,
            2000 * scale
        ),
        // 警告或者罚款.
        5 => format!(
            "        措施 责令停止侵害\n        警告 或 罚款 {}..{}\n",
            100 * scale,
            500 * scale
        ),
        // Per party, the unit's fine only when uncorrected; per tree for individuals.
        6 => format!(
            "        个人 {{ 罚款 每 trees {}..{} }}\n        单位 {{\n            警告\n            \
             若 uncorrected {{ 罚款 {}..{} }}\n        }}\n",
            500 * scale,
            5000 * scale,
            1000 * scale,
            10000 * scale
        ),
        // 可以处罚款; an up-to multiple.
        _ => {
            if i.is_multiple_of(2) {
                format!("        可以 罚款 ..{}\n", 20000 * scale)
            } else {
                "        罚款 project_cost ..0.02 倍\n".to_string()
            }
        }
    };
    s.push_str(&body);
    s.push_str("    }\n");
}

/// The four lists, and the conditions the generator draws from for each. Every condition is a
/// conjunction with a circumstance that the benches' XR-49-2 case (uncorrected, not a first
/// offence, general harm, no prior penalty) denies: `corrected`, `first_offense`,
/// `eliminated_harm`, a prior-penalty count of 2 or more, `harm = serious`, …
const NO_PENALTY: [&str; 4] = [
    "area_m2 <= {n} 且 corrected",
    "first_offense 且 harm 属于 {none, minor} 且 corrected 且 places <= {n}",
    "不 road_damaged 且 days <= {n} 且 corrected",
    "places < {n} 且 first_offense",
];
const LIGHTER: [&str; 4] = [
    "corrected 且 eliminated_harm",
    "cleared_on_spot 且 volume_m3 <= {n}",
    "replanted 且 trees <= {n}",
    "volume_m3 <= {n} 且 corrected",
];
const MITIGATED: [&str; 4] = [
    "places < {n} 且 corrected",
    "first_offense 且 signs <= {n}",
    "eliminated_harm 且 harm 属于 {none, minor}",
    "corrected 且 (area_m2 <= {n} 或 volume_m3 <= {n})",
];
const AGGRAVATED: [&str; 4] = [
    "prior_penalties_12m >= {n} 且 不 corrected",
    "harm = serious 且 trips >= {n}",
    "continued_after_warning 且 days >= {n}",
    "prior_penalties_12m >= 2 且 illegal_income > {n}",
];

fn entry(s: &mut String, j: usize, v: usize, k: usize, violations: usize) {
    let n = 2 + (j * 7 + k) % 9;
    let (list, prefix, pool, law) = match (k + v) % 4 {
        0 => (
            "不予处罚",
            "N",
            &NO_PENALTY,
            "《中华人民共和国行政处罚法》第三十三条第一款",
        ),
        1 if j.is_multiple_of(5) => (
            "从轻或者减轻",
            "LM",
            &LIGHTER,
            "《中华人民共和国行政处罚法》第三十二条",
        ),
        1 => (
            "从轻",
            "L",
            &LIGHTER,
            "《中华人民共和国行政处罚法》第三十二条",
        ),
        2 => (
            "减轻",
            "M",
            &MITIGATED,
            "《中华人民共和国行政处罚法》第三十二条",
        ),
        _ => (
            "从重",
            "A",
            &AGGRAVATED,
            "《中华人民共和国行政处罚法》第五条",
        ),
    };
    let cond = pool[(j / 4 + k) % pool.len()].replace("{n}", &n.to_string());
    let modality = if (j / 3).is_multiple_of(2) {
        "可以"
    } else {
        "应当"
    };
    let id = format!("{prefix}-{}-{k}", code(v));
    // Every tenth entry also covers the next violation of the same file.
    let covers = if j % 10 == 9 && !(v + 1).is_multiple_of(PER_FILE) && v + 1 < violations {
        format!("{}, {}", code(v), code(v + 1))
    } else {
        code(v)
    };
    let _ = write!(
        s,
        "\n{list} {id} 适用 {covers} {modality} \"生成的{list}情形 {j}：{n} 以内\"\n    当 {cond}\n    \
         依据 \"{law}\"\n    依据 \"{}\"\n    来源 \"基准测试生成的清单条目（第 {j} 条）\"\n",
        article(v)
    );
    if prefix == "M" || prefix == "LM" {
        let _ = writeln!(s, "    幅度 个人 ..{} 单位 ..{}", 50 * n, 1000 * n);
    }
    if prefix == "N" && j.is_multiple_of(3) {
        s.push_str("    措施 恢复原状\n");
    }
}
