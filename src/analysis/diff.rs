//! What a revision of a rule set changes, as a reviewer writes it in a 起草说明: violations,
//! entries, ranges, tiers and versions added, removed and changed, in words; and the cases whose
//! outcome, fine or procedure changes, each with the old and the new decision side by side.
//!
//! The cases come from the analysis: for every violation in both rule sets, a case where each
//! list entry covering it holds (old or new), a case selecting each tier, and a baseline case,
//! each completed into a whole case ([`Witness::complete`]) and evaluated on each version day of
//! either rule set. A case whose old and new decisions differ is kept once per violation and
//! kind of change (the region of the fact space where the result changes, as far as these
//! representatives reach it). A revision that changes no decision of any of them reports "no
//! change in any decision".

use super::{Witness, holds};
use crate::model::{RuleSet, ViolationId};
use crate::{Case, Decision, Rules};
use serde::Serialize;

/// One change in the rule text, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `violation`, `entry`, `version`, `range`, `tiers` or `hook`.
    pub kind: &'static str,
    /// `added`, `removed` or `changed`.
    pub what: &'static str,
    /// The code or id.
    pub id: String,
    /// In Chinese.
    pub text: String,
}

/// A decision in brief: what a reviewer compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brief {
    /// Outcome code.
    pub outcome: String,
    /// 应当 / 可以.
    pub mandatory: bool,
    /// Fine range, if any.
    pub fine: Option<String>,
    /// Penalty kinds.
    pub penalties: Vec<String>,
    /// Procedure flags in words.
    pub procedure: String,
    /// The whole decision in one Chinese line.
    pub text: String,
}

/// A case whose decision changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseChange {
    /// The violation.
    pub violation: String,
    /// The case document.
    pub case: serde_json::Value,
    /// The old decision.
    pub old: Brief,
    /// The new decision.
    pub new: Brief,
}

/// The report of `caliper diff`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Changes in the text.
    pub changes: Vec<Change>,
    /// Representative cases whose decision changes.
    pub cases: Vec<CaseChange>,
    /// How many cases were compared.
    pub compared: usize,
}

impl Report {
    /// Whether no decision of any representative case changes.
    pub fn no_decision_changes(&self) -> bool {
        self.cases.is_empty()
    }

    /// The report in Chinese, for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("规则文字：没有违法行为、清单条目、幅度、档次或版本的增删改\n");
        } else {
            out.push_str(&format!("规则文字的变化（{} 处）：\n", self.changes.len()));
            for c in &self.changes {
                out.push_str(&format!("  - {}\n", c.text));
            }
        }
        out.push('\n');
        if self.cases.is_empty() {
            out.push_str(&format!(
                "没有任何裁量结果改变（比较了 {} 个代表案件）\n",
                self.compared
            ));
        } else {
            out.push_str(&format!(
                "裁量结果改变的代表案件（{} 个，比较了 {} 个代表案件）：\n",
                self.cases.len(),
                self.compared
            ));
            for (i, c) in self.cases.iter().enumerate() {
                out.push_str(&format!(
                    "{}. {}：{}\n",
                    i + 1,
                    c.violation,
                    c.case["facts"]
                ));
                out.push_str(&format!("   原：{}\n   新：{}\n", c.old.text, c.new.text));
            }
        }
        out
    }
}

/// Compares two rule sets.
pub fn diff(old: &Rules, new: &Rules) -> Report {
    let (o, n) = (old.model(), new.model());
    let mut changes = Vec::new();
    text_changes(old, new, &mut changes);
    let mut cases: Vec<CaseChange> = Vec::new();
    let mut seen: Vec<(String, Brief, Brief)> = Vec::new();
    let mut compared = 0;
    for (vi, v) in o.violations.iter().enumerate() {
        let Some(&nvi) = n.violation_index.get(&*v.code) else {
            continue;
        };
        let mut witnesses = representatives(o, vi as u32);
        witnesses.extend(representatives(n, nvi));
        let mut days: Vec<jiff::civil::Date> = Vec::new();
        for model_v in [v, &n.violations[nvi as usize]] {
            for ver in &model_v.versions {
                if let Some(f) = ver.from {
                    days.push(f);
                }
            }
        }
        days.sort_unstable();
        days.dedup();
        for (model, w, vid) in witnesses {
            for day in std::iter::once(None).chain(days.iter().copied().map(Some)) {
                let mut whole = w.complete(model, vid);
                if let Some(day) = day {
                    for f in [
                        model.standard.violation_date,
                        model.standard.discovery_date,
                        model.standard.decision_date,
                    ]
                    .into_iter()
                    .flatten()
                    {
                        whole.set(f, crate::model::Value::Date(day));
                    }
                }
                let doc = shared_case(&whole.case(model, vid), o, n);
                let Ok(case) = serde_json::from_value::<Case>(doc.clone()) else {
                    continue;
                };
                let (Ok(a), Ok(b)) = (old.evaluate(&case), new.evaluate(&case)) else {
                    continue;
                };
                compared += 1;
                let (a, b) = (brief(&a), brief(&b));
                if a != b {
                    let key = (v.code.to_string(), a.clone(), b.clone());
                    if !seen.contains(&key) {
                        seen.push(key);
                        cases.push(CaseChange {
                            violation: v.code.to_string(),
                            case: doc,
                            old: a,
                            new: b,
                        });
                    }
                }
            }
        }
    }
    Report {
        changes,
        cases,
        compared,
    }
}

