//! The witness of a finding: the facts of a concrete case, in words for the diagnostic and as a
//! case document (the contract's `{ "violation", "facts" }`) that `caliper eval` takes as it is.

use super::{Cuts, Space};
use crate::eval::cond::Env;
use crate::model::{Expr, FactId, FactType, RuleSet, Stmt, Value, ViolationId};
use crate::vocab::Party;
use jiff::civil::Date;

/// The facts of a case the analysis found (facts it leaves out are not given).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Witness {
    /// `(fact, value)` in the order the question read them.
    pub facts: Vec<(FactId, Value)>,
}

impl Witness {
    /// The value of a fact, if the witness gives it.
    pub fn get(&self, f: FactId) -> Option<Value> {
        self.facts.iter().find(|(g, _)| *g == f).map(|(_, v)| *v)
    }

    /// Sets a fact.
    pub fn set(&mut self, f: FactId, v: Value) {
        match self.facts.iter_mut().find(|(g, _)| *g == f) {
            Some(slot) => slot.1 = v,
            None => self.facts.push((f, v)),
        }
    }

    /// The facts in words: `age = 13，corrected = 真`.
    pub fn words(&self, rules: &RuleSet) -> String {
        if self.facts.is_empty() {
            return "任何案件".to_string();
        }
        self.facts
            .iter()
            .filter_map(|(f, v)| {
                let fact = rules.facts.get(*f as usize)?;
                Some(format!("{} = {}", fact.name, value_words(&fact.ty, *v)))
            })
            .collect::<Vec<_>>()
            .join("，")
    }

    /// The case document for a violation: `{ "violation": CODE, "facts": { … } }`.
    pub fn case(&self, rules: &RuleSet, violation: ViolationId) -> serde_json::Value {
        let mut facts = serde_json::Map::new();
        for (f, v) in &self.facts {
            if let Some(fact) = rules.facts.get(*f as usize) {
                let json = match v {
                    Value::Dec(d) => d
                        .normalize()
                        .to_string()
                        .parse::<serde_json::Number>()
                        .map_or(serde_json::Value::Null, serde_json::Value::Number),
                    _ => crate::catalogue::value_json(&fact.ty, *v),
                };
                facts.insert(fact.name.to_string(), json);
            }
        }
        let code = rules
            .violations
            .get(violation as usize)
            .map_or("", |v| &*v.code);
        serde_json::json!({ "violation": code, "facts": facts })
    }

    /// The witness made a whole case of a violation that the engine decides: the party (one
    /// the article punishes), the dates (a day the current version is in force, discovered and
    /// decided the same day), and a value for every other fact the violation's walk reads,
    /// chosen one fact at a time so that as few other list entries as possible match.
    pub fn complete(&self, rules: &RuleSet, violation: ViolationId) -> Witness {
        let mut w = self.clone();
        let Some(v) = rules.violations.get(violation as usize) else {
            return w;
        };
        let std = rules.standard;
        w.party_and_dates(rules, v);
        let entries: Vec<&Expr> = rules
            .entries
            .iter()
            .filter(|e| e.covers.covers(violation))
            .map(|e| &e.cond)
            .collect();
        let space = completion_space(rules, v, &entries);
        let party = match w.get(std.party_type) {
            Some(Value::Enum(i)) if i == std.individual => Party::Individual,
            _ => Party::Unit,
        };
        let must = must_hold(v, party);
        let score = |w: &Witness| {
            let facts = super::facts_of(rules, w);
            let mut env = Env::new(rules, &facts);
            let unmet = must.iter().filter(|e| env.truth(e) == Some(false)).count();
            let matched = entries.iter().filter(|e| super::holds(&mut env, e)).count();
            unmet * 1_000 + matched
        };
        for dim in &space.dims {
            if w.get(dim.fact).is_some() || rules.facts[dim.fact as usize].default.is_some() {
                continue;
            }
            if Some(dim.fact) == std.birth_date || Some(dim.fact) == std.violation_end_date {
                continue;
            }
            let mut best: Option<(usize, Value)> = None;
            for value in dim.values.iter().flatten() {
                let mut trial = w.clone();
                trial.set(dim.fact, *value);
                let n = score(&trial);
                if best.is_none_or(|(m, _)| n < m) {
                    best = Some((n, *value));
                }
            }
            if let Some((_, value)) = best {
                w.set(dim.fact, value);
            }
        }
        if let Some(f) = std.age
            && w.get(f).is_none()
        {
            w.set(f, Value::Int(35));
        }
        w
    }

