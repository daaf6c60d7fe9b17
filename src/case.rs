//! The case document of the public contract (`docs/evaluation.md`): what a caseworker or another
//! program gives the evaluator.

use indexmap::IndexMap;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// A case: the violation(s) and the facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Echoed in the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// The code of one violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<String>,
    /// Several codes for one act that breaks several norms (Art. 29).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<String>>,
    /// The facts, by declared name. A name given twice in a JSON case is an error (as it is
    /// when the JSON text is evaluated directly), never "the last one wins".
    #[serde(default, deserialize_with = "unique_facts")]
    pub facts: IndexMap<String, serde_json::Value>,
}

/// The `facts` object, refusing a name given twice.
fn unique_facts<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<IndexMap<String, serde_json::Value>, D::Error> {
    struct Unique;
    impl<'de> Visitor<'de> for Unique {
        type Value = IndexMap<String, serde_json::Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of facts")
        }
        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut out = IndexMap::with_capacity(map.size_hint().unwrap_or(16).min(256));
            while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!(
                        "事实 {} 在 facts 中出现了不止一次",
                        crate::limits::clip(&k)
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique)
}

impl Case {
    /// A case for one violation with no facts yet.
    pub fn new(violation: impl Into<String>) -> Case {
        Case {
            violation: Some(violation.into()),
            ..Case::default()
        }
    }

    /// Adds a fact (builder style).
    pub fn fact(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Case {
        self.facts.insert(name.into(), value.into());
        self
    }
}

/// A case read straight from JSON text: fact names and values borrow the text, so evaluating a
/// JSON case builds no document first (the contract and its errors are the same as [`Case`]'s).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseText<'a> {
    #[serde(default)]
    pub case_id: Option<String>,
    #[serde(default)]
    pub violation: Option<String>,
    #[serde(default)]
    pub violations: Option<Vec<String>>,
    #[serde(default, borrow)]
    pub facts: FactsText<'a>,
}

/// The facts of a [`CaseText`]: (name, JSON text of the value), in order.
#[derive(Debug, Default)]
pub(crate) struct FactsText<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for FactsText<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Facts<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Facts<'a> {
            type Value = FactsText<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of facts")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(16).min(256));
                while let Some((k, v)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    out.push((k.0, v));
                }
                Ok(FactsText(out))
            }
        }
        d.deserialize_map(Facts(std::marker::PhantomData))
    }
}

/// A map key, borrowed where the text has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct K<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for K<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a fact name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(K(std::marker::PhantomData))
    }
}

/// Facts a case may give for [`read_plain`] to read it; a case with more is read by serde (the
/// shipped forms ask for at most a dozen, so this covers every ordinary case on the stack).
pub(crate) const PLAIN_FACTS: usize = 32;

/// Room for the facts of a [`PlainCase`]: each name and the JSON text of its value (as a
/// `RawValue` holds it). The caller keeps it on its stack (so the case is never moved whole).
pub(crate) type PlainFacts<'a> = [(&'a str, &'a str); PLAIN_FACTS];

/// A case document read without serde, in the form other programs write: an object of
/// `case_id` and `violation` (strings), `facts` (an object of names to strings, numbers,
/// `true`, `false` or `null`), nothing escaped. Names and values borrow the text.
pub(crate) struct PlainCase<'a, 'f> {
    /// `case_id`, as written between its quotes.
    pub case_id: Option<&'a str>,
    /// `violation`, as written between its quotes.
    pub violation: Option<&'a str>,
    facts: &'f mut PlainFacts<'a>,
    len: usize,
}

impl<'a> PlainCase<'a, '_> {
    /// The facts in order: each name and the JSON text of its value.
    pub fn facts(&self) -> &[(&'a str, &'a str)] {
        self.facts.get(..self.len).unwrap_or_default()
    }
}

