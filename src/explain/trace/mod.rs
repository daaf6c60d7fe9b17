//! Each step of the trace as a Chinese sentence: what the decision's `trace` holds and what a
//! caseworker reads.

use crate::eval::trace::{FineStep, Skipped, Step, Why};
use crate::vocab::{Modality, Yuan};

mod json;

pub(crate) use json::write_json;

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
                    s.write_str("；当事人为")?;
                    s.write_str(p.zh())?;
                }
            }
            Step::NoNormOnActDate { .. }
            | Step::Repealed { .. }
            | Step::Limitation { .. }
            | Step::LawNotDeclared
            | Step::LawChanged { .. }
            | Step::NoNormForParty { .. } => law_sentence(self, s)?,
            Step::Elements { .. }
            | Step::NotApplicable { .. }
            | Step::ArticleCondition { .. }
            | Step::NothingRemains
            | Step::Entry { .. } => condition_sentence(self, s)?,
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
                write!(s, "第7步 综合情节：{}，{}（{m}）", why_zh(*why), outcome.zh())?;
            }
            Step::AlreadyFined
            | Step::Fine(_)
            | Step::FineDropped
            | Step::MitigationStaysLighter => fine_sentence(self, s)?,
            Step::DailyFine(d) => super::daily::sentence(d, s)?,
            Step::Measures { measures } => {
                let names: Vec<&str> = measures.iter().map(|m| m.zh()).collect();
                write!(s, "措施：{}", names.join("、"))?;
            }
            Step::ConfiscateIncome { amount } => {
                write!(s,
                    "有违法所得 {} 元，应当予以没收（《中华人民共和国行政处罚法》第二十八条第二款）",
                    Yuan(*amount)
                )?;
            }
            Step::Undetermined { facts } => {
                s.write_str("结果取决于案件未给出的事实：")?;
                for (i, (label, name)) in facts.iter().enumerate() {
                    if i > 0 {
                        s.write_str("、")?;
                    }
                    write!(s, "{label}（{name}）")?;
                }
                s.write_str("；请补充后再判断")?;
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
            Step::HookRan { .. }
            | Step::HookSkipped { .. }
            | Step::HookCircumstance { .. }
            | Step::HookOutcome { .. }
            | Step::HookFine { .. }
            | Step::HookOutput { .. } => hook_sentence(self, s)?,
            Step::HigherNotCompared { .. } | Step::HigherApplied { .. } | Step::HigherOpen { .. } => {
                several_sentence(self, s)?
            }
            Step::Text(t) => s.write_str(t)?,
        }
        Ok(())
    }
}

/// Steps 0 to 5: the conditions of the code, the article and the lists' entries.
fn condition_sentence(step: &Step, s: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match step {
        Step::Elements { text, value } => {
            let v = match value {
                Some(true) => "具备",
                Some(false) => "不具备",
                None => "无法判断（缺少事实）",
            };
            write!(s, "第0步 构成要件「{text}」：{v}")?;
        }
        Step::NotApplicable { message, see_also } => {
            write!(
                s,
                "第0步 {message}：不适用本违法行为编号，不作不予处罚的决定"
            )?;
            if !see_also.is_empty() {
                let codes: Vec<&str> = see_also.iter().map(|c| &**c).collect();
                write!(s, "；可考虑 {}", codes.join("、"))?;
            }
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
            statutory,
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
            let list = list.list_zh(*statutory);
            write!(s, "第{step}步 {list} {id}「{title}」（{m}）：{v}")?;
        }
        _ => {}
    }
    Ok(())
}

/// Art. 29's steps: the higher-rank norms an act brings in.
fn several_sentence(step: &Step, s: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match step {
        Step::HigherNotCompared { higher, reason } => {
            write!(s, "第29条 未能与上位法 {higher} 比较：{reason}")
        }
        Step::HigherApplied {
            defers_from: Some(lower),
            higher,
            title,
            basis,
        } => write!(
            s,
            "第29条 {lower} 对该行为“已有法律责任规定的，从其规定”：适用上位法 {higher}「{title}」（{basis}）"
        ),
        Step::HigherApplied {
            defers_from: None,
            higher,
            title,
            basis,
        } => write!(
            s,
            "第29条 该行为同时违反上位法 {higher}「{title}」（{basis}）：同一个违法行为不得给予两次以上罚款，按罚款数额高的规定处罚"
        ),
        Step::HigherOpen { higher, condition } => write!(
            s,
            "第29条 该行为是否同时违反上位法 {higher}（「{condition}」）未查明：结果待定"
        ),
        _ => Ok(()),
    }
}

