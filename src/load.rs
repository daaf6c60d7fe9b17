//! Gathering a rule set's files: the root file and everything it includes, from a directory, from
//! texts in memory, or from the rules embedded in the binary.

use crate::diag::{Code, Diagnostic};
use crate::limits;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, ast};
use sha2::{Digest, Sha256};
use sources::too_big;
pub use sources::{DiskSource, EmbeddedSource, FileSource, MemorySource};
use std::collections::HashMap;
use std::path::Path;

mod sources;

/// The name of a rule set's root file inside a directory.
pub const ROOT_FILE: &str = "main.rules";


/// The parsed files of a rule set, in load order, with their sources and digest.
pub struct Gathered {
    /// Parsed files.
    pub files: Vec<(FileId, ast::File)>,
    /// Their texts.
    pub sources: SourceMap,
    /// Syntax and include errors.
    pub diags: Vec<Diagnostic>,
    /// The files of the rule sets this one builds on (`基于`), every level, in load order: the
    /// first is the root of the rule set it builds on directly.
    pub base_files: Vec<FileId>,
    /// How many `基于` down each base file is (1: the rule set this one builds on directly).
    pub depth: Vec<(FileId, usize)>,
    /// The files a helper parsed (read ahead), in the order of their ids: their syntax trees
    /// are in that thread's allocator arena, where the helper frees them faster than the
    /// loading thread can.
    pub helper_parsed: Vec<FileId>,
}

/// Parses `root` and, depth first, every file it includes (each once). Every path a file names
/// must stay inside the root file's directory; sizes and counts are bounded ([`limits`]).
pub fn gather(source: &dyn FileSource, root: &str) -> Gathered {
    let mut g = Gathered {
        files: Vec::new(),
        sources: SourceMap::new(),
        diags: Vec::new(),
        base_files: Vec::new(),
        depth: Vec::new(),
        helper_parsed: Vec::new(),
    };
    let mut walk = Walk {
        source,
        root_dir: Path::new(root)
            .parent()
            .map_or_else(String::new, |d| d.to_string_lossy().into_owned()),
        stack: Vec::new(),
        bytes: 0,
        bases: 0,
        ready: HashMap::new(),
    };
    walk.root(root, &mut g);
    g
}

/// The rule set's digest: `sha256:` over every file's path and text, each followed by a zero
/// byte, in load order (the order of `sources`). Computed once the files are gathered, so that
/// it can be computed beside the lowering, on a helper.
pub fn digest(sources: &SourceMap) -> String {
    let mut hasher = Sha256::new();
    for (_, f) in sources.files() {
        hasher.update(f.path.as_bytes());
        hasher.update([0]);
        hasher.update(f.text.as_bytes());
        hasher.update([0]);
    }
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in hasher.finalize().iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

fn limit_error(span: Span, path: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::RuleSetLimit,
        span,
        format!("{}：{why}", limits::clip(path)),
    )
    .label("超出规则集的限制")
    .help("把规则集拆小，或删去不用的部分；各项上限见 docs/limits.md")
}

/// The state of one gathering: where the root is, the include chain, the bytes read so far.
struct Walk<'s> {
    source: &'s dyn FileSource,
    root_dir: String,
    stack: Vec<String>,
    bytes: usize,
    /// How many rule sets down the `基于` chain this one is.
    bases: usize,
    /// Files read and parsed ahead by [`Walk::prefetch`], by path.
    ready: HashMap<String, Ready>,
}

/// A parse, the id of the file it was made for, and whether a helper made it.
type Parsed = (FileId, (ast::File, Vec<Diagnostic>), bool);

/// A file to parse ahead: its place among the includes, the id it is expected to get, its path
/// and its text.
type Job = (usize, FileId, String, String);

/// A file read ahead, with its parse (none if the parse did not finish).
struct Ready {
    text: Text,
    parsed: Option<Parsed>,
}

/// A file's text as read, or as the thread that parsed it ahead indexed it (its byte-order mark
/// dropped): the lines are found where the text is in the cache, not read again from another
/// core's.
enum Text {
    Read(String),
    Indexed(SourceFile),
}

