//! What the legality lints know of the Administrative Penalty Law: which of its articles an
//! entry cites, the modality each article commands, and the statutory ground of each
//! no-penalty article as a condition over the rule set's standard facts.

use crate::model::expr::CmpOp;
use crate::model::{Entry, Expr, FactType, RuleSet, Value};

/// The law's name as citations write it.
pub const LAW: &str = "《中华人民共和国行政处罚法》";

/// An article of the law that an entry may cite as its ground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Article {
    /// 第三十条 (under 14: no penalty; 14 to 18: lighter or mitigated), 应当.
    A30,
    /// 第三十一条 (incapable: no penalty, 应当; limited: lighter or mitigated, 可以).
    A31,
    /// 第三十二条 (lighter or mitigated), 应当.
    A32,
    /// 第三十三条第一款 (first sentence 应当 不予; second sentence 可以 不予).
    A33P1,
    /// 第三十三条第二款 (no fault), 应当.
    A33P2,
    /// 第四十九条 (emergency: aggravated), 应当.
    A49,
}

impl Article {
    /// The article as a citation names it.
    pub fn cite(self) -> &'static str {
        match self {
            Article::A30 => "《中华人民共和国行政处罚法》第三十条",
            Article::A31 => "《中华人民共和国行政处罚法》第三十一条",
            Article::A32 => "《中华人民共和国行政处罚法》第三十二条",
            Article::A33P1 => "《中华人民共和国行政处罚法》第三十三条第一款",
            Article::A33P2 => "《中华人民共和国行政处罚法》第三十三条第二款",
            Article::A49 => "《中华人民共和国行政处罚法》第四十九条",
        }
    }
}

/// The articles of the law an entry cites (a citation of 第三十三条 without a paragraph counts
/// as both paragraphs).
pub fn cited(e: &Entry) -> Vec<Article> {
    let mut out = Vec::new();
    for b in &e.basis {
        let Some(rest) = b.split(LAW).nth(1) else {
            continue;
        };
        let found: &[Article] = if rest.starts_with("第三十条") {
            &[Article::A30]
        } else if rest.starts_with("第三十一条") {
            &[Article::A31]
        } else if rest.starts_with("第三十二条") {
            &[Article::A32]
        } else if rest.starts_with("第三十三条第一款") {
            &[Article::A33P1]
        } else if rest.starts_with("第三十三条第二款") {
            &[Article::A33P2]
        } else if rest.starts_with("第三十三条") {
            &[Article::A33P1, Article::A33P2]
        } else if rest.starts_with("第四十九条") {
            &[Article::A49]
        } else {
            &[]
        };
        for a in found {
            if !out.contains(a) {
                out.push(*a);
            }
        }
    }
    out
}

/// The statutory grounds of no penalty, as conditions over the standard facts.
pub struct Grounds {
    /// Art. 30: an individual under 14.
    pub a30: Option<Expr>,
    /// Art. 31: unable to recognise or control one's conduct.
    pub a31: Option<Expr>,
    /// Art. 33 para 1, first sentence: 违法行为轻微并及时改正，没有造成危害后果.
    pub a33_first: Option<Expr>,
    /// Art. 33 para 1, second sentence: 初次违法且危害后果轻微并及时改正.
    pub a33_second: Option<Expr>,
    /// Art. 33 para 2: evidence of no fault.
    pub a33_2: Option<Expr>,
}

fn fact(rules: &RuleSet, name: &str) -> Option<Expr> {
    rules.fact_index.get(name).map(|&f| Expr::Fact(f))
}

fn variant(rules: &RuleSet, name: &str, value: &str) -> Option<Value> {
    let &f = rules.fact_index.get(name)?;
    match &rules.facts.get(f as usize)?.ty {
        FactType::Enum(vs) => vs
            .iter()
            .position(|(v, _)| v == value)
            .map(|i| Value::Enum(crate::limits::option_index(i))),
        _ => None,
    }
}

fn and(a: Expr, b: Expr) -> Expr {
    Expr::And(Box::new(a), Box::new(b))
}

fn eq(rules: &RuleSet, name: &str, value: &str) -> Option<Expr> {
    Some(Expr::Cmp(
        CmpOp::Eq,
        Box::new(fact(rules, name)?),
        Box::new(Expr::Lit(variant(rules, name, value)?)),
    ))
}

impl Grounds {
    /// The grounds the rule set's facts can express (a ground whose facts are not declared is
    /// `None`).
    pub fn of(rules: &RuleSet) -> Grounds {
        let a30 = (|| {
            Some(and(
                eq(rules, "party_type", "individual")?,
                Expr::Cmp(
                    CmpOp::Lt,
                    Box::new(fact(rules, "age")?),
                    Box::new(Expr::Lit(Value::Int(14))),
                ),
            ))
        })();
        let a33_second = (|| {
            let harm = fact(rules, "harm")?;
            Some(and(
                fact(rules, "first_offense")?,
                and(
                    Expr::In(
                        Box::new(harm),
                        vec![
                            variant(rules, "harm", "none")?,
                            variant(rules, "harm", "minor")?,
                        ],
                    ),
                    fact(rules, "corrected")?,
                ),
            ))
        })();
        let a33_first = (|| {
            Some(and(
                fact(rules, "minor")?,
                and(fact(rules, "corrected")?, eq(rules, "harm", "none")?),
            ))
        })();
        Grounds {
            a30,
            a31: eq(rules, "mental_state", "incapable"),
            a33_first,
            a33_second,
            a33_2: fact(rules, "no_fault_evidence"),
        }
    }

    /// The grounds an article gives for no penalty.
    pub fn of_article(&self, a: Article) -> Vec<&Expr> {
        match a {
            Article::A30 => self.a30.iter().collect(),
            Article::A31 => self.a31.iter().collect(),
            Article::A33P1 => self.a33_first.iter().chain(&self.a33_second).collect(),
            Article::A33P2 => self.a33_2.iter().collect(),
            Article::A32 | Article::A49 => Vec::new(),
        }
    }
}
