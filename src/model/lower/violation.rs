//! Violations and the versions of their punishing article in time.

use super::{Body, Lowerer};
use crate::diag::{Code, Diagnostic};
use crate::model::{Element, Fractions, PerPartyStmts, Stmt, Version, Violation};
use crate::source::Span;
use crate::syntax::ast;
use crate::vocab::Party;
use rust_decimal::Decimal;
use std::sync::Arc;

impl Lowerer {
    pub(super) fn violation(
        &mut self,
        v: &ast::ViolationDecl,
        regulation: Option<u32>,
        regulation_from: Option<jiff::civil::Date>,
    ) -> Violation {
        for extra in v.breach.iter().skip(1) {
            self.diags.push(
                Diagnostic::error(
                    Code::DuplicateClause,
                    extra.span,
                    format!("违法行为 {} 的“违反”写了两次", v.code.text),
                )
                .label("第二次")
                .secondary(v.breach[0].span, "第一次")
                .help("只保留一处；同一条文的几款可以写在一个字符串里"),
            );
        }
        let top_has_penalty = !v.common.is_empty() || !v.parties.is_empty() || !v.basis.is_empty();
        let mut versions = Vec::new();
        if v.versions.is_empty() {
            let body = Body {
                breach: &[],
                basis: &v.basis,
                bands: &v.bands,
                band_ranges: &v.band_ranges,
                common: &v.common,
                parties: &v.parties,
            };
            versions.push(self.version(&v.code, body, regulation_from, None, v.code.span));
        } else {
            if top_has_penalty {
                let span = v.basis.first().map_or(v.code.span, |b| b.span);
                self.diags.push(
                    Diagnostic::error(
                        Code::VersionMixed,
                        span,
                        format!(
                            "违法行为 {} 既有“版本”块，又在版本之外写了依据或处罚",
                            v.code.text
                        ),
                    )
                    .label("版本之外的依据或处罚")
                    .secondary(v.versions[0].span, "版本从这里开始")
                    .help("有多个版本时，把依据和处罚都写进各自的“版本”块"),
                );
            }
            for ver in &v.versions {
                let body = Body {
                    breach: &ver.breach,
                    basis: &ver.basis,
                    bands: &ver.bands,
                    band_ranges: &ver.band_ranges,
                    common: &ver.common,
                    parties: &ver.parties,
                };
                let from = ver.from.date;
                let until = ver.until.and_then(|u| u.date);
                let mut lowered = self.version(&v.code, body, from, until, ver.span);
                lowered.first_enacted = ver.first_enacted;
                versions.push(lowered);
            }
            versions.sort_by_key(|x: &Version| x.from);
        }
        let repealed = v.repeal.first().and_then(|d| d.date);
        let elements = v
            .elements
            .iter()
            .map(|e| {
                let text: Arc<str> = self
                    .sources
                    .get(e.span.file)
                    .map_or("", |f| f.slice(e.span))
                    .into();
                Element {
                    cond: self.condition(e),
                    words: text.clone(),
                    text,
                }
            })
            .collect();
        Violation {
            code: v.code.text.as_str().into(),
            title: v.title.value.as_str().into(),
            regulation,
            breach: v.breach.first().map(|b| b.value.as_str().into()),
            versions,
            repealed,
            repeal_span: v.repeal.first().map(|d| d.span),
            elements,
            see_also: Vec::new(),
            higher: Vec::new(),
            span: v.code.span,
            location: self.location(v.code.span),
        }
    }

