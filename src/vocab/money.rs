//! Money: amounts in yuan as exact decimals, rounded half-up to the fen, their one written form,
//! and the bands of docs/evaluation.md step 8.

use super::Outcome;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount in yuan, as people read it: the decimal without trailing zeros (`200`, `8.13`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yuan(pub Decimal);

impl std::fmt::Display for Yuan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0.normalize(), f)
    }
}

/// Amounts as exact JSON numbers: whole yuan through the integer writer (most fines), others
/// through the decimal's own digits; never through binary floating point.
pub mod json {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    /// Writes an amount.
    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        if d.scale() == 0
            && let Ok(i) = i64::try_from(*d)
        {
            return s.serialize_i64(i);
        }
        rust_decimal::serde::arbitrary_precision::serialize(d, s)
    }

    /// Reads an amount.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        rust_decimal::serde::arbitrary_precision::deserialize(d)
    }
}

/// A fine range in yuan, both ends inclusive, exact decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FineRange {
    /// Lower end.
    #[serde(with = "json")]
    pub min: Decimal,
    /// Upper end.
    #[serde(with = "json")]
    pub max: Decimal,
}

impl FineRange {
    /// The range as a trace writes it: `60–140`, or one amount where both ends are equal.
    pub fn dashed(self) -> Dashed {
        Dashed(self)
    }
}

/// A range written `60–140` (see [`FineRange::dashed`]); formatted without allocating.
#[derive(Debug, Clone, Copy)]
pub struct Dashed(FineRange);

impl std::fmt::Display for Dashed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let FineRange { min, max } = self.0;
        if min == max {
            std::fmt::Display::fmt(&Yuan(min), f)
        } else {
            write!(f, "{}–{}", Yuan(min), Yuan(max))
        }
    }
}

/// `60..140`: the range as the contract's tests and the CLI write it.
impl std::fmt::Display for FineRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", Yuan(self.min), Yuan(self.max))
    }
}

/// Rounds half-up to the fen (0.01 yuan) and drops trailing zeros.
pub fn fen(d: Decimal) -> Decimal {
    // A whole amount (most statutory ends) is already rounded and without trailing zeros; a
    // negative zero is left to `normalize`, which makes it zero.
    if d.scale() == 0 && d.is_sign_positive() {
        return d;
    }
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// A range, rounded.
pub fn range(lo: Decimal, hi: Decimal) -> FineRange {
    FineRange {
        min: fen(lo),
        max: fen(hi),
    }
}

/// Where the bands of 从轻, 一般 and 从重 lie in a statutory range, as fractions of its width
/// from the minimum: the contiguous split `[0, 0.3] [0.3, 0.7] [0.7, 1]` by default, or bands
/// of their own (一般 at 40–60%, 从轻 up to 20%).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fractions {
    /// 从轻
    pub lighter: (Decimal, Decimal),
    /// 一般
    pub standard: (Decimal, Decimal),
    /// 从重
    pub aggravated: (Decimal, Decimal),
}

impl Fractions {
    /// The contiguous split at `lighter` and `aggravated` (从轻比例, 从重比例).
    pub fn split(lighter: Decimal, aggravated: Decimal) -> Fractions {
        Fractions {
            lighter: (Decimal::ZERO, lighter),
            standard: (lighter, aggravated),
            aggravated: (aggravated, Decimal::ONE),
        }
    }

    /// Whether the bands are the contiguous split of the whole range.
    pub fn is_split(&self) -> bool {
        self.lighter.0.is_zero()
            && self.lighter.1 == self.standard.0
            && self.standard.1 == self.aggravated.0
            && self.aggravated.1 == Decimal::ONE
    }
}

/// The band of an outcome inside the statutory range `lo..hi`, with the band fractions;
/// `mitigated` is `[floor, lo]`. `None` for outcomes without a fine band.
pub fn band(
    outcome: Outcome,
    lo: Decimal,
    hi: Decimal,
    fractions: Fractions,
    floor: Decimal,
) -> Option<FineRange> {
    band_exact(outcome, lo, hi, fractions, floor).map(|(a, b)| range(a, b))
}

