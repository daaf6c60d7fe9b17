//! What the desk's browser tests, screenshots and figures share: the real `caliper serve` binary
//! on a loopback port, Debian's chromedriver on another, and a headless Chromium driven through
//! WebDriver (fantoccini), every profile fresh.

#![allow(
    dead_code,
    reason = "each of the test, the screenshots and the bench uses a part"
)]

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a page may take to show what a step waits for.
pub const WAIT: Duration = Duration::from_secs(15);

/// The browser's window: the smallest laptop screen the page is made for.
pub const WINDOW: (u32, u32) = (1366, 768);

/// A fresh directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("caliper-desk-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A child process, killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `caliper serve` on a free loopback port with its own record store.
pub struct Server {
    _child: Killed,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl Server {
    /// Starts the binary; `bin` is `env!("CARGO_BIN_EXE_caliper")`.
    pub fn start(bin: &str, dir: &Path) -> Server {
        let (child, base) = super::serve::spawn(bin, &dir.join("caliper.db"), &[]);
        Server {
            _child: Killed(child),
            base,
        }
    }
}

/// Where Chromium and chromedriver are.
pub struct Browser {
    /// The browser.
    pub chromium: PathBuf,
    /// The WebDriver server.
    pub chromedriver: PathBuf,
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The browser, or `None` (with the reason printed) where it is not installed; under `CI` a
/// missing browser fails instead.
pub fn browser() -> Option<Browser> {
    let chromium = on_path(&["chromium", "chromium-browser"]);
    let chromedriver = on_path(&["chromedriver"]);
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Some(Browser {
            chromium,
            chromedriver,
        }),
        (c, d) => {
            let missing = [(c.is_none(), "chromium"), (d.is_none(), "chromium-driver")]
                .into_iter()
                .filter(|(m, _)| *m)
                .map(|(_, n)| n)
                .collect::<Vec<_>>()
                .join(", ");
            assert!(
                std::env::var_os("CI").is_none(),
                "CI: the desk's browser tests need Debian's {missing} (.ci/run installs them)"
            );
            eprintln!("skipped: the desk's browser tests need Debian's {missing}, not installed");
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// chromedriver and one browser session on a fresh profile.
pub struct Session {
    /// The WebDriver client.
    pub client: Client,
    _driver: Killed,
    _profile: PathBuf,
}

impl Session {
    /// Starts chromedriver on a free port and opens a session at [`WINDOW`].
    pub async fn start(b: &Browser, dir: &Path) -> Session {
        let port = free_port();
        let driver = Killed(
            Command::new(&b.chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts"),
        );
        let profile = dir.join("profile");
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("profile dir");
        let args = [
            "--headless".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--lang=zh-CN".to_string(),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".to_string(),
            json!({ "binary": b.chromium, "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let end = Instant::now() + WAIT;
        let client = loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < end => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("no WebDriver session: {e}"),
            }
        };
        let s = Session {
            client,
            _driver: driver,
            _profile: profile,
        };
        s.viewport(WINDOW.0, WINDOW.1).await;
        s
    }

    /// Sizes the window so that the page's viewport is `width` × `height`.
    pub async fn viewport(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("window size");
        let inner = self
            .js("return [window.innerWidth, window.innerHeight];", vec![])
            .await;
        let dim = |i: usize, want: u32| {
            let got = inner[i].as_u64().unwrap_or(u64::from(want));
            (2 * u64::from(want)).saturating_sub(got) as u32
        };
        self.client
            .set_window_size(dim(0, width), dim(1, height))
            .await
            .expect("window size");
    }

    /// Ends the browser session, then chromedriver.
    pub async fn close(self) {
        let Session {
            client, _driver, ..
        } = self;
        client.close().await.expect("the session closes");
        drop(_driver);
    }

    /// Runs `script` (a function body) with `args`, returning its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until `script` returns a truthy value; panics with `what` after [`WAIT`].
    pub async fn until(&self, what: &str, script: &str) -> Value {
        let end = Instant::now() + WAIT;
        loop {
            let v = self.js(script, vec![]).await;
            let truthy =
                !matches!(&v, Value::Null | Value::Bool(false)) && v != json!(0) && v != json!("");
            if truthy {
                return v;
            }
            if Instant::now() >= end {
                let page = self
                    .js("return document.body.innerText.slice(0, 3000);", vec![])
                    .await;
                panic!(
                    "timed out waiting for {what}; the page shows:\n{}",
                    page.as_str().unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Clicks the element `css`.
    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Types `text` into the element `css` (after clearing it).
    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"));
        e.clear().await.expect("clear");
        e.send_keys(text).await.expect("keys");
    }

    /// Sets a date (or any) input's value and fires `input` and `change`, as picking it would.
    pub async fn set(&self, css: &str, value: &str) {
        self.js(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('input', {bubbles: true}));
             e.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(css), json!(value)],
        )
        .await;
    }

    /// The text of `css`, or "" where there is none.
    pub async fn text(&self, css: &str) -> String {
        self.js(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
            vec![json!(css)],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Waits for the recommendation to show `outcome` (a decision's code, or `error`).
    pub async fn outcome(&self, outcome: &str) {
        self.until(
            &format!("the recommendation to be {outcome}"),
            &format!("return document.getElementById('rec-body').dataset.outcome === '{outcome}';"),
        )
        .await;
    }

    /// Loads the page and waits until it is ready.
    pub async fn open(&self, base: &str) {
        self.client
            .goto(&format!("{base}/"))
            .await
            .expect("the page loads");
        self.until(
            "the page to be ready",
            "return document.body.dataset.ready === 'true';",
        )
        .await;
    }

    /// Searches `q` and opens the violation `code` from the results.
    pub async fn open_violation(&self, q: &str, code: &str) {
        self.type_into("#q", q).await;
        self.click(&format!("#results .hit[data-code='{code}']"))
            .await;
        self.until(
            &format!("the form of {code}"),
            &format!(
                "return document.querySelector('#violation .code')?.textContent === '{code}';"
            ),
        )
        .await;
    }

    /// Fills the case of `examples/xr-49-2-individual.json` into the open XR-49-2 form.
    pub async fn fill_xr_49_2(&self) {
        self.type_into("#case-id", "XC-2025-0142").await;
        self.click("#f-party_type input[value='individual']").await;
        self.type_into("#f-age", "35").await;
        self.set("#f-violation_date", "2025-03-02").await;
        self.set("#f-discovery_date", "2025-03-05").await;
        self.click("#f-minor input[value='false']").await;
        self.set("#f-harm", "general").await;
        self.click("#f-corrected input[value='false']").await;
        self.click("#f-first_offense input[value='false']").await;
        self.type_into("#f-prior_penalties_12m", "0").await;
        self.outcome("standard").await;
        self.until(
            "the fine range",
            "return document.getElementById('rec-fine')?.textContent.includes('60 元至 140 元');",
        )
        .await;
    }
}
