//! Explaining a decision: the trace of the walk, rendered in Chinese for a caseworker.

mod trace;

pub use crate::eval::trace::{FineStep, Step, Trace};

use crate::eval::decision::Decision;
use crate::vocab::{Modality, Yuan};
use std::fmt::Write;

/// A decision as text for a person: the conclusion, the fine, the basis and the walk.
pub fn render_decision(d: &Decision) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "违法行为：{}", d.violation);
    if d.outcome == crate::eval::decision::Outcome::Undetermined {
        let _ = writeln!(s, "裁量结果：{}", d.outcome.zh());
    } else {
        let m = Modality::of(d.mandatory).zh();
        let _ = writeln!(s, "裁量结果：{}（{m}）", d.outcome.zh());
    }
    if let Some(f) = d.fine {
        let _ = writeln!(s, "罚款幅度：{} 元至 {} 元", Yuan(f.min), Yuan(f.max));
    }
    if !d.penalties.is_empty() {
        let kinds: Vec<&str> = d.penalties.iter().map(|p| p.kind.zh()).collect();
        let _ = writeln!(s, "处罚种类：{}", kinds.join("、"));
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
        let needs: Vec<&str> = d.needs.iter().map(|n| &**n).collect();
        let _ = writeln!(s, "需要补充的事实：{}", needs.join("、"));
    }
    let p = d.procedure;
    let yes = |b: bool| if b { "是" } else { "否" };
    let _ = writeln!(
        s,
        "程序：简易程序 {}；告知听证 {}；法制审核 {}",
        yes(p.summary),
        yes(p.hearing_notice),
        yes(p.legal_review)
    );
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