/// Reads `text` as a [`PlainCase`] (its facts in `facts`), or `None` when the document is
/// anything else — a syntax error, an escape, a `violations` list, a nested value, a field
/// given twice or an unknown one: serde then reads it into a [`CaseText`] and gives the same
/// case, or the error it gives today. So this only ever accepts what serde accepts, and reads
/// it as serde does.
pub(crate) fn read_plain<'a, 'f>(
    text: &'a str,
    facts: &'f mut PlainFacts<'a>,
) -> Option<PlainCase<'a, 'f>> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut case = PlainCase {
        case_id: None,
        violation: None,
        facts,
        len: 0,
    };
    let mut facts_seen = false;
    r.byte(b'{')?;
    if !r.peek_is(b'}') {
        loop {
            let key = r.string()?;
            r.byte(b':')?;
            match key {
                "case_id" if case.case_id.is_none() => case.case_id = Some(r.string()?),
                "violation" if case.violation.is_none() => case.violation = Some(r.string()?),
                "facts" if !facts_seen => {
                    facts_seen = true;
                    r.facts(&mut case)?;
                }
                _ => return None,
            }
            if !r.comma_or(b'}')? {
                break;
            }
        }
    } else {
        r.at += 1;
    }
    r.skip_space();
    (r.at == r.bytes.len()).then_some(case)
}

