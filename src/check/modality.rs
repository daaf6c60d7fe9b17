//! L0413: an entry whose modality contradicts the article it cites: Arts. 30, 32, 33 para 2 and
//! 49 command (应当), Art. 33 para 1 commands no penalty for its first sentence and allows it
//! (可以) for its second (首违不罚), Art. 31 commands no penalty for a party unable to recognise
//! or control the conduct and allows mitigation for one who is partly able. An entry citing one
//! of these alone with the other modality says something the law does not.

use super::scope::{first_covered, with_example};
use super::statute::{Article, Grounds, cited};
use crate::analysis::{self, holds};
use crate::diag::{Code, Diagnostic};
use crate::model::{Entry, RuleSet};
use crate::vocab::{ListKind, Modality};

/// The modality the article commands for an entry of this list, if it fixes one.
fn commanded(rules: &RuleSet, grounds: &Grounds, e: &Entry, a: Article) -> Option<Modality> {
    let no_penalty = e.list == ListKind::NoPenalty;
    match a {
        Article::A30 | Article::A32 | Article::A33P2 | Article::A49 => Some(Modality::Shall),
        Article::A31 => Some(if no_penalty {
            Modality::Shall
        } else {
            Modality::May
        }),
        Article::A33P1 if no_penalty => {
            // The first sentence where the condition implies it, else the second.
            let first = grounds.a33_first.as_ref()?;
            let outside = analysis::exists(rules, &[&e.cond, first], |env| {
                holds(env, &e.cond) && !holds(env, first)
            });
            Some(if outside.is_proven_no() {
                Modality::Shall
            } else {
                Modality::May
            })
        }
        Article::A33P1 => None,
    }
}

/// Reports each local entry citing one article of the law with the modality it does not give.
pub fn check(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let grounds = Grounds::of(rules);
    for e in rules.entries.iter().filter(|e| !e.statutory) {
        let articles = cited(e);
        let [a] = articles.as_slice() else {
            continue;
        };
        let Some(want) = commanded(rules, &grounds, e, *a) else {
            continue;
        };
        if want == e.modality {
            continue;
        }
        let Some(v) = first_covered(rules, e) else {
            continue;
        };
        let mut d = Diagnostic::error(
            Code::ModalityMismatch,
            e.span,
            format!(
                "清单条目 {} 引用{}，该条规定“{}”，条目却写“{}”",
                e.id,
                a.cite(),
                want.zh(),
                e.modality.zh()
            ),
        )
        .label(format!("写作“{}”", e.modality.zh()))
        .help(format!(
            "按所引条款改为“{}”；若这是法定情形之外、由本基准设定的裁量情节，改引设定它的规定（如《中华人民共和国行政处罚法》第五条过罚相当），不要引用{}",
            want.zh(),
            a.cite()
        ));
        if let Some(w) = analysis::exists(rules, &[&e.cond], |env| holds(env, &e.cond)).witness() {
            let shows = format!("{} 以“{}”适用", e.id, e.modality.zh());
            d = with_example(d, rules, v, &w, &shows);
        }
        out.push(d);
    }
}
