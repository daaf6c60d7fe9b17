//! Rule text → typed syntax tree. pest does the parsing; one `visit_<rule>` function per grammar
//! rule builds the tree, and pest's errors are converted once, here, into our diagnostics.

pub mod ast;
mod expr;

use crate::diag::{Code, Diagnostic};
use crate::limits;
use crate::source::{FileId, Span};
use ast::{
    Amount, DateLit, EntryDecl, Expr, ExprKind, FactDecl, File, FineDecl, HigherDecl, HookDecl,
    Item, ListKind, Modality, Name, Param, ParamValue, Party, PartyBlock, PenaltyAlt, PenaltyDecl,
    PenaltyStmt, PredicateDecl, RegulationDecl, RuleSetDecl, Scalar, Scale, ScriptRef, Str,
    TierKey, TiersDecl, TypeExpr, VersionDecl, ViolationDecl,
};
use pest::Parser;
use pest::iterators::Pair;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The pest parser, in a module of its own so that pest's `Rule` stays inside the crate.
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/caliper.pest"]
    pub(super) struct RuleParser;
}

use grammar::{Rule, RuleParser};

/// Keywords that may start a top-level item: where parsing resumes after a syntax error.
const ITEM_KEYWORDS: &[&str] = &[
    "规则集",
    "包含",
    "事实",
    "谓词",
    "法规",
    "违法行为",
    "法定",
    "不予处罚",
    "从轻",
    "减轻",
    "从重",
    "钩子",
];

/// Parses one file. Syntax errors do not stop the parse: it resumes at the next line that starts
/// (unindented) with an item keyword, so a drafter sees every error of the file in one run.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let mut out = File::default();
    let mut diags = Vec::new();
    let mut errors = 0;
    let mut offset = 0;
    while offset <= text.len() {
        let rest = &text[offset..];
        match RuleParser::parse(Rule::file, rest) {
            Ok(mut pairs) => {
                let mut v = Visitor {
                    file,
                    offset,
                    diags: &mut diags,
                    depth: 0,
                };
                if let Some(f) = pairs.next() {
                    v.visit_file(f, &mut out);
                }
                break;
            }
            Err(e) => {
                let (at, d) = convert_error(file, offset, rest, &e);
                diags.push(d);
                errors += 1;
                if errors >= limits::SYNTAX_ERRORS && offset + rest.len() > at + 1 {
                    diags.push(
                        Diagnostic::error(
                            Code::TooManySyntaxErrors,
                            Span::new(file, at, at),
                            format!(
                                "已报告 {} 处语法错误，其余部分不再检查（每个文件的语法错误上限）",
                                limits::SYNTAX_ERRORS
                            ),
                        )
                        .label("在这里停止检查")
                        .help("先改正已报告的错误，再检查一次"),
                    );
                    break;
                }
                // Keep what parsed before the error: parse the prefix up to the last item start.
                let prefix_end = last_item_start(rest, at - offset);
                if prefix_end > 0
                    && let Ok(mut pairs) = RuleParser::parse(Rule::file, &rest[..prefix_end])
                {
                    let mut v = Visitor {
                        file,
                        offset,
                        diags: &mut diags,
                        depth: 0,
                    };
                    if let Some(f) = pairs.next() {
                        v.visit_file(f, &mut out);
                    }
                }
                match next_item_start(text, at) {
                    Some(next) if next > offset => offset = next,
                    _ => break,
                }
            }
        }
    }
    (out, diags)
}

/// Byte offset of the first unindented line after `from` that starts with an item keyword.
fn next_item_start(text: &str, from: usize) -> Option<usize> {
    let mut pos = text.get(from..)?.find('\n')? + from + 1;
    while pos < text.len() {
        let line = &text[pos..];
        if ITEM_KEYWORDS.iter().any(|k| line.starts_with(k)) {
            return Some(pos);
        }
        pos += line.find('\n')? + 1;
    }
    None
}

/// Byte offset (within `text`) of the last unindented item start at or before `upto`.
fn last_item_start(text: &str, upto: usize) -> usize {
    let mut best = 0;
    let mut pos = 0;
    while pos < upto.min(text.len()) {
        let line = &text[pos..];
        if pos > 0 && ITEM_KEYWORDS.iter().any(|k| line.starts_with(k)) {
            best = pos;
        }
        match line.find('\n') {
            Some(n) => pos += n + 1,
            None => break,
        }
    }
    best
}

