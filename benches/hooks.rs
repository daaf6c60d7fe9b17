//! The overhead of one rhai hook on a decision (filled in below).
fn main() {}