    pub(super) fn version(
        &mut self,
        code: &ast::Name,
        body: Body<'_>,
        from: Option<jiff::civil::Date>,
        until: Option<jiff::civil::Date>,
        span: Span,
    ) -> Version {
        for extra in body.basis.iter().skip(1) {
            self.diags.push(
                Diagnostic::error(
                    Code::DuplicateClause,
                    extra.span,
                    format!("违法行为 {} 的“依据”写了两次", code.text),
                )
                .label("第二次")
                .secondary(body.basis[0].span, "第一次")
                .help("只保留一处；同一条文的几款可以写在一个字符串里"),
            );
        }
        let basis: Arc<str> = match body.basis.first() {
            Some(b) => self.citation(&b.value),
            None => {
                self.diags.push(
                    Diagnostic::error(
                        Code::MissingCitation,
                        if span == code.span { code.span } else { span },
                        format!("违法行为 {} 没有写处罚依据", code.text),
                    )
                    .label("缺少“依据”")
                    .help("在违法行为（或其版本）中写：依据 \"《……》第……条\""),
                );
                "".into()
            }
        };
        let (bands, bands_span) = self.bands_of(code, body.bands, body.band_ranges);

        let common = self.stmts(body.common);
        let mut penalties = PerPartyStmts::default();
        let mut seen: Vec<(Party, Span)> = Vec::new();
        for b in body.parties {
            if let Some((_, first)) = seen.iter().find(|(p, _)| *p == b.party) {
                self.diags.push(
                    Diagnostic::error(
                        Code::DuplicateParty,
                        b.span,
                        format!("违法行为 {} 中当事人类型重复", code.text),
                    )
                    .label("第二个")
                    .secondary(*first, "第一个")
                    .help("把两块合为一块"),
                );
                continue;
            }
            seen.push((b.party, b.span));
            let own = self.stmts(&b.stmts);
            let mut stmts = Vec::with_capacity(common.len() + own.len());
            stmts.extend(common.iter().cloned());
            stmts.extend(own);
            match b.party {
                Party::Individual => penalties.individual = Some(stmts),
                Party::Unit => penalties.unit = Some(stmts),
            }
        }
        let has_common = Stmt::any_penalty(&common);
        if penalties.individual.is_none() && (has_common || seen.is_empty()) {
            penalties.individual = Some(common.clone());
        }
        if penalties.unit.is_none() && (has_common || seen.is_empty()) {
            penalties.unit = Some(common);
        }
        self.check_daily(&penalties);
        let any = [&penalties.individual, &penalties.unit]
            .into_iter()
            .flatten()
            .any(|s| Stmt::any_penalty(s));
        if !any {
            self.diags.push(
                Diagnostic::error(
                    Code::NoPenalty,
                    if span == code.span { code.span } else { span },
                    format!("违法行为 {} 没有规定任何处罚", code.text),
                )
                .label("没有处罚")
                .help("写出法条规定的处罚，如 罚款 200..1000 或 警告"),
            );
        }
        Version {
            from,
            label: from.map(date_label),
            until,
            first_enacted: false,
            breach: body.breach.first().map(|b| b.value.as_str().into()),
            basis,
            bands,
            bands_span,
            penalties,
            span,
        }
    }

