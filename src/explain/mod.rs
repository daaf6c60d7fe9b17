//! Explaining a decision: the trace of the walk, rendered in Chinese for a caseworker.

mod daily;
mod json;
mod trace;

pub use crate::eval::trace::{FineStep, Step, Trace};
pub use json::{decision_json, error_json, write_decision};
// The case reader finds the end of a string with the writer's test for the bytes to escape.
pub(crate) use json::may_escape;

use crate::eval::decision::Decision;
use crate::vocab::{Modality, Yuan};
use std::fmt::Write;

/// A decision as text for a person: the conclusion, the fine, the basis and the walk.
pub fn render_decision(d: &Decision) -> String {
    render_decision_labelled(d, |_| None)
}

/// [`render_decision`], with the facts a decision needs named by their Chinese labels
/// (`label(name)`), as the rule set declares them.
pub fn render_decision_labelled(d: &Decision, label: impl Fn(&str) -> Option<String>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "违法行为：{}", d.violation);
    if let Some(na) = &d.not_applicable {
        let _ = writeln!(s, "裁量结果：{}——{}", d.outcome.zh(), na.message);
        if !d.see_also.is_empty() {
            let codes: Vec<&str> = d.see_also.iter().map(|c| &**c).collect();
            let _ = writeln!(s, "可考虑的违法行为：{}", codes.join("、"));
        }
    } else if d.outcome == crate::eval::decision::Outcome::Undetermined {
        let _ = writeln!(s, "裁量结果：{}", d.outcome.zh());
    } else {
        let m = Modality::of(d.mandatory).zh();
        let _ = writeln!(s, "裁量结果：{}（{m}）", d.outcome.zh());
    }
    if let Some(f) = d.fine {
        let _ = writeln!(s, "罚款幅度：{} 元至 {} 元", Yuan(f.min), Yuan(f.max));
    }
    if let Some(b) = &d.fine_barred {
        let _ = writeln!(
            s,
            "不再罚款：同一违法行为已被处以罚款（{}）；其他处罚种类照常",
            b.basis
        );
    }
    if let Some(f) = &d.daily_fine {
        let may = if f.discretionary { "（可以）" } else { "" };
        let _ = writeln!(
            s,
            "按日连续处罚{may}：{} 日，每日 {} 元至 {} 元，共 {} 元至 {} 元",
            f.days,
            Yuan(f.per_day.min),
            Yuan(f.per_day.max),
            Yuan(f.total.min),
            Yuan(f.total.max)
        );
    }
    if !d.penalties.is_empty() {
        let _ = writeln!(s, "处罚种类：{}", penalties(&d.penalties));
    }
    let measures: Vec<&str> = d.measures.iter().map(|m| m.zh()).collect();
    let _ = writeln!(s, "措施：{}", measures.join("、"));
    for a in &d.alternatives {
        let m = Modality::of(a.mandatory).zh();
        let _ = write!(s, "也可：{}（{m}）", a.outcome.zh());
        if let Some(f) = a.fine {
            let _ = write!(s, "，罚款 {} 元至 {} 元", Yuan(f.min), Yuan(f.max));
        }
        s.push('\n');
    }
    if !d.needs.is_empty() {
        let needs: Vec<String> = d
            .needs
            .iter()
            .map(|n| label(n).map_or_else(|| n.to_string(), |l| format!("{l}（{n}）")))
            .collect();
        let _ = writeln!(s, "需要补充的事实：{}", needs.join("、"));
    }
    for c in &d.concurrent {
        let kinds = if c.penalties.is_empty() {
            "不再罚款，没有其他处罚".to_string()
        } else {
            format!("不再罚款，其他处罚：{}", penalties(&c.penalties))
        };
        let _ = writeln!(
            s,
            "并存的规范（第二十九条）：{} {}，{}；{kinds}",
            c.violation,
            c.basis.first().map_or("", |b| &**b),
            c.outcome.zh()
        );
    }
    let p = d.procedure;
    let yes = |b: bool| if b { "是" } else { "否" };
    let _ = writeln!(
        s,
        "程序：简易程序 {}；告知听证 {}；法制审核 {}",
        yes(p.summary),
        flag(p.hearing_notice),
        flag(p.legal_review)
    );
    if p.collective_discussion {
        let _ = writeln!(
            s,
            "须由行政机关负责人集体讨论决定（《中华人民共和国行政处罚法》第五十七条第二款）"
        );
    }
    let _ = writeln!(s, "依据：");
    for b in &d.basis {
        let _ = writeln!(s, "  {b}");
    }
    if !d.applied.is_empty() {
        let _ = writeln!(s, "适用的情节：");
        for a in &d.applied {
            let _ = writeln!(s, "  {} {}（{}）", a.id, a.title, a.source);
        }
    }
    if !d.outweighed.is_empty() {
        let _ = writeln!(s, "不予适用的情节：");
        for a in &d.outweighed {
            let _ = writeln!(s, "  {} {}（{}）", a.id, a.title, a.source);
        }
    }
    let _ = writeln!(s, "推理过程：");
    for (i, line) in d.trace.lines().iter().enumerate() {
        let _ = writeln!(s, "  {}. {line}", i + 1);
    }
    let _ = writeln!(
        s,
        "规则集：{} {}（{}）",
        d.ruleset.name, d.ruleset.version, d.ruleset.digest
    );
    s
}

