//! Error recovery. pest has none of its own, so a small lexical scan (aware of strings, inline
//! scripts and comments) splits a file into its top-level items and repairs unbalanced braces;
//! each item is then parsed on its own, and a syntax error inside an item blanks the clause it
//! is in (byte for byte, so every offset stays the file's) and the rest of the item is read.

use super::ast::Name;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Keywords that start a top-level item: where one item ends and the next begins.
const ITEM_KEYWORDS: &[&str] = &[
    "规则集",
    "包含",
    "事实",
    "谓词",
    "法规",
    "违法行为",
    "法定",
    "不予处罚",
    "从轻",
    "减轻",
    "从重",
    "钩子",
    "细化",
];

/// The English forms of [`ITEM_KEYWORDS`], whole words only.
const ITEM_KEYWORDS_EN: &[&str] = &[
    "ruleset",
    "include",
    "fact",
    "predicate",
    "regulation",
    "violation",
    "statutory",
    "no_penalty",
    "lighter_or_mitigated",
    "lighter",
    "mitigated",
    "aggravated",
    "hook",
    "refine",
];

/// Whether `rest` starts with one of `words` as a whole word (not followed by a letter, digit,
/// `_` or `-`).
fn starts_with_word(rest: &str, words: &[&str]) -> Option<usize> {
    // Every English keyword starts with a lower-case letter: most positions are ruled out by
    // their first byte, before any comparison (the scan runs over every top-level character).
    let first = *rest.as_bytes().first()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    words.iter().filter(|w| w.as_bytes().first() == Some(&first)).find_map(|w| {
        let after = rest.strip_prefix(w)?;
        let whole = after
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')));
        whole.then_some(w.len())
    })
}

/// A file cut into items, with the braces it lacks or has too many of.
pub(super) struct Split {
    /// Byte offsets where each top-level item starts (the first may be text before any item).
    pub starts: Vec<usize>,
    /// Offsets before which a missing `}` is read as if it were there.
    pub inserts: Vec<usize>,
    /// Offsets of a `}` closing nothing, read as a space.
    pub strays: Vec<usize>,
    /// One diagnostic per missing or stray brace.
    pub diags: Vec<Diagnostic>,
}

impl Split {
    /// Whether a repair (a `}` read as there, or one read as a space) falls in `start..end`.
    pub fn repairs(&self, start: usize, end: usize) -> bool {
        self.inserts.iter().any(|&i| i > start && i <= end)
            || self.strays.iter().any(|&i| i >= start && i < end)
    }
}

/// An opened `{`: where, and the indentation and line of the line it is on.
struct Open {
    at: usize,
    indent: usize,
    line: usize,
}

struct Scanner<'a> {
    file: FileId,
    text: &'a str,
    /// How many unclosed braces the indentation may close before the end of the file.
    budget: usize,
    stack: Vec<Open>,
    out: Split,
}

/// Cuts `text` into items. Braces are first matched as written; if some are left open at the
/// end, the scan is repeated and a `{` is taken as unclosed at the first later line indented no
/// deeper than the line that opened it (so the missing `}` is reported where it is missing).
pub(super) fn split(file: FileId, text: &str) -> Split {
    let first = Scanner::run(file, text, 0);
    let open = first.inserts.len();
    if open == 0 {
        return first;
    }
    Scanner::run(file, text, open)
}

