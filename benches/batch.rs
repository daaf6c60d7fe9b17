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
//!
//! For instruction counts, which the machine's load does not move, `instructions ROUNDS
//! [WORKERS]` runs the batch ROUNDS times over the same cases (1 worker unless told) and
//! nothing else; under callgrind the difference of two runs divided by the lines between them
//! is the cost of one line, the archive's generation cancelling out:
//!
//! ```sh
//! cargo bench --bench batch --no-run
//! BIN=$(ls -t target/release/deps/batch-* | grep -v '\.d$' | head -1)
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $BIN instructions 1
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $BIN instructions 2
//! # (second total − first total) / 20,000 = one line
//! ```
//!
//! `callgrind_annotate --inclusive=yes` on such a run separates the decision itself
//! (`Rules::evaluate_json_with`, `explain::write_decision`, dropping the `Decision`) from the
//! pipeline around it.

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

/// Runs the batch `rounds` times on `workers` threads, for callgrind; asserts each round
/// answered every case without an error.
fn instructions(rounds: u64, workers: usize) {
    let rules = Rules::embedded().expect("the shipped rules load");
    let input = cases(&rules);
    let opts = Options {
        workers,
        trace: false,
        ..Options::default()
    };
    let mut written = 0u64;
    for _ in 0..rounds {
        let mut out = Counted(0);
        let s = batch::run(&rules, &input[..], &mut out, &opts, &|_, _| {}).expect("in memory");
        assert_eq!((s.cases, s.errors), (CASES, 0));
        written += out.0;
    }
    assert!(
        rounds == 0 || written > rounds * CASES * 100,
        "answers written"
    );
}

/// A sink that counts the bytes written to it.
struct Counted(u64);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

criterion_group!(benches, bench);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "instructions") {
        let number = |i: usize, default| {
            args.get(at + i)
                .and_then(|a| a.parse().ok())
                .unwrap_or(default)
        };
        instructions(number(1, 1) as u64, number(2, 1));
        return;
    }
    if args.iter().any(|a| a == "cpu") {
        cpu_figures();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
