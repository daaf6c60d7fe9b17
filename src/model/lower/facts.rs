//! Fact declarations: names, types, labels, defaults.

use super::Lowerer;
use crate::diag::{Code, Diagnostic};
use crate::model::{Fact, FactId, FactType, Value};
use crate::syntax::ast;

impl Lowerer {
    pub(super) fn declare_fact(&mut self, f: &ast::FactDecl) {
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
            self.duplicate(
                Code::DuplicateFact,
                f.name.span,
                first,
                format!("事实 {} 重复声明", f.name.text),
                [
                    "第二次声明",
                    "第一次声明在这里",
                    "删去重复的声明；若是两个不同的事实，改用不同的名称",
                ],
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

    pub(super) fn default_value(
        &mut self,
        f: &ast::FactDecl,
        ty: &FactType,
        d: &ast::Expr,
    ) -> Option<Value> {
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
}
