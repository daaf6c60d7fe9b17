//! `caliper list`: find a violation's code by a keyword.

use super::{EXIT_OK, load_rules};
use std::path::Path;

pub fn run(keyword: Option<&str>, rules: Option<&Path>) -> u8 {
    let rules = match load_rules(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // The same search as the server's and the desk's: code, title, articles, regulation, and
    // the everyday words caseworkers use.
    let found = rules.catalogue().search(keyword.unwrap_or_default());
    let n = found.len();
    for v in &found {
        outln!("{}\t{}\t{}", v.code, v.title, v.basis);
    }
    if n == 0 {
        eprintln!(
            "没有找到含“{}”的违法行为；换一个关键词，或不写关键词列出全部",
            keyword.unwrap_or_default()
        );
    }
    EXIT_OK
}
