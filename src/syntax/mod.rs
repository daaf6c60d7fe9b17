//! Rule text → typed syntax tree. pest does the parsing, one top-level item at a time (recover.rs
//! cuts the file into items and repairs its braces, so one syntax error costs only the clause it
//! is in); one `visit_<rule>` function per grammar rule builds the tree, grouped by what it
//! builds (header.rs, violation.rs, penalty.rs, entry.rs, refine.rs, expr.rs), and pest's errors
//! become our diagnostics in errors.rs.

pub mod ast;
mod entry;
mod errors;
mod expr;
mod header;
mod penalty;
mod recover;
mod refine;
#[cfg(test)]
mod tests;
mod violation;

use crate::diag::{Code, Diagnostic};
use crate::limits;
use crate::source::{FileId, Span};
use ast::{DateLit, File, Item, Name, Party, PartyBlock, PenaltyStmt, Str};
pub(crate) use errors::nesting_too_deep;
use pest::Parser;
use pest::iterators::Pair;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The pest parser, in a module of its own so that pest's `Rule` stays inside the crate.
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/caliper.pest"]
    pub(super) struct RuleParser;
}

use grammar::{Rule, RuleParser};

/// Parses one file. Syntax errors do not stop the parse: every item is parsed on its own, and
/// inside an item the clause with the error is blanked and the rest read again, so a drafter
/// sees every syntax error of the file in one run, and the model checks what did parse.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    parse_on(file, text, true)
}

/// [`parse`] on the calling thread alone, for a caller that parses several files at once.
pub fn parse_alone(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    parse_on(file, text, false)
}

fn parse_on(file: FileId, text: &str, threads: bool) -> (File, Vec<Diagnostic>) {
    let whole = !(threads && text.len() >= PARALLEL_BYTES);
    if whole && let Some(done) = parse_whole(file, text) {
        return done;
    }
    let split = recover::split(file, text);
    let mut starts = split.starts.clone();
    if starts.first().is_none_or(|&s| s > 0)
        && has_content(&text[..starts.first().copied().unwrap_or(text.len())])
    {
        starts.insert(0, 0);
    }
    let pieces: Vec<(usize, usize)> = starts
        .iter()
        .enumerate()
        .map(|(n, &start)| (start, starts.get(n + 1).copied().unwrap_or(text.len())))
        .collect();
    if threads && let Some(done) = parse_in_parallel(file, text, &split, &pieces) {
        return done;
    }
    let mut p = Parsing::new(file, text);
    p.errors = split.diags.len();
    p.diags.extend(split.diags.iter().cloned());
    if whole {
        // What does not parse at once is read item by item.
        p.each(&pieces, &split);
    } else {
        p.pieces(&pieces, &split);
    }
    (p.out, p.diags)
}

/// A file read by one pest call, before any scan: most files have no syntax error, and the
/// scan that cuts a file into items and repairs its braces ([`recover::split`], a tenth of
/// parsing the shipped set) serves only to recover from one. `None`, having read nothing, where
/// the file does not parse as it is; it is then scanned and read item by item.
fn parse_whole(file: FileId, text: &str) -> Option<(File, Vec<Diagnostic>)> {
    if recover::too_deep(text, limits::PARSE_BRACKETS).is_some() {
        return None;
    }
    let mut pairs = RuleParser::parse(Rule::pieces, text).ok()?;
    let mut out = File::default();
    let mut diags = Vec::new();
    let mut v = Visitor {
        file,
        offset: 0,
        inserts: &[],
        diags: &mut diags,
        depth: 0,
    };
    if let Some(f) = pairs.next() {
        v.visit_file(f, &mut out);
    }
    // The scan would have found nothing to repair in a file that parses: every test's rule
    // files check it, in a debug build.
    if cfg!(debug_assertions) {
        let split = recover::split(file, text);
        debug_assert!(
            split.diags.is_empty() && split.inserts.is_empty() && split.strays.is_empty(),
            "the scan repairs a file that parses: {:?}",
            split.diags
        );
    }
    Some((out, diags))
}

