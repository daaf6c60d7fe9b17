//! The penalty part of the syntax tree without its spans: party blocks, statements, penalties,
//! fines with their tiers, daily fines.

use super::Erase;
use crate::syntax::ast::{
    CaseTiersDecl, DailyFineDecl, FineDecl, PartyBlock, PenaltyAlt, PenaltyDecl, PenaltyStmt,
    Scale, TierKey, TiersDecl,
};

pub(super) fn erase_case_tiers(c: &mut CaseTiersDecl) {
    let CaseTiersDecl { rows, span } = c;
    for (cond, a) in rows {
        cond.erase();
        a.erase();
    }
    span.erase();
}

impl Erase for PartyBlock {
    fn erase(&mut self) {
        let PartyBlock {
            party: _,
            stmts,
            span,
        } = self;
        stmts.erase();
        span.erase();
    }
}

impl Erase for PenaltyStmt {
    fn erase(&mut self) {
        match self {
            PenaltyStmt::If {
                cond,
                then,
                otherwise,
                span,
            } => {
                cond.erase();
                then.erase();
                otherwise.erase();
                span.erase();
            }
            PenaltyStmt::Measures(ms) => ms.erase(),
            PenaltyStmt::Penalty(p) => p.erase(),
            PenaltyStmt::Daily(d) => d.erase(),
        }
    }
}

impl Erase for DailyFineDecl {
    fn erase(&mut self) {
        let DailyFineDecl {
            discretionary: _,
            days,
            span,
        } = self;
        days.erase();
        span.erase();
    }
}

impl Erase for PenaltyDecl {
    fn erase(&mut self) {
        let PenaltyDecl {
            discretionary: _,
            alts,
            span,
        } = self;
        alts.erase();
        span.erase();
    }
}

impl Erase for PenaltyAlt {
    fn erase(&mut self) {
        match self {
            PenaltyAlt::Fine(f) => f.erase(),
            PenaltyAlt::Kind(n) => n.erase(),
        }
    }
}

impl Erase for FineDecl {
    fn erase(&mut self) {
        let FineDecl {
            amount,
            scale,
            per_also,
            cap,
            tiers,
            case_tiers,
            span,
        } = self;
        if let Some(c) = case_tiers {
            erase_case_tiers(c);
        }
        amount.erase();
        scale.erase();
        per_also.erase();
        if let Some((_, span)) = cap {
            span.erase();
        }
        tiers.erase();
        span.erase();
    }
}

impl Erase for TiersDecl {
    fn erase(&mut self) {
        let TiersDecl { fact, tiers } = self;
        fact.erase();
        for (k, a) in tiers {
            k.erase();
            a.erase();
        }
    }
}

impl Erase for TierKey {
    fn erase(&mut self) {
        match self {
            TierKey::UpTo(_, span)
            | TierKey::Below(_, span)
            | TierKey::From(_, span)
            | TierKey::Rest(span) => span.erase(),
            TierKey::Variant(n) => n.erase(),
        }
    }
}

impl Erase for Scale {
    fn erase(&mut self) {
        match self {
            Scale::PerUnit(n) | Scale::Multiple(n) => n.erase(),
        }
    }
}
