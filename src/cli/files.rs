//! Walking a directory for `fmt` and `test`: never out of the tree through a symlink, never round
//! a loop (`self -> .`), only regular files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The files under `root` that `keep` accepts, sorted, and the paths skipped with the reason.
/// A symlink is followed only when its target stays inside `root` (after resolving every link)
/// and is not a directory already walked.
pub fn collect(
    root: &Path,
    keep: impl Fn(&Path) -> bool,
) -> (Vec<PathBuf>, Vec<(PathBuf, &'static str)>) {
    let (mut files, mut skipped) = (Vec::new(), Vec::new());
    let Ok(top) = std::fs::canonicalize(root) else {
        return (files, skipped);
    };
    let mut seen: HashSet<PathBuf> = HashSet::new();
    seen.insert(top.clone());
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let kind = if meta.file_type().is_symlink() {
                let Ok(real) = std::fs::canonicalize(&path) else {
                    skipped.push((path, "符号链接指向不存在的文件"));
                    continue;
                };
                if !real.starts_with(&top) {
                    skipped.push((path, "符号链接指向目录之外，不予跟随"));
                    continue;
                }
                match std::fs::metadata(&real) {
                    Ok(m) if m.is_dir() => {
                        if !seen.insert(real) {
                            continue; // a directory already walked: a loop, or a second way in
                        }
                        Kind::Dir
                    }
                    Ok(m) if m.is_file() => Kind::File,
                    _ => Kind::Other,
                }
            } else if meta.is_dir() {
                match std::fs::canonicalize(&path) {
                    Ok(real) if !seen.contains(&real) => {
                        seen.insert(real);
                        Kind::Dir
                    }
                    _ => continue,
                }
            } else if meta.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
            match kind {
                Kind::Dir => dirs.push(path),
                Kind::File if keep(&path) => files.push(path),
                Kind::File => {}
                Kind::Other if keep(&path) => skipped.push((path, "不是普通文件")),
                Kind::Other => {}
            }
        }
    }
    files.sort();
    (files, skipped)
}

enum Kind {
    Dir,
    File,
    Other,
}
