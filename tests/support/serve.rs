//! Starting the real `caliper serve` binary on a free loopback port (port 0): the server tests,
//! the desk's browser tests and the desk bench all start it this way.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `bin serve` with its record store at `db` and the extra arguments; the child and the
/// address it listens on (`http://127.0.0.1:PORT`), read from the first line it prints.
pub fn spawn(bin: &str, db: &Path, args: &[&str]) -> (Child, String) {
    let mut child = Command::new(bin)
        .arg("serve")
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(args)
        .env("CALIPER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the first line says where it listens");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (child, base)
}
