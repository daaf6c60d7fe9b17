//! Fact declarations: names, types, labels, defaults.

use super::Lowerer;
use crate::diag::{Code, Diagnostic};
use crate::model::{Fact, FactId, FactType, Value};
use crate::syntax::ast;

impl Lowerer {
    pub(super) fn declare_fact(&mut self, f: &ast::FactDecl) {
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
                vs.iter()
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
        let id = self.facts.len() as FactId;
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
                .map(|i| Value::Enum(i as u16)),
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
