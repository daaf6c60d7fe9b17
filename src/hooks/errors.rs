//! rhai's errors, converted once, here, into our codes and Chinese messages that name the limit
//! reached or the function misused.

use super::world::{ArgumentError, Stop};
use super::{CompileError, DECISION_CONSTANTS, FUNCTIONS, Failure, Limits, Pos, nearest_function};
use crate::diag::{Code, nearest};
use crate::facts::Fact;
use rhai::{Dynamic, EvalAltResult, LexError, ParseError, ParseErrorType};

/// Why callbacks are refused, and what to write instead.
const CALLBACKS: &str = "sort、map、filter、reduce 等的回调会逃出运算次数的计数，所以钩子不能构造函数指针；把回调写成 for 循环";

/// A parse error → H0601 (syntax), H0603 (unknown name) or H0604 (forbidden feature).
pub(super) fn compile_error(e: &ParseError, facts: &[Fact]) -> CompileError {
    let pos = Pos::of(e.position());
    let (code, message, label, help) = match e.err_type() {
        ParseErrorType::VariableUndefined(name) => {
            let names = facts
                .iter()
                .map(|f| &*f.name)
                .chain(DECISION_CONSTANTS.iter().copied());
            let help = match nearest(name, names) {
                Some(n) => format!("是否想写 {n}？事实的名称须与规则集的声明一致"),
                None => {
                    "脚本只能读取规则集声明的事实、决定的常量和自己用 let 声明的变量".to_string()
                }
            };
            (
                Code::ScriptUnknownName,
                format!("脚本中使用了未声明的名称 {name}"),
                "未知名称".to_string(),
                help,
            )
        }
        ParseErrorType::BadInput(LexError::ImproperSymbol(sym, _))
        | ParseErrorType::Reserved(sym)
            if sym == "eval" =>
        {
            (
                Code::ScriptForbidden,
                "脚本不能使用 eval".to_string(),
                "eval 已禁用".to_string(),
                "钩子脚本不能执行动态生成的代码；直接写出要做的判断".to_string(),
            )
        }
        ParseErrorType::BadInput(LexError::ImproperSymbol(sym, _))
        | ParseErrorType::Reserved(sym)
            if sym == "Fn" =>
        {
            (
                Code::ScriptForbidden,
                "脚本不能使用函数指针 Fn(…)".to_string(),
                "函数指针已禁用".to_string(),
                CALLBACKS.to_string(),
            )
        }
        ParseErrorType::BadInput(LexError::UnexpectedInput(sym)) if sym == "|" || sym == "||" => (
            Code::ScriptForbidden,
            "脚本不能使用匿名函数（|x| …）".to_string(),
            "匿名函数已禁用".to_string(),
            CALLBACKS.to_string(),
        ),
        ParseErrorType::Reserved(sym) if sym == "import" || sym == "export" => (
            Code::ScriptForbidden,
            format!("脚本不能使用 {sym}（模块）"),
            "模块已禁用".to_string(),
            "钩子脚本不能加载其他文件；把需要的判断写在同一个脚本中".to_string(),
        ),
        ParseErrorType::VariableExists(name) => (
            Code::ScriptForbidden,
            format!("脚本不能重新声明 {name}"),
            "名称已被占用".to_string(),
            "事实和决定的常量是只读的，不能用 let 或 const 重新声明；给变量另取一个名称"
                .to_string(),
        ),
        ParseErrorType::ExprTooDeep => (
            Code::ScriptSyntax,
            "脚本的表达式嵌套层数超出上限".to_string(),
            "嵌套过深".to_string(),
            "把嵌套的表达式拆成几个用 let 声明的变量".to_string(),
        ),
        ParseErrorType::TooManyFunctions => (
            Code::ScriptSyntax,
            "脚本定义的函数个数超出上限".to_string(),
            "函数过多".to_string(),
            "钩子脚本只需很少的辅助函数".to_string(),
        ),
        ParseErrorType::UnexpectedEOF => (
            Code::ScriptSyntax,
            "脚本在此意外结束".to_string(),
            "脚本不完整".to_string(),
            "检查括号、引号是否成对，语句是否完整".to_string(),
        ),
        other => (
            Code::ScriptSyntax,
            format!("脚本语法错误：{other}"),
            "语法在这里中断".to_string(),
            "rhai 的写法见 docs/hooks.md：语句以分号结束，文字用英文双引号，条件写在 if 之后"
                .to_string(),
        ),
    };
    CompileError {
        code,
        message,
        label,
        help,
        pos,
    }
}

/// The error innermost in calls of the script's own functions, where it really happened.
fn innermost(e: &EvalAltResult) -> &EvalAltResult {
    match e {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => innermost(inner),
        other => other,
    }
}