/// Files at least this large are parsed on several threads (smaller ones are not worth a thread).
const PARALLEL_BYTES: usize = 64 * 1024;

/// Threads one file is parsed on at most.
const PARALLEL_THREADS: usize = 4;

/// Parses a large file's items on several threads, each a run of consecutive items, and joins
/// what they read in file order. The items are independent, so the result is the sequential
/// one, unless the file reaches the limit of syntax errors: where the sequential parse stops
/// depends on every error before it, so such a file is parsed again in sequence (`None`).
fn parse_in_parallel(
    file: FileId,
    text: &str,
    split: &recover::Split,
    pieces: &[(usize, usize)],
) -> Option<(File, Vec<Diagnostic>)> {
    let threads = crate::cores::available()
        .min(PARALLEL_THREADS)
        .min(text.len() / PARALLEL_BYTES)
        .min(pieces.len());
    if threads < 2 {
        return None;
    }
    // Runs of about the same number of bytes.
    let share = text.len().div_ceil(threads);
    let mut runs: Vec<&[(usize, usize)]> = Vec::with_capacity(threads);
    let mut rest = pieces;
    while !rest.is_empty() {
        let boundary = runs.len().saturating_add(1).saturating_mul(share);
        let n = rest.partition_point(|&(_, end)| end <= boundary).max(1);
        let (run, tail) = rest.split_at(n.min(rest.len()));
        runs.push(run);
        rest = tail;
    }
    let parsed: Option<Vec<Parsing<'_>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|run| {
                scope.spawn(move || {
                    let mut p = Parsing::new(file, text);
                    p.pieces(run, split);
                    p
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    });
    let parsed = parsed?;
    let errors = split.diags.len() + parsed.iter().map(|p| p.errors).sum::<usize>();
    if errors >= limits::SYNTAX_ERRORS || parsed.iter().any(|p| p.stopped) {
        return None;
    }
    let mut out = File::default();
    let mut diags = split.diags.clone();
    for p in parsed {
        out.items.extend(p.out.items);
        out.broken.extend(p.out.broken);
        out.lost.extend(p.out.lost);
        diags.extend(p.diags);
    }
    Some((out, diags))
}

/// Whether `bytes` hold a control character other than a tab: eight bytes at a time, most
/// strings holding none (a byte below 0x20 borrows into its own top bit when 0x20 is taken from
/// each byte of the word), the exact test only in a word that may hold one.
fn has_control(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let control = |b: &u8| *b < 0x20 && *b != b'\t';
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        let x = u64::from_le_bytes(word);
        if x.wrapping_sub(ONES * 0x20) & !x & TOPS != 0 && w.iter().any(control) {
            return true;
        }
    }
    words.remainder().iter().any(control)
}

/// Whether a text holds anything but white space and comments.
fn has_content(s: &str) -> bool {
    s.lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

/// One file being parsed.
struct Parsing<'t> {
    file: FileId,
    text: &'t str,
    out: File,
    diags: Vec<Diagnostic>,
    /// Syntax errors reported so far (`limits::SYNTAX_ERRORS`).
    errors: usize,
    stopped: bool,
}