/// The band's ends before rounding to the fen: a multiple (工程造价的 0.006 倍) is not money
/// until it is applied to its base.
pub fn band_exact(
    outcome: Outcome,
    lo: Decimal,
    hi: Decimal,
    fractions: Fractions,
    floor: Decimal,
) -> Option<(Decimal, Decimal)> {
    let d = hi - lo;
    // The ends of the range are the range's own figures, not lo + 0 × d or lo + 1 × d.
    let at = |f: Decimal| {
        if f.is_zero() {
            lo
        } else if f == Decimal::ONE {
            hi
        } else {
            lo + f * d
        }
    };
    let span = |(a, b): (Decimal, Decimal)| Some((at(a), at(b)));
    match outcome {
        Outcome::Lighter => span(fractions.lighter),
        Outcome::Standard => span(fractions.standard),
        Outcome::Aggravated => span(fractions.aggravated),
        Outcome::Mitigated => Some((floor.min(lo), lo)),
        Outcome::NoPenalty | Outcome::Undetermined | Outcome::NotApplicable => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Decimal, Fractions, Outcome, band, fen};
    use rust_decimal_macros_free::dec;

    /// Tiny stand-in for a decimal literal macro.
    mod rust_decimal_macros_free {
        macro_rules! dec {
            ($s:literal) => {
                <rust_decimal::Decimal as std::str::FromStr>::from_str(stringify!($s)).unwrap()
            };
        }
        pub(crate) use dec;
    }

    fn b(o: Outcome, lo: Decimal, hi: Decimal) -> String {
        band(o, lo, hi, Fractions::split(dec!(0.3), dec!(0.7)), Decimal::ZERO)
            .unwrap()
            .to_string()
    }

    #[test]
    fn worked_examples_of_the_semantics() {
        // 20..100
        assert_eq!(b(Outcome::Lighter, dec!(20), dec!(100)), "20..44");
        assert_eq!(b(Outcome::Standard, dec!(20), dec!(100)), "44..76");
        assert_eq!(b(Outcome::Aggravated, dec!(20), dec!(100)), "76..100");
        assert_eq!(b(Outcome::Mitigated, dec!(20), dec!(100)), "0..20");
        // ..200
        assert_eq!(b(Outcome::Standard, dec!(0), dec!(200)), "60..140");
        // 5000..50000
        assert_eq!(b(Outcome::Lighter, dec!(5000), dec!(50000)), "5000..18500");
        assert_eq!(
            b(Outcome::Aggravated, dec!(5000), dec!(50000)),
            "36500..50000"
        );
        // 1000..5000 per m², 20 m²
        assert_eq!(
            b(Outcome::Standard, dec!(20000), dec!(100000)),
            "44000..76000"
        );
    }

    #[test]
    fn bands_of_their_own() {
        // 一般 at 40–60% of the maximum, 从轻 up to 20%, 从重 from 80% (..20000).
        let f = Fractions {
            lighter: (dec!(0), dec!(0.2)),
            standard: (dec!(0.4), dec!(0.6)),
            aggravated: (dec!(0.8), dec!(1)),
        };
        let b = |o| band(o, dec!(0), dec!(20000), f, Decimal::ZERO).unwrap().to_string();
        assert_eq!(b(Outcome::Lighter), "0..4000");
        assert_eq!(b(Outcome::Standard), "8000..12000");
        assert_eq!(b(Outcome::Aggravated), "16000..20000");
        assert!(!f.is_split());
        assert!(Fractions::split(dec!(0.3), dec!(0.7)).is_split());
    }

    #[test]
    fn rounds_half_up_to_the_fen() {
        assert_eq!(fen(dec!(8.125)), dec!(8.13));
        assert_eq!(fen(dec!(10.625)), dec!(10.63));
        assert_eq!(fen(dec!(44.00)).to_string(), "44");
    }
}