/// A runtime error → H061x (a limit reached) or H062x (an error of the script).
pub(super) fn run_error(e: &EvalAltResult, limits: &Limits) -> Failure {
    let e = innermost(e);
    let pos = Pos::of(e.position());
    let (code, message) = match e {
        EvalAltResult::ErrorTooManyOperations(_) => (
            Code::ScriptOperations,
            format!(
                "脚本超出运算次数上限（{} 次），已中止；检查循环能否结束",
                limits.operations
            ),
        ),
        EvalAltResult::ErrorStackOverflow(_) => (
            Code::ScriptCallDepth,
            format!(
                "脚本的函数调用超出层数上限（{} 层），已中止；检查递归能否结束",
                limits.call_levels
            ),
        ),
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            let (thing, limit, unit) = if what.contains("string") {
                ("字符串长度", limits.string_size, "字节")
            } else if what.contains("array") {
                ("数组长度", limits.array_size, "项")
            } else if what.contains("map") {
                ("映射大小", limits.map_size, "项")
            } else {
                ("数据大小", limits.string_size, "字节")
            };
            (
                Code::ScriptDataSize,
                format!("脚本中的{thing}超出上限（{limit} {unit}），已中止"),
            )
        }
        EvalAltResult::ErrorTooManyVariables(_) => (
            Code::ScriptDataSize,
            format!("脚本的变量个数超出上限（{} 个），已中止", limits.variables),
        ),
        EvalAltResult::ErrorTerminated(token, _) => {
            return stopped(Stop::from_token(token), pos, limits);
        }
        EvalAltResult::ErrorFunctionNotFound(sig, _) => {
            let name = sig.split([' ', '(']).next().unwrap_or(sig);
            let message = match FUNCTIONS.iter().find(|(n, _)| *n == name) {
                Some((_, usage)) => {
                    format!("函数参数的类型不对：{}；写法是 {usage}", signature(sig))
                }
                None => match nearest_function(name) {
                    Some(n) => format!("函数 {} 不存在；是否想写 {n}？", signature(sig)),
                    None => format!("函数 {} 不存在，或参数的类型不对", signature(sig)),
                },
            };
            (Code::ScriptCall, message)
        }
        EvalAltResult::ErrorMismatchDataType(want, got, _)
        | EvalAltResult::ErrorMismatchOutputType(want, got, _) => (
            Code::ScriptCall,
            format!("类型不对：这里须是{}，却是{}", plain(want), plain(got)),
        ),
        EvalAltResult::ErrorRuntime(v, _) => match v.clone().try_cast::<ArgumentError>() {
            Some(ArgumentError(m)) => (Code::ScriptArgument, m),
            None => match v.clone().try_cast::<super::Forbidden>() {
                Some(super::Forbidden(m)) => (Code::ScriptForbidden, m),
                None => (Code::ScriptRuntime, format!("脚本抛出错误：{v}")),
            },
        },
        EvalAltResult::ErrorParsing(ParseErrorType::Reserved(sym), _) if sym == "eval" => (
            Code::ScriptRuntime,
            "脚本不能使用 eval（经由函数指针也不能）".to_string(),
        ),
        EvalAltResult::ErrorAssignmentToConstant(name, _) => (
            Code::ScriptRuntime,
            format!("不能修改 {name}：事实和决定的常量是只读的"),
        ),
        EvalAltResult::ErrorArithmetic(m, _) => (Code::ScriptRuntime, format!("算术错误：{m}")),
        other => (Code::ScriptRuntime, format!("脚本运行出错：{other}")),
    };
    Failure { code, message, pos }
}

/// A run stopped by `on_progress` (deadline, output).
pub(super) fn stopped(stop: Option<Stop>, pos: Pos, limits: &Limits) -> Failure {
    match stop {
        Some(Stop::Budget) => Failure {
            code: Code::HookBudget,
            message: format!(
                "这个决定的全部钩子合计超出 {} 次运算（每个决定的钩子运算上限），已中止",
                crate::limits::HOOK_OPERATIONS_PER_DECISION
            ),
            pos,
        },
        // Time, like the deadline of one run, is only a safety net: H0614 for both.
        Some(Stop::DecisionTime) => Failure {
            code: Code::ScriptTimeout,
            message: format!(
                "这个决定的全部钩子合计超出运行时间上限（{} 秒，每个决定的钩子时间上限），已中止",
                crate::limits::HOOK_TIME_PER_DECISION.as_secs()
            ),
            pos,
        },
        Some(Stop::Effects) => Failure {
            code: Code::HookBudget,
            message: format!(
                "一次运行调用 add_circumstance 超过 {} 次（每次运行的情节上限），已中止",
                crate::limits::HOOK_CIRCUMSTANCES
            ),
            pos,
        },
        Some(Stop::Output) => Failure {
            code: Code::ScriptOutput,
            message: format!(
                "脚本的输出超出上限（{} 行、{} 字节），已中止",
                limits.output_lines, limits.output_bytes
            ),
            pos,
        },
        _ => Failure {
            code: Code::ScriptTimeout,
            message: format!(
                "脚本超出运行时间上限（{} 毫秒），已中止",
                limits.deadline.as_millis()
            ),
            pos,
        },
    }
}

/// A script that returned a value (H0623).
pub(super) fn returned(v: &Dynamic) -> Failure {
    let shown: String = v.to_string().chars().take(40).collect();
    Failure {
        code: Code::ScriptReturn,
        message: format!(
            "脚本返回了 {}（{shown}）；钩子只能通过 add_circumstance、set_outcome、set_fine 改变决定",
            plain(v.type_name())
        ),
        pos: Pos::default(),
    }
}

/// rhai's type names as a drafter reads them.
fn plain(s: &str) -> String {
    match s.trim() {
        "&str | ImmutableString | String" | "ImmutableString" | "string" => "文字".into(),
        "rust_decimal::Decimal" | "decimal" => "小数".into(),
        "i64" => "整数".into(),
        "bool" => "是非".into(),
        "()" => "空值".into(),
        "array" => "数组".into(),
        "map" => "映射".into(),
        other => other.to_string(),
    }
}

/// A function signature as rhai prints it (`name (i64, &str | ImmutableString | String)`), with
/// the argument types as a drafter reads them.
fn signature(sig: &str) -> String {
    let Some((name, args)) = sig.split_once(" (") else {
        return sig.to_string();
    };
    let args = args.strip_suffix(')').unwrap_or(args);
    if args.is_empty() {
        return format!("{name}()");
    }
    let types: Vec<String> = args.split(", ").map(plain).collect();
    format!("{name}({})", types.join(", "))
}
