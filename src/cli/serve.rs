//! `caliper serve`: starts the HTTP API (see docs/server.md).

use super::{EXIT_CANNOT_RUN, EXIT_OK};
use crate::server::{Config, init_logging, run as serve};

pub fn run(cfg: Config) -> u8 {
    init_logging();
    match serve(cfg) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("错误：{e}");
            EXIT_CANNOT_RUN
        }
    }
}
