//! The rule set's header (名称, 版本, parameters) and the facts the engine reads itself.

use super::Lowerer;
use crate::diag::{Code, Diagnostic, nearest};
use crate::model::{ConflictPolicy, FactType, Meta, Params, PerParty, StandardFacts};
use crate::source::Span;
use crate::syntax::ast;
use crate::vocab::Party;
use rust_decimal::Decimal;

impl Lowerer {
    /// The header of the rule set; the parameters of the rule set it builds on (`base`, the
    /// direct base first) where it sets none of its own.
    pub(super) fn header(
        &mut self,
        headers: &[&ast::RuleSetDecl],
        base: &[&ast::RuleSetDecl],
    ) -> (Meta, Params) {
        let mut meta = Meta {
            name: "".into(),
            version: "".into(),
            effective: None,
            authority: String::new(),
            notes: Vec::new(),
        };
        let mut params = Params::default();
        // The deepest base first, so that each level overrides the one below it.
        for b in base.iter().rev() {
            self.params(b, &mut params);
        }
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
        for extra in h.base.iter().skip(1) {
            self.diags.push(
                Diagnostic::error(Code::BaseUnreadable, extra.span(), "“基于”写了两次")
                    .label("第二个基础规则集")
                    .help("一个规则集只建立在一个规则集之上；上一级若又基于另一个，在它的根文件中写"),
            );
        }
        self.params(h, &mut params);
        (meta, params)
    }

    /// Sets the parameters a header writes.
    fn params(&mut self, h: &ast::RuleSetDecl, params: &mut Params) {
        let names = [
            "从轻比例",
            "从重比例",
            "从轻幅度",
            "一般幅度",
            "从重幅度",
            "减轻下限",
            "冲突处理",
            "简易程序",
            "听证",
            "法制审核",
        ];
        let mut own: Vec<(&ast::Name, Decimal, Decimal, Span)> = Vec::new();
        for p in &h.params {
            match p.name.text.as_str() {
                "从轻幅度" | "一般幅度" | "从重幅度" => match &p.value {
                    ast::ParamValue::Scalar(ast::Scalar::Range(lo, hi, _)) => {
                        own.push((&p.name, *lo, *hi, p.span));
                    }
                    _ => self.bad_param(p, "幅度写作 下限..上限，是法定幅度宽度的比例，如 一般幅度 0.4..0.6"),
                },
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
        if !own.is_empty() {
            let split = h
                .params
                .iter()
                .find(|p| matches!(p.name.text.as_str(), "从轻比例" | "从重比例"));
            if let Some(p) = split {
                self.diags.push(
                    Diagnostic::error(
                        Code::BandsIncomplete,
                        p.span,
                        "参数中既写了从轻比例、从重比例，又写了各档的幅度",
                    )
                    .label("两种写法只能用一种")
                    .help("按比例划分写 从轻比例 0.3 从重比例 0.7；各档自定写 从轻幅度 0..0.2 一般幅度 0.4..0.6 从重幅度 0.8..1"),
                );
            }
            let span = own[0].3.to(own[own.len() - 1].3);
            params.bands = self.own_bands(&own, span, "规则集");
            params.bands_span = Some(span);
        }
        if params.lighter > params.aggravated
            && let Some(p) = h.params.iter().find(|p| p.name.text == "从轻比例")
        {
            self.bad_param(p, "从轻比例不能大于从重比例");
        }
    }

    pub(super) fn bad_param(&mut self, p: &ast::Param, help: &str) {
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

    pub(super) fn scalar_number(&mut self, p: &ast::Param) -> Option<Decimal> {
        match &p.value {
            ast::ParamValue::Scalar(ast::Scalar::Number(n, _)) => Some(*n),
            _ => {
                self.bad_param(p, "这个参数的值须是一个数字");
                None
            }
        }
    }

    pub(super) fn fraction(&mut self, p: &ast::Param) -> Option<Decimal> {
        let v = self.scalar_number(p)?;
        if v > Decimal::ONE {
            self.bad_param(p, "比例须在 0 和 1 之间，如 0.3");
            return None;
        }
        Some(v)
    }

    pub(super) fn per_party(&mut self, p: &ast::Param) -> PerParty<Option<Decimal>> {
        let mut out = PerParty::default();
        match &p.value {
            ast::ParamValue::PerParty(pairs) => {
                for (party, v) in pairs {
                    let val = match v {
                        ast::Scalar::Number(n, _) => Some(*n),
                        ast::Scalar::Unset(_) => None,
                        ast::Scalar::Word(_) | ast::Scalar::Range(..) => {
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

    pub(super) fn standard_facts(&mut self, headers: &[&ast::RuleSetDecl]) -> StandardFacts {
        let span = headers.first().map(|h| h.span).unwrap_or_default();
        let mut std = StandardFacts::default();
        match self.fact_index.get("party_type").map(|&id| (id, &self.facts[id as usize].ty)) {
            Some((id, FactType::Enum(vs)))
                if vs.iter().any(|(v, _)| v == "individual") && vs.iter().any(|(v, _)| v == "unit") =>
            {
                std.party_type = id;
                std.individual = crate::limits::option_index(
                    vs.iter().position(|(v, _)| v == "individual").unwrap_or(0),
                );
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
}