/// How step 7 combined, in words.
pub(super) fn why_zh(why: Why) -> &'static str {
    match why {
        Why::None => "没有从轻、减轻或者从重情节",
        Why::OnlyAggravating => "只有从重情节",
        Why::OnlyMitigating => "只有从轻或者减轻情节",
        Why::ShallMitigationWins => {
            "既有法定应当从轻或者减轻的情节，又有从重情节；地方清单不能改变法律的“应当”，从重情节不予适用"
        }
        Why::Offset => "可以从轻或者减轻的情节与从重情节相抵",
        Why::PolicyMitigates => "可以从轻或者减轻的情节与从重情节并存，按规则集的冲突处理从轻",
        Why::PolicyAggravates => "可以从轻或者减轻的情节与从重情节并存，按规则集的冲突处理从重",
        Why::StatutoryCommandsOffset => {
            "法律规定应当从轻或者减轻的情节与法律规定应当从重的情节并存，两者都是法律的要求，相互抵消，按一般处罚；须法制审核并由行政机关负责人集体讨论决定（《中华人民共和国行政处罚法》第五十七条第二款）"
        }
        Why::LawAggravationWins => {
            "法律规定应当从重，地方清单的从轻或者减轻情节不能改变法律的“应当”，不予适用"
        }
    }
}

/// The sentences of step 8.
fn fine_sentence(step: &Step, s: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match step {
        Step::AlreadyFined => s.write_str(
            "同一违法行为已被处以罚款，不再罚款；其他处罚种类照常（《中华人民共和国行政处罚法》第二十九条）",
        )?,
        Step::Fine(fine) => {
            let FineStep {
                statutory,
                scale,
                tier,
                cap,
                band,
                outcome,
            } = &**fine;
            write!(s, "第8步 法定罚款幅度 {} 元", statutory.dashed())?;
            if let Some((label, v, per_unit)) = scale {
                let how = if *per_unit { "按数量" } else { "按倍数" };
                write!(s, "（{how}计算，{label} = {}）", v.normalize())?;
            }
            if let Some(c) = cap {
                write!(s, "，总额不超过 {} 元", c.normalize())?;
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
        _ => {}
    }
    Ok(())
}

/// The sentences of step 9: what a hook did.
fn hook_sentence(step: &Step, s: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match step {
        Step::HookRan { id, title, point } => {
            write!(s, "第9步 地方例外 {id}「{title}」（{}）运行", point.zh())?;
        }
        Step::HookSkipped { id, why } => {
            let why = match why {
                Skipped::Undetermined => "结果待定（缺少事实），地方例外不运行",
                Skipped::NoPenaltyShall => {
                    "前几步已依法作出不予处罚（应当）的决定，地方例外不得改变"
                }
                Skipped::NotApplicable => "本编号不适用，地方例外不运行",
            };
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
            write!(
                s,
                "第9步 地方例外 {id} 增加{list}情节「{title}」（{m}），依据{citation}"
            )?;
        }
        Step::HookOutcome {
            id,
            outcome,
            citation,
        } => {
            write!(
                s,
                "第9步 地方例外 {id} 将结果定为{}，依据{citation}",
                outcome.zh()
            )?;
        }
        Step::HookFine { id, fine } => {
            write!(s, "第9步 地方例外 {id} 将罚款定为 {} 元", fine.dashed())?;
        }
        Step::HookOutput { id, text, note } => {
            let what = if *note { "说明" } else { "输出" };
            write!(s, "第9步 地方例外 {id} {what}：{text}")?;
        }
        _ => {}
    }
    Ok(())
}

/// The sentences of steps 1 and 2, and of an article that names no penalty for the party.
fn law_sentence(step: &Step, s: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match step {
        Step::NoNormOnActDate { date } => {
            write!(
                s,
                "第1步 违法行为发生时（{date}）没有处罚该行为的规定：不予处罚（应当，《中华人民共和国行政处罚法》第三十七条、第三十八条）"
            )?;
        }
        Step::Repealed { date } => {
            write!(
                s,
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
            write!(
                s,
                "第2步 时效 {years} 年，自 {start} 起算，最后一日 {last}；{discovery} 发现"
            )?;
            if *barred {
                s.write_str("，已超过时效：不再给予行政处罚（应当，《中华人民共和国行政处罚法》第三十六条）")?;
            } else {
                s.write_str("，未超过时效")?;
            }
        }
        Step::LawNotDeclared => {
            s.write_str("第1、2步 规则集没有声明 violation_date，未判断适用的法律版本和时效")?
        }
        Step::LawChanged { reason } => write!(s, "第1步 {reason}")?,
        Step::NoNormForParty { party } => {
            let party = party.zh();
            write!(
                s,
                "该条文对{party}没有规定处罚：没有法定依据的，不得给予行政处罚（《中华人民共和国行政处罚法》第三十八条）"
            )?;
        }
        _ => {}
    }
    Ok(())
}
