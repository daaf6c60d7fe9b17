//! `caliper audit`: the consistency audit of past decisions (see `caliper::audit`), and the
//! synthetic archive generator.

use super::{EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK, load_rules};
use caliper::Rules;
use caliper::audit::{self, ArchiveFormat, Lines};
use caliper::batch::pipeline::{self, Line};
use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};

/// What the command line gives.
pub struct Args {
    pub archive: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub report: PathBuf,
    pub flagged: PathBuf,
    pub json: Option<PathBuf>,
    pub mapping: Option<PathBuf>,
    pub threads: Option<usize>,
    pub synthesize: Option<u64>,
    pub output: Option<PathBuf>,
    pub seed: u64,
    pub clean: bool,
}

pub fn run(a: &Args) -> u8 {
    let rules = match load_rules(a.rules.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if let Some(n) = a.synthesize {
        return synthesize(&rules, n, a);
    }
    let Some(archive) = &a.archive else {
        eprintln!(
            "错误：请给出档案文件（NDJSON、CSV 或 caliper serve 的 SQLite 决定记录库），或用 --synthesize N 生成合成档案"
        );
        return EXIT_CANNOT_RUN;
    };
    let mapping = match super::batch::read_mapping(a.mapping.as_deref()) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let workers = a
        .threads
        .unwrap_or_else(|| caliper::batch::Options::default().workers);
    let flagged_file = match std::fs::File::create(&a.flagged) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("错误：无法写入 {}：{e}", a.flagged.display());
            return EXIT_CANNOT_RUN;
        }
    };
    let mut flagged = BufWriter::new(flagged_file);
    let sqlite = is_sqlite(archive);
    let synthetic = !sqlite && is_synthetic(archive);
    let result = if sqlite {
        audit_records(&rules, archive, &mapping, workers, &mut flagged)
    } else {
        let format = match super::batch::guess_format(archive) {
            caliper::batch::InputFormat::Csv => ArchiveFormat::Csv,
            caliper::batch::InputFormat::Ndjson => ArchiveFormat::Ndjson,
        };
        let size = std::fs::metadata(archive).map_or(0, |m| m.len());
        let bar = super::batch::progress_bar(size * 2);
        let read = std::sync::atomic::AtomicU64::new(0);
        let open = || -> std::io::Result<Lines<'_>> {
            let f = std::fs::File::open(archive)?;
            let bar = bar.clone();
            let read = &read;
            let lines = pipeline::lines(
                BufReader::with_capacity(1 << 16, f),
                1,
                caliper::limits::CASE_BYTES,
            )
            .inspect(move |l| {
                if let (Some(b), Ok(l)) = (&bar, l) {
                    let n = read.fetch_add(
                        l.bytes.as_ref().map_or(0, |b| b.len() as u64 + 1),
                        std::sync::atomic::Ordering::Relaxed,
                    );
                    if l.number % 4096 == 0 {
                        b.set_position(n);
                    }
                }
            });
            Ok(Box::new(lines))
        };
        let opts = audit::Options {
            format,
            mapping,
            workers,
        };
        let r = audit::run(&rules, &HashMap::new(), &open, &opts, &mut flagged);
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        r
    };
    let audit = match result {
        Ok(a) => a,
        Err(audit::Error::Archive(e)) => {
            eprintln!("错误：{}：{e}", archive.display());
            return EXIT_ERRORS;
        }
        Err(e) => {
            eprintln!("错误：{}：{e}", archive.display());
            return EXIT_CANNOT_RUN;
        }
    };
    let name = archive
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let html = audit::report::html(&audit, &name, synthetic);
    if let Err(e) = std::fs::write(&a.report, html) {
        eprintln!("错误：无法写入 {}：{e}", a.report.display());
        return EXIT_CANNOT_RUN;
    }
    let summary = audit::report::summary(&audit);
    // Written as it is serialised: the summary of a large archive lists tens of thousands of
    // groups, and a copy of it as text would be most of the audit's peak memory.
    match &a.json {
        Some(p) => {
            if let Err(e) = std::fs::File::create(p).and_then(|f| write_json(f, &summary)) {
                eprintln!("错误：无法写入 {}：{e}", p.display());
                return EXIT_CANNOT_RUN;
            }
        }
        None => {
            if let Err(e) = write_json(std::io::stdout().lock(), &summary) {
                super::exit_on_write_error(&e);
            }
        }
    }
    eprintln!(
        "审查了 {} 行：{} 件重新计算，{} 件无法给出建议，{} 行有错误；{} 件需要复核。报告：{}，需要复核的案件：{}",
        summary.lines,
        summary.decided,
        summary.undetermined,
        summary.errors,
        summary.flagged,
        a.report.display(),
        a.flagged.display()
    );
    EXIT_OK
}

