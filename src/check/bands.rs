//! C0310, C0311: bands of their own (从轻幅度, 一般幅度, 从重幅度) must lie in the statutory
//! range and follow one another from the lighter up, touching at most.

use crate::diag::{Code, Diagnostic};
use crate::model::{Fractions, RuleSet};
use crate::source::Span;
use rust_decimal::Decimal;

/// Reports the rule set's and every version's own bands that leave the range or overlap.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    if let (Some(f), Some(span)) = (rules.params.bands, rules.params.bands_span) {
        one(&f, span, "规则集", out);
    }
    for v in &rules.violations {
        for ver in &v.versions {
            if let (Some(f), Some(span)) = (ver.bands, ver.bands_span)
                && !f.is_split()
            {
                one(&f, span, &format!("违法行为 {}", v.code), out);
            }
        }
    }
}

fn one(f: &Fractions, span: Span, what: &str, out: &mut Vec<Diagnostic>) {
    let pct = |x: Decimal| (x * Decimal::from(100)).normalize();
    let named = [
        ("从轻", f.lighter),
        ("一般", f.standard),
        ("从重", f.aggravated),
    ];
    let mut outside = false;
    for (name, (lo, hi)) in named {
        if lo < Decimal::ZERO || hi > Decimal::ONE || lo > hi {
            outside = true;
            out.push(
                Diagnostic::error(
                    Code::BandsOutside,
                    span,
                    format!(
                        "{what}的{name}幅度 {}%–{}% 不在法定幅度之内",
                        pct(lo),
                        pct(hi)
                    ),
                )
                .label("超出 0..1 或下限大于上限")
                .help("各档写作 下限..上限，都在 0 和 1 之间，如 一般幅度 0.4..0.6"),
            );
        }
    }
    if outside {
        return;
    }
    for pair in named.windows(2) {
        let [(a, (_, a_hi)), (b, (b_lo, _))] = pair else {
            continue;
        };
        if a_hi > b_lo {
            out.push(
                Diagnostic::error(
                    Code::BandsOverlap,
                    span,
                    format!(
                        "{what}的{a}幅度上限 {}% 高于{b}幅度下限 {}%",
                        pct(*a_hi),
                        pct(*b_lo)
                    ),
                )
                .label("两档重叠或次序颠倒")
                .help(format!("{a}的上限不能大于{b}的下限；两档可以相接，如 从轻幅度 0..0.3 一般幅度 0.3..0.7")),
            );
        }
    }
}