    /// The party type (individual, unless only units are punished) and the dates (the act's,
    /// or a day the violation is in force), where the witness leaves them open.
    fn party_and_dates(&mut self, rules: &RuleSet, v: &crate::model::Violation) {
        let std = rules.standard;
        if self.get(std.party_type).is_none() {
            let unit_only = v.current().penalties.individual.is_none();
            let individual = std.individual;
            let unit = if individual == 0 { 1 } else { 0 };
            self.set(
                std.party_type,
                Value::Enum(if unit_only { unit } else { individual }),
            );
        }
        let act = std
            .violation_date
            .and_then(|f| self.get(f))
            .and_then(|x| match x {
                Value::Date(d) => Some(d),
                _ => None,
            })
            .unwrap_or_else(|| in_force_day(v));
        for f in [std.violation_date, std.discovery_date, std.decision_date]
            .into_iter()
            .flatten()
        {
            if self.get(f).is_none() {
                self.set(f, Value::Date(act));
            }
        }
    }
}

/// Every other fact the walk reads, cut at the constants its conditions use.
fn completion_space(rules: &RuleSet, v: &crate::model::Violation, entries: &[&Expr]) -> Space {
    let std = rules.standard;
    let mut cuts = Cuts::new();
    for e in entries {
        cuts.expr(rules, e);
    }
    for e in &v.elements {
        cuts.expr(rules, &e.cond);
    }
    for ver in &v.versions {
        for stmts in [&ver.penalties.individual, &ver.penalties.unit]
            .into_iter()
            .flatten()
        {
            stmt_cuts(rules, stmts, &mut cuts);
        }
    }
    for f in [
        std.age,
        std.illegal_income,
        std.already_fined,
        std.safety_related,
        std.harm.map(|(f, _)| f),
    ]
    .into_iter()
    .flatten()
    {
        cuts.fact(f);
    }
    cuts.space(rules)
}

/// Conditions the case must meet for a penalty to arise at all: the elements and the article's
/// own conditions that guard every penalty of the party.
fn must_hold(v: &crate::model::Violation, party: Party) -> Vec<&Expr> {
    let mut must: Vec<&Expr> = v.elements.iter().map(|e| &e.cond).collect();
    for s in v.current().penalties.get(party).unwrap_or_default() {
        if let Stmt::If {
            cond,
            then,
            otherwise,
            ..
        } = s
            && Stmt::any_penalty(then)
            && !Stmt::any_penalty(otherwise)
        {
            must.push(cond);
        }
    }
    must
}

fn stmt_cuts(rules: &RuleSet, stmts: &[Stmt], cuts: &mut Cuts) {
    for s in stmts {
        match s {
            Stmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                cuts.expr(rules, cond);
                stmt_cuts(rules, then, cuts);
                stmt_cuts(rules, otherwise, cuts);
            }
            Stmt::Penalty(p) => {
                for a in &p.alts {
                    if let crate::model::PenaltyAlt::Fine(f) = a {
                        if let Some((fact, _)) = f.scale {
                            cuts.constant(fact, Value::Int(10));
                        }
                        if let Some(fact) = f.per_also {
                            cuts.constant(fact, Value::Int(10));
                        }
                        if let Some(c) = f.cases.and_then(|c| rules.case_tiers.get(c as usize)) {
                            for (e, ..) in &c.rows {
                                cuts.expr(rules, e);
                            }
                        }
                        if let Some(t) = f.tiers.and_then(|t| rules.tiers.get(t as usize)) {
                            for row in &t.rows {
                                if let Some(n) = row.key.bound() {
                                    cuts.constant(t.fact, Value::Dec(n));
                                } else {
                                    cuts.fact(t.fact);
                                }
                            }
                        }
                    }
                }
            }
            // The days of a daily fine: a case that reaches it gives them.
            Stmt::Daily(d) => d.days.for_each_fact(&mut |f| {
                cuts.fact(f);
            }),
            Stmt::Measures(_) => {}
        }
    }
}

/// A day on which the violation's current version is in force (2025-03-01 where it allows).
fn in_force_day(v: &crate::model::Violation) -> Date {
    let cur = v.current();
    let mut day = Date::constant(2025, 3, 1);
    if let Some(from) = cur.from
        && from > day
    {
        day = from;
    }
    if let Some(until) = cur.until
        && until < day
    {
        day = until;
    }
    if let Some(r) = v.repealed
        && r <= day
    {
        day = r.yesterday().unwrap_or(r);
    }
    day
}

/// A value in words, as a drafter writes it in a rule file.
pub fn value_words(ty: &FactType, v: Value) -> String {
    match (ty, v) {
        (_, Value::Bool(true)) => "真".to_string(),
        (_, Value::Bool(false)) => "假".to_string(),
        (_, Value::Int(i)) => i.to_string(),
        (_, Value::Dec(d)) => d.normalize().to_string(),
        (_, Value::Date(d)) => d.to_string(),
        (FactType::Enum(vs), Value::Enum(i)) => vs
            .get(i as usize)
            .map_or_else(|| i.to_string(), |(name, _)| name.clone()),
        (_, Value::Enum(i)) => i.to_string(),
    }
}
