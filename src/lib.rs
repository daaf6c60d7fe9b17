//! caliper
pub mod case;
pub mod check;
pub mod decision;
pub mod diag;
mod embedded;
pub mod eval;
pub mod explain;
pub mod graph;
pub mod load;
pub mod model;
mod rules;
pub mod suite;
pub mod source;
pub mod syntax;

pub use case::Case;
pub use decision::{Decision, Outcome};
pub use eval::CaseError;
pub use rules::{LoadError, Options, Rules};
