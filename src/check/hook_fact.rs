//! L0409: a hook whose script reads a fact (`facts.x`, or `x` as a constant) that a violation it
//! covers does not read anywhere else: the case form of that violation (`caliper serve`'s
//! `/api/v1/violations/CODE`) does not ask for it, so the script sees it unknown in practice.
//! The read is static: every fact name that occurs in the script's text.

use crate::catalogue::Catalogue;
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;

/// Reports each (hook, fact) once, naming the first violation that does not read the fact.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let catalogue = Catalogue::of(rules);
    for h in &rules.hooks {
        let covered: Vec<u32> = match &h.covers {
            Some(ids) => ids.clone(),
            None => (0..rules.violations.len() as u32).collect(),
        };
        let mut reported: Vec<u32> = Vec::new();
        for &v in &covered {
            let Some(viol) = rules.violations.get(v as usize) else {
                continue;
            };
            let Some(form) = catalogue.form(&viol.code) else {
                continue;
            };
            let mut declared: Vec<u32> = form
                .facts
                .iter()
                .filter_map(|f| rules.fact_index.get(f.name.as_str()).copied())
                .collect();
            super::scope::violation_conditions(rules, &mut |w, e| {
                if w == v {
                    e.for_each_fact(&mut |f| declared.push(f));
                }
            });
            for f in h.script.fact_ids() {
                if declared.contains(&f) || reported.contains(&f) {
                    continue;
                }
                reported.push(f);
                let fact = &rules.facts[f as usize];
                out.push(
                    Diagnostic::error(
                        Code::HookUndeclaredFact,
                        h.span,
                        format!(
                            "钩子 {} 的脚本读取事实 {}，但它适用的违法行为 {} 的规则都不读取这个事实",
                            h.id, fact.name, viol.code
                        ),
                    )
                    .label("钩子")
                    .secondary(fact.span, "事实在此声明")
                    .help(format!(
                        "{} 的案件表单不会询问 {}（{}），脚本运行时它通常未知；把 {} 从“适用”中去掉，或在清单条目、要件中使用这个事实",
                        viol.code, fact.name, fact.label, viol.code
                    )),
                );
            }
        }
    }
}
