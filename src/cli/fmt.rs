//! `caliper fmt`: rule files in the canonical layout, comments kept, meaning proven unchanged.

use super::{EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK, EXIT_TEST_FAILED};
use std::path::{Path, PathBuf};

pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    if paths.is_empty() {
        eprintln!("错误：请给出要格式化的规则文件或目录，如 caliper fmt rules/");
        return EXIT_CANNOT_RUN;
    }
    let mut files = Vec::new();
    for p in paths {
        if !p.exists() {
            eprintln!("错误：找不到 {}", p.display());
            return EXIT_CANNOT_RUN;
        }
        if p.is_dir() {
            let (found, skipped) = super::files::collect(p, is_rules);
            for (s, why) in skipped {
                eprintln!("跳过 {}：{why}", s.display());
            }
            files.extend(found);
        } else if is_rules(p) {
            files.push(p.clone());
        }
    }
    files.sort();
    files.dedup();
    let (mut changed, mut worst) = (0, EXIT_OK);
    for f in &files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("错误：无法读取 {}：{e}", f.display());
                worst = worst.max(EXIT_CANNOT_RUN);
                continue;
            }
        };
        match caliper::fmt::format(&f.display().to_string(), &text) {
            Ok(out) if out == text => {}
            Ok(out) => {
                changed += 1;
                if check {
                    outln!("需要格式化：{}", f.display());
                } else if let Err(e) = std::fs::write(f, out) {
                    eprintln!("错误：无法写入 {}：{e}", f.display());
                    worst = worst.max(EXIT_CANNOT_RUN);
                } else {
                    outln!("已格式化：{}", f.display());
                }
            }
            Err(e) => {
                eprint!("{e}");
                worst = worst.max(EXIT_ERRORS);
            }
        }
    }
    eprintln!(
        "{} 个文件，{changed} 个{}",
        files.len(),
        if check {
            "需要格式化"
        } else {
            "已改写"
        }
    );
    if check && changed > 0 {
        worst = worst.max(EXIT_TEST_FAILED);
    }
    worst
}

fn is_rules(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "rules")
}
