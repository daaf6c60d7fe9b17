"""Timing by hand (not a test): the Python binding's cost per call over the library, and
evaluate_many's decisions per second on 1 and 2 threads.

    pip install ./bindings/python
    python3 bindings/python/bench/throughput.py

Per call: decide_json (text in, text out) and evaluate (dict in, dict out) on the example case,
the best of several rounds; compare with the Rust `decide_json` of
`cargo bench -p caliper-ffi --bench overhead`. Throughput: evaluate_many over 20,000 cases,
threads=1 and threads=2, two Python threads each deciding half with decide_json, and
decide_many_json (text in, text out) on 1 and 2 threads.
"""

import json
import pathlib
import threading
import time

import caliper

ROOT = pathlib.Path(__file__).resolve().parents[3]
CASE_TEXT = (ROOT / "examples" / "xr-49-2-individual.json").read_text(encoding="utf-8")
CASE = json.loads(CASE_TEXT)
ROUNDS = 7
CALLS = 20_000
MANY = 20_000


def best(fn, n):
    times = []
    for _ in range(ROUNDS):
        t = time.perf_counter()
        fn(n)
        times.append(time.perf_counter() - t)
    return min(times) / n


def main():
    rules = caliper.Rules.embedded()
    compact = json.dumps(CASE, ensure_ascii=False, separators=(",", ":"))

    def decide_json(n):
        for _ in range(n):
            rules.decide_json(compact)

    def evaluate(n):
        for _ in range(n):
            rules.evaluate(CASE)

    print(f"decide_json(str) -> str : {best(decide_json, CALLS) * 1e6:.2f} µs/call")
    print(f"evaluate(dict) -> dict  : {best(evaluate, CALLS) * 1e6:.2f} µs/call")

    cases = [CASE] * MANY
    for threads in (1, 2):
        t = min(_timed(lambda: rules.evaluate_many(cases, threads=threads)) for _ in range(3))
        print(f"evaluate_many threads={threads}: {MANY / t:,.0f} decisions/s")

    texts = [compact] * MANY

    def half(part):
        for c in part:
            rules.decide_json(c)

    def two_python_threads():
        ts = [threading.Thread(target=half, args=(texts[i::2],)) for i in range(2)]
        for x in ts:
            x.start()
        for x in ts:
            x.join()

    t1 = min(_timed(lambda: half(texts)) for _ in range(3))
    t2 = min(_timed(two_python_threads) for _ in range(3))
    print(f"decide_json, 1 Python thread : {MANY / t1:,.0f} decisions/s")
    print(f"decide_json, 2 Python threads: {MANY / t2:,.0f} decisions/s")
    for threads in (1, 2):
        t = min(_timed(lambda: rules.decide_many_json(texts, threads=threads)) for _ in range(3))
        print(f"decide_many_json threads={threads}: {MANY / t:,.0f} decisions/s")


def _timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