/// pest's error → our diagnostic, with a Chinese description of what was expected.
fn convert_error(
    file: FileId,
    offset: usize,
    text: &str,
    e: &pest::error::Error<Rule>,
) -> (usize, Diagnostic) {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let at = offset + pos;
    let found_end = text[pos..]
        .char_indices()
        .nth(1)
        .map_or(text.len(), |(i, _)| pos + i);
    let found = match text[pos..].chars().next() {
        None => "文件结尾".to_string(),
        Some('\n' | '\r') => "行尾".to_string(),
        Some(c) if c.is_whitespace() => "空白".to_string(),
        Some(c) => format!("“{c}”"),
    };
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| describe(*r)).collect();
            names.sort_unstable();
            names.dedup();
            names
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let message = if expected.is_empty() {
        format!("此处不能出现{found}")
    } else {
        format!("此处应为{}，却读到{found}", expected.join("、"))
    };
    let span = Span::new(file, at, offset + found_end.max(pos));
    if let ErrorVariant::CustomError { message } = &e.variant
        && message.contains("limit reached")
    {
        // pest stops itself before the thread's stack runs out (pest_stack_guard): only brackets
        // nested far beyond the limit get there, on a thread with a small stack.
        return (at, nesting_too_deep(span));
    }
    let d = Diagnostic::error(Code::Syntax, span, message)
        .label("语法在这里中断")
        .help("对照 docs/rule-language.md 检查这一行；关键字须用中文，名称用 ASCII 字母，字符串用英文双引号");
    (at, d)
}

/// The diagnostic for a tree nested deeper than [`limits::NESTING`].
pub(super) fn nesting_too_deep(span: Span) -> Diagnostic {
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

/// What a grammar rule is, in words a drafter knows.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "文件结尾",
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
        _ => return None,
    })
}

/// Where the shared clauses of a violation or a version go.
struct Body<'a> {
    breach: &'a mut Vec<Str>,
    basis: &'a mut Vec<Str>,
    bands: &'a mut Vec<(Name, Decimal, Span)>,
    common: &'a mut Vec<PenaltyStmt>,
    parties: &'a mut Vec<PartyBlock>,
}

struct Visitor<'d> {
    file: FileId,
    offset: usize,
    diags: &'d mut Vec<Diagnostic>,
    /// Levels above the node being built: brackets and operators of a condition and `若 … {`
    /// blocks (`limits::NESTING`).
    depth: usize,
}

