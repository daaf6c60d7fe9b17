//! Command-line parsing and dispatch; one file per command.

/// `println!` for a command's output. Where standard output is a pipe whose reader has gone
/// (`caliper list | head`), the command ends quietly, as `head` expects, instead of panicking as
/// `println!` does.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for a command's output, as [`outln!`] without the line end.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out(format_args!($($arg)*))
    };
}

mod audit;
mod batch;
mod check;
mod diff;
mod eval;
mod explain;
mod files;
mod fmt;
mod list;
mod publish;
#[cfg(feature = "server")]
mod replay;
mod review;
#[cfg(feature = "server")]
mod serve;
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
    /// 批量给出裁量建议：每行一个案件（NDJSON 或 CSV），每行一个结果，顺序不变
    #[command(long_about = BATCH_HELP)]
    Batch {
        /// 案件文件：.csv 为 CSV（第一行是表头），其余为 NDJSON（每行一个案件文档）
        input: PathBuf,
        /// 写入文件（默认：标准输出）
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 规则集的根文件或目录（默认：内置规则集）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 输入格式（默认按扩展名判断）
        #[arg(long, value_enum)]
        input_format: Option<InFormat>,
        /// 输出格式：ndjson 为完整的决定文档，csv 为主要字段
        #[arg(long, value_enum, default_value_t = OutFormat::Ndjson)]
        format: OutFormat,
        /// CSV 列名映射文件（TOML，中文列名 → 事实名），见 docs/batch-audit.md
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// 工作线程数（默认：全部处理器核心）
        #[arg(long)]
        threads: Option<usize>,
        /// 不记录推理过程（trace 为空），更快
        #[arg(long)]
        no_trace: bool,
    },
    /// 类案同罚审查：按当时施行的规则重新计算过去的处罚决定，找出与同类案件罚款差距大的案件
    #[command(long_about = AUDIT_HELP)]
    Audit {
        /// 档案：NDJSON、CSV（按扩展名），或 caliper serve 的 SQLite 决定记录库
        #[arg(required_unless_present = "synthesize")]
        archive: Option<PathBuf>,
        /// 规则集的根文件或目录（默认：内置规则集；SQLite 记录用记录时的规则）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// HTML 报告写入的文件
        #[arg(long, default_value = "audit-report.html")]
        report: PathBuf,
        /// 需要复核的案件（CSV）写入的文件
        #[arg(long, default_value = "audit-flagged.csv")]
        flagged: PathBuf,
        /// JSON 汇总写入的文件（默认：标准输出）
        #[arg(long)]
        json: Option<PathBuf>,
        /// CSV 列名映射文件（TOML），见 docs/batch-audit.md
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// 工作线程数（默认：全部处理器核心）
        #[arg(long)]
        threads: Option<usize>,
        /// 不审查，而是生成 N 件合成案件的档案（演示和测试用，不是真实记录），写入 -o
        #[arg(long, value_name = "N")]
        synthesize: Option<u64>,
        /// 合成档案写入的文件
        #[arg(short, long, requires = "synthesize")]
        output: Option<PathBuf>,
        /// 合成档案的随机种子（同一种子生成同一档案）
        #[arg(long, default_value_t = 1, requires = "synthesize")]
        seed: u64,
        /// 合成档案不植入不一致的案件
        #[arg(long, requires = "synthesize")]
        clean: bool,
    },
    /// 比较规则集的两个版本：文字的增删改，以及裁量结果改变的代表案件
    Diff {
        /// 原规则集的根文件或目录
        old: PathBuf,
        /// 新规则集的根文件或目录
        new: PathBuf,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Text)]
        format: diff::DiffFormat,
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
    /// 审查执法人员拟作出的处罚（偏离审查）：罚款在建议幅度内、幅度外还是法定幅度外，是否合法，须做什么
    #[command(
        long_about = "审查执法人员拟作出的处罚（偏离审查）。\n\n输入是案件文档加上 proposed，例如：\n  {\"violation\": \"XR-49-2\", \"facts\": {…}, \"proposed\": {\"outcome\": \"standard\", \"fine\": 150, \"penalties\": [\"fine\"]}}\n输出是引擎的裁量建议（decision）和审查结果（review）：罚款的位置（in_band 建议幅度内、in_range_outside_band 法定幅度内但在建议幅度外、below_range 低于法定最低额、above_range 超过法定最高额），是否合法，须书面说明理由或法制审核，按拟罚款额确定的程序，以及逐条的审查意见。"
    )]
    Review {
        /// 审查请求文件；省略或写 - 时从标准输入读取
        file: Option<PathBuf>,
        /// 规则集的根文件或目录（默认：内置规则集）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 输出给人读的中文审查意见，而不是 JSON
        #[arg(long)]
        explain: bool,
    },
    /// 运行规则旁的测试案例（*.test.toml）
    Test {
        /// 规则集的根文件或目录（默认：内置规则集及其测试）
        paths: Vec<PathBuf>,
        /// 另外报告覆盖率：经过的清单条目、情节档次、条件分支和钩子，逐个文件列出未经过的规则
        #[arg(long)]
        coverage: bool,
        /// 不运行测试，而为这个违法行为生成边界案例，写入新的 *.test.toml（预期为引擎当前的答案，标为待审核）
        #[arg(long, value_name = "CODE")]
        generate: Option<String>,
        /// --generate 写入的文件（默认：CODE.generated.test.toml）；文件已存在时不覆盖
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
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
    /// 启动 HTTP 服务（裁量建议接口与决定记录），见 docs/server.md
    #[cfg(feature = "server")]
    Serve {
        /// 规则集的根文件或目录（默认：内置规则集）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 监听地址
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// 决定记录库（SQLite 文件，不存在时创建）
        #[arg(long, default_value = "caliper.db")]
        db: PathBuf,
        /// 规则文件改变时重新加载（每秒检查一次）；也可向进程发送 SIGHUP
        #[arg(long)]
        watch: bool,
        /// 请求体的字节数上限
        #[arg(long, default_value_t = crate::server::limits::DEFAULT_MAX_BODY_BYTES)]
        max_body: usize,
        /// 一次批量请求的案件数上限
        #[arg(long, default_value_t = crate::server::limits::DEFAULT_MAX_BATCH)]
        max_batch: usize,
        /// 每个请求的处理时限（毫秒）
        #[arg(long, default_value_t = crate::server::limits::DEFAULT_DEADLINE.as_millis() as u64)]
        deadline_ms: u64,
    },
    /// 用记录时的规则重新计算决定记录，报告差异；并报告按当前规则建议会如何变化
    #[cfg(feature = "server")]
    Replay {
        /// 决定记录库
        #[arg(long, default_value = "caliper.db")]
        db: PathBuf,
        /// 当前规则集的根文件或目录（默认：内置规则集）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 记录编号（默认：全部）
        ids: Vec<i64>,
    },
}

