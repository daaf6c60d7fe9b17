//! `caliper serve`: the HTTP API over the library (axum on tokio), one file per route group.
//! The server speaks the JSON documents of the contract and reaches the engine only through the
//! library's public API.

mod decisions;
pub mod departure;
mod desk;
mod error;
mod evaluate;
mod health;
pub mod limits;
pub mod records;
mod review;
mod ruleset;
mod state;
mod violations;
mod vocabulary;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use error::ApiError;
use limits::Limits;
use records::Store;
use state::{AppState, Loaded, RuleSource};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};
use tracing::Instrument;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How often `--watch` looks at the rule files.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Longest request id taken from a client's `x-request-id` header.
const MAX_REQUEST_ID: usize = 64;

/// How `caliper serve` runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The rules: `None` for the embedded set.
    pub rules: Option<PathBuf>,
    /// Where to listen.
    pub addr: SocketAddr,
    /// The record store.
    pub db: PathBuf,
    /// Reload when a rule file changes.
    pub watch: bool,
    /// The limits.
    pub limits: Limits,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "caliper",
        description = "行政处罚裁量基准规则引擎的 HTTP 接口：案件事实 → 裁量建议；决定记录。文档格式见 docs/evaluation.md 与 docs/server.md。"
    ),
    servers((url = "/api/v1")),
    components(schemas(error::ErrorDocument, departure::Final))
)]
struct ApiDoc;

/// The application: every route under `/api/v1`, with its layers.
fn app(state: Arc<AppState>) -> Router {
    let limits = state.limits;
    let (api, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(evaluate::evaluate))
        .routes(routes!(evaluate::batch))
        .routes(routes!(review::review))
        .routes(routes!(violations::search))
        .routes(routes!(violations::form))
        .routes(routes!(ruleset::ruleset))
        .routes(routes!(decisions::record, decisions::list))
        .routes(routes!(decisions::get))
        .routes(routes!(health::healthz))
        .routes(routes!(vocabulary::vocabulary))
        .with_state(state.clone())
        .split_for_parts();
    let doc = Arc::new(doc);
    let api = api.route(
        "/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    );
    Router::new()
        .nest("/api/v1", api)
        .route("/", axum::routing::get(desk::page))
        .route("/desk/{name}", axum::routing::get(desk::asset))
        .route(
            "/healthz",
            axum::routing::get(health::healthz).with_state(state),
        )
        .fallback(not_found)
        .layer(axum::Extension(limits))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(middleware::from_fn(move |req, next| {
            limits::deadline(limits.deadline, req, next)
        }))
        .layer(middleware::from_fn(request_id))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
}

async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(
        format!("没有这个接口：{} {}", req.method(), req.uri().path()),
        req.uri().path().to_string(),
    )
}

/// A panic answers 500 with the error document; the panic itself goes to the log only.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("处理请求时发生内部错误（panic）");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        caliper::diag::Code::Internal,
        "服务内部错误；详情见服务日志",
        "",
    )
    .into_response()
}

static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

/// Gives each request an id (the client's `x-request-id` if it sent a short ASCII one), logs it
/// with the request in one span, and returns it in the response header.
async fn request_id(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= MAX_REQUEST_ID
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(
            || format!("r{}", NEXT_REQUEST.fetch_add(1, Ordering::Relaxed)),
            str::to_string,
        );
    let span =
        tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let started = std::time::Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = resp.status().as_u16(),
            micros = started.elapsed().as_micros() as u64,
            "已答复"
        );
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// Starts logging to standard error: `CALIPER_LOG` sets the level (`error`, `warn`, `info`,
/// default, `debug`, `trace`), `CALIPER_LOG_FORMAT=json` writes one JSON object per line.
pub fn init_logging() {
    let level = std::env::var("CALIPER_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    let json = std::env::var("CALIPER_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.with_ansi(false).try_init()
    };
}

