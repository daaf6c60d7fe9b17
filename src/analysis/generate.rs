//! Boundary cases for a violation (`caliper test --generate CODE`): from a baseline case, each
//! fact its conditions and tiers compare is set to each side of every constant (the pieces of
//! its partitioned domain), and the engine's current answer is written as the expectation,
//! marked to be reviewed.

use super::{Cuts, Witness};
use crate::Rules;
use crate::model::{Stmt, Value};

/// The most cases one file gets (a violation with many facts and constants).
pub const MAX_GENERATED: usize = 200;

/// The text of a new `*.test.toml` with the boundary cases of a violation, or why not.
pub fn boundary_cases(rules: &Rules, code: &str) -> Result<String, String> {
    let m = rules.model();
    let Some(&v) = m.violation_index.get(code) else {
        let near = crate::diag::nearest(code, m.violations.iter().map(|v| &*v.code));
        return Err(match near {
            Some(n) => format!("规则集中没有违法行为 {code}（是否是 {n}？）"),
            None => format!("规则集中没有违法行为 {code}"),
        });
    };
    let viol = &m.violations[v as usize];
    let mut cuts = Cuts::new();
    for e in m.entries.iter().filter(|e| e.covers.covers(v)) {
        cuts.expr(m, &e.cond);
    }
    for e in &viol.elements {
        cuts.expr(m, &e.cond);
    }
    for ver in &viol.versions {
        for ss in [&ver.penalties.individual, &ver.penalties.unit]
            .into_iter()
            .flatten()
        {
            conds(m, ss, &mut cuts);
        }
    }
    for t in super::tiers::tier_tables_of(m, v) {
        for r in &t.rows {
            if let Some(n) = r.key.bound() {
                cuts.constant(t.fact, Value::Dec(n));
            } else {
                cuts.fact(t.fact);
            }
        }
    }
    let space = cuts.space(m);
    let base = Witness::default().complete(m, v);
    let mut out = format!(
        "# {code}「{}」的边界案例：由 caliper test --generate {code} 生成。\n\
         # 每个案例在基准案例上只改变一个事实，取其条件和档次中每个常数本身及其两侧的值。\n\
         # 待审核：expect 是引擎当前的答案，不是人工核对的结论；逐条核对后删去“待审核”。\n",
        viol.title
    );
    let mut n = 0;
    let mut push = |w: &Witness, label: String, out: &mut String| -> bool {
        if n >= MAX_GENERATED {
            return false;
        }
        let doc = w.case(m, v);
        let Ok(case) = serde_json::from_value::<crate::Case>(doc.clone()) else {
            return true;
        };
        let Ok(d) = rules.evaluate(&case) else {
            return true;
        };
        n += 1;
        out.push_str(&format!(
            "\n[[case]]\nname = \"{code} 边界 {n}：{label}（待审核）\"\nviolation = \"{code}\"\n"
        ));
        out.push_str(&format!("facts = {}\n", toml_inline(&doc["facts"])));
        out.push_str("\n[case.expect]\n# 待审核：引擎当前的答案\n");
        out.push_str(&format!("outcome = \"{}\"\n", d.outcome.code()));
        out.push_str(&format!("mandatory = {}\n", d.mandatory));
        if let Some(f) = d.fine {
            out.push_str(&format!("fine = \"{f}\"\n"));
        }
        true
    };
    push(&base, "基准案例".to_string(), &mut out);
    'dims: for dim in &space.dims {
        let fact = &m.facts[dim.fact as usize];
        for value in dim.values.iter().flatten() {
            if base.get(dim.fact) == Some(*value) {
                continue;
            }
            let mut w = base.clone();
            w.set(dim.fact, *value);
            let label = format!(
                "{} = {}",
                fact.name,
                super::witness::value_words(&fact.ty, *value)
            );
            if !push(&w, label, &mut out) {
                break 'dims;
            }
        }
    }
    Ok(out)
}

fn conds(m: &crate::model::RuleSet, ss: &[Stmt], cuts: &mut Cuts) {
    for s in ss {
        if let Stmt::If {
            cond,
            then,
            otherwise,
            ..
        } = s
        {
            cuts.expr(m, cond);
            conds(m, then, cuts);
            conds(m, otherwise, cuts);
        }
    }
}

/// A JSON object of facts as a TOML inline table (dates unquoted, as test files write them).
fn toml_inline(facts: &serde_json::Value) -> String {
    let Some(obj) = facts.as_object() else {
        return "{}".to_string();
    };
    let parts: Vec<String> = obj
        .iter()
        .map(|(k, v)| {
            let val = match v {
                serde_json::Value::String(s)
                    if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') =>
                {
                    s.clone()
                }
                serde_json::Value::String(s) => format!("\"{s}\""),
                other => other.to_string(),
            };
            format!("{k} = {val}")
        })
        .collect();
    format!("{{ {} }}", parts.join(", "))
}
