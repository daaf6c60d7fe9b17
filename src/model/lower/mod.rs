//! Syntax tree → checked model. Every problem is collected; nothing stops at the first one.

mod daily;
mod entry;
mod expr;
mod facts;
mod header;
mod hooks;
mod penalty;
mod refine;
mod tiers;
mod violation;

use crate::diag::{Code, Diagnostic};
use crate::model::{
    CaseTiers, Entry, Fact, FactId, FineId, Higher, NameMap, PenaltyAlt, Predicate, PredicateId, Regulation,
    RuleSet, Stmt, Tiers, Violation, ViolationId,
};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use crate::model::name_map::NameHasher;
use std::hash::BuildHasherDefault;

/// The declarations of every file, sorted by kind (pass 1), so that order does not matter.
#[derive(Default)]
struct Decls<'f> {
    headers: Vec<&'f ast::RuleSetDecl>,
    /// The headers of the rule sets this one builds on, the direct base's first.
    base_headers: Vec<&'f ast::RuleSetDecl>,
    refinements: Vec<&'f ast::RefinementDecl>,
    predicates: Vec<&'f ast::PredicateDecl>,
    violations: Vec<(&'f ast::ViolationDecl, Option<u32>)>,
    entries: Vec<&'f ast::EntryDecl>,
    hooks: Vec<&'f ast::HookDecl>,
    regulations: Vec<Regulation>,
}

/// Lowers the parsed files of one rule set: the model, with what could be lowered of it, and
/// every problem found. With an error among them, the model is fit only for the checks of
/// `check`, never for evaluation. `base_files` are the files of the rule sets it builds on
/// (`基于`): their violations are the ones it may refine (`细化`), their headers give only
/// the parameters this one does not set. `depth` says how many `基于` down each base file is:
/// a refinement refines what the rule sets below its own give, the deepest applied first.
pub fn lower(
    files: &[(FileId, ast::File)],
    sources: SourceMap,
    base_files: &[FileId],
    depth: &[(FileId, usize)],
) -> (RuleSet, Vec<Diagnostic>) {
    let mut cx = Lowerer {
        diags: Vec::new(),
        sources,
        facts: Vec::new(),
        fact_index: NameMap::default(),
        pred_names: NameMap::default(),
        tiers: Vec::new(),
        case_tiers: Vec::new(),
        location_buf: String::new(),
        citations: HashSet::default(),
    };
    let mut d = cx.gather(files, base_files);
    let scripts = cx.start_scripts(&d.hooks);
    let (meta, params) = cx.header(&d.headers, &d.base_headers);
    let base = d.base_headers.first().map(|h| crate::model::Base {
        name: h.name.value.as_str().into(),
        version: h.version.first().map_or("", |v| v.value.as_str()).into(),
        files: base_files.to_vec(),
    });
    let predicates = cx.predicates(&d.predicates);
    let (mut violations, violation_index) = cx.violations(&d.violations, &d.regulations);
    let (entries, entry_spans) = cx.entries(&d.entries, &violation_index);
    let depth_of = |f: FileId| depth.iter().find(|(g, _)| *g == f).map_or(0, |(_, d)| *d);
    d.refinements
        .sort_by_key(|r| std::cmp::Reverse(depth_of(r.span.file)));
    let refinements = cx.refinements(
        &d.refinements,
        &mut violations,
        &violation_index,
        base.as_ref(),
        &depth_of,
    );

    // Every fine statement gets its own number: the decision graph keeps its bands under it.
    let mut fines: FineId = 0;
    for v in &mut violations {
        for ver in &mut v.versions {
            for stmts in [&mut ver.penalties.individual, &mut ver.penalties.unit]
                .into_iter()
                .flatten()
            {
                number_fines(stmts, &mut fines);
            }
        }
    }

    // Last of the declarations, so that their scripts compile on a helper meanwhile.
    let hooks = cx.hooks(&d.hooks, &violation_index, &entry_spans, scripts);
    let standard = cx.standard_facts(&d.headers);

    let Lowerer {
        mut diags,
        sources,
        facts,
        fact_index,
        tiers,
        case_tiers,
        ..
    } = cx;
    crate::diag::sort(&mut diags);
    let rules = RuleSet {
        meta,
        params,
        facts,
        fact_index,
        standard,
        predicates,
        regulations: std::mem::take(&mut d.regulations),
        violations,
        violation_index,
        entries,
        hooks,
        tiers,
        case_tiers,
        base,
        refinements,
        sources,
        digest: String::new(),
    };
    (rules, diags)
}

