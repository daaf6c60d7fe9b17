//! Publishing the rule set as the document a bureau posts (Art. 34): per regulation and violation,
//! the statutory penalty, the band ranges in yuan for each outcome, and the four lists with their
//! conditions in words, modality and citations. One document model, rendered as self-contained
//! HTML (printable on A4) or as Markdown.

use super::words;
use crate::model::{Coverage, Entry, RuleSet, ScaleKind, Violation};
use crate::vocab::money;
use crate::vocab::{ListKind, Modality, Party};
use rust_decimal::Decimal;
use std::fmt::Write;

/// Output format of `publish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Self-contained HTML.
    Html,
    /// Markdown.
    Markdown,
}

struct Doc {
    title: String,
    version: String,
    effective: String,
    authority: String,
    notes: Vec<String>,
    params: Vec<(String, String)>,
    general: Vec<EntryRow>,
    regulations: Vec<RegSection>,
}

struct RegSection {
    anchor: String,
    name: String,
    effective: Option<String>,
    notes: Vec<String>,
    violations: Vec<ViolSection>,
}

struct ViolSection {
    code: String,
    title: String,
    breach: Option<String>,
    /// Which norm governs where a higher-rank one punishes the same act (`上位法`), in words.
    governs: Vec<String>,
    versions: Vec<VersionText>,
    entries: Vec<EntryRow>,
}

struct VersionText {
    period: Option<String>,
    breach: Option<String>,
    basis: String,
    penalty: Vec<(String, String)>,
    bands: Vec<BandRow>,
}

struct BandRow {
    who: String,
    condition: Option<String>,
    unit: String,
    lighter: String,
    standard: String,
    aggravated: String,
    mitigated: String,
}

struct EntryRow {
    list: &'static str,
    id: String,
    covers: String,
    modality: &'static str,
    title: String,
    condition: String,
    basis: String,
    source: Option<String>,
    /// The entry's own mitigated range, in words.
    range: String,
}

/// Renders the rule set as a published list.
pub fn publish(rules: &RuleSet, format: Format) -> String {
    let doc = build(rules);
    match format {
        Format::Html => html(&doc),
        Format::Markdown => markdown(&doc),
    }
}

fn list_zh(e: &Entry) -> &'static str {
    match e.list {
        ListKind::NoPenalty => "不予处罚",
        ListKind::Lighter => "从轻处罚",
        ListKind::LighterOrMitigated => "从轻或者减轻处罚",
        ListKind::Mitigated => "减轻处罚",
        ListKind::Aggravated => "从重处罚",
    }
}

fn entry_row(rules: &RuleSet, e: &Entry) -> EntryRow {
    let code = |i: &u32| {
        rules
            .violations
            .get(*i as usize)
            .map(|v| v.code.to_string())
    };
    let covers = match &e.covers {
        Coverage::All { except } if except.is_empty() => "全部违法行为".to_string(),
        Coverage::All { except } => format!(
            "全部违法行为（{} 除外）",
            except
                .iter()
                .filter_map(code)
                .collect::<Vec<_>>()
                .join("、")
        ),
        Coverage::Only(ids) => ids.iter().filter_map(code).collect::<Vec<_>>().join("、"),
    };
    EntryRow {
        list: list_zh(e),
        id: e.id.to_string(),
        covers,
        modality: if e.modality == Modality::Shall {
            "应当"
        } else {
            "可以"
        },
        title: e.title.to_string(),
        condition: words::condition(rules, &e.cond),
        basis: e
            .basis
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join("；"),
        source: e.source.as_ref().map(|s| s.to_string()),
        range: {
            let mut parts = Vec::new();
            if let Some((lo, hi)) = e.ranges.individual {
                parts.push(format!("公民{}", words::range_yuan(lo, hi)));
            }
            if let Some((lo, hi)) = e.ranges.unit {
                parts.push(format!("法人或者其他组织{}", words::range_yuan(lo, hi)));
            }
            if parts.is_empty() {
                String::new()
            } else {
                format!("（罚款：{}）", parts.join("，"))
            }
        },
    }
}