/// A procedure flag in words: 是, 否, or 罚款达到 N 元时是.
fn flag(f: crate::decision::Flag) -> String {
    match f {
        crate::decision::Flag::Yes => "是".to_string(),
        crate::decision::Flag::No => "否".to_string(),
        crate::decision::Flag::IfFineAtLeast(n) => format!("罚款达到 {} 元时是", n.normalize()),
    }
}

/// A review of a proposed decision as text for a person: the review's findings, then the
/// decision it was measured against.
pub fn render_review(r: &crate::review::Reviewed) -> String {
    use crate::review::{FinePosition, Requirement};
    let v = &r.review;
    let mut s = String::new();
    let _ = writeln!(s, "审查结论：{}", if v.lawful { "合法" } else { "不合法" });
    if let Some(p) = v.fine_position {
        let at = match p {
            FinePosition::InBand => "在建议幅度内",
            FinePosition::InRangeOutsideBand => "在法定幅度内，但不在建议幅度内",
            FinePosition::BelowRange => "低于法定最低额",
            FinePosition::AboveRange => "超过法定最高额",
        };
        let _ = writeln!(s, "罚款位置：{at}");
    }
    if !v.requires.is_empty() {
        let req: Vec<&str> = v
            .requires
            .iter()
            .map(|q| match q {
                Requirement::WrittenReason => "书面说明理由",
                Requirement::LegalReview => "法制审核",
                Requirement::CollectiveDiscussion => "集体讨论",
            })
            .collect();
        let _ = writeln!(s, "须：{}", req.join("、"));
    }
    let p = v.procedure;
    let yes = |b: bool| if b { "是" } else { "否" };
    let _ = writeln!(
        s,
        "按拟作出的处罚：简易程序 {}；告知听证 {}；法制审核 {}",
        yes(p.summary),
        flag(p.hearing_notice),
        flag(p.legal_review)
    );
    if !v.findings.is_empty() {
        let _ = writeln!(s, "审查意见：");
        for (i, f) in v.findings.iter().enumerate() {
            let _ = writeln!(s, "  {}. {f}", i + 1);
        }
    }
    let _ = writeln!(s, "——裁量建议——");
    s.push_str(&render_decision(&r.decision));
    s
}

/// Penalty kinds in words: 罚款（可以）, 警告或者罚款.
fn penalties(ps: &[crate::decision::PenaltyOut]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for p in ps {
        let mut word = p.kind.zh().to_string();
        if !p.alternatives.is_empty() {
            let mut all: Vec<&str> = vec![p.kind.zh()];
            all.extend(p.alternatives.iter().map(|k| k.zh()));
            all.sort_unstable();
            word = all.join("或者");
        }
        if p.discretionary {
            word.push_str("（可以并处）");
        }
        if !seen.contains(&word) {
            seen.push(word);
        }
    }
    seen.join("、")
}
