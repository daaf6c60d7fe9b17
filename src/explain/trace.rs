//! The trace records the walk as small structured steps (cheap to record: no text is formatted
//! while evaluating) and renders them as Chinese sentences when the decision is written out.

use crate::vocab::{FineRange, Modality, Outcome, Yuan};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// The fine's statutory range and band (boxed: the largest step, recorded once per decision).
#[derive(Debug, Clone, PartialEq)]
pub struct FineStep {
    /// Statutory range for this party after scaling.
    pub statutory: FineRange,
    /// How it was scaled: fact label and value, per unit (true) or multiple (false).
    pub scale: Option<(Arc<str>, Decimal, bool)>,
    /// The tier (情节档次) the facts selected.
    pub tier: Option<FineRange>,
    /// The band chosen.
    pub band: Option<FineRange>,
    /// Outcome whose band it is.
    pub outcome: Outcome,
}

/// One step of the walk.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The walk starts.
    Start {
        /// Violation code.
        code: Arc<str>,
        /// Its title.
        title: Arc<str>,
        /// The punishing article.
        basis: Arc<str>,
        /// The party type, if known.
        party: Option<crate::vocab::Party>,
    },
    /// No version of the norm was in force on the act date (Arts. 37, 38).
    NoNormOnActDate {
        /// The act date.
        date: jiff::civil::Date,
    },
    /// The norm was repealed by the decision date (Art. 37).
    Repealed {
        /// The decision date.
        date: jiff::civil::Date,
    },
    /// The limitation period (Art. 36).
    Limitation {
        /// Day the period runs from.
        start: jiff::civil::Date,
        /// Its last day.
        last: jiff::civil::Date,
        /// Discovery date.
        discovery: jiff::civil::Date,
        /// 2 or 5.
        years: u8,
        /// Discovered too late.
        barred: bool,
    },
    /// The article names no penalty for this party type (Art. 38).
    NoNormForParty {
        /// 公民 / 单位
        party: &'static str,
    },
    /// Step 0: an element of the code (`要件`) and whether the facts have it.
    Elements {
        /// The element as written.
        text: Arc<str>,
        /// Whether it holds (`None`: unknown).
        value: Option<bool>,
    },
    /// Step 0: the code does not apply; the codes to consider instead.
    NotApplicable {
        /// Why, in words.
        message: String,
        /// 参见.
        see_also: Vec<Arc<str>>,
    },
    /// The article's own condition (逾期未改正 …).
    ArticleCondition {
        /// The condition as written.
        text: Arc<str>,
        /// Its value.
        value: Option<bool>,
    },
    /// Nothing remains to punish under the article's own condition.
    NothingRemains,
    /// A list entry matched or could not be decided.
    Entry {
        /// Step number of the walk in docs/evaluation.md (4, 5, 6).
        step: u8,
        /// List name in Chinese.
        list: &'static str,
        /// Entry id.
        id: Arc<str>,
        /// Title.
        title: Arc<str>,
        /// 应当 / 可以.
        shall: bool,
        /// Its value (None: unknown).
        value: Option<bool>,
    },
    /// No entry of step 4 or 5 applied.
    NoneApplies {
        /// Step number.
        step: u8,
    },
    /// No circumstance matched.
    NoCircumstance,
    /// The combination of step 7.
    Combined {
        /// Outcome.
        outcome: Outcome,
        /// 应当 / 可以.
        mandatory: bool,
        /// How it came about.
        why: &'static str,
    },
    /// Art. 29: the act was already fined.
    AlreadyFined,
    /// The fine's statutory range and band.
    Fine(Box<FineStep>),
    /// 减轻 with a statutory minimum of 0: the fine is dropped, lighter kinds kept.
    FineDropped,
    /// 减轻 impossible (minimum 0, no lighter kind): stays 从轻.
    MitigationStaysLighter,
    /// A measure of Art. 28 / 33 / 30 / 31 added.
    Measures {
        /// Chinese names.
        names: Vec<&'static str>,
    },
    /// Illegal income confiscated (Art. 28).
    ConfiscateIncome {
        /// Amount.
        amount: Decimal,
    },
    /// The outcome depends on facts the case does not give.
    Undetermined {
        /// Labels of the missing facts.
        facts: Vec<Arc<str>>,
    },
    /// The final outcome.
    Result {
        /// Outcome.
        outcome: Outcome,
        /// 应当 / 可以.
        mandatory: bool,
        /// Fine.
        fine: Option<FineRange>,
    },
    /// A local exception (rhai hook) ran (step 9).
    HookRan {
        /// Hook id.
        id: Arc<str>,
        /// Its title.
        title: Arc<str>,
        /// 情节之后 / 结果之后.
        point: &'static str,
    },
    /// A hook did not run, and why.
    HookSkipped {
        /// Hook id.
        id: Arc<str>,
        /// Why not.
        why: &'static str,
    },
    /// A hook added a circumstance.
    HookCircumstance {
        /// Hook id.
        id: Arc<str>,
        /// Which list.
        list: crate::vocab::ListKind,
        /// 应当 / 可以.
        shall: bool,
        /// Title.
        title: Arc<str>,
        /// Citation.
        citation: Arc<str>,
    },
    /// A hook moved the outcome.
    HookOutcome {
        /// Hook id.
        id: Arc<str>,
        /// The new outcome.
        outcome: Outcome,
        /// Citation.
        citation: Arc<str>,
    },
    /// A hook set the fine.
    HookFine {
        /// Hook id.
        id: Arc<str>,
        /// The fine.
        fine: FineRange,
    },
    /// A hook's note (`note`) or output (`print`, `debug`).
    HookOutput {
        /// Hook id.
        id: Arc<str>,
        /// The text.
        text: String,
        /// `note` (true) or `print`/`debug`.
        note: bool,
    },
    /// Free text (deserialised traces, notes).
    Text(String),
}

