//! Batch throughput: `batch::run` from NDJSON to NDJSON without the trace, on 1 and 2 worker
//! threads, over 20,000 cases of a synthetic archive (many violations, party types and
//! circumstances) held in memory; the answers go to a sink. Criterion reports cases per second
//! (`Throughput::Elements`). Bar: 250,000 decisions/s per core, and 1.8× on 2 cores.
//!
//! Run with `cargo bench --bench batch`; `-- --test` runs each once. On a machine whose cores
//! other work shares, wall-clock scaling says little; `-- cpu` instead runs the batch a few
//! times on 1 and on 2 workers and prints decisions per second of CPU time (all threads, from
//! `/proc/self/stat`) beside decisions per second of wall time, on 2 workers both with one rule
//! set shared and with a rule set each (what `batch::run` does). Equal figures per CPU-second on
//! 1 and 2 workers mean the second thread costs nothing extra (no contention): the batch then
//! scales with the cores it gets. Each worker's rule set is loaded once, before the rounds
//! (`batch::run_with_copies`), here and in the other modes: `batch::run` would load it again
//! for each round.
//!
//! `scaling` measures the bar on wall-clock time, interleaved: 1 worker, 2 workers, and two
//! independent 1-worker batches at once (the most two cores give any two jobs on this machine,
//! which on a virtual machine whose cores share a physical one is less than 2×), 9 times, with
//! the median ratios; `cargo bench --bench batch -- scaling`.
//!
//! `arcs` prints how many reference counts into the rule set one decision holds, on average
//! (each one an atomic increment and decrement on a count all decisions of that rule set share).
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
    let copies = [rules.unshared_copy().expect("the shipped rules load again")];
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
                let s = batch::run_with_copies(
                    &rules,
                    &copies,
                    &input[..],
                    &mut std::io::sink(),
                    &opts,
                    &|_, _| {},
                )
                .expect("in memory");
                assert_eq!(s.cases, CASES);
                assert_eq!(s.errors, 0);
            });
        });
    }
    g.finish();
}

