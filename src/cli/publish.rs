//! `caliper publish`: the rule set as the document a bureau posts (Art. 34).

use super::{EXIT_CANNOT_RUN, EXIT_OK, load_rules};
use caliper::publish::{Format, publish};
use std::path::Path;

pub fn run(rules: Option<&Path>, format: Format, output: Option<&Path>) -> u8 {
    let rules = match load_rules(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let text = publish(&rules, format);
    match output {
        None => {
            super::write_stdout(&text);
            EXIT_OK
        }
        Some(p) => match std::fs::write(p, text) {
            Ok(()) => {
                eprintln!("已写出 {}", p.display());
                EXIT_OK
            }
            Err(e) => {
                eprintln!("错误：无法写出 {}：{e}", p.display());
                EXIT_CANNOT_RUN
            }
        },
    }
}
