//! Batch evaluation: a file of cases in (NDJSON, or CSV with one column per fact), one answer per
//! line out, in input order, on every core, in memory that does not grow with the file. A line
//! that is not a good case gives the contract's error document with its line number, never a
//! dropped line. `caliper batch` is a thin shell over [`run`]; `docs/batch-audit.md` describes
//! the formats.
//!
//! ```
//! use caliper::batch::{self, Options};
//! let rules = caliper::Rules::embedded().expect("the shipped rules load");
//! let input = concat!(
//!     r#"{"violation":"XR-49-2","facts":{"party_type":"unit"}}"#, "\n",
//!     "not json\n",
//! );
//! let mut out = Vec::new();
//! let summary = batch::run(&rules, input.as_bytes(), &mut out, &Options::default(), &|_, _| {})
//!     .expect("in memory");
//! let text = String::from_utf8(out).expect("UTF-8");
//! assert_eq!(text.lines().count(), 2);
//! assert!(text.lines().nth(1).is_some_and(|l| l.contains(r#""line":2"#)));
//! assert_eq!((summary.cases, summary.errors), (2, 1));
//! ```

pub mod csv;
pub mod pipeline;

use crate::decision::{Decision, Flag, Outcome};
use crate::{CaseError, Rules};
use csv::{Header, Mapping};
use pipeline::{Block, Line};
use std::io::{self, BufRead, Write};

/// The format of the cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InputFormat {
    /// One case document (the contract's JSON) per line.
    #[default]
    Ndjson,
    /// A header line, then one case per line: `case_id`, `violation` and one column per fact.
    Csv,
}

/// The format of the answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// One decision document (or error document with `line`) per line.
    #[default]
    Ndjson,
    /// A header, then the main fields of each decision, one line per case.
    Csv,
}

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct Options {
    /// Input format.
    pub input: InputFormat,
    /// Output format.
    pub output: OutputFormat,
    /// Worker threads (1: everything on the calling thread).
    pub workers: usize,
    /// Record each decision's trace.
    pub trace: bool,
    /// CSV headings and cell words (see [`Mapping`]).
    pub mapping: Mapping,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            input: InputFormat::Ndjson,
            output: OutputFormat::Ndjson,
            workers: crate::cores::available(),
            trace: true,
            mapping: Mapping::default(),
        }
    }
}

/// What a batch did: cases read, by outcome, and lines in error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Case lines read (and answered).
    pub cases: u64,
    /// Decisions per outcome, in the order of [`Outcome::ALL`].
    pub by_outcome: [u64; 7],
    /// Lines answered with an error document.
    pub errors: u64,
}

impl Summary {
    fn add(&mut self, other: &Summary) {
        self.cases += other.cases;
        self.errors += other.errors;
        for (a, b) in self.by_outcome.iter_mut().zip(other.by_outcome) {
            *a += b;
        }
    }

    fn count(&mut self, o: Outcome) {
        if let Some(i) = Outcome::ALL.iter().position(|&x| x == o) {
            self.by_outcome[i] += 1;
        }
    }

    /// The summary in Chinese, one line.
    pub fn zh(&self) -> String {
        let mut parts: Vec<String> = Outcome::ALL
            .iter()
            .zip(self.by_outcome)
            .filter(|(_, n)| *n > 0)
            .map(|(o, n)| format!("{} {n}", o.zh()))
            .collect();
        parts.push(format!("错误 {}", self.errors));
        format!("共 {} 个案件：{}", self.cases, parts.join("，"))
    }
}