const BATCH_HELP: &str = "批量给出裁量建议。\n\n\
输入每行一个案件，输出每行一个结果，顺序与输入相同；写错的行得到一行错误文档（写明行号和错在哪里），不会被跳过。\n\
所有处理器核心并行计算，内存不随文件大小增长；在终端上显示进度（速度和剩余时间），结束时在标准错误上给出汇总（各处理结果的件数、错误数）。\n\n\
NDJSON 输入（每行一个案件文档，同 caliper eval）：\n\
  {\"case_id\": \"A-1\", \"violation\": \"XR-49-2\", \"facts\": {\"party_type\": \"individual\", \"age\": 35}}\n\n\
CSV 输入（第一行是表头；case_id、violation 和每个事实一列；空格表示没有该事实；选项可写中文名称）：\n\
  case_id,violation,party_type,age,harm,violation_date,discovery_date\n\
  A-1,XR-49-2,individual,35,一般,2025-03-02,2025-03-05\n\
中文表头用 --mapping 映射文件对应到事实名（格式见 docs/batch-audit.md）。\n\n\
错误行：{\"error\": {\"code\": \"E0504\", \"message\": \"…\", \"at\": \"…\"}, \"line\": 7}\n\n\
例：caliper batch cases.ndjson -o decisions.ndjson --no-trace\n\
    caliper batch cases.csv --format csv --mapping columns.toml\n\n\
退出码：0 全部成功，2 有错误行（其余各行照常输出）或表头错误，1 无法读写文件。";

const AUDIT_HELP: &str = "类案同罚审查。\n\n\
对档案中的每个过去的处罚决定，按作出决定之日施行的规则重新计算裁量建议，判断实际罚款在建议幅度内、法定幅度内但在建议幅度外，还是超出法定幅度；\
按规则给出的要素（违法行为、法律版本、当事人类型、档次即建议幅度、建议结果、适用的情节）把同类案件分组，统计每组罚款的件数、最小值、四分位数和最大值，\
列出罚款远离本组的案件及复核理由；给出首违不罚适用率、按违法行为/队伍/月份的幅度外比率、应告知听证的告知率。\n\n\
档案每行一个决定（NDJSON）：\n\
  {\"case_id\": \"2024-001\", \"violation\": \"XR-49-2\", \"facts\": {…, \"decision_date\": \"2024-05-10\"}, \"outcome\": \"standard\", \"fine\": 120, \"hearing_notice\": false, \"officer\": \"张三\", \"team\": \"一中队\"}\n\
CSV 档案：case_id、violation、各事实（含 decision_date）及 outcome、fine、hearing_notice、officer、team 列；中文列名用 --mapping。\n\
也可以直接审查 caliper serve 的决定记录库（SQLite 文件）。\n\n\
输出：HTML 报告（--report，中文，内嵌图表，可打印）、需要复核的案件（--flagged，CSV）、JSON 汇总（标准输出或 --json）。\n\n\
例：caliper audit --synthesize 100000 -o archive.ndjson     生成合成档案（不是真实记录）\n\
    caliper audit archive.ndjson --report audit.html --flagged flagged.csv --json audit.json\n\n\
档案格式与报告的说明见 docs/batch-audit.md。";

