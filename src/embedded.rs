//! The shipped rule set, compiled into the library by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
