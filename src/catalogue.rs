//! The catalogue of a rule set: what a search box and a case form need, in words. This is the one
//! place outside the engine that reads the model for them, so that a service or a form never
//! depends on how the rule set is represented inside.
//!
//! ```
//! let rules = caliper::Rules::embedded().expect("the shipped rules load");
//! let found = rules.catalogue().search("垃圾");
//! assert!(found.iter().any(|v| v.code == "XR-49-2"));
//! let form = rules.catalogue().form("XR-49-2").expect("a shipped code");
//! assert!(form.facts.iter().any(|f| f.name == "party_type"));
//! ```

use crate::Rules;
use crate::model::{Entry, Expr, FactId, FactType, PenaltyAlt, RuleSet, Stmt, Value, Violation};
use crate::publish::words;
use crate::syntax::ast::{ListKind, Modality};
use serde::Serialize;

/// The catalogue of one rule set (borrowed from [`Rules`]).
#[derive(Clone, Copy)]
pub struct Catalogue<'a> {
    rules: &'a RuleSet,
}

impl<'a> Catalogue<'a> {
    /// The catalogue of a checked model.
    pub(crate) fn of(rules: &'a RuleSet) -> Catalogue<'a> {
        Catalogue { rules }
    }
}

impl Rules {
    /// The catalogue: violations to search, and the form of each.
    pub fn catalogue(&self) -> Catalogue<'_> {
        Catalogue {
            rules: self.model(),
        }
    }
}

/// A violation as a search result lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViolationSummary {
    /// Stable code.
    pub code: String,
    /// Title.
    pub title: String,
    /// The regulation's full name, where the rule set groups the violation under one.
    pub regulation: Option<String>,
    /// The article breached (违反).
    pub breach: Option<String>,
    /// The punishing article in force (依据).
    pub basis: String,
    /// The statutory penalty per party, in words.
    pub penalty: PartyPenalties,
}

/// The statutory penalty of the current version of the punishing article, per party, in words;
/// `None` where the article punishes no one of that kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyPenalties {
    /// 公民
    pub individual: Option<String>,
    /// 法人或者其他组织
    pub unit: Option<String>,
}

/// What a case form needs for one violation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViolationForm {
    /// The violation.
    #[serde(flatten)]
    pub violation: ViolationSummary,
    /// The facts this violation's walk can ask about, in declaration order.
    pub facts: Vec<FormFact>,
    /// The list entries that cover it, in file order.
    pub entries: Vec<FormEntry>,
    /// The local exceptions (rhai hooks) that cover it; a script may read any fact.
    pub hooks: Vec<FormHook>,
}

/// A fact a form asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormFact {
    /// The key in the case's `facts`.
    pub name: String,
    /// `bool`, `int`, `decimal`, `money`, `date` or `enum`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// The type in Chinese.
    pub type_zh: &'static str,
    /// Chinese label.
    pub label: String,
    /// Unit, if any (money is in yuan).
    pub unit: Option<String>,
    /// The options of an `enum` fact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FormOption>,
    /// The value taken when the case does not give one; `None`: the fact is then unknown.
    pub default: Option<serde_json::Value>,
    /// The steps and entries that read it.
    pub used_by: Vec<FactUse>,
}

/// One option of an `enum` fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormOption {
    /// The value to send.
    pub value: String,
    /// Its Chinese label.
    pub label: String,
}

/// A step of the walk or a list entry that reads a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactUse {
    /// `step` or `entry`.
    pub kind: &'static str,
    /// The step's code (`elements`, `higher`, `party`, `law_in_force`, `limitation`, `penalty`,
    /// `tiers`, `concurrent_fine`) or the entry's id.
    pub id: String,
    /// In Chinese: what the step does, or the entry's title.
    pub label: String,
}

/// A list entry that covers the violation, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormEntry {
    /// Stable id.
    pub id: String,
    /// `no_penalty`, `lighter`, `lighter_or_mitigated`, `mitigated` or `aggravated`.
    pub list: &'static str,
    /// The list in Chinese.
    pub list_zh: &'static str,
    /// Restates a statute.
    pub statutory: bool,
    /// `shall` (应当) or `may` (可以).
    pub modality: &'static str,
    /// Title as published.
    pub title: String,
    /// The condition in words.
    pub condition: String,
    /// Citations.
    pub basis: Vec<String>,
    /// Where it is adapted from.
    pub source: Option<String>,
    /// `path:line:col` in the rule files.
    pub location: String,
}

/// A hook that covers the violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormHook {
    /// Stable id.
    pub id: String,
    /// What it does.
    pub title: String,
    /// The authorising documents.
    pub basis: Vec<String>,
}

