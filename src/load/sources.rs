//! Where rule files come from: a directory on disk (every path confined to it), texts in
//! memory, and the directory of a base rule set (`基于`).

use crate::limits;
use std::path::PathBuf;

/// Where rule files come from.
pub trait FileSource {
    /// Reads a file by its path (as written in the rule set, '/'-separated).
    fn read(&self, path: &str) -> Result<String, String>;

    /// Whether `path` (already relative and inside the rule set's directory as written) stays
    /// inside it once the source resolves it (symlinks), and names a regular file: `Err` says
    /// why not, and the file is then never read. A path that does not exist is `Ok` (reading it
    /// reports that).
    fn confine(&self, path: &str) -> Result<(), String> {
        let _ = path;
        Ok(())
    }

    /// The source of a base rule set (`基于 "dir"`): its files read by their paths `dir/…`,
    /// `dir` relative to this source's root (it may leave it), each confined to `dir`. `None`
    /// where this source cannot read another directory.
    fn base(&self, dir: &str) -> Option<Box<dyn FileSource + '_>> {
        let _ = dir;
        None
    }
}

/// The files of a base rule set on disk: paths `prefix/…` read under `disk`'s directory.
struct Rebased {
    /// The top rule set's directory, that every prefix is relative to.
    top: PathBuf,
    prefix: String,
    disk: DiskSource,
}

impl Rebased {
    fn inner<'p>(&self, path: &'p str) -> Result<&'p str, String> {
        path.strip_prefix(self.prefix.as_str())
            .and_then(|p| p.strip_prefix('/'))
            .ok_or_else(|| format!("不在基础规则集的目录 {} 之内", self.prefix))
    }
}

impl FileSource for Rebased {
    fn read(&self, path: &str) -> Result<String, String> {
        self.disk.read(self.inner(path)?)
    }

    fn confine(&self, path: &str) -> Result<(), String> {
        self.disk.confine(self.inner(path)?)
    }

    fn base(&self, dir: &str) -> Option<Box<dyn FileSource + '_>> {
        Some(Box::new(Rebased {
            top: self.top.clone(),
            prefix: dir.to_string(),
            disk: DiskSource {
                base: self.top.join(dir),
            },
        }))
    }
}

/// Files on disk, under a directory. Every path is confined to the directory after resolving
/// symlinks; only regular files of at most [`limits::FILE_BYTES`] are read.
pub struct DiskSource {
    /// The directory paths are relative to.
    pub base: PathBuf,
}

impl DiskSource {
    /// The canonical path of a file that may be read, or why it may not.
    fn resolve(&self, path: &str) -> Result<Option<PathBuf>, String> {
        let full = self.base.join(path);
        let real = match std::fs::canonicalize(&full) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&e)),
        };
        let base = std::fs::canonicalize(&self.base).map_err(|e| io_error(&e))?;
        if !real.starts_with(&base) {
            return Err("解析符号链接之后位于规则集目录之外，不予读取".to_string());
        }
        let meta = std::fs::metadata(&real).map_err(|e| io_error(&e))?;
        if meta.is_file() && meta.len() > limits::FILE_BYTES as u64 {
            return Err(too_big());
        }
        if !meta.is_file() {
            return Err(if meta.is_dir() {
                "这是一个目录".to_string()
            } else {
                "不是普通文件（设备、管道或套接字），不予读取".to_string()
            });
        }
        Ok(Some(real))
    }
}

fn io_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        std::io::ErrorKind::IsADirectory => "这是一个目录".to_string(),
        _ => e.to_string(),
    }
}

impl FileSource for DiskSource {
    fn read(&self, path: &str) -> Result<String, String> {
        use std::io::Read;
        let Some(real) = self.resolve(path)? else {
            return Err("文件不存在".to_string());
        };
        let file = std::fs::File::open(&real).map_err(|e| io_error(&e))?;
        // Read one byte more than allowed: a file that grew after the check is still refused.
        let mut bytes = Vec::new();
        file.take(limits::FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(&e))?;
        if bytes.len() > limits::FILE_BYTES {
            return Err(too_big());
        }
        String::from_utf8(bytes).map_err(|_| "不是 UTF-8 编码".to_string())
    }

    fn confine(&self, path: &str) -> Result<(), String> {
        self.resolve(path).map(|_| ())
    }

    fn base(&self, dir: &str) -> Option<Box<dyn FileSource + '_>> {
        Some(Box::new(Rebased {
            top: self.base.clone(),
            prefix: dir.to_string(),
            disk: DiskSource {
                base: self.base.join(dir),
            },
        }))
    }
}

pub(super) fn too_big() -> String {
    format!(
        "文件超过 {} MiB（单个文件大小上限）",
        limits::FILE_BYTES / (1024 * 1024)
    )
}

/// The rule set embedded in the library, its files and scripts under `rules/`: each read
/// straight from the binary, not copied into a list first.
pub struct EmbeddedSource;

impl FileSource for EmbeddedSource {
    fn read(&self, path: &str) -> Result<String, String> {
        path.strip_prefix("rules/")
            .and_then(|name| {
                crate::embedded::FILES
                    .iter()
                    .chain(crate::embedded::SCRIPTS)
                    .find(|(p, _)| *p == name)
            })
            .map(|(_, t)| (*t).to_string())
            .ok_or_else(|| "没有这个文件".to_string())
    }

    fn base(&self, _dir: &str) -> Option<Box<dyn FileSource + '_>> {
        Some(Box::new(EmbeddedSource))
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

    fn base(&self, _dir: &str) -> Option<Box<dyn FileSource + '_>> {
        Some(Box::new(MemorySource { files: self.files }))
    }
}
