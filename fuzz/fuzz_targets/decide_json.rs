//! cargo-fuzz target: see `src/checks.rs` for what is checked.
#![no_main]

#[path = "../src/checks.rs"]
#[expect(dead_code, reason = "each target uses one of the shared checks")]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::decide_json(data);
});
