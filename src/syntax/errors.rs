//! Diagnostics for what pest could not parse, in words a drafter knows.

use super::Rule;
use crate::diag::{Code, Diagnostic};
use crate::limits;
use crate::source::{FileId, Span};

/// Where a syntax error is: the text pest read (an item, perhaps repaired), the error's position
/// in it, and how to turn a position in it into an offset in the file.
pub(super) struct At<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub pos: usize,
    pub to_file: &'a dyn Fn(usize) -> usize,
}

/// The position of a pest error in the text it parsed.
pub(super) fn position(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// pest's error → our diagnostic, with a Chinese description of what was expected and, for the
/// usual slips (full-width characters, curly quotes, a word pest cannot read before a number), a
/// help that says how to fix it.
pub(super) fn convert_error(at: &At<'_>, e: &pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::ErrorVariant;
    let (text, pos) = (at.text, at.pos.min(at.text.len()));
    let span = |s: usize, e: usize| Span::new(at.file, (at.to_file)(s), (at.to_file)(e));
    let c = text[pos..].chars().next();
    let found_end = pos + c.map_or(0, char::len_utf8);
    if let ErrorVariant::CustomError { message } = &e.variant
        && message.contains("limit reached")
    {
        // pest's own limits (a call limit, or its stack probe where pest is built with `std`):
        // this crate builds pest without the probe and bounds the brackets before pest sees
        // them (`recover::too_deep`), so only a changed build gets here; it is still nesting.
        return nesting_too_deep(span(pos, found_end));
    }
    let found = match c {
        None => "文件结尾".to_string(),
        Some('\n' | '\r') => "行尾".to_string(),
        Some(c) if c.is_whitespace() => "空白".to_string(),
        Some(c) => format!("“{c}”"),
    };
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = Vec::with_capacity(positives.len() + OPERATORS.len());
            for &r in positives {
                if r == Rule::op_start {
                    // The test of an operator's first character stands for all twelve.
                    names.extend_from_slice(OPERATORS);
                } else {
                    names.extend(describe(r));
                }
            }
            names.sort_unstable();
            names.dedup();
            names
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    if let Some(d) = c.and_then(|c| slip(at, c, pos, &span)) {
        return d;
    }
    let message = if expected.is_empty() {
        format!("此处不能出现{found}")
    } else {
        format!("此处应为{}，却读到{found}", expected.join("、"))
    };
    Diagnostic::error(Code::Syntax, span(pos, found_end.max(pos)), message)
        .label("语法在这里中断")
        .help("对照 docs/rule-language.md 检查这一行；关键字须用中文，名称用 ASCII 字母，字符串用英文双引号")
}

/// The half-width character a full-width one stands for.
fn half_width(c: char) -> Option<char> {
    match c {
        '０'..='９'
        | '（'
        | '）'
        | '｛'
        | '｝'
        | '，'
        | '．'
        | '＜'
        | '＞'
        | '＝'
        | '－'
        | '＋' => char::from_u32(c as u32 - 0xFEE0),
        '“' | '”' => Some('"'),
        _ => None,
    }
}

/// A diagnostic for the slips drafters make most, where the plain "expected …" would not say
/// what to change.
fn slip(
    at: &At<'_>,
    c: char,
    pos: usize,
    span: &dyn Fn(usize, usize) -> Span,
) -> Option<Diagnostic> {
    let end = pos + c.len_utf8();
    if let Some(h) = half_width(c) {
        let what = if matches!(c, '“' | '”') {
            "中文引号"
        } else {
            "全角字符"
        };
        return Some(
            Diagnostic::error(
                Code::Syntax,
                span(pos, end),
                format!("{what}“{c}”不能用在这里"),
            )
            .label(format!("改为半角的 {h}"))
            .help("数字、括号、比较符和引号一律用半角（英文）字符：200、( )、{ }、<=、\"……\""),
        );
    }
    if !c.is_ascii_digit() && c != '.' {
        return None;
    }
    // A number after a word pest read as something else (a penalty kind, a measure): point at
    // the word, which is what is wrong.
    let before = at.text[..pos].trim_end();
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_cjk(*c))
        .last()
        .map(|(i, _)| i)?;
    let word = &before[word_start..];
    if KEYWORDS.contains(&word) {
        return None;
    }
    let suggestion = crate::diag::nearest(word, ["罚款", "档次", "幅度", "版本", "废止", "施行"]);
    let mut d = Diagnostic::error(
        Code::Syntax,
        span(word_start, before.len()),
        format!("“{word}”之后不能接数字：“{word}”不是关键字"),
    )
    .label("不认识的词");
    d = match suggestion {
        Some(k) => d.help(format!("是否想写“{k}”？罚款写作 罚款 200..1000")),
        None => d.help("数字只能跟在关键字之后，如 罚款 200..1000、施行 2025-01-01、幅度 一般 0.3"),
    };
    Some(d)
}

