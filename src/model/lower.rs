//! Syntax tree → checked model. Every problem is collected; nothing stops at the first one.

use super::expr::{ArithOp, CmpOp};
use super::*;
use crate::diag::{Code, Diagnostic, nearest};
use crate::source::FileId;
use crate::syntax::ast;

/// Lowers the parsed files of one rule set. Returns the model when there is no error; the
/// diagnostics (errors and warnings) either way.
pub fn lower(
    files: &[(FileId, ast::File)],
    sources: SourceMap,
    digest: String,
) -> (Option<RuleSet>, Vec<Diagnostic>) {
    let mut cx = Lowerer {
        diags: Vec::new(),
        sources,
        facts: Vec::new(),
        fact_index: NameMap::default(),
        pred_names: HashMap::new(),
        tiers: Vec::new(),
    };

    // Pass 1: header, facts, predicate names, violation codes, so that order does not matter.
    let mut headers = Vec::new();
    let mut pred_decls = Vec::new();
    let mut viol_decls: Vec<(&ast::ViolationDecl, Option<u32>)> = Vec::new();
    let mut entry_decls = Vec::new();
    let mut hook_decls = Vec::new();
    let mut regulations = Vec::new();
    for (_, file) in files {
        for item in &file.items {
            match item {
                ast::Item::RuleSet(r) => headers.push(r),
                ast::Item::Include(_) => {}
                ast::Item::Fact(f) => cx.declare_fact(f),
                ast::Item::Predicate(p) => pred_decls.push(p),
                ast::Item::Regulation(r) => {
                    let idx = u32::try_from(regulations.len()).unwrap_or(u32::MAX);
                    regulations.push(Regulation {
                        id: r.id.text.clone(),
                        name: r.name.value.clone(),
                        effective: r.effective.first().and_then(|d| d.date),
                        notes: r.notes.iter().map(|n| n.value.clone()).collect(),
                    });
                    viol_decls.extend(r.violations.iter().map(|v| (v, Some(idx))));
                }
                ast::Item::Violation(v) => viol_decls.push((v, None)),
                ast::Item::Entry(e) => entry_decls.push(e),
                ast::Item::Hook(h) => hook_decls.push(h),
            }
        }
    }
    let (meta, params) = cx.header(&headers);

    for p in &pred_decls {
        if let Some(&(_, first)) = cx.pred_names.get(&p.name.text) {
            cx.diags.push(
                Diagnostic::error(
                    Code::DuplicatePredicate,
                    p.name.span,
                    format!("谓词 {} 已经定义过", p.name.text),
                )
                .label("重复定义")
                .secondary(first, "第一次定义在这里")
                .help("删去其中一个定义，或者改用另一个名称"),
            );
        } else if let Some(&fid) = cx.fact_index.get(&p.name.text) {
            let first = cx.facts[fid as usize].span;
            cx.diags.push(
                Diagnostic::error(
                    Code::DuplicatePredicate,
                    p.name.span,
                    format!("谓词 {} 与事实同名", p.name.text),
                )
                .label("与事实重名")
                .secondary(first, "事实声明在这里")
                .help("谓词换一个名称"),
            );
        } else {
            let id = u32::try_from(cx.pred_names.len()).unwrap_or(u32::MAX);
            cx.pred_names.insert(p.name.text.clone(), (id, p.name.span));
        }
    }
    // Predicates in id order (duplicates were not given an id).
    let mut predicates: Vec<Predicate> = Vec::new();
    for p in &pred_decls {
        match cx.pred_names.get(&p.name.text) {
            Some(&(id, span)) if id as usize == predicates.len() && span == p.name.span => {
                let cond = cx.condition(&p.cond);
                predicates.push(Predicate {
                    name: p.name.text.as_str().into(),
                    label: p.label.value.as_str().into(),
                    cond,
                    span: p.name.span,
                });
            }
            _ => {}
        }
    }
    cx.check_predicate_cycles(&predicates);

    let mut violations = Vec::new();
    let mut violation_index: NameMap<ViolationId> = NameMap::default();
    let mut violation_spans: HashMap<String, Span> = HashMap::new();
    for (v, reg) in &viol_decls {
        if let Some(first) = violation_spans.get(&v.code.text) {
            cx.diags.push(
                Diagnostic::error(
                    Code::DuplicateViolation,
                    v.code.span,
                    format!("违法行为编号 {} 重复", v.code.text),
                )
                .label("重复的编号")
                .secondary(*first, "第一次出现在这里")
                .help("违法行为编号是公开约定，须唯一；改正其中一个"),
            );
            continue;
        }
        violation_spans.insert(v.code.text.clone(), v.code.span);
        let from = reg.and_then(|r| regulations[r as usize].effective);
        let lowered = cx.violation(v, *reg, from);
        violation_index.insert(
            v.code.text.clone(),
            u32::try_from(violations.len()).unwrap_or(u32::MAX),
        );
        violations.push(lowered);
    }

    let mut entries: Vec<Entry> = Vec::new();
    let mut entry_spans: HashMap<String, Span> = HashMap::new();
    for e in &entry_decls {
        if let Some(first) = entry_spans.get(&e.id.text) {
            cx.diags.push(
                Diagnostic::error(
                    Code::DuplicateEntry,
                    e.id.span,
                    format!("清单条目编号 {} 重复", e.id.text),
                )
                .label("重复的编号")
                .secondary(*first, "第一次出现在这里")
                .help("每个清单条目的编号须唯一"),
            );
            continue;
        }
        entry_spans.insert(e.id.text.clone(), e.id.span);
        if let Some(entry) = cx.entry(e, &violation_index) {
            entries.push(entry);
        }
    }

    let hooks = cx.hooks(&hook_decls, &violation_index, &entry_spans);

    // Fixed ranges get their bands once, here, instead of on every decision.
    for v in &mut violations {
        for ver in &mut v.versions {
            let fractions = ver.bands.unwrap_or((params.lighter, params.aggravated));
            for stmts in [&mut ver.penalties.individual, &mut ver.penalties.unit]
                .into_iter()
                .flatten()
            {
                fix_bands(stmts, fractions, params.mitigation_floor);
            }
        }
    }

    let standard = cx.standard_facts(&headers);

    let Lowerer {
        diags,
        sources,
        facts,
        fact_index,
        tiers,
        ..
    } = cx;
    let mut diags = diags;
    crate::diag::sort(&mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let rules = RuleSet {
        meta,
        params,
        facts,
        fact_index,
        standard,
        predicates,
        regulations,
        violations,
        violation_index,
        entries,
        hooks,
        tiers,
        sources,
        digest,
    };
    (Some(rules), diags)
}

/// The type of a checked expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ty {
    Bool,
    Num,
    Date,
    /// An option of this fact's type.
    Enum(FactId),
    /// Already reported.
    Error,
}

impl Ty {
    fn describe(&self, facts: &[Fact]) -> String {
        match self {
            Ty::Bool => "是非".into(),
            Ty::Num => "数值".into(),
            Ty::Date => "日期".into(),
            Ty::Enum(f) => format!("选项（{}）", facts[*f as usize].name),
            Ty::Error => "未知".into(),
        }
    }
}

pub(super) struct Lowerer {
    pub(super) diags: Vec<Diagnostic>,
    pub(super) sources: SourceMap,
    pub(super) facts: Vec<Fact>,
    fact_index: NameMap<FactId>,
    pred_names: HashMap<String, (PredicateId, Span)>,
    tiers: Vec<Tiers>,
}

impl Lowerer {
    pub(super) fn location(&self, span: Span) -> Arc<str> {
        self.sources.location(span).to_string().into()
    }

