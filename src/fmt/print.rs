//! Printing a syntax tree in the canonical layout: four spaces a level, one clause a line, a
//! blank line between items (none between consecutive facts, includes or predicates), clauses in
//! a fixed order, and the fewest parentheses that keep a condition's meaning. Comments are put
//! back beside the construct they preceded or followed.

mod penalty;

use super::comments::Comment;
use super::expr::expr;
use crate::syntax::ast::{
    BaseRef, DateLit, EntryDecl, FactDecl, File, HookDecl, Item, ListKind, Modality, Name,
    ParamValue, Party, PartyBlock, PenaltyStmt, RefineFine, RefinementDecl, RegulationDecl,
    RuleSetDecl, Scalar, ScriptRef, Str, TypeExpr, ViolationDecl,
};
use penalty::{amount, case_tiers, daily, penalty, stmts, tiers};

/// One printed line: indentation level, text, and where its construct starts in the source.
struct Line {
    indent: usize,
    text: String,
    at: Option<usize>,
    blank_before: bool,
}

struct Printer {
    lines: Vec<Line>,
    indent: usize,
}

impl Printer {
    fn line(&mut self, text: String, at: Option<usize>) {
        self.lines.push(Line {
            indent: self.indent,
            text,
            at,
            blank_before: false,
        });
    }
}

fn at(span: crate::source::Span) -> Option<usize> {
    Some(span.start as usize)
}

/// Prints a file with its comments.
pub fn file(f: &File, comments: &[Comment]) -> String {
    let mut p = Printer {
        lines: Vec::new(),
        indent: 0,
    };
    let mut prev: Option<&'static str> = None;
    for item in &f.items {
        let kind = match item {
            Item::Include(_) => "include",
            Item::Fact(_) => "fact",
            Item::Predicate(_) => "predicate",
            _ => "other",
        };
        let first = p.lines.len();
        match item {
            Item::RuleSet(r) => ruleset(&mut p, r),
            Item::Include(s) => p.line(format!("包含 {}", string(&s.value)), at(s.span)),
            Item::Fact(fd) => fact(&mut p, fd),
            Item::Predicate(pd) => p.line(
                format!(
                    "谓词 {} {} 当 {}",
                    pd.name.text,
                    string(&pd.label.value),
                    expr(&pd.cond)
                ),
                at(pd.span),
            ),
            Item::Regulation(r) => regulation(&mut p, r),
            Item::Violation(v) => violation(&mut p, v),
            Item::Entry(e) => entry(&mut p, e),
            Item::Hook(h) => hook(&mut p, h),
            Item::Refinement(r) => refinement(&mut p, r),
        }
        let grouped = prev == Some(kind) && kind != "other";
        if prev.is_some()
            && !grouped
            && let Some(l) = p.lines.get_mut(first)
        {
            l.blank_before = true;
        }
        prev = Some(kind);
    }
    render(p.lines, comments)
}

