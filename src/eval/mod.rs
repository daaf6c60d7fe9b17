//! Evaluation: a case's facts in, a decision out, walking only the compiled graph.

mod bind;
mod combine;
mod cond;
mod exceptions;
mod fine;
pub(crate) mod law;
mod law_in_time;
pub mod money;
pub(crate) mod procedure;
mod walk;

pub use bind::CaseError;
pub(crate) use bind::{Input, bind, bind_inputs};
pub(crate) use procedure::flags as procedure_flags;
pub(crate) use walk::{Decided, decide};
