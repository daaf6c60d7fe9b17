//! Evaluation: a case's facts in, a decision out, walking only the compiled graph.
//!
//! One file per step of docs/evaluation.md: `law_in_force` (1), `limitation` (2), `article`
//! (3), `statutory_no_penalty` (4), `no_penalty` (5), `circumstances` (6), `combine` (7),
//! `fine` (8), `exceptions` and `guard` (9), `procedure`; `end` holds the ways a walk ends
//! early, `walk` the walk's state and the loop over the plan, `several` Art. 29.

mod article;
mod bind;
mod circumstances;
mod combine;
mod daily;
pub(crate) mod cond;
pub mod decision;
mod elements;
mod end;
mod exceptions;
mod fine;
mod guard;
pub(crate) mod law;
mod law_in_force;
mod limitation;
mod no_penalty;
mod procedure;
mod several;
mod statutory_no_penalty;
pub mod trace;
mod walk;

pub use bind::CaseError;
pub(crate) use bind::{FactTable, Input, bind, bind_inputs};
pub(crate) use procedure::flags as procedure_flags;
pub(crate) use several::{Inputs, decide};
