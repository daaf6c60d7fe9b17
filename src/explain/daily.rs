//! The trace's sentence for 按日连续处罚.

use crate::eval::trace::DailyStep;
use crate::vocab::Modality;

/// "第8步 按日连续处罚（可以）：计 12 日（天数(order_date, recheck_date)），按照原处罚数额每日
/// 44000–76000 元，共 528000–912000 元".
pub(super) fn sentence(d: &DailyStep, s: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let m = Modality::of(!d.discretionary).zh();
    write!(
        s,
        "第8步 按日连续处罚（{m}）：计 {} 日（{}）",
        d.days, d.text
    )?;
    match (d.per_day, d.total) {
        (Some(per_day), Some(total)) => write!(
            s,
            "，按照原处罚数额每日 {} 元，共 {} 元",
            per_day.dashed(),
            total.dashed()
        ),
        _ if d.days == 0 => s.write_str("，没有可计的日数，不按日连续处罚"),
        _ => s.write_str("，不予罚款，无从按日连续处罚"),
    }
}