impl Visitor<'_> {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    fn name(&mut self, p: &Pair<'_, Rule>) -> Name {
        let span = self.span(p);
        let text = p.as_str();
        if text.len() > limits::NAME_BYTES {
            self.diags.push(
                Diagnostic::error(
                    Code::TooLong,
                    span,
                    format!(
                        "名称 {} 超过 {} 字节（名称长度上限）",
                        limits::clip(text),
                        limits::NAME_BYTES
                    ),
                )
                .label("名称过长")
                .help("用简短的 ASCII 名称，说明写在后面的文字里"),
            );
            return Name {
                text: limits::clip(text).into_owned(),
                span,
            };
        }
        Name {
            text: text.to_string(),
            span,
        }
    }

    fn visit_file(&mut self, p: Pair<'_, Rule>, out: &mut File) {
        for item in p.into_inner() {
            match item.as_rule() {
                Rule::ruleset => {
                    let r = self.visit_ruleset(item);
                    out.items.push(Item::RuleSet(r));
                }
                Rule::include => {
                    if let Some(s) = item.into_inner().next() {
                        let s = self.visit_string(s);
                        out.items.push(Item::Include(s));
                    }
                }
                Rule::fact_decl => {
                    let f = self.visit_fact_decl(item);
                    out.items.push(Item::Fact(f));
                }
                Rule::predicate => {
                    let f = self.visit_predicate(item);
                    out.items.push(Item::Predicate(f));
                }
                Rule::regulation => {
                    let r = self.visit_regulation(item);
                    out.items.push(Item::Regulation(r));
                }
                Rule::violation => {
                    let v = self.visit_violation(item);
                    out.items.push(Item::Violation(v));
                }
                Rule::list_entry => {
                    let e = self.visit_list_entry(item);
                    out.items.push(Item::Entry(e));
                }
                Rule::hook => {
                    let h = self.visit_hook(item);
                    out.items.push(Item::Hook(h));
                }
                _ => {}
            }
        }
    }

    fn visit_string(&mut self, p: Pair<'_, Rule>) -> Str {
        let span = self.span(&p);
        let raw = p.into_inner().next().map_or("", |i| i.as_str());
        if raw.len() > limits::STRING_BYTES {
            self.diags.push(
                Diagnostic::error(
                    Code::TooLong,
                    span,
                    format!(
                        "文字长 {} 字节，超过 {} 字节（文字长度上限）",
                        raw.len(),
                        limits::STRING_BYTES
                    ),
                )
                .label("文字过长")
                .help("标题、依据和说明写成一句话；长的说明放在规则集之外的文件里"),
            );
            return Str {
                value: String::new(),
                span,
            };
        }
        let value = if raw.contains('\\') {
            raw.replace("\\\"", "\"").replace("\\\\", "\\")
        } else {
            raw.to_string()
        };
        Str { value, span }
    }

    /// The first child of a clause, read as a string.
    fn first_string(&mut self, c: Pair<'_, Rule>) -> Option<Str> {
        c.into_inner().next().map(|s| self.visit_string(s))
    }

    /// The first child of a clause, read as a date.
    fn first_date(&mut self, c: Pair<'_, Rule>) -> Option<DateLit> {
        c.into_inner().next().map(|d| self.visit_date(d))
    }

    fn visit_date(&mut self, p: Pair<'_, Rule>) -> DateLit {
        let span = self.span(&p);
        let date = match jiff::civil::Date::from_str(p.as_str()) {
            Ok(d) => Some(d),
            Err(_) => {
                self.diags.push(
                    Diagnostic::error(Code::BadDate, span, format!("日期 {} 不存在", p.as_str()))
                        .label("不是真实的日期")
                        .help("日期写作 YYYY-MM-DD，月份 01–12，日须在该月天数之内"),
                );
                None
            }
        };
        DateLit { date, span }
    }

    fn visit_number(&mut self, p: Pair<'_, Rule>) -> Decimal {
        match Decimal::from_str(p.as_str()) {
            Ok(d) => d,
            Err(_) => {
                let span = self.span(&p);
                self.diags.push(
                    Diagnostic::error(
                        Code::BadNumber,
                        span,
                        format!("数字 {} 无法表示", p.as_str()),
                    )
                    .label("位数过多")
                    .help("数字最多 28 位有效数字"),
                );
                Decimal::ZERO
            }
        }
    }

    fn visit_ruleset(&mut self, p: Pair<'_, Rule>) -> RuleSetDecl {
        let span = self.span(&p);
        let head = Span {
            end: span.start + "规则集".len() as u32,
            ..span
        };
        let mut r = RuleSetDecl {
            name: Str {
                value: String::new(),
                span,
            },
            version: vec![],
            effective: vec![],
            authority: vec![],
            notes: vec![],
            params: vec![],
            span: head,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::string => r.name = self.visit_string(c),
                Rule::version_clause => {
                    r.version.extend(self.first_string(c));
                }
                Rule::effective_clause => {
                    r.effective.extend(self.first_date(c));
                }
                Rule::authority_clause => {
                    r.authority.extend(self.first_string(c));
                }
                Rule::note_clause => {
                    r.notes.extend(self.first_string(c));
                }
                Rule::params => {
                    for param in c.into_inner() {
                        let pr = self.visit_param(param);
                        r.params.push(pr);
                    }
                }
                _ => {}
            }
        }
        r
    }

    fn visit_param(&mut self, p: Pair<'_, Rule>) -> Param {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = inner.next().map(|n| self.name(&n)).unwrap_or(Name {
            text: String::new(),
            span,
        });
        let value = match inner.next() {
            Some(v) if v.as_rule() == Rule::party_values => {
                let mut pairs = Vec::new();
                let mut it = v.into_inner();
                while let (Some(party), Some(val)) = (it.next(), it.next()) {
                    let party = visit_party(&party);
                    let val = self.visit_scalar(val);
                    pairs.push((party, val));
                }
                ParamValue::PerParty(pairs)
            }
            Some(v) => ParamValue::Scalar(self.visit_scalar(v)),
            None => ParamValue::Scalar(Scalar::Unset(span)),
        };
        Param { name, value, span }
    }

    fn visit_scalar(&mut self, p: Pair<'_, Rule>) -> Scalar {
        let span = self.span(&p);
        match p.into_inner().next() {
            Some(n) if n.as_rule() == Rule::number => {
                let d = self.visit_number(n);
                Scalar::Number(d, span)
            }
            Some(n) if n.as_rule() == Rule::param_name => Scalar::Word(self.name(&n)),
            _ => Scalar::Unset(span),
        }
    }

    fn visit_fact_decl(&mut self, p: Pair<'_, Rule>) -> FactDecl {
        let span = self.span(&p);
        let mut f = FactDecl {
            name: Name {
                text: String::new(),
                span,
            },
            ty: TypeExpr::Bool,
            label: Str {
                value: String::new(),
                span,
            },
            unit: None,
            default: None,
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => f.name = self.name(&c),
                Rule::fact_type => f.ty = self.visit_fact_type(c),
                Rule::string => f.label = self.visit_string(c),
                Rule::fact_unit => {
                    if let Some(s) = c.into_inner().next() {
                        f.unit = Some(self.visit_string(s));
                    }
                }
                Rule::fact_default => {
                    if let Some(v) = c.into_inner().next() {
                        f.default = Some(self.visit_primary(v));
                    }
                }
                _ => {}
            }
        }
        f
    }

    fn visit_fact_type(&mut self, p: Pair<'_, Rule>) -> TypeExpr {
        let Some(t) = p.into_inner().next() else {
            return TypeExpr::Bool;
        };
        match t.as_rule() {
            Rule::type_bool => TypeExpr::Bool,
            Rule::type_int => TypeExpr::Int,
            Rule::type_decimal => TypeExpr::Decimal,
            Rule::type_money => TypeExpr::Money,
            Rule::type_date => TypeExpr::Date,
            _ => {
                let mut variants = Vec::new();
                for v in t.into_inner() {
                    let mut it = v.into_inner();
                    if let Some(n) = it.next() {
                        let name = self.name(&n);
                        let label = it.next().map(|s| self.visit_string(s));
                        variants.push((name, label));
                    }
                }
                TypeExpr::Enum(variants)
            }
        }
    }

    fn visit_predicate(&mut self, p: Pair<'_, Rule>) -> PredicateDecl {
        let span = self.span(&p);
        let mut name = Name {
            text: String::new(),
            span,
        };
        let mut label = Str {
            value: String::new(),
            span,
        };
        let mut cond = Expr {
            kind: ExprKind::Bool(false),
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = self.name(&c),
                Rule::string => label = self.visit_string(c),
                Rule::expr => cond = self.visit_expr(c),
                _ => {}
            }
        }
        PredicateDecl {
            name,
            label,
            cond,
            span,
        }
    }

    fn visit_regulation(&mut self, p: Pair<'_, Rule>) -> RegulationDecl {
        let span = self.span(&p);
        let mut r = RegulationDecl {
            id: Name {
                text: String::new(),
                span,
            },
            name: Str {
                value: String::new(),
                span,
            },
            effective: vec![],
            notes: vec![],
            first_enacted: None,
            violations: vec![],
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => {
                    r.id = self.name(&c);
                    r.span = span.to(r.id.span);
                    r.span.end = r.id.span.end;
                }
                Rule::string => r.name = self.visit_string(c),
                Rule::effective_clause => {
                    r.effective.extend(self.first_date(c));
                }
                Rule::note_clause => {
                    r.notes.extend(self.first_string(c));
                }
                Rule::first_enacted => r.first_enacted = Some(self.span(&c)),
                Rule::violation => {
                    let v = self.visit_violation(c);
                    r.violations.push(v);
                }
                _ => {}
            }
        }
        r
    }

    fn visit_violation(&mut self, p: Pair<'_, Rule>) -> ViolationDecl {
        let span = self.span(&p);
        let mut v = ViolationDecl {
            code: Name {
                text: String::new(),
                span,
            },
            title: Str {
                value: String::new(),
                span,
            },
            breach: vec![],
            basis: vec![],
            bands: vec![],
            common: vec![],
            parties: vec![],
            versions: vec![],
            repeal: vec![],
            elements: vec![],
            see_also: vec![],
            higher: vec![],
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::elements_clause => {
                    if let Some(e) = c.into_inner().next() {
                        let e = self.visit_expr(e);
                        v.elements.push(e);
                    }
                }
                Rule::see_also_clause => {
                    v.see_also
                        .extend(c.into_inner().map(|code| self.name(&code)));
                }
                Rule::higher_clause => {
                    let mut h = HigherDecl {
                        code: Name {
                            text: String::new(),
                            span,
                        },
                        defers: false,
                        when: None,
                    };
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::code => h.code = self.name(&x),
                            Rule::defers => h.defers = true,
                            _ => h.when = Some(self.visit_expr(x)),
                        }
                    }
                    v.higher.push(h);
                }
                Rule::version_block => {
                    let ver = self.visit_version_block(c);
                    v.versions.push(ver);
                }
                Rule::repeal_clause => {
                    v.repeal.extend(self.first_date(c));
                }
                Rule::code => {
                    v.code = self.name(&c);
                    v.span.end = v.code.span.end;
                }
                Rule::string => v.title = self.visit_string(c),
                _ => self.visit_body_clause(
                    c,
                    Body {
                        breach: &mut v.breach,
                        basis: &mut v.basis,
                        bands: &mut v.bands,
                        common: &mut v.common,
                        parties: &mut v.parties,
                    },
                ),
            }
        }
        v
    }

    fn visit_version_block(&mut self, p: Pair<'_, Rule>) -> VersionDecl {
        let span = self.span(&p);
        let mut v = VersionDecl {
            from: DateLit { date: None, span },
            until: None,
            first_enacted: false,
            breach: vec![],
            basis: vec![],
            bands: vec![],
            common: vec![],
            parties: vec![],
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::first_enacted => v.first_enacted = true,
                Rule::period => {
                    let sp = self.span(&c);
                    v.span = Span {
                        end: sp.end,
                        ..v.span
                    };
                    let mut it = c.into_inner();
                    if let Some(d) = it.next() {
                        v.from = self.visit_date(d);
                    }
                    if let Some(d) = it.next() {
                        v.until = Some(self.visit_date(d));
                    }
                }
                _ => self.visit_body_clause(
                    c,
                    Body {
                        breach: &mut v.breach,
                        basis: &mut v.basis,
                        bands: &mut v.bands,
                        common: &mut v.common,
                        parties: &mut v.parties,
                    },
                ),
            }
        }
        v
    }

    /// `适用 全部 [除 A, B]` or `适用 A, B`: (all, codes, exceptions).
    fn visit_coverage(&mut self, c: Pair<'_, Rule>) -> (bool, Vec<Name>, Vec<Name>) {
        let (mut all, mut codes, mut except) = (false, Vec::new(), Vec::new());
        for x in c.into_inner() {
            match x.as_rule() {
                Rule::kw_all => all = true,
                Rule::except => except.extend(x.into_inner().map(|code| self.name(&code))),
                _ => codes.push(self.name(&x)),
            }
        }
        (all, codes, except)
    }

    /// The clauses a violation and each of its versions share.
    fn visit_body_clause(&mut self, c: Pair<'_, Rule>, v: Body<'_>) {
        match c.as_rule() {
            Rule::breach_clause => {
                v.breach.extend(self.first_string(c));
            }
            Rule::basis_clause => {
                v.basis.extend(self.first_string(c));
            }
            Rule::bands_clause => {
                let mut it = c.into_inner();
                while let (Some(n), Some(num)) = (it.next(), it.next()) {
                    let name = self.name(&n);
                    let sp = self.span(&num);
                    let d = self.visit_number(num);
                    let whole = name_span_to(&name, sp);
                    v.bands.push((name, d, whole));
                }
            }
            Rule::party_block => {
                let b = self.visit_party_block(c);
                v.parties.push(b);
            }
            _ => {
                if let Some(s) = self.visit_penalty_stmt(c) {
                    v.common.push(s);
                }
            }
        }
    }

    fn visit_party_block(&mut self, p: Pair<'_, Rule>) -> PartyBlock {
        let mut it = p.into_inner();
        let Some(party) = it.next() else {
            return PartyBlock {
                party: Party::Individual,
                stmts: vec![],
                span: Span::default(),
            };
        };
        let span = self.span(&party);
        let party = visit_party(&party);
        let stmts = it.filter_map(|s| self.visit_penalty_stmt(s)).collect();
        PartyBlock { party, stmts, span }
    }

    fn visit_penalty_stmt(&mut self, p: Pair<'_, Rule>) -> Option<PenaltyStmt> {
        match p.as_rule() {
            Rule::cond_block => {
                let span = self.span(&p);
                if !self.enter(span) {
                    return None;
                }
                let stmt = self.visit_cond_block(p, span);
                self.depth -= 1;
                stmt
            }
            Rule::measures => Some(PenaltyStmt::Measures(self.visit_measures(p))),
            Rule::penalty => Some(PenaltyStmt::Penalty(self.visit_penalty(p))),
            _ => None,
        }
    }

    /// One level deeper; false (with the diagnostic, once per file) past [`limits::NESTING`].
    pub(super) fn enter(&mut self, span: Span) -> bool {
        if self.depth >= limits::NESTING {
            if !self.diags.iter().any(|d| d.code == Code::NestingTooDeep) {
                self.diags.push(nesting_too_deep(span));
            }
            return false;
        }
        self.depth += 1;
        true
    }

    fn visit_cond_block(&mut self, p: Pair<'_, Rule>, span: Span) -> Option<PenaltyStmt> {
        let mut it = p.into_inner();
        let cond = self.visit_expr(it.next()?);
        let mut then = Vec::new();
        let mut otherwise = Vec::new();
        for s in it {
            if s.as_rule() == Rule::else_block {
                otherwise = s
                    .into_inner()
                    .filter_map(|s| self.visit_penalty_stmt(s))
                    .collect();
            } else if let Some(st) = self.visit_penalty_stmt(s) {
                then.push(st);
            }
        }
        let span = Span {
            end: span.start + "若".len() as u32,
            ..span
        };
        Some(PenaltyStmt::If {
            cond,
            then,
            otherwise,
            span,
        })
    }

    fn visit_measures(&mut self, p: Pair<'_, Rule>) -> Vec<Name> {
        p.into_inner().map(|m| self.name(&m)).collect()
    }

    fn visit_penalty(&mut self, p: Pair<'_, Rule>) -> PenaltyDecl {
        let span = self.span(&p);
        let mut d = PenaltyDecl {
            discretionary: false,
            alts: vec![],
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::discretionary => d.discretionary = true,
                Rule::fine => {
                    let f = self.visit_fine(c);
                    d.alts.push(PenaltyAlt::Fine(f));
                }
                Rule::penalty_kind => d.alts.push(PenaltyAlt::Kind(self.name(&c))),
                _ => {}
            }
        }
        d
    }

    fn visit_fine(&mut self, p: Pair<'_, Rule>) -> FineDecl {
        let span = self.span(&p);
        let mut f = FineDecl {
            amount: Amount {
                lo: Some(Decimal::ZERO),
                hi: Decimal::ZERO,
                span,
            },
            scale: None,
            tiers: None,
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::tiers => f.tiers = Some(self.visit_tiers(c)),
                Rule::per_unit | Rule::multiple => {
                    let per = c.as_rule() == Rule::per_unit;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::ident => {
                                let n = self.name(&x);
                                f.scale = Some(if per {
                                    Scale::PerUnit(n)
                                } else {
                                    Scale::Multiple(n)
                                });
                            }
                            Rule::amount => f.amount = self.visit_amount(x),
                            _ => {}
                        }
                    }
                }
                _ => f.amount = self.visit_amount(c),
            }
        }
        f
    }

    fn visit_tiers(&mut self, p: Pair<'_, Rule>) -> TiersDecl {
        let span = self.span(&p);
        let mut t = TiersDecl {
            fact: Name {
                text: String::new(),
                span,
            },
            tiers: Vec::new(),
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => t.fact = self.name(&c),
                Rule::tier => {
                    let mut it = c.into_inner();
                    let (Some(key), Some(amount)) = (it.next(), it.next()) else {
                        continue;
                    };
                    let key_span = self.span(&key);
                    let key = match key.into_inner().next() {
                        Some(k) if k.as_rule() == Rule::upto => {
                            let n = k
                                .into_inner()
                                .next()
                                .map_or(Decimal::ZERO, |n| self.visit_number(n));
                            TierKey::UpTo(n, key_span)
                        }
                        Some(k) if k.as_rule() == Rule::kw_rest => TierKey::Rest(key_span),
                        Some(k) => TierKey::Variant(self.name(&k)),
                        None => TierKey::Rest(key_span),
                    };
                    let a = self.visit_amount(amount);
                    t.tiers.push((key, a));
                }
                _ => {}
            }
        }
        t
    }

    fn visit_amount(&mut self, p: Pair<'_, Rule>) -> Amount {
        let span = self.span(&p);
        let Some(c) = p.into_inner().next() else {
            return Amount {
                lo: Some(Decimal::ZERO),
                hi: Decimal::ZERO,
                span,
            };
        };
        match c.as_rule() {
            Rule::open_range => {
                let hi = c
                    .into_inner()
                    .next()
                    .map_or(Decimal::ZERO, |n| self.visit_number(n));
                Amount { lo: None, hi, span }
            }
            Rule::closed_range => {
                let mut it = c.into_inner();
                let lo = it.next().map_or(Decimal::ZERO, |n| self.visit_number(n));
                let hi = it.next().map_or(Decimal::ZERO, |n| self.visit_number(n));
                Amount {
                    lo: Some(lo),
                    hi,
                    span,
                }
            }
            _ => {
                let n = self.visit_number(c);
                Amount {
                    lo: Some(n),
                    hi: n,
                    span,
                }
            }
        }
    }

    fn visit_list_entry(&mut self, p: Pair<'_, Rule>) -> EntryDecl {
        let span = self.span(&p);
        let mut e = EntryDecl {
            statutory: false,
            list: ListKind::NoPenalty,
            id: Name {
                text: String::new(),
                span,
            },
            covers: vec![],
            covers_all: false,
            except: vec![],
            modality: None,
            title: None,
            when: vec![],
            basis: vec![],
            source: vec![],
            measures: vec![],
            ranges: vec![],
            range_span: None,
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::statutory => e.statutory = true,
                Rule::list_kind => {
                    e.list = match c.into_inner().next().map(|k| k.as_rule()) {
                        Some(Rule::kw_list_lighter) => ListKind::Lighter,
                        Some(Rule::kw_list_lighter_or_mitigated) => ListKind::LighterOrMitigated,
                        Some(Rule::kw_list_mitigated) => ListKind::Mitigated,
                        Some(Rule::kw_list_aggravated) => ListKind::Aggravated,
                        _ => ListKind::NoPenalty,
                    }
                }
                Rule::entry_id => {
                    e.id = self.name(&c);
                    e.span.end = e.id.span.end;
                }
                Rule::coverage => {
                    (e.covers_all, e.covers, e.except) = self.visit_coverage(c);
                }
                Rule::modality => {
                    let sp = self.span(&c);
                    let m = match c.into_inner().next().map(|k| k.as_rule()) {
                        Some(Rule::kw_shall) => Modality::Shall,
                        _ => Modality::May,
                    };
                    e.modality = Some((m, sp));
                }
                Rule::string => e.title = Some(self.visit_string(c)),
                Rule::when_clause => {
                    if let Some(x) = c.into_inner().next() {
                        let x = self.visit_expr(x);
                        e.when.push(x);
                    }
                }
                Rule::basis_clause => {
                    e.basis.extend(self.first_string(c));
                }
                Rule::source_clause => {
                    e.source.extend(self.first_string(c));
                }
                Rule::measures => {
                    let m = self.visit_measures(c);
                    e.measures.extend(m);
                }
                Rule::range_clause => {
                    let sp = self.span(&c);
                    e.range_span = Some(Span {
                        end: sp.start + "幅度".len() as u32,
                        ..sp
                    });
                    let mut it = c.into_inner();
                    while let (Some(party), Some(amount)) = (it.next(), it.next()) {
                        let party = visit_party(&party);
                        let a = self.visit_amount(amount);
                        e.ranges.push((party, a));
                    }
                }
                _ => {}
            }
        }
        e
    }
}