    /// Bands of their own (`从轻幅度 0..0.2 一般幅度 0.4..0.6 从重幅度 0.8..1`): all three, each
    /// once. Whether they lie in the range and in order is the checker's (C0310, C0311).
    pub(super) fn own_bands(
        &mut self,
        given: &[(&ast::Name, Decimal, Decimal, Span)],
        span: Span,
        what: &str,
    ) -> Option<Fractions> {
        let mut slots: [Option<(Decimal, Decimal)>; 3] = [None; 3];
        let mut ok = true;
        for (name, lo, hi, s) in given {
            let i = match name.text.as_str() {
                "从轻幅度" => 0,
                "一般幅度" => 1,
                "从重幅度" => 2,
                other => {
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnknownParameter,
                            name.span,
                            format!("幅度参数“{other}”无效"),
                        )
                        .label("不可用")
                        .help("各档的幅度写 从轻幅度、一般幅度、从重幅度"),
                    );
                    ok = false;
                    continue;
                }
            };
            if slots[i].is_some() {
                self.diags.push(
                    Diagnostic::error(
                        Code::DuplicateClause,
                        *s,
                        format!("{what}的“{}”写了两次", name.text),
                    )
                    .label("第二次")
                    .help("每档的幅度只写一次"),
                );
                ok = false;
            }
            slots[i] = Some((*lo, *hi));
        }
        match slots {
            [Some(lighter), Some(standard), Some(aggravated)] if ok => Some(Fractions {
                lighter,
                standard,
                aggravated,
            }),
            [..] if !ok => None,
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        Code::BandsIncomplete,
                        span,
                        format!("{what}的幅度须同时写从轻幅度、一般幅度和从重幅度"),
                    )
                    .label("缺少一档")
                    .help("写作 从轻幅度 0..0.2 一般幅度 0.4..0.6 从重幅度 0.8..1"),
                );
                None
            }
        }
    }

    /// A violation's (or a refinement's) bands: the split at 从轻比例 and 从重比例, or bands of
    /// their own (从轻幅度 …); one form only. With where they are written.
    pub(super) fn bands_of(
        &mut self,
        code: &ast::Name,
        bands: &[(ast::Name, Decimal, Span)],
        band_ranges: &[ast::BandRange],
    ) -> (Option<Fractions>, Option<Span>) {
        if band_ranges.is_empty() {
            let span = bands.first().map(|b| b.2);
            return (self.version_bands(code, bands), span);
        }
        let own: Vec<(&ast::Name, Decimal, Decimal, Span)> = band_ranges
            .iter()
            .map(|r| (&r.name, r.lo, r.hi, r.span))
            .collect();
        let span = own[0].3.to(own[own.len() - 1].3);
        if let Some((_, _, s)) = bands.first() {
            self.diags.push(
                Diagnostic::error(
                    Code::BandsIncomplete,
                    *s,
                    format!(
                        "违法行为 {} 既写了从轻比例、从重比例，又写了各档的幅度",
                        code.text
                    ),
                )
                .label("两种写法只能用一种")
                .help("写作 幅度 从轻幅度 0..0.2 一般幅度 0.4..0.6 从重幅度 0.8..1"),
            );
        }
        let what = format!("违法行为 {}", code.text);
        (self.own_bands(&own, span, &what), Some(span))
    }

    /// A version's own band fractions (`幅度 从轻比例 … 从重比例 …`): both, in order, or none.
    pub(super) fn version_bands(
        &mut self,
        code: &ast::Name,
        given: &[(ast::Name, Decimal, Span)],
    ) -> Option<Fractions> {
        if given.is_empty() {
            return None;
        }
        let mut lighter = None;
        let mut aggravated = None;
        for (name, value, span) in given {
            match name.text.as_str() {
                "从轻比例" if *value <= Decimal::ONE => lighter = Some(*value),
                "从重比例" if *value <= Decimal::ONE => aggravated = Some(*value),
                _ => self.diags.push(
                    Diagnostic::error(
                        Code::UnknownParameter,
                        *span,
                        format!("幅度参数“{}”无效", name.text),
                    )
                    .label("不可用")
                    .help("违法行为的幅度只能写 从轻比例 和 从重比例，值在 0 和 1 之间"),
                ),
            }
        }
        match (lighter, aggravated) {
            (Some(l), Some(a)) if l <= a => return Some(Fractions::split(l, a)),
            (Some(_), Some(_)) => self.diags.push(
                Diagnostic::error(
                    Code::UnknownParameter,
                    given[0].2.to(given[given.len() - 1].2),
                    format!("违法行为 {} 的从轻比例大于从重比例", code.text),
                )
                .label("比例颠倒")
                .help("从轻比例须不大于从重比例，如 从轻比例 0.3 从重比例 0.7"),
            ),
            _ => self.diags.push(
                Diagnostic::error(
                    Code::UnknownParameter,
                    given[0].2,
                    format!("违法行为 {} 的幅度须同时写从轻比例和从重比例", code.text),
                )
                .label("只写了一个比例")
                .help("写作：幅度 从轻比例 0.3 从重比例 0.7"),
            ),
        }
        None
    }
}

/// A version's label, its date as written (`2021-01-01`), made without a `String` first.
fn date_label(d: jiff::civil::Date) -> Arc<str> {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return Arc::from(d.to_string());
    }
    let digit = |n: i16, p: i16| b'0' + ((n / p) % 10) as u8;
    let (y, m, day) = (y, i16::from(m), i16::from(day));
    let text = [
        digit(y, 1000),
        digit(y, 100),
        digit(y, 10),
        digit(y, 1),
        b'-',
        digit(m, 10),
        digit(m, 1),
        b'-',
        digit(day, 10),
        digit(day, 1),
    ];
    Arc::from(std::str::from_utf8(&text).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::date_label;
    use jiff::civil::date;

    #[test]
    fn a_version_label_is_its_date_as_written() {
        for d in [
            date(2021, 1, 1),
            date(1999, 12, 31),
            date(2024, 2, 29),
            date(0, 1, 1),
            date(9999, 12, 31),
            date(-1, 3, 4),
        ] {
            assert_eq!(&*date_label(d), d.to_string());
        }
    }
}
