//! The audit's report: a self-contained HTML page in Chinese (inline SVG charts, inline CSS, no
//! external asset, printable on A4) and a JSON summary for other software.

mod charts;

use super::{Audit, Group, GroupKey, Place, Share};
use charts::{box_plots, months_chart, places_chart, ratio};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;

/// Violations drawn in the chart of the fines' places (those with most fines outside the band).
pub const PLACE_BARS: usize = 15;

/// Groups drawn as box plots (the largest by fined cases).
pub const BOX_PLOTS: usize = 40;

fn yuan(d: Decimal) -> String {
    d.normalize().to_string()
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A group's figures, as the summary gives them.
#[derive(Debug, Clone, Serialize)]
pub struct GroupFigures {
    /// The key.
    pub key: GroupKey,
    /// In words.
    pub label: String,
    /// Cases.
    pub cases: u64,
    /// Cases fined.
    pub fined: u64,
    /// Smallest fine.
    pub min: Option<Decimal>,
    /// First quartile.
    pub q1: Option<Decimal>,
    /// Median.
    pub median: Option<Decimal>,
    /// Third quartile.
    pub q3: Option<Decimal>,
    /// Largest fine.
    pub max: Option<Decimal>,
}

impl GroupFigures {
    pub(super) fn of(key: &GroupKey, g: &Group) -> GroupFigures {
        let q = |p: i64| g.quantile(Decimal::new(p, 2));
        GroupFigures {
            key: key.clone(),
            label: key.zh(),
            cases: g.cases,
            fined: g.fined(),
            min: g.fines.min(),
            q1: q(25),
            median: q(50),
            q3: q(75),
            max: g.fines.max(),
        }
    }
}

/// The JSON summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Marks the document.
    pub kind: &'static str,
    /// The rule set.
    pub ruleset: String,
    /// Archive lines read.
    pub lines: u64,
    /// Cases the rules decided.
    pub decided: u64,
    /// Cases left undetermined or not applicable.
    pub undetermined: u64,
    /// Lines in error.
    pub errors: u64,
    /// The first errors: `{ line, error }`.
    pub error_lines: Vec<serde_json::Value>,
    /// Cases flagged.
    pub flagged: u64,
    /// Cases per place of the fine.
    pub places: std::collections::BTreeMap<&'static str, u64>,
    /// 首违不罚.
    pub first_offense_not_punished: Share,
    /// Not punished, of all decided.
    pub not_punished: Share,
    /// Hearing notices given where due.
    pub hearing_notice_given: Share,
    /// Fines at the hearing threshold whose record does not say.
    pub hearing_notice_unknown: u64,
    /// Outside the band per violation.
    pub outside_band_by_violation: std::collections::BTreeMap<String, Share>,
    /// Per team.
    pub outside_band_by_team: std::collections::BTreeMap<String, Share>,
    /// Per month.
    pub by_month: std::collections::BTreeMap<String, super::Month>,
    /// Every group.
    pub groups: Vec<GroupFigures>,
}

/// The summary of an audit.
pub fn summary(a: &Audit) -> Summary {
    let t = &a.tally;
    let mut groups: Vec<GroupFigures> = t
        .groups
        .iter()
        .map(|(k, g)| GroupFigures::of(k, g))
        .collect();
    groups.sort_by(|x, y| y.fined.cmp(&x.fined).then(x.key.cmp(&y.key)));
    Summary {
        kind: "caliper-audit",
        ruleset: a.ruleset.clone(),
        lines: t.lines,
        decided: t.lines - t.errors - t.undetermined,
        undetermined: t.undetermined,
        errors: t.errors,
        error_lines: t
            .error_lines
            .iter()
            .map(|(n, e)| serde_json::json!({ "line": n, "error": e }))
            .collect(),
        flagged: a.flagged,
        places: t
            .places
            .iter()
            .map(|(p, n)| {
                let code = match p {
                    Place::NoFine => "no_fine",
                    Place::InBand => "in_band",
                    Place::OutsideBand => "outside_band",
                    Place::BelowRangeMitigated => "below_range_mitigated",
                    Place::OutsideRange => "outside_range",
                };
                (code, n)
            })
            .collect(),
        first_offense_not_punished: t.first_offense,
        not_punished: t.no_penalty,
        hearing_notice_given: t.hearing,
        hearing_notice_unknown: t.hearing_unknown,
        outside_band_by_violation: t
            .by_violation
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        outside_band_by_team: t.by_team.clone(),
        by_month: t.by_month.clone(),
        groups,
    }
}