fn build(rules: &RuleSet) -> Doc {
    let m = &rules.meta;
    let p = &rules.params;
    let per_party = |v: &crate::model::PerParty<Option<Decimal>>| {
        let f = |x: Option<Decimal>| {
            x.map_or_else(|| "未设定".to_string(), |d| format!("{}元", d.normalize()))
        };
        format!("公民 {}；法人或者其他组织 {}", f(v.individual), f(v.unit))
    };
    let params = vec![
        (
            "罚款幅度的划分".to_string(),
            format!(
                "法定幅度内，从轻处罚为最低额至最低额加幅度的 {}%，一般处罚为其后至 {}%，从重处罚为其后至最高额；减轻处罚为 {} 元至法定最低额",
                (p.lighter * Decimal::from(100)).normalize(),
                (p.aggravated * Decimal::from(100)).normalize(),
                p.mitigation_floor.normalize()
            ),
        ),
        (
            "适用简易程序的罚款上限（第五十一条）".to_string(),
            per_party(&p.summary),
        ),
        (
            "较大数额罚款，告知听证（第六十三条）".to_string(),
            per_party(&p.hearing),
        ),
        (
            "法制审核的罚款数额（第五十八条）".to_string(),
            per_party(&p.legal_review),
        ),
    ];
    let general = rules
        .entries
        .iter()
        .filter(|e| matches!(e.covers, Coverage::All { .. }))
        .map(|e| entry_row(rules, e))
        .collect();

    let mut regulations: Vec<RegSection> = rules
        .regulations
        .iter()
        .enumerate()
        .map(|(i, r)| RegSection {
            anchor: format!("reg-{i}"),
            name: r.name.clone(),
            effective: r.effective.map(|d| d.to_string()),
            notes: r.notes.clone(),
            violations: Vec::new(),
        })
        .collect();
    let mut loose = RegSection {
        anchor: "reg-other".into(),
        name: "其他".into(),
        effective: None,
        notes: Vec::new(),
        violations: Vec::new(),
    };
    for (vid, v) in rules.violations.iter().enumerate() {
        let entries = rules
            .entries
            .iter()
            .filter(|e| matches!(&e.covers, Coverage::Only(ids) if ids.contains(&(vid as u32))))
            .map(|e| entry_row(rules, e))
            .collect();
        let section = ViolSection {
            code: v.code.to_string(),
            title: v.title.to_string(),
            breach: v.breach.as_ref().map(|b| b.to_string()),
            governs: v
                .higher
                .iter()
                .map(|h| {
                    let hv = &rules.violations[h.violation as usize];
                    let part = h
                        .when
                        .as_ref()
                        .map_or_else(String::new, |(c, _)| format!("{}的，", words::condition(rules, c)));
                    if h.defers {
                        format!(
                            "{part}同时是 {} {}（{}）的行为：本规定“从其规定”，适用{}",
                            hv.code,
                            hv.title,
                            hv.basis(),
                            hv.basis()
                        )
                    } else {
                        format!(
                            "{part}同时是 {} {}（{}）的行为：依照《中华人民共和国行政处罚法》第二十九条，按罚款数额高的规定处罚",
                            hv.code,
                            hv.title,
                            hv.basis()
                        )
                    }
                })
                .collect(),
            versions: versions(rules, v),
            entries,
        };
        match v.regulation.and_then(|r| regulations.get_mut(r as usize)) {
            Some(r) => r.violations.push(section),
            None => loose.violations.push(section),
        }
    }
    if !loose.violations.is_empty() {
        regulations.push(loose);
    }
    Doc {
        title: m.name.to_string(),
        version: m.version.to_string(),
        effective: m.effective.map_or_else(String::new, |d| d.to_string()),
        authority: m.authority.clone(),
        notes: m.notes.clone(),
        params,
        general,
        regulations,
    }
}

