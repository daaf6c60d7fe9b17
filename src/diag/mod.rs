//! Diagnostics: every problem found in a rule file or a case is a value with a stable code, a
//! Chinese message, labelled spans and help, so that all of them can be collected and reported
//! together, as human text, plain text (snapshots) or JSON (machines).

mod codes;
mod render;

pub use codes::Code;
pub use render::{render_human, render_json, render_plain};

use crate::source::Span;
use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule set cannot be used.
    Error,
    /// The rule set works but probably not as intended.
    Warning,
}

/// A span with what to say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What (may be empty).
    pub message: String,
    /// The primary label is the one the message is about.
    pub primary: bool,
}

/// One problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code (`S0101` …), documented by `caliper explain CODE`.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One line, in Chinese, without a final period.
    pub message: String,
    /// The places it concerns; the first primary label is where it is reported.
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// A case that shows the finding (analysis lints): in words, and as a case document.
    pub example: Option<Box<Example>>,
}

/// The example case of a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// The facts in words (`age = 13，corrected = 真`) and what the case shows.
    pub words: String,
    /// The case document (`{ "violation", "facts" }`), as `caliper eval` reads it.
    pub case: serde_json::Value,
}

impl Diagnostic {
    /// An error with a primary label.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            labels: vec![Label {
                span,
                message: String::new(),
                primary: true,
            }],
            help: None,
            example: None,
        }
    }

    /// Sets the primary label's text.
    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        if let Some(l) = self.labels.iter_mut().find(|l| l.primary) {
            l.message = message.into();
        }
        self
    }

    /// Adds a secondary label.
    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sets the example case.
    pub fn example(mut self, words: impl Into<String>, case: serde_json::Value) -> Diagnostic {
        self.example = Some(Box::new(Example {
            words: words.into(),
            case,
        }));
        self
    }

    /// The primary span, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.iter().find(|l| l.primary).map(|l| l.span)
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Orders diagnostics by file and position, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| {
        let s = d.primary_span().unwrap_or_default();
        (s.file, s.start, d.code)
    });
}

/// The name among `candidates` closest to `name` (for "did you mean"), if close enough.
///
/// Bounded work whatever the input: a name longer than [`crate::limits::NAME_BYTES`] gets no
/// suggestion, a candidate whose length alone puts it out of reach is skipped before any
/// distance is computed, and at most [`NEAREST_CANDIDATES`] candidates are compared.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if name.len() > crate::limits::NAME_BYTES {
        return None;
    }
    let len = name.chars().count();
    let limit = (len / 3).max(1) + 1;
    candidates
        .into_iter()
        .filter(|c| c.len() <= crate::limits::NAME_BYTES)
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .take(NEAREST_CANDIDATES)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Candidates [`nearest`] compares at most (after the length filter).
pub const NEAREST_CANDIDATES: usize = 4_096;

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn nearest_finds_close_names_only() {
        let names = ["volume_m3", "area_m2", "corrected"];
        assert_eq!(nearest("volum_m3", names), Some("volume_m3"));
        assert_eq!(nearest("corected", names), Some("corrected"));
        assert_eq!(nearest("party", names), None);
        assert_eq!(nearest("警高", ["警告", "罚款"]), Some("警告"));
    }

    #[test]
    fn nearest_does_no_work_on_a_huge_name() {
        let huge = "v".repeat(10_000_000);
        assert_eq!(nearest(&huge, ["volume_m3"]), None);
        assert_eq!(nearest("volume_m3", [huge.as_str()]), None);
    }
}
