//! The desk's figures, in a real headless Chromium against the real server on loopback (not a
//! timed test): the bytes the page transfers on its first load with an empty cache, and the time
//! from a changed field to the updated recommendation, read from the performance marks the page
//! records itself (`desk:update`: from the field's event to the rendered recommendation).
//!
//! `cargo bench --bench desk` (needs Debian's `chromium` and `chromium-driver`).

#[path = "../tests/support/desk.rs"]
mod desk;
#[path = "../tests/support/serve.rs"]
mod serve;

use desk::{Server, Session, browser, temp_dir};
use serde_json::Value;

/// Changes of a field measured.
const CHANGES: usize = 60;

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that does not name this bench skips it.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"desk".contains(&a))
    {
        return;
    }
    let Some(b) = browser() else { return };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(&b));
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.0), at(0.5), at(0.9), at(1.0))
}

async fn run(b: &desk::Browser) {
    let dir = temp_dir("bench");
    let server = Server::start(env!("CARGO_BIN_EXE_caliper"), &dir);
    let s = Session::start(b, &dir).await;
    s.open(&server.base).await;
    // Let the page's first requests (vocabulary, rule set) finish.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let load = s
        .js(
            "const n = performance.getEntriesByType('navigation')[0];
             const r = performance.getEntriesByType('resource');
             return { total: n.transferSize + r.reduce((a, e) => a + e.transferSize, 0),
                      body: n.encodedBodySize + r.reduce((a, e) => a + e.encodedBodySize, 0),
                      items: r.map(e => [e.name.replace(location.origin, ''), e.transferSize]) };",
            vec![],
        )
        .await;
    println!(
        "desk/first_load: transfer {} bytes (bodies {} bytes) in {} requests besides the page:",
        load["total"],
        load["body"],
        load["items"].as_array().map_or(0, Vec::len)
    );
    for item in load["items"].as_array().into_iter().flatten() {
        println!("  {:>7} {}", item[1], item[0].as_str().unwrap_or_default());
    }

    s.open_violation("垃圾", "XR-49-2").await;
    s.fill_xr_49_2().await;
    s.js("performance.clearMeasures('desk:update');", vec![])
        .await;
    for i in 0..CHANGES {
        let (value, outcome) = if i % 2 == 0 {
            ("true", "lighter")
        } else {
            ("", "standard")
        };
        s.click(&format!("#f-eliminated_harm input[value='{value}']"))
            .await;
        s.outcome(outcome).await;
        s.until(
            "the measure",
            &format!(
                "return performance.getEntriesByName('desk:update').length >= {};",
                i + 1
            ),
        )
        .await;
    }
    let radio = durations(&s).await;
    s.js("performance.clearMeasures('desk:update');", vec![])
        .await;
    for i in 0..CHANGES / 3 {
        // As typing ends: the value set and its `input` event (the page waits for a pause).
        s.set("#f-age", if i % 2 == 0 { "16" } else { "35" }).await;
        s.outcome(if i % 2 == 0 { "lighter" } else { "standard" })
            .await;
        s.until(
            "the measure",
            &format!(
                "return performance.getEntriesByName('desk:update').length >= {};",
                i + 1
            ),
        )
        .await;
    }
    let typed = durations(&s).await;
    let (min, p50, p90, max) = stats(radio);
    println!(
        "desk/change_to_recommendation (a yes/no fact clicked, {CHANGES} changes): min {min:.1} ms, p50 {p50:.1} ms, p90 {p90:.1} ms, max {max:.1} ms"
    );
    let (min, p50, p90, max) = stats(typed);
    println!(
        "desk/typed_to_recommendation (a number typed, {} changes, including the {} ms typing pause): min {min:.1} ms, p50 {p50:.1} ms, p90 {p90:.1} ms, max {max:.1} ms",
        CHANGES / 3,
        150
    );
    s.close().await;
}

async fn durations(s: &Session) -> Vec<f64> {
    s.js(
        "return performance.getEntriesByName('desk:update').map(e => e.duration);",
        vec![],
    )
    .await
    .as_array()
    .map(|a| a.iter().filter_map(Value::as_f64).collect())
    .unwrap_or_default()
}
