//! The four lists' entries and hooks, and what they apply to.

use super::ast::{EntryDecl, HookDecl, ListKind, Modality, Name, ScriptRef, Str};
use super::{Rule, Visitor, visit_party};
use crate::source::Span;
use pest::iterators::Pair;

impl Visitor<'_> {
    /// `适用 全部 [除 A, B]` or `适用 A, B`: (all, codes, exceptions).
    pub(super) fn visit_coverage(&mut self, c: Pair<'_, Rule>) -> (bool, Vec<Name>, Vec<Name>) {
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

    pub(super) fn visit_list_entry(&mut self, p: Pair<'_, Rule>) -> EntryDecl {
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
    pub(super) fn visit_hook(&mut self, p: Pair<'_, Rule>) -> HookDecl {
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