impl Visitor<'_> {
    fn visit_hook(&mut self, p: Pair<'_, Rule>) -> HookDecl {
        let span = self.span(&p);
        let mut h = HookDecl {
            id: Name {
                text: String::new(),
                span,
            },
            title: Str {
                value: String::new(),
                span,
            },
            covers: vec![],
            covers_all: false,
            except: vec![],
            points: vec![],
            scripts: vec![],
            basis: vec![],
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::entry_id => {
                    h.id = self.name(&c);
                    h.span.end = h.id.span.end;
                }
                Rule::string => h.title = self.visit_string(c),
                Rule::coverage => {
                    (h.covers_all, h.covers, h.except) = self.visit_coverage(c);
                }
                Rule::hook_point => {
                    if let Some(n) = c.into_inner().next() {
                        h.points.push(self.name(&n));
                    }
                }
                Rule::hook_script => {
                    let Some(x) = c.into_inner().next() else {
                        continue;
                    };
                    if x.as_rule() == Rule::script_block {
                        if let Some(inner) = x.into_inner().next() {
                            let span = self.span(&inner);
                            h.scripts.push(ScriptRef::Inline {
                                text: inner.as_str().to_string(),
                                span,
                            });
                        }
                    } else {
                        let s = self.visit_string(x);
                        h.scripts.push(ScriptRef::File(s));
                    }
                }
                Rule::basis_clause => {
                    h.basis.extend(self.first_string(c));
                }
                _ => {}
            }
        }
        h
    }
}

