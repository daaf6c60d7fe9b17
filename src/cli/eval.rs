//! `caliper eval`: a case in, a decision (or an error document) out.

use super::{EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK, load_rules};
use std::io::Read;
use std::path::Path;

pub fn run(file: Option<&Path>, rules: Option<&Path>, explain: bool) -> u8 {
    answer(
        file,
        rules,
        explain,
        |rules, text| rules.evaluate_json(text),
        |rules, d| {
            caliper::explain::render_decision_labelled(d, |n| {
                rules.fact_label(n).map(str::to_string)
            })
        },
    )
}

/// A document in, an answer out: the JSON of `decide`'s answer, or with `explain` its words;
/// a bad document is the error document and exit 2.
pub(super) fn answer<T: serde::Serialize>(
    file: Option<&Path>,
    rules: Option<&Path>,
    explain: bool,
    decide: impl Fn(&caliper::Rules, &str) -> Result<T, caliper::CaseError>,
    words: impl Fn(&caliper::Rules, &T) -> String,
) -> u8 {
    let text = match read_input(file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let text = match String::from_utf8(text) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            return report_case_error(&caliper::CaseError::new(
                caliper::diag::Code::MalformedCase,
                format!(
                    "案件不是 UTF-8 编码的文本：第 {} 个字节起无法按 UTF-8 读出",
                    at + 1
                ),
                "",
            ));
        }
    };
    let rules = match load_rules(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    match decide(&rules, &text) {
        Ok(d) => {
            if explain {
                super::write_stdout(&words(&rules, &d));
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
    outln!(
        "{}",
        serde_json::to_string_pretty(&e.to_document()).unwrap_or_default()
    );
    eprintln!("案件有错误：{}", e.message);
    EXIT_ERRORS
}

/// The document in `file`, or standard input for none or `-`, as bytes (text that is not UTF-8
/// is the case's error, answered with the error document).
pub(super) fn read_input(file: Option<&Path>) -> Result<Vec<u8>, u8> {
    let text = match file {
        None => read_stdin(),
        Some(p) if p == Path::new("-") => read_stdin(),
        Some(p) => std::fs::File::open(p)
            .map_err(|e| e.to_string())
            .and_then(bounded)
            .map_err(|e| format!("无法读取案件 {}：{e}", p.display())),
    };
    text.map_err(|e| {
        eprintln!("错误：{e}");
        EXIT_CANNOT_RUN
    })
}

fn read_stdin() -> Result<Vec<u8>, String> {
    bounded(std::io::stdin()).map_err(|e| format!("无法读取标准输入：{e}"))
}

/// Reads at most one byte more than a case may have (`/dev/zero` is not read to the end): a
/// longer case is then refused by the library with the error naming the limit.
fn bounded(r: impl Read) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    r.take(caliper::limits::CASE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}