fn versions(rules: &RuleSet, v: &Violation) -> Vec<VersionText> {
    let many = v.versions.len() > 1 || v.repealed.is_some();
    v.versions
        .iter()
        .rev()
        .map(|ver| {
            let period = if many {
                Some(
                    match (
                        ver.from,
                        ver.until.or(v.repealed.and_then(|r| r.yesterday().ok())),
                    ) {
                        (Some(f), Some(u)) => format!("{f} 至 {u}"),
                        (Some(f), None) => format!("{f} 起"),
                        (None, Some(u)) => format!("至 {u}"),
                        (None, None) => String::new(),
                    },
                )
            } else {
                None
            };
            let fractions = ver
                .bands
                .unwrap_or((rules.params.lighter, rules.params.aggravated));
            let mut penalty = Vec::new();
            let mut bands = Vec::new();
            let ind = ver.penalties.get(Party::Individual);
            let unit = ver.penalties.get(Party::Unit);
            let same = match (ind, unit) {
                (Some(a), Some(b)) => words::stmts(rules, a) == words::stmts(rules, b),
                _ => false,
            };
            let parties: Vec<(&str, Option<&[crate::model::Stmt]>)> = if same {
                vec![("公民、法人或者其他组织", ind)]
            } else {
                vec![("公民", ind), ("法人或者其他组织", unit)]
            };
            for (who, stmts) in parties {
                let Some(stmts) = stmts else {
                    penalty.push((who.to_string(), "本条未规定处罚".to_string()));
                    continue;
                };
                penalty.push((who.to_string(), words::stmts(rules, stmts)));
                for (condition, f) in words::fines_with_conditions(rules, stmts) {
                    let (unit_word, fmt): (String, fn(Decimal, Decimal) -> String) = match f.scale {
                        None => ("元".into(), |a, b| band_text(a, b, "")),
                        Some((fact, ScaleKind::PerUnit)) => {
                            let fact = &rules.facts[fact as usize];
                            (
                                format!(
                                    "元/{}",
                                    fact.unit.clone().unwrap_or_else(|| fact.label.to_string())
                                ),
                                |a, b| band_text(a, b, ""),
                            )
                        }
                        Some((fact, ScaleKind::Multiple)) => (
                            format!("倍（{}）", rules.facts[fact as usize].label),
                            |a, b| band_text(a, b, ""),
                        ),
                    };
                    use crate::decision::Outcome as O;
                    // A multiple is published exactly as the engine applies it to its base;
                    // money is rounded to the fen.
                    let exact = matches!(f.scale, Some((_, ScaleKind::Multiple)));
                    let band = |o, lo, hi| {
                        let floor = rules.params.mitigation_floor;
                        if exact {
                            money::band_exact(o, lo, hi, fractions, floor)
                                .map_or_else(String::new, |(a, b)| {
                                    fmt(a.normalize(), b.normalize())
                                })
                        } else {
                            money::band(o, lo, hi, fractions, floor)
                                .map_or_else(String::new, |r| fmt(r.min, r.max))
                        }
                    };
                    let lighter_kind = has_lighter_kind(stmts);
                    let mitigated = if f.lo.is_zero() && lighter_kind {
                        "不予罚款，保留警告等较轻处罚".to_string()
                    } else if f.lo.is_zero() {
                        "法定最低额为 0 且无较轻处罚种类，按从轻".to_string()
                    } else {
                        band(O::Mitigated, f.lo, f.hi)
                    };
                    // One row per tier (情节档次), the bands within it; or one for the whole range.
                    let rows: Vec<(Option<String>, Decimal, Decimal)> =
                        match f.tiers.and_then(|i| rules.tiers.get(i as usize)) {
                            None => vec![(condition.clone(), f.lo, f.hi)],
                            Some(t) => {
                                let mut prev = None;
                                t.rows
                                    .iter()
                                    .map(|row| {
                                        let tier = words::tier(rules, t.fact, row.key, prev);
                                        if let crate::model::TierKey::UpTo(n) = row.key {
                                            prev = Some(n);
                                        }
                                        let cond = match &condition {
                                            Some(c) => format!("{c}，且{tier}"),
                                            None => tier,
                                        };
                                        (Some(cond), row.lo, row.hi)
                                    })
                                    .collect()
                            }
                        };
                    for (cond, lo, hi) in rows {
                        bands.push(BandRow {
                            who: who.to_string(),
                            condition: cond,
                            unit: unit_word.clone(),
                            lighter: band(O::Lighter, lo, hi),
                            standard: band(O::Standard, lo, hi),
                            aggravated: band(O::Aggravated, lo, hi),
                            mitigated: mitigated.clone(),
                        });
                    }
                }
            }
            VersionText {
                period,
                breach: ver.breach.as_ref().map(|b| b.to_string()),
                basis: ver.basis.to_string(),
                penalty,
                bands,
            }
        })
        .collect()
}

