//! The decision document written as JSON text directly: the same bytes as `serde_json` writes
//! from the derived `Serialize` (a test holds the two equal on every fixture), at a fraction of
//! the cost. Most of a decision's text is the rule set's own strings and the trace's constant
//! Chinese phrases: the phrases are written as they are (they need no escaping, which a test
//! checks), and every other string is escaped eight bytes at a time, copying runs that need no
//! escape in one piece. The trace's sentences are rendered straight into the document.

use crate::eval::CaseError;
use crate::eval::decision::{
    Alternative, Applied, Decision, FineBarred, Flag, Law, ListName, NotApplicable, PenaltyOut,
    Procedure, RuleSetInfo,
};
use crate::vocab::FineRange;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write as _;

/// The decision as JSON text, as `serde_json::to_string` writes it.
pub fn decision_json(d: &Decision) -> String {
    let mut out = String::with_capacity(4096);
    write_decision(&mut out, d);
    out
}

/// The error document of the contract (`{"error":{"code","message","at"}}`) as JSON text, as
/// `serde_json::to_string(&e.to_document())` writes it.
pub fn error_json(e: &CaseError) -> String {
    let mut out = String::with_capacity(64 + e.message.len() + e.at.len());
    out.push_str(r#"{"error":{"at":"#);
    string(&mut out, &e.at);
    out.push_str(r#","code":"#);
    string(&mut out, e.code.as_str());
    out.push_str(r#","message":"#);
    string(&mut out, &e.message);
    out.push_str("}}");
    out
}

/// Appends the decision as JSON text.
pub fn write_decision(out: &mut String, d: &Decision) {
    out.push('{');
    if let Some(id) = &d.case_id {
        out.push_str(r#""case_id":"#);
        string(out, id);
        out.push(',');
    }
    out.push_str(r#""violation":"#);
    string(out, &d.violation);
    out.push_str(r#","outcome":"#);
    code(out, d.outcome.code());
    out.push_str(r#","mandatory":"#);
    boolean(out, d.mandatory);
    out.push_str(r#","penalties":"#);
    array(out, &d.penalties, penalty);
    out.push_str(r#","fine":"#);
    fine(out, d.fine.as_ref());
    if let Some(na) = &d.not_applicable {
        out.push_str(r#","not_applicable":"#);
        not_applicable(out, na);
    }
    if !d.see_also.is_empty() {
        out.push_str(r#","see_also":"#);
        array(out, &d.see_also, |o, s| string(o, s));
    }
    if let Some(b) = &d.fine_barred {
        out.push_str(r#","fine_barred":"#);
        fine_barred(out, b);
    }
    if let Some(f) = &d.daily_fine {
        out.push_str(r#","daily_fine":"#);
        daily_fine(out, f);
    }
    out.push_str(r#","statutory":"#);
    fine(out, d.statutory.as_ref());
    out.push_str(r#","alternatives":"#);
    array(out, &d.alternatives, alternative);
    out.push_str(r#","measures":"#);
    array(out, &d.measures, |o, m| code(o, m.code()));
    out.push_str(r#","procedure":"#);
    procedure(out, &d.procedure);
    out.push_str(r#","basis":"#);
    array(out, &d.basis, |o, s| string(o, s));
    out.push_str(r#","applied":"#);
    array(out, &d.applied, applied);
    out.push_str(r#","outweighed":"#);
    array(out, &d.outweighed, applied);
    out.push_str(r#","needs":"#);
    array(out, &d.needs, |o, s| string(o, s));
    out.push_str(r#","concurrent":"#);
    array(out, &d.concurrent, write_decision);
    out.push_str(r#","law":"#);
    law(out, &d.law);
    out.push_str(r#","trace":["#);
    for (i, step) in d.trace.steps().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        super::trace::write_json(step, out);
        out.push('"');
    }
    out.push_str(r#"],"ruleset":"#);
    ruleset(out, &d.ruleset);
    out.push('}');
}

fn array<T>(out: &mut String, items: &[T], each: impl Fn(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, item);
    }
    out.push(']');
}

fn boolean(out: &mut String, b: bool) {
    out.push_str(if b { "true" } else { "false" });
}

/// A contract code (an enum's name in the document): ASCII letters and `_`, quoted as it is.
fn code(out: &mut String, c: &str) {
    out.push('"');
    out.push_str(c);
    out.push('"');
}

/// A small value (an enum's name, a number) written by serde_json itself.
fn leaf<T: Serialize + ?Sized>(out: &mut String, v: &T) {
    if let Ok(text) = serde_json::to_string(v) {
        out.push_str(&text);
    }
}

/// An amount as `crate::vocab::money::json` writes it.
fn amount(out: &mut String, d: Decimal) {
    if d.scale() == 0
        && let Ok(i) = i64::try_from(d.mantissa())
    {
        integer(out, i);
        return;
    }
    // The decimal's own digits, as an exact JSON number.
    let _ = write!(out, "{d}");
}

fn integer(out: &mut String, i: i64) {
    if i < 0 {
        out.push('-');
    }
    crate::digits::push_u64(out, i.unsigned_abs());
}

fn fine(out: &mut String, f: Option<&FineRange>) {
    match f {
        None => out.push_str("null"),
        Some(f) => {
            out.push_str(r#"{"min":"#);
            amount(out, f.min);
            out.push_str(r#","max":"#);
            amount(out, f.max);
            out.push('}');
        }
    }
}

fn penalty(out: &mut String, p: &PenaltyOut) {
    out.push_str(r#"{"kind":"#);
    code(out, p.kind.code());
    if p.discretionary {
        out.push_str(r#","discretionary":true"#);
    }
    if !p.alternatives.is_empty() {
        out.push_str(r#","or":"#);
        array(out, &p.alternatives, |o, k| code(o, k.code()));
    }
    if p.amount.is_some() {
        out.push_str(r#","amount":"#);
        leaf(out, &Amount(p.amount));
    }
    out.push('}');
}

/// A penalty's amount as its field attribute writes it.
#[derive(Serialize)]
#[serde(transparent)]
struct Amount(#[serde(with = "rust_decimal::serde::arbitrary_precision_option")] Option<Decimal>);

fn not_applicable(out: &mut String, na: &NotApplicable) {
    out.push_str(r#"{"reason":"#);
    leaf(out, &na.reason);
    out.push_str(r#","message":"#);
    string(out, &na.message);
    out.push('}');
}

fn daily_fine(out: &mut String, f: &crate::eval::decision::DailyFine) {
    out.push_str(r#"{"days":"#);
    out.push_str(&f.days.to_string());
    out.push_str(r#","per_day":"#);
    fine(out, Some(&f.per_day));
    out.push_str(r#","total":"#);
    fine(out, Some(&f.total));
    if f.discretionary {
        out.push_str(r#","discretionary":true"#);
    }
    out.push('}');
}

fn fine_barred(out: &mut String, b: &FineBarred) {
    out.push_str(r#"{"reason":"#);
    string(out, &b.reason);
    out.push_str(r#","basis":"#);
    string(out, &b.basis);
    out.push('}');
}

fn alternative(out: &mut String, a: &Alternative) {
    out.push_str(r#"{"outcome":"#);
    code(out, a.outcome.code());
    out.push_str(r#","mandatory":"#);
    boolean(out, a.mandatory);
    out.push_str(r#","fine":"#);
    fine(out, a.fine.as_ref());
    out.push('}');
}

fn flag(out: &mut String, f: Flag) {
    match f {
        Flag::No => out.push_str("false"),
        Flag::Yes => out.push_str("true"),
        Flag::IfFineAtLeast(_) => leaf(out, &f),
    }
}

fn procedure(out: &mut String, p: &Procedure) {
    out.push_str(r#"{"summary":"#);
    boolean(out, p.summary);
    out.push_str(r#","hearing_notice":"#);
    flag(out, p.hearing_notice);
    out.push_str(r#","legal_review":"#);
    flag(out, p.legal_review);
    if p.collective_discussion {
        out.push_str(r#","collective_discussion":true"#);
    }
    out.push('}');
}

fn applied(out: &mut String, a: &Applied) {
    out.push_str(r#"{"list":"#);
    code(
        out,
        match a.list {
            ListName::NoPenalty => "no_penalty",
            ListName::Lighter => "lighter",
            ListName::Mitigated => "mitigated",
            ListName::Aggravated => "aggravated",
            ListName::Statute => "statute",
        },
    );
    out.push_str(r#","id":"#);
    string(out, &a.id);
    out.push_str(r#","title":"#);
    string(out, &a.title);
    out.push_str(r#","source":"#);
    string(out, &a.source);
    out.push_str(r#","mandatory":"#);
    boolean(out, a.mandatory);
    out.push('}');
}

fn law(out: &mut String, l: &Law) {
    out.push_str(r#"{"version":"#);
    match &l.version {
        Some(v) => string(out, v),
        None => out.push_str("null"),
    }
    out.push_str(r#","reason":"#);
    match &l.reason {
        Some(r) => string(out, r),
        None => out.push_str("null"),
    }
    out.push('}');
}

fn ruleset(out: &mut String, r: &RuleSetInfo) {
    out.push_str(r#"{"name":"#);
    string(out, &r.name);
    out.push_str(r#","version":"#);
    string(out, &r.version);
    out.push_str(r#","digest":"#);
    string(out, &r.digest);
    out.push('}');
}

/// A JSON string: quoted and escaped.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    escape(out, s);
    out.push('"');
}

/// A `fmt::Write` that escapes what it is given as the inside of a JSON string.
pub(crate) struct Escaped<'a>(pub(crate) &'a mut String);

impl std::fmt::Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        escape(self.0, s);
        Ok(())
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The bytes of the eight (little-endian) that may need an escape — a control character, `"`
/// or `\` — marked by their high bit. Each test subtracts from every byte at once and keeps
/// the high bits of the bytes that were ASCII; a borrow runs on only upwards past a byte that
/// already matched, so the mark is exact about whether, and its lowest marked byte is the first
/// that matches (the case reader finds a string's end so). Chinese text (every byte 0x80 or
/// above) is never marked.
#[inline(always)]
pub(crate) fn may_escape(x: u64) -> u64 {
    let control = x.wrapping_sub(ONES * 0x20);
    let quote = (x ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (x ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (control | quote | backslash) & !x & HIGHS
}

/// Whether some byte of the sixteen may need an escape.
#[inline(always)]
fn may_escape_16(block: [u8; 16]) -> bool {
    let x = u128::from_le_bytes(block);
    // The two halves of the block, as words.
    may_escape(x as u64) | may_escape((x >> 64) as u64) != 0
}

/// Whether some byte of `s` from `i` on (fewer than sixteen) may need an escape: the last
/// sixteen or eight bytes read whole (overlapping bytes already looked at, which only costs a
/// false alarm), fewer than eight one by one.
#[inline(always)]
fn tail_may_escape(bytes: &[u8], i: usize) -> bool {
    if let Some(last) = bytes.last_chunk::<16>() {
        return may_escape_16(*last);
    }
    match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            may_escape(u64::from_le_bytes(*first)) | may_escape(u64::from_le_bytes(*last)) != 0
        }
        _ => bytes
            .get(i..)
            .unwrap_or_default()
            .iter()
            .any(|&b| b < 0x20 || b == b'"' || b == b'\\'),
    }
}

/// Appends `s` escaped as the inside of a JSON string, as serde_json escapes it: sixteen bytes
/// at a time, every run without an escape copied at once.
pub(crate) fn escape(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut run = 0; // start of the bytes not yet copied
    let mut i = 0;
    while let Some(block) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        if may_escape_16(*block) {
            for j in i..i + 16 {
                run = escape_byte(out, s, run, j);
            }
        }
        i += 16;
    }
    if i < bytes.len() && tail_may_escape(bytes, i) {
        for j in i..bytes.len() {
            run = escape_byte(out, s, run, j);
        }
    }
    // `run` is 0, the end, or just after an ASCII byte: always a character boundary.
    out.push_str(s.get(run..).unwrap_or_default());
}

/// Escapes byte `j` of `s` if it needs it, copying the run before it first; the new run start.
#[inline(always)]
fn escape_byte(out: &mut String, s: &str, run: usize, j: usize) -> usize {
    let b = s.as_bytes()[j];
    let escaped = match b {
        b'"' => "\\\"",
        b'\\' => "\\\\",
        b'\n' => "\\n",
        b'\r' => "\\r",
        b'\t' => "\\t",
        0x08 => "\\b",
        0x0c => "\\f",
        0..0x20 => "",
        _ => return run,
    };
    // An ASCII byte: both ends of the run are character boundaries.
    out.push_str(s.get(run..j).unwrap_or_default());
    if escaped.is_empty() {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push_str("\\u00");
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    } else {
        out.push_str(escaped);
    }
    j + 1
}

#[cfg(test)]
mod tests {
    use super::{error_json, escape};
    use crate::eval::CaseError;

    #[test]
    fn escaping_is_serde_jsons() {
        let mut all = String::new();
        for c in (0u8..0x80)
            .map(char::from)
            .chain(['违', '法', '€', '\u{2028}'])
        {
            all.push(c);
        }
        let samples = [
            "",
            "a",
            "\"",
            "abcdefg\"",
            "abcdefgh\"",
            "\\\\\\\\\\\\\\\\\\",
            "违法行为「标题」\n第二行\t\u{1}",
            "《中华人民共和国行政处罚法》第二十八条第二款",
            all.as_str(),
        ];
        for s in samples {
            let mut ours = String::new();
            escape(&mut ours, s);
            let theirs = serde_json::to_string(s).expect("a string serializes");
            assert_eq!(format!("\"{ours}\""), theirs, "{s:?}");
        }
        // Each character needing an escape at every place of the blocks and the padded tail,
        // among ASCII and among Chinese text (whose bytes are all 0x80 or above).
        for filler in ['a', '违'] {
            for len in 0..40 {
                for at in 0..len {
                    for special in ['"', '\\', '\n', '\u{1f}', '\u{0}'] {
                        let s: String = (0..len)
                            .map(|i| if i == at { special } else { filler })
                            .collect();
                        let mut ours = String::new();
                        escape(&mut ours, &s);
                        let theirs = serde_json::to_string(&s).expect("a string serializes");
                        assert_eq!(format!("\"{ours}\""), theirs, "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_error_document_is_serde_jsons() {
        let e = CaseError::new(
            crate::diag::Code::UnknownViolationInCase,
            "规则集中没有违法行为 \"X\"；是否想写 XR-49-2？",
            "violations[0]",
        );
        let theirs = serde_json::to_string(&e.to_document()).expect("serializes");
        assert_eq!(error_json(&e), theirs);
    }
}
