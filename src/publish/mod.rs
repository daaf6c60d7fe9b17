//! Publishing the rule set as the document a bureau posts (Art. 34): per regulation and violation,
//! the statutory penalty, the band ranges in yuan for each outcome, and the four lists with their
//! conditions in words, modality and citations. One document model, rendered as self-contained
//! HTML (printable on A4) or as Markdown.

mod html;
mod markdown;
pub(crate) mod words;

use crate::model::{Coverage, Entry, RuleSet, ScaleKind, Violation};
use crate::vocab::money;
use crate::vocab::{FineRange, Modality, Party, Yuan};
use html::html;
use markdown::markdown;
use rust_decimal::Decimal;

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
    /// What this rule set refines of the violation of the rule set it builds on (`细化`).
    refines: Vec<String>,
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
    /// The violation whose lists it adds to, where it is written in a refinement (`细化`).
    refines: Option<String>,
}

/// Renders the rule set as a published list (Art. 34: the standard a bureau posts).
pub fn publish(rules: &crate::Rules, format: Format) -> String {
    publish_model(rules.model(), format)
}

/// Renders a checked model as a published list.
pub(crate) fn publish_model(rules: &RuleSet, format: Format) -> String {
    let doc = build(rules);
    match format {
        Format::Html => html(&doc),
        Format::Markdown => markdown(&doc),
    }
}

fn list_zh(e: &Entry) -> &'static str {
    e.list.heading_zh()
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
        refines: rules
            .refinements
            .iter()
            .find(|r| r.entries.contains(&e.id) && !base_holds(rules, r.span))
            .and_then(|r| rules.violations.get(r.violation as usize))
            .map(|v| format!("细化 {}", v.code)),
    }
}

fn base_holds(rules: &RuleSet, span: crate::source::Span) -> bool {
    rules.base.as_ref().is_some_and(|b| b.holds(span))
}

/// What a refinement changed of a violation, in words: the base it refines, the tiers or
/// range and bands it sets (the figures are the version's table), its entries and its source.
fn refines_words(rules: &RuleSet, vid: u32) -> Vec<String> {
    let (Some(base), Some(r)) = (
        &rules.base,
        rules
            .refinements
            .iter()
            .find(|r| r.violation == vid && !base_holds(rules, r.span)),
    ) else {
        return Vec::new();
    };
    // (the parties, what was done to their fine): one phrase for parties refined alike.
    let mut done: Vec<(Vec<&str>, String)> = Vec::new();
    for f in &r.fines {
        let who = if f.party == Party::Individual {
            "公民"
        } else {
            "法人或者其他组织"
        };
        let tiers = f
            .after
            .tiers
            .and_then(|t| rules.tiers.get(t as usize))
            .filter(|t| !(t.rows.len() == 1 && t.fact == rules.standard.party_type));
        let part = match (f.narrowed, tiers) {
            (Some((lo, hi)), Some(t)) => format!(
                "罚款收窄为{}，按{}分档",
                words::range_yuan(lo, hi),
                rules.facts[t.fact as usize].label
            ),
            (None, Some(t)) => format!("罚款按{}分档", rules.facts[t.fact as usize].label),
            (Some((lo, hi)), None) if f.after.cases.is_some() => {
                format!("罚款收窄为{}，按情节分档", words::range_yuan(lo, hi))
            }
            (None, None) if f.after.cases.is_some() => "罚款按情节分档".to_string(),
            (Some((lo, hi)), None) => format!("罚款收窄为{}", words::range_yuan(lo, hi)),
            (None, None) => continue,
        };
        match done.iter_mut().find(|(_, p)| *p == part) {
            Some((whom, _)) if !whom.contains(&who) => whom.push(who),
            Some(_) => {}
            None => done.push((vec![who], part)),
        }
    }
    let mut what: Vec<String> = done
        .into_iter()
        .map(|(whom, part)| format!("对{}的{part}", whom.join("、")))
        .collect();
    if let Some(b) = r.bands {
        what.push(if b.after.is_split() {
            format!(
                "从轻、从重比例改为 {}%、{}%",
                (b.after.lighter.1 * Decimal::from(100)).normalize(),
                (b.after.aggravated.0 * Decimal::from(100)).normalize()
            )
        } else {
            format!("各档幅度改为{}", words::fractions(&b.after))
        });
    }
    if let Some(days) = &r.daily {
        what.push(format!("按日连续处罚的日数按 {days} 计算"));
    }
    if !r.entries.is_empty() {
        what.push(format!("增加清单条目 {}", r.entries.join("、")));
    }
    let mut out = vec![format!(
        "细化“{}”（版本 {}）的本项：{}；下表为细化后的数额",
        base.name,
        base.version,
        what.join("；")
    )];
    out.extend(r.source.iter().map(|s| format!("来源：{s}")));
    out.extend(r.notes.iter().cloned());
    out
}