impl<'a> Catalogue<'a> {
    /// Every violation, in file order.
    pub fn all(&self) -> Vec<ViolationSummary> {
        self.rules
            .violations
            .iter()
            .map(|v| self.summary(v))
            .collect()
    }

    /// The violations whose code, title, regulation or articles contain `q` (code matched without
    /// regard to case), or one of the words the statutes use for what a caseworker calls it
    /// (占道 → 占用城市道路, 设摊); an empty query lists them all.
    pub fn search(&self, q: &str) -> Vec<ViolationSummary> {
        let q = q.trim();
        let upper = q.to_ascii_uppercase();
        let statutes_say: &[&str] = EVERYDAY_WORDS
            .iter()
            .find(|(word, _)| *word == q)
            .map_or(&[], |(_, says)| says);
        let text_has = |v: &Violation, w: &str| {
            v.title.contains(w)
                || v.basis().contains(w)
                || v.breach.as_deref().is_some_and(|b| b.contains(w))
                || self.regulation(v).is_some_and(|r| r.contains(w))
        };
        self.rules
            .violations
            .iter()
            .filter(|v| {
                q.is_empty()
                    || v.code.to_ascii_uppercase().contains(&upper)
                    || text_has(v, q)
                    || statutes_say.iter().any(|w| text_has(v, w))
            })
            .map(|v| self.summary(v))
            .collect()
    }

