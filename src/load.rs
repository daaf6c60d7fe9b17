//! Gathering a rule set's files: the root file and everything it includes, from a directory, from
//! texts in memory, or from the rules embedded in the binary.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, ast};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The name of a rule set's root file inside a directory.
pub const ROOT_FILE: &str = "main.rules";

/// Where rule files come from.
pub trait FileSource {
    /// Reads a file by its path (as written in the rule set, '/'-separated).
    fn read(&self, path: &str) -> Result<String, String>;
}

/// Files on disk, under a directory.
pub struct DiskSource {
    /// The directory paths are relative to.
    pub base: PathBuf,
}

impl FileSource for DiskSource {
    fn read(&self, path: &str) -> Result<String, String> {
        let full = self.base.join(path);
        std::fs::read(&full)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => "文件不存在".to_string(),
                std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
                std::io::ErrorKind::IsADirectory => "这是一个目录".to_string(),
                _ => e.to_string(),
            })
            .and_then(|b| String::from_utf8(b).map_err(|_| "不是 UTF-8 编码".to_string()))
    }
}

/// Files in memory: (path, text) pairs.
pub struct MemorySource<'a> {
    /// The files.
    pub files: &'a [(String, String)],
}

impl FileSource for MemorySource<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| "没有这个文件".to_string())
    }
}

/// The parsed files of a rule set, in load order, with their sources and digest.
pub struct Gathered {
    /// Parsed files.
    pub files: Vec<(FileId, ast::File)>,
    /// Their texts.
    pub sources: SourceMap,
    /// Syntax and include errors.
    pub diags: Vec<Diagnostic>,
    /// `sha256:` over every file's path and text.
    pub digest: String,
}

/// Parses `root` and, depth first, every file it includes (each once).
pub fn gather(source: &dyn FileSource, root: &str) -> Gathered {
    let mut g = Gathered {
        files: Vec::new(),
        sources: SourceMap::new(),
        diags: Vec::new(),
        digest: String::new(),
    };
    let mut hasher = Sha256::new();
    let mut stack: Vec<String> = Vec::new();
    match source.read(root) {
        Ok(text) => visit(source, root, text, &mut g, &mut stack, &mut hasher),
        Err(e) => {
            let id = g.sources.add(root, "");
            g.diags.push(
                Diagnostic::error(
                    Code::UnreadableFile,
                    Span::new(id, 0, 0),
                    format!("无法读取规则文件 {root}：{e}"),
                )
                .help("检查路径；目录须含根文件 main.rules"),
            );
        }
    }
    let hash = hasher.finalize();
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in hash.iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    g.digest = hex;
    g
}

fn visit(
    source: &dyn FileSource,
    path: &str,
    mut text: String,
    g: &mut Gathered,
    stack: &mut Vec<String>,
    hasher: &mut Sha256,
) {
    // Editors on Windows write a byte-order mark; it carries no meaning.
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(text.as_bytes());
    hasher.update([0]);
    let id = g.sources.add(path, text);
    let text = g
        .sources
        .get(id)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let (file, diags) = syntax::parse(id, &text);
    g.diags.extend(diags);
    stack.push(path.to_string());
    let includes: Vec<ast::Str> = file
        .items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Include(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let scripts: Vec<ast::Str> = file
        .items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Hook(h) => Some(h),
            _ => None,
        })
        .flat_map(|h| &h.scripts)
        .filter_map(|s| match s {
            ast::ScriptRef::File(s) => Some(s.clone()),
            ast::ScriptRef::Inline { .. } => None,
        })
        .collect();
    g.files.push((id, file));
    // Hook scripts are part of the rule text: read through the same source, kept in the source
    // map (diagnostics point into them) and hashed into the digest, in load order.
    for script in scripts {
        let target = join(path, &script.value);
        if g.sources.find(&target).is_some() {
            continue;
        }
        match source.read(&target) {
            Ok(t) => {
                hasher.update(target.as_bytes());
                hasher.update([0]);
                hasher.update(t.as_bytes());
                hasher.update([0]);
                g.sources.add(target, t);
            }
            Err(e) => g.diags.push(
                Diagnostic::error(
                    Code::ScriptNotFound,
                    script.span,
                    format!("无法读取钩子脚本 {target}：{e}"),
                )
                .label("这个文件不存在或不可读")
                .help("路径相对于写有该钩子的规则文件所在的目录"),
            ),
        }
    }
    for inc in includes {
        let target = join(path, &inc.value);
        if stack.contains(&target) {
            g.diags.push(
                Diagnostic::error(
                    Code::IncludeCycle,
                    inc.span,
                    format!("{target} 已在包含链中：{} → {target}", stack.join(" → ")),
                )
                .label("循环包含")
                .help("删去这一处包含"),
            );
            continue;
        }
        if g.sources.find(&target).is_some() {
            continue; // already loaded through another include
        }
        match source.read(&target) {
            Ok(t) => visit(source, &target, t, g, stack, hasher),
            Err(e) => g.diags.push(
                Diagnostic::error(
                    Code::IncludeNotFound,
                    inc.span,
                    format!("无法读取被包含的文件 {target}：{e}"),
                )
                .label("这个文件不存在或不可读")
                .help("路径相对于写有“包含”的文件所在的目录"),
            ),
        }
    }
    stack.pop();
}

/// `dir/of/including.rules` + `other.rules` → `dir/of/other.rules`, with `..` resolved.
pub(crate) fn join(including: &str, target: &str) -> String {
    let base = Path::new(including).parent().unwrap_or(Path::new(""));
    let mut parts: Vec<String> = Vec::new();
    for c in base.join(target).components() {
        match c {
            std::path::Component::ParentDir => {
                if parts.pop().is_none() {
                    parts.push("..".into());
                }
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn joins_relative_to_the_including_file() {
        assert_eq!(join("main.rules", "a.rules"), "a.rules");
        assert_eq!(join("lists/x.rules", "../facts.rules"), "facts.rules");
        assert_eq!(join("lists/x.rules", "y.rules"), "lists/y.rules");
    }
}