/// The language's keywords: a number after one of them is a slip of another kind.
const KEYWORDS: &[&str] = &[
    "规则集",
    "版本",
    "至",
    "起",
    "废止",
    "要件",
    "参见",
    "上位法",
    "除",
    "施行",
    "制定机关",
    "说明",
    "参数",
    "未设定",
    "包含",
    "事实",
    "单位",
    "默认",
    "谓词",
    "当",
    "法规",
    "违法行为",
    "违反",
    "依据",
    "措施",
    "幅度",
    "若",
    "否则",
    "罚款",
    "档次",
    "其余",
    "每",
    "倍",
    "法定",
    "适用",
    "全部",
    "应当",
    "可以",
    "来源",
    "钩子",
    "时点",
    "脚本",
    "属于",
    "或",
    "且",
    "不",
    "真",
    "假",
    "个人",
    "不予处罚",
    "从轻或者减轻",
    "从轻",
    "减轻",
    "从重",
    "布尔",
    "整数",
    "小数",
    "金额",
    "日期",
    "选项",
    "首次施行",
    "从其规定",
];

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// The diagnostic for a tree nested deeper than [`limits::NESTING`].
pub(crate) fn nesting_too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::NestingTooDeep,
        span,
        format!(
            "条件和“若”块嵌套超过 {} 层（嵌套深度上限；括号、运算符和“若”块各算一层）",
            limits::NESTING
        ),
    )
    .label("嵌套过深")
    .help("把条件拆成几个谓词（谓词 名称 \"说明\" 当 条件），再组合使用；“若”块不要层层套叠")
}

/// What may follow an operand: the words of `op_or`/`op_and`, the comparisons and the arithmetic.
const OPERATORS: &[&str] = &["“且”或“或”", "比较符", "运算符"];

/// What a grammar rule is, in words a drafter knows.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "下一项（违法行为、事实、清单条目等）",
        Rule::ruleset => "“规则集”",
        Rule::include => "“包含”",
        Rule::fact_decl => "“事实”",
        Rule::predicate => "“谓词”",
        Rule::regulation => "“法规”",
        Rule::violation => "“违法行为”",
        Rule::list_entry | Rule::list_kind => "清单条目（不予处罚、从轻、减轻、从重）",
        Rule::hook => "“钩子”",
        Rule::hook_point => "“时点”",
        Rule::point_name => "时点（情节之后、结果之后）",
        Rule::hook_script => "“脚本”",
        Rule::script_block => "三个双引号括起的脚本",
        Rule::string => "带双引号的文字",
        Rule::ident => "名称（ASCII 字母开头）",
        Rule::code | Rule::entry_id => "编号（如 XR-49-2）",
        Rule::date => "日期（YYYY-MM-DD）",
        Rule::number => "数字",
        Rule::amount | Rule::closed_range | Rule::open_range => "罚款幅度（如 200..1000 或 ..200）",
        Rule::fact_type => "类型（布尔、整数、小数、金额、日期、选项）",
        Rule::expr => "条件",
        Rule::modality => "“应当”或“可以”",
        Rule::coverage => "“适用”",
        Rule::party_kw => "“个人”或“单位”",
        Rule::penalty | Rule::penalty_kind | Rule::fine => "处罚",
        Rule::measure => "措施",
        Rule::param | Rule::param_name => "参数",
        Rule::scalar => "参数值",
        Rule::member => "“属于”",
        Rule::boolean => "真或假",
        Rule::variant => "可选值",
        Rule::kw_unset => "“未设定”",
        Rule::op_or | Rule::op_and => "“且”或“或”",
        Rule::op_eq | Rule::op_ne | Rule::op_lt | Rule::op_le | Rule::op_gt | Rule::op_ge => {
            "比较符"
        }
        Rule::op_add | Rule::op_sub | Rule::op_mul | Rule::op_div => "运算符",
        Rule::when_clause => "“当”",
        Rule::basis_clause => "“依据”",
        Rule::breach_clause => "“违反”",
        Rule::cond_block => "“若”",
        Rule::else_block => "“否则”",
        Rule::daily_fine | Rule::refine_daily => "“按日连续处罚”",
        Rule::daily_days => "按日连续处罚的日数（事实或 天数(起算日期, 截止日期)）",
        _ => return None,
    })
}
