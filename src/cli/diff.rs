//! `caliper diff OLD NEW`: what a revision changes, in words, and the representative cases whose
//! decision changes, old and new side by side.

use super::{EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK};
use caliper::Rules;
use std::path::Path;

/// The output format of `diff`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DiffFormat {
    /// 中文说明
    Text,
    /// JSON
    Json,
}

pub fn run(old: &Path, new: &Path, format: DiffFormat) -> u8 {
    let mut loaded = Vec::new();
    for p in [old, new] {
        if !p.exists() {
            eprintln!("错误：找不到 {}", p.display());
            return EXIT_CANNOT_RUN;
        }
        match Rules::load(p) {
            Ok(r) => loaded.push(r),
            Err(e) => {
                eprint!(
                    "{}",
                    caliper::diag::render_human(&e.diagnostics, &e.sources, false)
                );
                eprintln!("{}：规则集有错误，不能比较", p.display());
                return EXIT_ERRORS;
            }
        }
    }
    let report = caliper::analysis::diff::diff(&loaded[0], &loaded[1]);
    match format {
        DiffFormat::Text => out!("{}", report.text()),
        DiffFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
    }
    EXIT_OK
}
