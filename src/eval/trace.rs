//! The trace records the walk as small structured steps: data, cheap to record (no text is
//! formatted while evaluating). `explain` renders each step as a Chinese sentence when the
//! decision is written out.

use crate::vocab::{FineRange, ListKind, Measure, Outcome, Party};
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
    /// The absolute cap (总额不超过) where it lowered the scaled range.
    pub cap: Option<Decimal>,
    /// The band chosen.
    pub band: Option<FineRange>,
    /// Outcome whose band it is.
    pub outcome: Outcome,
}

/// 按日连续处罚 in the trace (boxed, as the fine's step).
#[derive(Debug, Clone, PartialEq)]
pub struct DailyStep {
    /// The days counted.
    pub days: u64,
    /// How the rule file counts them (`天数(order_date, recheck_date)`).
    pub text: Arc<str>,
    /// Each day's fine; none where no fine is imposed or no day is counted.
    pub per_day: Option<FineRange>,
    /// The whole of it.
    pub total: Option<FineRange>,
    /// The article says 可以.
    pub discretionary: bool,
}

/// How step 7 combined the circumstances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// No circumstance.
    None,
    /// Only aggravating circumstances.
    OnlyAggravating,
    /// Only mitigating circumstances.
    OnlyMitigating,
    /// A statutory 应当 mitigation and an aggravation: the aggravation is outweighed.
    ShallMitigationWins,
    /// 可以 mitigation and aggravation offset each other (the rule set's conflict policy).
    Offset,
    /// 可以 mitigation and aggravation: the rule set's conflict policy mitigates.
    PolicyMitigates,
    /// 可以 mitigation and aggravation: the rule set's conflict policy aggravates.
    PolicyAggravates,
    /// Two commands of the law itself (Art. 49 and Arts. 30–32): they offset.
    StatutoryCommandsOffset,
    /// The law's 应当从重 against a local list's mitigation: the law's command stands.
    LawAggravationWins,
}

/// Why the hooks covering a violation did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// The outcome depends on a fact the case does not give.
    Undetermined,
    /// An earlier step gave no penalty, shall: no local exception may change it.
    NoPenaltyShall,
    /// The code does not apply (step 0).
    NotApplicable,
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
    /// The rule set declares no violation_date: steps 1 and 2 do not run.
    LawNotDeclared,
    /// The law changed between the act and the decision (Art. 37), and why this version applies.
    LawChanged {
        /// The reason, as `law.reason` of the decision gives it.
        reason: String,
    },
    /// The article names no penalty for this party type (Art. 38).
    NoNormForParty {
        /// The party.
        party: Party,
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
        /// Its list.
        list: ListKind,
        /// Restates a statute.
        statutory: bool,
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
        why: Why,
    },
    /// Art. 29: the act was already fined.
    AlreadyFined,
    /// The fine's statutory range and band.
    Fine(Box<FineStep>),
    /// 减轻 with a statutory minimum of 0: the fine is dropped, lighter kinds kept.
    FineDropped,
    /// 按日连续处罚: its days, and the fine repeated for each.
    DailyFine(Box<DailyStep>),
    /// 减轻 impossible (minimum 0, no lighter kind): stays 从轻.
    MitigationStaysLighter,
    /// A measure of Art. 28 / 33 / 30 / 31 added.
    Measures {
        /// The measures, in the decision's order.
        measures: Vec<Measure>,
    },
    /// Illegal income confiscated (Art. 28).
    ConfiscateIncome {
        /// Amount.
        amount: Decimal,
    },
    /// The outcome depends on facts the case does not give.
    Undetermined {
        /// The missing facts: label and name.
        facts: Vec<(Arc<str>, Arc<str>)>,
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
        /// Where it ran.
        point: crate::vocab::HookPoint,
    },
    /// A hook did not run, and why.
    HookSkipped {
        /// Hook id.
        id: Arc<str>,
        /// Why not.
        why: Skipped,
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
    /// Art. 29: a higher-rank norm brought in could not be compared (its text for the act's
    /// date is not encoded); the named norm decides.
    HigherNotCompared {
        /// The higher norm's code.
        higher: Arc<str>,
        /// Why not (the case error's message).
        reason: String,
    },
    /// Art. 29: a higher-rank norm took part in the decision.
    HigherApplied {
        /// The norm that brought it in, where that norm defers to it (`从其规定`): it governs.
        defers_from: Option<Arc<str>>,
        /// The higher norm's code.
        higher: Arc<str>,
        /// Its title.
        title: Arc<str>,
        /// Its citation.
        basis: Arc<str>,
    },
    /// Art. 29: whether the act also falls under a higher-rank norm depends on facts the case
    /// does not give.
    HigherOpen {
        /// The higher norm's code.
        higher: Arc<str>,
        /// The condition, as written.
        condition: Arc<str>,
    },
    /// A sentence already rendered: a trace read back from a decision document.
    Text(String),
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
