//! The steps every decision records, written straight into the JSON string of the decision
//! document: the same sentences as the steps' `Display`, without the formatting machinery.

use super::why_zh;
use crate::eval::trace::{FineStep, Step};
use crate::explain::json::escape;
use crate::vocab::{Modality, Outcome, Party};
use jiff::civil::Date;

/// The steps every decision records, written straight into a JSON string's inside: the
/// constant phrases as they are (they need no escape), the rule set's strings escaped, numbers
/// and dates without the formatting machinery. The other steps, and anything out of the
/// ordinary (a date outside years 1–9999, an amount with decimals), go through `Display`: the
/// same sentence either way, as the JSON tests hold on every fixture.
pub(crate) fn write_json(step: &Step, out: &mut String) {
    match step {
        Step::Start {
            code,
            title,
            basis,
            party,
        } => start(out, code, title, basis, *party),
        Step::Limitation {
            start,
            last,
            discovery,
            years,
            barred,
        } if [start, last, discovery].iter().all(|d| plain_year(**d)) => {
            limitation(out, [*start, *last, *discovery], *years, *barred);
        }
        Step::ArticleCondition { text, value } => {
            out.push_str("第3步 条文自身的条件「");
            escape(out, text);
            out.push_str("」：");
            out.push_str(match value {
                Some(true) => "成立",
                Some(false) => "不成立",
                None => "无法判断（缺少事实）",
            });
        }
        Step::Entry {
            step,
            list,
            statutory,
            id,
            title,
            shall,
            value,
        } => entry(out, *step, list.list_zh(*statutory), (id, title), *shall, *value),
        Step::NoneApplies { step: 4 } => out.push_str("第4步 不属于法定应当不予处罚的情形（不满十四周岁、不能辨认或者控制、轻微且及时改正无危害后果、无主观过错）"),
        Step::NoneApplies { step } => {
            out.push('第');
            integer(out, u64::from(*step));
            out.push_str("步 不属于初次违法可以不予处罚的情形，也不符合不予处罚清单");
        }
        Step::NoCircumstance => out.push_str("第6步 没有从轻、减轻或者从重情节"),
        Step::Combined {
            outcome,
            mandatory,
            why,
        } => {
            out.push_str("第7步 综合情节：");
            out.push_str(why_zh(*why));
            out.push('，');
            outcome_with_modality(out, *outcome, *mandatory);
        }
        Step::Fine(f) => {
            if f.scale.is_some() || !fine(out, f) {
                display(out, step);
            }
        }
        Step::Measures { measures } => {
            out.push_str("措施：");
            for (i, m) in measures.iter().enumerate() {
                if i > 0 {
                    out.push('、');
                }
                out.push_str(m.zh());
            }
        }
        Step::Result {
            outcome,
            mandatory,
            fine,
        } if fine.is_none_or(|f| whole(&f).is_some()) => {
            out.push_str("结论：");
            outcome_with_modality(out, *outcome, *mandatory);
            if let Some(f) = fine.as_ref().and_then(whole) {
                out.push_str("，罚款 ");
                dashed(out, f);
                out.push_str(" 元");
            }
        }
        _ => display(out, step),
    }
}

/// Any step through its `Display`, escaped.
fn display(out: &mut String, step: &Step) {
    use std::fmt::Write as _;
    // Writing into a String cannot fail.
    let _ = write!(crate::explain::json::Escaped(out), "{step}");
}

/// The first step: the code, its title, its article and the party.
fn start(out: &mut String, code: &str, title: &str, basis: &str, party: Option<Party>) {
    out.push_str("违法行为 ");
    escape(out, code);
    out.push('「');
    escape(out, title);
    out.push_str("」，处罚依据");
    escape(out, basis);
    if let Some(p) = party {
        out.push_str("；当事人为");
        out.push_str(p.zh());
    }
}

/// Step 2: the period's first and last day and the discovery date, in that order.
fn limitation(out: &mut String, [start, last, discovery]: [Date; 3], years: u8, barred: bool) {
    out.push_str("第2步 时效 ");
    integer(out, u64::from(years));
    out.push_str(" 年，自 ");
    date(out, start);
    out.push_str(" 起算，最后一日 ");
    date(out, last);
    out.push('；');
    date(out, discovery);
    out.push_str(" 发现");
    if barred {
        out.push_str(
            "，已超过时效：不再给予行政处罚（应当，《中华人民共和国行政处罚法》第三十六条）",
        );
    } else {
        out.push_str("，未超过时效");
    }
}

