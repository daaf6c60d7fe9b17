//! Evaluation: a case's facts in, a decision out, walking only the compiled graph.

mod bind;
mod cond;
pub(crate) mod law;
pub mod money;
mod walk;

pub use bind::CaseError;
pub(crate) use bind::{Input, bind, bind_inputs};
pub(crate) use walk::{Decided, decide};
