//! caliper
pub mod diag;
pub mod source;
pub mod syntax;
