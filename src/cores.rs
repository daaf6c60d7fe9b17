//! The cores this process may run on, asked of the system once.
//!
//! `std::thread::available_parallelism` reads the cgroup's CPU quota and the affinity mask on
//! every call (several system calls and files); a load asks for each file it parses, and those
//! calls were a twentieth of loading the shipped rule set.

use std::sync::OnceLock;

/// The cores available (at least 1), as the first call found them.
pub fn available() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}
