//! Refinements (`细化`): a rule set that builds on another (`基于`) changes one of its
//! violations from its own files: tiers, a narrower range, bands; its list entries are lowered
//! with the others. What a refinement may not do is an error here (a code the base does not
//! have, a range wider than the article's); where its figures leave the base's for the same
//! facts is a finding of `caliper check` (L0420).

use super::Lowerer;
use crate::diag::{Code, Diagnostic, nearest};
use crate::model::{
    Base, FineSpec, NameMap, PenaltyAlt, RefinedBands, RefinedFine, Refinement, Stmt, Tier,
    TierKey, Tiers, Violation, ViolationId,
};
use crate::source::Span;
use crate::syntax::ast;
use crate::vocab::Party;
use std::collections::HashMap;

impl Lowerer {
    /// Applies every refinement to the violations it refines, in file order.
    pub(super) fn refinements(
        &mut self,
        decls: &[&ast::RefinementDecl],
        violations: &mut [Violation],
        index: &NameMap<ViolationId>,
        base: Option<&Base>,
        depth: &dyn Fn(crate::source::FileId) -> usize,
    ) -> Vec<Refinement> {
        let mut out = Vec::new();
        // One refinement per violation and rule set (a rule set is one level of the chain).
        let mut seen: HashMap<(ViolationId, usize), Span> = HashMap::new();
        for r in decls {
            let Some(id) = self.refined(r, violations, index, base, depth) else {
                continue;
            };
            let level = depth(r.span.file);
            if let Some(&first) = seen.get(&(id, level)) {
                self.duplicate(
                    Code::DuplicateRefinement,
                    r.code.span,
                    first,
                    format!("违法行为 {} 已经细化过", r.code.text),
                    [
                        "第二个细化块",
                        "第一个细化块在这里",
                        "把两处细化合并成一个块",
                    ],
                );
                continue;
            }
            seen.insert((id, level), r.code.span);
            let v = &mut violations[id as usize];
            let bands = self.refined_bands(r, v);
            let fines = self.refined_fines(r, v);
            let daily = self.refined_daily(r, v);
            out.push(Refinement {
                violation: id,
                source: r.source.iter().map(|s| s.value.as_str().into()).collect(),
                notes: r.notes.iter().map(|n| n.value.clone()).collect(),
                entries: r
                    .entries
                    .iter()
                    .map(|e| e.id.text.as_str().into())
                    .collect(),
                fines,
                bands,
                daily,
                span: r.span,
                location: self.location(r.span),
            });
        }
        out
    }

    /// The base violation a refinement names, or the diagnostic why there is none.
    fn refined(
        &mut self,
        r: &ast::RefinementDecl,
        violations: &[Violation],
        index: &NameMap<ViolationId>,
        base: Option<&Base>,
        depth: &dyn Fn(crate::source::FileId) -> usize,
    ) -> Option<ViolationId> {
        let Some(base) = base else {
            self.diags.push(
                Diagnostic::error(
                    Code::RefinementUnknown,
                    r.code.span,
                    format!("规则集没有写“基于”，无从细化 {}", r.code.text),
                )
                .label("细化的违法行为")
                .help("在根文件的“规则集”声明中写 基于 内置，或 基于 \"上一级规则集的目录\""),
            );
            return None;
        };
        match index.get(&r.code.text) {
            // A violation of a rule set below the one the refinement is written in.
            Some(&id) if depth(violations[id as usize].span.file) > depth(r.span.file) => {
                Some(id)
            }
            Some(&id) => {
                self.diags.push(
                    Diagnostic::error(
                        Code::RefinementUnknown,
                        r.code.span,
                        format!("{} 是本规则集自己的违法行为，不在基础规则集中", r.code.text),
                    )
                    .label("只能细化基础规则集的违法行为")
                    .secondary(violations[id as usize].span, "本规则集在这里规定了它")
                    .help("直接修改本规则集中它的声明"),
                );
                None
            }
            None => {
                let codes = violations
                    .iter()
                    .filter(|v| depth(v.span.file) > depth(r.span.file))
                    .map(|v| &*v.code);
                let mut d = Diagnostic::error(
                    Code::RefinementUnknown,
                    r.code.span,
                    format!("基础规则集“{}”中没有违法行为 {}", base.name, r.code.text),
                )
                .label("没有这个编号");
                d = match nearest(&r.code.text, codes) {
                    Some(n) => d.help(format!("是否想写 {n}？")),
                    None => d.help("用 caliper list --rules 基础规则集 查找编号"),
                };
                self.diags.push(d);
                None
            }
        }
    }

    /// `幅度 …` of a refinement: the current version's band fractions.
    fn refined_bands(
        &mut self,
        r: &ast::RefinementDecl,
        v: &mut Violation,
    ) -> Option<RefinedBands> {
        let after = self.bands_of(&r.code, &r.bands, &r.band_ranges).0?;
        let last = v.versions.len().checked_sub(1)?;
        let ver = &mut v.versions[last];
        let before = ver.bands;
        ver.bands = Some(after);
        Some(RefinedBands { before, after })
    }

