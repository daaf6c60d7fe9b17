//! The published document as Markdown.

use super::{Doc, EntryRow};
use std::fmt::Write;

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub(super) fn markdown(d: &Doc) -> String {
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
            for r in &v.refines {
                let _ = writeln!(s, "- **细化：** {r}");
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
        if let Some(r) = &e.refines {
            title.push_str(&format!("（{r}）"));
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