/// Puts the comments back and writes the lines out.
fn render(lines: Vec<Line>, comments: &[Comment]) -> String {
    // Own-line comments go before the construct that follows them in the source; trailing ones
    // after the construct they end.
    let mut before: Vec<Vec<&Comment>> = (0..=lines.len()).map(|_| Vec::new()).collect();
    let mut trailing: Vec<Option<&Comment>> = (0..lines.len()).map(|_| None).collect();
    let mut after: Vec<Vec<&Comment>> = (0..lines.len()).map(|_| Vec::new()).collect();
    for c in comments {
        if c.own_line {
            let target = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.at.is_some_and(|a| a >= c.at))
                .min_by_key(|(_, l)| l.at)
                .map_or(lines.len(), |(i, _)| i);
            before[target].push(c);
        } else {
            let target = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.at.is_some_and(|a| a <= c.at))
                .max_by_key(|(_, l)| l.at)
                .map(|(i, _)| i);
            match target {
                Some(i) if trailing[i].is_none() => trailing[i] = Some(c),
                Some(i) => after[i].push(c),
                None => before[0].push(c),
            }
        }
    }
    let mut out = String::new();
    let pad = |n: usize| "    ".repeat(n);
    // One empty line at most between things, none at the start.
    let blank = |out: &mut String| {
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
    };
    let comment = |out: &mut String, c: &Comment, indent: usize| {
        if c.blank_before {
            blank(out);
        }
        out.push_str(&pad(indent));
        out.push_str(&c.text);
        out.push('\n');
        if c.blank_after {
            blank(out);
        }
    };
    for (i, l) in lines.iter().enumerate() {
        if l.blank_before {
            blank(&mut out);
        }
        for c in &before[i] {
            comment(&mut out, c, l.indent);
        }
        out.push_str(&pad(l.indent));
        out.push_str(&l.text);
        if let Some(c) = trailing[i] {
            out.push_str("  ");
            out.push_str(&c.text);
        }
        out.push('\n');
        for c in &after[i] {
            comment(&mut out, c, l.indent);
        }
    }
    if let Some(end) = before.last() {
        for c in end {
            comment(&mut out, c, 0);
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

pub(super) fn string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn date(d: &DateLit) -> String {
    d.date.map_or_else(String::new, |d| d.to_string())
}

fn ruleset(p: &mut Printer, r: &RuleSetDecl) {
    p.line(format!("规则集 {} {{", string(&r.name.value)), at(r.span));
    p.indent += 1;
    for b in &r.base {
        match b {
            BaseRef::Embedded(span) => p.line("基于 内置".into(), at(*span)),
            BaseRef::Dir(d) => p.line(format!("基于 {}", string(&d.value)), at(d.span)),
        }
    }
    for v in &r.version {
        p.line(format!("版本 {}", string(&v.value)), at(v.span));
    }
    for d in &r.effective {
        p.line(format!("施行 {}", date(d)), at(d.span));
    }
    for a in &r.authority {
        p.line(format!("制定机关 {}", string(&a.value)), at(a.span));
    }
    for n in &r.notes {
        p.line(format!("说明 {}", string(&n.value)), at(n.span));
    }
    if !r.params.is_empty() {
        let first = r.params.first().map(|x| x.span.start as usize);
        p.line("参数 {".into(), first.map(|a| a.saturating_sub(1)));
        p.indent += 1;
        for x in &r.params {
            let value = match &x.value {
                ParamValue::Scalar(s) => scalar(s),
                ParamValue::PerParty(ps) => ps
                    .iter()
                    .map(|(party, s)| format!("{} {}", party_kw(*party), scalar(s)))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            p.line(format!("{} {value}", x.name.text), at(x.span));
        }
        p.indent -= 1;
        p.line("}".into(), None);
    }
    p.indent -= 1;
    p.line("}".into(), None);
}

fn scalar(s: &Scalar) -> String {
    match s {
        Scalar::Number(n, _) => n.to_string(),
        Scalar::Unset(_) => "未设定".into(),
        Scalar::Word(w) => w.text.clone(),
        Scalar::Range(lo, hi, _) => format!("{lo}..{hi}"),
    }
}

fn party_kw(p: Party) -> &'static str {
    match p {
        Party::Individual => "个人",
        Party::Unit => "单位",
    }
}

fn fact(p: &mut Printer, f: &FactDecl) {
    let ty = match &f.ty {
        TypeExpr::Bool => "布尔".to_string(),
        TypeExpr::Int => "整数".to_string(),
        TypeExpr::Decimal => "小数".to_string(),
        TypeExpr::Money => "金额".to_string(),
        TypeExpr::Date => "日期".to_string(),
        TypeExpr::Enum(vs) => {
            let vs: Vec<String> = vs
                .iter()
                .map(|(n, l)| match l {
                    Some(l) => format!("{} {}", n.text, string(&l.value)),
                    None => n.text.clone(),
                })
                .collect();
            format!("选项 {{ {} }}", vs.join(", "))
        }
    };
    let mut s = format!("事实 {} {ty} {}", f.name.text, string(&f.label.value));
    if let Some(u) = &f.unit {
        s.push_str(&format!(" 单位 {}", string(&u.value)));
    }
    if let Some(d) = &f.default {
        s.push_str(&format!(" 默认 {}", expr(d)));
    }
    p.line(s, at(f.span));
}

fn regulation(p: &mut Printer, r: &RegulationDecl) {
    p.line(
        format!("法规 {} {} {{", r.id.text, string(&r.name.value)),
        at(r.span),
    );
    p.indent += 1;
    for d in &r.effective {
        p.line(format!("施行 {}", date(d)), at(d.span));
    }
    for n in &r.notes {
        p.line(format!("说明 {}", string(&n.value)), at(n.span));
    }
    if let Some(span) = r.first_enacted {
        p.line("首次施行".into(), at(span));
    }
    for v in &r.violations {
        let first = p.lines.len();
        violation(p, v);
        if let Some(l) = p.lines.get_mut(first) {
            l.blank_before = true;
        }
    }
    p.indent -= 1;
    p.line("}".into(), None);
}

fn violation(p: &mut Printer, v: &ViolationDecl) {
    p.line(
        format!("违法行为 {} {} {{", v.code.text, string(&v.title.value)),
        at(v.span).map(|a| a.min(v.code.span.start as usize)),
    );
    p.indent += 1;
    citations(p, &v.breach, &v.basis);
    for e in &v.elements {
        p.line(format!("要件 {}", expr(e)), at(e.span));
    }
    if let Some(first) = v.see_also.first() {
        let codes: Vec<&str> = v.see_also.iter().map(|c| c.text.as_str()).collect();
        p.line(format!("参见 {}", codes.join("、")), at(first.span));
    }
    for h in &v.higher {
        let mut line = format!("上位法 {}", h.code.text);
        if h.defers {
            line.push_str(" 从其规定");
        }
        if let Some(w) = &h.when {
            line.push_str(&format!(" 当 {}", expr(w)));
        }
        p.line(line, at(h.code.span));
    }
    body(
        p,
        &[],
        &[],
        (&v.bands, &v.band_ranges),
        &v.common,
        &v.parties,
    );
    for ver in &v.versions {
        let period = match &ver.until {
            Some(u) => format!("{} 至 {}", date(&ver.from), date(u)),
            None => format!("{} 起", date(&ver.from)),
        };
        let first = if ver.first_enacted {
            " 首次施行"
        } else {
            ""
        };
        p.line(format!("版本 {period}{first} {{"), at(ver.span));
        p.indent += 1;
        body(
            p,
            &ver.breach,
            &ver.basis,
            (&ver.bands, &ver.band_ranges),
            &ver.common,
            &ver.parties,
        );
        p.indent -= 1;
        p.line("}".into(), None);
    }
    for d in &v.repeal {
        p.line(format!("废止 {}", date(d)), at(d.span));
    }
    p.indent -= 1;
    p.line("}".into(), None);
}

fn citations(p: &mut Printer, breach: &[Str], basis: &[Str]) {
    for b in breach {
        p.line(format!("违反 {}", string(&b.value)), at(b.span));
    }
    for b in basis {
        p.line(format!("依据 {}", string(&b.value)), at(b.span));
    }
}

fn body(
    p: &mut Printer,
    breach: &[Str],
    basis: &[Str],
    (bands, ranges): (
        &[(Name, rust_decimal::Decimal, crate::source::Span)],
        &[crate::syntax::ast::BandRange],
    ),
    common: &[PenaltyStmt],
    parties: &[PartyBlock],
) {
    citations(p, breach, basis);
    if let Some(first) = ranges.first() {
        let parts: Vec<String> = ranges
            .iter()
            .map(|r| format!("{} {}..{}", r.name.text, r.lo, r.hi))
            .collect();
        p.line(format!("幅度 {}", parts.join(" ")), at(first.span));
    }
    if let Some((_, _, first)) = bands.first() {
        let parts: Vec<String> = bands
            .iter()
            .map(|(n, d, _)| format!("{} {d}", n.text))
            .collect();
        p.line(format!("幅度 {}", parts.join(" ")), at(*first));
    }
    stmts(p, common);
    for b in parties {
        // A party block of one penalty stays on one line: 单位 { 罚款 5000..50000 }.
        if let [PenaltyStmt::Penalty(d)] = b.stmts.as_slice() {
            p.line(
                format!("{} {{ {} }}", party_kw(b.party), penalty(d)),
                at(b.span),
            );
            continue;
        }
        p.line(format!("{} {{", party_kw(b.party)), at(b.span));
        p.indent += 1;
        stmts(p, &b.stmts);
        p.indent -= 1;
        p.line("}".into(), None);
    }
}

/// `细化 CODE { 来源 …  说明 …  幅度 …  fines  entries }`; an entry covering only the refined
/// code is printed without its `适用`, as it is read.
fn refinement(p: &mut Printer, r: &RefinementDecl) {
    p.line(format!("细化 {} {{", r.code.text), at(r.span));
    p.indent += 1;
    for s in &r.source {
        p.line(format!("来源 {}", string(&s.value)), at(s.span));
    }
    for n in &r.notes {
        p.line(format!("说明 {}", string(&n.value)), at(n.span));
    }
    body(p, &[], &[], (&r.bands, &r.band_ranges), &[], &[]);
    let fine = |f: &RefineFine| {
        let mut s = match &f.amount {
            Some(a) => format!("罚款 {}", amount(a)),
            None => String::new(),
        };
        if let Some(t) = &f.tiers {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&tiers(t));
        }
        if let Some(c) = &f.case_tiers {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&case_tiers(c));
        }
        s
    };
    let mut i = 0;
    while let Some(f) = r.fines.get(i) {
        match f.party {
            None => {
                p.line(fine(f), at(f.span));
                i += 1;
            }
            Some((party, span)) => {
                // The fines of one party block, as they were grouped.
                let run = r.fines[i..]
                    .iter()
                    .take_while(|g| g.party.is_some_and(|(q, s)| q == party && s == span))
                    .count();
                if run == 1 {
                    p.line(format!("{} {{ {} }}", party_kw(party), fine(f)), at(span));
                } else {
                    p.line(format!("{} {{", party_kw(party)), at(span));
                    p.indent += 1;
                    for g in &r.fines[i..i + run] {
                        p.line(fine(g), at(g.span));
                    }
                    p.indent -= 1;
                    p.line("}".into(), None);
                }
                i += run;
            }
        }
    }
    for d in &r.daily {
        p.line(daily(d), at(d.span));
    }
    for e in &r.entries {
        let own = !e.covers_all && e.covers.len() == 1 && e.covers[0].text == r.code.text;
        entry_in(p, e, own);
    }
    p.indent -= 1;
    p.line("}".into(), None);
}