fn build(rules: &RuleSet) -> Doc {
    let m = &rules.meta;
    let general = rules
        .entries
        .iter()
        .filter(|e| matches!(e.covers, Coverage::All { .. }))
        .filter(|e| rules.base.as_ref().is_none_or(|b| !b.holds(e.span)))
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
        if !published(rules, vid as u32, v) {
            continue;
        }
        let section = violation_section(rules, vid as u32, v);
        match v.regulation.and_then(|r| regulations.get_mut(r as usize)) {
            Some(r) => r.violations.push(section),
            None => loose.violations.push(section),
        }
    }
    if !loose.violations.is_empty() {
        regulations.push(loose);
    }
    if rules.base.is_some() {
        regulations.retain(|r| !r.violations.is_empty());
    }
    let mut notes = m.notes.clone();
    if let Some(b) = &rules.base {
        notes.push(format!(
            "本基准建立在“{}”（版本 {}）之上，只列出细化的违法行为和本基准自己的规定；其余违法行为、适用于全部违法行为的情形和裁量参数未改变的，按该基准执行。",
            b.name, b.version
        ));
    }
    Doc {
        title: m.name.to_string(),
        version: m.version.to_string(),
        effective: m.effective.map_or_else(String::new, |d| d.to_string()),
        authority: m.authority.clone(),
        notes,
        params: params(rules),
        general,
        regulations,
    }
}

/// The rule set's parameters in words: how the range is divided into bands, and the amounts
/// of the summary procedure, the hearing and the legal review.
fn params(rules: &RuleSet) -> Vec<(String, String)> {
    let p = &rules.params;
    let per_party = |v: &crate::model::PerParty<Option<Decimal>>| {
        let f = |x: Option<Decimal>| {
            x.map_or_else(|| "未设定".to_string(), |d| format!("{}元", Yuan(d)))
        };
        format!("公民 {}；法人或者其他组织 {}", f(v.individual), f(v.unit))
    };
    let division = match p.bands {
        None => format!(
            "法定幅度内，从轻处罚为最低额至最低额加幅度的 {}%，一般处罚为其后至 {}%，从重处罚为其后至最高额；减轻处罚为 {} 元至法定最低额",
            (p.lighter * Decimal::from(100)).normalize(),
            (p.aggravated * Decimal::from(100)).normalize(),
            Yuan(p.mitigation_floor)
        ),
        Some(f) => format!(
            "法定幅度内（自最低额起，按幅度的百分比），{}；减轻处罚为 {} 元至法定最低额",
            words::fractions(&f),
            Yuan(p.mitigation_floor)
        ),
    };
    vec![
        ("罚款幅度的划分".to_string(), division),
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
    ]
}

/// Whether the document lists a violation: a refining rule set publishes what it adds (the
/// violations it refines and its own); the others are the base's, published with it.
fn published(rules: &RuleSet, vid: u32, v: &Violation) -> bool {
    match &rules.base {
        Some(base) if base.holds(v.span) => rules
            .refinements
            .iter()
            .any(|r| r.violation == vid && !base.holds(r.span)),
        _ => true,
    }
}

/// A violation's section: its texts in time, which norm governs, what is refined, its entries.
fn violation_section(rules: &RuleSet, vid: u32, v: &Violation) -> ViolSection {
    let entries = rules
        .entries
        .iter()
        .filter(|e| matches!(&e.covers, Coverage::Only(ids) if ids.contains(&vid)))
        .map(|e| entry_row(rules, e))
        .collect();
    ViolSection {
        code: v.code.to_string(),
        title: v.title.to_string(),
        breach: v.breach.as_ref().map(|b| b.to_string()),
        governs: governs(rules, v),
        refines: refines_words(rules, vid),
        versions: versions(rules, v),
        entries,
    }
}