impl<'t> Parsing<'t> {
    fn new(file: FileId, text: &'t str) -> Parsing<'t> {
        Parsing {
            file,
            text,
            out: File::default(),
            diags: Vec::new(),
            errors: 0,
            stopped: false,
        }
    }

    /// Parses the items `pieces` (start and end offsets) in order, until the limit of syntax
    /// errors stops it.
    fn pieces(&mut self, pieces: &[(usize, usize)], split: &recover::Split) {
        if let (Some(&(start, _)), Some(&(_, end))) = (pieces.first(), pieces.last())
            && self.run(start, end, split)
        {
            return;
        }
        self.each(pieces, split);
    }

    /// Parses the items `pieces` one by one, until the limit of syntax errors stops it.
    fn each(&mut self, pieces: &[(usize, usize)], split: &recover::Split) {
        for &(start, end) in pieces {
            self.piece(start, end, split);
            if self.stopped {
                break;
            }
        }
    }

    /// Parses the items in `start..end` in one call, where no repair of the scan touches them;
    /// false, having read nothing, where they do not parse as they are (then each item is
    /// parsed on its own, to report every error and read what can be read).
    fn run(&mut self, start: usize, end: usize, split: &recover::Split) -> bool {
        let src = &self.text[start..end];
        if split.repairs(start, end) || recover::too_deep(src, limits::PARSE_BRACKETS).is_some() {
            return false;
        }
        let Ok(mut pairs) = RuleParser::parse(Rule::pieces, src) else {
            return false;
        };
        let mut v = Visitor {
            file: self.file,
            offset: start,
            inserts: &[],
            diags: &mut self.diags,
            depth: 0,
        };
        if let Some(f) = pairs.next() {
            v.visit_file(f, &mut self.out);
        }
        true
    }

    /// Parses the item in `start..end`, blanking clause after clause until it parses.
    fn piece(&mut self, start: usize, end: usize, split: &recover::Split) {
        let mut patched = split.repairs(start, end).then(|| recover::Patched::new(self.text, start, end, split));
        // Errors inside what an earlier error blanked follow from it: reported once.
        let mut blanked_to = 0;
        let mut broken = false;
        for _ in 0..limits::CLAUSES_SKIPPED_PER_ITEM {
            let src = patched
                .as_ref()
                .map_or(&self.text[start..end], |p| p.text.as_str());
            let inserts = patched.as_ref().map_or(&[][..], |p| p.inserts.as_slice());
            // pest recurses once per bracket: a text nested too deep is not given to it.
            let parsed = match recover::too_deep(src, limits::PARSE_BRACKETS) {
                Some(pos) => Err(Failed::TooDeep(pos)),
                None => RuleParser::parse(Rule::piece, src).map_err(Failed::Syntax),
            };
            match parsed {
                Ok(mut pairs) => {
                    let mut v = Visitor {
                        file: self.file,
                        offset: start,
                        inserts,
                        diags: &mut self.diags,
                        depth: 0,
                    };
                    if let Some(f) = pairs.next() {
                        v.visit_file(f, &mut self.out);
                    }
                    if broken {
                        self.out.broken.push(Span::new(self.file, start, end));
                    }
                    return;
                }
                Err(failed) => {
                    let pos = match &failed {
                        Failed::TooDeep(pos) => *pos,
                        Failed::Syntax(e) => errors::position(e),
                    };
                    let tail = !has_content(&src[pos.min(src.len())..]);
                    if pos >= blanked_to && !(broken && tail) {
                        let to_file = |q: usize| start + q - inserts.partition_point(|&i| i < q);
                        let at = errors::At {
                            file: self.file,
                            text: src,
                            pos,
                            to_file: &to_file,
                        };
                        let d = match &failed {
                            Failed::TooDeep(_) => {
                                let end = pos + src[pos..].chars().next().map_or(0, char::len_utf8);
                                nesting_too_deep(Span::new(self.file, to_file(pos), to_file(end)))
                            }
                            Failed::Syntax(e) => errors::convert_error(&at, e),
                        };
                        self.report(d);
                        if self.stopped {
                            return;
                        }
                    }
                    broken = true;
                    let p = patched
                        .get_or_insert_with(|| recover::Patched::new(self.text, start, end, split));
                    match recover::blank(&mut p.text, pos) {
                        Some((_, to)) => blanked_to = blanked_to.max(to),
                        None => break,
                    }
                }
            }
        }
        // The item could not be read at all: the names it declares are remembered, so that a
        // reference to them elsewhere is not reported as unknown.
        self.out.broken.push(Span::new(self.file, start, end));
        self.out
            .lost
            .extend(recover::declared_names(self.file, self.text, start, end));
    }

    fn report(&mut self, d: Diagnostic) {
        self.errors += 1;
        let at = d.primary_span().unwrap_or_default();
        self.diags.push(d);
        if self.errors >= limits::SYNTAX_ERRORS {
            self.diags.push(
                Diagnostic::error(
                    Code::TooManySyntaxErrors,
                    at,
                    format!(
                        "已报告 {} 处语法错误，其余部分不再检查（每个文件的语法错误上限）",
                        limits::SYNTAX_ERRORS
                    ),
                )
                .label("在这里停止检查")
                .help("先改正已报告的错误，再检查一次"),
            );
            self.stopped = true;
        }
    }
}

/// Why an item's text did not parse.
enum Failed {
    /// Brackets nested deeper than [`limits::PARSE_BRACKETS`], at this offset.
    TooDeep(usize),
    /// pest's error.
    Syntax(pest::error::Error<Rule>),
}

/// Where the shared clauses of a violation or a version go.
struct Body<'a> {
    breach: &'a mut Vec<Str>,
    basis: &'a mut Vec<Str>,
    bands: &'a mut Vec<(Name, Decimal, Span)>,
    band_ranges: &'a mut Vec<ast::BandRange>,
    common: &'a mut Vec<PenaltyStmt>,
    parties: &'a mut Vec<PartyBlock>,
}

