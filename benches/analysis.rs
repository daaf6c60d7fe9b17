//! Analysis benchmarks: the whole analysis of `caliper check` (lints L0403 on, each finding with
//! its example case).
//!
//! - `analysis/shipped`: the embedded shipped rules (target < 1 s).
//! - `analysis/generated_1000x10000`: the generated rule set of 1,000 violations and 10,000
//!   entries of `benches/support` (target < 30 s).
//!
//! Run with `cargo bench --bench analysis`; `cargo bench --bench analysis -- --test` runs each
//! once. On a machine whose cores other work shares, `cargo bench --bench analysis -- cpu`
//! prints the CPU time (from `/proc/self/stat`) and the wall time of one whole analysis of each
//! set instead: the figure the machine's load does not move.

mod support;

#[path = "support/cpu.rs"]
mod cpu;
use caliper::Rules;
use cpu::cpu_seconds;
use criterion::{Criterion, SamplingMode, criterion_group};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn analysis(c: &mut Criterion) {
    let shipped = Rules::embedded().expect("the shipped rules load");
    let files = support::generate(1_000, 10_000);
    let generated = Rules::from_sources(&files, support::ROOT).expect("the generated set loads");
    assert!(generated.model().entries.len() >= 10_000);
    assert!(
        generated
            .model()
            .violation_index
            .contains_key(support::xr_49_2_like(1_000).as_str())
    );
    let mut g = c.benchmark_group("analysis");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("shipped", |b| b.iter(|| black_box(shipped.analyse())));
    g.bench_function("generated_1000x10000", |b| {
        b.iter(|| black_box(generated.analyse()))
    });
    g.finish();
}

/// CPU and wall time of one whole analysis of each set, with the number of findings.
fn cpu_figures() {
    let shipped = Rules::embedded().expect("the shipped rules load");
    let files = support::generate(1_000, 10_000);
    let generated = Rules::from_sources(&files, support::ROOT).expect("the generated set loads");
    for (name, rules, rounds) in [
        ("shipped", &shipped, 10),
        ("generated_1000x10000", &generated, 1),
    ] {
        let (cpu0, wall0) = (cpu_seconds(), Instant::now());
        let mut found = 0;
        for _ in 0..rounds {
            found = black_box(rules.analyse()).len();
        }
        let (cpu, wall) = (cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
        println!(
            "analysis/{name}: {found} findings, CPU {:.3} s, wall {:.3} s per analysis ({rounds} runs)",
            cpu / f64::from(rounds),
            wall / f64::from(rounds)
        );
    }
}

criterion_group!(benches, analysis);

fn main() {
    if std::env::args().any(|a| a == "cpu") {
        cpu_figures();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
