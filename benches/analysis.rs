//! Analysis benchmarks: the whole analysis of `caliper check` (lints L0403 on, each finding with
//! its example case).
//!
//! - `analysis/shipped`: the embedded shipped rules (target < 1 s).
//! - `analysis/generated_1000x10000`: the generated rule set of 1,000 violations and 10,000
//!   entries of `benches/support` (target < 30 s).
//!
//! Run with `cargo bench --bench analysis`; `cargo bench --bench analysis -- --test` runs each
//! once.

mod support;

use caliper::Rules;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

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

criterion_group!(benches, analysis);
criterion_main!(benches);