    /// The form of one violation, or `None` for a code the rule set does not have.
    pub fn form(&self, code: &str) -> Option<ViolationForm> {
        let &id = self.rules.violation_index.get(code)?;
        let v = self.rules.violations.get(id as usize)?;
        let entries: Vec<&Entry> = self
            .rules
            .entries
            .iter()
            .filter(|e| e.covers.covers(id))
            .collect();
        let mut uses: Vec<Vec<FactUse>> = vec![Vec::new(); self.rules.facts.len()];
        let mut add = |f: FactId, u: FactUse| {
            if let Some(list) = uses.get_mut(f as usize)
                && !list.contains(&u)
            {
                list.push(u);
            }
        };
        for (f, step, label) in self.standard_uses() {
            add(f, step_use(step, label));
        }
        // Step 0: the elements (要件) decide whether the code applies at all.
        for e in &v.elements {
            let mut seen = Vec::new();
            self.expr_facts(&e.cond, &mut seen, &mut |f| {
                add(f, step_use("elements", "构成要件（不具备时不适用本编号）"));
            });
        }
        for h in &v.higher {
            if let Some((cond, _)) = &h.when {
                let mut seen = Vec::new();
                self.expr_facts(cond, &mut seen, &mut |f| {
                    add(f, step_use("higher", "同时违反上位法的情形（第二十九条）"));
                });
            }
        }
        for ver in &v.versions {
            for stmts in [&ver.penalties.individual, &ver.penalties.unit]
                .into_iter()
                .flatten()
            {
                self.penalty_facts(stmts, &mut |f, step, label| add(f, step_use(step, label)));
            }
        }
        for e in &entries {
            let mut seen = Vec::new();
            self.expr_facts(&e.cond, &mut seen, &mut |f| {
                add(
                    f,
                    FactUse {
                        kind: "entry",
                        id: e.id.to_string(),
                        label: e.title.to_string(),
                    },
                );
            });
        }
        let facts = self
            .rules
            .facts
            .iter()
            .zip(uses)
            .filter(|(_, u)| !u.is_empty())
            .map(|(f, used_by)| FormFact {
                name: f.name.to_string(),
                ty: type_code(&f.ty),
                type_zh: f.ty.describe(),
                label: f.label.to_string(),
                unit: f
                    .unit
                    .clone()
                    .or_else(|| (f.ty == FactType::Money).then(|| "元".to_string())),
                options: match &f.ty {
                    FactType::Enum(vs) => vs
                        .iter()
                        .map(|(value, label)| FormOption {
                            value: value.clone(),
                            label: label.clone(),
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                default: f.default.map(|d| value_json(&f.ty, d)),
                used_by,
            })
            .collect();
        let hooks = self
            .rules
            .hooks
            .iter()
            .filter(|h| h.covers.as_ref().is_none_or(|c| c.contains(&id)))
            .map(|h| FormHook {
                id: h.id.to_string(),
                title: h.title.to_string(),
                basis: h.basis.iter().map(|b| b.to_string()).collect(),
            })
            .collect();
        Some(ViolationForm {
            violation: self.summary(v),
            facts,
            entries: entries.iter().map(|e| self.entry(e)).collect(),
            hooks,
        })
    }

    /// The codes of every violation, for suggestions.
    pub fn codes(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.rules.violations.iter().map(|v| &*v.code)
    }

    fn regulation(&self, v: &Violation) -> Option<&'a str> {
        v.regulation
            .and_then(|r| self.rules.regulations.get(r as usize))
            .map(|r| r.name.as_str())
    }

    fn summary(&self, v: &Violation) -> ViolationSummary {
        let cur = v.current();
        let party = |s: Option<&[Stmt]>| s.map(|s| words::stmts(self.rules, s));
        ViolationSummary {
            code: v.code.to_string(),
            title: v.title.to_string(),
            regulation: self.regulation(v).map(str::to_string),
            breach: cur
                .breach
                .as_deref()
                .or(v.breach.as_deref())
                .map(str::to_string),
            basis: cur.basis.to_string(),
            penalty: PartyPenalties {
                individual: party(cur.penalties.individual.as_deref()),
                unit: party(cur.penalties.unit.as_deref()),
            },
        }
    }

    fn entry(&self, e: &Entry) -> FormEntry {
        let (list, list_zh) = match e.list {
            ListKind::NoPenalty => ("no_penalty", "不予处罚"),
            ListKind::Lighter => ("lighter", "从轻处罚"),
            ListKind::LighterOrMitigated => ("lighter_or_mitigated", "从轻或者减轻处罚"),
            ListKind::Mitigated => ("mitigated", "减轻处罚"),
            ListKind::Aggravated => ("aggravated", "从重处罚"),
        };
        FormEntry {
            id: e.id.to_string(),
            list,
            list_zh,
            statutory: e.statutory,
            modality: match e.modality {
                Modality::Shall => "shall",
                Modality::May => "may",
            },
            title: e.title.to_string(),
            condition: words::condition(self.rules, &e.cond),
            basis: e.basis.iter().map(|b| b.to_string()).collect(),
            source: e.source.as_deref().map(str::to_string),
            location: e.location.to_string(),
        }
    }

    /// The facts the engine reads itself, with the step that reads them.
    fn standard_uses(&self) -> Vec<(FactId, &'static str, &'static str)> {
        let s = &self.rules.standard;
        let mut out = vec![(s.party_type, "party", "按当事人类型适用罚款幅度")];
        let mut opt = |f: Option<FactId>, step, label| {
            if let Some(f) = f {
                out.push((f, step, label));
            }
        };
        opt(s.violation_date, "law_in_force", "适用违法行为发生时的法律");
        opt(s.decision_date, "law_in_force", "适用违法行为发生时的法律");
        opt(s.violation_date, "limitation", "追责期限（第三十六条）");
        opt(s.violation_end_date, "limitation", "追责期限（第三十六条）");
        opt(s.discovery_date, "limitation", "追责期限（第三十六条）");
        opt(s.safety_related, "limitation", "追责期限（第三十六条）");
        opt(s.harm.map(|h| h.0), "limitation", "追责期限（第三十六条）");
        opt(s.birth_date, "age", "年龄（第三十条）");
        opt(s.age, "age", "年龄（第三十条）");
        opt(
            s.already_fined,
            "concurrent_fine",
            "同一违法行为不得给予两次以上罚款（第二十九条）",
        );
        out
    }

    /// The facts a penalty statement list reads: the article's own conditions, per-unit and
    /// multiple-based amounts, tier tables.
    fn penalty_facts(
        &self,
        stmts: &[Stmt],
        f: &mut impl FnMut(FactId, &'static str, &'static str),
    ) {
        for s in stmts {
            match s {
                Stmt::Measures(_) => {}
                Stmt::Daily(d) => d
                    .days
                    .for_each_fact(&mut |x| f(x, "penalty", "按日连续处罚的日数")),
                Stmt::Penalty(p) => {
                    for a in &p.alts {
                        if let PenaltyAlt::Fine(spec) = a {
                            if let Some((fact, _)) = spec.scale {
                                f(fact, "penalty", "按数量或者倍数计算罚款");
                            }
                            if let Some(fact) = spec.per_also {
                                f(fact, "penalty", "按数量或者倍数计算罚款");
                            }
                            if let Some(c) = spec
                                .cases
                                .and_then(|c| self.rules.case_tiers.get(c as usize))
                            {
                                for (e, ..) in &c.rows {
                                    e.for_each_fact(&mut |x| f(x, "tiers", "情节档次"));
                                }
                            }
                            if let Some(t) =
                                spec.tiers.and_then(|t| self.rules.tiers.get(t as usize))
                            {
                                f(t.fact, "tiers", "情节档次");
                            }
                        }
                    }
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    let mut seen = Vec::new();
                    self.expr_facts(cond, &mut seen, &mut |x| f(x, "penalty", "罚则的条件"));
                    self.penalty_facts(then, f);
                    self.penalty_facts(otherwise, f);
                }
            }
        }
    }

    /// Every fact a condition reads, through its predicates (each visited once).
    fn expr_facts(&self, e: &Expr, seen: &mut Vec<u32>, f: &mut impl FnMut(FactId)) {
        e.for_each_fact(f);
        let mut preds = Vec::new();
        e.for_each_pred(&mut |p| preds.push(p));
        for p in preds {
            if seen.contains(&p) {
                continue;
            }
            seen.push(p);
            if let Some(pred) = self.rules.predicates.get(p as usize) {
                self.expr_facts(&pred.cond, seen, f);
            }
        }
    }
}

fn step_use(step: &'static str, label: &'static str) -> FactUse {
    FactUse {
        kind: "step",
        id: step.to_string(),
        label: label.to_string(),
    }
}

fn type_code(t: &FactType) -> &'static str {
    match t {
        FactType::Bool => "bool",
        FactType::Int => "int",
        FactType::Decimal => "decimal",
        FactType::Money => "money",
        FactType::Date => "date",
        FactType::Enum(_) => "enum",
    }
}

/// A value as the case document writes it.
pub(crate) fn value_json(ty: &FactType, v: Value) -> serde_json::Value {
    match v {
        Value::Bool(b) => b.into(),
        Value::Int(i) => i.into(),
        Value::Dec(d) => serde_json::to_value(d).unwrap_or(serde_json::Value::Null),
        Value::Date(d) => d.to_string().into(),
        Value::Enum(i) => match ty {
            FactType::Enum(vs) => vs
                .get(i as usize)
                .map_or(serde_json::Value::Null, |(name, _)| name.clone().into()),
            _ => serde_json::Value::Null,
        },
    }
}

/// What caseworkers call an act, and the words the statutes use for it: a search for the
/// everyday word finds the violations whose texts say it the statutes' way.
const EVERYDAY_WORDS: &[(&str, &[&str])] = &[
    ("占道", &["占用城市道路", "设摊", "占用"]),
    ("摆摊", &["设摊"]),
    ("渣土", &["建筑垃圾", "渣土"]),
    ("乱贴", &["张贴", "涂写", "刻画"]),
    ("乱扔", &["乱扔", "丢弃", "倾倒"]),
];

/// Whether a coverage names the violation explicitly (rather than through 全部).
#[cfg(test)]
fn names(c: &crate::model::Coverage, v: u32) -> bool {
    matches!(c, crate::model::Coverage::Only(ids) if ids.contains(&v))
}

#[cfg(test)]
mod tests {
    use super::{Rules, names};

