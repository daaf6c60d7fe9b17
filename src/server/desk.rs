//! The caseworker's desk (执法人员工作台): one page at `/`, plain HTML, CSS and JavaScript in
//! `desk/`, embedded in the binary so that the server needs nothing beside it and the page makes
//! no request to any other host. Each asset carries a strong `ETag` (a digest of its bytes);
//! the page itself is revalidated on every load, and names its scripts and styles with that
//! digest so that they can be kept for a year.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// How long a browser may keep a versioned asset without asking again (a year, in seconds).
const IMMUTABLE_MAX_AGE: u32 = 31_536_000;

/// Hex digits of the digest that name an asset's version in the page.
const VERSION_DIGITS: usize = 16;

/// The files of the desk: name, content type, bytes.
const FILES: [(&str, &str, &[u8]); 4] = [
    (
        "desk.css",
        "text/css; charset=utf-8",
        include_bytes!("desk/desk.css"),
    ),
    (
        "desk.js",
        "text/javascript; charset=utf-8",
        include_bytes!("desk/desk.js"),
    ),
    (
        "print.css",
        "text/css; charset=utf-8",
        include_bytes!("desk/print.css"),
    ),
    ("icon.svg", "image/svg+xml", include_bytes!("desk/icon.svg")),
];

/// The page, with `{{name}}` where the versioned path of an asset goes.
const PAGE: &str = include_str!("desk/index.html");

/// An asset ready to answer.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    /// `"sha256:…"`, quoted as an HTTP entity tag.
    etag: String,
}

struct Desk {
    page: Asset,
    files: Vec<Asset>,
}

fn etag(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("\"{hex}\"")
}

fn desk() -> &'static Desk {
    static DESK: OnceLock<Desk> = OnceLock::new();
    DESK.get_or_init(|| {
        let files: Vec<Asset> = FILES
            .iter()
            .map(|&(name, content_type, bytes)| Asset {
                name,
                content_type,
                body: bytes.to_vec(),
                etag: etag(bytes),
            })
            .collect();
        let mut page = PAGE.to_string();
        for f in &files {
            let version = f.etag.get(1..1 + VERSION_DIGITS).unwrap_or_default();
            page = page.replace(
                &format!("{{{{{}}}}}", f.name),
                &format!("/desk/{}?v={version}", f.name),
            );
        }
        let body = page.into_bytes();
        Desk {
            page: Asset {
                name: "index.html",
                content_type: "text/html; charset=utf-8",
                etag: etag(&body),
                body,
            },
            files,
        }
    })
}

/// Answers with the asset, or `304` when the client already has this version.
fn answer(asset: &'static Asset, headers: &HeaderMap, cache: &'static str) -> Response {
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == asset.etag));
    let mut resp = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, asset.content_type)],
            asset.body.as_slice(),
        )
            .into_response()
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&asset.etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The page may load only what this server serves: no other host, no inline script.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'none'; frame-ancestors 'none'",
        ),
    );
    resp
}

/// `GET /`: the page (revalidated on every load).
pub async fn page(headers: HeaderMap) -> Response {
    answer(&desk().page, &headers, "no-cache")
}

/// `GET /desk/{name}`: a style sheet, the script or the icon (kept a year: the page names it by
/// its digest).
pub async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    static CACHE: OnceLock<String> = OnceLock::new();
    let cache = CACHE.get_or_init(|| format!("public, max-age={IMMUTABLE_MAX_AGE}, immutable"));
    match desk().files.iter().find(|f| f.name == name) {
        Some(f) => answer(f, &headers, cache.as_str()),
        None => super::error::ApiError::not_found(
            format!("工作台没有文件 {name}"),
            format!("/desk/{name}"),
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::desk;

    #[test]
    fn the_page_names_every_asset_by_its_version() {
        let d = desk();
        let page = std::str::from_utf8(&d.page.body).unwrap_or_default();
        assert!(!page.contains("{{"), "a placeholder left in the page");
        for f in &d.files {
            assert!(page.contains(&format!("/desk/{}?v=", f.name)), "{}", f.name);
        }
    }
}
