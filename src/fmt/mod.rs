//! The formatter: every valid rule file printed in one canonical form, comments kept. It proves
//! itself: the output is parsed again and must give the same syntax tree (spans aside) and the
//! same comments in the same order; a difference is an internal error, never silent output.

mod comments;
mod erase;
mod expr;
mod print;

use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap};
use crate::syntax::{self, ast};

/// Why a file could not be formatted.
#[derive(Debug)]
#[non_exhaustive]
pub enum FormatError {
    /// The file has syntax errors (formatting needs a file that parses).
    Syntax {
        /// The errors.
        diagnostics: Vec<Diagnostic>,
        /// The file, for rendering them.
        sources: SourceMap,
    },
    /// The formatter would have changed the meaning or lost a comment: a bug, reported with
    /// what differed instead of writing the output.
    Unsound(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax {
                diagnostics,
                sources,
            } => f.write_str(&crate::diag::render_plain(diagnostics, sources)),
            FormatError::Unsound(what) => write!(
                f,
                "格式化程序内部错误：格式化后的文件与原文件{what}；原文件未改动，请报告此问题"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats one rule file. `path` is only used in diagnostics.
pub fn format(path: &str, text: &str) -> Result<String, FormatError> {
    let (file, diags) = syntax::parse(FileId(0), text);
    if !diags.is_empty() {
        let mut sources = SourceMap::new();
        sources.add(path, text);
        return Err(FormatError::Syntax {
            diagnostics: diags,
            sources,
        });
    }
    let found = comments::scan(text);
    let out = print::file(&file, &found);
    soundness_check(&file, &found, &out)?;
    Ok(out)
}

/// Parses the output again: the same span-free tree, the same comments in the same order.
fn soundness_check(
    before: &ast::File,
    comments_before: &[comments::Comment],
    out: &str,
) -> Result<(), FormatError> {
    let (after, diags) = syntax::parse(FileId(0), out);
    if !diags.is_empty() {
        return Err(FormatError::Unsound("不能再次解析".into()));
    }
    if erase::span_free(before) != erase::span_free(&after) {
        return Err(FormatError::Unsound("含义不同".into()));
    }
    let texts = |cs: &[comments::Comment]| cs.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
    if texts(comments_before) != texts(&comments::scan(out)) {
        return Err(FormatError::Unsound("注释不同".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn formatting_is_idempotent_and_keeps_comments() {
        let text = "# 头\n规则集 \"t\" {版本 \"1\" 施行 2025-01-01}\n事实 x 布尔 \"甲\" 默认 假 # 行尾\n\n\n违法行为 A-1 \"乱扔\" { 依据 \"某条\"   罚款 ..200 }\n从轻 L-1 适用 A-1 可以 \"标题\" 当 x 且 不 (x 或 x) 依据 \"第三十二条\"\n# 尾\n";
        let once = format("t.rules", text).expect("formats");
        let twice = format("t.rules", &once).expect("formats again");
        assert_eq!(once, twice);
        for c in ["# 头", "# 行尾", "# 尾"] {
            assert!(once.contains(c), "{once}");
        }
        assert!(once.contains("    当 x 且 不 (x 或 x)\n"), "{once}");
    }
}
