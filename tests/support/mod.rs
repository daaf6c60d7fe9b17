//! Helpers shared by the integration tests that need more than one file.

pub mod desk;
pub mod serve;