impl Scanner<'_> {
    fn run(file: FileId, text: &str, budget: usize) -> Split {
        let mut s = Scanner {
            file,
            text,
            budget,
            stack: Vec::new(),
            out: Split {
                starts: Vec::new(),
                inserts: Vec::new(),
                strays: Vec::new(),
                diags: Vec::new(),
            },
        };
        s.scan();
        s.out
    }

    fn scan(&mut self) {
        let text = self.text;
        let bytes = text.as_bytes();
        let (mut i, mut line, mut indent) = (0, 0, 0);
        let mut line_start = true;
        // Whether the character before `i` ends a token (white space, `}`, `"` or `)`): only
        // there can an item keyword start (`starts_item`).
        let mut after_boundary = true;
        // End of the last character that is neither white space nor a comment.
        let mut content_end = 0;
        // Bytes, not decoded characters: every byte the scan acts on is ASCII, and a character
        // of a longer UTF-8 form is stepped over whole, decoded only where it may be white space.
        while let Some(&b) = bytes.get(i) {
            let (len, space) = char_at(text, i, b);
            if b == b'\n' {
                (line, indent, line_start) = (line + 1, 0, true);
                after_boundary = true;
                i += 1;
                continue;
            }
            if line_start {
                if space {
                    indent += 1;
                    i += len;
                    continue;
                }
                line_start = false;
                if b != b'#' {
                    self.line_begins(line, indent, b == b'}', content_end);
                }
            }
            match b {
                b'#' => {
                    i = memchr::memchr(b'\n', &bytes[i..]).map_or(text.len(), |n| i + n);
                    continue;
                }
                b'"' => {
                    let end = string_end(text, i);
                    line += memchr::memchr_iter(b'\n', &bytes[i..end]).count();
                    // A string ends at its closing quote, or unclosed at a line end (or the
                    // end of the file), which is a boundary too.
                    after_boundary = true;
                    i = end;
                    content_end = end;
                    continue;
                }
                b'{' => self.stack.push(Open {
                    at: i,
                    indent,
                    line,
                }),
                b'}' if self.stack.pop().is_none() => self.stray(i),
                _ if after_boundary && self.stack.is_empty() && starts_item(text, i) => {
                    self.out.starts.push(i);
                }
                _ => {}
            }
            if !space {
                content_end = i + len;
            }
            after_boundary = space || matches!(b, b'}' | b')');
            i += len;
            // The rest of a token, or any text inside a block, up to the next byte the scan
            // acts on: there no item can start, so such bytes only move `content_end`.
            if !after_boundary || !self.stack.is_empty() {
                let run = bytes[i..]
                    .iter()
                    .position(|&c| !PLAIN[usize::from(c)])
                    .unwrap_or(bytes.len() - i);
                if run > 0 {
                    i += run;
                    content_end = i;
                    after_boundary = false;
                }
            }
        }
        while let Some(o) = self.stack.pop() {
            self.missing(&o, content_end);
        }
    }

    /// A line's first token: blocks opened on an earlier line at least as indented are closed
    /// (when the line starts with `}`, those more indented: the `}` closes the one it lines up
    /// with).
    fn line_begins(&mut self, line: usize, indent: usize, closing: bool, content_end: usize) {
        while self.budget > 0
            && let Some(o) = self.stack.last()
            && o.line < line
            && (o.indent > indent || (o.indent == indent && !closing))
        {
            if let Some(o) = self.stack.pop() {
                self.budget -= 1;
                self.missing(&o, content_end);
            }
        }
    }

    fn missing(&mut self, o: &Open, at: usize) {
        self.out.inserts.push(at);
        self.out.diags.push(
            Diagnostic::error(
                Code::UnbalancedBrace,
                Span::new(self.file, at, at),
                format!("第 {} 行的“{{”没有对应的“}}”", o.line + 1),
            )
            .label("此处缺少“}”")
            .secondary(
                Span::new(self.file, o.at, o.at + 1),
                format!("第 {} 行在这里打开", o.line + 1),
            )
            .help("在这个块的最后一行之后补上“}”；每个“{”都要有对应的“}”"),
        );
    }

    fn stray(&mut self, at: usize) {
        self.out.strays.push(at);
        self.out.diags.push(
            Diagnostic::error(
                Code::UnbalancedBrace,
                Span::new(self.file, at, at + 1),
                "多余的“}”：它前面没有未闭合的“{”",
            )
            .label("多余的“}”")
            .help("删除这个“}”，或在块的开头补上对应的“{”"),
        );
    }
}

/// The end of the string or inline script starting at `i` (a `"`): past its closing quote(s),
/// or at the end of the line (a string) or of the file (a script) if it is not closed.
/// Where a string or a comment that starts at byte `q` ends, if one starts there: the scans of
/// braces and brackets skip both.
fn past_string_or_comment(text: &str, q: usize) -> Option<usize> {
    match text.as_bytes().get(q) {
        Some(b'"') => Some(string_end(text, q)),
        Some(b'#') => Some(memchr::memchr(b'\n', &text.as_bytes()[q..]).map_or(text.len(), |n| q + n)),
        _ => None,
    }
}

fn string_end(text: &str, i: usize) -> usize {
    if text[i..].starts_with("\"\"\"") {
        return text[i + 3..]
            .find("\"\"\"")
            .map_or(text.len(), |n| i + 3 + n + 3);
    }
    // Bytes, not characters: the three that matter are ASCII, and no byte of a longer UTF-8
    // character equals one of them. A backslash escapes the next character, but not a line end.
    let bytes = text.as_bytes();
    let mut j = i + 1;
    while let Some(n) = bytes
        .get(j..)
        .and_then(|rest| memchr::memchr3(b'\n', b'\\', b'"', rest))
    {
        let k = j + n;
        match bytes[k] {
            b'\n' => return k,
            b'"' => return k + 1,
            _ => match bytes.get(k + 1) {
                Some(b'\n') => return k + 1,
                Some(_) => j = k + 2,
                None => break,
            },
        }
    }
    text.len()
}

