//! L0410: a fact declared and never used: no condition, predicate, fine, tier table, hook
//! script or step of the engine reads it, so a case that gives it changes nothing.

use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports each unused fact at its declaration.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let mut used = vec![false; rules.facts.len()];
    let mut mark = |f: u32| {
        if let Some(u) = used.get_mut(f as usize) {
            *u = true;
        }
    };
    let s = &rules.standard;
    mark(s.party_type);
    for f in [
        s.illegal_income,
        s.already_fined,
        s.violation_date,
        s.violation_end_date,
        s.discovery_date,
        s.decision_date,
        s.birth_date,
        s.age,
        s.safety_related,
        s.harm.map(|h| h.0),
    ]
    .into_iter()
    .flatten()
    {
        mark(f);
    }
    for e in &rules.entries {
        e.cond.for_each_fact(&mut mark);
    }
    for p in &rules.predicates {
        p.cond.for_each_fact(&mut mark);
    }
    super::scope::violation_conditions(rules, &mut |_, e| e.for_each_fact(&mut mark));
    for v in &rules.violations {
        super::scope::fine_facts(rules, v, &mut mark);
    }
    super::daily_fine::days_facts(rules, &mut mark);
    for h in &rules.hooks {
        h.script.fact_ids().for_each(&mut mark);
    }
    for (f, fact) in rules.facts.iter().enumerate() {
        if !used[f] {
            out.push(
                Diagnostic::error(
                    Code::UnusedFact,
                    fact.span,
                    format!("事实 {}（{}）已声明但从未使用", fact.name, fact.label),
                )
                .label("没有条件、罚款、档次或钩子读取它")
                .help("删去这个声明，或在应当考虑它的条目中使用它"),
            );
        }
    }
}
