//! Whether the officer's final decision departs from the engine's recommendation: another
//! outcome, a fine outside the recommended range, another set of penalty kinds. A departure
//! needs a written reason. This one comparison stands until the library's review of a proposed
//! decision replaces it.

use caliper::Decision;
use caliper::decision::Outcome;
use caliper::decision::PenaltyKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The officer's final decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Final {
    /// The outcome (`no_penalty`, `mitigated`, `lighter`, `standard`, `aggravated`).
    #[schema(value_type = String)]
    pub outcome: Outcome,
    /// The fine in yuan, or null.
    #[serde(default, with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schema(value_type = Option<f64>)]
    pub fine: Option<Decimal>,
    /// The kinds imposed (`warning`, `fine`, …); a fine is implied by `fine`.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub penalties: Vec<PenaltyKind>,
}

/// The ways `fin` departs from `d`, each in Chinese; empty when it follows the recommendation.
pub fn departures(d: &Decision, fin: &Final) -> Vec<String> {
    let mut out = Vec::new();
    if fin.outcome != d.outcome {
        out.push(format!(
            "处罚结果为{}，建议为{}",
            fin.outcome.zh(),
            d.outcome.zh()
        ));
    }
    match (fin.fine, d.fine) {
        (Some(f), Some(r)) if f < r.min || f > r.max => out.push(format!(
            "罚款{}元，在建议的{}元至{}元之外",
            f.normalize(),
            r.min.normalize(),
            r.max.normalize()
        )),
        (Some(f), None) => out.push(format!("罚款{}元，建议不处罚款", f.normalize())),
        (None, Some(r)) => out.push(format!(
            "不处罚款，建议罚款{}元至{}元",
            r.min.normalize(),
            r.max.normalize()
        )),
        _ => {}
    }
    let imposed = |k: PenaltyKind| {
        fin.penalties.contains(&k) || (k == PenaltyKind::Fine && fin.fine.is_some())
    };
    for p in &d.penalties {
        // A fine left out is already reported above; a discretionary penalty may be left out.
        let chosen = imposed(p.kind) || p.alternatives.iter().any(|&k| imposed(k));
        if !chosen && !p.discretionary && p.kind != PenaltyKind::Fine {
            out.push(format!("未处以建议的{}", p.kind.zh()));
        }
    }
    for &k in &fin.penalties {
        let recommended = d
            .penalties
            .iter()
            .any(|p| p.kind == k || p.alternatives.contains(&k));
        if !(recommended || (k == PenaltyKind::Fine && d.fine.is_some())) {
            out.push(format!("处以建议之外的{}", k.zh()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Decimal, Decision, Final, Outcome, PenaltyKind, departures};

    fn decision() -> Decision {
        let rules = caliper::Rules::embedded().expect("rules");
        let case = caliper::Case::new("XR-49-2")
            .fact("party_type", "individual")
            .fact("age", 35)
            .fact("minor", false)
            .fact("harm", "general")
            .fact("corrected", false)
            .fact("first_offense", false)
            .fact("prior_penalties_12m", 0)
            .fact("violation_date", "2025-03-02")
            .fact("discovery_date", "2025-03-05");
        rules.evaluate(&case).expect("decides")
    }

    #[test]
    fn following_the_recommendation_is_no_departure() {
        let d = decision();
        let fin = Final {
            outcome: Outcome::Standard,
            fine: Some(Decimal::from(100)),
            penalties: vec![PenaltyKind::Fine],
        };
        assert_eq!(departures(&d, &fin), Vec::<String>::new());
    }

    #[test]
    fn another_outcome_a_fine_outside_and_another_kind_are_departures() {
        let d = decision();
        let fin = Final {
            outcome: Outcome::Aggravated,
            fine: Some(Decimal::from(180)),
            penalties: vec![PenaltyKind::Fine, PenaltyKind::Close],
        };
        let found = departures(&d, &fin);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("从重处罚"));
        assert!(found[1].contains("60元至140元"));
        assert!(found[2].contains("责令关闭"));
    }
}