/// A cursor over the case text for [`read_plain`]; every method returns `None` on anything
/// it does not read.
struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// Skips JSON's whitespace (space, tab, line feed, carriage return).
    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            // Every byte that is not whitespace is above the space, most of them far above.
            if b > b' ' || !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return;
            }
            self.at += 1;
        }
    }

    /// Whether the next byte after whitespace is `b` (not consumed).
    fn peek_is(&mut self, b: u8) -> bool {
        self.skip_space();
        self.bytes.get(self.at) == Some(&b)
    }

    /// Consumes `b` after whitespace.
    fn byte(&mut self, b: u8) -> Option<()> {
        self.peek_is(b).then(|| self.at += 1)
    }

    /// Consumes `,` (true) or `close` (false).
    fn comma_or(&mut self, close: u8) -> Option<bool> {
        self.skip_space();
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        match b {
            b',' => Some(true),
            _ if b == close => Some(false),
            _ => None,
        }
    }

    /// A string without escapes or control characters: its inside.
    fn string(&mut self) -> Option<&'a str> {
        self.byte(b'"')?;
        let start = self.at;
        self.string_rest(start)
    }

    /// The rest of a string whose inside starts at `start` (after the opening quote).
    #[inline]
    fn string_rest(&mut self, start: usize) -> Option<&'a str> {
        // Eight bytes at a time up to the first `"`, `\` or control character.
        while let Some(w) = self.bytes.get(self.at..).and_then(<[u8]>::first_chunk::<8>) {
            let marks = crate::explain::may_escape(u64::from_le_bytes(*w));
            if marks != 0 {
                self.at += (marks.trailing_zeros() / 8) as usize;
                break;
            }
            self.at += 8;
        }
        loop {
            let b = *self.bytes.get(self.at)?;
            if b == b'"' {
                // Both quotes are ASCII: the inside is a whole run of characters.
                let inside = self.text.get(start..self.at)?;
                self.at += 1;
                return Some(inside);
            }
            if b == b'\\' || b < 0x20 {
                return None;
            }
            self.at += 1;
        }
    }

    /// The `facts` object into `case`.
    fn facts(&mut self, case: &mut PlainCase<'a, '_>) -> Option<()> {
        self.byte(b'{')?;
        if self.peek_is(b'}') {
            self.at += 1;
            return Some(());
        }
        loop {
            let name = self.string()?;
            self.byte(b':')?;
            let value = self.scalar()?;
            *case.facts.get_mut(case.len)? = (name, value);
            case.len += 1;
            if !self.comma_or(b'}')? {
                return Some(());
            }
        }
    }

    /// A string, a number, `true`, `false` or `null`: its JSON text.
    fn scalar(&mut self) -> Option<&'a str> {
        self.skip_space();
        let start = self.at;
        match *self.bytes.get(start)? {
            b'"' => {
                self.at += 1;
                self.string_rest(start + 1)?;
            }
            b't' => self.word(b"true")?,
            b'f' => self.word(b"false")?,
            b'n' => self.word(b"null")?,
            _ => self.number()?,
        }
        self.text.get(start..self.at)
    }

    fn word(&mut self, w: &[u8]) -> Option<()> {
        let end = self.at + w.len();
        (self.bytes.get(self.at..end)? == w).then(|| self.at = end)
    }

    /// A number as JSON writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match *self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
    }

    /// One digit or more.
    fn some_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::{CaseText, read_plain};

    /// A case as both readers give it: `case_id`, `violation`, and each fact's name and text.
    type Read = (Option<String>, Option<String>, Vec<(String, String)>);

    /// What serde reads from `text`, in the plain reader's terms (`None`: an error, or a
    /// case the plain reader would not take).
    fn by_serde(text: &str) -> Option<Read> {
        let case: CaseText<'_> = serde_json::from_str(text).ok()?;
        if case.violations.is_some() {
            return None;
        }
        let facts = case.facts.0.iter();
        Some((
            case.case_id,
            case.violation,
            facts
                .map(|(k, v)| (k.to_string(), v.get().to_string()))
                .collect(),
        ))
    }

    fn by_hand(text: &str) -> Option<Read> {
        let mut facts = [("", ""); super::PLAIN_FACTS];
        let case = read_plain(text, &mut facts)?;
        Some((
            case.case_id.map(str::to_string),
            case.violation.map(str::to_string),
            case.facts()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
    }

    /// Whatever the plain reader takes, serde takes and reads the same way.
    fn agrees(text: &str) {
        if let Some(ours) = by_hand(text) {
            assert_eq!(Some(ours), by_serde(text), "{text:?}");
        }
    }

    const EXAMPLE: &str = include_str!("../examples/xr-49-2-individual.json");

    #[test]
    fn the_plain_reader_reads_the_common_form_as_serde_does() {
        for text in [
            EXAMPLE,
            r#"{}"#,
            r#" { "facts" : { } } "#,
            r#"{"violation":"XR-49-2","facts":{"a":1,"b":-0.5e+3,"c":"违法","d":true,"e":null}}"#,
            r#"{"facts":{"a":1,"a":2},"violation":"X","case_id":"1"}"#,
            "{\r\n\t\"case_id\":\"\u{7f}\"}",
        ] {
            assert!(by_hand(text).is_some(), "{text}");
            agrees(text);
        }
    }

    #[test]
    fn the_plain_reader_leaves_everything_else_to_serde() {
        for text in [
            "",
            "[]",
            r#"{"violation":"X",}"#,
            r#"{"violation":"X"} x"#,
            r#"{"violation":"X","violation":"Y"}"#,
            r#"{"facts":{},"facts":{}}"#,
            r#"{"case_id":null}"#,
            r#"{"violations":["X"]}"#,
            r#"{"other":1}"#,
            r#"{"violation":"X\"Y"}"#,
            r#"{"viol\u0061tion":"X"}"#,
            "{\"violation\":\"a\nb\"}",
            r#"{"facts":{"a":01}}"#,
            r#"{"facts":{"a":1.}}"#,
            r#"{"facts":{"a":-}}"#,
            r#"{"facts":{"a":1e}}"#,
            r#"{"facts":{"a":tru}}"#,
            r#"{"facts":{"a":[1]}}"#,
            r#"{"facts":{"a":{}}}"#,
            r#"{"facts":{"a":1,}}"#,
            r#"{"facts":null}"#,
        ] {
            assert!(by_hand(text).is_none(), "{text}");
        }
        let many: Vec<String> = (0..40).map(|i| format!("\"f{i}\":{i}")).collect();
        let many = format!("{{\"facts\":{{{}}}}}", many.join(","));
        assert!(
            by_hand(&many).is_none(),
            "more facts than the plain reader holds"
        );
        assert!(by_serde(&many).is_some());
    }

    /// Every document one byte away from the example (a byte deleted, or one of JSON's
    /// characters put in): where the plain reader takes it, serde reads it the same.
    #[test]
    fn one_byte_away_the_readers_still_agree() {
        let mut taken = 0;
        for at in (0..=EXAMPLE.len()).filter(|&i| EXAMPLE.is_char_boundary(i)) {
            let mut cut = EXAMPLE.to_string();
            if at < EXAMPLE.len() {
                let next = EXAMPLE[at..].chars().next().map_or(1, char::len_utf8);
                cut.replace_range(at..at + next, "");
                agrees(&cut);
                taken += usize::from(by_hand(&cut).is_some());
            }
            for c in [
                "\"", ",", ":", "{", "}", "[", "0", "-", ".", "e", " ", "\\", "\n", "n",
            ] {
                let mut put = EXAMPLE.to_string();
                put.insert_str(at, c);
                agrees(&put);
                taken += usize::from(by_hand(&put).is_some());
            }
        }
        // Whitespace, digits and many string insides still read: the check above is exercised.
        assert!(taken > 100, "only {taken} variants read by hand");
    }
}
