//! Span-free syntax trees, for the formatter's proof: two trees mean the same when they are
//! equal with every span set to the empty one. Every type is taken apart field by field, so a
//! field added to the syntax tree is a compile error here until it is erased or compared.

mod penalty;

use crate::source::Span;
use crate::syntax::ast::{
    Amount, BaseRef, DateLit, EntryDecl, Expr, ExprKind, FactDecl, File, HigherDecl, HookDecl,
    Item, Name, Param, ParamValue, PredicateDecl, RefineFine, RefinementDecl, RegulationDecl,
    RuleSetDecl, Scalar, ScriptRef, Str, TypeExpr, VersionDecl, ViolationDecl,
};
use penalty::erase_case_tiers;

/// The tree without its spans.
pub(super) fn span_free(file: &File) -> File {
    let mut f = file.clone();
    f.erase();
    f
}

/// Sets every span inside to the empty one.
trait Erase {
    fn erase(&mut self);
}

impl Erase for Span {
    fn erase(&mut self) {
        *self = Span::default();
    }
}

impl<T: Erase> Erase for Vec<T> {
    fn erase(&mut self) {
        self.iter_mut().for_each(Erase::erase);
    }
}

impl<T: Erase> Erase for Option<T> {
    fn erase(&mut self) {
        if let Some(x) = self {
            x.erase();
        }
    }
}

impl<T: Erase> Erase for Box<T> {
    fn erase(&mut self) {
        (**self).erase();
    }
}

impl Erase for Name {
    fn erase(&mut self) {
        let Name { text: _, span } = self;
        span.erase();
    }
}

impl Erase for Str {
    fn erase(&mut self) {
        let Str { value: _, span } = self;
        span.erase();
    }
}

impl Erase for DateLit {
    fn erase(&mut self) {
        let DateLit { date: _, span } = self;
        span.erase();
    }
}

impl Erase for Amount {
    fn erase(&mut self) {
        let Amount { lo: _, hi: _, span } = self;
        span.erase();
    }
}

impl Erase for File {
    fn erase(&mut self) {
        let File {
            items,
            broken,
            lost,
        } = self;
        broken.clear();
        lost.clear();
        items.erase();
    }
}

impl Erase for Item {
    fn erase(&mut self) {
        match self {
            Item::RuleSet(x) => x.erase(),
            Item::Include(x) => x.erase(),
            Item::Fact(x) => x.erase(),
            Item::Predicate(x) => x.erase(),
            Item::Regulation(x) => x.erase(),
            Item::Violation(x) => x.erase(),
            Item::Entry(x) => x.erase(),
            Item::Hook(x) => x.erase(),
            Item::Refinement(x) => x.erase(),
        }
    }
}

impl Erase for BaseRef {
    fn erase(&mut self) {
        match self {
            BaseRef::Embedded(span) => span.erase(),
            BaseRef::Dir(s) => s.erase(),
        }
    }
}

impl Erase for RefinementDecl {
    fn erase(&mut self) {
        let RefinementDecl {
            code,
            source,
            notes,
            bands,
            band_ranges,
            fines,
            entries,
            daily,
            span,
        } = self;
        daily.erase();
        code.erase();
        source.erase();
        notes.erase();
        erase_bands(bands);
        band_ranges.erase();
        fines.erase();
        entries.erase();
        span.erase();
    }
}

impl Erase for RefineFine {
    fn erase(&mut self) {
        let RefineFine {
            party,
            amount,
            tiers,
            case_tiers,
            span,
        } = self;
        if let Some((_, s)) = party {
            s.erase();
        }
        amount.erase();
        tiers.erase();
        if let Some(c) = case_tiers {
            erase_case_tiers(c);
        }
        span.erase();
    }
}

impl Erase for RuleSetDecl {
    fn erase(&mut self) {
        let RuleSetDecl {
            name,
            base,
            version,
            effective,
            authority,
            notes,
            params,
            span,
        } = self;
        name.erase();
        base.erase();
        version.erase();
        effective.erase();
        authority.erase();
        notes.erase();
        params.erase();
        span.erase();
    }
}

impl Erase for Param {
    fn erase(&mut self) {
        let Param { name, value, span } = self;
        name.erase();
        value.erase();
        span.erase();
    }
}

impl Erase for ParamValue {
    fn erase(&mut self) {
        match self {
            ParamValue::Scalar(s) => s.erase(),
            ParamValue::PerParty(ps) => ps.iter_mut().for_each(|(_, s)| s.erase()),
        }
    }
}

impl Erase for Scalar {
    fn erase(&mut self) {
        match self {
            Scalar::Number(_, span) | Scalar::Unset(span) | Scalar::Range(_, _, span) => {
                span.erase()
            }
            Scalar::Word(n) => n.erase(),
        }
    }
}

impl Erase for FactDecl {
    fn erase(&mut self) {
        let FactDecl {
            name,
            ty,
            label,
            unit,
            default,
            span,
        } = self;
        name.erase();
        ty.erase();
        label.erase();
        unit.erase();
        default.erase();
        span.erase();
    }
}

impl Erase for TypeExpr {
    fn erase(&mut self) {
        match self {
            TypeExpr::Bool
            | TypeExpr::Int
            | TypeExpr::Decimal
            | TypeExpr::Money
            | TypeExpr::Date => {}
            TypeExpr::Enum(vs) => vs.iter_mut().for_each(|(n, l)| {
                n.erase();
                l.erase();
            }),
        }
    }
}