/// The format of a batch's cases.
#[derive(Clone, Copy, ValueEnum)]
enum InFormat {
    /// 每行一个 JSON 案件文档
    Ndjson,
    /// 表头加每行一个案件
    Csv,
}

/// The format of a batch's answers.
#[derive(Clone, Copy, ValueEnum)]
enum OutFormat {
    /// 每行一个 JSON 决定文档
    Ndjson,
    /// 表头加每行一个决定的主要字段
    Csv,
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
        Command::Audit {
            archive,
            rules,
            report,
            flagged,
            json,
            mapping,
            threads,
            synthesize,
            output,
            seed,
            clean,
        } => audit::run(&audit::Args {
            archive,
            rules,
            report,
            flagged,
            json,
            mapping,
            threads,
            synthesize,
            output,
            seed,
            clean,
        }),
        Command::Batch {
            input,
            output,
            rules,
            input_format,
            format,
            mapping,
            threads,
            no_trace,
        } => batch::run(&batch::Args {
            input,
            output,
            rules,
            input_format: input_format.map(|f| match f {
                InFormat::Ndjson => caliper::batch::InputFormat::Ndjson,
                InFormat::Csv => caliper::batch::InputFormat::Csv,
            }),
            output_format: match format {
                OutFormat::Ndjson => caliper::batch::OutputFormat::Ndjson,
                OutFormat::Csv => caliper::batch::OutputFormat::Csv,
            },
            mapping,
            threads,
            no_trace,
        }),
        Command::Diff { old, new, format } => diff::run(&old, &new, format),
        Command::Eval {
            file,
            rules,
            explain,
        } => eval::run(file.as_deref(), rules.as_deref(), explain),
        Command::Review {
            file,
            rules,
            explain,
        } => review::run(file.as_deref(), rules.as_deref(), explain),
        Command::Test {
            paths,
            coverage,
            generate,
            output,
        } => match generate {
            Some(code) => test::generate(paths.first(), &code, output),
            None => test::run(&paths, coverage),
        },
        Command::List { keyword, rules } => list::run(keyword.as_deref(), rules.as_deref()),
        Command::Publish {
            rules,
            format,
            output,
        } => {
            let format = match format {
                PublishFormat::Html => caliper::publish::Format::Html,
                PublishFormat::Markdown => caliper::publish::Format::Markdown,
            };
            publish::run(rules.as_deref(), format, output.as_deref())
        }
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Explain { code } => explain::run(code.as_deref()),
        #[cfg(feature = "server")]
        Command::Serve {
            rules,
            addr,
            db,
            watch,
            max_body,
            max_batch,
            deadline_ms,
        } => serve::run(crate::server::Config {
            rules,
            addr,
            db,
            watch,
            limits: crate::server::limits::Limits {
                max_body_bytes: max_body,
                max_batch,
                deadline: std::time::Duration::from_millis(deadline_ms),
            },
        }),
        #[cfg(feature = "server")]
        Command::Replay { db, rules, ids } => replay::run(&db, rules.as_deref(), &ids),
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
    out(format_args!("{text}"));
}

/// Writes a command's output (through [`outln!`] and [`out!`]). A closed pipe ends the process
/// with status 0: the reader took what it wanted. Any other failure to write ends it with
/// [`EXIT_CANNOT_RUN`], since the output the caller asked for is lost.
pub(crate) fn out(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_fmt(args).and_then(|()| o.flush()) {
        exit_on_write_error(&e);
    }
}

/// Ends the process after a failure to write the standard output: with status 0 on a closed
/// pipe (the reader took what it wanted), else with [`EXIT_CANNOT_RUN`], since the output the
/// caller asked for is lost.
pub(crate) fn exit_on_write_error(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(i32::from(EXIT_OK));
    }
    eprintln!("错误：无法写出结果：{e}");
    std::process::exit(i32::from(EXIT_CANNOT_RUN));
}