impl Lowerer {
    /// Pass 1: the header, facts and regulations are read; the other declarations sorted.
    fn gather<'f>(
        &mut self,
        files: &'f [(FileId, ast::File)],
        base_files: &[FileId],
    ) -> Decls<'f> {
        let mut d = Decls::default();
        let mut regulations = RegulationNames::default();
        for (id, file) in files {
            for item in &file.items {
                match item {
                    ast::Item::RuleSet(r) if base_files.contains(id) => d.base_headers.push(r),
                    ast::Item::RuleSet(r) => d.headers.push(r),
                    ast::Item::Refinement(r) => {
                        d.refinements.push(r);
                        d.entries.extend(r.entries.iter());
                    }
                    ast::Item::Include(_) => {}
                    ast::Item::Fact(f) => self.declare_fact(f),
                    ast::Item::Predicate(p) => d.predicates.push(p),
                    ast::Item::Regulation(r) => {
                        self.regulation_unique(r, &mut regulations);
                        let idx = u32::try_from(d.regulations.len()).unwrap_or(u32::MAX);
                        d.regulations.push(Regulation {
                            name: r.name.value.clone(),
                            effective: r.effective.first().and_then(|d| d.date),
                            first_enacted: r.first_enacted.is_some(),
                            notes: r.notes.iter().map(|n| n.value.clone()).collect(),
                        });
                        d.violations
                            .extend(r.violations.iter().map(|v| (v, Some(idx))));
                    }
                    ast::Item::Violation(v) => d.violations.push((v, None)),
                    ast::Item::Entry(e) => d.entries.push(e),
                    ast::Item::Hook(h) => d.hooks.push(h),
                }
            }
        }
        d
    }

    /// A second declaration of a name that must be unique: the one diagnostic every kind of
    /// declaration reports, with its label, the first declaration's label and the help.
    pub(super) fn duplicate(
        &mut self,
        code: Code,
        span: Span,
        first: Span,
        message: String,
        [label, first_label, help]: [&str; 3],
    ) {
        self.diags.push(
            Diagnostic::error(code, span, message)
                .label(label)
                .secondary(first, first_label)
                .help(help),
        );
    }

    /// Predicates: names first (so that they may be used before they are declared), then
    /// their conditions, then cycles.
    fn predicates(&mut self, decls: &[&ast::PredicateDecl]) -> Vec<Predicate> {
        for p in decls {
            if let Some(&(_, first)) = self.pred_names.get(&p.name.text) {
                self.duplicate(
                    Code::DuplicatePredicate,
                    p.name.span,
                    first,
                    format!("谓词 {} 已经定义过", p.name.text),
                    [
                        "重复定义",
                        "第一次定义在这里",
                        "删去其中一个定义，或者改用另一个名称",
                    ],
                );
            } else if let Some(&fid) = self.fact_index.get(&p.name.text) {
                let first = self.facts[fid as usize].span;
                self.duplicate(
                    Code::DuplicatePredicate,
                    p.name.span,
                    first,
                    format!("谓词 {} 与事实同名", p.name.text),
                    ["与事实重名", "事实声明在这里", "谓词换一个名称"],
                );
            } else {
                let id = u32::try_from(self.pred_names.len()).unwrap_or(u32::MAX);
                self.pred_names
                    .insert(p.name.text.clone(), (id, p.name.span));
            }
        }
        // Predicates in id order (duplicates were not given an id).
        let mut predicates: Vec<Predicate> = Vec::new();
        for p in decls {
            match self.pred_names.get(&p.name.text) {
                Some(&(id, span)) if id as usize == predicates.len() && span == p.name.span => {
                    let cond = self.condition(&p.cond);
                    predicates.push(Predicate {
                        name: p.name.text.as_str().into(),
                        label: p.label.value.as_str().into(),
                        cond,
                        span: p.name.span,
                    });
                }
                _ => {}
            }
        }
        self.check_predicate_cycles(&predicates);
        predicates
    }

    /// Violations, their codes unique.
    fn violations(
        &mut self,
        decls: &[(&ast::ViolationDecl, Option<u32>)],
        regulations: &[Regulation],
    ) -> (Vec<Violation>, NameMap<ViolationId>) {
        let mut violations = Vec::new();
        let mut index: NameMap<ViolationId> = NameMap::default();
        let mut spans: NameMap<Span> = NameMap::default();
        for (v, reg) in decls {
            if let Some(&first) = spans.get(&v.code.text) {
                self.duplicate(
                    Code::DuplicateViolation,
                    v.code.span,
                    first,
                    format!("违法行为编号 {} 重复", v.code.text),
                    [
                        "重复的编号",
                        "第一次出现在这里",
                        "违法行为编号是公开约定，须唯一；改正其中一个",
                    ],
                );
                continue;
            }
            spans.insert(v.code.text.clone(), v.code.span);
            let from = reg.and_then(|r| regulations[r as usize].effective);
            let first = reg.is_some_and(|r| regulations[r as usize].first_enacted);
            let mut lowered = self.violation(v, *reg, from);
            if v.versions.is_empty() {
                // The one implicit version is the regulation's text.
                for ver in &mut lowered.versions {
                    ver.first_enacted = first;
                }
            }
            index.insert(
                v.code.text.clone(),
                u32::try_from(violations.len()).unwrap_or(u32::MAX),
            );
            violations.push(lowered);
        }
        self.related_codes(decls, &mut violations, &index);
        (violations, index)
    }

    /// 参见 and 上位法 name codes of the same rule set.
    fn related_codes(
        &mut self,
        decls: &[(&ast::ViolationDecl, Option<u32>)],
        violations: &mut [Violation],
        index: &NameMap<ViolationId>,
    ) {
        for (v, _) in decls {
            if v.see_also.is_empty() && v.higher.is_empty() {
                continue;
            }
            let Some(&id) = index.get(&v.code.text) else {
                continue;
            };
            let who = || format!("违法行为 {}", v.code.text);
            let (ids, _) = self.codes(Code::UnknownViolation, who, &v.see_also, "参见", index);
            let codes: Vec<Arc<str>> = ids
                .iter()
                .map(|&i| violations[i as usize].code.clone())
                .collect();
            violations[id as usize].see_also = codes;
            let names: Vec<ast::Name> = v.higher.iter().map(|h| h.code.clone()).collect();
            let (ids, _) = self.codes(Code::UnknownViolation, who, &names, "上位法", index);
            let known = v.higher.iter().filter(|h| index.contains_key(&h.code.text));
            let mut higher = Vec::new();
            for (h, hid) in known.zip(ids) {
                let when = h.when.as_ref().map(|e| {
                    let text: Arc<str> = self
                        .sources
                        .get(e.span.file)
                        .map_or("", |f| f.slice(e.span))
                        .into();
                    (self.condition(e), text)
                });
                higher.push(Higher {
                    violation: hid,
                    defers: h.defers,
                    when,
                });
            }
            violations[id as usize].higher = higher;
        }
    }

    /// List entries, their ids unique; with the span of each id, for the hooks.
    fn entries(
        &mut self,
        decls: &[&ast::EntryDecl],
        violations: &NameMap<ViolationId>,
    ) -> (Vec<Entry>, NameMap<Span>) {
        let mut entries: Vec<Entry> = Vec::new();
        let mut spans: NameMap<Span> = NameMap::default();
        for e in decls {
            if let Some(&first) = spans.get(&e.id.text) {
                self.duplicate(
                    Code::DuplicateEntry,
                    e.id.span,
                    first,
                    format!("清单条目编号 {} 重复", e.id.text),
                    ["重复的编号", "第一次出现在这里", "每个清单条目的编号须唯一"],
                );
                continue;
            }
            spans.insert(e.id.text.clone(), e.id.span);
            if let Some(entry) = self.entry(e, violations) {
                entries.push(entry);
            }
        }
        (entries, spans)
    }
}

