//! 按日连续处罚 (part of step 8): where the article's statements give a daily fine for these
//! facts (拒不改正的 …), its days are counted and the recommended fine is repeated for each
//! (按照原处罚数额按日连续处罚). Unknown days leave the decision undetermined, as an unknown
//! quantity of a per-unit fine does.

use super::decision::{DailyFine, Decision};
use super::trace::{DailyStep, Step};
use super::walk::{Active, Recorder, Walk};
use crate::model::Value;
use crate::vocab::FineRange;
use rust_decimal::Decimal;

/// Counts the days of the active daily fine; false (the facts noted as needed) where they are
/// unknown.
pub(super) fn count(w: &mut Walk<'_>) -> bool {
    let Some(d) = w.active.daily else {
        return true;
    };
    let days = match w.env.value(&d.days) {
        Some(Value::Int(n)) => Some(Decimal::from(n)),
        Some(Value::Dec(n)) => Some(n),
        _ => None,
    };
    match days {
        Some(n) => {
            w.active.daily_days = crate::model::DailyFine::whole_days(n);
            true
        }
        None => {
            w.need(&d.days);
            false
        }
    }
}

/// Writes the daily fine of an outcome that punishes with `fine` (none where the fine is not
/// imposed: then there is nothing to repeat), and its step of the trace.
pub(super) fn write(active: &Active<'_>, out: &mut Decision, rec: &mut Recorder, fine: Option<FineRange>) {
    let Some(d) = active.daily else {
        return;
    };
    let days = active.daily_days;
    let amounts = fine.filter(|_| days > 0).map(|per_day| {
        let n = Decimal::from(days);
        let times = |x: Decimal| x.checked_mul(n).unwrap_or(Decimal::MAX);
        (
            per_day,
            FineRange {
                min: times(per_day.min),
                max: times(per_day.max),
            },
        )
    });
    rec.step(|| {
        Step::DailyFine(Box::new(DailyStep {
            days,
            text: d.words.clone(),
            per_day: amounts.map(|a| a.0),
            total: amounts.map(|a| a.1),
            discretionary: d.discretionary,
        }))
    });
    out.daily_fine = amounts.map(|(per_day, total)| DailyFine {
        days,
        per_day,
        total,
        discretionary: d.discretionary,
    });
}
