//! Penalties: fines, their scales and tiers, and amounts.

use super::ast::{Amount, CaseTiersDecl, DailyFineDecl, FineDecl, Name, PenaltyAlt, PenaltyDecl, Scale, TierKey, TiersDecl};
use super::{Rule, Visitor};
use pest::iterators::Pair;
use rust_decimal::Decimal;

impl Visitor<'_> {
    pub(super) fn visit_measures(&mut self, p: Pair<'_, Rule>) -> Vec<Name> {
        p.into_inner().map(|m| self.name(&m)).collect()
    }

    pub(super) fn visit_penalty(&mut self, p: Pair<'_, Rule>) -> PenaltyDecl {
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

    /// `[可以] 按日连续处罚 DAYS` (also a refinement's `按日连续处罚 DAYS`).
    pub(super) fn visit_daily_fine(&mut self, p: Pair<'_, Rule>) -> DailyFineDecl {
        let mut span = self.span(&p);
        // The statement ends with its days or its keyword, not with the blanks pest read after it.
        let text = p.as_str();
        let kw_end = ["按日连续处罚", "daily_fine"]
            .iter()
            .filter_map(|k| text.find(k).map(|at| at + k.len()))
            .min()
            .unwrap_or(text.len());
        span.end = span.start + kw_end as u32;
        let mut d = DailyFineDecl {
            discretionary: false,
            days: None,
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::discretionary => d.discretionary = true,
                Rule::daily_days => {
                    if let Some(e) = c.into_inner().next() {
                        let e = self.visit_expr(e);
                        d.span.end = e.span.end;
                        d.days = Some(e);
                    }
                }
                _ => {}
            }
        }
        d
    }

    pub(super) fn visit_fine(&mut self, p: Pair<'_, Rule>) -> FineDecl {
        let span = self.span(&p);
        let mut f = FineDecl {
            amount: Amount {
                lo: Some(Decimal::ZERO),
                hi: Decimal::ZERO,
                span,
            },
            scale: None,
            per_also: None,
            cap: None,
            tiers: None,
            case_tiers: None,
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::tiers => f.tiers = Some(self.visit_tiers(c)),
                Rule::case_tiers => f.case_tiers = Some(Box::new(self.visit_case_tiers(c))),
                Rule::cap => {
                    let span = self.span(&c);
                    if let Some(n) = c.into_inner().next() {
                        f.cap = Some((self.visit_number(n), span));
                    }
                }
                Rule::per_unit | Rule::multiple => {
                    let per = c.as_rule() == Rule::per_unit;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::ident if f.scale.is_some() => f.per_also = Some(Box::new(self.name(&x))),
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

    /// `档次 { 当 …: …  其余: … }`: tiers chosen by conditions.
    pub(super) fn visit_case_tiers(&mut self, c: Pair<'_, Rule>) -> CaseTiersDecl {
        let span = self.span(&c);
        let mut rows = Vec::new();
        for row in c.into_inner() {
            let rest = row.as_rule() == Rule::rest_tier;
            let mut cond = None;
            let mut amount = None;
            for x in row.into_inner() {
                match x.as_rule() {
                    Rule::expr => cond = Some(self.visit_expr(x)),
                    Rule::amount => amount = Some(self.visit_amount(x)),
                    _ => {}
                }
            }
            if let Some(a) = amount {
                rows.push((if rest { None } else { cond }, a));
            }
        }
        CaseTiersDecl { rows, span }
    }

    pub(super) fn visit_tiers(&mut self, p: Pair<'_, Rule>) -> TiersDecl {
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
                        Some(k) if matches!(k.as_rule(), Rule::below | Rule::from_bound) => {
                            let below = k.as_rule() == Rule::below;
                            let n = k
                                .into_inner()
                                .next()
                                .map_or(Decimal::ZERO, |n| self.visit_number(n));
                            if below {
                                TierKey::Below(n, key_span)
                            } else {
                                TierKey::From(n, key_span)
                            }
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

    pub(super) fn visit_amount(&mut self, p: Pair<'_, Rule>) -> Amount {
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
}
