//! The overhead of one rhai hook on a decision (target ≤ 3 µs over the same decision without it).
//!
//! Two rule sets, both built from the shipped rule files: `without` leaves out `hooks.rules`
//! (and declares the two facts the hook reads, so the same case binds), `with` adds one hook on
//! XR-42, the shipped trading-point script, compiled once when the rules load.
//!
//! - `hooks/baseline`: XR-42 for an individual who refused to correct, without the hook
//!   (standard, 95..155).
//! - `hooks/one_hook_no_effect`: the same case with the hook; the script reads the facts, looks
//!   the point up and finds the trading was outside its hours: same decision, one more trace line.
//! - `hooks/one_hook_adds_circumstance`: the hook adds a no-penalty circumstance (可以), so the walk
//!   also computes the alternative: no penalty, may.
//!
//! Run with `cargo bench --bench hooks`; the medians are in
//! `target/criterion/hooks/*/new/estimates.json`. `cargo bench --bench hooks -- --test` runs
//! each once and checks the decisions.

use caliper::{Case, Outcome, Rules};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

const HOOK: &str = r#"
钩子 H-BENCH-1 "便民疏导点、夜市点、三修点在规定时间内经营" {
    适用 XR-42
    时点 情节之后
    脚本 "hooks/trading-points.rhai"
    依据 "许昌市设置农副产品便民疏导点、夜市点、三修点的规范性文件（示范引用）"
}
"#;

const FACTS: &str = r#"
事实 trading_point 选项 { none "不在指定地点", farm_produce "农副产品便民疏导点", night_market "夜市点", repair "三修点" } "经营地点"
事实 within_hours 布尔 "在指定地点的规定时间内经营"
"#;

/// Every shipped rule file and script, `hooks.rules` left out of the root.
fn shipped() -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|x| x == "rules" || x == "rhai") {
                let rel = p
                    .strip_prefix(root)
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                out.push((rel, text));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    for (path, text) in &mut files {
        if path == "main.rules" {
            *text = text.replace("包含 \"hooks.rules\"", "包含 \"bench.rules\"");
        }
    }
    files
}

fn rules(with_hook: bool) -> Rules {
    let mut files = shipped();
    let bench = if with_hook {
        format!("{FACTS}\n{HOOK}")
    } else {
        FACTS.to_string()
    };
    files.push(("bench.rules".to_string(), bench));
    Rules::from_sources(&files, "main.rules")
        .unwrap_or_else(|e| panic!("the bench rule set does not load:\n{e}"))
}

fn case(within_hours: bool) -> Case {
    Case::new("XR-42")
        .fact("party_type", "individual")
        .fact("age", 35)
        .fact("minor", false)
        .fact("harm", "general")
        .fact("corrected", false)
        .fact("first_offense", false)
        .fact("prior_penalties_12m", 0)
        .fact("violation_date", "2025-03-02")
        .fact("discovery_date", "2025-03-05")
        .fact("decision_date", "2025-03-10")
        .fact("trading_point", "farm_produce")
        .fact("within_hours", within_hours)
}

fn bench(c: &mut Criterion) {
    let without = rules(false);
    let with = rules(true);
    let outside = case(false);
    let inside = case(true);

    let d = without.evaluate(&outside).expect("decides");
    assert_eq!(d.outcome, Outcome::Standard);
    let e = with.evaluate(&outside).expect("decides");
    assert_eq!((e.outcome, e.fine), (d.outcome, d.fine));
    assert!(e.trace.lines().iter().any(|l| l.contains("H-BENCH-1")));
    let n = with.evaluate(&inside).expect("decides");
    assert_eq!(n.outcome, Outcome::NoPenalty);

    let mut g = c.benchmark_group("hooks");
    g.bench_function("baseline", |b| {
        b.iter(|| without.evaluate(black_box(&outside)))
    });
    g.bench_function("one_hook_no_effect", |b| {
        b.iter(|| with.evaluate(black_box(&outside)))
    });
    g.bench_function("one_hook_adds_circumstance", |b| {
        b.iter(|| with.evaluate(black_box(&inside)))
    });
    // The script alone, as the walk runs it (facts bound, decision constants ready).
    let model = with.model();
    let script = &model.hooks[0].script;
    let mut facts: Vec<Option<caliper::model::Value>> = vec![None; model.facts.len()];
    let index = |name: &str| model.fact_index[name] as usize;
    facts[index("trading_point")] = Some(caliper::model::Value::Enum(1));
    facts[index("within_hours")] = Some(caliper::model::Value::Bool(true));
    let snap = caliper::hooks::Snapshot {
        violation: "XR-42",
        outcome: Outcome::Standard,
        mandatory: true,
        fine: None,
        statutory: None,
    };
    g.bench_function("script_only", |b| {
        b.iter(|| {
            caliper::hooks::run(
                script,
                caliper::hooks::HookPoint::AfterCircumstances,
                black_box(&facts),
                &snap,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