impl Step {
    /// The step as a Chinese sentence.
    pub fn render(&self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, s: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Start {
                code,
                title,
                basis,
                party,
            } => {
                write!(s, "违法行为 {code}「{title}」，处罚依据{basis}")?;
                if let Some(p) = party {
                    write!(s, "；当事人为{}", p.zh())?;
                }
            }
            Step::NoNormOnActDate { date } => {
                write!(s,
                    "第1步 违法行为发生时（{date}）没有处罚该行为的规定：不予处罚（应当，《中华人民共和国行政处罚法》第三十七条、第三十八条）"
                )?;
            }
            Step::Repealed { date } => {
                write!(s,
                    "第1步 作出处罚决定时（{date}）该规定已废止，不再认为是违法：不予处罚（应当，《中华人民共和国行政处罚法》第三十七条）"
                )?;
            }
            Step::Limitation {
                start,
                last,
                discovery,
                years,
                barred,
            } => {
                write!(s, "第2步 时效 {years} 年，自 {start} 起算，最后一日 {last}；{discovery} 发现")?;
                if *barred {
                    s.write_str("，已超过时效：不再给予行政处罚（应当，《中华人民共和国行政处罚法》第三十六条）")?;
                } else {
                    s.write_str("，未超过时效")?;
                }
            }
            Step::Elements { text, value } => {
                let v = match value {
                    Some(true) => "具备",
                    Some(false) => "不具备",
                    None => "无法判断（缺少事实）",
                };
                write!(s, "第0步 构成要件「{text}」：{v}")?;
            }
            Step::NotApplicable { message, see_also } => {
                write!(s, "第0步 {message}：不适用本违法行为编号，不作不予处罚的决定")?;
                if !see_also.is_empty() {
                    let codes: Vec<&str> = see_also.iter().map(|c| &**c).collect();
                    write!(s, "；可考虑 {}", codes.join("、"))?;
                }
            }
            Step::NoNormForParty { party } => {
                write!(s,
                    "该条文对{party}没有规定处罚：没有法定依据的，不得给予行政处罚（《中华人民共和国行政处罚法》第三十八条）"
                )?;
            }
            Step::ArticleCondition { text, value } => {
                let v = match value {
                    Some(true) => "成立",
                    Some(false) => "不成立",
                    None => "无法判断（缺少事实）",
                };
                write!(s, "第3步 条文自身的条件「{text}」：{v}")?;
            }
            Step::NothingRemains => {
                s.write_str("第3步 条文自身的条件不成立，没有应予处罚的内容：不予处罚（应当）")?;
            }
            Step::Entry {
                step,
                list,
                id,
                title,
                shall,
                value,
            } => {
                let m = Modality::of(*shall).zh();
                let v = match value {
                    Some(true) => "符合",
                    Some(false) => "不符合",
                    None => "无法判断（缺少事实）",
                };
                write!(s, "第{step}步 {list} {id}「{title}」（{m}）：{v}")?;
            }
            Step::NoneApplies { step: 4 } => {
                s.write_str("第4步 不属于法定应当不予处罚的情形（不满十四周岁、不能辨认或者控制、轻微且及时改正无危害后果、无主观过错）")?
            }
            Step::NoneApplies { step } => {
                write!(s, "第{step}步 不属于初次违法可以不予处罚的情形，也不符合不予处罚清单")?;
            }
            Step::NoCircumstance => s.write_str("第6步 没有从轻、减轻或者从重情节")?,
            Step::Combined {
                outcome,
                mandatory,
                why,
            } => {
                let m = Modality::of(*mandatory).zh();
                write!(s, "第7步 综合情节：{why}，{}（{m}）", outcome.zh())?;
            }
            Step::AlreadyFined => s.write_str(
                "同一违法行为已被处以罚款，不再罚款；其他处罚种类照常（《中华人民共和国行政处罚法》第二十九条）",
            )?,
            Step::Fine(fine) => {
                let FineStep {
                    statutory,
                    scale,
                    tier,
                    band,
                    outcome,
                } = &**fine;
                write!(s, "第8步 法定罚款幅度 {} 元", statutory.dashed())?;
                if let Some((label, v, per_unit)) = scale {
                    let how = if *per_unit { "按数量" } else { "按倍数" };
                    write!(s, "（{how}计算，{label} = {}）", v.normalize())?;
                }
                if let Some(t) = tier {
                    write!(s, "；按情节档次适用 {} 元", t.dashed())?;
                }
                match band {
                    Some(b) => {
                        write!(s, "；{}幅度 {} 元", outcome.zh(), b.dashed())?;
                    }
                    None => s.write_str("；不予罚款")?,
                }
            }
            Step::FineDropped => {
                s.write_str("第8步 法定罚款下限为 0，减轻处罚即不予罚款，保留较轻的处罚种类")?
            }
            Step::MitigationStaysLighter => s.write_str(
                "第8步 法定罚款下限为 0 且该违法行为没有较轻的处罚种类，无法减轻，按从轻处罚",
            )?,
            Step::Measures { names } => {
                write!(s, "措施：{}", names.join("、"))?;
            }
            Step::ConfiscateIncome { amount } => {
                write!(s,
                    "有违法所得 {} 元，应当予以没收（《中华人民共和国行政处罚法》第二十八条第二款）",
                    Yuan(*amount)
                )?;
            }
            Step::Undetermined { facts } => {
                let names: Vec<&str> = facts.iter().map(|f| &**f).collect();
                write!(s, "结果取决于案件未给出的事实：{}；请补充后再判断", names.join("、"))?;
            }
            Step::Result {
                outcome,
                mandatory,
                fine,
            } => {
                let m = Modality::of(*mandatory).zh();
                write!(s, "结论：{}（{m}）", outcome.zh())?;
                if let Some(f) = fine {
                    write!(s, "，罚款 {} 元", f.dashed())?;
                }
            }
            Step::HookRan { id, title, point } => {
                write!(s, "第9步 地方例外 {id}「{title}」（{point}）运行")?;
            }
            Step::HookSkipped { id, why } => {
                write!(s, "第9步 地方例外 {id} 未运行：{why}")?;
            }
            Step::HookCircumstance {
                id,
                list,
                shall,
                title,
                citation,
            } => {
                let m = Modality::of(*shall).zh();
                let list = list.zh();
                write!(s, "第9步 地方例外 {id} 增加{list}情节「{title}」（{m}），依据{citation}")?;
            }
            Step::HookOutcome {
                id,
                outcome,
                citation,
            } => {
                write!(s, "第9步 地方例外 {id} 将结果定为{}，依据{citation}", outcome.zh())?;
            }
            Step::HookFine { id, fine } => {
                write!(s, "第9步 地方例外 {id} 将罚款定为 {} 元", fine.dashed())?;
            }
            Step::HookOutput { id, text, note } => {
                let what = if *note { "说明" } else { "输出" };
                write!(s, "第9步 地方例外 {id} {what}：{text}")?;
            }
            Step::Text(t) => s.write_str(t)?,
        }
        Ok(())
    }
}

/// The recorded walk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    steps: Vec<Step>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Trace {
        Trace { steps: Vec::new() }
    }

    /// An empty trace with room for `n` steps.
    pub fn with_capacity(n: usize) -> Trace {
        Trace {
            steps: Vec::with_capacity(n),
        }
    }

    /// Records a step.
    pub fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// The steps.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The steps, to correct one already recorded.
    pub(crate) fn steps_mut(&mut self) -> &mut Vec<Step> {
        &mut self.steps
    }

    /// The steps as Chinese sentences.
    pub fn lines(&self) -> Vec<String> {
        self.steps.iter().map(Step::render).collect()
    }
}

/// A step serialised as its Chinese sentence.
struct Rendered<'a>(&'a Step);

impl Serialize for Rendered<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

impl Serialize for Trace {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Each step is written straight into the output, without a String of its own.
        s.collect_seq(self.steps.iter().map(Rendered))
    }
}

impl<'de> Deserialize<'de> for Trace {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Trace, D::Error> {
        let lines = Vec::<String>::deserialize(d)?;
        Ok(Trace {
            steps: lines.into_iter().map(Step::Text).collect(),
        })
    }
}