/// The regulations seen so far, by id and by name, for [`Lowerer::regulation_unique`].
#[derive(Default)]
struct RegulationNames {
    ids: HashMap<String, Span>,
    names: HashMap<String, (Span, Option<jiff::civil::Date>)>,
}

impl Lowerer {
    /// One `法规` block per norm: a second block with the same id, or for the same norm (the
    /// same name) under another id or date, would be published as a second chapter.
    fn regulation_unique(&mut self, r: &ast::RegulationDecl, seen: &mut RegulationNames) {
        let date = r.effective.first().and_then(|d| d.date);
        if let Some(&first) = seen.ids.get(&r.id.text) {
            self.duplicate(
                Code::DuplicateRegulation,
                r.id.span,
                first,
                format!("法规编号 {} 重复", r.id.text),
                [
                    "重复的编号",
                    "第一次出现在这里",
                    "每个法规块的编号须唯一；同一法规的违法行为写在一个块中",
                ],
            );
        } else if let Some(&(first, first_date)) = seen.names.get(&r.name.value) {
            let message = match (first_date, date) {
                (Some(a), Some(b)) if a != b => format!(
                    "法规{}写了两个法规块，施行日期不同（{a} 与 {b}）",
                    r.name.value
                ),
                _ => format!("法规{}写了两个法规块", r.name.value),
            };
            self.duplicate(
                Code::DuplicateRegulation,
                r.name.span,
                first,
                message,
                [
                    "同一法规的第二个块",
                    "第一个块在这里",
                    "同一法规只写一个法规块；修订后的条文写成违法行为的“版本 日期 起 { … }”块",
                ],
            );
        }
        seen.ids.entry(r.id.text.clone()).or_insert(r.id.span);
        seen.names
            .entry(r.name.value.clone())
            .or_insert((r.name.span, date));
    }
}

