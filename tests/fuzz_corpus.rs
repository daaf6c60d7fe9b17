//! The fuzzers' committed seeds and crash reproducers (`fuzz/seeds/TARGET/`,
//! `fuzz/regressions/TARGET/`), replayed through the same checks as the fuzz targets, on a
//! 256 KiB thread: CI guards them without a nightly toolchain or cargo-fuzz.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut inputs = Vec::new();
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_file()) {
                inputs.push(e.path());
            }
        }
    }
    inputs.sort();
    assert!(!inputs.is_empty(), "no seeds for {target}");
    for path in inputs {
        let data = std::fs::read(&path).expect("readable");
        let shown = path.display().to_string();
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || check(&data))
            .expect("a thread")
            .join()
            .unwrap_or_else(|_| panic!("{shown} fails its check"));
    }
}

#[test]
fn rules_corpus() {
    replay("rules", checks::rules);
}

#[test]
fn decide_json_corpus() {
    replay("decide_json", checks::decide_json);
}

#[test]
fn hook_script_corpus() {
    replay("hook_script", checks::hook_script);
}