/// What stopped a batch before its end.
#[derive(Debug)]
pub enum Error {
    /// Reading the cases or writing the answers failed.
    Io(io::Error),
    /// The CSV header (or the file's first line) cannot be read: no line could be understood.
    Header(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "读写失败：{e}"),
            Error::Header(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}

/// The CSV output's columns.
pub const CSV_COLUMNS: [&str; 15] = [
    "line",
    "case_id",
    "violation",
    "outcome",
    "mandatory",
    "fine_min",
    "fine_max",
    "penalties",
    "hearing_notice",
    "legal_review",
    "applied",
    "needs",
    "error_code",
    "error_message",
    "error_at",
];

/// Evaluates every case of `input` and writes one answer per case line to `out`, in order;
/// `progress(lines, bytes)` is called after each chunk with the totals so far (from the calling
/// thread). Returns the summary, or the error that stopped it.
///
/// The first worker decides with `rules`, each other one with its own copy, loaded again on its
/// thread as it starts ([`Rules::unshared_copy`]): a decision holds reference counts into its
/// rule set, and workers counting on one set would take turns at those cache lines. A caller
/// that runs many batches on the same rules makes the copies once with [`run_with_copies`].
pub fn run(
    rules: &Rules,
    input: impl BufRead + Send,
    out: &mut impl Write,
    opts: &Options,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary, Error> {
    run_on(rules, Copies::Make, input, out, opts, progress)
}

/// [`run`] with the copies given: worker 0 decides with `rules`, worker `i` with
/// `copies[(i - 1) % copies.len()]`; with no copies every worker shares `rules`. The copies must
/// be the same rule set ([`Rules::unshared_copy`]), or the answers depend on the worker.
pub fn run_with_copies(
    rules: &Rules,
    copies: &[Rules],
    input: impl BufRead + Send,
    out: &mut impl Write,
    opts: &Options,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary, Error> {
    run_on(rules, Copies::Given(copies), input, out, opts, progress)
}

/// Where the workers after the first get their rules.
#[derive(Clone, Copy)]
enum Copies<'r> {
    /// Each loads its own as it starts.
    Make,
    /// From these, in turn (none: the first worker's).
    Given(&'r [Rules]),
}

/// The rules one worker decides with.
enum WorkerRules<'r> {
    Shared(&'r Rules),
    Own(Box<Rules>),
}

impl WorkerRules<'_> {
    fn get(&self) -> &Rules {
        match self {
            WorkerRules::Shared(r) => r,
            WorkerRules::Own(r) => r,
        }
    }
}

impl<'r> Copies<'r> {
    /// Worker `i`'s rules. A copy that does not load (the texts loaded once already) leaves
    /// the worker on the shared rules: the same answers, only slower.
    fn for_worker(self, rules: &'r Rules, i: usize) -> WorkerRules<'r> {
        match self {
            _ if i == 0 => WorkerRules::Shared(rules),
            Copies::Given([]) => WorkerRules::Shared(rules),
            Copies::Given(copies) => WorkerRules::Shared(&copies[(i - 1) % copies.len()]),
            Copies::Make => rules
                .unshared_copy()
                .map_or(WorkerRules::Shared(rules), |r| {
                    WorkerRules::Own(Box::new(r))
                }),
        }
    }
}

fn run_on(
    rules: &Rules,
    copies: Copies<'_>,
    input: impl BufRead + Send,
    out: &mut impl Write,
    opts: &Options,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary, Error> {
    let mut input = input;
    let (header, first) = match opts.input {
        InputFormat::Ndjson => (None, 1),
        InputFormat::Csv => {
            let mut buf = Vec::new();
            let line = match pipeline::read_line(&mut input, crate::limits::CASE_BYTES, &mut buf)? {
                None => return Err(Error::Header("CSV 文件是空的：第 1 行应为表头".to_string())),
                Some(false) => return Err(Error::Header("第 1 行（表头）太长".to_string())),
                Some(true) => String::from_utf8(buf)
                    .map_err(|_| Error::Header("第 1 行（表头）不是 UTF-8 编码".to_string()))?,
            };
            (
                Some(Header::parse(&line, rules, &opts.mapping, &[]).map_err(Error::Header)?),
                2,
            )
        }
    };
    if opts.output == OutputFormat::Csv {
        let mut line = String::new();
        csv::push_line(&mut line, CSV_COLUMNS);
        out.write_all(line.as_bytes())?;
    }
    let blocks = pipeline::blocks(input, first, crate::limits::CASE_BYTES);
    let mut total = Summary::default();
    let mut bytes = 0u64;
    let init = |i: usize| copies.for_worker(rules, i);
    let work = |mine: &mut WorkerRules<'_>, block: Block| {
        answer_block(mine.get(), header.as_ref(), opts, &block)
    };
    let sink = |(text, summary, read): (String, Summary, u64)| {
        out.write_all(text.as_bytes())?;
        total.add(&summary);
        bytes += read;
        progress(total.cases, bytes);
        Ok(())
    };
    pipeline::ordered_chunks_each(opts.workers, blocks, init, work, sink)?;
    out.flush()?;
    Ok(total)
}

/// The answers to one block of lines: the text to write, its summary and the bytes it read.
/// Each answer is written straight into the block's text.
fn answer_block(
    rules: &Rules,
    header: Option<&Header>,
    opts: &Options,
    block: &Block,
) -> (String, Summary, u64) {
    let per_line = if opts.trace { 2048 } else { 512 };
    let mut out = String::with_capacity(block.len() * per_line);
    let mut summary = Summary::default();
    let mut read = 0;
    let eval = crate::Options { trace: opts.trace };
    for (number, bytes) in block.lines() {
        summary.cases += 1;
        read += bytes.map_or(0, |b| b.len() as u64 + 1);
        let answer = decide_line(rules, header, eval, bytes);
        match &answer {
            Ok(d) => summary.count(d.outcome),
            Err(_) => summary.errors += 1,
        }
        write_answer(&mut out, opts.output, number, &answer);
    }
    (out, summary, read)
}

/// One line's decision, or the error that names what is wrong with it.
fn decide_line(
    rules: &Rules,
    header: Option<&Header>,
    opts: crate::Options,
    bytes: Option<&[u8]>,
) -> Result<Decision, CaseError> {
    let text = text_of(bytes)?;
    match header {
        None => rules.evaluate_json_with(text, opts),
        Some(header) => {
            let case = csv_case(rules, header, text)?;
            rules.evaluate_with(&case, opts)
        }
    }
}

/// A line's text, or the error for a line too long, not UTF-8, or empty.
pub(crate) fn line_text(line: &Line) -> Result<&str, CaseError> {
    text_of(line.bytes.as_deref())
}

/// [`line_text`] of a line's bytes (none for a line over the length limit).
fn text_of(bytes: Option<&[u8]>) -> Result<&str, CaseError> {
    use crate::diag::Code;
    let Some(bytes) = bytes else {
        return Err(CaseError::new(
            Code::CaseLimit,
            format!(
                "一行超过 {} 字节（案件大小上限）",
                crate::limits::CASE_BYTES
            ),
            "",
        ));
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|_| CaseError::new(Code::MalformedCase, "这一行不是 UTF-8 编码", ""))?;
    if text.trim().is_empty() {
        return Err(CaseError::new(
            Code::MalformedCase,
            "空行：每行应为一个案件",
            "",
        ));
    }
    Ok(text)
}

/// A CSV line as a case.
pub(crate) fn csv_case(
    rules: &Rules,
    header: &Header,
    text: &str,
) -> Result<crate::Case, CaseError> {
    let malformed = |m: String| CaseError::new(crate::diag::Code::MalformedCase, m, "");
    let cells = csv::split(text).map_err(&malformed)?;
    let c = header.case(rules, &cells).map_err(&malformed)?;
    Ok(crate::Case {
        case_id: c.case_id,
        violation: c.violation,
        violations: None,
        facts: c.facts,
    })
}

/// Writes one answer line.
fn write_answer(
    out: &mut String,
    format: OutputFormat,
    number: u64,
    answer: &Result<Decision, CaseError>,
) {
    match format {
        OutputFormat::Ndjson => {
            match answer {
                // Written directly: the same bytes as serde_json, at half the instructions.
                Ok(d) => crate::explain::write_decision(out, d),
                Err(e) => match serde_json::to_string(&ErrorLine {
                    error: e,
                    line: number,
                }) {
                    Ok(text) => out.push_str(&text),
                    Err(_) => out
                        .push_str(r#"{"error":{"code":"E0504","message":"无法写出决定","at":""}}"#),
                },
            }
            out.push('\n');
        }
        OutputFormat::Csv => {
            csv::push_line(out, csv_fields(number, answer).iter().map(String::as_str));
        }
    }
}

/// The contract's error document, with the line it answers.
#[derive(serde::Serialize)]
struct ErrorLine<'a> {
    error: &'a CaseError,
    line: u64,
}

/// The CSV fields of an answer, in the order of [`CSV_COLUMNS`].
fn csv_fields(number: u64, answer: &Result<Decision, CaseError>) -> Vec<String> {
    let yuan = |d: rust_decimal::Decimal| d.normalize().to_string();
    let flag = |f: Flag| match f {
        Flag::No => "false".to_string(),
        Flag::Yes => "true".to_string(),
        Flag::IfFineAtLeast(n) => format!(">={}", yuan(n)),
    };
    match answer {
        Ok(d) => {
            let code = serde_json::to_value(d.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let kinds: Vec<String> = d
                .penalties
                .iter()
                .filter_map(|p| serde_json::to_value(p.kind).ok())
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            vec![
                number.to_string(),
                d.case_id.clone().unwrap_or_default(),
                d.violation.to_string(),
                code,
                d.mandatory.to_string(),
                d.fine.map(|f| yuan(f.min)).unwrap_or_default(),
                d.fine.map(|f| yuan(f.max)).unwrap_or_default(),
                kinds.join(";"),
                flag(d.procedure.hearing_notice),
                flag(d.procedure.legal_review),
                d.applied
                    .iter()
                    .map(|a| &*a.id)
                    .collect::<Vec<_>>()
                    .join(";"),
                d.needs.iter().map(|n| &**n).collect::<Vec<_>>().join(";"),
                String::new(),
                String::new(),
                String::new(),
            ]
        }
        Err(e) => {
            let mut f = vec![String::new(); CSV_COLUMNS.len()];
            f[0] = number.to_string();
            f[12] = e.code.to_string();
            f[13] = e.message.clone();
            f[14] = e.at.clone();
            f
        }
    }
}
