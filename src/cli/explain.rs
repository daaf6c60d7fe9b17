//! `caliper explain`: what a diagnostic code means.

use super::{EXIT_CANNOT_RUN, EXIT_OK};
use caliper::diag::Code;

pub fn run(code: Option<&str>) -> u8 {
    match code {
        None => {
            for c in Code::ALL {
                outln!("{}  {}", c.as_str(), c.title());
            }
            EXIT_OK
        }
        Some(s) => match Code::parse(s) {
            Some(c) => {
                outln!("{}：{}\n\n{}", c.as_str(), c.title(), c.explain());
                EXIT_OK
            }
            None => {
                eprintln!("错误：没有诊断代码 {s}；caliper explain 列出全部代码");
                EXIT_CANNOT_RUN
            }
        },
    }
}