    /// The fines of a refinement, applied to the current version's fines of each party they
    /// name (every party the article punishes, outside a party block).
    fn refined_fines(&mut self, r: &ast::RefinementDecl, v: &mut Violation) -> Vec<RefinedFine> {
        let mut out: Vec<RefinedFine> = Vec::new();
        let Some(last) = v.versions.len().checked_sub(1) else {
            return out;
        };
        let basis = v.versions[last].basis.clone();
        let mut written: Vec<(Party, Span)> = Vec::new();
        for f in &r.fines {
            let parties: &[Party] = match f.party {
                Some((Party::Individual, _)) => &[Party::Individual],
                Some((Party::Unit, _)) => &[Party::Unit],
                None => &[Party::Individual, Party::Unit],
            };
            for &party in parties {
                if let Some(&(_, first)) = written.iter().find(|(p, _)| *p == party) {
                    self.duplicate(
                        Code::DuplicateRefinement,
                        f.span,
                        first,
                        format!("{}的罚款细化了两次", party_words(party)),
                        ["第二次", "第一次在这里", "同一当事人的罚款只细化一次"],
                    );
                    continue;
                }
                written.push((party, f.span));
                let stmts = match party {
                    Party::Individual => v.versions[last].penalties.individual.as_mut(),
                    Party::Unit => v.versions[last].penalties.unit.as_mut(),
                };
                let Some(stmts) = stmts else {
                    if f.party.is_some() {
                        self.widens(
                            f.span,
                            format!("{basis}没有规定对{}的处罚，无从细化", party_words(party)),
                        );
                    }
                    continue;
                };
                let mut specs: Vec<FineSpec> = Vec::new();
                Stmt::for_each_penalty(stmts, &mut |p| {
                    for a in &p.alts {
                        if let PenaltyAlt::Fine(s) = a {
                            specs.push(*s);
                        }
                    }
                });
                if specs.is_empty() {
                    if f.party.is_some() {
                        self.widens(
                            f.span,
                            format!("{basis}对{}没有规定罚款，无从细化", party_words(party)),
                        );
                    }
                    continue;
                }
                let mut after_specs = Vec::new();
                for before in specs {
                    if let Some(after) = self.refined_fine(f, before, &basis) {
                        after_specs.push((before, after));
                    }
                }
                let mut k = 0;
                Stmt::for_each_penalty_mut(stmts, &mut |p| {
                    for a in &mut p.alts {
                        if let PenaltyAlt::Fine(s) = a
                            && let Some((_, after)) = after_specs.get(k)
                        {
                            s.tiers = after.0.tiers;
                            s.cases = after.0.cases;
                            k += 1;
                        }
                    }
                });
                out.extend(after_specs.into_iter().map(|(before, (after, narrowed))| {
                    RefinedFine {
                        party,
                        before,
                        after,
                        narrowed,
                        span: f.span,
                    }
                }));
            }
        }
        out
    }

    /// One fine refined: its tiers, within the narrowed range if there is one, which must lie
    /// within the article's.
    fn refined_fine(
        &mut self,
        f: &ast::RefineFine,
        before: FineSpec,
        basis: &str,
    ) -> Option<(FineSpec, Option<(rust_decimal::Decimal, rust_decimal::Decimal)>)> {
        if before.scale.is_some() {
            self.widens(
                f.span,
                format!("{basis}的罚款按单位或倍数计算，不能细化幅度或档次"),
            );
            return None;
        }
        let narrowed = match &f.amount {
            Some(a) => {
                let (lo, hi) = self.amount(a)?;
                if lo < before.lo || hi > before.hi {
                    self.diags.push(
                        Diagnostic::error(
                            Code::RefinementWidens,
                            a.span,
                            format!(
                                "罚款 {}..{} 超出{basis}的法定幅度 {}..{}",
                                lo.normalize(),
                                hi.normalize(),
                                before.lo.normalize(),
                                before.hi.normalize()
                            ),
                        )
                        .label("超出法定幅度")
                        .help("细化只能在法定幅度之内收窄；减轻处罚另有规定"),
                    );
                    return None;
                }
                Some((lo, hi))
            }
            None => None,
        };
        let (lo, hi) = narrowed.unwrap_or((before.lo, before.hi));
        if let Some(c) = &f.case_tiers {
            // Tiers chosen by conditions replace whatever tiers the base wrote.
            let cases = self.case_tiers(c, lo, hi)?;
            return Some((
                FineSpec {
                    tiers: None,
                    cases: Some(cases),
                    ..before
                },
                narrowed,
            ));
        }
        let tiers = match (&f.tiers, narrowed) {
            (Some(t), _) => self.tiers(t, lo, hi)?,
            (None, Some(_)) => {
                // A narrower range alone is one tier that every case selects.
                let fact = self.fact_index.get("party_type").copied()?;
                self.tiers.push(Tiers {
                    fact,
                    rows: vec![Tier {
                        key: TierKey::Rest,
                        lo,
                        hi,
                    }],
                });
                u32::try_from(self.tiers.len() - 1).ok()?
            }
            (None, None) => return None,
        };
        Some((
            FineSpec {
                tiers: Some(tiers),
                cases: None,
                ..before
            },
            narrowed,
        ))
    }

    fn widens(&mut self, span: Span, message: String) {
        self.diags.push(
            Diagnostic::error(Code::RefinementWidens, span, message)
                .label("不能这样细化")
                .help("细化只能在所引条款规定的罚款幅度之内划分档次、收窄幅度"),
        );
    }
}

fn party_words(p: Party) -> &'static str {
    match p {
        Party::Individual => "个人",
        Party::Unit => "单位",
    }
}