/// Whether an item keyword starts at `i`, a token's start (the scan knows the character before
/// it ends a token), and is not the list word after `法定`.
fn starts_item(text: &str, i: usize) -> bool {
    let rest = &text[i..];
    let Some(first) = rest.as_bytes().first() else {
        return false;
    };
    // The Chinese keywords start with a byte outside ASCII, the English ones with one inside.
    let keyword = if first.is_ascii() {
        starts_with_word(rest, ITEM_KEYWORDS_EN).is_some()
    } else {
        ITEM_KEYWORDS.iter().any(|k| rest.starts_with(k))
    };
    if !keyword {
        return false;
    }
    let before = text[..i].trim_end();
    !before.ends_with("法定") && !before.ends_with("statutory")
}

/// Bytes the scan steps over without acting on them: neither white space, a line end, a
/// control character, `#`, `"`, `{`, `}` nor `)`, nor the first byte of a character that may be
/// white space (see [`char_at`]). Every other byte of a longer UTF-8 character is one of them,
/// so a run of them ends at a character boundary.
const PLAIN: [bool; 256] = {
    let mut plain = [true; 256];
    let mut b = 0;
    while b <= b' ' {
        plain[b as usize] = false;
        b += 1;
    }
    let stops = [b'#', b'"', b'{', b'}', b')', 0x7F, 0xC2, 0xE1, 0xE2, 0xE3];
    let mut k = 0;
    while k < stops.len() {
        plain[stops[k] as usize] = false;
        k += 1;
    }
    plain
};

/// The length of the character at byte `i` of `text` (whose first byte is `b`) and whether it is
/// white space (`char::is_whitespace`). Outside ASCII only characters whose first byte is
/// 0xC2 (U+0085, U+00A0), 0xE1 (U+1680), 0xE2 (U+2000–U+205F) or 0xE3 (U+3000) can be white
/// space; others are not decoded.
fn char_at(text: &str, i: usize, b: u8) -> (usize, bool) {
    match b {
        0..0x80 => (1, matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')),
        0xC2 | 0xE1 | 0xE2 | 0xE3 => text[i..]
            .chars()
            .next()
            .map_or((1, false), |c| (c.len_utf8(), c.is_whitespace())),
        0xF0.. => (4, false),
        0xE0.. => (3, false),
        _ => (2, false),
    }
}


/// The text an item is parsed from: the file's bytes with the repairs made, and where `}` was
/// inserted (offsets in this text), to map positions back to the file.
pub(super) struct Patched {
    pub text: String,
    pub inserts: Vec<usize>,
}

impl Patched {
    pub(super) fn new(file_text: &str, start: usize, end: usize, split: &Split) -> Patched {
        let mut text = String::with_capacity(end - start + 4);
        let mut inserts = Vec::new();
        let mut from = start;
        let mut cuts: Vec<(usize, bool)> = split
            .inserts
            .iter()
            .filter(|&&p| p > start && p <= end)
            .map(|&p| (p, true))
            .chain(
                split
                    .strays
                    .iter()
                    .filter(|&&p| p >= start && p < end)
                    .map(|&p| (p, false)),
            )
            .collect();
        cuts.sort_unstable();
        for (p, insert) in cuts {
            text.push_str(&file_text[from..p]);
            if insert {
                inserts.push(text.len());
                text.push('}');
                from = p;
            } else {
                text.push(' ');
                from = p + 1;
            }
        }
        text.push_str(&file_text[from..end]);
        Patched { text, inserts }
    }
}

/// Blanks the clause around a syntax error at `p`: its line (and the line before it, when the
/// error is at a line's first token: the clause before is then the one left unfinished), the
/// block a `{` on it opens, but not a `}` that closes a block opened before. Returns the blanked
/// range, or `None` when the item's own first token would go (the item cannot be read).
pub(super) fn blank(text: &mut String, p: usize) -> Option<(usize, usize)> {
    let p = p.min(text.len());
    let line_of = |q: usize| text[..q].rfind('\n').map_or(0, |n| n + 1);
    let mut start = line_of(p);
    if text[start..p].trim().is_empty() && start > 0 {
        // The error is at the first token of a line (or at the end): the unfinished clause is on
        // the last line before it with content, unless that line opens a block.
        let mut q = start - 1;
        loop {
            let s = line_of(q);
            let line = &text[s..q];
            if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                if balance(line).0 <= 0 {
                    start = s;
                }
                break;
            }
            if s == 0 {
                break;
            }
            q = s - 1;
        }
    }
    let mut end = text[p..].find('\n').map_or(text.len(), |n| p + n);
    let (net, _) = balance(&text[start..end]);
    if net > 0 {
        // Extend to the `}` closing what the region opens, then to the end of that line.
        let mut depth = net;
        let mut q = end;
        let bytes = text.as_bytes();
        while q < bytes.len() && depth > 0 {
            if let Some(next) = past_string_or_comment(text, q) {
                q = next;
                continue;
            }
            match bytes[q] {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
            q += 1;
        }
        end = text[q.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |n| q + n);
    }
    let first = text.len() - text.trim_start().len();
    let start = start + (text[start..].len() - text[start..].trim_start().len());
    if start <= first {
        return None;
    }
    let keep: Vec<usize> = balance(&text[start..end])
        .1
        .into_iter()
        .map(|k| k + start)
        .collect();
    let mut bytes = std::mem::take(text).into_bytes();
    let mut changed = false;
    for (n, b) in bytes[start..end].iter_mut().enumerate() {
        if *b != b'\n' && *b != b' ' && !keep.contains(&(start + n)) {
            *b = b' ';
            changed = true;
        }
    }
    // Whole characters were replaced byte for byte, so the text is still UTF-8.
    *text = String::from_utf8(bytes).unwrap_or_default();
    changed.then_some((start, end))
}

/// Braces of a piece of text outside strings and comments: the net count of `{` over `}`, and
/// the offsets (from the text's start, shifted by the caller) of each `}` that closes nothing
/// opened in the text.
fn balance(s: &str) -> (i64, Vec<usize>) {
    let (mut depth, mut min_depth) = (0_i64, 0_i64);
    let mut unmatched = Vec::new();
    let mut q = 0;
    let bytes = s.as_bytes();
    while q < bytes.len() {
        match bytes[q] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth < min_depth {
                    min_depth = depth;
                    unmatched.push(q);
                }
            }
            b'"' => {
                q = string_end(s, q);
                continue;
            }
            b'#' => {
                q = s[q..].find('\n').map_or(s.len(), |n| q + n);
                continue;
            }
            _ => {}
        }
        q += 1;
    }
    (depth, unmatched)
}

