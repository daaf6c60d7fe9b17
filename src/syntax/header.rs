//! The rule-set header, its parameters, facts and predicates.

use super::ast::{BaseRef, Expr, ExprKind, FactDecl, Name, Param, ParamValue, PredicateDecl, RuleSetDecl, Scalar, Str, TypeExpr};
use super::{Rule, Visitor, visit_party};
use crate::source::Span;
use pest::iterators::Pair;

impl Visitor<'_> {
    pub(super) fn visit_ruleset(&mut self, p: Pair<'_, Rule>) -> RuleSetDecl {
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
            base: vec![],
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
                Rule::base_clause => {
                    let sp = self.span(&c);
                    match c.into_inner().next() {
                        Some(s) if s.as_rule() == Rule::string => {
                            let s = self.visit_string(s);
                            r.base.push(BaseRef::Dir(s));
                        }
                        Some(k) => r.base.push(BaseRef::Embedded(self.span(&k))),
                        None => r.base.push(BaseRef::Embedded(sp)),
                    }
                }
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

    pub(super) fn visit_param(&mut self, p: Pair<'_, Rule>) -> Param {
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

    pub(super) fn visit_scalar(&mut self, p: Pair<'_, Rule>) -> Scalar {
        let span = self.span(&p);
        match p.into_inner().next() {
            Some(n) if n.as_rule() == Rule::number => {
                let d = self.visit_number(n);
                Scalar::Number(d, span)
            }
            Some(n) if n.as_rule() == Rule::param_name => Scalar::Word(self.name(&n)),
            Some(n) if n.as_rule() == Rule::fraction_range => {
                let mut ends = n.into_inner();
                let lo = ends.next().map_or(rust_decimal::Decimal::ZERO, |e| self.visit_number(e));
                let hi = ends.next().map_or(rust_decimal::Decimal::ZERO, |e| self.visit_number(e));
                Scalar::Range(lo, hi, span)
            }
            _ => Scalar::Unset(span),
        }
    }

    pub(super) fn visit_fact_decl(&mut self, p: Pair<'_, Rule>) -> FactDecl {
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

    pub(super) fn visit_fact_type(&mut self, p: Pair<'_, Rule>) -> TypeExpr {
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

    pub(super) fn visit_predicate(&mut self, p: Pair<'_, Rule>) -> PredicateDecl {
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
}