    fn header(&mut self, headers: &[&ast::RuleSetDecl]) -> (Meta, Params) {
        let mut meta = Meta {
            name: "".into(),
            version: "".into(),
            effective: None,
            authority: String::new(),
            notes: Vec::new(),
        };
        let mut params = Params::default();
        let Some(h) = headers.first() else {
            let span = self
                .sources
                .files()
                .next()
                .map(|(id, _)| Span::new(id, 0, 0))
                .unwrap_or_default();
            self.diags.push(
                Diagnostic::error(Code::RuleSetHeader, span, "规则集缺少“规则集”声明")
                    .label("根文件从这里开始")
                    .help("在根文件开头写：规则集 \"名称\" { 版本 \"2025.1\" 施行 2025-01-01 }"),
            );
            return (meta, params);
        };
        for extra in &headers[1..] {
            self.diags.push(
                Diagnostic::error(Code::RuleSetHeader, extra.span, "“规则集”声明重复")
                    .label("第二个声明")
                    .secondary(h.span, "第一个声明在这里")
                    .help("一个规则集只能有一个“规则集”声明；被包含的文件不要再写"),
            );
        }
        meta.name = h.name.value.as_str().into();
        match h.version.first() {
            Some(v) => meta.version = v.value.as_str().into(),
            None => self.diags.push(
                Diagnostic::error(Code::RuleSetHeader, h.span, "规则集缺少版本")
                    .label("这里缺少“版本”")
                    .help("写上 版本 \"2025.1\"，决定书据此记录所用的规则版本"),
            ),
        }
        meta.effective = h.effective.first().and_then(|d| d.date);
        meta.authority = h
            .authority
            .first()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        meta.notes = h.notes.iter().map(|n| n.value.clone()).collect();

        let names = [
            "从轻比例",
            "从重比例",
            "减轻下限",
            "冲突处理",
            "简易程序",
            "听证",
            "法制审核",
        ];
        for p in &h.params {
            match p.name.text.as_str() {
                "从轻比例" => {
                    if let Some(v) = self.fraction(p) {
                        params.lighter = v;
                    }
                }
                "从重比例" => {
                    if let Some(v) = self.fraction(p) {
                        params.aggravated = v;
                    }
                }
                "减轻下限" => {
                    if let Some(v) = self.scalar_number(p) {
                        params.mitigation_floor = v;
                    }
                }
                "冲突处理" => match &p.value {
                    ast::ParamValue::Scalar(ast::Scalar::Word(w)) => {
                        params.conflict = match w.text.as_str() {
                            "抵消" => ConflictPolicy::Offset,
                            "从轻" => ConflictPolicy::Mitigate,
                            "从重" => ConflictPolicy::Aggravate,
                            _ => {
                                self.bad_param(p, "冲突处理只能是 抵消、从轻 或 从重");
                                ConflictPolicy::Offset
                            }
                        }
                    }
                    _ => self.bad_param(p, "冲突处理只能是 抵消、从轻 或 从重"),
                },
                "简易程序" => params.summary = self.per_party(p),
                "听证" => params.hearing = self.per_party(p),
                "法制审核" => params.legal_review = self.per_party(p),
                other => {
                    let mut d = Diagnostic::error(
                        Code::UnknownParameter,
                        p.name.span,
                        format!("未知参数“{other}”"),
                    )
                    .label("不是规则集的参数");
                    d = match nearest(other, names) {
                        Some(n) => d.help(format!("是否想写“{n}”？")),
                        None => d.help(format!("参数有：{}", names.join("、"))),
                    };
                    self.diags.push(d);
                }
            }
        }
        if params.lighter > params.aggravated {
            if let Some(p) = h.params.iter().find(|p| p.name.text == "从轻比例") {
                self.bad_param(p, "从轻比例不能大于从重比例");
            }
        }
        (meta, params)
    }

    fn bad_param(&mut self, p: &ast::Param, help: &str) {
        self.diags.push(
            Diagnostic::error(
                Code::UnknownParameter,
                p.span,
                format!("参数“{}”的值无效", p.name.text),
            )
            .label("这个值不可用")
            .help(help.to_string()),
        );
    }

    fn scalar_number(&mut self, p: &ast::Param) -> Option<Decimal> {
        match &p.value {
            ast::ParamValue::Scalar(ast::Scalar::Number(n, _)) => Some(*n),
            _ => {
                self.bad_param(p, "这个参数的值须是一个数字");
                None
            }
        }
    }

    fn fraction(&mut self, p: &ast::Param) -> Option<Decimal> {
        let v = self.scalar_number(p)?;
        if v > Decimal::ONE {
            self.bad_param(p, "比例须在 0 和 1 之间，如 0.3");
            return None;
        }
        Some(v)
    }

    fn per_party(&mut self, p: &ast::Param) -> PerParty<Option<Decimal>> {
        let mut out = PerParty::default();
        match &p.value {
            ast::ParamValue::PerParty(pairs) => {
                for (party, v) in pairs {
                    let val = match v {
                        ast::Scalar::Number(n, _) => Some(*n),
                        ast::Scalar::Unset(_) => None,
                        ast::Scalar::Word(_) => {
                            self.bad_param(p, "每个当事人类型后须是金额或“未设定”");
                            None
                        }
                    };
                    match party {
                        Party::Individual => out.individual = val,
                        Party::Unit => out.unit = val,
                    }
                }
            }
            ast::ParamValue::Scalar(_) => {
                self.bad_param(p, "写作：个人 金额 单位 金额（未定的写“未设定”）");
            }
        }
        out
    }

    fn declare_fact(&mut self, f: &ast::FactDecl) {
        if self.facts.len() >= crate::limits::FACTS {
            if self.facts.len() == crate::limits::FACTS {
                self.diags.push(
                    Diagnostic::error(
                        Code::RuleSetLimit,
                        f.name.span,
                        format!(
                            "规则集声明的事实超过 {} 个（事实数上限）",
                            crate::limits::FACTS
                        ),
                    )
                    .label("从这里起的事实不再读取")
                    .help("删去不用的事实，或把规则集拆成几个"),
                );
            }
            return;
        }
        if let Some(&id) = self.fact_index.get(&f.name.text) {
            let first = self.facts[id as usize].span;
            self.diags.push(
                Diagnostic::error(
                    Code::DuplicateFact,
                    f.name.span,
                    format!("事实 {} 重复声明", f.name.text),
                )
                .label("第二次声明")
                .secondary(first, "第一次声明在这里")
                .help("删去重复的声明；若是两个不同的事实，改用不同的名称"),
            );
            return;
        }
        let ty = match &f.ty {
            ast::TypeExpr::Bool => FactType::Bool,
            ast::TypeExpr::Int => FactType::Int,
            ast::TypeExpr::Decimal => FactType::Decimal,
            ast::TypeExpr::Money => FactType::Money,
            ast::TypeExpr::Date => FactType::Date,
            ast::TypeExpr::Enum(vs) => FactType::Enum(
                self.options_within_limit(f, vs)
                    .iter()
                    .map(|(n, l)| {
                        (
                            n.text.clone(),
                            l.as_ref()
                                .map_or_else(|| n.text.clone(), |l| l.value.clone()),
                        )
                    })
                    .collect(),
            ),
        };
        let default = f
            .default
            .as_ref()
            .and_then(|d| self.default_value(f, &ty, d));
        let id = FactId::try_from(self.facts.len()).unwrap_or(FactId::MAX);
        self.facts.push(Fact {
            name: f.name.text.as_str().into(),
            ty,
            label: f.label.value.as_str().into(),
            unit: f.unit.as_ref().map(|u| u.value.clone()),
            default,
            span: f.name.span,
        });
        self.fact_index.insert(f.name.text.clone(), id);
    }