struct Visitor<'d> {
    file: FileId,
    /// Where the item's text starts in the file.
    offset: usize,
    /// Where recovery inserted a `}` into the item's text (they take no room in the file).
    inserts: &'d [usize],
    diags: &'d mut Vec<Diagnostic>,
    /// Levels above the node being built: brackets and operators of a condition and `若 … {`
    /// blocks (`limits::NESTING`).
    depth: usize,
}

impl Visitor<'_> {
    fn at(&self, p: usize) -> usize {
        self.offset + p - self.inserts.partition_point(|&i| i < p)
    }

    pub(super) fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.file, self.at(s.start()), self.at(s.end()))
    }

    pub(super) fn name(&mut self, p: &Pair<'_, Rule>) -> Name {
        let span = self.span(p);
        let text = p.as_str();
        if text.len() > limits::NAME_BYTES {
            self.diags.push(
                Diagnostic::error(
                    Code::TooLong,
                    span,
                    format!(
                        "名称 {} 超过 {} 字节（名称长度上限）",
                        limits::clip(text),
                        limits::NAME_BYTES
                    ),
                )
                .label("名称过长")
                .help("用简短的 ASCII 名称，说明写在后面的文字里"),
            );
            return Name {
                text: limits::clip(text).into_owned(),
                span,
            };
        }
        Name {
            text: text.to_string(),
            span,
        }
    }

    pub(super) fn visit_file(&mut self, p: Pair<'_, Rule>, out: &mut File) {
        for item in p.into_inner() {
            match item.as_rule() {
                Rule::ruleset => {
                    let r = self.visit_ruleset(item);
                    out.items.push(Item::RuleSet(r));
                }
                Rule::include => {
                    if let Some(s) = item.into_inner().next() {
                        let s = self.visit_string(s);
                        out.items.push(Item::Include(s));
                    }
                }
                Rule::fact_decl => {
                    let f = self.visit_fact_decl(item);
                    out.items.push(Item::Fact(f));
                }
                Rule::predicate => {
                    let f = self.visit_predicate(item);
                    out.items.push(Item::Predicate(f));
                }
                Rule::regulation => {
                    let r = self.visit_regulation(item);
                    out.items.push(Item::Regulation(r));
                }
                Rule::violation => {
                    let v = self.visit_violation(item);
                    out.items.push(Item::Violation(v));
                }
                Rule::list_entry => {
                    let e = self.visit_list_entry(item);
                    out.items.push(Item::Entry(e));
                }
                Rule::hook => {
                    let h = self.visit_hook(item);
                    out.items.push(Item::Hook(h));
                }
                Rule::refinement => {
                    let r = self.visit_refinement(item);
                    out.items.push(Item::Refinement(r));
                }
                _ => {}
            }
        }
    }

    pub(super) fn visit_string(&mut self, p: Pair<'_, Rule>) -> Str {
        let span = self.span(&p);
        let inner = p.into_inner().next();
        let raw = inner.as_ref().map_or("", |i| i.as_str());
        // The grammar stops a string only at a quote, a backslash or a line end (one search);
        // any other control character is ruled out here, where the string is read.
        // The byte itself is looked for only in a string that holds one.
        let control = has_control(raw.as_bytes())
            .then(|| raw.bytes().position(|b| b < 0x20 && b != b'\t'))
            .flatten();
        if let Some(i) = control {
            let at = self.at(inner.as_ref().map_or(0, |i| i.as_span().start()) + i);
            self.diags.push(
                Diagnostic::error(
                    Code::Syntax,
                    Span::new(self.file, at, at + 1),
                    format!("文字中有控制字符 U+{:04X}", raw.as_bytes()[i]),
                )
                .label("看不见的控制字符")
                .help("删去它；文字中只能有可见的字符、空格和制表符"),
            );
            return Str {
                value: String::new(),
                span,
            };
        }
        if raw.len() > limits::STRING_BYTES {
            self.diags.push(
                Diagnostic::error(
                    Code::TooLong,
                    span,
                    format!(
                        "文字长 {} 字节，超过 {} 字节（文字长度上限）",
                        raw.len(),
                        limits::STRING_BYTES
                    ),
                )
                .label("文字过长")
                .help("标题、依据和说明写成一句话；长的说明放在规则集之外的文件里"),
            );
            return Str {
                value: String::new(),
                span,
            };
        }
        let value = if raw.contains('\\') {
            raw.replace("\\\"", "\"").replace("\\\\", "\\")
        } else {
            raw.to_string()
        };
        Str { value, span }
    }

    /// The first child of a clause, read as a string.
    pub(super) fn first_string(&mut self, c: Pair<'_, Rule>) -> Option<Str> {
        c.into_inner().next().map(|s| self.visit_string(s))
    }

    /// The first child of a clause, read as a date.
    pub(super) fn first_date(&mut self, c: Pair<'_, Rule>) -> Option<DateLit> {
        c.into_inner().next().map(|d| self.visit_date(d))
    }

    pub(super) fn visit_date(&mut self, p: Pair<'_, Rule>) -> DateLit {
        let span = self.span(&p);
        let date = match jiff::civil::Date::from_str(p.as_str()) {
            Ok(d) => Some(d),
            Err(_) => {
                self.diags.push(
                    Diagnostic::error(Code::BadDate, span, format!("日期 {} 不存在", p.as_str()))
                        .label("不是真实的日期")
                        .help("日期写作 YYYY-MM-DD，月份 01–12，日须在该月天数之内"),
                );
                None
            }
        };
        DateLit { date, span }
    }

    pub(super) fn visit_number(&mut self, p: Pair<'_, Rule>) -> Decimal {
        match Decimal::from_str(p.as_str()) {
            Ok(d) => d,
            Err(_) => {
                let span = self.span(&p);
                self.diags.push(
                    Diagnostic::error(
                        Code::BadNumber,
                        span,
                        format!("数字 {} 无法表示", p.as_str()),
                    )
                    .label("位数过多")
                    .help("数字最多 28 位有效数字"),
                );
                Decimal::ZERO
            }
        }
    }
}

pub(super) fn visit_party(p: &Pair<'_, Rule>) -> Party {
    match p.clone().into_inner().next().map(|k| k.as_rule()) {
        Some(Rule::kw_unit_party) => Party::Unit,
        _ => Party::Individual,
    }
}

pub(super) fn name_span_to(name: &Name, end: Span) -> Span {
    name.span.to(end)
}