    #[test]
    fn everyday_words_find_what_the_statutes_call_it() {
        let rules = Rules::embedded().expect("the shipped rules load");
        let cat = rules.catalogue();
        let codes = |q: &str| -> Vec<String> {
            cat.search(q)
                .into_iter()
                .map(|s| s.code.to_string())
                .collect()
        };
        let found = codes("占道");
        assert!(found.iter().any(|c| c == "DL-27-1"), "{found:?}");
        assert!(found.iter().any(|c| c == "XR-42"), "{found:?}");
        assert!(codes("摆摊").iter().any(|c| c == "XR-42"));
        // A word that is not an everyday word only matches the texts themselves.
        assert!(codes("占道经营许可").is_empty());
    }

    #[test]
    fn the_form_of_a_violation_lists_its_entries_and_the_facts_they_read() {
        let rules = Rules::embedded().expect("the shipped rules load");
        let cat = rules.catalogue();
        let form = cat.form("XR-49-2").expect("a shipped code");
        assert_eq!(form.violation.code, "XR-49-2");
        assert_eq!(
            form.violation.penalty.individual.as_deref(),
            Some("罚款200元以下")
        );
        let corrected = form
            .facts
            .iter()
            .find(|f| f.name == "corrected")
            .expect("an entry reads corrected");
        assert_eq!(corrected.ty, "bool");
        assert!(corrected.used_by.iter().any(|u| u.kind == "entry"));
        let party = form
            .facts
            .iter()
            .find(|f| f.name == "party_type")
            .expect("every walk reads the party");
        assert_eq!(party.options.len(), 2);
        assert!(form.entries.iter().any(|e| e.id == "L-XR-49-2-1"));
        let id = rules.model().violation_index["XR-49-2"];
        assert!(
            rules
                .model()
                .entries
                .iter()
                .filter(|e| names(&e.covers, id))
                .all(|e| form.entries.iter().any(|f| *f.id == *e.id))
        );
        assert!(cat.form("XR-00").is_none());
    }

    #[test]
    fn search_matches_code_and_chinese_words() {
        let rules = Rules::embedded().expect("the shipped rules load");
        let cat = rules.catalogue();
        assert!(cat.search("xr-49").iter().any(|v| v.code == "XR-49-2"));
        assert!(cat.search("").len() == cat.all().len());
        assert!(cat.search("没有这个关键词的违法行为").is_empty());
    }
}