/// Whether the statements list a lighter kind (a warning or a criticism) that 减轻 can keep.
fn has_lighter_kind(stmts: &[crate::model::Stmt]) -> bool {
    use crate::model::{PenaltyAlt, Stmt};
    stmts.iter().any(|s| match s {
        Stmt::Penalty(p) => p
            .alts
            .iter()
            .any(|a| matches!(a, PenaltyAlt::Kind(k) if k.is_lighter_kind())),
        Stmt::If {
            then, otherwise, ..
        } => has_lighter_kind(then) || has_lighter_kind(otherwise),
        Stmt::Measures(_) => false,
    })
}

fn band_text(a: Decimal, b: Decimal, _unit: &str) -> String {
    if a == b {
        a.normalize().to_string()
    } else {
        format!("{}–{}", a.normalize(), b.normalize())
    }
}

/// A range that may wrap after its dash in a narrow table cell.
fn breakable(s: &str) -> String {
    esc(s).replace('–', "–<wbr>")
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = r#"
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", "WenQuanYi Micro Hei", serif;
       font-size: 10.5pt; line-height: 1.7; color: #111; max-width: 190mm; margin: 0 auto; padding: 8mm 0;
       text-align: justify; line-break: strict; overflow-wrap: anywhere; }
h1 { font-size: 20pt; text-align: center; margin: 0 0 4pt; letter-spacing: 0.1em; }
h2 { font-size: 14pt; border-bottom: 1.5pt solid #333; padding-bottom: 2pt; margin-top: 18pt; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 14pt 0 4pt; break-after: avoid; }
.meta { text-align: center; color: #333; margin-bottom: 6pt; }
.notice { border: 1pt solid #999; background: #f6f6f6; padding: 6pt 10pt; margin: 10pt 0; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 9.5pt; break-inside: auto; }
th, td { border: 0.75pt solid #666; padding: 3pt 5pt; vertical-align: top; }
th { background: #eee; font-weight: bold; text-align: center; }
tr { break-inside: avoid; }
td.num { text-align: center; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
.violation { break-inside: avoid-page; border-top: 0.5pt dashed #aaa; padding-top: 4pt; }
.label { color: #444; font-weight: bold; }
nav ol { columns: 2; column-gap: 12mm; padding-left: 1.5em; }
nav a { color: #111; text-decoration: none; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; white-space: nowrap; overflow-wrap: normal; }
table.entries, table.bands { table-layout: fixed; }
@media print { nav { break-after: page; } a { color: inherit; } }
"#;

fn html(d: &Doc) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&d.title)
    );
    let _ = writeln!(s, "<h1>{}</h1>", esc(&d.title));
    let _ = writeln!(
        s,
        "<p class=\"meta\">版本 {} · 自 {} 起施行</p>",
        esc(&d.version),
        esc(&d.effective)
    );
    let _ = writeln!(
        s,
        "<div class=\"notice\"><p><span class=\"label\">制定：</span>{}</p>",
        esc(&d.authority)
    );
    for n in &d.notes {
        let _ = writeln!(s, "<p>{}</p>", esc(n));
    }
    s.push_str("<p>依据《中华人民共和国行政处罚法》第三十四条，行政处罚裁量基准应当向社会公布。本文件由规则文件生成，与执法人员使用的规则同源。</p></div>\n");

    s.push_str("<nav><h2>目录</h2><ol>\n<li><a href=\"#general\">通用规定</a></li>\n");
    for r in &d.regulations {
        let _ = writeln!(s, "<li><a href=\"#{}\">{}</a></li>", r.anchor, esc(&r.name));
    }
    s.push_str("</ol></nav>\n");

    s.push_str("<section id=\"general\"><h2>通用规定</h2>\n<h3>裁量参数</h3>\n<table><tbody>\n");
    for (k, v) in &d.params {
        let _ = writeln!(s, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    s.push_str("</tbody></table>\n<h3>适用于全部违法行为的情形</h3>\n");
    entries_html(&mut s, &d.general, true);
    s.push_str("</section>\n");

    for r in &d.regulations {
        let _ = writeln!(s, "<section id=\"{}\"><h2>{}</h2>", r.anchor, esc(&r.name));
        if let Some(e) = &r.effective {
            let _ = writeln!(s, "<p class=\"meta\">自 {e} 起施行</p>");
        }
        for n in &r.notes {
            let _ = writeln!(s, "<p>{}</p>", esc(n));
        }
        for v in &r.violations {
            let _ = writeln!(
                s,
                "<div class=\"violation\" id=\"{}\"><h3><span class=\"code\">{}</span> {}</h3>",
                esc(&v.code),
                esc(&v.code),
                esc(&v.title)
            );
            if let Some(b) = &v.breach {
                let _ = writeln!(s, "<p><span class=\"label\">违反：</span>{}</p>", esc(b));
            }
            for g in &v.governs {
                let _ = writeln!(s, "<p><span class=\"label\">上位法：</span>{}</p>", esc(g));
            }
            for ver in &v.versions {
                if let Some(p) = &ver.period {
                    let _ = writeln!(
                        s,
                        "<p><span class=\"label\">施行期间：</span>{}</p>",
                        esc(p)
                    );
                }
                let _ = writeln!(
                    s,
                    "<p><span class=\"label\">处罚依据：</span>{}</p>",
                    esc(&ver.basis)
                );
                for (who, text) in &ver.penalty {
                    let _ = writeln!(
                        s,
                        "<p><span class=\"label\">法定处罚（{}）：</span>{}</p>",
                        esc(who),
                        esc(text)
                    );
                }
                if !ver.bands.is_empty() {
                    s.push_str("<table class=\"bands\"><colgroup><col style=\"width:15%\"><col style=\"width:19%\"><col style=\"width:10%\"><col style=\"width:12%\"><col style=\"width:12%\"><col style=\"width:12%\"><col style=\"width:20%\"></colgroup>\n<thead><tr><th>当事人</th><th>情形</th><th>计罚单位</th><th>从轻</th><th>一般</th><th>从重</th><th>减轻</th></tr></thead><tbody>\n");
                    for b in &ver.bands {
                        let _ = writeln!(
                            s,
                            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                            esc(&b.who),
                            esc(b.condition.as_deref().unwrap_or("—")),
                            esc(&b.unit),
                            breakable(&b.lighter),
                            breakable(&b.standard),
                            breakable(&b.aggravated),
                            breakable(&b.mitigated)
                        );
                    }
                    s.push_str("</tbody></table>\n");
                }
            }
            if !v.entries.is_empty() {
                entries_html(&mut s, &v.entries, false);
            }
            s.push_str("</div>\n");
        }
        s.push_str("</section>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

fn entries_html(s: &mut String, rows: &[EntryRow], covers: bool) {
    s.push_str("<table class=\"entries\"><colgroup><col style=\"width:11%\"><col style=\"width:30%\"><col style=\"width:27%\"><col style=\"width:12%\"><col style=\"width:20%\"></colgroup>\n<thead><tr><th>编号</th><th>情形</th><th>条件</th><th>处理</th><th>依据</th></tr></thead><tbody>\n");
    for e in rows {
        let mut notes = String::new();
        if covers && e.covers != "全部违法行为" {
            notes.push_str(&format!("<br><small>适用：{}</small>", esc(&e.covers)));
        }
        if let Some(src) = &e.source {
            notes.push_str(&format!("<br><small>来源：{}</small>", esc(src)));
        }
        let _ = writeln!(
            s,
            "<tr><td class=\"code\">{}</td><td>{}{notes}</td><td>{}</td><td>{}{}{}</td><td>{}</td></tr>",
            esc(&e.id),
            esc(&e.title),
            esc(&e.condition),
            e.modality,
            e.list,
            esc(&e.range),
            esc(&e.basis)
        );
    }
    s.push_str("</tbody></table>\n");
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(d: &Doc) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", d.title);
    let _ = writeln!(s, "版本 {} · 自 {} 起施行\n", d.version, d.effective);
    let _ = writeln!(s, "> **制定：** {}", d.authority);
    for n in &d.notes {
        let _ = writeln!(s, ">\n> {n}");
    }
    s.push_str(">\n> 依据《中华人民共和国行政处罚法》第三十四条，行政处罚裁量基准应当向社会公布。本文件由规则文件生成，与执法人员使用的规则同源。\n\n");
    s.push_str("## 目录\n\n1. [通用规定](#通用规定)\n");
    for (i, r) in d.regulations.iter().enumerate() {
        let _ = writeln!(s, "{}. {}", i + 2, r.name);
    }
    s.push_str("\n## 通用规定\n\n### 裁量参数\n\n| 参数 | 值 |\n|---|---|\n");
    for (k, v) in &d.params {
        let _ = writeln!(s, "| {} | {} |", md_cell(k), md_cell(v));
    }
    s.push_str("\n### 适用于全部违法行为的情形\n\n");
    entries_md(&mut s, &d.general, true);
    for r in &d.regulations {
        let _ = writeln!(s, "## {}\n", r.name);
        if let Some(e) = &r.effective {
            let _ = writeln!(s, "自 {e} 起施行\n");
        }
        for n in &r.notes {
            let _ = writeln!(s, "{n}\n");
        }
        for v in &r.violations {
            let _ = writeln!(s, "### {} {}\n", v.code, v.title);
            if let Some(b) = &v.breach {
                let _ = writeln!(s, "- **违反：** {b}");
            }
            for g in &v.governs {
                let _ = writeln!(s, "- **上位法：** {g}");
            }
            for ver in &v.versions {
                if let Some(p) = &ver.period {
                    let _ = writeln!(s, "- **施行期间：** {p}");
                }
                if let Some(b) = &ver.breach {
                    let _ = writeln!(s, "- **违反：** {b}");
                }
                let _ = writeln!(s, "- **处罚依据：** {}", ver.basis);
                for (who, text) in &ver.penalty {
                    let _ = writeln!(s, "- **法定处罚（{who}）：** {text}");
                }
                if !ver.bands.is_empty() {
                    s.push_str("\n| 当事人 | 情形 | 计罚单位 | 从轻 | 一般 | 从重 | 减轻 |\n|---|---|---|---|---|---|---|\n");
                    for b in &ver.bands {
                        let _ = writeln!(
                            s,
                            "| {} | {} | {} | {} | {} | {} | {} |",
                            md_cell(&b.who),
                            md_cell(b.condition.as_deref().unwrap_or("—")),
                            md_cell(&b.unit),
                            b.lighter,
                            b.standard,
                            b.aggravated,
                            md_cell(&b.mitigated)
                        );
                    }
                }
                s.push('\n');
            }
            if !v.entries.is_empty() {
                entries_md(&mut s, &v.entries, false);
            }
        }
    }
    s
}

fn entries_md(s: &mut String, rows: &[EntryRow], covers: bool) {
    s.push_str("| 编号 | 情形 | 条件 | 处理 | 依据 |\n|---|---|---|---|---|\n");
    for e in rows {
        let mut title = e.title.clone();
        if covers && e.covers != "全部违法行为" {
            title.push_str(&format!("（适用：{}）", e.covers));
        }
        if let Some(src) = &e.source {
            title.push_str(&format!("（来源：{src}）"));
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {}{}{} | {} |",
            e.id,
            md_cell(&title),
            md_cell(&e.condition),
            e.modality,
            e.list,
            md_cell(&e.range),
            md_cell(&e.basis)
        );
    }
    s.push('\n');
}
