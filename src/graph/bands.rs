//! The bands of fixed fine ranges (docs/evaluation.md step 8), computed once when the rules load
//! instead of on every decision.

use crate::model::{Fractions, PenaltyAlt, RuleSet, Stmt};
use crate::vocab::money;
use crate::vocab::{FineRange, Outcome};
use rust_decimal::Decimal;

/// A fixed fine range and its bands, rounded to the fen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixedBands {
    /// The statutory range.
    pub statutory: FineRange,
    /// 从轻, 一般, 从重, 减轻.
    pub bands: [FineRange; 4],
}

impl FixedBands {
    /// Computes the bands of a range.
    pub fn new(
        lo: Decimal,
        hi: Decimal,
        fractions: Fractions,
        floor: Decimal,
    ) -> FixedBands {
        let b = |o| money::band(o, lo, hi, fractions, floor).unwrap_or(money::range(lo, hi));
        FixedBands {
            statutory: money::range(lo, hi),
            bands: [
                b(Outcome::Lighter),
                b(Outcome::Standard),
                b(Outcome::Aggravated),
                b(Outcome::Mitigated),
            ],
        }
    }

    /// The band of an outcome that has one.
    pub fn get(&self, o: Outcome) -> Option<FineRange> {
        match o {
            Outcome::Lighter => Some(self.bands[0]),
            Outcome::Standard => Some(self.bands[1]),
            Outcome::Aggravated => Some(self.bands[2]),
            Outcome::Mitigated => Some(self.bands[3]),
            Outcome::NoPenalty | Outcome::Undetermined | Outcome::NotApplicable => None,
        }
    }
}

/// The bands of every fine statement whose range depends on no fact (no scale, no tiers), by
/// [`FineId`], with the band fractions of the version it belongs to.
pub fn compute(rules: &RuleSet) -> Vec<Option<FixedBands>> {
    let mut out = Vec::new();
    for v in &rules.violations {
        for ver in &v.versions {
            let fractions = ver.bands.unwrap_or_else(|| rules.params.fractions());
            for stmts in [&ver.penalties.individual, &ver.penalties.unit]
                .into_iter()
                .flatten()
            {
                fill(stmts, fractions, rules.params.mitigation_floor, &mut out);
            }
        }
    }
    out
}

fn fill(
    stmts: &[Stmt],
    fractions: Fractions,
    floor: Decimal,
    out: &mut Vec<Option<FixedBands>>,
) {
    Stmt::for_each_penalty(stmts, &mut |p| {
        for a in &p.alts {
            if let PenaltyAlt::Fine(f) = a {
                let i = f.id as usize;
                if out.len() <= i {
                    out.resize(i + 1, None);
                }
                if f.scale.is_none() && f.tiers.is_none() && f.cases.is_none() {
                    out[i] = Some(FixedBands::new(f.lo, f.hi, fractions, floor));
                }
            }
        }
    });
}
