//! Rules in words: conditions, penalties and amounts as a citizen reads them in a published list.

use crate::model::expr::{ArithOp, CmpOp};
use crate::model::{Expr, FactType, FineSpec, PenaltyAlt, RuleSet, ScaleKind, Stmt, Value};
use crate::vocab::Yuan;
use rust_decimal::Decimal;

/// A condition in Chinese words, with the facts' labels.
pub fn condition(rules: &RuleSet, e: &Expr) -> String {
    match e {
        Expr::And(a, b) => format!("{}，且{}", condition(rules, a), condition(rules, b)),
        Expr::Or(a, b) => format!("{}，或者{}", paren(rules, a), paren(rules, b)),
        Expr::Not(x) => format!("并非{}", paren(rules, x)),
        Expr::Pred(p) => rules
            .predicates
            .get(*p as usize)
            .map_or_else(String::new, |p| p.label.to_string()),
        Expr::Fact(_)
        | Expr::Lit(_)
        | Expr::Neg(_)
        | Expr::Arith(..)
        | Expr::Days(..)
        | Expr::AddMonths(..) => value(rules, e, None),
        Expr::Cmp(op, a, b) => {
            let fact = match (&**a, &**b) {
                (Expr::Fact(f), _) | (_, Expr::Fact(f)) => Some(*f),
                _ => None,
            };
            let word = match op {
                CmpOp::Eq => "为",
                CmpOp::Ne => "不为",
                CmpOp::Lt => "少于",
                CmpOp::Le => "不超过",
                CmpOp::Gt => "超过",
                CmpOp::Ge => "达到",
            };
            format!("{}{word}{}", value(rules, a, fact), value(rules, b, fact))
        }
        Expr::In(x, set) => {
            let fact = match &**x {
                Expr::Fact(f) => Some(*f),
                _ => None,
            };
            let items: Vec<String> = set.iter().map(|v| literal(rules, *v, fact)).collect();
            format!("{}为{}", value(rules, x, fact), items.join("或"))
        }
    }
}

fn paren(rules: &RuleSet, e: &Expr) -> String {
    match e {
        Expr::And(..) | Expr::Or(..) => format!("（{}）", condition(rules, e)),
        _ => condition(rules, e),
    }
}

/// A value: a fact's label (with its unit), a literal, or arithmetic.
pub fn value(rules: &RuleSet, e: &Expr, fact: Option<u32>) -> String {
    match e {
        Expr::Fact(f) => rules
            .facts
            .get(*f as usize)
            .map_or_else(String::new, |f| f.label.to_string()),
        Expr::Lit(v) => literal(rules, *v, fact),
        Expr::Neg(x) => format!("-{}", value(rules, x, fact)),
        Expr::Arith(op, a, b) => {
            let sym = match op {
                ArithOp::Add => "加",
                ArithOp::Sub => "减",
                ArithOp::Mul => "乘以",
                ArithOp::Div => "除以",
            };
            format!("{}{sym}{}", value(rules, a, fact), value(rules, b, fact))
        }
        Expr::Days(a, b) => format!(
            "自{}至{}的天数",
            value(rules, a, None),
            value(rules, b, None)
        ),
        Expr::AddMonths(d, n) => {
            format!("{}后{}个月", value(rules, d, None), value(rules, n, None))
        }
        other => condition(rules, other),
    }
}

fn literal(rules: &RuleSet, v: Value, fact: Option<u32>) -> String {
    let f = fact.and_then(|f| rules.facts.get(f as usize));
    match v {
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::Int(i) => format!("{i}{}", unit(f)),
        Value::Dec(d) => format!("{}{}", d.normalize(), unit(f)),
        Value::Date(d) => d.to_string(),
        Value::Enum(i) => match f.map(|f| &f.ty) {
            Some(FactType::Enum(vs)) => vs
                .get(i as usize)
                .map_or_else(String::new, |(_, label)| label.clone()),
            _ => i.to_string(),
        },
    }
}

fn unit(f: Option<&crate::model::Fact>) -> String {
    match f.and_then(|f| f.unit.as_deref()) {
        Some(u) => u.to_string(),
        None if f.is_some_and(|f| f.ty == FactType::Money) => "元".into(),
        None => String::new(),
    }
}

/// An amount range in the words of a statute: "五千元以上五万元以下" written with digits.
pub fn range_yuan(lo: Decimal, hi: Decimal) -> String {
    let (lo, hi) = (Yuan(lo), Yuan(hi));
    if lo == hi {
        format!("{lo}元")
    } else if lo.0.is_zero() {
        format!("{hi}元以下")
    } else {
        format!("{lo}元以上{hi}元以下")
    }
}

