//! The `caliper` command: a thin shell over the library.

mod cli;
#[cfg(feature = "server")]
mod server;

fn main() -> std::process::ExitCode {
    cli::run()
}
