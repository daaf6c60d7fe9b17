//! L0414: a local 减轻 (or 从轻或者减轻) entry without a statutory ground. Mitigation below the
//! statutory minimum rests on the Administrative Penalty Law: Art. 30 (14 to 18), Art. 31
//! (partly able), Art. 32 (its items, item 5 being another law, regulation or rule that says
//! so). An entry citing none of them mitigates on no ground.

use super::scope::{first_covered, with_example};
use super::statute::{Article, cited};
use crate::analysis::{self, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::RuleSet;
use crate::vocab::ListKind;

/// Reports each local mitigated entry that cites none of Arts. 30–32.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    for e in rules.entries.iter().filter(|e| {
        !e.statutory && matches!(e.list, ListKind::Mitigated | ListKind::LighterOrMitigated)
    }) {
        let grounded = cited(e)
            .iter()
            .any(|a| matches!(a, Article::A30 | Article::A31 | Article::A32));
        if grounded {
            continue;
        }
        let Some(v) = first_covered(rules, e) else {
            continue;
        };
        let mut d = Diagnostic::error(
            Code::MitigationWithoutGround,
            e.span,
            format!("{}条目 {} 没有引用减轻处罚的法定依据", e.list.zh(), e.id),
        )
        .label("减轻处罚")
        .help("减轻处罚须有法定依据：《中华人民共和国行政处罚法》第三十条、第三十一条或第三十二条（第五项为法律、法规、规章的其他规定）；引用所依据的条款，或把条目改为从轻");
        if let Some(w) = analysis::exists(rules, &[&e.cond], |env| holds(env, &e.cond)).witness() {
            let shows = format!("{} 适用，结果可以减轻处罚", e.id);
            d = with_example(d, rules, v, &w, &shows);
        }
        out.push(d);
    }
}