/// A fine as the article states it.
pub fn fine(rules: &RuleSet, f: &FineSpec) -> String {
    let stated = fine_stated(rules, f);
    match f.cap {
        Some(c) => format!("{stated}，总额不超过{}元", Yuan(c)),
        None => stated,
    }
}

/// Bands of their own in words: "从轻处罚 0%–20%，一般处罚 40%–60%，从重处罚 80%–100%".
pub fn fractions(f: &crate::model::Fractions) -> String {
    let pct = |(a, b): (Decimal, Decimal)| {
        let p = |x: Decimal| (x * Decimal::from(100)).normalize();
        format!("{}%–{}%", p(a), p(b))
    };
    format!(
        "从轻处罚 {}，一般处罚 {}，从重处罚 {}",
        pct(f.lighter),
        pct(f.standard),
        pct(f.aggravated)
    )
}

/// The unit a per-unit fine is counted in: `平方米`, or `日·平方米` for two facts.
pub fn per_unit(rules: &RuleSet, f: &FineSpec) -> String {
    let word = |id: u32| {
        let fact = &rules.facts[id as usize];
        fact.unit.clone().unwrap_or_else(|| fact.label.to_string())
    };
    let first = f.scale.map_or_else(String::new, |(id, _)| word(id));
    match f.per_also {
        Some(id) => format!("{first}·{}", word(id)),
        None => first,
    }
}

fn fine_stated(rules: &RuleSet, f: &FineSpec) -> String {
    match f.scale {
        None => format!("罚款{}", range_yuan(f.lo, f.hi)),
        Some((fact, ScaleKind::PerUnit)) => {
            let label = &rules.facts[fact as usize].label;
            match f.per_also {
                None => {
                    let per = per_unit(rules, f);
                    format!("按{label}每{per}罚款{}", range_yuan(f.lo, f.hi))
                }
                Some(other) => {
                    let word = |id: u32| {
                        let fact = &rules.facts[id as usize];
                        fact.unit.clone().unwrap_or_else(|| fact.label.to_string())
                    };
                    format!(
                        "按{label}和{}每{}每{}罚款{}",
                        rules.facts[other as usize].label,
                        word(fact),
                        word(other),
                        range_yuan(f.lo, f.hi)
                    )
                }
            }
        }
        Some((fact, ScaleKind::Multiple)) => {
            let fact = &rules.facts[fact as usize];
            let (lo, hi) = (f.lo.normalize(), f.hi.normalize());
            if lo == hi {
                format!("罚款{}的{hi}倍", fact.label)
            } else if lo.is_zero() {
                format!("罚款{}的{hi}倍以下", fact.label)
            } else {
                format!("罚款{}的{lo}倍以上{hi}倍以下", fact.label)
            }
        }
    }
}

/// A penalty statement list in words, with the article's own conditions.
pub fn stmts(rules: &RuleSet, stmts: &[Stmt]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for s in stmts {
        match s {
            Stmt::Measures(ms) => {
                let names: Vec<&str> = ms.iter().map(|m| m.zh()).collect();
                parts.push(names.join("、"));
            }
            Stmt::Penalty(p) => {
                let alts: Vec<String> = p
                    .alts
                    .iter()
                    .map(|a| match a {
                        PenaltyAlt::Fine(f) => fine(rules, f),
                        PenaltyAlt::Kind(k) => k.zh().to_string(),
                    })
                    .collect();
                let may = if p.discretionary { "可以处" } else { "" };
                parts.push(format!("{may}{}", alts.join("或者")));
            }
            Stmt::Daily(d) => parts.push(daily(rules, d)),
            Stmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                let mut t = format!(
                    "{}的，{}",
                    condition(rules, cond),
                    stmts_or_none(rules, then)
                );
                if !otherwise.is_empty() {
                    t.push_str(&format!("；否则，{}", stmts_or_none(rules, otherwise)));
                }
                parts.push(t);
            }
        }
    }
    parts.join("，")
}

/// A daily fine in words: "可以按照原处罚数额按日连续处罚（日数：自责令改正之日至复查之日的天数）".
pub fn daily(rules: &RuleSet, d: &crate::model::DailyFine) -> String {
    let may = if d.discretionary { "可以" } else { "" };
    format!(
        "{may}按照原处罚数额按日连续处罚（日数：{}）",
        value(rules, &d.days, None)
    )
}