/// A list entry of steps 4–6 (its list's name, id and title) and whether it holds.
fn entry(
    out: &mut String,
    step: u8,
    list: &str,
    (id, title): (&str, &str),
    shall: bool,
    value: Option<bool>,
) {
    out.push('第');
    integer(out, u64::from(step));
    out.push_str("步 ");
    out.push_str(list);
    out.push(' ');
    escape(out, id);
    out.push('「');
    escape(out, title);
    out.push_str("」（");
    out.push_str(Modality::of(shall).zh());
    out.push_str("）：");
    out.push_str(match value {
        Some(true) => "符合",
        Some(false) => "不符合",
        None => "无法判断（缺少事实）",
    });
}

/// `一般处罚（应当）`.
fn outcome_with_modality(out: &mut String, outcome: Outcome, mandatory: bool) {
    out.push_str(outcome.zh());
    out.push('（');
    out.push_str(Modality::of(mandatory).zh());
    out.push('）');
}

/// Step 8 when every amount is whole: the statutory range, the tier and the band; false (and
/// nothing written) otherwise.
fn fine(out: &mut String, fine: &FineStep) -> bool {
    let Some(statutory) = whole(&fine.statutory) else {
        return false;
    };
    let tier = fine.tier.as_ref().map(whole);
    let band = fine.band.as_ref().map(whole);
    if tier.is_some_and(|t| t.is_none()) || band.is_some_and(|b| b.is_none()) {
        return false;
    }
    out.push_str("第8步 法定罚款幅度 ");
    dashed(out, statutory);
    out.push_str(" 元");
    if let Some(t) = tier.flatten() {
        out.push_str("；按情节档次适用 ");
        dashed(out, t);
        out.push_str(" 元");
    }
    match band.flatten() {
        Some(b) => {
            out.push('；');
            out.push_str(fine.outcome.zh());
            out.push_str("幅度 ");
            dashed(out, b);
            out.push_str(" 元");
        }
        None => out.push_str("；不予罚款"),
    }
    true
}

/// A range whose ends are whole, non-negative numbers of yuan (as most are): the two numbers.
fn whole(r: &crate::vocab::FineRange) -> Option<(u64, u64)> {
    Some((whole_yuan(r.min)?, whole_yuan(r.max)?))
}

/// A whole, non-negative amount as a number: `Yuan` displays it as [`integer`] writes it.
fn whole_yuan(d: rust_decimal::Decimal) -> Option<u64> {
    let d = if d.scale() == 0 { d } else { d.normalize() };
    if d.scale() != 0 {
        return None;
    }
    u64::try_from(d.mantissa()).ok()
}

/// A range of whole amounts as [`crate::vocab::FineRange::dashed`] writes it: the two ends
/// compared as numbers, as the decimals compare.
fn dashed(out: &mut String, (min, max): (u64, u64)) {
    integer(out, min);
    if min != max {
        out.push('–');
        integer(out, max);
    }
}

/// Whether jiff writes the date as plain `YYYY-MM-DD`.
fn plain_year(d: jiff::civil::Date) -> bool {
    (1..=9999).contains(&d.year())
}

/// A date of years 1–9999 as jiff writes it: `2025-03-02`.
fn date(out: &mut String, d: jiff::civil::Date) {
    let digits = |out: &mut String, n: u32, width: usize| {
        let mut buf = [b'0'; 4];
        let mut n = n;
        for b in buf[..width].iter_mut().rev() {
            *b = b'0' + (n % 10) as u8;
            n /= 10;
        }
        for &b in &buf[..width] {
            out.push(char::from(b));
        }
    };
    digits(out, d.year().unsigned_abs().into(), 4);
    out.push('-');
    digits(out, d.month().unsigned_abs().into(), 2);
    out.push('-');
    digits(out, d.day().unsigned_abs().into(), 2);
}

/// A number in decimal digits.
fn integer(out: &mut String, n: u64) {
    crate::digits::push_u64(out, n);
}