/// A file's text without the byte-order mark editors on Windows write; it carries no meaning.
fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// Threads that parse the files one file includes at most (the loading thread and helpers,
/// [`crate::helpers`]).
const PREFETCH_THREADS: usize = 4;

impl Walk<'_> {
    /// Reads and visits a rule set's root file.
    fn root(&mut self, root: &str, g: &mut Gathered) {
        match self.source.read(root) {
            Ok(text) if text.len() > limits::FILE_BYTES => {
                let id = g.sources.add(root, "");
                g.diags
                    .push(limit_error(Span::new(id, 0, 0), root, &too_big()));
            }
            Ok(text) => self.visit(root, Text::Read(text), None, g),
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
    }

    /// Gathers the rule set a root file builds on (`基于`), its files named by their paths from
    /// the top rule set's directory (the embedded one's under `rules/`), so that its
    /// diagnostics name its own files.
    fn base(&mut self, root: &str, b: &ast::BaseRef, g: &mut Gathered) {
        let fail = |why: String, help: &str| {
            Diagnostic::error(Code::BaseUnreadable, b.span(), why)
                .label("基础规则集")
                .help(help.to_string())
        };
        if self.bases >= limits::BASE_DEPTH {
            g.diags.push(fail(
                format!(
                    "“基于”超过 {} 层（基础规则集层数上限）",
                    limits::BASE_DEPTH
                ),
                "让规则集直接基于更上一级的规则集",
            ));
            return;
        }
        let boxed;
        let (source, base_root, base_dir): (&dyn FileSource, String, String) = match b {
            ast::BaseRef::Embedded(_) => (
                &EmbeddedSource,
                format!("rules/{ROOT_FILE}"),
                "rules".to_string(),
            ),
            ast::BaseRef::Dir(dir) => {
                let absolute = dir.value.starts_with(['/', '\\'])
                    || dir.value.as_bytes().get(1) == Some(&b':')
                    || Path::new(&dir.value).is_absolute();
                if absolute || dir.value.contains(['\0', '\\']) {
                    g.diags.push(fail(
                        format!("基础规则集的路径 {} 不可用", limits::clip(&dir.value)),
                        "写相对于本文件所在目录、以 / 分隔的路径，如 \"../city\"",
                    ));
                    return;
                }
                let joined = join(root, &dir.value);
                let Some(s) = self.source.base(&joined) else {
                    g.diags.push(fail(
                        "这个来源不能读取另一个目录中的基础规则集".to_string(),
                        "从磁盘上的目录载入规则集",
                    ));
                    return;
                };
                boxed = s;
                let base_root = if joined.is_empty() {
                    ROOT_FILE.to_string()
                } else {
                    format!("{joined}/{ROOT_FILE}")
                };
                (&*boxed, base_root, joined)
            }
        };
        if g.sources.find(&base_root).is_some() {
            g.diags.push(fail(
                format!("{base_root} 已在规则集中：基础规则集不能是本规则集或已载入的规则集"),
                "删去这一处“基于”，或改指上一级的规则集",
            ));
            return;
        }
        if source.read(&base_root).is_err() {
            g.diags.push(fail(
                format!("找不到基础规则集的根文件 {base_root}"),
                "“基于 \"目录\"”的目录相对于根文件所在的目录，须含 main.rules；内置规则集写“基于 内置”",
            ));
            return;
        }
        let before = g.files.len();
        let mut walk = Walk {
            source,
            root_dir: base_dir,
            stack: Vec::new(),
            bytes: self.bytes,
            bases: self.bases + 1,
            ready: HashMap::new(),
        };
        walk.root(&base_root, g);
        self.bytes = walk.bytes;
        let added: Vec<FileId> = g.files[before..].iter().map(|(id, _)| *id).collect();
        // A deeper base's files were recorded by the deeper walk; this one's come first.
        g.base_files.retain(|f| !added.contains(f));
        g.base_files.splice(0..0, added);
    }

    /// Resolves a path written in `including` and checks it against the rule set's bounds; the
    /// diagnostic (never the file's content) when it may not be read.
    fn admit(
        &self,
        including: &str,
        written: &ast::Str,
        g: &Gathered,
    ) -> Result<String, Diagnostic> {
        let target = resolve(&self.root_dir, including, &written.value).map_err(|why| {
            Diagnostic::error(
                Code::PathOutsideRuleSet,
                written.span,
                format!("路径 {} {why}", limits::clip(&written.value)),
            )
            .label("不能读取这个路径")
            .help("写相对于本文件所在目录的路径，如 \"hooks/a.rhai\"、\"../facts.rules\"，且不能跳出规则集的根目录")
        })?;
        if g.sources.find(&target).is_some() {
            return Ok(target);
        }
        self.source.confine(&target).map_err(|why| {
            if why == too_big() {
                return limit_error(written.span, &target, &why);
            }
            Diagnostic::error(
                Code::PathOutsideRuleSet,
                written.span,
                format!("{} {why}", limits::clip(&target)),
            )
            .label("不能读取这个路径")
            .help("规则集只能读取其根目录之内的普通文件；把文件复制进目录，而不是链接到目录之外")
        })?;
        if g.sources.files().count() >= limits::FILES {
            return Err(limit_error(
                written.span,
                &target,
                &format!("规则集超过 {} 个文件（文件数上限）", limits::FILES),
            ));
        }
        Ok(target)
    }

    /// Counts a file's text against the size limits.
    fn take(&mut self, span: Span, path: &str, text: &str) -> Result<(), Diagnostic> {
        if text.len() > limits::FILE_BYTES {
            return Err(limit_error(span, path, &too_big()));
        }
        self.bytes += text.len();
        if self.bytes > limits::RULESET_BYTES {
            return Err(limit_error(
                span,
                path,
                &format!(
                    "全部文件合计超过 {} MiB（规则集大小上限）",
                    limits::RULESET_BYTES / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }

    /// Records and parses a file, then gathers what it names. `parsed` is what
    /// [`Walk::prefetch`] read from it, under the id it expected the file to get: used if the
    /// file gets that id, parsed again if not.
    fn visit(&mut self, path: &str, text: Text, parsed: Option<Parsed>, g: &mut Gathered) {
        let file = match text {
            Text::Read(text) => SourceFile::new(path, without_bom(text)),
            Text::Indexed(file) => file,
        };
        if let Err(d) = self.take(Span::default(), path, &file.text) {
            let id = g.sources.add(path, "");
            g.diags.push(Diagnostic {
                labels: vec![crate::diag::Label {
                    span: Span::new(id, 0, 0),
                    message: String::new(),
                    primary: true,
                }],
                ..d
            });
            return;
        }
        let id = g.sources.add_file(file);
        let (file, diags) = match parsed {
            Some((expected, done, on_helper)) if expected == id => {
                if on_helper {
                    g.helper_parsed.push(id);
                }
                done
            }
            _ => syntax::parse(id, g.sources.get(id).map_or("", |f| f.text.as_str())),
        };
        g.diags.extend(diags);
        self.stack.push(path.to_string());
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
        let base = if self.stack.len() == 1 {
            file.items.iter().find_map(|i| match i {
                ast::Item::RuleSet(r) => r.base.first().cloned(),
                _ => None,
            })
        } else {
            None
        };
        g.files.push((id, file));
        if self.bases > 0 {
            g.depth.push((id, self.bases));
        }
        if let Some(b) = base {
            self.base(path, &b, g);
        }
        self.scripts(path, scripts, g);
        self.includes(path, includes, g);
        self.stack.pop();
    }

    /// Reads the hook scripts a file names. They are part of the rule text: read through the
    /// same source, kept in the source map (diagnostics point into them) and hashed into the
    /// digest, in load order.
    fn scripts(&mut self, path: &str, scripts: Vec<ast::Str>, g: &mut Gathered) {
    for script in scripts {
        let target = match self.admit(path, &script, g) {
            Ok(t) => t,
            Err(d) => {
                g.diags.push(d);
                continue;
            }
        };
        if g.sources.find(&target).is_some() {
            continue;
        }
        match self.source.read(&target) {
            Ok(t) => {
                if let Err(d) = self.take(script.span, &target, &t) {
                    g.diags.push(d);
                    continue;
                }
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
    }

    /// Reads the files `includes` names and parses them on several threads at once, ahead of
    /// [`Walk::includes`], which visits them one by one. A file's spans carry the id it gets when
    /// it is recorded, which depends on what the files before it include: each is parsed under
    /// the id it gets if none of them includes anything (the usual case: a root file that lists
    /// the rule set's files), and [`Walk::visit`] parses again a file whose id came out other.
    /// Only a run of files that the loop will read in turn is read ahead, and only when there
    /// are several and none is most of their bytes (one large file is parsed faster on several
    /// threads by itself, [`syntax::parse`]).
    fn prefetch(&mut self, path: &str, includes: &[ast::Str], g: &Gathered) {
        let threads = crate::cores::available().min(PREFETCH_THREADS);
        if threads < 2 || includes.len() < 2 || self.stack.len() >= limits::INCLUDE_DEPTH {
            return;
        }
        let base = g.sources.files().count();
        let mut bytes = self.bytes;
        let mut jobs: Vec<(String, FileId, String)> = Vec::new();
        for inc in includes {
            let Ok(target) = self.admit(path, inc, g) else {
                break;
            };
            if self.stack.contains(&target)
                || g.sources.find(&target).is_some()
                || jobs.iter().any(|(t, _, _)| *t == target)
                || self.ready.contains_key(&target)
            {
                break;
            }
            let Ok(text) = self.source.read(&target) else {
                break;
            };
            bytes += text.len();
            let Ok(id) = u32::try_from(base + jobs.len()) else {
                break;
            };
            if text.len() > limits::FILE_BYTES || bytes > limits::RULESET_BYTES {
                break;
            }
            jobs.push((target, FileId(id), text));
        }
        let total: usize = jobs.iter().map(|(_, _, t)| t.len()).sum();
        let largest = jobs.iter().map(|(_, _, t)| t.len()).max().unwrap_or(0);
        if jobs.len() < 2 || largest.saturating_mul(threads) > total {
            for (target, _, text) in jobs {
                let text = Text::Read(text);
                self.ready.insert(target, Ready { text, parsed: None });
            }
            return;
        }
        let mut targets: Vec<Option<String>> = Vec::with_capacity(jobs.len());
        let mut items: Vec<Job> = Vec::with_capacity(jobs.len());
        for (j, (target, id, text)) in jobs.into_iter().enumerate() {
            items.push((j, id, target.clone(), text));
            targets.push(Some(target));
        }
        // The largest first, so that no thread is left with a large file at the end.
        items.sort_by_key(|(_, _, _, text)| std::cmp::Reverse(text.len()));
        let caller = std::thread::current().id();
        let parsed = crate::helpers::share(threads - 1, items, move |(j, id, path, text): Job| {
            // As `visit` would index it.
            let file = SourceFile::new(path, without_bom(text));
            let parsed = syntax::parse_alone(id, &file.text);
            (j, id, file, parsed, std::thread::current().id() != caller)
        })
        .finish();
        // A file whose parse panicked on a helper is not ready: `includes` reads and parses it
        // again, like a file not read ahead, and the panic, if it comes again, is the caller's.
        for (j, id, file, parsed, on_helper) in parsed.into_iter().flatten() {
            if let Some(target) = targets.get_mut(j).and_then(Option::take) {
                let parsed = Some((id, parsed, on_helper));
                let text = Text::Indexed(file);
                self.ready.insert(target, Ready { text, parsed });
            }
        }
    }

    /// Visits the files a file includes, in order, each once, refusing cycles and chains deeper
    /// than [`limits::INCLUDE_DEPTH`].
    fn includes(&mut self, path: &str, includes: Vec<ast::Str>, g: &mut Gathered) {
    self.prefetch(path, &includes, g);
    for inc in includes {
        let target = match self.admit(path, &inc, g) {
            Ok(t) => t,
            Err(d) => {
                g.diags.push(d);
                continue;
            }
        };
        if self.stack.contains(&target) {
            g.diags.push(
                Diagnostic::error(
                    Code::IncludeCycle,
                    inc.span,
                    format!(
                        "{target} 已在包含链中：{} → {target}",
                        self.stack.join(" → ")
                    ),
                )
                .label("循环包含")
                .help("删去这一处包含"),
            );
            continue;
        }
        if g.sources.find(&target).is_some() {
            continue; // already loaded through another include
        }
        if self.stack.len() >= limits::INCLUDE_DEPTH {
            g.diags.push(limit_error(
                inc.span,
                &target,
                &format!("包含超过 {} 层（包含深度上限）", limits::INCLUDE_DEPTH),
            ));
            continue;
        }
        let (text, parsed) = match self.ready.remove(&target) {
            Some(r) => (Ok(r.text), r.parsed),
            None => (self.source.read(&target).map(Text::Read), None),
        };
        match text {
            Ok(t) => self.visit(&target, t, parsed, g),
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
    }
}

/// `dir/of/including.rules` + `other.rules` → `dir/of/other.rules`, with `..` resolved (a `..`
/// past the start stays, so the result shows that it leaves the tree).
pub(crate) fn join(including: &str, target: &str) -> String {
    let base = Path::new(including).parent().unwrap_or(Path::new(""));
    let joined = base.join(target);
    // The parts borrow the joined path (a part is copied only if it is not UTF-8).
    let mut parts: Vec<std::borrow::Cow<'_, str>> = Vec::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else {
                    parts.push("..".into());
                }
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str().to_string_lossy()),
        }
    }
    parts.join("/")
}

/// The path a file names, joined to the including file's directory, or why it may not be read:
/// absolute paths (`/…`, `//…`, `\…`, `C:…`) and paths that leave `root_dir` are refused
/// before anything is opened.
pub(crate) fn resolve(root_dir: &str, including: &str, target: &str) -> Result<String, String> {
    let absolute = target.starts_with(['/', '\\'])
        || target.as_bytes().get(1) == Some(&b':')
        || Path::new(target).is_absolute();
    if absolute {
        return Err("是绝对路径：只能写相对于规则文件的路径".to_string());
    }
    if target.contains('\0') || target.contains('\\') {
        return Err("含有不允许的字符（反斜杠或空字符）：路径用 / 分隔".to_string());
    }
    let joined = join(including, target);
    let inside = if root_dir.is_empty() {
        !joined.split('/').any(|p| p == "..")
    } else {
        joined
            .strip_prefix(root_dir)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.split('/').any(|p| p == ".."))
    };
    if !inside || joined.is_empty() {
        return Err("跳出了规则集的根目录".to_string());
    }
    Ok(joined)
}

#[cfg(test)]
mod tests {
    use super::{join, resolve};

    #[test]
    fn joins_relative_to_the_including_file() {
        assert_eq!(join("main.rules", "a.rules"), "a.rules");
        assert_eq!(join("lists/x.rules", "../facts.rules"), "facts.rules");
        assert_eq!(join("lists/x.rules", "y.rules"), "lists/y.rules");
        // Repeated `..` leave the tree twice (it was once read as `x`).
        assert_eq!(join("main.rules", "../../x"), "../../x");
        assert_eq!(join("a/b/c.rules", "../../x"), "x");
    }

    #[test]
    fn paths_are_confined_to_the_root_directory() {
        assert_eq!(
            resolve("", "main.rules", "a.rules").as_deref(),
            Ok("a.rules")
        );
        assert_eq!(
            resolve("rules", "rules/lists/x.rules", "../facts.rules").as_deref(),
            Ok("rules/facts.rules")
        );
        for bad in [
            "/proc/self/environ",
            "//etc/passwd",
            "\\\\host\\x",
            "C:x",
            "../x",
            "../../x",
            "a/../../x",
        ] {
            assert!(resolve("", "main.rules", bad).is_err(), "{bad}");
        }
        assert!(resolve("rules", "rules/main.rules", "../main.rules").is_err());
        assert!(resolve("rules", "rules/main.rules", "../rules2/x.rules").is_err());
    }
}
