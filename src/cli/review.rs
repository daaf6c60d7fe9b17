//! `caliper review`: a case with the officer's proposal in, the review (偏离审查) out.

use super::eval::{read_input, report_case_error};
use super::{EXIT_OK, load_rules};
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
    match rules.review_request_json(&text) {
        Ok(r) => {
            if explain {
                super::write_stdout(&caliper::explain::render_review(&r));
            } else {
                let json = serde_json::to_string_pretty(&r).unwrap_or_default();
                super::write_stdout(&format!("{json}\n"));
            }
            EXIT_OK
        }
        Err(e) => report_case_error(&e),
    }
}
