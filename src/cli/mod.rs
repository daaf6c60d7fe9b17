//! Command-line parsing and dispatch; one file per command.

mod check;
mod eval;
mod explain;
mod files;
mod fmt;
mod list;
mod publish;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes: 0 ok, 1 could not run, 2 the rules or the case have errors, 3 a test failed (or,
/// with `fmt --check`, a file is not formatted).
pub const EXIT_OK: u8 = 0;
/// Could not run (no such file …).
pub const EXIT_CANNOT_RUN: u8 = 1;
/// The rules (or the case) have errors.
pub const EXIT_ERRORS: u8 = 2;
/// A test expectation failed.
pub const EXIT_TEST_FAILED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "caliper",
    version,
    about = "行政处罚裁量基准规则引擎：检查规则文件，对案件给出裁量建议",
    long_about = "caliper 把“四张清单”写成规则文件，检查其中的错误，并对案件事实给出裁量建议（处罚结果、罚款幅度、依据和推理过程）。\n不指定规则时使用内置的示范规则集。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查规则文件，列出所有错误（默认：内置规则集）
    Check {
        /// 规则集的根文件或目录（目录中须有 main.rules）
        paths: Vec<PathBuf>,
        /// 错误的输出格式
        #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
        error_format: ErrorFormat,
    },
    /// 对案件（JSON）给出裁量建议
    Eval {
        /// 案件文件；省略或写 - 时从标准输入读取
        file: Option<PathBuf>,
        /// 规则集的根文件或目录（默认：内置规则集）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 输出给人读的中文推理过程，而不是 JSON 决定书
        #[arg(long)]
        explain: bool,
    },
    /// 运行规则旁的测试案例（*.test.toml）
    Test {
        /// 规则集的根文件或目录（默认：内置规则集及其测试）
        paths: Vec<PathBuf>,
    },
    /// 列出违法行为，可按关键词筛选
    List {
        /// 关键词（编号、标题或依据中的文字）
        keyword: Option<String>,
        /// 规则集的根文件或目录（默认：内置规则集）
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// 生成向社会公布的裁量基准文本（HTML 或 Markdown）
    Publish {
        /// 规则集的根文件或目录（默认：内置规则集）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = PublishFormat::Html)]
        format: PublishFormat,
        /// 写入文件（默认：标准输出）
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 把规则文件改写为统一的格式（保留注释，并验证含义不变）
    Fmt {
        /// 规则文件或目录
        paths: Vec<PathBuf>,
        /// 只检查，不改写；有文件需要格式化时以 3 退出
        #[arg(long)]
        check: bool,
    },
    /// 解释诊断代码（如 M0209）；不写代码时列出全部
    Explain {
        /// 诊断代码
        code: Option<String>,
    },
}

/// The published document's format.
#[derive(Clone, Copy, ValueEnum)]
enum PublishFormat {
    /// 独立的 HTML 文件，可在 A4 纸上打印
    Html,
    /// Markdown
    Markdown,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, ValueEnum)]
enum ErrorFormat {
    /// 给人读的文字
    Human,
    /// JSON，给程序读
    Json,
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check {
            paths,
            error_format,
        } => check::run(&paths, error_format),
        Command::Eval {
            file,
            rules,
            explain,
        } => eval::run(file.as_deref(), rules.as_deref(), explain),
        Command::Test { paths } => test::run(&paths),
        Command::List { keyword, rules } => list::run(keyword.as_deref(), rules.as_deref()),
        Command::Publish {
            rules,
            format,
            output,
        } => {
            let format = match format {
                PublishFormat::Html => caliper::explain::publish::Format::Html,
                PublishFormat::Markdown => caliper::explain::publish::Format::Markdown,
            };
            publish::run(rules.as_deref(), format, output.as_deref())
        }
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Explain { code } => explain::run(code.as_deref()),
    };
    ExitCode::from(code)
}

/// Loads the rule set at `path`, or the embedded one; prints the diagnostics on failure.
fn load_rules(path: Option<&std::path::Path>) -> Result<caliper::Rules, u8> {
    let loaded = match path {
        Some(p) => {
            if !p.exists() {
                eprintln!("错误：找不到规则 {}", p.display());
                return Err(EXIT_CANNOT_RUN);
            }
            caliper::Rules::load(p)
        }
        None => caliper::Rules::embedded(),
    };
    loaded.map_err(|e| {
        let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
        eprint!(
            "{}",
            caliper::diag::render_human(&e.diagnostics, &e.sources, color)
        );
        eprintln!(
            "规则集有 {} 个错误，无法使用",
            e.diagnostics.iter().filter(|d| d.is_error()).count()
        );
        EXIT_ERRORS
    })
}

/// Writes to standard output; a closed pipe (`caliper publish | head`) ends quietly.
fn write_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("错误：无法写出结果：{e}");
    }
}
