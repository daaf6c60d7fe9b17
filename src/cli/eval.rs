//! `caliper eval`: a case in, a decision (or an error document) out.

use super::{EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK, load_rules};
use std::io::Read;
use std::path::Path;

pub fn run(file: Option<&Path>, rules: Option<&Path>, explain: bool) -> u8 {
    let text = match read_input(file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let rules = match load_rules(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    match rules.evaluate_json(&text) {
        Ok(d) => {
            if explain {
                super::write_stdout(&caliper::explain::render_decision_labelled(&d, |n| {
                    rules.fact_label(n).map(str::to_string)
                }));
            } else {
                let json = serde_json::to_string_pretty(&d).unwrap_or_default();
                super::write_stdout(&format!("{json}\n"));
            }
            EXIT_OK
        }
        Err(e) => report_case_error(&e),
    }
}

/// Prints a case error as the contract's error document (stdout) and a line for people (stderr).
pub(super) fn report_case_error(e: &caliper::CaseError) -> u8 {
    println!(
        "{}",
        serde_json::to_string_pretty(&e.to_document()).unwrap_or_default()
    );
    eprintln!("案件有错误：{}", e.message);
    EXIT_ERRORS
}

/// The document in `file`, or standard input for none or `-`.
pub(super) fn read_input(file: Option<&Path>) -> Result<String, u8> {
    let text = match file {
        None => read_stdin(),
        Some(p) if p == Path::new("-") => read_stdin(),
        Some(p) => {
            std::fs::read_to_string(p).map_err(|e| format!("无法读取案件 {}：{e}", p.display()))
        }
    };
    text.map_err(|e| {
        eprintln!("错误：{e}");
        EXIT_CANNOT_RUN
    })
}

fn read_stdin() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("无法读取标准输入：{e}"))?;
    Ok(s)
}