const STYLE: &str = r#"
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif; color: #222; margin: 2em auto; max-width: 60em; padding: 0 1em; line-height: 1.5; }
h1 { font-size: 1.6em; border-bottom: 3px solid #8b1a1a; padding-bottom: .3em; }
h2 { font-size: 1.25em; color: #8b1a1a; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.note { color: #666; font-size: .9em; }
.synthetic { background: #fff4d6; border: 1px solid #e0b84c; padding: .5em 1em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; margin: .6em 0; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f3efe8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: .8em; }
.card { border: 1px solid #ddd; border-radius: 4px; padding: .5em 1em; min-width: 10em; }
.card b { display: block; font-size: 1.5em; color: #8b1a1a; }
svg text { font-size: 11px; fill: #333; }
.box { page-break-inside: avoid; break-inside: avoid; margin: .3em 0; }
.legend span { display: inline-block; margin-right: 1.2em; }
.sw { display: inline-block; width: .9em; height: .9em; vertical-align: middle; margin-right: .3em; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } h2 { page-break-after: avoid; } table, svg { page-break-inside: avoid; } @page { size: A4; margin: 15mm; } }
"#;

/// Colours of the places.
const PLACES: [(Place, &str); 4] = [
    (Place::InBand, "#4c9a5b"),
    (Place::OutsideBand, "#e0a030"),
    (Place::BelowRangeMitigated, "#6b8fc7"),
    (Place::OutsideRange, "#c0392b"),
];

/// The HTML report; `synthetic` marks an archive made by the generator.
pub fn html(a: &Audit, archive: &str, synthetic: bool) -> String {
    let t = &a.tally;
    let s = summary(a);
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>行政处罚裁量一致性审查报告</title><style>{STYLE}</style></head><body>\n<h1>行政处罚裁量一致性审查报告（类案同罚）</h1>\n<p class=\"note\">档案：{}　规则集：{}</p>\n",
        esc(archive),
        esc(&a.ruleset)
    );
    if synthetic {
        h.push_str("<p class=\"synthetic\">本档案是 caliper 生成的<b>合成数据</b>，用于演示和测试，不是任何机关的真实处罚记录。</p>\n");
    }
    let fined: u64 = PLACES.iter().map(|(p, _)| t.places.get(*p)).sum();
    let outside = Share {
        of: fined,
        count: fined - t.places.get(Place::InBand),
    };
    let _ = writeln!(
        h,
        "<div class=\"cards\"><div class=\"card\">重新计算的案件<b>{}</b></div><div class=\"card\">罚款在建议幅度外<b>{}</b></div><div class=\"card\">需要复核<b>{}</b></div><div class=\"card\">首违不罚适用<b>{}</b></div><div class=\"card\">应告知听证的已告知<b>{}</b></div></div>",
        s.decided,
        outside.percent(),
        a.flagged,
        t.first_offense.percent(),
        t.hearing.percent()
    );
    let _ = writeln!(
        h,
        "<p class=\"note\">共读取 {} 行；{} 件按当时施行的规则重新计算，{} 件因缺少事实或不适用该编号无法给出建议，{} 行有错误。</p>",
        t.lines, s.decided, t.undetermined, t.errors
    );

    rates(&mut h, a);
    places_chart(&mut h, a);
    months_chart(&mut h, a);
    box_plots(&mut h, a);
    teams(&mut h, a);
    flagged(&mut h, a);
    errors(&mut h, a);
    let _ = write!(
        h,
        "<h2>方法</h2><p class=\"note\">每个案件按其作出处罚决定之日施行的规则重新计算裁量建议。类案按规则给出的要素分组：违法行为、适用的法律版本、当事人类型、事实所对应的建议幅度（即情节档次；按数量计罚的按计算后的幅度）、建议的处罚结果和适用的情节清单条目。每组统计罚款的件数、最小值、四分位数（线性插值，精确计算）和最大值。组内已罚款案件不少于 {} 件时，罚款达到组中位数 {} 倍以上或不到其 1/{} 的案件列为需要复核；罚款超出法定幅度（低于最低额而没有减轻情节）、依法应当不予处罚却罚款、罚款达到听证标准而未告知听证的，也列为需要复核。</p>\n</body></html>\n",
        super::MIN_GROUP,
        super::FAR_RATIO.normalize(),
        super::FAR_RATIO.normalize()
    );
    h
}

fn rates(h: &mut String, a: &Audit) {
    let t = &a.tally;
    h.push_str("<h2>主要比率</h2><table><tr><th>指标</th><th>件数</th><th>比率</th></tr>\n");
    let row = |h: &mut String, name: &str, s: Share| {
        let _ = writeln!(
            h,
            "<tr><td>{name}</td><td class=\"n\">{} / {}</td><td class=\"n\">{}</td></tr>",
            s.count,
            s.of,
            s.percent()
        );
    };
    row(
        h,
        "首违不罚：规则不予处罚的初次违法案件中，实际未处罚的",
        t.first_offense,
    );
    row(h, "未处罚的案件，占重新计算的全部案件", t.no_penalty);
    let fined: u64 = PLACES.iter().map(|(p, _)| t.places.get(*p)).sum();
    for (p, _) in PLACES {
        row(
            h,
            &format!("罚款{}，占罚款案件", p.zh()),
            Share {
                of: fined,
                count: t.places.get(p),
            },
        );
    }
    row(h, "罚款达到听证标准的案件中，已告知听证权利的", t.hearing);
    h.push_str("</table>\n");
    if t.hearing_unknown > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">另有 {} 件罚款达到听证标准，但记录未写明是否告知听证。</p>",
            t.hearing_unknown
        );
    }
}

fn teams(h: &mut String, a: &Audit) {
    if a.tally.by_team.is_empty() {
        return;
    }
    h.push_str("<h2>按执法队伍</h2><table><tr><th>队伍</th><th>罚款案件</th><th>建议幅度外</th><th>比率</th><th></th></tr>\n");
    for (team, s) in &a.tally.by_team {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td><svg viewBox=\"0 0 200 12\" width=\"200\" height=\"12\"><rect width=\"{:.1}\" height=\"12\" fill=\"#e0a030\"/></svg></td></tr>",
            esc(team),
            s.of,
            s.count,
            s.percent(),
            200.0 * ratio(*s)
        );
    }
    h.push_str("</table>\n");
}

fn flagged(h: &mut String, a: &Audit) {
    let _ = writeln!(h, "<h2>需要复核的案件（{} 件）</h2>", a.flagged);
    if a.flagged == 0 {
        h.push_str("<p>没有发现需要复核的案件。</p>\n");
        return;
    }
    if a.flagged as usize > a.first_flagged.len() {
        let _ = writeln!(
            h,
            "<p class=\"note\">下表列出前 {} 件，全部见需要复核案件的 CSV 文件。</p>",
            a.first_flagged.len()
        );
    }
    h.push_str("<table><tr><th>行</th><th>案件编号</th><th>违法行为</th><th>决定日期</th><th>执法人员/队伍</th><th>罚款（元）</th><th>复核理由</th></tr>\n");
    for f in &a.first_flagged {
        let who = [f.officer.as_deref(), f.team.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            f.line,
            esc(f.case_id.as_deref().unwrap_or("")),
            esc(&f.violation),
            esc(&f.decision_date),
            esc(&who),
            f.fine.map(yuan).unwrap_or_default(),
            f.reasons
                .iter()
                .map(|r| esc(r))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    h.push_str("</table>\n");
}

fn errors(h: &mut String, a: &Audit) {
    let t = &a.tally;
    if t.errors == 0 {
        return;
    }
    let _ = writeln!(
        h,
        "<h2>无法重新计算的记录（{} 行）</h2><table><tr><th>行</th><th>代码</th><th>问题</th></tr>",
        t.errors
    );
    for (n, e) in &t.error_lines {
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{n}</td><td>{}</td><td>{}</td></tr>",
            esc(e.code.as_str()),
            esc(&e.message)
        );
    }
    h.push_str("</table>\n");
}