    /// An option fact's variants, cut at the limit (with the diagnostic naming it).
    fn options_within_limit<'v>(
        &mut self,
        f: &ast::FactDecl,
        vs: &'v [(ast::Name, Option<ast::Str>)],
    ) -> &'v [(ast::Name, Option<ast::Str>)] {
        let max = crate::limits::OPTIONS_PER_FACT;
        if vs.len() <= max {
            return vs;
        }
        self.diags.push(
            Diagnostic::error(
                Code::RuleSetLimit,
                vs[max].0.span,
                format!(
                    "事实 {} 的可选值超过 {max} 个（每个选项事实的可选值上限）",
                    f.name.text
                ),
            )
            .label("从这里起的可选值不再读取")
            .help("把可选值分成几个事实，或改用整数"),
        );
        &vs[..max]
    }

    fn default_value(&mut self, f: &ast::FactDecl, ty: &FactType, d: &ast::Expr) -> Option<Value> {
        let v = match (ty, &d.kind) {
            (FactType::Bool, ast::ExprKind::Bool(b)) => Some(Value::Bool(*b)),
            (FactType::Int, ast::ExprKind::Number(n)) if n.fract().is_zero() => {
                i64::try_from(*n).ok().map(Value::Int)
            }
            (FactType::Decimal | FactType::Money, ast::ExprKind::Number(n)) => Some(Value::Dec(*n)),
            (FactType::Date, ast::ExprKind::Date(Some(dt))) => Some(Value::Date(*dt)),
            (FactType::Enum(vs), ast::ExprKind::Name(n)) => vs
                .iter()
                .position(|(v, _)| v == n)
                .map(|i| Value::Enum(crate::limits::option_index(i))),
            _ => None,
        };
        if v.is_none() {
            let mut diag = Diagnostic::error(
                Code::BadDefault,
                d.span,
                format!("事实 {} 的默认值与类型“{}”不符", f.name.text, ty.describe()),
            )
            .label("默认值");
            if let FactType::Enum(vs) = ty {
                let names: Vec<&str> = vs.iter().map(|(v, _)| v.as_str()).collect();
                diag = diag.help(format!("可选值有：{}", names.join("、")));
            } else {
                diag = diag.help("默认值须与声明的类型相同");
            }
            self.diags.push(diag);
        }
        v
    }

    fn standard_facts(&mut self, headers: &[&ast::RuleSetDecl]) -> StandardFacts {
        let span = headers.first().map(|h| h.span).unwrap_or_default();
        let mut std = StandardFacts::default();
        match self.fact_index.get("party_type").map(|&id| (id, &self.facts[id as usize].ty)) {
            Some((id, FactType::Enum(vs)))
                if vs.iter().any(|(v, _)| v == "individual") && vs.iter().any(|(v, _)| v == "unit") =>
            {
                std.party_type = id;
                std.individual = crate::limits::option_index(vs.iter().position(|(v, _)| v == "individual").unwrap_or(0));
            }
            _ => self.diags.push(
                Diagnostic::error(Code::MissingStandardFact, span, "规则集须声明标准事实 party_type")
                    .label("规则集")
                    .help("声明：事实 party_type 选项 { individual \"公民\", unit \"法人或者其他组织\" } \"当事人类型\""),
            ),
        }
        for (name, want, slot) in [
            ("illegal_income", FactType::Money, 0),
            ("already_fined", FactType::Bool, 1),
            ("violation_date", FactType::Date, 2),
            ("violation_end_date", FactType::Date, 3),
            ("discovery_date", FactType::Date, 4),
            ("decision_date", FactType::Date, 5),
            ("birth_date", FactType::Date, 6),
            ("age", FactType::Int, 7),
            ("safety_related", FactType::Bool, 8),
        ] {
            match self.fact_index.get(name) {
                Some(&id) if self.facts[id as usize].ty == want => {
                    let field = match slot {
                        0 => &mut std.illegal_income,
                        1 => &mut std.already_fined,
                        2 => &mut std.violation_date,
                        3 => &mut std.violation_end_date,
                        4 => &mut std.discovery_date,
                        5 => &mut std.decision_date,
                        6 => &mut std.birth_date,
                        7 => &mut std.age,
                        _ => &mut std.safety_related,
                    };
                    *field = Some(id);
                }
                Some(&id) => {
                    let s = self.facts[id as usize].span;
                    self.diags.push(
                        Diagnostic::error(
                            Code::MissingStandardFact,
                            s,
                            format!("标准事实 {name} 的类型须是“{}”", want.describe()),
                        )
                        .label("类型不符")
                        .help("标准事实的名称和类型是公开约定，见 docs/rule-language.md"),
                    );
                }
                None => {}
            }
        }
        if let Some(&id) = self.fact_index.get("harm")
            && let FactType::Enum(vs) = &self.facts[id as usize].ty
            && let Some(none) = vs.iter().position(|(v, _)| v == "none")
        {
            std.harm = Some((id, crate::limits::option_index(none)));
        }
        std
    }

    /// A condition: must be of type bool.
    fn condition(&mut self, e: &ast::Expr) -> Expr {
        let (x, ty) = self.expr(e);
        if ty != Ty::Bool && ty != Ty::Error {
            self.diags.push(
                Diagnostic::error(
                    Code::TypeMismatch,
                    e.span,
                    format!("条件须是是非判断，这里是{}", ty.describe(&self.facts)),
                )
                .label("不是是非判断")
                .help("用比较写成判断，如 volume_m3 <= 1"),
            );
        }
        x
    }

    fn unknown_name(&mut self, name: &str, span: Span) {
        let candidates: Vec<&str> = self
            .fact_index
            .keys()
            .map(String::as_str)
            .chain(self.pred_names.keys().map(String::as_str))
            .collect();
        let mut d = Diagnostic::error(
            Code::UnknownName,
            span,
            format!("未声明的事实或谓词 {name}"),
        )
        .label("未知名称");
        d = match nearest(name, candidates) {
            Some(n) => d.help(format!("是否想写 {n}？")),
            None => d.help("先用“事实”声明它，或用“谓词”定义它"),
        };
        self.diags.push(d);
    }

    fn expr(&mut self, e: &ast::Expr) -> (Expr, Ty) {
        use ast::ExprKind as K;
        match &e.kind {
            K::Bool(b) => (Expr::Lit(Value::Bool(*b)), Ty::Bool),
            K::Number(n) => (Expr::Lit(Value::Dec(*n)), Ty::Num),
            K::Date(Some(d)) => (Expr::Lit(Value::Date(*d)), Ty::Date),
            K::Date(None) => (Expr::Lit(Value::Bool(false)), Ty::Error),
            K::Str(_) => {
                self.diags.push(
                    Diagnostic::error(Code::TypeMismatch, e.span, "条件中不能使用文字")
                        .label("文字")
                        .help("选项的值直接写名称，不加引号，如 harm = serious"),
                );
                (Expr::Lit(Value::Bool(false)), Ty::Error)
            }
            K::Name(n) => {
                if let Some(&id) = self.fact_index.get(n) {
                    let ty = match &self.facts[id as usize].ty {
                        FactType::Bool => Ty::Bool,
                        FactType::Int | FactType::Decimal | FactType::Money => Ty::Num,
                        FactType::Date => Ty::Date,
                        FactType::Enum(_) => Ty::Enum(id),
                    };
                    (Expr::Fact(id), ty)
                } else if let Some(&(id, _)) = self.pred_names.get(n) {
                    (Expr::Pred(id), Ty::Bool)
                } else {
                    self.unknown_name(n, e.span);
                    (Expr::Lit(Value::Bool(false)), Ty::Error)
                }
            }
            K::Not(x) => {
                let (x, ty) = self.expr(x);
                self.expect(&ty, Ty::Bool, e.span, "“不”");
                (Expr::Not(Box::new(x)), Ty::Bool)
            }
            K::Neg(x) => {
                let (x, ty) = self.expr(x);
                self.expect(&ty, Ty::Num, e.span, "负号");
                (Expr::Neg(Box::new(x)), Ty::Num)
            }
            K::In(x, items) => {
                let (lhs, ty) = self.expr(x);
                let mut values = Vec::new();
                for item in items {
                    if let Some(v) = self.constant_for(&ty, item) {
                        values.push(v);
                    }
                }
                (Expr::In(Box::new(lhs), values), Ty::Bool)
            }
            K::Binary(op, a, b) => self.binary(*op, a, b, e.span),
        }
    }

    fn expect(&mut self, got: &Ty, want: Ty, span: Span, what: &str) {
        if *got != want && *got != Ty::Error {
            let d = Diagnostic::error(
                Code::TypeMismatch,
                span,
                format!(
                    "{what}须作用于{}，这里是{}",
                    want.describe(&self.facts),
                    got.describe(&self.facts)
                ),
            )
            .label("类型不符")
            .help("检查这里用的事实的类型（事实声明中的类型）");
            self.diags.push(d);
        }
    }

    /// A literal or option name, checked against the type it is compared with.
    fn constant_for(&mut self, ty: &Ty, item: &ast::Expr) -> Option<Value> {
        use ast::ExprKind as K;
        match (ty, &item.kind) {
            (Ty::Enum(fid), K::Name(n)) => {
                let FactType::Enum(vs) = &self.facts[*fid as usize].ty else {
                    return None;
                };
                match vs.iter().position(|(v, _)| v == n) {
                    Some(i) => Some(Value::Enum(crate::limits::option_index(i))),
                    None => {
                        let fact = self.facts[*fid as usize].name.clone();
                        let names: Vec<&str> = vs.iter().map(|(v, _)| v.as_str()).collect();
                        let mut d = Diagnostic::error(
                            Code::UnknownVariant,
                            item.span,
                            format!("事实 {fact} 没有可选值 {n}"),
                        )
                        .label("不是可选值");
                        d = match nearest(n, names.iter().copied()) {
                            Some(s) => {
                                d.help(format!("是否想写 {s}？可选值有：{}", names.join("、")))
                            }
                            None => d.help(format!("可选值有：{}", names.join("、"))),
                        };
                        self.diags.push(d);
                        None
                    }
                }
            }
            (Ty::Error, _) => None,
            _ => {
                let (x, t) = self.expr(item);
                if let Expr::Lit(v) = x {
                    if t == *ty || t == Ty::Error {
                        return Some(v);
                    }
                }
                if t != Ty::Error {
                    self.diags.push(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            item.span,
                            format!(
                                "集合中的值须是{}，这里是{}",
                                ty.describe(&self.facts),
                                t.describe(&self.facts)
                            ),
                        )
                        .label("类型不符")
                        .help("“属于”后的集合只能写常量"),
                    );
                }
                None
            }
        }
    }

    fn binary(&mut self, op: ast::BinOp, a: &ast::Expr, b: &ast::Expr, span: Span) -> (Expr, Ty) {
        use ast::BinOp as B;
        match op {
            B::And | B::Or => {
                let (x, tx) = self.expr(a);
                let (y, ty) = self.expr(b);
                let word = if op == B::And {
                    "“且”"
                } else {
                    "“或”"
                };
                self.expect(&tx, Ty::Bool, a.span, word);
                self.expect(&ty, Ty::Bool, b.span, word);
                let e = if op == B::And {
                    Expr::And(Box::new(x), Box::new(y))
                } else {
                    Expr::Or(Box::new(x), Box::new(y))
                };
                (e, Ty::Bool)
            }
            B::Add | B::Sub | B::Mul | B::Div => {
                let (x, tx) = self.expr(a);
                let (y, ty) = self.expr(b);
                let sym = format!("运算符 {}", op.symbol());
                self.expect(&tx, Ty::Num, a.span, &sym);
                self.expect(&ty, Ty::Num, b.span, &sym);
                let aop = match op {
                    B::Add => ArithOp::Add,
                    B::Sub => ArithOp::Sub,
                    B::Mul => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                (Expr::Arith(aop, Box::new(x), Box::new(y)), Ty::Num)
            }
            _ => {
                let cmp = match op {
                    B::Eq => CmpOp::Eq,
                    B::Ne => CmpOp::Ne,
                    B::Lt => CmpOp::Lt,
                    B::Le => CmpOp::Le,
                    B::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                // An option name on either side is resolved against the other side's type: a name
                // that is a variant of the other side's option fact is that variant, even where a
                // fact of the same name exists (`harm = minor` beside the fact `minor`).
                let enum_variants = |e: &ast::Expr, me: &Self| -> Option<Vec<String>> {
                    let ast::ExprKind::Name(n) = &e.kind else {
                        return None;
                    };
                    let id = *me.fact_index.get(n)?;
                    match &me.facts[id as usize].ty {
                        FactType::Enum(vs) => Some(vs.iter().map(|(v, _)| v.clone()).collect()),
                        _ => None,
                    }
                };
                let (va, vb) = (enum_variants(a, self), enum_variants(b, self));
                let is_variant_name = |e: &ast::Expr, other: &Option<Vec<String>>, me: &Self| {
                    let ast::ExprKind::Name(n) = &e.kind else {
                        return false;
                    };
                    if other.as_ref().is_some_and(|vs| vs.iter().any(|v| v == n)) {
                        return true;
                    }
                    !me.fact_index.contains_key(n) && !me.pred_names.contains_key(n)
                };
                let b_is_variant = is_variant_name(b, &va, self);
                let a_is_variant = !b_is_variant && is_variant_name(a, &vb, self);
                let (x, tx, y, ty) = if b_is_variant {
                    let (x, tx) = self.expr(a);
                    if let Ty::Enum(_) = tx {
                        let v = self.constant_for(&tx, b);
                        let y = v.map_or(Expr::Lit(Value::Bool(false)), Expr::Lit);
                        let ty = if v.is_some() { tx.clone() } else { Ty::Error };
                        (x, tx, y, ty)
                    } else {
                        let (y, ty) = self.expr(b);
                        (x, tx, y, ty)
                    }
                } else if a_is_variant {
                    let (y, ty) = self.expr(b);
                    if let Ty::Enum(_) = ty {
                        let v = self.constant_for(&ty, a);
                        let x = v.map_or(Expr::Lit(Value::Bool(false)), Expr::Lit);
                        let tx = if v.is_some() { ty.clone() } else { Ty::Error };
                        (x, tx, y, ty)
                    } else {
                        let (x, tx) = self.expr(a);
                        (x, tx, y, ty)
                    }
                } else {
                    let (x, tx) = self.expr(a);
                    let (y, ty) = self.expr(b);
                    (x, tx, y, ty)
                };
                if tx != Ty::Error && ty != Ty::Error {
                    let ordered = matches!(cmp, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
                    if tx != ty {
                        self.diags.push(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                b.span,
                                format!(
                                    "比较两边的类型不同：左边是{}，右边是{}",
                                    tx.describe(&self.facts),
                                    ty.describe(&self.facts)
                                ),
                            )
                            .label(format!("这里是{}", ty.describe(&self.facts)))
                            .secondary(a.span, format!("这里是{}", tx.describe(&self.facts)))
                            .help("数值与数值比较，日期与日期比较，选项与它的可选值比较"),
                        );
                    } else if ordered && !matches!(tx, Ty::Num | Ty::Date) {
                        self.diags.push(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                span,
                                format!("{}不能比较大小", tx.describe(&self.facts)),
                            )
                            .label("只能用 = 或 != 比较")
                            .help("大小比较只用于数值和日期"),
                        );
                    }
                }
                // A whole-number literal compared with a whole-number fact is stored as one, so
                // that evaluation compares integers instead of converting to decimals.
                let int_lit = |e: Expr, other: &Expr, me: &Self| match (e, other) {
                    (Expr::Lit(Value::Dec(d)), Expr::Fact(f))
                        if me.facts[*f as usize].ty == FactType::Int && d.fract().is_zero() =>
                    {
                        i64::try_from(d)
                            .map_or(Expr::Lit(Value::Dec(d)), |i| Expr::Lit(Value::Int(i)))
                    }
                    (e, _) => e,
                };
                let y = int_lit(y, &x, self);
                let x = int_lit(x, &y, self);
                (Expr::Cmp(cmp, Box::new(x), Box::new(y)), Ty::Bool)
            }
        }
    }

    /// Predicates may use one another, but never in a circle, and at most 16 deep: evaluation
    /// follows the chain, and a drafter reading it should not have to go further either.
    fn check_predicate_cycles(&mut self, preds: &[Predicate]) {
        const MAX_DEPTH: usize = 16;
        enum Problem {
            Cycle(usize),
            TooDeep(usize),
            TooHeavy(usize),
        }
        // state: 0 = unvisited, 1 = on the current path, 2 = done (and `height` known: the
        // longest chain of predicates below it)
        fn visit(
            i: usize,
            depth: usize,
            preds: &[Predicate],
            state: &mut [u8],
            height: &mut [usize],
            weight: &mut [usize],
        ) -> Option<Problem> {
            if depth > MAX_DEPTH {
                return Some(Problem::TooDeep(i));
            }
            state[i] = 1;
            let mut found = None;
            let mut h = 0;
            preds[i].cond.for_each_pred(&mut |p| {
                let p = p as usize;
                if found.is_some() || p >= preds.len() {
                    return;
                }
                match state[p] {
                    1 => found = Some(Problem::Cycle(p)),
                    0 => found = visit(p, depth + 1, preds, state, height, weight),
                    _ => {}
                }
                h = h.max(height[p] + 1);
            });
            state[i] = 2;
            height[i] = h;
            if found.is_none() && h == MAX_DEPTH + 1 {
                found = Some(Problem::TooDeep(i));
            }
            // Evaluation recurses through the whole chain: the levels of every predicate on it
            // count together (`limits::PREDICATE_LEVELS`).
            let mut w = 0;
            preds[i].cond.for_each_pred(&mut |p| {
                w = w.max(weight.get(p as usize).copied().unwrap_or(0));
            });
            weight[i] = w + preds[i].cond.depth();
            if found.is_none() && weight[i] > crate::limits::PREDICATE_LEVELS {
                found = Some(Problem::TooHeavy(i));
            }
            found
        }
        let mut state = vec![0u8; preds.len()];
        let mut height = vec![0usize; preds.len()];
        let mut weight = vec![0usize; preds.len()];
        let mut too_deep_reported = false;
        for i in 0..preds.len() {
            if state[i] != 0 {
                continue;
            }
            let d = match visit(i, 0, preds, &mut state, &mut height, &mut weight) {
                None => continue,
                // One long chain is one mistake: say it once.
                Some(Problem::TooDeep(_) | Problem::TooHeavy(_)) if too_deep_reported => continue,
                Some(Problem::TooHeavy(p)) => {
                    too_deep_reported = true;
                    Diagnostic::error(
                        Code::PredicateCycle,
                        preds[p].span,
                        format!(
                            "谓词 {} 连同它引用的谓词，条件合计嵌套超过 {} 层（谓词嵌套上限）",
                            preds[p].name,
                            crate::limits::PREDICATE_LEVELS
                        ),
                    )
                    .label("引用链在这里超过上限")
                    .help("把引用链中的几个谓词合并，或把长条件拆成并列的谓词")
                }
                Some(Problem::Cycle(p)) => Diagnostic::error(
                    Code::PredicateCycle,
                    preds[p].span,
                    format!("谓词 {} 直接或间接引用了自己", preds[p].name),
                )
                .label("循环从这里开始")
                .help("把循环中的一个谓词改写为只用事实的条件"),
                Some(Problem::TooDeep(p)) => {
                    too_deep_reported = true;
                    Diagnostic::error(
                        Code::PredicateCycle,
                        preds[p].span,
                        format!("谓词之间的引用超过 {MAX_DEPTH} 层"),
                    )
                    .label("引用链在这里超过上限")
                    .help("把引用链中的几个谓词合并，直接用事实写条件")
                }
            };
            self.diags.push(d);
        }
    }

    fn violation(
        &mut self,
        v: &ast::ViolationDecl,
        regulation: Option<u32>,
        regulation_from: Option<jiff::civil::Date>,
    ) -> Violation {
        for extra in v.breach.iter().skip(1) {
            self.diags.push(
                Diagnostic::error(
                    Code::DuplicateClause,
                    extra.span,
                    format!("违法行为 {} 的“违反”写了两次", v.code.text),
                )
                .label("第二次")
                .secondary(v.breach[0].span, "第一次")
                .help("只保留一处；同一条文的几款可以写在一个字符串里"),
            );
        }
        let top_has_penalty = !v.common.is_empty() || !v.parties.is_empty() || !v.basis.is_empty();
        let mut versions = Vec::new();
        if v.versions.is_empty() {
            let body = Body {
                breach: &[],
                basis: &v.basis,
                bands: &v.bands,
                common: &v.common,
                parties: &v.parties,
            };
            versions.push(self.version(&v.code, body, regulation_from, None, v.code.span));
        } else {
            if top_has_penalty {
                let span = v.basis.first().map_or(v.code.span, |b| b.span);
                self.diags.push(
                    Diagnostic::error(
                        Code::VersionMixed,
                        span,
                        format!(
                            "违法行为 {} 既有“版本”块，又在版本之外写了依据或处罚",
                            v.code.text
                        ),
                    )
                    .label("版本之外的依据或处罚")
                    .secondary(v.versions[0].span, "版本从这里开始")
                    .help("有多个版本时，把依据和处罚都写进各自的“版本”块"),
                );
            }
            for ver in &v.versions {
                let body = Body {
                    breach: &ver.breach,
                    basis: &ver.basis,
                    bands: &ver.bands,
                    common: &ver.common,
                    parties: &ver.parties,
                };
                let from = ver.from.date;
                let until = ver.until.and_then(|u| u.date);
                if let (Some(f), Some(u)) = (from, until)
                    && f > u
                {
                    self.diags.push(
                        Diagnostic::error(
                            Code::VersionPeriod,
                            ver.span,
                            format!("版本的施行日期 {f} 晚于终止日期 {u}"),
                        )
                        .label("期间为空")
                        .help("写作 版本 起始日 至 终止日，两天都包括在内"),
                    );
                }
                versions.push(self.version(&v.code, body, from, until, ver.span));
            }
            versions.sort_by_key(|x: &Version| x.from);
            for pair in versions.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                let Some(b_from) = b.from else { continue };
                match a.until {
                    None => self.diags.push(
                        Diagnostic::error(
                            Code::VersionPeriod,
                            a.span,
                            format!("违法行为 {} 的两个版本期间重叠", v.code.text),
                        )
                        .label("这个版本没有终止日期")
                        .secondary(b.span, format!("下一个版本自 {b_from} 施行"))
                        .help(format!(
                            "给前一个版本写上终止日期：至 {}",
                            b_from.yesterday().map_or_else(|_| String::new(), |d| d.to_string())
                        )),
                    ),
                    Some(u) if u >= b_from => self.diags.push(
                        Diagnostic::error(
                            Code::VersionPeriod,
                            b.span,
                            format!("违法行为 {} 的两个版本期间重叠：{b_from} 至 {u} 同时有两个版本", v.code.text),
                        )
                        .label("与前一个版本重叠")
                        .secondary(a.span, "前一个版本")
                        .help("前一个版本的终止日期须是后一个版本施行日期的前一天"),
                    ),
                    Some(u) if u.tomorrow().is_ok_and(|t| t < b_from) => self.diags.push(
                        Diagnostic::error(
                            Code::VersionGap,
                            b.span,
                            format!(
                                "违法行为 {} 的版本之间有空档：{} 至 {} 没有任何版本",
                                v.code.text,
                                u.tomorrow().map_or_else(|_| String::new(), |d| d.to_string()),
                                b_from.yesterday().map_or_else(|_| String::new(), |d| d.to_string())
                            ),
                        )
                        .label("与前一个版本不相接")
                        .secondary(a.span, "前一个版本")
                        .help("若这段时间该行为确实不受处罚，写明；否则让前一个版本的终止日期紧接后一个版本"),
                    ),
                    Some(_) => {}
                }
            }
        }
        let repealed = v.repeal.first().and_then(|d| d.date);
        if let (Some(r), Some(first)) = (repealed, versions.first().and_then(|x| x.from))
            && r <= first
        {
            self.diags.push(
                Diagnostic::error(
                    Code::VersionPeriod,
                    v.repeal[0].span,
                    format!("废止日期 {r} 不晚于最早版本的施行日期 {first}"),
                )
                .label("废止日期")
                .help("废止日期须在各版本施行之后"),
            );
        }
        Violation {
            code: v.code.text.as_str().into(),
            title: v.title.value.as_str().into(),
            regulation,
            breach: v.breach.first().map(|b| b.value.as_str().into()),
            versions,
            repealed,
            span: v.code.span,
            location: self.location(v.code.span),
        }
    }

    fn version(
        &mut self,
        code: &ast::Name,
        body: Body<'_>,
        from: Option<jiff::civil::Date>,
        until: Option<jiff::civil::Date>,
        span: Span,
    ) -> Version {
        for extra in body.basis.iter().skip(1) {
            self.diags.push(
                Diagnostic::error(
                    Code::DuplicateClause,
                    extra.span,
                    format!("违法行为 {} 的“依据”写了两次", code.text),
                )
                .label("第二次")
                .secondary(body.basis[0].span, "第一次")
                .help("只保留一处；同一条文的几款可以写在一个字符串里"),
            );
        }
        let basis: Arc<str> = match body.basis.first() {
            Some(b) => b.value.as_str().into(),
            None => {
                self.diags.push(
                    Diagnostic::error(
                        Code::MissingCitation,
                        if span == code.span { code.span } else { span },
                        format!("违法行为 {} 没有写处罚依据", code.text),
                    )
                    .label("缺少“依据”")
                    .help("在违法行为（或其版本）中写：依据 \"《……》第……条\""),
                );
                "".into()
            }
        };
        let mut bands = None;
        if !body.bands.is_empty() {
            let mut lighter = None;
            let mut aggravated = None;
            for (name, value, span) in body.bands {
                match name.text.as_str() {
                    "从轻比例" if *value <= Decimal::ONE => lighter = Some(*value),
                    "从重比例" if *value <= Decimal::ONE => aggravated = Some(*value),
                    _ => self.diags.push(
                        Diagnostic::error(
                            Code::UnknownParameter,
                            *span,
                            format!("幅度参数“{}”无效", name.text),
                        )
                        .label("不可用")
                        .help("违法行为的幅度只能写 从轻比例 和 从重比例，值在 0 和 1 之间"),
                    ),
                }
            }
            match (lighter, aggravated) {
                (Some(l), Some(a)) if l <= a => bands = Some((l, a)),
                (Some(_), Some(_)) => self.diags.push(
                    Diagnostic::error(
                        Code::UnknownParameter,
                        body.bands[0].2.to(body.bands[body.bands.len() - 1].2),
                        format!("违法行为 {} 的从轻比例大于从重比例", code.text),
                    )
                    .label("比例颠倒")
                    .help("从轻比例须不大于从重比例，如 从轻比例 0.3 从重比例 0.7"),
                ),
                _ => self.diags.push(
                    Diagnostic::error(
                        Code::UnknownParameter,
                        body.bands[0].2,
                        format!("违法行为 {} 的幅度须同时写从轻比例和从重比例", code.text),
                    )
                    .label("只写了一个比例")
                    .help("写作：幅度 从轻比例 0.3 从重比例 0.7"),
                ),
            }
        }

        let common = self.stmts(body.common);
        let mut penalties = PerPartyStmts::default();
        let mut seen: Vec<(Party, Span)> = Vec::new();
        for b in body.parties {
            if let Some((_, first)) = seen.iter().find(|(p, _)| *p == b.party) {
                self.diags.push(
                    Diagnostic::error(
                        Code::DuplicateParty,
                        b.span,
                        format!("违法行为 {} 中当事人类型重复", code.text),
                    )
                    .label("第二个")
                    .secondary(*first, "第一个")
                    .help("把两块合为一块"),
                );
                continue;
            }
            seen.push((b.party, b.span));
            let mut stmts = common.clone();
            stmts.extend(self.stmts(&b.stmts));
            match b.party {
                Party::Individual => penalties.individual = Some(stmts),
                Party::Unit => penalties.unit = Some(stmts),
            }
        }
        let has_common = has_penalty(&common);
        if penalties.individual.is_none() && (has_common || seen.is_empty()) {
            penalties.individual = Some(common.clone());
        }
        if penalties.unit.is_none() && (has_common || seen.is_empty()) {
            penalties.unit = Some(common.clone());
        }
        let any = [&penalties.individual, &penalties.unit]
            .into_iter()
            .flatten()
            .any(|s| has_penalty(s));
        if !any {
            self.diags.push(
                Diagnostic::error(
                    Code::NoPenalty,
                    if span == code.span { code.span } else { span },
                    format!("违法行为 {} 没有规定任何处罚", code.text),
                )
                .label("没有处罚")
                .help("写出法条规定的处罚，如 罚款 200..1000 或 警告"),
            );
        }
        Version {
            from,
            label: from.map(|d| Arc::from(d.to_string())),
            until,
            breach: body.breach.first().map(|b| b.value.as_str().into()),
            basis,
            bands,
            penalties,
            span,
        }
    }

    fn stmts(&mut self, stmts: &[ast::PenaltyStmt]) -> Vec<Stmt> {
        stmts.iter().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, s: &ast::PenaltyStmt) -> Stmt {
        match s {
            ast::PenaltyStmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                let text: Arc<str> = self
                    .sources
                    .get(cond.span.file)
                    .map_or("", |f| f.slice(cond.span))
                    .into();
                Stmt::If {
                    cond: self.condition(cond),
                    text,
                    then: self.stmts(then),
                    otherwise: self.stmts(otherwise),
                }
            }
            ast::PenaltyStmt::Measures(ms) => Stmt::Measures(self.measures(ms)),
            ast::PenaltyStmt::Penalty(p) => {
                let alts = p
                    .alts
                    .iter()
                    .filter_map(|a| match a {
                        ast::PenaltyAlt::Fine(f) => self.fine(f).map(PenaltyAlt::Fine),
                        ast::PenaltyAlt::Kind(k) => match PenaltyKind::from_zh(&k.text) {
                            Some(PenaltyKind::Fine) | None => {
                                let mut d = Diagnostic::error(
                                    Code::UnknownPenalty,
                                    k.span,
                                    format!("未知的处罚种类“{}”", k.text),
                                )
                                .label("不是处罚种类");
                                d = match nearest(&k.text, PenaltyKind::names()) {
                                    Some(n) => d.help(format!("是否想写“{n}”？")),
                                    None => d.help("处罚种类见《行政处罚法》第九条；罚款写作 罚款 下限..上限"),
                                };
                                self.diags.push(d);
                                None
                            }
                            Some(kind) => Some(PenaltyAlt::Kind(kind)),
                        },
                    })
                    .collect();
                Stmt::Penalty(Penalty {
                    discretionary: p.discretionary,
                    alts,
                })
            }
        }
    }

    fn measures(&mut self, ms: &[ast::Name]) -> Vec<Measure> {
        ms.iter()
            .filter_map(|m| match Measure::from_zh(&m.text) {
                Some(x) => Some(x),
                None => {
                    let mut d = Diagnostic::error(
                        Code::UnknownMeasure,
                        m.span,
                        format!("未知的措施“{}”", m.text),
                    )
                    .label("不是已知的措施");
                    d = match nearest(&m.text, Measure::names()) {
                        Some(n) => d.help(format!("是否想写“{n}”？")),
                        None => d.help(format!(
                            "措施有：{}",
                            Measure::names().collect::<Vec<_>>().join("、")
                        )),
                    };
                    self.diags.push(d);
                    None
                }
            })
            .collect()
    }

    /// The range of an amount. An empty range is reported and still returned, so that the
    /// violation does not also look as if it had no penalty.
    fn amount(&mut self, a: &ast::Amount) -> Option<(Decimal, Decimal)> {
        let lo = a.lo.unwrap_or(Decimal::ZERO);
        if a.hi > Decimal::from(1_000_000_000_000_i64) {
            self.diags.push(
                Diagnostic::error(Code::BadNumber, a.span, format!("数额 {} 过大", a.hi))
                    .label("超过一万亿")
                    .help("罚款数额、倍数和单价不能超过 1000000000000"),
            );
            return None;
        }
        if lo > a.hi {
            self.diags.push(
                Diagnostic::error(
                    Code::EmptyRange,
                    a.span,
                    format!("幅度的下限 {lo} 大于上限 {}", a.hi),
                )
                .label("下限大于上限")
                .help("写作 下限..上限，如 200..1000"),
            );
        }
        Some((lo, a.hi))
    }

    fn fine(&mut self, f: &ast::FineDecl) -> Option<FineSpec> {
        let (lo, hi) = self.amount(&f.amount)?;
        let scale = match &f.scale {
            None => None,
            Some(ast::Scale::PerUnit(n) | ast::Scale::Multiple(n)) => {
                let kind = if matches!(f.scale, Some(ast::Scale::PerUnit(_))) {
                    ScaleKind::PerUnit
                } else {
                    ScaleKind::Multiple
                };
                match self.fact_index.get(&n.text) {
                    Some(&id) => {
                        let ty = &self.facts[id as usize].ty;
                        let ok = match kind {
                            ScaleKind::PerUnit => matches!(ty, FactType::Int | FactType::Decimal),
                            ScaleKind::Multiple => matches!(ty, FactType::Money),
                        };
                        if !ok {
                            let want = if kind == ScaleKind::PerUnit {
                                "整数或小数（数量）"
                            } else {
                                "金额"
                            };
                            self.diags.push(
                                Diagnostic::error(
                                    Code::ScaleFact,
                                    n.span,
                                    format!("事实 {} 是{}，这里须是{want}", n.text, ty.describe()),
                                )
                                .label("类型不符")
                                .help("“每 事实”按数量计罚，“事实 倍”按金额的倍数计罚"),
                            );
                        }
                        Some((id, kind))
                    }
                    None => {
                        self.unknown_name(&n.text, n.span);
                        None
                    }
                }
            }
        };
        let tiers = match &f.tiers {
            None => None,
            Some(t) if scale.is_some() => {
                self.diags.push(
                    Diagnostic::error(
                        Code::TierTable,
                        t.fact.span,
                        "按单位或倍数计算的罚款不能再分档次",
                    )
                    .label("档次")
                    .help("档次只用于按固定幅度计算的罚款"),
                );
                None
            }
            Some(t) => self.tiers(t, lo, hi),
        };
        Some(FineSpec {
            lo,
            hi,
            scale,
            fixed: None,
            tiers,
        })
    }

    /// A tier table: a numeric fact with ascending upper bounds ending in 其余, or an option fact
    /// whose every option has a tier (or 其余); every tier inside the statutory range.
    fn tiers(&mut self, t: &ast::TiersDecl, lo: Decimal, hi: Decimal) -> Option<u32> {
        let Some(&fact) = self.fact_index.get(&t.fact.text) else {
            self.unknown_name(&t.fact.text, t.fact.span);
            return None;
        };
        let ty = self.facts[fact as usize].ty.clone();
        let mut rows = Vec::new();
        let mut ok = true;
        let bad = |me: &mut Self, span: Span, msg: String, help: &str| {
            me.diags.push(
                Diagnostic::error(Code::TierTable, span, msg)
                    .label("档次")
                    .help(help.to_string()),
            );
        };
        let mut last_bound: Option<Decimal> = None;
        for (key, amount) in &t.tiers {
            let (tlo, thi) = self.amount(amount)?;
            if tlo < lo || thi > hi {
                bad(
                    self,
                    amount.span,
                    format!("档次 {tlo}..{thi} 超出法定幅度 {lo}..{hi}"),
                    "档次是法定幅度之内的一段；减轻处罚另有规定",
                );
                ok = false;
            }
            let key = match (key, &ty) {
                (
                    ast::TierKey::UpTo(n, span),
                    FactType::Int | FactType::Decimal | FactType::Money,
                ) => {
                    if last_bound.is_some_and(|b| *n <= b) {
                        bad(
                            self,
                            *span,
                            format!("档次上限 {n} 须大于前一档"),
                            "按从小到大的顺序写各档上限",
                        );
                        ok = false;
                    }
                    last_bound = Some(*n);
                    TierKey::UpTo(*n)
                }
                (ast::TierKey::Rest(_), _) => TierKey::Rest,
                (ast::TierKey::Variant(v), FactType::Enum(vs)) => {
                    match vs.iter().position(|(x, _)| *x == v.text) {
                        Some(i) => TierKey::Variant(crate::limits::option_index(i)),
                        None => {
                            let names: Vec<&str> = vs.iter().map(|(x, _)| x.as_str()).collect();
                            bad(
                                self,
                                v.span,
                                format!("事实 {} 没有可选值 {}", t.fact.text, v.text),
                                &format!("可选值有：{}", names.join("、")),
                            );
                            ok = false;
                            continue;
                        }
                    }
                }
                (ast::TierKey::UpTo(_, span), _) => {
                    bad(
                        self,
                        *span,
                        format!("事实 {} 不是数值，不能按上限分档", t.fact.text),
                        "数值型事实写 ..上限，选项型事实写可选值",
                    );
                    ok = false;
                    continue;
                }
                (ast::TierKey::Variant(v), _) => {
                    bad(
                        self,
                        v.span,
                        format!("事实 {} 不是选项，不能按可选值分档", t.fact.text),
                        "数值型事实写 ..上限，选项型事实写可选值",
                    );
                    ok = false;
                    continue;
                }
            };
            rows.push(Tier {
                key,
                lo: tlo,
                hi: thi,
            });
        }
        let has_rest = rows.iter().any(|r| r.key == TierKey::Rest);
        let complete = has_rest
            || match &ty {
                FactType::Enum(vs) => (0..vs.len()).all(|i| {
                    rows.iter()
                        .any(|r| r.key == TierKey::Variant(crate::limits::option_index(i)))
                }),
                _ => false,
            };
        if !complete {
            bad(
                self,
                t.fact.span,
                format!("档次没有覆盖事实 {} 的所有取值", t.fact.text),
                "最后一档写“其余”，或者为每个可选值各写一档",
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        self.tiers.push(Tiers { fact, rows });
        Some((self.tiers.len() - 1) as u32)
    }

    /// The violations an entry or a hook names (`适用 …` or `除 …`); false if one does not
    /// exist (reported with `code`, the subject named as `who`).
    pub(super) fn codes(
        &mut self,
        code: Code,
        who: &str,
        codes: &[ast::Name],
        verb: &str,
        violations: &NameMap<ViolationId>,
    ) -> (Vec<ViolationId>, bool) {
        let mut ids = Vec::new();
        let mut ok = true;
        for c in codes {
            match violations.get(&c.text) {
                Some(&id) => ids.push(id),
                None => {
                    let mut d = Diagnostic::error(
                        code,
                        c.span,
                        format!("{who} {verb}的违法行为 {} 不存在", c.text),
                    )
                    .label("没有这个编号");
                    d = match nearest(&c.text, violations.keys().map(String::as_str)) {
                        Some(n) => d.help(format!("是否想写 {n}？")),
                        None => d.help("用 caliper list 查看已有的违法行为编号"),
                    };
                    self.diags.push(d);
                    ok = false;
                }
            }
        }
        (ids, ok)
    }

    fn entry(&mut self, e: &ast::EntryDecl, violations: &NameMap<ViolationId>) -> Option<Entry> {
        let mut ok = true;
        let modality = match e.modality {
            Some((m, _)) => m,
            None => {
                self.diags.push(
                    Diagnostic::error(
                        Code::MissingModality,
                        e.id.span,
                        format!("清单条目 {} 没有写“应当”或“可以”", e.id.text),
                    )
                    .label("缺少情形")
                    .help("在适用的违法行为之后写“应当”或“可以”；两者的法律后果不同，没有默认值"),
                );
                ok = false;
                Modality::May
            }
        };
        if e.title.is_none() {
            self.diags.push(
                Diagnostic::error(
                    Code::MissingTitle,
                    e.id.span,
                    format!("清单条目 {} 没有标题", e.id.text),
                )
                .label("缺少标题")
                .help("在“应当/可以”之后用引号写出清单公布的标题"),
            );
            ok = false;
        }
        if e.basis.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    Code::MissingCitation,
                    e.id.span,
                    format!("清单条目 {} 没有写依据", e.id.text),
                )
                .label("缺少“依据”")
                .help("写上 依据 \"《……》第……条\"，说明这一情形的法律根据"),
            );
            ok = false;
        }
        let cond = match e.when.as_slice() {
            [] => {
                self.diags.push(
                    Diagnostic::error(
                        Code::MissingCondition,
                        e.id.span,
                        format!("清单条目 {} 没有条件", e.id.text),
                    )
                    .label("缺少“当 条件”")
                    .help("写上 当 条件，如 当 first_offense 且 corrected"),
                );
                ok = false;
                Expr::Lit(Value::Bool(false))
            }
            [c, rest @ ..] => {
                for extra in rest {
                    self.diags.push(
                        Diagnostic::error(
                            Code::DuplicateClause,
                            extra.span,
                            format!("清单条目 {} 写了两个条件", e.id.text),
                        )
                        .label("第二个条件")
                        .secondary(c.span, "第一个条件")
                        .help("用“且”把两个条件合为一个"),
                    );
                }
                self.condition(c)
            }
        };
        let covers = if e.covers_all {
            let who = format!("清单条目 {}", e.id.text);
            let (except, found) =
                self.codes(Code::UnknownViolation, &who, &e.except, "排除", violations);
            ok &= found;
            Coverage::All { except }
        } else {
            let who = format!("清单条目 {}", e.id.text);
            let (ids, found) =
                self.codes(Code::UnknownViolation, &who, &e.covers, "适用", violations);
            ok &= found;
            Coverage::Only(ids)
        };
        let mut ranges = PerParty::default();
        if let Some(rs) = e.range_span {
            if !matches!(
                e.list,
                ast::ListKind::Mitigated | ast::ListKind::LighterOrMitigated
            ) {
                self.diags.push(
                    Diagnostic::error(
                        Code::EntryRangeList,
                        rs,
                        format!("清单条目 {} 不是减轻条目，不能设定自有幅度", e.id.text),
                    )
                    .label("幅度")
                    .help("从轻、从重在法定幅度内按比例计算；只有减轻条目可以写自有幅度"),
                );
            }
            for (party, a) in &e.ranges {
                let r = self.amount(a);
                match party {
                    Party::Individual => ranges.individual = r,
                    Party::Unit => ranges.unit = r,
                }
            }
        }
        let measures = self.measures(&e.measures);
        if !ok {
            return None;
        }
        Some(Entry {
            id: e.id.text.as_str().into(),
            list: e.list,
            statutory: e.statutory,
            covers,
            modality,
            title: e.title.as_ref().map_or("", |t| t.value.as_str()).into(),
            cond,
            basis: e.basis.iter().map(|b| b.value.as_str().into()).collect(),
            source: e.source.first().map(|s| s.value.as_str().into()),
            measures,
            ranges,
            span: e.id.span,
            location: self.location(e.id.span),
        })
    }
}

fn fix_bands(stmts: &mut [Stmt], fractions: (Decimal, Decimal), floor: Decimal) {
    for s in stmts {
        match s {
            Stmt::Penalty(p) => {
                for a in &mut p.alts {
                    if let PenaltyAlt::Fine(f) = a
                        && f.scale.is_none()
                        && f.tiers.is_none()
                    {
                        f.fixed = Some(FixedBands::new(f.lo, f.hi, fractions, floor));
                    }
                }
            }
            Stmt::If {
                then, otherwise, ..
            } => {
                fix_bands(then, fractions, floor);
                fix_bands(otherwise, fractions, floor);
            }
            Stmt::Measures(_) => {}
        }
    }
}

/// The clauses a violation or one of its versions holds.
struct Body<'a> {
    breach: &'a [ast::Str],
    basis: &'a [ast::Str],
    bands: &'a [(ast::Name, Decimal, Span)],
    common: &'a [ast::PenaltyStmt],
    parties: &'a [ast::PartyBlock],
}

fn has_penalty(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Penalty(p) => !p.alts.is_empty(),
        Stmt::If {
            then, otherwise, ..
        } => has_penalty(then) || has_penalty(otherwise),
        Stmt::Measures(_) => false,
    })
}