/// Which norm governs where a higher-rank one punishes the same act (`上位法`), in words.
fn governs(rules: &RuleSet, v: &Violation) -> Vec<String> {
    v.higher
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
        .collect()
}

fn versions(rules: &RuleSet, v: &Violation) -> Vec<VersionText> {
    let many = v.versions.len() > 1 || v.repealed.is_some();
    v.versions
        .iter()
        .rev()
        .map(|ver| {
            let period = many.then(|| period(v, ver));
            let fractions = ver.bands.unwrap_or_else(|| rules.params.fractions());
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
                        Some((_, ScaleKind::PerUnit)) => {
                            (format!("元/{}", words::per_unit(rules, &f)), |a, b| {
                                band_text(a, b, "")
                            })
                        }
                        Some((fact, ScaleKind::Multiple)) => (
                            format!("倍（{}）", rules.facts[fact as usize].label),
                            |a, b| band_text(a, b, ""),
                        ),
                    };
                    // The cap holds the scaled total, whatever the band.
                    let unit_word = match f.cap {
                        Some(c) => format!("{unit_word}（总额不超过{}元）", Yuan(c)),
                        None => unit_word,
                    };
                    use crate::eval::decision::Outcome as O;
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
                    let rows = match f.cases.and_then(|i| rules.case_tiers.get(i as usize)) {
                        Some(c) => case_rows(rules, c, &condition),
                        None => tier_rows(rules, f.tiers, &condition, f.lo, f.hi),
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

/// When a version is in force, in words.
fn period(v: &Violation, ver: &crate::model::Version) -> String {
    match (
        ver.from,
        ver.until.or(v.repealed.and_then(|r| r.yesterday().ok())),
    ) {
        (Some(f), Some(u)) => format!("{f} 至 {u}"),
        (Some(f), None) => format!("{f} 起"),
        (None, Some(u)) => format!("至 {u}"),
        (None, None) => String::new(),
    }
}

/// One row per tier of a table chosen by conditions, in its order, 其余 last.
fn case_rows(
    rules: &RuleSet,
    c: &crate::model::CaseTiers,
    condition: &Option<String>,
) -> Vec<(Option<String>, Decimal, Decimal)> {
    let with = |tier: String| match condition {
        Some(c) => format!("{c}，且{tier}"),
        None => tier,
    };
    let mut rows: Vec<(Option<String>, Decimal, Decimal)> = c
        .rows
        .iter()
        .map(|(cond, _, lo, hi)| (Some(with(words::condition(rules, cond))), *lo, *hi))
        .collect();
    rows.push((Some(with("其余情形".to_string())), c.rest.0, c.rest.1));
    rows
}

/// One row per tier (情节档次), the bands within it; or one for the whole range.
fn tier_rows(
    rules: &RuleSet,
    tiers: Option<u32>,
    condition: &Option<String>,
    lo: Decimal,
    hi: Decimal,
) -> Vec<(Option<String>, Decimal, Decimal)> {
    let Some(t) = tiers.and_then(|i| rules.tiers.get(i as usize)) else {
        return vec![(condition.clone(), lo, hi)];
    };
    let mut prev = None;
    t.rows
        .iter()
        .map(|row| {
            let tier = words::tier(rules, t.fact, row.key, prev);
            match row.key {
                crate::model::TierKey::UpTo(n) => prev = Some((n, true)),
                crate::model::TierKey::Below(n) => prev = Some((n, false)),
                _ => {}
            }
            let cond = match condition {
                Some(c) => format!("{c}，且{tier}"),
                None => tier,
            };
            (Some(cond), row.lo, row.hi)
        })
        .collect()
}

/// Whether the statements list a lighter kind (a warning or a criticism) that 减轻 can keep.
fn has_lighter_kind(stmts: &[crate::model::Stmt]) -> bool {
    crate::model::Stmt::any(stmts, &mut |p| {
        p.alts
            .iter()
            .any(|a| matches!(a, crate::model::PenaltyAlt::Kind(k) if k.is_lighter_kind()))
    })
}

fn band_text(a: Decimal, b: Decimal, _unit: &str) -> String {
    FineRange { min: a, max: b }.dashed().to_string()
}
