//! The bands of fixed fine ranges (docs/evaluation.md step 8), computed once when the rules load
//! instead of on every decision.

use crate::model::{Fractions, PenaltyAlt, RuleSet, Stmt};
use crate::vocab::money;
use crate::vocab::{FineRange, Outcome};
use rust_decimal::Decimal;
use std::collections::HashMap;

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
        let statutory = money::range(lo, hi);
        let b = |o| money::band(o, lo, hi, fractions, floor).unwrap_or(statutory);
        FixedBands {
            statutory,
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
    let mut seen = Seen::default();
    for v in &rules.violations {
        for ver in &v.versions {
            let fractions = ver.bands.unwrap_or_else(|| rules.params.fractions());
            for stmts in [&ver.penalties.individual, &ver.penalties.unit]
                .into_iter()
                .flatten()
            {
                fill(stmts, fractions, rules.params.mitigation_floor, &mut seen, &mut out);
            }
        }
    }
    out
}

/// The bands computed so far, by the exact bits of their range's ends: most ranges recur (the
/// shipped set computes 139 bands of 35 ranges: a party's statements are often the other's,
/// and statutes share their ranges), and the decimal arithmetic of one is about 3,000
/// instructions. Ends equal bit for bit, with equal fractions and floor, give the same bands.
type Seen = HashMap<[u8; 32], (Fractions, Decimal, FixedBands), foldhash::fast::FixedState>;

fn fill(
    stmts: &[Stmt],
    fractions: Fractions,
    floor: Decimal,
    seen: &mut Seen,
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
                    let mut key = [0u8; 32];
                    key[..16].copy_from_slice(&f.lo.serialize());
                    key[16..].copy_from_slice(&f.hi.serialize());
                    let bands = match seen.get(&key) {
                        Some(&(fr, fl, b)) if fr == fractions && fl.serialize() == floor.serialize() => b,
                        _ => {
                            let b = FixedBands::new(f.lo, f.hi, fractions, floor);
                            seen.insert(key, (fractions, floor, b));
                            b
                        }
                    };
                    out[i] = Some(bands);
                }
            }
        }
    });
}
