//! The cost of the C ABI over the library: one case decided through `Rules::decide_json` and
//! through `caliper_decide` / `caliper_decide_bytes` (handle look-up, UTF-8 check, the
//! returned string's copy and free).

use caliper_ffi::{
    caliper_decide, caliper_decide_bytes, caliper_rules_embedded, caliper_rules_free,
    caliper_string_free,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::ffi::CString;
use std::hint::black_box;

const CASE: &str = include_str!("../../../examples/xr-49-2-individual.json");

fn overhead(c: &mut Criterion) {
    let rules = caliper::Rules::embedded().expect("the shipped rules load");
    // SAFETY: NULL error pointer is allowed.
    let handle = unsafe { caliper_rules_embedded(std::ptr::null_mut()) };
    assert!(!handle.is_null());
    let case = CString::new(CASE).expect("no NUL in the example");
    let mut g = c.benchmark_group("binding_overhead");
    g.bench_function("rust_decide_json", |b| {
        b.iter(|| black_box(rules.decide_json(black_box(CASE))))
    });
    g.bench_function("c_caliper_decide", |b| {
        b.iter(|| {
            // SAFETY: a live handle and a NUL-terminated case; the result is freed once.
            unsafe {
                let out = caliper_decide(handle, black_box(case.as_ptr()));
                caliper_string_free(black_box(out));
            }
        })
    });
    g.bench_function("c_caliper_decide_bytes", |b| {
        b.iter(|| {
            // SAFETY: a live handle and `len` readable bytes; the result is freed once.
            unsafe {
                let out = caliper_decide_bytes(handle, black_box(CASE.as_ptr()), CASE.len());
                caliper_string_free(black_box(out));
            }
        })
    });
    g.finish();
    caliper_rules_free(handle);
}

criterion_group!(benches, overhead);
criterion_main!(benches);