fn visit_party(p: &Pair<'_, Rule>) -> Party {
    match p.clone().into_inner().next().map(|k| k.as_rule()) {
        Some(Rule::kw_unit_party) => Party::Unit,
        _ => Party::Individual,
    }
}

fn name_span_to(name: &Name, end: Span) -> Span {
    name.span.to(end)
}

#[cfg(test)]
mod tests {
    use super::{File, FileId, Item, PenaltyAlt, PenaltyStmt, Scale, ScriptRef, parse};

    fn ok(text: &str) -> File {
        let (f, d) = parse(FileId(0), text);
        assert!(d.is_empty(), "{d:#?}");
        f
    }

    #[test]
    fn parses_a_violation_with_every_penalty_shape() {
        let f = ok(r#"
违法行为 XR-43 "露天烧烤" {
    违反 "第十九条"
    依据 "第四十三条"
    措施 没收烧烤工具、恢复原状
    若 commercial { 罚款 2000..20000 } 否则 { 罚款 500..2000 }
    个人 { 警告 或 罚款 ..200 }
    单位 { 可以 罚款 每 area_m2 50..100  罚款 facility_cost 1..3 倍  罚款 cost 2 倍 }
}
"#);
        let Item::Violation(v) = &f.items[0] else {
            panic!("not a violation")
        };
        assert_eq!(v.code.text, "XR-43");
        assert_eq!(v.common.len(), 2);
        assert_eq!(v.parties.len(), 2);
        let PenaltyStmt::Penalty(p) = &v.parties[1].stmts[0] else {
            panic!()
        };
        assert!(p.discretionary);
        let PenaltyAlt::Fine(f) = &p.alts[0] else {
            panic!()
        };
        assert!(matches!(f.scale, Some(Scale::PerUnit(_))));
    }

    #[test]
    fn parses_entries_and_conditions() {
        let f = ok(r#"
法定 从轻或者减轻 S-30-2 适用 全部 应当 "已满十四周岁不满十八周岁的"
    当 party_type = individual 且 age >= 14 且 age < 18 或 不 (harm 属于 {none, minor})
    依据 "《中华人民共和国行政处罚法》第三十条"
不予处罚 N-1 适用 A-1, B-2 "no modality" 当 x
"#);
        assert_eq!(f.items.len(), 2);
        let Item::Entry(e) = &f.items[1] else {
            panic!()
        };
        assert!(e.modality.is_none());
        assert_eq!(e.covers.len(), 2);
    }

    #[test]
    fn parses_hooks_with_a_file_or_an_inline_script() {
        let text = "钩子 H-1 \"便民点\" {\n    适用 XR-42\n    时点 情节之后\n    脚本 \"hooks/a.rhai\"\n    依据 \"《某文件》\"\n}\n钩子 H-2 \"t\" { 适用 全部 时点 结果之后 脚本 \"\"\"\nnote(\"x\"); // \"q\"\n\"\"\" }\n";
        let f = ok(text);
        let Item::Hook(h) = &f.items[0] else {
            panic!("not a hook")
        };
        assert_eq!(h.id.text, "H-1");
        assert_eq!(h.covers[0].text, "XR-42");
        assert_eq!(h.points[0].text, "情节之后");
        assert!(matches!(&h.scripts[0], ScriptRef::File(s) if s.value == "hooks/a.rhai"));
        assert_eq!(h.basis.len(), 1);
        let Item::Hook(h) = &f.items[1] else {
            panic!("not a hook")
        };
        assert!(h.covers_all);
        let ScriptRef::Inline { text: script, span } = &h.scripts[0] else {
            panic!("not inline")
        };
        assert_eq!(script, "\nnote(\"x\"); // \"q\"\n");
        assert_eq!(&text[span.range()], script);
    }

    #[test]
    fn reports_several_syntax_errors_in_one_pass() {
        let (_, d) = parse(
            FileId(0),
            "违法行为 A \"t\" { 依据 }\n事实 x 布尔 \"x\"\n违法行为 B \"t\" { 罚款 1.. }\n",
        );
        assert_eq!(d.len(), 2, "{d:#?}");
    }
}
