//! The consistency audit (类案同罚): past decisions re-evaluated under the rules in force on
//! their decision dates; each imposed fine placed against the recommended band and the statutory
//! range; like cases grouped by a key the rules give (violation, version of the law, party type,
//! the band the facts select — the tier —, the outcome and the set of circumstances applied);
//! per group the spread of imposed fines; the cases far from their group flagged with the reason
//! a reviewer should look, in Chinese; the rates a bureau reports.
//!
//! Memory is flat in the archive's size: a first streaming pass, on every core, re-evaluates
//! each case once and keeps, per group, the count of each distinct fine (exact quantiles in
//! memory bounded by the distinct amounts, not the cases); it writes one fixed-size record per
//! line ([`spill`]) to a temporary file. The second pass reads those records with the archive's
//! lines and reads again, re-evaluates and flags only the lines whose record says a reviewer
//! should look, writing them out as it goes. `caliper audit` is a thin shell; the report is
//! [`report::html`].

mod archive;
mod assess;
mod flagged;
pub mod report;
mod spill;
pub mod synth;
mod tally;

pub use archive::{ArchiveCase, CSV_EXTRA, outcome_code};
pub use assess::{Assessed, GroupKey, Place, assess};
pub use flagged::{FLAGGED_COLUMNS, Flagged};
pub use tally::{Group, Month, Share, Tally, reasons};

use crate::CaseError;
use crate::Rules;
use crate::batch::csv::{Header, Mapping};
use crate::batch::pipeline::{self, Line};
use rust_decimal::Decimal;
use spill::Record;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

/// A group needs this many fined cases before a case is compared with its median.
pub const MIN_GROUP: u64 = 5;

/// A fine at least this many times its group's median (or at most its inverse) is far from
/// its group.
pub const FAR_RATIO: Decimal = Decimal::from_parts(25, 0, 0, false, 1);

/// Flagged cases the report lists in full (all of them go to the CSV).
pub const REPORT_FLAGS: usize = 200;

/// Flagged fines drawn as dots on one group's box plot.
pub const GROUP_DOTS: usize = 20;

/// Errors the summary lists with their line (all are counted).
pub const LISTED_ERRORS: usize = 50;

fn yuan(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The archive's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// One record per line (JSON).
    Ndjson,
    /// A header, then one record per line.
    Csv,
}

/// How to run an audit.
#[derive(Debug, Clone)]
pub struct Options {
    /// The archive's format.
    pub format: ArchiveFormat,
    /// CSV headings (see [`Mapping`]).
    pub mapping: Mapping,
    /// Worker threads.
    pub workers: usize,
}

/// What the audit found: the tally, the flagged count and the first flagged cases.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The first pass's counts (months carry the flagged counts of the second).
    pub tally: Tally,
    /// Cases flagged.
    pub flagged: u64,
    /// The first [`REPORT_FLAGS`] flagged cases.
    pub first_flagged: Vec<Flagged>,
    /// Per group: flagged fines (the first few), for the box plots.
    pub flagged_fines: HashMap<GroupKey, Vec<Decimal>>,
    /// The rule set audited with (name, version, digest).
    pub ruleset: String,
}

/// What stopped an audit.
#[derive(Debug)]
pub enum Error {
    /// Reading the archive or writing the flagged cases failed.
    Io(io::Error),
    /// The archive cannot be read at all (its CSV header).
    Archive(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "读写失败：{e}"),
            Error::Archive(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}

/// One line's re-evaluation: the case and its assessment, none for a case the rules leave
/// undetermined, or the error of the line.
type Assessment = Result<Option<(ArchiveCase, Assessed)>, CaseError>;

/// The lines of an archive, opened anew for each pass.
pub type Lines<'a> = Box<dyn Iterator<Item = io::Result<Line>> + Send + 'a>;

/// What both passes read a line with: the CSV header, if any, and the rule sets.
struct Reader<'r> {
    rules: &'r Rules,
    kept: &'r HashMap<String, Rules>,
    header: Option<Header>,
}

impl Reader<'_> {
    /// The CSV archive's header (none for NDJSON).
    fn header<'a>(
        rules: &Rules,
        open: &dyn Fn() -> io::Result<Lines<'a>>,
        opts: &Options,
    ) -> Result<Option<Header>, Error> {
        if opts.format == ArchiveFormat::Ndjson {
            return Ok(None);
        }
        let first = open()?.next().transpose()?;
        let line = first
            .and_then(|l| l.bytes)
            .ok_or_else(|| Error::Archive("CSV 档案是空的：第 1 行应为表头".to_string()))?;
        let line = String::from_utf8(line)
            .map_err(|_| Error::Archive("第 1 行（表头）不是 UTF-8 编码".to_string()))?;
        Header::parse(&line, rules, &opts.mapping, &CSV_EXTRA)
            .map(Some)
            .map_err(Error::Archive)
    }

    /// One line read and re-evaluated with the rule set its record names (or the audit's).
    fn assess(&self, line: &Line) -> Assessment {
        let text = crate::batch::line_text(line)?;
        let c = match &self.header {
            None => ArchiveCase::from_json(text)?,
            Some(h) => ArchiveCase::from_csv(self.rules, h, text)?,
        };
        let with = c
            .ruleset
            .as_ref()
            .and_then(|d| self.kept.get(d))
            .unwrap_or(self.rules);
        Ok(assess(with, &c)?.map(|a| (c, a)))
    }
}

