//! The published document as self-contained HTML, printable on A4.

use super::{Doc, EntryRow};
use std::fmt::Write;

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

pub(super) fn html(d: &Doc) -> String {
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
            for r in &v.refines {
                let _ = writeln!(s, "<p><span class=\"label\">细化：</span>{}</p>", esc(r));
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
        if let Some(r) = &e.refines {
            notes.push_str(&format!("<br><small>{}</small>", esc(r)));
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