/// Decisions per CPU-second and per wall-second on 1 worker, and on 2 workers sharing one
/// rule set and with one each (the copy made once, before the rounds, as a process that runs
/// many batches would).
fn cpu_figures() {
    let rules = Rules::embedded().expect("the shipped rules load");
    let copy = [rules.unshared_copy().expect("the shipped rules load again")];
    let input = cases(&rules);
    const ROUNDS: u64 = 25;
    for (workers, copies, what) in [
        (1, &copy[..0], ""),
        (2, &copy[..0], ", one rule set shared"),
        (2, &copy[..], ", a rule set each"),
    ] {
        let (cpu0, wall0) = (cpu_seconds(), Instant::now());
        for _ in 0..ROUNDS {
            run_once(&rules, copies, &input, workers);
        }
        let (cpu, wall) = (cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
        let n = (CASES * ROUNDS) as f64;
        println!(
            "batch ndjson_no_trace {workers} worker(s){what}: {n} decisions, CPU {cpu:.2} s ({:.0}/CPU-s), wall {wall:.2} s ({:.0}/s)",
            n / cpu,
            n / wall
        );
    }
}

/// One batch of `input` without the trace on `workers` threads, into a sink; asserts that every
/// case was answered without an error.
fn run_once(rules: &Rules, copies: &[Rules], input: &[u8], workers: usize) {
    let opts = Options {
        workers,
        trace: false,
        ..Options::default()
    };
    let s = batch::run_with_copies(
        rules,
        copies,
        input,
        &mut std::io::sink(),
        &opts,
        &|_, _| {},
    )
    .expect("in memory");
    assert_eq!((s.cases, s.errors), (CASES, 0));
}

/// Wall-clock scaling, interleaved so that a change in what else the machine runs moves every
/// figure alike: `REPEATS` times, 5 rounds on 1 worker, on 2 workers (a rule set each), and two
/// independent 1-worker batches at once on two threads, each with its own rule set and nothing
/// shared (what the machine's two cores give to two jobs that never meet: the ceiling of any
/// pipeline). Prints the median of each repetition's ratios.
fn scaling() {
    let rules = Rules::embedded().expect("the shipped rules load");
    let copy = [rules.unshared_copy().expect("the shipped rules load again")];
    let input = cases(&rules);
    const ROUNDS: u64 = 5;
    const REPEATS: usize = 9;
    let batch = |rules: &Rules, copies: &[Rules], workers: usize| {
        run_once(rules, copies, &input, workers);
    };
    let timed = |f: &dyn Fn()| {
        let t = Instant::now();
        for _ in 0..ROUNDS {
            f();
        }
        t.elapsed().as_secs_f64()
    };
    let (mut pipeline, mut ceiling) = (Vec::new(), Vec::new());
    for _ in 0..REPEATS {
        let one = timed(&|| batch(&rules, &[], 1));
        let two = timed(&|| batch(&rules, &copy, 2));
        let pair = timed(&|| {
            std::thread::scope(|s| {
                s.spawn(|| batch(&copy[0], &[], 1));
                batch(&rules, &[], 1);
            });
        });
        // Two independent batches decide twice the cases in `pair` seconds.
        pipeline.push(one / two);
        ceiling.push(2.0 * one / pair);
        println!(
            "1 worker {:.0}/s, 2 workers {:.0}/s ({:.2}×), two independent batches {:.0}/s ({:.2}×)",
            (CASES * ROUNDS) as f64 / one,
            (CASES * ROUNDS) as f64 / two,
            one / two,
            2.0 * (CASES * ROUNDS) as f64 / pair,
            2.0 * one / pair
        );
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "median of {REPEATS}: 2 workers {:.2}× one, two independent batches {:.2}× one",
        median(&mut pipeline),
        median(&mut ceiling)
    );
}

/// Runs the batch `rounds` times on `workers` threads, for callgrind; asserts each round
/// answered every case without an error.
fn instructions(rounds: u64, workers: usize) {
    let rules = Rules::embedded().expect("the shipped rules load");
    // A rule set per worker, as `batch::run` gives them, loaded once and not per round.
    let copies: Vec<Rules> = (1..workers)
        .map(|_| rules.unshared_copy().expect("the shipped rules load again"))
        .collect();
    let input = cases(&rules);
    let opts = Options {
        workers,
        trace: false,
        ..Options::default()
    };
    let mut written = 0u64;
    for _ in 0..rounds {
        let mut out = Counted(0);
        let s = batch::run_with_copies(&rules, &copies, &input[..], &mut out, &opts, &|_, _| {})
            .expect("in memory");
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
    if args.iter().any(|a| a == "arcs") {
        arcs();
        return;
    }
    if args.iter().any(|a| a == "cpu") {
        cpu_figures();
        return;
    }
    if args.iter().any(|a| a == "scaling") {
        scaling();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// Shared reference counts a decision holds (a lower bound on the atomic increments, and as
/// many decrements, it costs): every `Arc` field of the decision, its concurrent ones included.
fn shared_refs(d: &caliper::decision::Decision) -> u64 {
    let n = |v: usize| v as u64;
    2 + n(d.see_also.len())
        + n(d.basis.len())
        + 2 * u64::from(d.fine_barred.is_some())
        + 3 * n(d.applied.len() + d.outweighed.len())
        + n(d.needs.len())
        + u64::from(d.law.version.is_some())
        + d.concurrent.iter().map(shared_refs).sum::<u64>()
}

fn arcs() {
    let rules = Rules::embedded().expect("the shipped rules load");
    let input = cases(&rules);
    let opts = caliper::Options { trace: false };
    let (mut refs, mut n) = (0u64, 0u64);
    for line in String::from_utf8(input).expect("UTF-8").lines() {
        let d = rules.evaluate_json_with(line, opts).expect("decides");
        refs += shared_refs(&d);
        n += 1;
    }
    println!(
        "{n} decisions, {refs} shared references, {:.2} per decision",
        refs as f64 / n as f64
    );
}