/// The type of a checked expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ty {
    Bool,
    Num,
    Date,
    /// An option of this fact's type.
    Enum(FactId),
    /// Already reported.
    Error,
}

impl Ty {
    fn describe(&self, facts: &[Fact]) -> String {
        match self {
            Ty::Bool => "是非".into(),
            Ty::Num => "数值".into(),
            Ty::Date => "日期".into(),
            Ty::Enum(f) => format!("选项（{}）", facts[*f as usize].name),
            Ty::Error => "未知".into(),
        }
    }
}

pub(super) struct Lowerer {
    pub(super) diags: Vec<Diagnostic>,
    pub(super) sources: SourceMap,
    pub(super) facts: Vec<Fact>,
    fact_index: NameMap<FactId>,
    pred_names: NameMap<(PredicateId, Span)>,
    tiers: Vec<Tiers>,
    case_tiers: Vec<CaseTiers>,
    /// Scratch for [`Lowerer::location`].
    location_buf: String,
    /// Citation texts already made shared strings, for [`Lowerer::citation`].
    /// Citations written once each (a citation is long, so SipHash cost more than the lookup is
    /// worth; the texts are the drafters' own).
    citations: HashSet<Arc<str>, BuildHasherDefault<NameHasher>>,
}

impl Lowerer {
    /// "path:line:col", as `source::Location` displays it. Written by hand into one buffer:
    /// every violation and entry gets one, and going through `Location` and `fmt` cost three
    /// allocations and most of the time of lowering an entry.
    pub(super) fn location(&mut self, span: Span) -> Arc<str> {
        let Some(f) = self.sources.get(span.file) else {
            return self.sources.location(span).to_string().into();
        };
        let lc = f.line_col(span.start as usize);
        let buf = &mut self.location_buf;
        buf.clear();
        buf.push_str(&f.path);
        buf.push(':');
        crate::digits::push_u64(buf, lc.line as u64);
        buf.push(':');
        crate::digits::push_u64(buf, lc.column as u64);
        Arc::from(buf.as_str())
    }
}

impl Lowerer {
    /// A citation (`依据`) as a shared string: the entries of one violation cite the same
    /// articles, and thousands of entries the same few articles of the law, so one copy of each
    /// text serves them all (fewer allocations when loading and when dropping the rules).
    pub(super) fn citation(&mut self, text: &str) -> Arc<str> {
        if let Some(c) = self.citations.get(text) {
            return c.clone();
        }
        let c: Arc<str> = text.into();
        self.citations.insert(c.clone());
        c
    }
}


fn number_fines(stmts: &mut [Stmt], next: &mut FineId) {
    Stmt::for_each_penalty_mut(stmts, &mut |p| {
        for a in &mut p.alts {
            if let PenaltyAlt::Fine(f) = a {
                f.id = *next;
                *next += 1;
            }
        }
    });
}

/// The clauses a violation or one of its versions holds.
struct Body<'a> {
    breach: &'a [ast::Str],
    basis: &'a [ast::Str],
    bands: &'a [(ast::Name, Decimal, Span)],
    band_ranges: &'a [ast::BandRange],
    common: &'a [ast::PenaltyStmt],
    parties: &'a [ast::PartyBlock],
}

#[cfg(test)]
mod tests {
    /// The locations lowering writes by hand read as `source::Location` displays them.
    #[test]
    fn locations_read_as_the_source_map_displays_them() {
        let rules = crate::Rules::embedded().expect("the shipped rules load");
        let m = rules.model();
        assert!(!m.entries.is_empty() && !m.violations.is_empty());
        for (span, location) in m
            .entries
            .iter()
            .map(|e| (e.span, &e.location))
            .chain(m.violations.iter().map(|v| (v.span, &v.location)))
        {
            assert_eq!(**location, m.sources.location(span).to_string());
        }
    }
}
