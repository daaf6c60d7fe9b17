//! The report's charts, drawn as inline SVG: where the fines lie per violation, the monthly
//! trend, and a box plot per group.

use super::{BOX_PLOTS, GroupFigures, PLACE_BARS, PLACES, esc, yuan};
use crate::audit::{Audit, Group, GroupKey, Share};
use rust_decimal::Decimal;
use std::fmt::Write;

/// Stacked bars: where the fines of each violation lie.
pub(super) fn places_chart(h: &mut String, a: &Audit) {
    let t = &a.tally;
    // Per violation, cases per place, from the groups.
    let mut per: std::collections::BTreeMap<&str, [u64; 4]> = std::collections::BTreeMap::new();
    for (k, g) in &t.groups {
        let row = per.entry(&k.violation).or_default();
        for (i, (p, _)) in PLACES.iter().enumerate() {
            row[i] += g.places.get(*p);
        }
    }
    per.retain(|_, r| r.iter().sum::<u64>() > 0);
    // The violations with the most fines outside the band first; the rest in one line.
    let mut per: Vec<(&str, [u64; 4])> = per.into_iter().collect();
    per.sort_by(|(a, x), (b, y)| {
        let out = |r: &[u64; 4]| r[1] + r[2] + r[3];
        out(y)
            .cmp(&out(x))
            .then(y.iter().sum::<u64>().cmp(&x.iter().sum()))
            .then(a.cmp(b))
    });
    let rest = per.split_off(per.len().min(PLACE_BARS));
    let _ = writeln!(
        h,
        "<h2>罚款在幅度中的位置（按违法行为）</h2>\n<p class=\"note\">罚款在建议幅度外最多的 {} 项违法行为{}。</p>",
        per.len(),
        if rest.is_empty() {
            String::new()
        } else {
            format!(
                "；其余 {} 项共 {} 件罚款，其中 {} 件在建议幅度外",
                rest.len(),
                rest.iter().map(|(_, r)| r.iter().sum::<u64>()).sum::<u64>(),
                rest.iter().map(|(_, r)| r[1] + r[2] + r[3]).sum::<u64>()
            )
        }
    );
    h.push_str("<p class=\"legend\">");
    for (p, c) in PLACES {
        let _ = write!(
            h,
            "<span><i class=\"sw\" style=\"background:{c}\"></i>{}</span>",
            p.zh()
        );
    }
    h.push_str("</p>\n");
    let (left, width, row_h) = (110.0, 560.0, 22.0);
    let height = row_h * per.len() as f64 + 24.0;
    let _ = writeln!(
        h,
        "<svg viewBox=\"0 0 720 {height}\" width=\"100%\" role=\"img\" aria-label=\"罚款位置\">"
    );
    for (i, (v, row)) in per.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let total: u64 = row.iter().sum();
        let _ = write!(h, "<text x=\"0\" y=\"{}\">{}</text>", y + 14.0, esc(v));
        let mut x = left;
        for (j, n) in row.iter().enumerate() {
            let w = width * (*n as f64) / (total as f64);
            if w > 0.0 {
                let _ = write!(
                    h,
                    "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"><title>{}：{n} 件</title></rect>",
                    row_h - 6.0,
                    PLACES[j].1,
                    PLACES[j].0.zh()
                );
            }
            x += w;
        }
        let out = total - row[0];
        let _ = writeln!(
            h,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            left + width + 6.0,
            y + 14.0,
            Share {
                of: total,
                count: out
            }
            .percent()
        );
    }
    h.push_str("</svg>\n<p class=\"note\">右侧数字：罚款在建议幅度外的比率。</p>\n");
}

/// Monthly trend: cases as bars, the share outside the band as a line.
pub(super) fn months_chart(h: &mut String, a: &Audit) {
    let months: Vec<(&String, &crate::audit::Month)> = a.tally.by_month.iter().collect();
    if months.is_empty() {
        return;
    }
    h.push_str("<h2>按月趋势</h2>\n<p class=\"legend\"><span><i class=\"sw\" style=\"background:#b8c7dd\"></i>案件数</span><span><i class=\"sw\" style=\"background:#c0392b\"></i>罚款在建议幅度外的比率</span></p>\n");
    let (left, top, w, ht) = (50.0, 10.0, 620.0, 180.0);
    let max_cases = months
        .iter()
        .map(|(_, m)| m.cases)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let max_share = months
        .iter()
        .map(|(_, m)| ratio(m.outside_band))
        .fold(0.0_f64, f64::max)
        .max(0.05);
    let step = w / months.len() as f64;
    let _ = writeln!(
        h,
        "<svg viewBox=\"0 0 720 230\" width=\"100%\" role=\"img\" aria-label=\"按月趋势\"><line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>",
        top + ht,
        left + w,
        top + ht
    );
    let mut points = String::new();
    for (i, (m, f)) in months.iter().enumerate() {
        let x = left + step * i as f64;
        let bh = ht * f.cases as f64 / max_cases;
        let _ = write!(
            h,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#b8c7dd\"><title>{m}：{} 件</title></rect>",
            x + step * 0.15,
            top + ht - bh,
            step * 0.7,
            f.cases
        );
        let y = top + ht - ht * ratio(f.outside_band) / max_share;
        let _ = write!(points, "{:.1},{y:.1} ", x + step * 0.5);
        let every = months.len().div_ceil(12);
        if i % every == 0 {
            let _ = write!(
                h,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + step * 0.5,
                top + ht + 16.0,
                esc(m)
            );
        }
    }
    let _ = writeln!(
        h,
        "<polyline points=\"{points}\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/><text x=\"0\" y=\"{}\">{:.0} 件</text><text x=\"{}\" y=\"{}\" fill=\"#c0392b\">{:.1}%</text></svg>",
        top + 10.0,
        max_cases,
        left + w + 4.0,
        top + 10.0,
        max_share * 100.0
    );
}

