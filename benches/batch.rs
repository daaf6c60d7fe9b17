//! Batch throughput: `batch::run` from NDJSON to NDJSON without the trace, on 1 and 2 worker
//! threads, over 20,000 cases of a synthetic archive (many violations, party types and
//! circumstances) held in memory; the answers go to a sink. Criterion reports cases per second
//! (`Throughput::Elements`). Bar: 250,000 decisions/s per core, and 1.8× on 2 cores.
//!
//! Run with `cargo bench --bench batch`; `-- --test` runs each once. On a machine whose cores
//! other work shares, wall-clock scaling says little; `-- cpu` instead runs the batch a few
//! times on 1 and on 2 workers and prints decisions per second of CPU time (all threads, from
//! `/proc/self/stat`) beside decisions per second of wall time. Equal figures per CPU-second on
//! 1 and 2 workers mean the second thread costs nothing extra (no contention): the batch then
//! scales with the cores it gets.

#[path = "support/cpu.rs"]
mod cpu;
use caliper::Rules;
use caliper::batch::{self, Options};
use cpu::cpu_seconds;
use criterion::{Criterion, Throughput, criterion_group};
use std::time::{Duration, Instant};

const CASES: u64 = 20_000;

/// The cases of a synthetic archive as plain case documents (the audit's own fields dropped).
fn cases(rules: &Rules) -> Vec<u8> {
    let mut archive = Vec::new();
    caliper::audit::synth::generate(rules, CASES, 7, false, &mut archive).expect("in memory");
    let mut out = Vec::with_capacity(archive.len());
    for line in String::from_utf8(archive).expect("UTF-8").lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        let case = serde_json::json!({ "case_id": v["case_id"], "violation": v["violation"], "facts": v["facts"] });
        serde_json::to_writer(&mut out, &case).expect("JSON");
        out.push(b'\n');
    }
    out
}

fn bench(c: &mut Criterion) {
    let rules = Rules::embedded().expect("the shipped rules load");
    let input = cases(&rules);
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(CASES));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    for workers in [1, 2] {
        let opts = Options {
            workers,
            trace: false,
            ..Options::default()
        };
        g.bench_function(format!("ndjson_no_trace/{workers}_threads"), |b| {
            b.iter(|| {
                let s = batch::run(&rules, &input[..], &mut std::io::sink(), &opts, &|_, _| {})
                    .expect("in memory");
                assert_eq!(s.cases, CASES);
                assert_eq!(s.errors, 0);
            });
        });
    }
    g.finish();
}

/// Decisions per CPU-second and per wall-second on 1 and 2 workers.
fn cpu_figures() {
    let rules = Rules::embedded().expect("the shipped rules load");
    let input = cases(&rules);
    const ROUNDS: u64 = 25;
    for workers in [1, 2] {
        let opts = Options {
            workers,
            trace: false,
            ..Options::default()
        };
        let (cpu0, wall0) = (cpu_seconds(), Instant::now());
        for _ in 0..ROUNDS {
            let s = batch::run(&rules, &input[..], &mut std::io::sink(), &opts, &|_, _| {})
                .expect("in memory");
            assert_eq!(s.cases, CASES);
        }
        let (cpu, wall) = (cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
        let n = (CASES * ROUNDS) as f64;
        println!(
            "batch ndjson_no_trace {workers} worker(s): {n} decisions, CPU {cpu:.2} s ({:.0}/CPU-s), wall {wall:.2} s ({:.0}/s)",
            n / cpu,
            n / wall
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    if std::env::args().any(|a| a == "cpu") {
        cpu_figures();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
