//! The `caliper` command: a thin shell over the library (the commands live in its `cli` module).

fn main() -> std::process::ExitCode {
    caliper::command_line()
}
