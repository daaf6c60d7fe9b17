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
pub use tally::{Fines, Group, Month, Places, Share, Tally, reasons};

use crate::CaseError;
use crate::Rules;
use crate::batch::csv::{Header, Mapping};
use crate::batch::pipeline::{self, Line};
use archive::{CaseView, InPlace};
use rust_decimal::Decimal;
use spill::Record;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};

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
    header: Option<&'r Header>,
}

/// A first-pass worker's own rule sets, the audit's and the kept ones loaded again (as
/// `batch::run` gives each worker its own, and for the same reason: the reference counts a
/// decision takes into its rule set would otherwise be every worker's at once).
struct OwnRules {
    rules: Rules,
    kept: HashMap<String, Rules>,
}

impl OwnRules {
    /// Copies of `reader`'s rule sets; none if one does not load again (the worker then
    /// shares them: the same answers, only slower).
    fn of(reader: &Reader<'_>) -> Option<OwnRules> {
        let kept = reader
            .kept
            .iter()
            .map(|(d, r)| r.unshared_copy().map(|r| (d.clone(), r)))
            .collect::<Result<_, _>>()
            .ok()?;
        Some(OwnRules {
            rules: reader.rules.unshared_copy().ok()?,
            kept,
        })
    }

    /// A reader on these rule sets, with `reader`'s header.
    fn reader<'r>(&'r self, reader: &Reader<'r>) -> Reader<'r> {
        Reader {
            rules: &self.rules,
            kept: &self.kept,
            header: reader.header,
        }
    }
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
        let c = self.case(text)?;
        Ok(assess(self.rules_for(c.ruleset.as_deref()), &c)?.map(|a| (c, a)))
    }

    /// A line's text as a case.
    fn case(&self, text: &str) -> Result<ArchiveCase, CaseError> {
        match self.header {
            None => ArchiveCase::from_json(text),
            Some(h) => ArchiveCase::from_csv(self.rules, h, text),
        }
    }

    /// The rule set a record names by digest, or the audit's.
    fn rules_for(&self, digest: Option<&str>) -> &Rules {
        digest.and_then(|d| self.kept.get(d)).unwrap_or(self.rules)
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
    let header = Reader::header(rules, open, opts)?;
    let reader = Reader {
        rules,
        kept,
        header: header.as_ref(),
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

/// What the first pass makes of one line.
enum Seen {
    /// A case assessed and counted, with its record.
    Counted(Record),
    /// A case the rules leave undetermined or not applicable.
    Undetermined,
    /// A line that is not a case the rules can decide.
    Error(CaseError),
}

/// A group as one counter has it: its number, its cases and the last line it counted.
type Counted = (u32, Group, u64);

/// What one worker of the first pass counts, on its own thread: the tally of its lines and
/// its groups, numbered in the order it met them. The keys are hashed with foldhash rather
/// than SipHash: they are what the rules make of the audit's own archive, read once by a
/// command, not keys a remote party sends to a long-running process; foldhash is still
/// seeded afresh in each process.
struct Counter {
    id: u32,
    tally: Tally,
    groups: HashMap<GroupKey, Counted, foldhash::fast::RandomState>,
}

impl Counter {
    /// One line read (in place where it can be), re-evaluated and counted.
    fn see(&mut self, reader: &Reader<'_>, line: &Line) -> Seen {
        let text = match crate::batch::line_text(line) {
            Ok(t) => t,
            Err(e) => return Seen::Error(e),
        };
        if reader.header.is_none()
            && let Some(c) = InPlace::read(text)
        {
            let c = c.view();
            if let Ok(a) = assess::assess_view(reader.rules_for(c.ruleset), &c) {
                return self.count(line.number, &c, a);
            }
            // Anything else is read again as an ArchiveCase, whose error the line gets.
        }
        let c = match reader.case(text) {
            Ok(c) => c,
            Err(e) => return Seen::Error(e),
        };
        let c = c.view();
        match assess::assess_view(reader.rules_for(c.ruleset), &c) {
            Ok(a) => self.count(line.number, &c, a),
            Err(e) => Seen::Error(e),
        }
    }

    fn count(&mut self, line: u64, c: &CaseView<'_>, a: Option<Assessed>) -> Seen {
        let Some(a) = a else {
            return Seen::Undetermined;
        };
        self.tally.count(c, &a);
        let next = u32::try_from(self.groups.len()).unwrap_or(u32::MAX);
        // The key is cloned only for a group met for the first time.
        let (id, group, last) = match self.groups.get_mut(&a.key) {
            Some(g) => g,
            None => self
                .groups
                .entry(a.key.clone())
                .or_insert((next, Group::default(), 0)),
        };
        group.add(c, &a);
        *last = line;
        Seen::Counted(Record::of(self.id, *id, c, &a))
    }
}

/// A group of all counters: its cases, its last line and the (counter, number) it has in each.
type Merged = (Group, u64, Vec<(u32, u32)>);

/// The counters the workers take for a chunk and give back: one per worker at most.
#[derive(Default)]
struct Counters {
    free: Vec<Counter>,
    made: u32,
}

impl Counters {
    fn take(pool: &Mutex<Counters>) -> Counter {
        let mut p = pool.lock().unwrap_or_else(PoisonError::into_inner);
        p.free.pop().unwrap_or_else(|| {
            p.made += 1;
            Counter {
                id: p.made - 1,
                tally: Tally::default(),
                groups: HashMap::default(),
            }
        })
    }

    fn give_back(pool: &Mutex<Counters>, c: Counter) {
        pool.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .free
            .push(c);
    }
}

/// Pass 1, on every core: each line re-evaluated once and counted by the worker that read
/// it, and its record (its counter's group and its fine, and whether it must be flagged
/// whatever its group) spilled in line order; then the workers' counts added up.
fn first_pass(
    reader: &Reader<'_>,
    lines: impl Iterator<Item = io::Result<Line>> + Send,
    workers: usize,
    records: &mut spill::Writer,
) -> Result<Tally, Error> {
    let pool = Mutex::new(Counters::default());
    // The first worker reads with the audit's rule sets, each other one with its own.
    let init = |i: usize| if i == 0 { None } else { OwnRules::of(reader) };
    let assess_chunk = |mine: &mut Option<OwnRules>, chunk: Vec<Line>| -> Vec<(u64, Seen)> {
        let own = mine.as_ref().map(|o| o.reader(reader));
        let reader = own.as_ref().unwrap_or(reader);
        let mut counter = Counters::take(&pool);
        let seen = chunk
            .iter()
            .map(|line| (line.number, counter.see(reader, line)))
            .collect();
        // The lines are dropped here, on the thread that read them.
        drop(chunk);
        Counters::give_back(&pool, counter);
        seen
    };
    let mut tally = Tally::default();
    pipeline::ordered_each(workers, lines, init, assess_chunk, |results| {
        for (n, seen) in results {
            tally.lines += 1;
            let record = match seen {
                Seen::Counted(r) => r,
                Seen::Undetermined => {
                    tally.undetermined += 1;
                    Record::NONE
                }
                Seen::Error(e) => {
                    tally.error(n, e);
                    Record::NONE
                }
            };
            records.push(&record)?;
        }
        Ok(())
    })?;
    let counters = pool.into_inner().unwrap_or_else(PoisonError::into_inner);
    let mut groups: BTreeMap<GroupKey, Merged> = BTreeMap::new();
    let mut medians: Vec<Vec<Option<Decimal>>> = Vec::new();
    for c in counters.free {
        tally.merge_counts(c.tally);
        let at = c.id as usize;
        if medians.len() <= at {
            medians.resize(at + 1, Vec::new());
        }
        if let Some(m) = medians.get_mut(at) {
            *m = vec![None; c.groups.len()];
        }
        for (key, (id, g, last)) in c.groups {
            match groups.get_mut(&key) {
                Some((mine, mine_last, members)) => {
                    mine.merge(g, last > *mine_last);
                    *mine_last = (*mine_last).max(last);
                    members.push((c.id, id));
                }
                None => {
                    groups.insert(key, (g, last, vec![(c.id, id)]));
                }
            }
        }
    }
    // The medians the second pass compares with, by counter and group number.
    for (key, (g, _, members)) in groups {
        let median = g.median_to_compare();
        for (c, id) in members {
            if let Some(m) = medians
                .get_mut(c as usize)
                .and_then(|m| m.get_mut(id as usize))
            {
                *m = median;
            }
        }
        tally.groups.insert(key, g);
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