/// Runs the server until Ctrl-C or SIGTERM: in-flight requests finish, then the record store is
/// closed. Errors are messages in Chinese (which file, what went wrong).
pub fn run(cfg: Config) -> Result<(), String> {
    let source = match &cfg.rules {
        Some(p) => RuleSource::Path(p.clone()),
        None => RuleSource::Embedded,
    };
    if cfg.watch && matches!(source, RuleSource::Embedded) {
        return Err("--watch 需要用 --rules 指定规则目录：内置规则集不会改变".to_string());
    }
    let rules = source.load().map_err(|e| {
        format!(
            "{}规则集有 {} 个错误，无法启动服务",
            caliper::diag::render_human(&e.diagnostics, &e.sources, false),
            e.diagnostics.iter().filter(|d| d.is_error()).count()
        )
    })?;
    let store = Store::open(&cfg.db).map_err(|e| e.to_string())?;
    let at = state::now();
    store.keep_ruleset(&rules, &at).map_err(|e| e.to_string())?;
    let state = Arc::new(AppState {
        rules: arc_swap::ArcSwap::from_pointee(Loaded {
            rules,
            loaded_at: at,
        }),
        source,
        reload_error: std::sync::Mutex::new(None),
        reloads: AtomicU64::new(0),
        store,
        limits: cfg.limits,
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动运行时：{e}"))?;
    let served = rt.block_on(serve(state.clone(), &cfg));
    drop(rt);
    match Arc::try_unwrap(state) {
        Ok(s) => s.store.close().map_err(|e| e.to_string())?,
        Err(_) => tracing::warn!("仍有任务持有决定记录库；由系统关闭"),
    }
    tracing::info!("服务已停止，决定记录库已关闭");
    served
}

async fn serve(state: Arc<AppState>, cfg: &Config) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|e| format!("无法监听 {}：{e}", cfg.addr))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("无法读取监听地址：{e}"))?;
    {
        let info = state.current();
        let info = info.rules.info();
        tracing::info!(%addr, db = %cfg.db.display(), ruleset = %info.name, version = %info.version, digest = %info.digest, "服务已启动");
    }
    let signals = Signals::register()?;
    // The first line on standard output says where to connect (port 0 picks a free port).
    println!("caliper serve 正在监听 http://{addr}");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let mut tasks = Vec::new();
    #[cfg(unix)]
    tasks.push(tokio::spawn(reload_on_hangup(
        state.clone(),
        signals.hangup,
    )));
    if cfg.watch {
        tasks.push(tokio::spawn(watch(state.clone())));
    }
    let result = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal(
            #[cfg(unix)]
            signals.terminate,
        ))
        .await
        .map_err(|e| format!("服务出错：{e}"));
    for t in tasks {
        t.abort();
    }
    result
}

/// The signals the server answers, registered before it says where it listens: a signal sent
/// as soon as the address is known is never the default action (which would end the process).
struct Signals {
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn register() -> Result<Signals, String> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let err = |e: std::io::Error| format!("无法注册信号处理：{e}");
            Ok(Signals {
                hangup: signal(SignalKind::hangup()).map_err(err)?,
                terminate: signal(SignalKind::terminate()).map_err(err)?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }
}

async fn shutdown_signal(#[cfg(unix)] mut terminate: tokio::signal::unix::Signal) {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        terminate.recv().await;
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("收到停止信号：处理完进行中的请求后停止");
}

/// SIGHUP reloads the rules.
#[cfg(unix)]
async fn reload_on_hangup(state: Arc<AppState>, mut hup: tokio::signal::unix::Signal) {
    while hup.recv().await.is_some() {
        tracing::info!("收到 SIGHUP：重新加载规则集");
        let st = state.clone();
        let _ = tokio::task::spawn_blocking(move || st.reload()).await;
    }
}

/// The rule files' sizes and modification times, and the root's.
fn fingerprint(state: &AppState) -> Vec<(PathBuf, Option<(u64, SystemTime)>)> {
    let Some(base) = state.source.base() else {
        return Vec::new();
    };
    let loaded = state.current();
    loaded
        .rules
        .source_files()
        .map(|(p, _)| {
            let path = base.join(p);
            let meta = std::fs::metadata(&path)
                .ok()
                .map(|m| (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
            (path, meta)
        })
        .collect()
}

/// `--watch`: polls the rule files and reloads when one changed (a failed reload is not retried
/// until a file changes again).
async fn watch(state: Arc<AppState>) {
    let mut last = fingerprint(&state);
    let mut tick = tokio::time::interval(WATCH_INTERVAL);
    loop {
        tick.tick().await;
        let st = state.clone();
        let Ok(now) = tokio::task::spawn_blocking(move || fingerprint(&st)).await else {
            continue;
        };
        if now == last {
            continue;
        }
        tracing::info!("规则文件已改变：重新加载规则集");
        let st = state.clone();
        let _ = tokio::task::spawn_blocking(move || st.reload()).await;
        let st = state.clone();
        last = tokio::task::spawn_blocking(move || fingerprint(&st))
            .await
            .unwrap_or(now);
    }
}
