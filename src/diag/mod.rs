//! Diagnostics: every problem found in a rule file or a case is a value with a stable code, a
//! Chinese message, labelled spans and help, so that all of them can be collected and reported
//! together, as human text, plain text (snapshots) or JSON (machines).

mod codes;
mod names;
mod render;

pub use codes::Code;
pub(crate) use names::NameIndex;
pub(crate) use names::{did_you_mean, nearest};
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