impl Erase for PredicateDecl {
    fn erase(&mut self) {
        let PredicateDecl {
            name,
            label,
            cond,
            span,
        } = self;
        name.erase();
        label.erase();
        cond.erase();
        span.erase();
    }
}

impl Erase for RegulationDecl {
    fn erase(&mut self) {
        let RegulationDecl {
            id,
            name,
            effective,
            notes,
            first_enacted,
            violations,
            span,
        } = self;
        id.erase();
        name.erase();
        effective.erase();
        notes.erase();
        first_enacted.erase();
        violations.erase();
        span.erase();
    }
}

impl Erase for crate::syntax::ast::BandRange {
    fn erase(&mut self) {
        let crate::syntax::ast::BandRange {
            name,
            lo: _,
            hi: _,
            span,
        } = self;
        name.erase();
        span.erase();
    }
}

/// The bands clause: `(name, value, span)`.
fn erase_bands(bands: &mut [(Name, rust_decimal::Decimal, Span)]) {
    for (n, _, s) in bands {
        n.erase();
        s.erase();
    }
}

impl Erase for ViolationDecl {
    fn erase(&mut self) {
        let ViolationDecl {
            code,
            title,
            breach,
            basis,
            bands,
            band_ranges,
            common,
            parties,
            versions,
            repeal,
            elements,
            see_also,
            higher,
            span,
        } = self;
        code.erase();
        title.erase();
        breach.erase();
        basis.erase();
        erase_bands(bands);
        band_ranges.erase();
        common.erase();
        parties.erase();
        versions.erase();
        repeal.erase();
        elements.erase();
        see_also.erase();
        higher.erase();
        span.erase();
    }
}

impl Erase for VersionDecl {
    fn erase(&mut self) {
        let VersionDecl {
            from,
            until,
            first_enacted: _,
            breach,
            basis,
            bands,
            band_ranges,
            common,
            parties,
            span,
        } = self;
        from.erase();
        until.erase();
        breach.erase();
        basis.erase();
        erase_bands(bands);
        band_ranges.erase();
        common.erase();
        parties.erase();
        span.erase();
    }
}

impl Erase for HigherDecl {
    fn erase(&mut self) {
        let HigherDecl {
            code,
            defers: _,
            when,
        } = self;
        code.erase();
        when.erase();
    }
}

impl Erase for EntryDecl {
    fn erase(&mut self) {
        let EntryDecl {
            statutory: _,
            list: _,
            id,
            covers,
            covers_all: _,
            except,
            modality,
            title,
            when,
            basis,
            source,
            measures,
            ranges,
            range_span,
            span,
        } = self;
        id.erase();
        covers.erase();
        except.erase();
        if let Some((_, s)) = modality {
            s.erase();
        }
        title.erase();
        when.erase();
        basis.erase();
        source.erase();
        measures.erase();
        ranges.iter_mut().for_each(|(_, a)| a.erase());
        range_span.erase();
        span.erase();
    }
}

impl Erase for HookDecl {
    fn erase(&mut self) {
        let HookDecl {
            id,
            title,
            covers,
            covers_all: _,
            except,
            points,
            scripts,
            basis,
            span,
        } = self;
        id.erase();
        title.erase();
        covers.erase();
        except.erase();
        points.erase();
        scripts.erase();
        basis.erase();
        span.erase();
    }
}

impl Erase for ScriptRef {
    fn erase(&mut self) {
        match self {
            ScriptRef::File(s) => s.erase(),
            ScriptRef::Inline { text: _, span } => span.erase(),
        }
    }
}

impl Erase for Expr {
    fn erase(&mut self) {
        let Expr { kind, span } = self;
        kind.erase();
        span.erase();
    }
}

impl Erase for ExprKind {
    fn erase(&mut self) {
        match self {
            ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::Date(_)
            | ExprKind::Str(_)
            | ExprKind::Name(_) => {}
            ExprKind::Not(x) | ExprKind::Neg(x) => x.erase(),
            ExprKind::Binary(_, a, b) => {
                a.erase();
                b.erase();
            }
            ExprKind::In(x, set) => {
                x.erase();
                set.erase();
            }
            ExprKind::Call(_, args) => args.erase(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::span_free;
    use crate::source::FileId;
    use crate::syntax::parse;

    const TEXT: &str = "规则集 \"t\" {版本 \"1\" 施行 2025-01-01}\n事实 x 小数 \"面积\"\n违法行为 A-1 \"乱倒\" { 依据 \"某条\" 若 x > 5 { 罚款 每 x 50..100 } 否则 { 警告 } }\n";

    fn tree(text: &str) -> crate::syntax::ast::File {
        let (file, diags) = parse(FileId(0), text);
        assert!(diags.is_empty(), "{diags:?}");
        file
    }

    #[test]
    fn another_layout_is_the_same_tree() {
        let relaid = TEXT.replace(' ', "  ").replace('{', "{\n");
        let (a, b) = (tree(TEXT), tree(&relaid));
        assert_ne!(a, b, "the spans differ");
        assert_eq!(span_free(&a), span_free(&b));
    }

    #[test]
    fn another_number_or_name_is_another_tree() {
        for changed in [
            TEXT.replace("x > 5", "x > 6"),
            TEXT.replace("警告", "通报批评"),
        ] {
            assert_ne!(
                span_free(&tree(TEXT)),
                span_free(&tree(&changed)),
                "{changed}"
            );
        }
    }
}
