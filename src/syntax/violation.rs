//! Regulations, violations and their versions, and the clauses they share.

use super::ast::{BandRange, DateLit, HigherDecl, Name, Party, PartyBlock, PenaltyStmt, RegulationDecl, Str, VersionDecl, ViolationDecl};
use super::{Body, Rule, Visitor, name_span_to, nesting_too_deep, visit_party};
use crate::diag::Code;
use crate::limits;
use crate::source::Span;
use pest::iterators::Pair;

impl Visitor<'_> {
    pub(super) fn visit_regulation(&mut self, p: Pair<'_, Rule>) -> RegulationDecl {
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

    pub(super) fn visit_violation(&mut self, p: Pair<'_, Rule>) -> ViolationDecl {
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
            band_ranges: vec![],
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
                        band_ranges: &mut v.band_ranges,
                        common: &mut v.common,
                        parties: &mut v.parties,
                    },
                ),
            }
        }
        v
    }

    pub(super) fn visit_version_block(&mut self, p: Pair<'_, Rule>) -> VersionDecl {
        let span = self.span(&p);
        let mut v = VersionDecl {
            from: DateLit { date: None, span },
            until: None,
            first_enacted: false,
            breach: vec![],
            basis: vec![],
            bands: vec![],
            band_ranges: vec![],
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
                        band_ranges: &mut v.band_ranges,
                        common: &mut v.common,
                        parties: &mut v.parties,
                    },
                ),
            }
        }
        v
    }

    /// The clauses a violation and each of its versions share.
    pub(super) fn visit_body_clause(&mut self, c: Pair<'_, Rule>, v: Body<'_>) {
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
                    let whole = name_span_to(&name, sp);
                    if num.as_rule() == Rule::fraction_range {
                        let mut ends = num.into_inner();
                        let lo = ends.next().map_or(rust_decimal::Decimal::ZERO, |e| self.visit_number(e));
                        let hi = ends.next().map_or(rust_decimal::Decimal::ZERO, |e| self.visit_number(e));
                        v.band_ranges.push(BandRange {
                            name,
                            lo,
                            hi,
                            span: whole,
                        });
                        continue;
                    }
                    let d = self.visit_number(num);
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

    pub(super) fn visit_party_block(&mut self, p: Pair<'_, Rule>) -> PartyBlock {
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

    pub(super) fn visit_penalty_stmt(&mut self, p: Pair<'_, Rule>) -> Option<PenaltyStmt> {
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
            Rule::daily_fine => Some(PenaltyStmt::Daily(self.visit_daily_fine(p))),
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

    pub(super) fn visit_cond_block(
        &mut self,
        p: Pair<'_, Rule>,
        span: Span,
    ) -> Option<PenaltyStmt> {
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
}
