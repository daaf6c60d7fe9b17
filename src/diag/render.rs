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
            let mut snippet = Snippet::source(file.text.as_str())
                .path(file.path.as_str())
                .fold(true);
            for l in d.labels.iter().filter(|l| l.span.file == fid) {
                let kind = if l.primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                let range = clamp(l.span.range(), &file.text);
                let mut a = kind.span(range);
                if !l.message.is_empty() {
                    a = a.label(l.message.as_str());
                }
                snippet = snippet.annotation(a);
            }
            elements.push(snippet);
        }
        let mut report: Vec<Group<'_>> = vec![title.elements(elements)];
        if let Some(help) = &d.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

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
            json!({
                "code": d.code,
                "severity": d.severity,
                "message": d.message,
                "labels": labels,
                "help": d.help,
            })
        })
        .collect();
    serde_json::Value::Array(items)
}
