//! # caliper — 行政处罚裁量基准规则引擎
//!
//! caliper turns a bureau's discretion standards (the "four lists": 不予处罚, 从轻, 减轻, 从重) into
//! rule files, checks them, and evaluates the facts of a case into a recommended outcome with its
//! fine range, penalties, measures, procedure, every citation and a trace in Chinese.
//!
//! The pipeline, one module per stage: [`syntax`] (pest grammar → typed syntax tree) →
//! [`model`] (names resolved, types checked, every problem a [`diag::Diagnostic`]) → [`check`]
//! (checks and lints) → [`graph`] (the compiled decision graph: a plan of typed nodes per
//! violation) → [`eval`] (three-valued evaluation, one file per step) → [`explain`] (the trace
//! in Chinese) and [`publish`] (the published lists). [`vocab`] holds the domain's words and
//! their Chinese names. [`Rules`] ties them together.
//!
//! ```
//! use caliper::{Case, Outcome, Rules};
//!
//! // The shipped model rule set for Xuchang city management, embedded in the library.
//! let rules = Rules::embedded().expect("the shipped rules load");
//!
//! // An individual dumped rubbish (许昌市容条例 第四十九条第二项: 个人 200 元以下).
//! let case = Case::new("XR-49-2")
//!     .fact("party_type", "individual")
//!     .fact("age", 35)
//!     .fact("minor", false)
//!     .fact("harm", "general")
//!     .fact("corrected", false)
//!     .fact("first_offense", false)
//!     .fact("prior_penalties_12m", 0)
//!     .fact("violation_date", "2025-03-02")
//!     .fact("discovery_date", "2025-03-05");
//! let decision = rules.evaluate(&case).expect("a valid case");
//! assert_eq!(decision.outcome, Outcome::Standard);
//! assert_eq!(decision.fine.map(|f| f.to_string()).as_deref(), Some("60..140"));
//!
//! // A fact the walk needs and the case does not give is never taken as false.
//! let unsure = Case::new("XR-49-2").fact("party_type", "individual");
//! let decision = rules.evaluate(&unsure).expect("a valid case");
//! assert_eq!(decision.outcome, Outcome::Undetermined);
//! assert!(decision.needs.iter().any(|n| &**n == "age"));
//!
//! // A bad case is an error document, never a decision.
//! let bad = Case::new("XR-49-2").fact("volum_m3", 1);
//! let err = rules.evaluate(&bad).unwrap_err();
//! assert_eq!(err.code, "E0501");
//! assert!(err.message.contains("volume_m3"));
//! ```
//!
//! Rule sets can also be loaded from a directory ([`Rules::load`]) or from texts in memory
//! ([`Rules::from_sources`]); a rule set with errors gives a [`LoadError`] holding every
//! diagnostic, which [`diag::render_human`], [`diag::render_plain`] and [`diag::render_json`]
//! print.

//! ## What is public
//!
//! What other software needs is public and documented: [`Rules`], [`Case`], [`decision`] (the
//! decision and its parts), [`review`], [`CaseError`] with its typed [`diag::Code`], [`diag`]
//! (diagnostics and their renderers), and the entry points of [`explain`], [`publish`], [`fmt`],
//! [`suite`] (the drafters' test files), [`catalogue`] (what a form needs), [`analysis`] (what
//! `check`, `diff` and test coverage prove over the fact space), [`batch`] and [`audit`].
//! [`limits`] names every limit. The stages themselves — `syntax`, `model`, `check`, `graph`, `eval`, `hooks`,
//! `load`, `facts`, `vocab` — are internal; the feature `internals` makes them public for the
//! project's own tests and benches (unstable: not an API).

// The command line and the server are shells over the library, compiled into it so that the
// stages can stay crate-private; `src/main.rs` only calls [`command_line`]. Inside the crate
// their code names the library `caliper::`, as any other user of it would.
extern crate self as caliper;
// The parser pest_derive generates without its `std` feature names `::alloc::boxed::Box`.
extern crate alloc;

/// Declares an internal stage: public with the `internals` feature, crate-private without.
macro_rules! stage {
    ($(#[$meta:meta])* $name:ident) => {
        #[cfg(feature = "internals")]
        $(#[$meta])*
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        $(#[$meta])*
        pub(crate) mod $name;
    };
}

pub mod analysis;
pub mod audit;
pub mod batch;
pub mod case;
pub mod catalogue;
pub mod diag;
pub mod explain;
pub mod fmt;
pub mod limits;
pub mod publish;
pub mod review;
pub mod source;
pub mod suite;

stage!(check);
stage!(eval);
stage!(facts);
stage!(graph);
stage!(hooks);
stage!(load);
stage!(model);
stage!(syntax);
stage!(vocab);

#[cfg(feature = "cli")]
mod cli;
mod cores;
mod digits;
mod embedded;
mod helpers;
mod rules;
#[cfg(feature = "server")]
mod server;

pub use case::Case;
pub use eval::CaseError;
pub use eval::decision;
pub use eval::decision::{Decision, Outcome};
pub use review::{Proposed, Review, Reviewed};
pub use rules::{LoadError, Options, Rules};

/// The `caliper` command, as its binary runs it: reads `std::env::args`, prints to the terminal
/// and returns the exit status. Not for other software (use [`Rules`]).
#[cfg(feature = "cli")]
#[doc(hidden)]
pub fn command_line() -> std::process::ExitCode {
    cli::run()
}
