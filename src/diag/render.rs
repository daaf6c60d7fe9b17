//! Rendering diagnostics: annotate-snippets for people (its underlines line up under Chinese
//! text), the same without colour for snapshots, and JSON for machines.

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::json;

/// Human text with colours (for a terminal).
pub fn render_human(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    render_with(diags, sources, &renderer)
}

/// Plain text without colours (for snapshots and logs).
pub fn render_plain(diags: &[Diagnostic], sources: &SourceMap) -> String {
    render_with(diags, sources, &Renderer::plain())
}

fn render_with(diags: &[Diagnostic], sources: &SourceMap, renderer: &Renderer) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
        let mut elements: Vec<Snippet<'_, annotate_snippets::Annotation<'_>>> = Vec::new();
        // One snippet per file, in the order the labels name them.
        let mut files: Vec<crate::source::FileId> = Vec::new();
        for l in &d.labels {
            if !files.contains(&l.span.file) {
                files.push(l.span.file);
            }
        }
        for fid in files {
            let Some(file) = sources.get(fid) else {
                continue;
            };
            // Only the lines the labels touch go to the renderer: handing it the whole file for
            // every diagnostic made rendering O(diagnostics × file size). Labels far apart get
            // snippets of their own.
            let text = file.text.as_str();
            let mut labels: Vec<_> = d
                .labels
                .iter()
                .filter(|l| l.span.file == fid)
                .map(|l| (clamp(l.span.range(), text), l))
                .collect();
            labels.sort_by_key(|(r, _)| r.start);
            let mut groups: Vec<Vec<(std::ops::Range<usize>, &super::Label)>> = Vec::new();
            for (r, l) in labels {
                match groups.last_mut() {
                    Some(g) if g.iter().all(|(q, _)| r.start <= q.end + NEAR) => g.push((r, l)),
                    _ => groups.push(vec![(r, l)]),
                }
            }
            for group in groups {
                let first = group.iter().map(|(r, _)| r.start).min().unwrap_or(0);
                let last = group.iter().map(|(r, _)| r.end).max().unwrap_or(0);
                let mut from = text[..first].rfind('\n').map_or(0, |i| i + 1);
                if from == text.len() && from > 0 {
                    // The end of a file that ends with a line break belongs to its last line.
                    from = text[..from - 1].rfind('\n').map_or(0, |i| i + 1);
                }
                let to = text[last..].find('\n').map_or(text.len(), |i| last + i);
                let mut snippet = Snippet::source(&text[from..to])
                    .line_start(file.line_col(from).line)
                    .path(file.path.as_str())
                    .fold(true);
                for (range, l) in group {
                    let kind = if l.primary {
                        AnnotationKind::Primary
                    } else {
                        AnnotationKind::Context
                    };
                    let mut a = kind.span(range.start - from..range.end - from);
                    if !l.message.is_empty() {
                        a = a.label(l.message.as_str());
                    }
                    snippet = snippet.annotation(a);
                }
                elements.push(snippet);
            }
        }
        let mut report: Vec<Group<'_>> = vec![title.elements(elements)];
        if let Some(help) = &d.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let example;
        if let Some(e) = &d.example {
            example = format!("示例案件：{}\n案件文档：{}", e.words, e.case);
            report.push(Group::with_title(
                Level::NOTE.secondary_title(example.as_str()),
            ));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

/// Labels at most this many bytes apart share one snippet.
const NEAR: usize = 16 * 1024;

/// Keeps a range inside the text and on char boundaries, so no label can panic the renderer.
fn clamp(r: std::ops::Range<usize>, text: &str) -> std::ops::Range<usize> {
    let mut start = r.start.min(text.len());
    let mut end = r.end.min(text.len()).max(start);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// JSON for machines: one object per diagnostic, with file, line and character column.
pub fn render_json(diags: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let labels: Vec<serde_json::Value> = d
                .labels
                .iter()
                .map(|l| {
                    let start = sources.location(l.span);
                    let end = sources.location(crate::source::Span {
                        start: l.span.end,
                        ..l.span
                    });
                    json!({
                        "file": start.path,
                        "line": start.line,
                        "column": start.column,
                        "end_line": end.line,
                        "end_column": end.column,
                        "byte_start": l.span.start,
                        "byte_end": l.span.end,
                        "message": l.message,
                        "primary": l.primary,
                    })
                })
                .collect();
            let mut item = json!({
                "code": d.code,
                "severity": d.severity,
                "message": d.message,
                "labels": labels,
                "help": d.help,
            });
            if let Some(e) = &d.example {
                item["example"] = json!({ "words": e.words, "case": e.case });
            }
            item
        })
        .collect();
    serde_json::Value::Array(items)
}