/// The representative witnesses of a violation in one model: a baseline, one per list entry
/// covering it (where it can hold), one per tier row.
fn representatives(m: &RuleSet, v: ViolationId) -> Vec<(&RuleSet, Witness, ViolationId)> {
    let mut out = vec![(m, Witness::default(), v)];
    for e in m.entries.iter().filter(|e| e.covers.covers(v)) {
        if let Some(w) = super::exists(m, &[&e.cond], |env| holds(env, &e.cond)).witness() {
            out.push((m, w, v));
        }
    }
    for t in super::tiers::tier_tables_of(m, v) {
        for row in 0..t.rows.len() {
            if let Some(w) = super::tiers::selecting(m, t, row) {
                out.push((m, w, v));
            }
        }
    }
    out
}

/// The case with only the facts both rule sets declare.
fn shared_case(doc: &serde_json::Value, o: &RuleSet, n: &RuleSet) -> serde_json::Value {
    let mut doc = doc.clone();
    if let Some(facts) = doc["facts"].as_object_mut() {
        facts.retain(|k, _| o.fact_index.contains_key(k) && n.fact_index.contains_key(k));
    }
    doc
}

fn brief(d: &Decision) -> Brief {
    let fine = d.fine.map(|f| f.to_string());
    let penalties: Vec<String> = d
        .penalties
        .iter()
        .map(|p| p.kind.zh().to_string())
        .collect();
    let p = &d.procedure;
    let flag = |f: crate::decision::Flag| match f {
        crate::decision::Flag::No => "否".to_string(),
        crate::decision::Flag::Yes => "是".to_string(),
        crate::decision::Flag::IfFineAtLeast(n) => format!("罚款达 {} 元时", n.normalize()),
    };
    let procedure = format!(
        "简易程序 {}；告知听证 {}；法制审核 {}",
        if p.summary { "是" } else { "否" },
        flag(p.hearing_notice),
        flag(p.legal_review)
    );
    let text = format!(
        "{}（{}）{}{}；{}",
        d.outcome.zh(),
        if d.mandatory { "应当" } else { "可以" },
        fine.as_ref()
            .map_or_else(String::new, |f| format!("，罚款 {f} 元")),
        if penalties.is_empty() {
            String::new()
        } else {
            format!("，处罚 {}", penalties.join("、"))
        },
        procedure
    );
    Brief {
        outcome: d.outcome.code().to_string(),
        mandatory: d.mandatory,
        fine,
        penalties,
        procedure,
        text,
    }
}

/// The changes found so far, in the order a reviewer reads them.
struct Changes<'a>(&'a mut Vec<Change>);

impl Changes<'_> {
    fn push(&mut self, kind: &'static str, what: &'static str, id: &str, text: String) {
        self.0.push(Change {
            kind,
            what,
            id: id.to_string(),
            text,
        });
    }
}

fn text_changes(old: &Rules, new: &Rules, out: &mut Vec<Change>) {
    let (o, n) = (old.model(), new.model());
    let mut changes = Changes(out);
    for v in &o.violations {
        match n.violation_index.get(&*v.code) {
            Some(&ni) => violation_changes(old, new, v, ni, &mut changes),
            None => changes.push(
                "violation",
                "removed",
                &v.code,
                format!("删去违法行为 {}「{}」", v.code, v.title),
            ),
        }
    }
    for v in &n.violations {
        if !o.violation_index.contains_key(&*v.code) {
            changes.push(
                "violation",
                "added",
                &v.code,
                format!("增加违法行为 {}「{}」", v.code, v.title),
            );
        }
    }
    entry_changes(o, n, &mut changes);
    for h in o
        .hooks
        .iter()
        .filter(|h| !n.hooks.iter().any(|x| x.id == h.id))
    {
        changes.push(
            "hook",
            "removed",
            &h.id,
            format!("删去钩子 {}「{}」", h.id, h.title),
        );
    }
    for h in n
        .hooks
        .iter()
        .filter(|h| !o.hooks.iter().any(|x| x.id == h.id))
    {
        changes.push(
            "hook",
            "added",
            &h.id,
            format!("增加钩子 {}「{}」", h.id, h.title),
        );
    }
}