fn coverage(all: bool, except: &[Name], covers: &[Name]) -> String {
    let join = |ns: &[Name]| {
        ns.iter()
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if all && except.is_empty() {
        "适用 全部".into()
    } else if all {
        format!("适用 全部 除 {}", join(except))
    } else {
        format!("适用 {}", join(covers))
    }
}

fn entry(p: &mut Printer, e: &EntryDecl) {
    entry_in(p, e, false);
}

/// An entry; `implied`: inside a refinement, covering the refined code, printed without `适用`.
fn entry_in(p: &mut Printer, e: &EntryDecl, implied: bool) {
    let list = match e.list {
        ListKind::NoPenalty => "不予处罚",
        ListKind::Lighter => "从轻",
        ListKind::LighterOrMitigated => "从轻或者减轻",
        ListKind::Mitigated => "减轻",
        ListKind::Aggravated => "从重",
    };
    let mut head = format!(
        "{}{list} {}",
        if e.statutory { "法定 " } else { "" },
        e.id.text,
    );
    if !implied {
        head.push(' ');
        head.push_str(&coverage(e.covers_all, &e.except, &e.covers));
    }
    if let Some((m, _)) = e.modality {
        head.push_str(match m {
            Modality::Shall => " 应当",
            Modality::May => " 可以",
        });
    }
    if let Some(t) = &e.title {
        head.push(' ');
        head.push_str(&string(&t.value));
    }
    p.line(head, at(e.span));
    p.indent += 1;
    for w in &e.when {
        p.line(format!("当 {}", expr(w)), at(w.span));
    }
    for b in &e.basis {
        p.line(format!("依据 {}", string(&b.value)), at(b.span));
    }
    for s in &e.source {
        p.line(format!("来源 {}", string(&s.value)), at(s.span));
    }
    if let Some(m) = e.measures.first() {
        let names: Vec<&str> = e.measures.iter().map(|m| m.text.as_str()).collect();
        p.line(format!("措施 {}", names.join("、")), at(m.span));
    }
    if !e.ranges.is_empty() {
        let parts: Vec<String> = e
            .ranges
            .iter()
            .map(|(party, a)| format!("{} {}", party_kw(*party), amount(a)))
            .collect();
        p.line(
            format!("幅度 {}", parts.join(" ")),
            e.range_span.and_then(at),
        );
    }
    p.indent -= 1;
}

fn hook(p: &mut Printer, h: &HookDecl) {
    p.line(
        format!("钩子 {} {} {{", h.id.text, string(&h.title.value)),
        at(h.span),
    );
    p.indent += 1;
    if h.covers_all || !h.covers.is_empty() {
        let first = h
            .covers
            .first()
            .or(h.except.first())
            .and_then(|n| at(n.span));
        p.line(coverage(h.covers_all, &h.except, &h.covers), first);
    }
    for pt in &h.points {
        p.line(format!("时点 {}", pt.text), at(pt.span));
    }
    for s in &h.scripts {
        match s {
            ScriptRef::File(f) => p.line(format!("脚本 {}", string(&f.value)), at(f.span)),
            // The script is kept exactly as written (its positions are the file's).
            ScriptRef::Inline { text, span } => {
                p.line(format!("脚本 \"\"\"{text}\"\"\""), at(*span))
            }
        }
    }
    for b in &h.basis {
        p.line(format!("依据 {}", string(&b.value)), at(b.span));
    }
    p.indent -= 1;
    p.line("}".into(), None);
}