/// Runs the audit: `open` gives the archive's lines (a CSV archive's header first), once per
/// pass; `kept` the rule sets records name by digest (others use `rules`). The flagged cases
/// are written to `flagged` as CSV as they are found.
pub fn run<'a>(
    rules: &Rules,
    kept: &HashMap<String, Rules>,
    open: &dyn Fn() -> io::Result<Lines<'a>>,
    opts: &Options,
    flagged: &mut dyn Write,
) -> Result<Audit, Error> {
    let reader = Reader {
        rules,
        kept,
        header: Reader::header(rules, open, opts)?,
    };
    let skip = usize::from(reader.header.is_some());
    let mut records = spill::Writer::new()?;
    let tally = first_pass(&reader, open()?.skip(skip), opts.workers, &mut records)?;
    let mut audit = Audit {
        tally,
        flagged: 0,
        first_flagged: Vec::new(),
        flagged_fines: HashMap::new(),
        ruleset: format!(
            "{} {}（{}）",
            rules.info().name,
            rules.info().version,
            rules.info().digest
        ),
    };
    let records = records.finish()?;
    second_pass(&reader, open()?.skip(skip), records, &mut audit, flagged)?;
    Ok(audit)
}

/// Pass 1, on every core: each line re-evaluated once, counted in the tally, and its record
/// (its group and fine, and whether it must be flagged whatever its group) spilled.
fn first_pass(
    reader: &Reader<'_>,
    lines: impl Iterator<Item = io::Result<Line>> + Send,
    workers: usize,
    records: &mut spill::Writer,
) -> Result<Tally, Error> {
    let assess_chunk = |chunk: Vec<Line>| -> Vec<(u64, Assessment)> {
        chunk
            .into_iter()
            .map(|line| (line.number, reader.assess(&line)))
            .collect()
    };
    let mut tally = Tally::default();
    let mut ids: HashMap<GroupKey, u32> = HashMap::new();
    pipeline::ordered(workers, lines, assess_chunk, |results| {
        for (n, r) in results {
            tally.lines += 1;
            let record = match r {
                Ok(Some((c, a))) => {
                    tally.add(&c, &a);
                    let group = match ids.get(&a.key) {
                        Some(&id) => id,
                        None => {
                            let id = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                            ids.insert(a.key.clone(), id);
                            id
                        }
                    };
                    Record::of(group, &c, &a)
                }
                Ok(None) => {
                    tally.undetermined += 1;
                    Record::NONE
                }
                Err(e) => {
                    tally.error(n, e);
                    Record::NONE
                }
            };
            records.push(&record)?;
        }
        Ok(())
    })?;
    // The medians the second pass compares with, by group id.
    let mut medians = vec![None; ids.len()];
    for (key, id) in ids {
        if let (Some(g), Some(m)) = (tally.groups.get(&key), medians.get_mut(id as usize)) {
            *m = g.median_to_compare();
        }
    }
    records.medians = medians;
    Ok(tally)
}

/// Pass 2: the lines whose record calls for a look read again and flagged, in order.
fn second_pass(
    reader: &Reader<'_>,
    lines: impl Iterator<Item = io::Result<Line>>,
    mut records: spill::Reader,
    audit: &mut Audit,
    flagged: &mut dyn Write,
) -> Result<(), Error> {
    let mut head = String::new();
    crate::batch::csv::push_line(&mut head, FLAGGED_COLUMNS);
    flagged.write_all(head.as_bytes())?;
    let mut months: BTreeMap<String, u64> = BTreeMap::new();
    let mut text = String::new();
    for line in lines {
        let line = line?;
        let Some(record) = records.next()? else {
            break;
        };
        if !records.calls_for_a_look(&record) {
            continue;
        }
        let Ok(Some((c, a))) = reader.assess(&line) else {
            continue;
        };
        let Some(f) = Flagged::of(&audit.tally, line.number, c, &a) else {
            continue;
        };
        text.clear();
        f.csv(&mut text);
        flagged.write_all(text.as_bytes())?;
        let month = f.decision_date.get(..7).unwrap_or_default().to_string();
        *months.entry(month).or_default() += 1;
        audit.note(f, a.key);
    }
    flagged.flush()?;
    for (m, n) in months {
        audit.tally.by_month.entry(m).or_default().flagged = n;
    }
    Ok(())
}

impl Audit {
    /// Counts a flagged case and keeps it for the report while there is room.
    fn note(&mut self, f: Flagged, key: GroupKey) {
        self.flagged += 1;
        if let Some(fine) = f.fine {
            // Bounded: at most REPORT_FLAGS groups, GROUP_DOTS dots each.
            let dots = &mut self.flagged_fines;
            if dots.len() < REPORT_FLAGS || dots.contains_key(&key) {
                let list = dots.entry(key).or_default();
                if list.len() < GROUP_DOTS {
                    list.push(fine);
                }
            }
        }
        if self.first_flagged.len() < REPORT_FLAGS {
            self.first_flagged.push(f);
        }
    }
}
