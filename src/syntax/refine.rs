//! Refinements (细化): what a rule set changes of a violation of the rule set it builds on.

use super::ast::{Name, Party, RefineFine, RefinementDecl};
use super::{Body, Rule, Visitor, visit_party};
use crate::source::Span;
use pest::iterators::Pair;

impl Visitor<'_> {
    pub(super) fn visit_refinement(&mut self, p: Pair<'_, Rule>) -> RefinementDecl {
        let span = self.span(&p);
        let mut r = RefinementDecl {
            code: Name {
                text: String::new(),
                span,
            },
            source: vec![],
            notes: vec![],
            bands: vec![],
            band_ranges: vec![],
            fines: vec![],
            entries: vec![],
            daily: vec![],
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::code => {
                    r.code = self.name(&c);
                    r.span.end = r.code.span.end;
                }
                Rule::source_clause => r.source.extend(self.first_string(c)),
                Rule::note_clause => r.notes.extend(self.first_string(c)),
                Rule::bands_clause => {
                    let (mut breach, mut basis, mut common, mut parties) =
                        (vec![], vec![], vec![], vec![]);
                    self.visit_body_clause(
                        c,
                        Body {
                            breach: &mut breach,
                            basis: &mut basis,
                            bands: &mut r.bands,
                            band_ranges: &mut r.band_ranges,
                            common: &mut common,
                            parties: &mut parties,
                        },
                    );
                }
                Rule::refine_party => {
                    let mut it = c.into_inner();
                    let Some(party) = it.next() else {
                        continue;
                    };
                    let at = self.span(&party);
                    let party = visit_party(&party);
                    for f in it {
                        let fine = self.visit_refine_fine(f, Some((party, at)));
                        r.fines.push(fine);
                    }
                }
                Rule::refine_fine => {
                    let fine = self.visit_refine_fine(c, None);
                    r.fines.push(fine);
                }
                Rule::refine_daily => {
                    let d = self.visit_daily_fine(c);
                    r.daily.push(d);
                }
                Rule::refine_entry => {
                    let mut e = self.visit_list_entry(c);
                    if !e.covers_all && e.covers.is_empty() {
                        e.covers.push(r.code.clone());
                    }
                    r.entries.push(e);
                }
                _ => {}
            }
        }
        r
    }

    fn visit_refine_fine(
        &mut self,
        p: Pair<'_, Rule>,
        party: Option<(Party, Span)>,
    ) -> RefineFine {
        let span = self.span(&p);
        let mut f = RefineFine {
            party,
            amount: None,
            tiers: None,
            case_tiers: None,
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::amount => f.amount = Some(self.visit_amount(c)),
                Rule::tiers => f.tiers = Some(self.visit_tiers(c)),
                Rule::case_tiers => f.case_tiers = Some(Box::new(self.visit_case_tiers(c))),
                _ => {}
            }
        }
        f
    }
}