fn stmts_or_none(rules: &RuleSet, s: &[Stmt]) -> String {
    if s.is_empty() {
        "不予处罚".into()
    } else {
        stmts(rules, s)
    }
}

/// The fines of a statement list with the conditions under which each arises.
pub fn fines_with_conditions(rules: &RuleSet, stmts: &[Stmt]) -> Vec<(Option<String>, FineSpec)> {
    fn walk(
        rules: &RuleSet,
        stmts: &[Stmt],
        path: &mut Vec<String>,
        out: &mut Vec<(Option<String>, FineSpec)>,
    ) {
        for s in stmts {
            match s {
                Stmt::Penalty(p) => {
                    for a in &p.alts {
                        if let PenaltyAlt::Fine(f) = a {
                            let cond = if path.is_empty() {
                                None
                            } else {
                                Some(path.join("，且"))
                            };
                            out.push((cond, *f));
                        }
                    }
                }
                Stmt::Measures(_) | Stmt::Daily(_) => {}
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    let words = condition(rules, cond);
                    path.push(words.clone());
                    walk(rules, then, path, out);
                    path.pop();
                    path.push(format!("并非{words}"));
                    walk(rules, otherwise, path, out);
                    path.pop();
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(rules, stmts, &mut Vec::new(), &mut out);
    out
}

/// A tier's selecting values in words: "体积不超过5立方米", "体积超过5立方米、不超过10立方米",
/// "体积不满5立方米", "体积5立方米以上", "危害后果为严重"; `prev` is the bound of the tier
/// before, and whether that tier includes it.
pub fn tier(
    rules: &RuleSet,
    fact: u32,
    key: crate::model::TierKey,
    prev: Option<(Decimal, bool)>,
) -> String {
    use crate::model::TierKey as K;
    let f = &rules.facts[fact as usize];
    let num = |n: Decimal| literal(rules, Value::Dec(n), Some(fact));
    // Where the tier starts: above a bound the tier before included, or at one it did not.
    let start = |p: Option<(Decimal, bool)>| match p {
        None => String::new(),
        Some((p, true)) => format!("超过{}、", num(p)),
        Some((p, false)) => format!("{}以上、", num(p)),
    };
    match (key, prev) {
        (K::UpTo(n), p) => format!("{}{}不超过{}", f.label, start(p), num(n)),
        (K::Below(n), p) => format!("{}{}不满{}", f.label, start(p), num(n)),
        (K::From(n), _) => format!("{}{}以上", f.label, num(n)),
        (K::Rest, Some((p, true))) => format!("{}超过{}", f.label, num(p)),
        (K::Rest, Some((p, false))) => format!("{}{}以上", f.label, num(p)),
        (K::Rest, None) => "其余情形".to_string(),
        (K::Variant(i), _) => {
            format!(
                "{}为{}",
                f.label,
                literal(rules, Value::Enum(i), Some(fact))
            )
        }
    }
}

/// Fills in the words of what the caseworker's trace quotes — the elements (`要件`), the
/// article's own conditions (`若`) and a daily fine's days — from the conditions, with the facts'
/// labels: the trace reads 「逾期未改正，或者危害后果为严重」, not `uncorrected 或 harm = serious`.
/// The text as written stays for the drafter's diagnostics and analysis. Run once, after the
/// checks.
pub fn fill_trace_words(rules: &mut RuleSet) {
    fn fill(rules: &RuleSet, stmts: &mut [Stmt]) {
        for s in stmts {
            match s {
                Stmt::If {
                    cond,
                    words,
                    then,
                    otherwise,
                    ..
                } => {
                    *words = condition(rules, cond).into();
                    fill(rules, then);
                    fill(rules, otherwise);
                }
                Stmt::Daily(d) => d.words = value(rules, &d.days, None).into(),
                Stmt::Measures(_) | Stmt::Penalty(_) => {}
            }
        }
    }
    // The words need the facts and predicates, not the violations being changed.
    let mut violations = std::mem::take(&mut rules.violations);
    for v in &mut violations {
        for e in &mut v.elements {
            e.words = condition(rules, &e.cond).into();
        }
        for ver in &mut v.versions {
            for list in [&mut ver.penalties.individual, &mut ver.penalties.unit]
                .into_iter()
                .flatten()
            {
                fill(rules, list);
            }
        }
    }
    rules.violations = violations;
}
