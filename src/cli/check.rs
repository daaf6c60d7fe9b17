//! `caliper check`: every problem of a rule set, pointing into the files.

use super::{EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK, ErrorFormat};
use caliper::Rules;
use std::io::IsTerminal;
use std::path::PathBuf;

pub fn run(paths: &[PathBuf], format: ErrorFormat) -> u8 {
    let targets: Vec<Option<&PathBuf>> = if paths.is_empty() {
        vec![None]
    } else {
        paths.iter().map(Some).collect()
    };
    let mut worst = EXIT_OK;
    let mut json_items = Vec::new();
    for t in targets {
        let name = t.map_or_else(|| "内置规则集".to_string(), |p| p.display().to_string());
        if let Some(p) = t
            && !p.exists()
        {
            eprintln!("错误：找不到 {}", p.display());
            worst = worst.max(EXIT_CANNOT_RUN);
            continue;
        }
        let root = t.and_then(|p| including_root(p));
        if let (Some(p), Some(r)) = (t, &root) {
            eprintln!(
                "{} 由 {} 包含：从这个规则集的根文件检查",
                p.display(),
                r.display()
            );
        }
        let loaded = match root.as_ref().or(t) {
            Some(p) => Rules::load(p),
            None => Rules::embedded(),
        };
        let (diags, sources, ok) = match &loaded {
            Ok(r) => (r.all_warnings(), r.model().sources.clone(), true),
            Err(e) => (e.diagnostics.clone(), e.sources.clone(), false),
        };
        match format {
            ErrorFormat::Json => {
                json_items.extend(
                    caliper::diag::render_json(&diags, &sources)
                        .as_array()
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            ErrorFormat::Human => {
                let color = std::io::stderr().is_terminal();
                eprint!("{}", caliper::diag::render_human(&diags, &sources, color));
                let errors = diags.iter().filter(|d| d.is_error()).count();
                let warnings = diags.len() - errors;
                if ok {
                    if let Ok(r) = &loaded {
                        let m = r.model();
                        eprintln!(
                            "{name}：没有错误（{} 个文件，{} 个违法行为，{} 个清单条目，{} 个警告）",
                            sources.files().count(),
                            m.violations.len(),
                            m.entries.len(),
                            warnings
                        );
                    }
                } else {
                    eprintln!("{name}：{errors} 个错误，{warnings} 个警告");
                }
            }
        }
        if !ok {
            worst = worst.max(EXIT_ERRORS);
        }
    }
    if let ErrorFormat::Json = format {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::Value::Array(json_items)).unwrap_or_default()
        );
    }
    worst
}

/// The root file (`main.rules` of the file's directory or one above it) that includes `file`,
/// if `file` is not a root itself: a file included by a root is checked as part of its rule set.
fn including_root(file: &std::path::Path) -> Option<PathBuf> {
    if file.is_dir() || file.file_name().is_some_and(|n| n == "main.rules") {
        return None;
    }
    let file = std::fs::canonicalize(file).ok()?;
    let mut dir = file.parent();
    for _ in 0..4 {
        let d = dir?;
        let root = d.join("main.rules");
        if let Ok(text) = std::fs::read_to_string(&root)
            && let Ok(rel) = file.strip_prefix(d)
        {
            let quoted = format!("\"{}\"", rel.to_string_lossy());
            if text.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with("包含") && l.contains(&quoted)
            }) {
                return Some(root);
            }
        }
        dir = d.parent();
    }
    None
}
