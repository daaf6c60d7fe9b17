//! `caliper batch`: a file of cases in, one answer per line out (see `caliper::batch`).

use super::{EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK, load_rules};
use caliper::batch::{self, InputFormat, Options, OutputFormat};
use std::io::{BufReader, BufWriter, IsTerminal};
use std::path::{Path, PathBuf};

/// What the command line gives.
pub struct Args {
    pub input: PathBuf,
    pub output: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub input_format: Option<InputFormat>,
    pub output_format: OutputFormat,
    pub mapping: Option<PathBuf>,
    pub threads: Option<usize>,
    pub no_trace: bool,
}

pub fn run(a: &Args) -> u8 {
    let rules = match load_rules(a.rules.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mapping = match read_mapping(a.mapping.as_deref()) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let file = match std::fs::File::open(&a.input) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("错误：无法读取案件文件 {}：{e}", a.input.display());
            return EXIT_CANNOT_RUN;
        }
    };
    let size = file.metadata().map_or(0, |m| m.len());
    let opts = Options {
        input: a.input_format.unwrap_or_else(|| guess_format(&a.input)),
        output: a.output_format,
        workers: a.threads.unwrap_or_else(|| Options::default().workers),
        trace: !a.no_trace,
        mapping,
    };
    let bar = progress_bar(size);
    let show = |cases: u64, bytes: u64| show_progress(bar.as_ref(), cases, bytes);
    let input = BufReader::with_capacity(1 << 16, file);
    let result = match &a.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => batch::run(&rules, input, &mut BufWriter::new(f), &opts, &show),
            Err(e) => {
                eprintln!("错误：无法写入 {}：{e}", path.display());
                return EXIT_CANNOT_RUN;
            }
        },
        None => batch::run(
            &rules,
            input,
            &mut BufWriter::new(std::io::stdout().lock()),
            &opts,
            &show,
        ),
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    match result {
        Ok(summary) => {
            eprintln!("{}", summary.zh());
            if summary.errors > 0 {
                EXIT_ERRORS
            } else {
                EXIT_OK
            }
        }
        Err(batch::Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(batch::Error::Header(e)) => {
            eprintln!("错误：{}：{e}", a.input.display());
            EXIT_ERRORS
        }
        Err(e) => {
            eprintln!("错误：{}：{e}", a.input.display());
            EXIT_CANNOT_RUN
        }
    }
}

/// `.csv` is CSV; anything else NDJSON.
pub(super) fn guess_format(path: &Path) -> InputFormat {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        InputFormat::Csv
    } else {
        InputFormat::Ndjson
    }
}

/// The mapping file, or none.
pub(super) fn read_mapping(path: Option<&Path>) -> Result<batch::csv::Mapping, u8> {
    let Some(path) = path else {
        return Ok(batch::csv::Mapping::default());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("错误：无法读取映射文件 {}：{e}", path.display());
        EXIT_CANNOT_RUN
    })?;
    batch::csv::Mapping::parse(&text).map_err(|e| {
        eprintln!("错误：{}：{e}", path.display());
        EXIT_ERRORS
    })
}

/// A progress bar over the input's bytes, with rate and time left; none when standard error
/// is not a terminal (a log file gets only the summary).
pub(super) fn progress_bar(size: u64) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || size == 0 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    let style = indicatif::ProgressStyle::with_template(
        "{bar:40} {percent:>3}%  {msg}  已用 {elapsed_precise}  剩余约 {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// Moves the bar to `bytes` and shows the cases done and their rate.
pub(super) fn show_progress(bar: Option<&indicatif::ProgressBar>, cases: u64, bytes: u64) {
    let Some(bar) = bar else { return };
    bar.set_position(bytes);
    let secs = bar.elapsed().as_secs_f64();
    let rate = if secs > 0.0 { cases as f64 / secs } else { 0.0 };
    bar.set_message(format!("{cases} 件  {rate:.0} 件/秒"));
}
