//! The HTTP API, spoken to over loopback: each test starts the real `caliper serve` binary on
//! port 0 with its own record store and talks HTTP to it.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

#[path = "support/serve.rs"]
mod serve;

static NEXT_DIR: AtomicU32 = AtomicU32::new(0);

/// A fresh directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "caliper-server-{}-{}-{name}",
        std::process::id(),
        NEXT_DIR.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A running server; killed when dropped.
struct Server {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Server {
    /// Starts `caliper serve` with its store at `db` and the extra arguments.
    fn start(db: &Path, args: &[&str]) -> Server {
        let (child, base) = serve::spawn(env!("CARGO_BIN_EXE_caliper"), db, args);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Server { child, base, agent }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let mut r = self.agent.get(&self.url(path)).call().expect("a response");
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let mut r = self
            .agent
            .post(&self.url(path))
            .header("content-type", "application/json")
            .send(body)
            .expect("a response");
        let status = r.status().as_u16();
        let text = r
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .expect("example")
}

fn examples() -> Vec<String> {
    [
        "xr-49-2-individual.json",
        "jl-22-1-unit-tiers.json",
        "gf-111-1-old-law.json",
        "xr-42-missing-facts.json",
    ]
    .into_iter()
    .map(example)
    .collect()
}

/// What the library says for the same text.
fn library(case: &str) -> Value {
    let rules = caliper::Rules::embedded().expect("rules");
    serde_json::from_str(&rules.decide_json(case)).expect("json")
}

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// Polls `f` every 100 ms until it holds, for at most `secs` seconds.
fn eventually(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    f()
}

#[test]
fn evaluate_answers_what_the_library_decides() {
    let dir = temp_dir("evaluate");
    let s = Server::start(&dir.join("caliper.db"), &[]);
    for case in examples() {
        let (status, got) = s.post("/evaluate", &case);
        assert_eq!(status, 200, "{got}");
        assert_eq!(got, library(&case));
    }
    let (_, d) = s.post("/evaluate", &example("xr-49-2-individual.json"));
    assert_eq!(d["outcome"], "standard");
    assert_eq!(d["fine"], json!({ "min": 60, "max": 140 }));
}

#[test]
fn a_batch_answers_each_case_in_order() {
    let dir = temp_dir("batch");
    let s = Server::start(&dir.join("caliper.db"), &["--max-batch", "3"]);
    let good = example("xr-49-2-individual.json");
    let bad = r#"{"violation":"XR-49-2","facts":{"volum_m3":1}}"#;
    let (status, got) = s.post("/evaluate/batch", &format!(r#"{{"cases":[{good},{bad}]}}"#));
    assert_eq!(status, 200, "{got}");
    let results = got["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0], library(&good));
    assert_eq!(error_code(&results[1]), "E0501");
    assert!(
        results[1]["error"]["at"]
            .as_str()
            .unwrap_or("")
            .starts_with("cases[1]")
    );

    let four = [good.as_str(); 4].join(",");
    let (status, got) = s.post("/evaluate/batch", &format!(r#"{{"cases":[{four}]}}"#));
    assert_eq!(status, 422, "{got}");
    assert_eq!(error_code(&got), "A0702");
    assert_eq!(
        got["error"]["limit"],
        json!({ "name": "max_batch", "value": 3 })
    );

    let (status, got) = s.post("/evaluate/batch", "[]");
    assert_eq!(status, 400, "{got}");
    assert_eq!(error_code(&got), "A0705");
}

#[test]
fn a_request_past_its_deadline_gets_503_and_the_document() {
    let dir = temp_dir("deadline");
    let s = Server::start(&dir.join("caliper.db"), &["--deadline-ms", "1"]);
    let good = example("xr-49-2-individual.json");
    let many = [good.as_str(); 1000].join(",");
    let (status, got) = s.post("/evaluate/batch", &format!(r#"{{"cases":[{many}]}}"#));
    assert_eq!(status, 503, "{got}");
    assert_eq!(error_code(&got), "A0703");
    assert_eq!(
        got["error"]["limit"],
        json!({ "name": "deadline_ms", "value": 1 })
    );
}

#[test]
fn every_bad_input_class_gets_its_status_and_error_document() {
    let dir = temp_dir("bad-input");
    let s = Server::start(&dir.join("caliper.db"), &["--max-body", "4096"]);
    let cases = [
        (
            r#"{"violation": "XR-49-2", "facts": {"#,
            400,
            "E0504",
            "第 1 行",
        ),
        ("[1, 2]", 400, "E0504", ""),
        (
            r#"{"violation":"XR-49-2","facts":{"volum_m3":1}}"#,
            422,
            "E0501",
            "facts.volum_m3",
        ),
        (
            r#"{"violation":"XR-49-2","facts":{"age":"old"}}"#,
            422,
            "E0502",
            "facts.age",
        ),
        (
            r#"{"violation":"XR-99-9","facts":{}}"#,
            422,
            "E0503",
            "violation",
        ),
    ];
    for (body, status, code, at) in cases {
        let (got_status, got) = s.post("/evaluate", body);
        assert_eq!(got_status, status, "{body}: {got}");
        assert_eq!(error_code(&got), code, "{body}: {got}");
        assert!(
            got["error"]["at"].as_str().unwrap_or("").contains(at),
            "{got}"
        );
        assert!(got.get("outcome").is_none(), "an error is never a decision");
        // The library gives the same document.
        assert_eq!(got, library(body));
    }
    let big = format!(
        r#"{{"violation":"XR-49-2","case_id":"{}","facts":{{}}}}"#,
        "x".repeat(8000)
    );
    let (status, got) = s.post("/evaluate", &big);
    assert_eq!(status, 413, "{got}");
    assert_eq!(error_code(&got), "A0701");
    assert_eq!(
        got["error"]["limit"],
        json!({ "name": "max_body_bytes", "value": 4096 })
    );

    let (status, got) = s.post("/evaluate", "\u{0}\u{ff}");
    assert_eq!(status, 400, "{got}");

    let (status, got) = s.get("/no-such-route");
    assert_eq!(status, 404);
    assert_eq!(error_code(&got), "A0706");
}

#[test]
fn violations_are_searched_and_described_for_a_form() {
    let dir = temp_dir("violations");
    let s = Server::start(&dir.join("caliper.db"), &[]);
    let (status, got) = s.get("/violations?q=%E5%9E%83%E5%9C%BE"); // 垃圾
    assert_eq!(status, 200);
    let found = got["violations"].as_array().expect("violations");
    assert_eq!(got["count"].as_u64(), Some(found.len() as u64));
    let xr = found
        .iter()
        .find(|v| v["code"] == "XR-49-2")
        .expect("XR-49-2 is about rubbish");
    assert_eq!(xr["penalty"]["individual"], "罚款200元以下");
    assert_eq!(xr["penalty"]["unit"], "罚款5000元以上50000元以下");
    let (_, by_code) = s.get("/violations?q=xr-49-2");
    assert!(
        by_code["violations"]
            .as_array()
            .expect("list")
            .iter()
            .any(|v| v["code"] == "XR-49-2")
    );
    let (_, all) = s.get("/violations");
    assert!(all["count"].as_u64() > Some(found.len() as u64));

    let (status, form) = s.get("/violations/JL-22-1");
    assert_eq!(status, 200, "{form}");
    let facts = form["facts"].as_array().expect("facts");
    let harm = facts
        .iter()
        .find(|f| f["name"] == "harm")
        .expect("harm is asked");
    assert_eq!(harm["type"], "enum");
    assert!(
        harm["options"]
            .as_array()
            .expect("options")
            .iter()
            .any(|o| o["value"] == "serious" && o["label"] == "严重")
    );
    let volume = facts
        .iter()
        .find(|f| f["name"] == "volume_m3")
        .expect("the tiers read the volume");
    assert_eq!(volume["unit"], "立方米");
    assert!(
        volume["used_by"]
            .as_array()
            .expect("uses")
            .iter()
            .any(|u| u["id"] == "tiers")
    );
    let mental = facts
        .iter()
        .find(|f| f["name"] == "mental_state")
        .expect("Art. 31 reads it");
    assert_eq!(mental["default"], "normal");
    let entries = form["entries"].as_array().expect("entries");
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|e| e["condition"].as_str().is_some_and(|c| !c.is_empty()))
    );

    // What a form for XR-49-2 shows, as a caseworker's form would render it.
    let (_, xr_form) = s.get("/violations/XR-49-2");
    insta::assert_json_snapshot!("form_xr_49_2", xr_form);

    let (status, got) = s.get("/violations/JL-22-2x");
    assert_eq!(status, 404);
    assert_eq!(error_code(&got), "A0706");
    assert!(
        got["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("是否想查")
    );
}

#[test]
fn ruleset_health_and_openapi_describe_the_service() {
    let dir = temp_dir("ruleset");
    let s = Server::start(&dir.join("caliper.db"), &[]);
    let rules = caliper::Rules::embedded().expect("rules");
    let (status, got) = s.get("/ruleset");
    assert_eq!(status, 200);
    assert_eq!(got["digest"], *rules.info().digest);
    assert_eq!(got["version"], *rules.info().version);
    assert_eq!(got["source"], "embedded");
    assert_eq!(got["files"][0], "rules/main.rules");
    assert!(got["warnings"].is_array());
    assert_eq!(got["last_reload_error"], Value::Null);

    for path in ["/healthz", "/api/v1/healthz"] {
        let mut r = s
            .agent
            .get(format!("{}{path}", s.base))
            .call()
            .expect("health");
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers().get("x-request-id").is_some());
        let v: Value =
            serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("json");
        assert_eq!(v["status"], "ok");
        assert_eq!(v["schema_version"], 1);
    }

    let (status, doc) = s.get("/openapi.json");
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3.1"));
    for path in [
        "/evaluate",
        "/evaluate/batch",
        "/violations",
        "/violations/{code}",
        "/ruleset",
        "/decisions",
        "/decisions/{id}",
        "/healthz",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["paths"]["/decisions"].get("post").is_some());
    assert!(doc["paths"]["/decisions"].get("get").is_some());
}

fn record_request(fin: Value, reason: Option<&str>, corrects: Option<&str>) -> String {
    let case: Value = serde_json::from_str(&example("xr-49-2-individual.json")).expect("case");
    let mut r = json!({ "case": case, "final": fin, "officer": "张三" });
    if let Some(reason) = reason {
        r["reason"] = reason.into();
    }
    if let Some(c) = corrects {
        r["corrects"] = c.into();
    }
    r.to_string()
}

#[test]
fn decisions_are_recorded_read_listed_and_corrected() {
    let dir = temp_dir("decisions");
    let s = Server::start(&dir.join("caliper.db"), &[]);
    let follows = json!({ "outcome": "standard", "fine": 100, "penalties": ["fine"] });
    let (status, got) = s.post("/decisions", &record_request(follows.clone(), None, None));
    assert_eq!(status, 201, "{got}");
    let id = got["id"].as_str().expect("an id").to_string();
    assert_eq!(
        got["decision"],
        library(&example("xr-49-2-individual.json"))
    );
    assert_eq!(got["departures"], json!([]));
    // The library's review of the final decision is kept with the record.
    assert_eq!(got["review"]["fine_position"], "in_band");
    assert_eq!(got["review"]["lawful"], true);
    assert_eq!(got["review"]["departs"], false);
    assert_eq!(
        got["ruleset"]["digest"],
        got["decision"]["ruleset"]["digest"]
    );

    // A departure without a reason is refused, and names what departs.
    let departs = json!({ "outcome": "standard", "fine": 180, "penalties": ["fine"] });
    let (status, got) = s.post("/decisions", &record_request(departs.clone(), None, None));
    assert_eq!(status, 422, "{got}");
    insta::assert_json_snapshot!("departure_without_reason", got);
    assert_eq!(error_code(&got), "A0704");
    assert_eq!(got["error"]["at"], "reason");
    assert!(
        got["error"]["details"][0]
            .as_str()
            .unwrap_or("")
            .contains("60元至140元")
    );
    let (status, got) = s.post(
        "/decisions",
        &record_request(departs.clone(), Some("  "), None),
    );
    assert_eq!(status, 422, "a blank reason is no reason: {got}");

    // With a reason it is recorded, as a correction of the first.
    let (status, got) = s.post(
        "/decisions",
        &record_request(departs, Some("当事人拒不改正，经集体讨论决定"), Some(&id)),
    );
    assert_eq!(status, 201, "{got}");
    let second = got["id"].as_str().expect("id").to_string();
    assert_eq!(got["corrects"], id.as_str());
    assert_eq!(got["departures"].as_array().map(Vec::len), Some(1));

    let (status, rec) = s.get(&format!("/decisions/{second}"));
    assert_eq!(status, 200);
    assert_eq!(rec["officer"], "张三");
    assert_eq!(rec["corrects"], id.as_str());
    assert_eq!(rec["final"]["fine"], 180);
    assert_eq!(rec["reason"], "当事人拒不改正，经集体讨论决定");
    assert_eq!(rec["case"]["violation"], "XR-49-2");

    let (status, page) = s.get("/decisions?violation=XR-49-2&limit=1");
    assert_eq!(status, 200);
    assert_eq!(page["records"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["records"][0]["id"], id.as_str());
    let next = page["next"].as_str().expect("a next page");
    let (_, page2) = s.get(&format!(
        "/decisions?violation=XR-49-2&limit=1&after={next}"
    ));
    assert_eq!(page2["records"][0]["id"], second.as_str());
    let (_, none) = s.get("/decisions?violation=JL-22-1");
    assert_eq!(none["records"], json!([]));
    let (_, future) = s.get("/decisions?from=2999-01-01");
    assert_eq!(future["records"], json!([]));
    let (_, today) = s.get("/decisions?to=2999-01-01&from=2000-01-01T00:00:00Z");
    assert_eq!(today["records"].as_array().map(Vec::len), Some(2));

    // Bad requests.
    let (status, got) = s.get("/decisions/999");
    assert_eq!((status, error_code(&got)), (404, "A0706"));
    let (status, _) = s.get("/decisions/abc");
    assert_eq!(status, 400);
    let (status, _) = s.get("/decisions?from=yesterday");
    assert_eq!(status, 400);
    let (status, got) = s.post(
        "/decisions",
        &record_request(follows.clone(), None, Some("999")),
    );
    assert_eq!(status, 422, "{got}");
    let (status, got) = s.post("/decisions", r#"{"case":{"violation":"XR-49-2"}}"#);
    assert_eq!((status, error_code(&got)), (400, "A0705"));
    let bad_case = r#"{"case":{"violation":"XR-49-2","facts":{"x":1}},"final":{"outcome":"standard","fine":100},"officer":"张三"}"#;
    let (status, got) = s.post("/decisions", bad_case);
    assert_eq!((status, error_code(&got)), (422, "E0501"));
    let (status, got) = s.post(
        "/decisions",
        &record_request(json!({ "outcome": "undetermined" }), Some("x"), None),
    );
    assert_eq!(status, 422, "{got}");
}

#[test]
fn an_acknowledged_record_survives_kill_9_and_replays() {
    let dir = temp_dir("kill");
    let db = dir.join("caliper.db");
    let mut ids = Vec::new();
    {
        let s = Server::start(&db, &[]);
        for fine in [60, 100, 140] {
            let fin = json!({ "outcome": "standard", "fine": fine, "penalties": ["fine"] });
            let (status, got) = s.post("/decisions", &record_request(fin, None, None));
            assert_eq!(status, 201, "{got}");
            ids.push(got["id"].as_str().expect("id").to_string());
        }
        // SIGKILL right after the last 201: no shutdown, no checkpoint.
        let mut s = s;
        s.child.kill().expect("killed");
        let status = s.child.wait().expect("waited");
        assert!(!status.success());
    }
    let s = Server::start(&db, &[]);
    for (id, fine) in ids.iter().zip([60, 100, 140]) {
        let (status, rec) = s.get(&format!("/decisions/{id}"));
        assert_eq!(status, 200, "record {id} lost: {rec}");
        assert_eq!(rec["final"]["fine"], fine);
    }
    drop(s);

    let out = Command::new(env!("CARGO_BIN_EXE_caliper"))
        .args(["replay", "--db"])
        .arg(&db)
        .output()
        .expect("replay runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert_eq!(text.matches("结果一致").count(), 3, "{text}");
    assert!(text.contains("3 条一致，0 条不同"), "{text}");

    // Under rules that raise the individual's maximum, the replay still agrees with the rules
    // the records were made under, and says how the recommendation would change.
    let rules = dir.join("rules");
    copy_rules(&rules);
    let file = rules.join("xuchang-shirong.rules");
    let text = std::fs::read_to_string(&file).expect("read");
    let raised = text.replacen("个人 { 罚款 ..200 }", "个人 { 罚款 ..400 }", 1);
    assert_ne!(raised, text, "the test edits XR-49-2");
    std::fs::write(&file, raised).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_caliper"))
        .args(["replay", "--db"])
        .arg(&db)
        .arg("--rules")
        .arg(&rules)
        .arg(&ids[0])
        .output()
        .expect("replay runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("结果一致"), "{text}");
    assert!(text.contains("建议会变化"), "{text}");
    assert!(
        text.contains(r#"fine: {"max":140,"min":60} → {"max":280,"min":120}"#),
        "{text}"
    );
}

#[test]
fn replay_reports_a_record_that_its_rules_no_longer_give() {
    let dir = temp_dir("replay-diff");
    let db = dir.join("caliper.db");
    {
        let s = Server::start(&db, &[]);
        let fin = json!({ "outcome": "standard", "fine": 100, "penalties": ["fine"] });
        let (status, got) = s.post("/decisions", &record_request(fin, None, None));
        assert_eq!(status, 201, "{got}");
    }
    // A record written behind the server's back, whose decision its rules do not give: appending
    // is what the store allows, so the forgery is a new row.
    let c = rusqlite::Connection::open(&db).expect("open");
    let n = c
        .execute(
            "INSERT INTO records (recorded_at, officer, violation, case_json, decision_json, \
             ruleset_digest, ruleset_name, ruleset_version, engine_version, final_json, \
             departures_json) SELECT recorded_at, officer, violation, case_json, \
             replace(decision_json, '\"max\":140', '\"max\":150'), ruleset_digest, ruleset_name, \
             ruleset_version, engine_version, final_json, departures_json FROM records WHERE id = 1",
            [],
        )
        .expect("insert");
    assert_eq!(n, 1);
    drop(c);
    let out = Command::new(env!("CARGO_BIN_EXE_caliper"))
        .args(["replay", "--db"])
        .arg(&db)
        .output()
        .expect("replay runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("记录 1（XR-49-2"), "{text}");
    assert!(text.contains("结果不同"), "{text}");
    assert!(
        text.contains(r#"fine: {"max":150,"min":60} → {"max":140,"min":60}"#),
        "{text}"
    );
    assert!(text.contains("1 条一致，1 条不同"), "{text}");
}

/// Copies the shipped rules into a directory the test may change.
fn copy_rules(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for e in walk(&from) {
        let rel = e.strip_prefix(&from).expect("inside");
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("dir");
        std::fs::copy(&e, &target).expect("copy");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open");
    f.write_all(text.as_bytes()).expect("write");
}

#[test]
fn a_broken_reload_keeps_serving_and_a_good_one_swaps() {
    let dir = temp_dir("reload");
    let rules = dir.join("rules");
    copy_rules(&rules);
    let rules_arg = rules.to_string_lossy().to_string();
    let s = Server::start(&dir.join("caliper.db"), &["--rules", &rules_arg, "--watch"]);
    let (_, before) = s.get("/ruleset");
    let digest = before["digest"].clone();
    let case = example("xr-49-2-individual.json");
    let (_, decided) = s.post("/evaluate", &case);

    let file = rules.join("xuchang-shirong.rules");
    let original = std::fs::read_to_string(&file).expect("read");
    append(&file, "\n违法行为 坏 {\n");
    assert!(
        eventually(15, || !s.get("/ruleset").1["last_reload_error"].is_null()),
        "the failed reload is shown"
    );
    let (_, after) = s.get("/ruleset");
    assert_eq!(after["digest"], digest, "the old set keeps serving");
    let failure = &after["last_reload_error"];
    assert!(
        failure["diagnostics"]
            .as_array()
            .is_some_and(|d| !d.is_empty()),
        "{failure}"
    );
    assert!(
        failure["text"]
            .as_str()
            .unwrap_or("")
            .contains("xuchang-shirong.rules")
    );
    let (status, again) = s.post("/evaluate", &case);
    assert_eq!(status, 200);
    assert_eq!(again, decided);

    // A good change swaps the set and clears the error.
    std::fs::write(&file, format!("{original}\n# 修订：说明\n")).expect("write");
    assert!(
        eventually(15, || s.get("/ruleset").1["digest"] != digest),
        "the fixed set is loaded"
    );
    let (_, now) = s.get("/ruleset");
    assert_eq!(now["last_reload_error"], Value::Null);
    assert_eq!(now["reloads"], 1);
    let (_, decided_now) = s.post("/evaluate", &case);
    assert_eq!(decided_now["ruleset"]["digest"], now["digest"]);
}

#[cfg(unix)]
#[test]
fn sighup_reloads_and_sigterm_stops_cleanly() {
    let dir = temp_dir("signals");
    let rules = dir.join("rules");
    copy_rules(&rules);
    let rules_arg = rules.to_string_lossy().to_string();
    let mut s = Server::start(&dir.join("caliper.db"), &["--rules", &rules_arg]);
    let (_, before) = s.get("/ruleset");
    append(&rules.join("main.rules"), "\n# 重新加载\n");
    let pid = s.pid().to_string();
    let hup = Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill runs");
    assert!(hup.success());
    assert!(
        eventually(15, || s.get("/ruleset").1["digest"] != before["digest"]),
        "SIGHUP reloads"
    );
    let term = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(term.success());
    let end = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(st) = s.child.try_wait().expect("wait") {
            break st;
        }
        assert!(Instant::now() < end, "the server stops on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean stop exits 0: {status:?}");
}

#[test]
fn two_threads_of_many_clients_get_the_library_s_decisions() {
    const CLIENTS_PER_THREAD: usize = 8;
    const REQUESTS_PER_CLIENT: usize = 25;
    let dir = temp_dir("concurrent");
    let s = Server::start(&dir.join("caliper.db"), &[]);
    let cases = examples();
    let expected: Vec<Value> = cases.iter().map(|c| library(c)).collect();
    let base = s.url("/evaluate");
    let checked = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|t| {
                let (cases, expected, base) = (&cases, &expected, &base);
                scope.spawn(move || {
                    // Each client is its own agent: its own connection.
                    let clients: Vec<ureq::Agent> = (0..CLIENTS_PER_THREAD)
                        .map(|_| {
                            ureq::Agent::config_builder()
                                .http_status_as_error(false)
                                .build()
                                .into()
                        })
                        .collect();
                    let mut n = 0;
                    for round in 0..REQUESTS_PER_CLIENT {
                        for (c, agent) in clients.iter().enumerate() {
                            let i = (t + c + round) % cases.len();
                            let mut r = agent
                                .post(base)
                                .header("content-type", "application/json")
                                .send(cases[i].as_str())
                                .expect("a response");
                            assert_eq!(r.status().as_u16(), 200);
                            let got: Value =
                                serde_json::from_str(&r.body_mut().read_to_string().expect("body"))
                                    .expect("json");
                            assert_eq!(got, expected[i]);
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a client thread"))
            .sum::<usize>()
    });
    assert_eq!(checked, 2 * CLIENTS_PER_THREAD * REQUESTS_PER_CLIENT);
}

#[test]
fn the_server_refuses_to_start_on_what_it_cannot_serve() {
    let dir = temp_dir("refuse");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_caliper"))
            .arg("serve")
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(dir.join("caliper.db"))
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let out = run(&["--watch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--watch 需要用 --rules 指定规则目录"));

    let rules = dir.join("rules");
    copy_rules(&rules);
    append(&rules.join("main.rules"), "\n违法行为 {\n");
    let out = run(&["--rules", &rules.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("main.rules") && err.contains("无法启动服务"),
        "{err}"
    );
    assert!(
        !dir.join("caliper.db").exists(),
        "nothing is created for rules that do not load"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    const CASES: usize = 20_000;
    let dir = temp_dir("in-flight");
    let mut s = Server::start(
        &dir.join("caliper.db"),
        &["--max-batch", "20000", "--max-body", "33554432"],
    );
    let good = example("xr-49-2-individual.json");
    let many = vec![good.as_str(); CASES].join(",");
    let body = format!(r#"{{"cases":[{many}]}}"#);
    let pid = s.pid().to_string();
    let (status, got) = std::thread::scope(|scope| {
        let answer = scope.spawn(|| s.post("/evaluate/batch", &body));
        // The batch takes a while to evaluate; stop the server while it does.
        std::thread::sleep(Duration::from_millis(150));
        let term = Command::new("sh")
            .args(["-c", &format!("kill -TERM {pid}")])
            .status()
            .expect("sh runs");
        assert!(term.success());
        answer.join().expect("the client")
    });
    assert_eq!(status, 200);
    assert_eq!(got["results"].as_array().map(Vec::len), Some(CASES));
    let end = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(st) = s.child.try_wait().expect("wait") {
            break st;
        }
        assert!(Instant::now() < end, "the server stops after the request");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn review_answers_what_the_library_reviews() {
    let dir = temp_dir("review");
    let s = Server::start(&dir.join("caliper.db"), &[]);
    let mut req: Value = serde_json::from_str(&example("xr-49-2-individual.json")).expect("case");
    for (fine, position, lawful) in [
        (100, "in_band", true),
        (180, "in_range_outside_band", true),
        (250, "above_range", false),
    ] {
        req["proposed"] = json!({ "fine": fine });
        let body = req.to_string();
        let (status, got) = s.post("/review", &body);
        assert_eq!(status, 200, "{got}");
        assert_eq!(got["review"]["fine_position"], position, "{fine}");
        assert_eq!(got["review"]["lawful"], lawful, "{fine}");
        assert_eq!(got["decision"]["outcome"], "standard");
        let lib: Value = serde_json::from_str(
            &caliper::Rules::embedded()
                .expect("rules")
                .review_json(&body),
        )
        .expect("json");
        assert_eq!(got, lib);
    }
    // No proposal: an error document with a 4xx, never a review.
    let (status, got) = s.post("/review", &example("xr-49-2-individual.json"));
    assert!((400..500).contains(&status), "{status}: {got}");
    assert_eq!(error_code(&got), "E0504");
}

#[test]
fn audit_reads_the_decision_records_with_the_rules_they_were_made_under() {
    let dir = temp_dir("audit-records");
    let db = dir.join("caliper.db");
    let ids: Vec<String> = {
        let s = Server::start(&db, &[]);
        let mut ids = Vec::new();
        for fine in [60, 60, 70, 60, 60, 65, 200] {
            let fin = json!({ "outcome": "standard", "fine": fine, "penalties": ["fine"] });
            let reason = (fine > 140).then_some("情节特别恶劣");
            let (status, got) = s.post("/decisions", &record_request(fin, reason, None));
            assert_eq!(status, 201, "{got}");
            ids.push(got["id"].as_str().expect("an id").to_string());
        }
        // A correction: the record it corrects is left out of the audit.
        let fin = json!({ "outcome": "standard", "fine": 70, "penalties": ["fine"] });
        let (status, got) = s.post("/decisions", &record_request(fin, None, Some(&ids[0])));
        assert_eq!(status, 201, "{got}");
        ids
    };
    let out = Command::new(env!("CARGO_BIN_EXE_caliper"))
        .arg("audit")
        .arg(&db)
        .arg("--report")
        .arg(dir.join("report.html"))
        .arg("--flagged")
        .arg(dir.join("flagged.csv"))
        .output()
        .expect("audit runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("the JSON summary");
    assert_eq!(summary["lines"], 7, "{summary}");
    assert_eq!(summary["errors"], 0, "{summary}");
    assert_eq!(summary["flagged"], 1, "{summary}");
    let flagged = std::fs::read_to_string(dir.join("flagged.csv")).expect("flagged");
    let row = flagged.lines().nth(1).expect("one flagged case");
    assert!(row.starts_with(&format!("{},", ids[6])), "{row}");
    assert!(row.contains("是中位数的"), "{row}");
    assert_eq!(summary["places"]["outside_band"], 1, "{summary}");
}