pub(super) fn ratio(s: Share) -> f64 {
    if s.of == 0 {
        0.0
    } else {
        s.count as f64 / s.of as f64
    }
}

/// One box plot per group: the band shaded, the box from Q1 to Q3, the median, the whiskers
/// to the extremes, and the flagged fines as red dots.
pub(super) fn box_plots(h: &mut String, a: &Audit) {
    let groups: Vec<(&GroupKey, &Group)> = a
        .tally
        .groups
        .iter()
        .filter(|(_, g)| g.fined() > 0)
        .collect();
    // Groups with flagged fines first, then the largest. The flagged look-up is made once per
    // group, not once per comparison: an archive of a million cases has tens of thousands.
    let mut groups: Vec<(bool, &GroupKey, &Group)> = groups
        .into_iter()
        .map(|(k, g)| (a.flagged_fines.get(k).is_some_and(|d| !d.is_empty()), k, g))
        .collect();
    groups.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then(y.2.fined().cmp(&x.2.fined()))
            .then(x.1.cmp(y.1))
    });
    let _ = writeln!(
        h,
        "<h2>类案罚款分布</h2>\n<p class=\"legend\"><span><i class=\"sw\" style=\"background:#dcefdc\"></i>建议幅度</span><span><i class=\"sw\" style=\"background:#7a9cc6\"></i>四分位区间（中间竖线为中位数，两端为最小、最大值）</span><span><i class=\"sw\" style=\"background:#c0392b;border-radius:50%\"></i>需要复核的罚款</span></p><p class=\"note\">有需要复核案件的组在前，其余按罚款件数，共列 {} 组（全部 {} 组见 JSON 汇总）；每组的标尺从该组或建议幅度的最低额到最高额。</p>",
        groups.len().min(BOX_PLOTS),
        groups.len()
    );
    h.push_str("<table><tr><th>类案（违法行为｜当事人｜建议结果｜建议幅度｜适用情节）</th><th>件数</th><th>最小</th><th>下四分位</th><th>中位数</th><th>上四分位</th><th>最大</th></tr>\n");
    for (_, k, g) in groups.iter().take(BOX_PLOTS) {
        let f = GroupFigures::of(k, g);
        let cell = |d: Option<Decimal>| d.map(yuan).unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td>{}<div class=\"box\">{}</div></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&f.label),
            box_svg(
                &f,
                g,
                a.flagged_fines.get(*k).map_or(&[][..], Vec::as_slice)
            ),
            f.fined,
            cell(f.min),
            cell(f.q1),
            cell(f.median),
            cell(f.q3),
            cell(f.max)
        );
    }
    h.push_str("</table>\n");
}

fn box_svg(f: &GroupFigures, g: &Group, dots: &[Decimal]) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let num = |d: Decimal| d.to_f64().unwrap_or(0.0);
    let (Some(min), Some(q1), Some(med), Some(q3), Some(max)) =
        (f.min, f.q1, f.median, f.q3, f.max)
    else {
        return String::new();
    };
    let mut lo = num(min);
    let mut hi = num(max);
    if let Some(b) = g.band {
        lo = lo.min(num(b.min));
        hi = hi.max(num(b.max));
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let (left, width) = (40.0, 420.0);
    let x = |v: f64| left + width * (v - lo) / (hi - lo);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 520 34\" width=\"100%\" height=\"34\">"
    );
    if let Some(b) = g.band {
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"4\" width=\"{:.1}\" height=\"20\" fill=\"#dcefdc\"/>",
            x(num(b.min)),
            (x(num(b.max)) - x(num(b.min))).max(1.0)
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{:.1}\" y1=\"14\" x2=\"{:.1}\" y2=\"14\" stroke=\"#333\"/><line x1=\"{:.1}\" y1=\"8\" x2=\"{:.1}\" y2=\"20\" stroke=\"#333\"/><line x1=\"{:.1}\" y1=\"8\" x2=\"{:.1}\" y2=\"20\" stroke=\"#333\"/>",
        x(num(min)),
        x(num(max)),
        x(num(min)),
        x(num(min)),
        x(num(max)),
        x(num(max))
    );
    let _ = write!(
        s,
        "<rect x=\"{:.1}\" y=\"7\" width=\"{:.1}\" height=\"14\" fill=\"#7a9cc6\" stroke=\"#345\"/><line x1=\"{:.1}\" y1=\"5\" x2=\"{:.1}\" y2=\"23\" stroke=\"#111\" stroke-width=\"2\"/>",
        x(num(q1)),
        (x(num(q3)) - x(num(q1))).max(1.0),
        x(num(med)),
        x(num(med))
    );
    for d in dots {
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"14\" r=\"4\" fill=\"#c0392b\"><title>{} 元</title></circle>",
            x(num(*d)),
            yuan(*d)
        );
    }
    let _ = write!(
        s,
        "<text x=\"0\" y=\"31\">{}</text><text x=\"{:.1}\" y=\"31\" text-anchor=\"end\">{} 元</text></svg>",
        lo.round(),
        left + width,
        hi.round()
    );
    s
}