/// The names an unreadable item declares: the name or code after each keyword that declares one
/// (a `法规` block's violations too).
pub(super) fn declared_names(file: FileId, text: &str, start: usize, end: usize) -> Vec<Name> {
    const DECLARING: &[&str] = &[
        "违法行为",
        "事实",
        "谓词",
        "法规",
        "钩子",
        "不予处罚",
        "从轻或者减轻",
        "从轻",
        "减轻",
        "从重",
    ];
    const DECLARING_EN: &[&str] = &[
        "violation",
        "fact",
        "predicate",
        "regulation",
        "hook",
        "no_penalty",
        "lighter_or_mitigated",
        "lighter",
        "mitigated",
        "aggravated",
    ];
    let piece = &text[start..end];
    let mut names = Vec::new();
    let mut i = 0;
    while i < piece.len() {
        let rest = &piece[i..];
        let word_start = piece[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')));
        let k = match DECLARING.iter().find(|k| rest.starts_with(**k)) {
            Some(k) => k.len(),
            None => match starts_with_word(rest, DECLARING_EN).filter(|_| word_start) {
                Some(n) => n,
                None => {
                    i += rest.chars().next().map_or(1, char::len_utf8);
                    continue;
                }
            },
        };
        let after = &rest[k..];
        let skipped = after.len() - after.trim_start().len();
        let name: String = after[skipped..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            .collect();
        let at = start + i + k + skipped;
        if !name.is_empty() {
            names.push(Name {
                span: Span::new(file, at, at + name.len()),
                text: name,
            });
        }
        i += k;
    }
    names
}

/// The offset of the first bracket (`(` or `{`, outside strings, scripts and comments) nested
/// deeper than `limit` in `text`, if there is one: pest recurses once per bracket, so such a text
/// is refused before it is parsed.
pub(super) fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // Nesting deeper than `limit` takes more than `limit` opening brackets: most texts have fewer
    // in all, and they are counted far faster than scanned (strings and comments included, so
    // the count is never too low).
    if memchr::memchr2_iter(b'(', b'{', bytes).count() <= limit {
        return None;
    }
    let mut depth = 0_usize;
    let mut q = 0;
    while q < bytes.len() {
        if let Some(next) = past_string_or_comment(text, q) {
            q = next;
            continue;
        }
        match bytes[q] {
            b'(' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(q);
                }
            }
            b')' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        q += 1;
    }
    None
}