fn synthesize(rules: &Rules, n: u64, a: &Args) -> u8 {
    let Some(path) = &a.output else {
        eprintln!("错误：--synthesize 须用 -o 指定写入的文件");
        return EXIT_CANNOT_RUN;
    };
    let file = match std::fs::File::create(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("错误：无法写入 {}：{e}", path.display());
            return EXIT_CANNOT_RUN;
        }
    };
    match audit::synth::generate(rules, n, a.seed, !a.clean, &mut BufWriter::new(file)) {
        Ok(g) => {
            let planted: Vec<String> = g.planted.iter().map(|(k, c)| format!("{k} {c}")).collect();
            eprintln!(
                "已生成 {} 件合成案件（不是真实记录）到 {}；植入的不一致：{}",
                g.cases,
                path.display(),
                if a.clean {
                    "无".to_string()
                } else {
                    planted.join("，")
                }
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("错误：无法写入 {}：{e}", path.display());
            EXIT_CANNOT_RUN
        }
    }
}

/// A file starting with SQLite's magic bytes.
fn is_sqlite(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"SQLite format 3\0"
}

/// An archive whose first line says it is synthetic.
fn is_synthetic(path: &Path) -> bool {
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut buf = Vec::new();
    let mut r = BufReader::new(f);
    matches!(
        pipeline::read_line(&mut r, 1 << 16, &mut buf),
        Ok(Some(true))
    ) && String::from_utf8_lossy(&buf).contains("\"synthetic\":true")
}

#[cfg(not(feature = "server"))]
fn audit_records(
    _: &Rules,
    archive: &Path,
    _: &caliper::batch::csv::Mapping,
    _: usize,
    _: &mut dyn std::io::Write,
) -> Result<audit::Audit, audit::Error> {
    Err(audit::Error::Archive(format!(
        "{} 是 SQLite 决定记录库：读取它需要带 server 功能构建的 caliper",
        archive.display()
    )))
}

/// The decision records of `caliper serve`: each re-evaluated with the rule set it was made
/// under (kept in the store by digest); a record corrected by a later one is left out.
#[cfg(feature = "server")]
fn audit_records(
    rules: &Rules,
    archive: &Path,
    mapping: &caliper::batch::csv::Mapping,
    workers: usize,
    flagged: &mut dyn std::io::Write,
) -> Result<audit::Audit, audit::Error> {
    use crate::server::records::Store;
    let store = Store::open(archive).map_err(|e| audit::Error::Archive(e.to_string()))?;
    let ids = store
        .ids()
        .map_err(|e| audit::Error::Archive(e.to_string()))?;
    let mut corrected = std::collections::HashSet::new();
    let mut kept: HashMap<String, Rules> = HashMap::new();
    for &id in &ids {
        let Ok(Some(r)) = store.get(id) else { continue };
        if let Some(c) = r.corrects {
            corrected.insert(c);
        }
        if !kept.contains_key(&r.ruleset_digest)
            && let Ok(Some(k)) = store.ruleset(&r.ruleset_digest)
            && let Ok(loaded) = Rules::from_sources(&k.files, &k.root)
        {
            kept.insert(r.ruleset_digest.clone(), loaded);
        }
    }
    let ids: Vec<i64> = ids.into_iter().filter(|i| !corrected.contains(i)).collect();
    let store = &store;
    let ids = &ids;
    let open = move || -> std::io::Result<Lines<'_>> {
        Ok(Box::new(ids.iter().map(move |&id| {
            let bytes = store
                .get(id)
                .ok()
                .flatten()
                .map(|r| record_line(&r).into_bytes());
            Ok(Line {
                number: u64::try_from(id).unwrap_or(0),
                bytes,
            })
        })))
    };
    let opts = audit::Options {
        format: ArchiveFormat::Ndjson,
        mapping: mapping.clone(),
        workers,
    };
    audit::run(rules, &kept, &open, &opts, flagged)
}

/// A decision record as an archive line: the case, the final decision, the officer, the rule
/// set's digest; the decision date is the case's, or the day it was recorded (China time).
#[cfg(feature = "server")]
fn record_line(r: &crate::server::records::Record) -> String {
    use serde_json::Value;
    let case: Value = serde_json::from_str(&r.case_json).unwrap_or(Value::Null);
    let fin: Value = serde_json::from_str(&r.final_json).unwrap_or(Value::Null);
    let mut facts = case
        .get("facts")
        .cloned()
        .unwrap_or_else(|| Value::Object(Default::default()));
    if let Some(f) = facts.as_object_mut() {
        let china = jiff::tz::Offset::constant(8);
        let day = r.recorded_at.parse::<jiff::Timestamp>().map_or_else(
            |_| r.recorded_at.get(..10).unwrap_or_default().to_string(),
            |t| china.to_datetime(t).date().to_string(),
        );
        f.entry("decision_date").or_insert(Value::String(day));
    }
    let mut line = serde_json::json!({
        "case_id": case.get("case_id").cloned().unwrap_or_else(|| Value::String(format!("记录{}", r.id))),
        "violation": case.get("violation").cloned().unwrap_or_else(|| Value::String(r.violation.clone())),
        "facts": facts,
        "officer": r.officer,
        "ruleset": r.ruleset_digest,
    });
    if let Some(o) = fin.get("outcome") {
        line["outcome"] = o.clone();
    }
    if let Some(f) = fin.get("fine") {
        line["fine"] = f.clone();
    }
    line.to_string()
}

/// `value` as pretty JSON and a line end, through a buffer.
fn write_json(to: impl std::io::Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(to);
    serde_json::to_writer_pretty(&mut w, value)?;
    w.write_all(b"\n")?;
    w.flush()
}
