//! L0411: a predicate defined and never used: no list entry, article condition, element, higher
//! norm's condition or other predicate names it.

use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports each unused predicate at its definition.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let mut used = vec![false; rules.predicates.len()];
    let mut mark = |p: u32| {
        if let Some(u) = used.get_mut(p as usize) {
            *u = true;
        }
    };
    for e in &rules.entries {
        e.cond.for_each_pred(&mut mark);
    }
    for (i, p) in rules.predicates.iter().enumerate() {
        p.cond.for_each_pred(&mut |q| {
            if q as usize != i {
                mark(q);
            }
        });
    }
    super::scope::violation_conditions(rules, &mut |_, e| e.for_each_pred(&mut mark));
    for (p, pred) in rules.predicates.iter().enumerate() {
        if !used[p] {
            out.push(
                Diagnostic::error(
                    Code::UnusedPredicate,
                    pred.span,
                    format!("谓词 {}（{}）已定义但从未使用", pred.name, pred.label),
                )
                .label("没有条件使用它")
                .help("删去这个谓词，或在条目的条件中使用它"),
            );
        }
    }
}