/// What changed in a violation both rule sets have: its title, basis, versions, ranges and
/// tiers.
fn violation_changes(
    old: &Rules,
    new: &Rules,
    v: &crate::model::Violation,
    ni: ViolationId,
    changes: &mut Changes<'_>,
) {
    let (o, n) = (old.model(), new.model());
    let nv = &n.violations[ni as usize];
    if v.title != nv.title {
        changes.push(
            "violation",
            "changed",
            &v.code,
            format!(
                "违法行为 {} 的名称由「{}」改为「{}」",
                v.code, v.title, nv.title
            ),
        );
    }
    if v.basis() != nv.basis() {
        changes.push(
            "violation",
            "changed",
            &v.code,
            format!(
                "违法行为 {} 的处罚依据由 {} 改为 {}",
                v.code,
                v.basis(),
                nv.basis()
            ),
        );
    }
    let period = |x: &crate::model::Version| {
        format!(
            "{} 至 {}",
            x.from
                .map_or_else(|| "（不限）".to_string(), |d| d.to_string()),
            x.until.map_or_else(|| "今".to_string(), |d| d.to_string())
        )
    };
    let ov: Vec<String> = v.versions.iter().map(period).collect();
    let nvv: Vec<String> = nv.versions.iter().map(period).collect();
    for p in nvv.iter().filter(|p| !ov.contains(p)) {
        changes.push(
            "version",
            "added",
            &v.code,
            format!("违法行为 {} 增加版本：{p}", v.code),
        );
    }
    for p in ov.iter().filter(|p| !nvv.contains(p)) {
        changes.push(
            "version",
            "removed",
            &v.code,
            format!("违法行为 {} 删去版本：{p}", v.code),
        );
    }
    range_changes(old, new, &v.code, changes);
    let words = |m: &RuleSet, i: ViolationId| -> Vec<String> {
        super::tiers::tier_tables_of(m, i)
            .iter()
            .map(|t| tier_words(m, t))
            .collect()
    };
    let (ot, nt) = (words(o, v_index(o, &v.code)), words(n, ni));
    if ot != nt {
        changes.push(
            "tiers",
            "changed",
            &v.code,
            format!(
                "违法行为 {} 的情节档次由「{}」改为「{}」",
                v.code,
                ot.join("；"),
                nt.join("；")
            ),
        );
    }
}

/// The statutory penalty of a violation, per party type, as its form words it.
fn range_changes(old: &Rules, new: &Rules, code: &str, changes: &mut Changes<'_>) {
    let (oc, nc) = (old.catalogue(), new.catalogue());
    let (Some(a), Some(b)) = (oc.form(code), nc.form(code)) else {
        return;
    };
    let (pa, pb) = (&a.violation.penalty, &b.violation.penalty);
    for (party, x, y) in [
        ("个人", &pa.individual, &pb.individual),
        ("单位", &pa.unit, &pb.unit),
    ] {
        if x != y {
            let w = |s: &Option<String>| s.clone().unwrap_or_else(|| "（无）".to_string());
            changes.push(
                "range",
                "changed",
                code,
                format!(
                    "违法行为 {code} 对{party}的处罚由「{}」改为「{}」",
                    w(x),
                    w(y)
                ),
            );
        }
    }
}

/// List entries added, removed and changed (by id), each in words.
fn entry_changes(o: &RuleSet, n: &RuleSet, changes: &mut Changes<'_>) {
    let entry_words = |m: &RuleSet, e: &crate::model::Entry| {
        let covers: Vec<&str> = m
            .violations
            .iter()
            .enumerate()
            .filter(|(i, _)| e.covers.covers(*i as u32))
            .map(|(_, v)| &*v.code)
            .collect();
        let cond = crate::publish::words::condition(m, &e.cond);
        format!(
            "{}（{}）「{}」当 {}；依据 {}；适用 {}；幅度 {:?}",
            e.list.zh(),
            e.modality.zh(),
            e.title,
            cond,
            e.basis.join("、"),
            covers.join("、"),
            e.ranges
        )
    };
    let ids = |m: &RuleSet| -> std::collections::HashMap<String, usize> {
        m.entries
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.to_string(), i))
            .collect()
    };
    let (old_ids, new_ids) = (ids(o), ids(n));
    for e in &o.entries {
        match new_ids.get(&*e.id) {
            None => changes.push(
                "entry",
                "removed",
                &e.id,
                format!("删去清单条目 {}：{}", e.id, entry_words(o, e)),
            ),
            Some(&x) => {
                let (a, b) = (entry_words(o, e), entry_words(n, &n.entries[x]));
                if a != b {
                    changes.push(
                        "entry",
                        "changed",
                        &e.id,
                        format!("清单条目 {} 由「{a}」改为「{b}」", e.id),
                    );
                }
            }
        }
    }
    for e in n.entries.iter().filter(|e| !old_ids.contains_key(&*e.id)) {
        changes.push(
            "entry",
            "added",
            &e.id,
            format!("增加清单条目 {}：{}", e.id, entry_words(n, e)),
        );
    }
}

fn v_index(m: &RuleSet, code: &str) -> ViolationId {
    m.violation_index.get(code).copied().unwrap_or(u32::MAX)
}

fn tier_words(m: &RuleSet, t: &crate::model::Tiers) -> String {
    let fact = m.facts.get(t.fact as usize).map_or("", |f| &*f.name);
    let rows: Vec<String> = (0..t.rows.len())
        .map(|i| {
            format!(
                "{}: {}..{}",
                super::tiers::tier_key(m, t, i),
                t.rows[i].lo.normalize(),
                t.rows[i].hi.normalize()
            )
        })
        .collect();
    format!("{fact} {{ {} }}", rows.join("  "))
}
