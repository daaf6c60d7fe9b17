//! `caliper test`: runs the test cases beside the rules and shows expected against actual.

use super::{EXIT_CANNOT_RUN, EXIT_OK, EXIT_TEST_FAILED, load_rules};
use caliper::suite::{Report, run_file};
use std::path::{Path, PathBuf};

pub fn run(paths: &[PathBuf], coverage: bool) -> u8 {
    let mut report = Report::default();
    let mut last_rules = None;
    if paths.is_empty() {
        let rules = match load_rules(None) {
            Ok(r) => r,
            Err(c) => return c,
        };
        for (path, text) in caliper::suite::embedded_tests() {
            run_file(&rules, &format!("rules/{path}"), text, &mut report);
        }
        last_rules = Some(rules);
    } else {
        for p in paths {
            // A test file names the rule set beside it (its directory's main.rules) and runs
            // only its own cases; a rule file or directory runs every test file beside it.
            let one = p.to_string_lossy().ends_with(".test.toml");
            let dir = if p.is_dir() {
                p.clone()
            } else {
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf()
            };
            let rules = match load_rules(Some(if one { &dir } else { p })) {
                Ok(r) => r,
                Err(c) => return c,
            };
            let (files, skipped) = if one {
                (vec![p.clone()], Vec::new())
            } else {
                super::files::collect(&dir, |p| p.to_string_lossy().ends_with(".test.toml"))
            };
            for (s, why) in skipped {
                eprintln!("跳过 {}：{why}", s.display());
            }
            if files.is_empty() {
                eprintln!("{} 下没有测试文件（*.test.toml）", dir.display());
            }
            for f in files {
                match std::fs::read_to_string(&f) {
                    Ok(text) => run_file(&rules, &f.display().to_string(), &text, &mut report),
                    Err(e) => report.errors.push((f.display().to_string(), e.to_string())),
                }
            }
            last_rules = Some(rules);
        }
    }
    if coverage && let Some(rules) = &last_rules {
        let cases: Vec<caliper::Case> = report.cases.iter().map(|(_, c)| c.clone()).collect();
        out!(
            "{}",
            caliper::analysis::coverage::coverage(rules, &cases).text()
        );
    }
    for (file, msg) in &report.errors {
        eprintln!("错误：无法读取测试文件 {file}：{msg}");
    }
    for f in &report.failures {
        outln!("失败：{}（{} 第 {} 行）", f.name, f.file, f.line);
        for (what, want, got) in &f.mismatches {
            outln!("    {what}：预期 {want}，实际 {got}");
        }
    }
    outln!(
        "通过 {} 个，失败 {} 个",
        report.passed,
        report.failures.len()
    );
    outln!("{} passed, {} failed", report.passed, report.failures.len());
    if !report.errors.is_empty() {
        EXIT_CANNOT_RUN
    } else if report.failures.is_empty() {
        EXIT_OK
    } else {
        EXIT_TEST_FAILED
    }
}

/// `caliper test --generate CODE`: boundary cases into a new test file.
pub fn generate(rules: Option<&PathBuf>, code: &str, output: Option<PathBuf>) -> u8 {
    let rules = match load_rules(rules.map(PathBuf::as_path)) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let text = match caliper::analysis::generate::boundary_cases(&rules, code) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("错误：{msg}");
            return EXIT_CANNOT_RUN;
        }
    };
    let path = output.unwrap_or_else(|| PathBuf::from(format!("{code}.generated.test.toml")));
    if path.exists() {
        eprintln!("错误：{} 已存在，不覆盖；用 -o 指定新文件", path.display());
        return EXIT_CANNOT_RUN;
    }
    match std::fs::write(&path, text) {
        Ok(()) => {
            outln!(
                "已写入 {}（预期为引擎当前的答案，须逐条审核）",
                path.display()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("错误：无法写入 {}：{e}", path.display());
            EXIT_CANNOT_RUN
        }
    }
}
