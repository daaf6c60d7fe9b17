//! `caliper list`: find a violation's code by a keyword.

use super::{EXIT_OK, load_rules};
use std::path::Path;

pub fn run(keyword: Option<&str>, rules: Option<&Path>) -> u8 {
    let rules = match load_rules(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let m = rules.model();
    let mut n = 0;
    for v in &m.violations {
        let hit = keyword
            .is_none_or(|k| v.code.contains(k) || v.title.contains(k) || v.basis().contains(k));
        if hit {
            println!("{}\t{}\t{}", v.code, v.title, v.basis());
            n += 1;
        }
    }
    if n == 0 {
        eprintln!(
            "没有找到含“{}”的违法行为；换一个关键词，或不写关键词列出全部",
            keyword.unwrap_or_default()
        );
    }
    EXIT_OK
}
