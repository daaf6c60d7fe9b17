//! The caseworker's desk in a real headless Chromium (Debian's `chromium` and `chromium-driver`,
//! driven through WebDriver): the real `caliper serve` binary on a loopback port, the page it
//! serves at `/`, every step a caseworker takes. One browser session runs the checks in turn.
//! Without the browser the browser test is skipped with a reason (and fails under `CI`).
//!
//! `cargo test --test desk -- --ignored screenshots` writes the screenshots of `docs/desk/`.

mod support;

use serde_json::Value;
use std::time::Duration;
use support::desk::{Server, Session, browser, temp_dir};

const BIN: &str = env!("CARGO_BIN_EXE_caliper");

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// The page and its assets come with their content type, a strong ETag from their digest and a
/// cache header; a client that has the version gets `304`.
#[test]
fn the_page_and_its_assets_are_served_with_types_and_etags() {
    let dir = temp_dir("assets");
    let s = Server::start(BIN, &dir);
    let a = agent();
    let mut page = a.get(&format!("{}/", s.base)).call().expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let header = |r: &ureq::http::Response<ureq::Body>, h: &str| {
        r.headers()
            .get(h)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&page, "cache-control"), "no-cache");
    let etag = header(&page, "etag");
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
    assert!(header(&page, "content-security-policy").contains("default-src 'self'"));
    let html = page.body_mut().read_to_string().expect("html");
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(!html.contains("http://") && !html.contains("https://"));

    let again = a
        .get(&format!("{}/", s.base))
        .header("if-none-match", &etag)
        .call()
        .expect("page again");
    assert_eq!(again.status().as_u16(), 304);

    for (name, ty) in [
        ("desk.js", "text/javascript; charset=utf-8"),
        ("desk.css", "text/css; charset=utf-8"),
        ("print.css", "text/css; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
    ] {
        let start = html
            .find(&format!("/desk/{name}?v="))
            .unwrap_or_else(|| panic!("the page names {name}"));
        let end = html[start..].find('"').map_or(html.len(), |e| start + e);
        let path = &html[start..end];
        let r = a.get(&format!("{}{path}", s.base)).call().expect("asset");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        assert_eq!(header(&r, "content-type"), ty, "{path}");
        assert!(
            header(&r, "cache-control").contains("immutable"),
            "{path}: {}",
            header(&r, "cache-control")
        );
        let version = path.rsplit("?v=").next().unwrap_or_default();
        assert!(
            header(&r, "etag").starts_with(&format!("\"{version}")),
            "{path}: the version is the digest's start"
        );
    }
    let missing = a
        .get(&format!("{}/desk/nothing.js", s.base))
        .call()
        .expect("404");
    assert_eq!(missing.status().as_u16(), 404);
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The desk's API additions: the vocabulary, and a record's digest (the same when read back).
#[test]
fn the_vocabulary_and_the_record_digest() {
    let dir = temp_dir("vocabulary");
    let s = Server::start(BIN, &dir);
    let a = agent();
    let get = |path: &str| -> Value {
        let mut r = a
            .get(&format!("{}/api/v1{path}", s.base))
            .call()
            .expect("get");
        serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("json")
    };
    let v = get("/vocabulary");
    assert_eq!(v["outcomes"]["lighter"], "从轻处罚");
    assert_eq!(v["penalties"]["fine"], "罚款");
    assert_eq!(v["measures"]["order_correction"], "责令改正");
    assert_eq!(v["lists"]["statute"], "法定情节");

    let case = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/xr-49-2-individual.json"),
    )
    .expect("example");
    let body = format!(
        r#"{{"case": {case}, "officer": "张三", "final": {{"outcome": "standard", "fine": 100, "penalties": ["fine"]}}}}"#
    );
    let mut r = a
        .post(&format!("{}/api/v1/decisions", s.base))
        .header("content-type", "application/json")
        .send(&body)
        .expect("record");
    assert_eq!(r.status().as_u16(), 201);
    let saved: Value =
        serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("json");
    let digest = saved["digest"].as_str().expect("a digest");
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    let id = saved["id"].as_str().expect("id");
    assert_eq!(get(&format!("/decisions/{id}"))["digest"], digest);
    assert_eq!(get("/decisions")["records"][0]["digest"], digest);

    // The form of a code with elements (要件) asks for them: the page can then show 不适用.
    let form = get("/violations/GH-64-1");
    let facts: Vec<&str> = form["facts"]
        .as_array()
        .expect("facts")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(facts.contains(&"correctable"), "{facts:?}");
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The form's values and the officer's decision as the page shows them.
const FORM_STATE: &str = "
    const out = {};
    for (const e of document.querySelectorAll('#facts input, #facts select, #case-id, #officer input, #officer select, #officer textarea')) {
        if (e.type === 'radio' || e.type === 'checkbox') { if (e.checked) out[e.name || e.value] = e.value; }
        else out[e.id] = e.value;
    }
    return out;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_at_the_desk() {
    let Some(b) = browser() else { return };
    let dir = temp_dir("browser");
    let server = Server::start(BIN, &dir);
    let s = Session::start(&b, &dir).await;
    s.open(&server.base).await;

    // Search by code with the keyboard: Enter opens the first result.
    s.type_into("#q", "XR-49-2\u{e007}").await;
    s.until(
        "XR-49-2 to open",
        "return document.querySelector('#violation .code')?.textContent === 'XR-49-2';",
    )
    .await;
    // The form comes from the violation: the party type first, yes/no facts three-valued.
    let first = s
        .js(
            "return document.querySelector('#facts [data-fact]').dataset.fact;",
            vec![],
        )
        .await;
    assert_eq!(first, "party_type");
    let choices = s.text("#f-minor .choices").await;
    assert_eq!(choices, "是否未查明");
    assert_eq!(
        s.js(
            "return document.getElementById('f-violation_date').type;",
            vec![]
        )
        .await,
        "date"
    );
    assert!(s.text("#f-harm").await.contains("严重"));

    // Fill the form; the recommendation follows it.
    s.fill_xr_49_2().await;
    assert_eq!(s.text("#rec-outcome").await, "一般处罚（应当）");
    let procedure = s.text("#rec-procedure").await;
    assert!(procedure.contains("简易程序"), "{procedure}");
    assert!(
        s.text("#rec-basis")
            .await
            .contains("《许昌市城市市容和环境卫生管理条例》第四十九条第二项")
    );
    // A circumstance set: the recommendation changes.
    s.click("#f-eliminated_harm input[value='true']").await;
    s.outcome("lighter").await;
    assert!(s.text("#rec-outcome").await.starts_with("从轻处罚"));
    assert!(s.text("#rec-body").await.contains("S-32-1"));
    s.click("#f-eliminated_harm input[value='']").await;
    s.outcome("standard").await;

    // A departing fine: the review says so, a reason is required, saving without one fails.
    s.type_into("#final-fine", "150").await;
    s.until(
        "the review of 150 yuan",
        "return document.getElementById('review-box')?.dataset.departs === 'true';",
    )
    .await;
    assert!(s.text("#review").await.contains("建议幅度外"));
    assert_eq!(
        s.js(
            "return document.getElementById('reason-required').hidden;",
            vec![]
        )
        .await,
        false
    );
    s.type_into("#officer-name", "张三").await;
    s.click("#save").await;
    let code = s
        .until(
            "the refusal",
            "return document.getElementById('save-error')?.dataset.code;",
        )
        .await;
    assert_eq!(code, "A0704");
    assert_eq!(s.text("#record-id").await, "");
    assert_eq!(
        s.js("return document.activeElement.id;", vec![]).await,
        "reason"
    );
    s.type_into("#reason", "当事人拒不改正，经集体讨论决定")
        .await;
    s.click("#save").await;
    let id = s
        .until(
            "the record",
            "return document.getElementById('record-id')?.dataset.id;",
        )
        .await;
    let id = id.as_str().expect("an id").to_string();
    assert!(s.text("#record-digest").await.starts_with("sha256:"));
    let saved = s.js(FORM_STATE, vec![]).await;
    let saved_rec = s.text("#rec-body").await;

    // The print view: every item of the 裁量说明, on A4.
    let sheet = s.text("#sheet").await;
    for item in [
        "行政处罚裁量说明",
        "XC-2025-0142",
        &format!("第 {id} 号"),
        "公民",
        "查明的事实",
        "年龄（周岁）",
        "一般处罚（应当）",
        "《许昌市城市市容和环境卫生管理条例》第四十九条第二项",
        "适用的情节",
        "150 元",
        "当事人拒不改正，经集体讨论决定",
        "张三",
        "应当履行的程序",
        "许昌市城市管理行政处罚裁量基准（示范）",
        "sha256:",
        "承办人（签名）",
        "负责人（签名）",
    ] {
        assert!(sheet.contains(item), "the sheet lacks {item}: {sheet}");
    }
    let pdf = s
        .client
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("print to PDF");
    std::fs::write(dir.join("sheet.pdf"), &pdf).expect("keep the PDF");
    let pages = pdf_pages(&pdf);
    assert!((1..=2).contains(&pages), "{pages} pages");
    assert!(a4(&pdf), "the PDF's pages are not A4");

    // History: the record is listed and reopens as it was.
    s.click("#new-case").await;
    s.click("#tab-history").await;
    s.click(&format!("#history-list button[data-open='{id}']"))
        .await;
    s.until(
        "the record to reopen",
        &format!("return document.body.dataset.reopened === '{id}';"),
    )
    .await;
    assert_eq!(s.js(FORM_STATE, vec![]).await, saved);
    assert_eq!(s.text("#rec-body").await, saved_rec);
    assert_eq!(
        s.js("return document.getElementById('f-age').disabled;", vec![])
            .await,
        true,
        "a record is not edited in place"
    );
    // Filtered by another violation, it is not listed.
    s.click("#tab-history").await;
    s.type_into("#h-violation", "XR-42").await;
    s.click("#history-filter button[type='submit']").await;
    s.until(
        "the filtered list",
        "return document.getElementById('history-list').textContent.includes('没有符合条件');",
    )
    .await;
    s.click("#tab-case").await;
    s.click("#new-case").await;

    // A missing fact: its question is a link that focuses the field.
    s.open_violation("设摊", "XR-42").await;
    s.click("#f-party_type input[value='individual']").await;
    s.set("#f-violation_date", "2025-05-01").await;
    s.set("#f-discovery_date", "2025-05-01").await;
    s.outcome("undetermined").await;
    let questions = s.text("#questions").await;
    assert!(questions.contains("年龄（周岁）"), "{questions}");
    s.click("#questions a[data-question='age']").await;
    assert_eq!(
        s.js("return document.activeElement.id;", vec![]).await,
        "f-age"
    );
    s.click("#questions a[data-question='corrected']").await;
    assert_eq!(
        s.js("return document.activeElement.name;", vec![]).await,
        "corrected"
    );
    s.click("#new-case").await;

    // Recently used first.
    s.type_into("#q", "XR-4").await;
    s.until(
        "the search",
        "return document.getElementById('results').textContent.includes('找到');",
    )
    .await;
    let order = s
        .js(
            "return Array.from(document.querySelectorAll('#results .hit')).map(h => h.dataset.code);",
            vec![],
        )
        .await;
    let order: Vec<&str> = order
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(order.get(..2), Some(&["XR-42", "XR-49-2"][..]), "{order:?}");
    assert!(order.len() > 2, "{order:?}");

    // Not applicable: the other code is one click away, the facts go with it.
    s.open_violation("GH-64-1", "GH-64-1").await;
    s.click("#f-party_type input[value='unit']").await;
    s.set("#f-violation_date", "2025-01-01").await;
    s.set("#f-discovery_date", "2025-01-02").await;
    s.click("#f-correctable input[value='false']").await;
    s.outcome("not_applicable").await;
    assert!(s.text("#not-applicable").await.contains("构成要件"));
    s.click("#not-applicable button[data-see-also='GH-64-2']")
        .await;
    s.until(
        "GH-64-2 to open",
        "return document.querySelector('#violation .code')?.textContent === 'GH-64-2';",
    )
    .await;
    s.until(
        "a recommendation for GH-64-2",
        "const o = document.getElementById('rec-body').dataset.outcome; return o && o !== 'not_applicable';",
    )
    .await;
    assert_eq!(
        s.js(
            "return document.querySelector('#f-correctable input:checked').value;",
            vec![]
        )
        .await,
        "false"
    );

    // 按日连续处罚 (XR-51): the days between the order and the recheck, each day's fine and the
    // total, on the page and on the sheet.
    s.click("#new-case").await;
    s.open_violation("XR-51", "XR-51").await;
    s.click("#f-party_type input[value='unit']").await;
    s.set("#f-violation_date", "2025-03-02").await;
    s.set("#f-discovery_date", "2025-03-05").await;
    s.set("#f-harm", "general").await;
    s.click("#f-corrected input[value='false']").await;
    s.click("#f-first_offense input[value='false']").await;
    s.type_into("#f-prior_penalties_12m", "0").await;
    s.set("#f-order_date", "2025-03-05").await;
    s.set("#f-recheck_date", "2025-03-10").await;
    let daily = s
        .until(
            "the daily fine",
            "return document.getElementById('rec-daily')?.textContent;",
        )
        .await;
    assert_eq!(
        daily.as_str(),
        Some("可以按日连续处罚 5 日，每日 44000 元至 76000 元，共 220000 元至 380000 元")
    );
    assert!(s.text("#sheet").await.contains("按日连续处罚 5 日"));

    // Every resource the page loaded came from the server itself.
    let urls = s
        .js(
            "return performance.getEntriesByType('resource').map(e => e.name)
                 .concat(performance.getEntriesByType('navigation').map(e => e.name))
                 .concat([document.URL])
                 .concat(Array.from(document.querySelectorAll('[src],[href]'))
                     .map(e => e.src || e.href).filter(u => u && !u.startsWith('javascript:')));",
            vec![],
        )
        .await;
    let urls: Vec<&str> = urls
        .as_array()
        .expect("urls")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(urls.iter().any(|u| u.contains("/desk/desk.js")), "{urls:?}");
    assert!(
        urls.iter().any(|u| u.contains("/api/v1/evaluate")),
        "{urls:?}"
    );
    for u in &urls {
        let own = u.starts_with(&format!("{}/", server.base))
            || u.starts_with(&format!("{}#", server.base));
        assert!(own, "a resource not from the server: {u}");
    }
    s.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Pages in a PDF: the page objects (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
        .count()
}

/// Whether a page's media box is A4 (595 × 842 points).
fn a4(pdf: &[u8]) -> bool {
    let text = String::from_utf8_lossy(pdf);
    text.split("/MediaBox [").skip(1).all(|rest| {
        let nums: Vec<f64> = rest
            .split(']')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        nums.len() == 4 && (nums[2] - 595.0).abs() < 2.0 && (nums[3] - 842.0).abs() < 2.0
    }) && text.contains("/MediaBox [")
}

/// The screenshots of `docs/desk/` at 1366×768: empty, decided, undetermined, not applicable,
/// departure. Rerun after changing the page, and look at them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/desk/*.png; run by hand"]
async fn screenshots() {
    let Some(b) = browser() else { return };
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/desk");
    std::fs::create_dir_all(&out).expect("docs/desk");
    let dir = temp_dir("screenshots");
    let server = Server::start(BIN, &dir);
    let s = Session::start(&b, &dir).await;
    let shot = |name: &'static str| {
        let out = out.clone();
        let s = &s;
        async move {
            s.js(
                "window.scrollTo(0, 0); document.activeElement.blur();",
                vec![],
            )
            .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let png = s.client.screenshot().await.expect("screenshot");
            std::fs::write(out.join(format!("{name}.png")), png).expect("write");
        }
    };
    s.open(&server.base).await;
    shot("empty").await;

    s.open_violation("垃圾", "XR-49-2").await;
    s.fill_xr_49_2().await;
    s.type_into("#final-fine", "100").await;
    s.type_into("#officer-name", "张三").await;
    s.until(
        "the review",
        "return document.getElementById('review-box')?.dataset.departs === 'false';",
    )
    .await;
    shot("decided").await;
    // The same at a tablet's width (768 × 1024, one column).
    s.viewport(768, 1024).await;
    shot("decided-tablet").await;
    s.viewport(support::desk::WINDOW.0, support::desk::WINDOW.1)
        .await;

    s.type_into("#final-fine", "150").await;
    s.until(
        "the review",
        "return document.getElementById('review-box')?.dataset.departs === 'true';",
    )
    .await;
    s.click("#save").await;
    s.until(
        "the refusal",
        "return document.getElementById('save-error') !== null;",
    )
    .await;
    shot("departure").await;

    s.click("#new-case").await;
    s.open_violation("设摊", "XR-42").await;
    s.click("#f-party_type input[value='individual']").await;
    s.set("#f-violation_date", "2025-05-01").await;
    s.set("#f-discovery_date", "2025-05-01").await;
    s.outcome("undetermined").await;
    shot("undetermined").await;

    s.click("#new-case").await;
    s.open_violation("GH-64-1", "GH-64-1").await;
    s.click("#f-party_type input[value='unit']").await;
    s.set("#f-violation_date", "2025-01-01").await;
    s.set("#f-discovery_date", "2025-01-02").await;
    s.click("#f-correctable input[value='false']").await;
    s.outcome("not_applicable").await;
    shot("not-applicable").await;
    s.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
