//! # caliper's C ABI
//!
//! Other languages link caliper through these functions: JSON text in, JSON text out, the same
//! case, decision and error documents as the library, the CLI and the HTTP API. Java calls them
//! through JNA, anything else with a C FFI the same way; the header is `include/caliper.h`.
//!
//! - A rule set is an opaque handle, [`CaliperRules`], made by [`caliper_rules_embedded`],
//!   [`caliper_rules_load`] or [`caliper_rules_from_sources`] and released by
//!   [`caliper_rules_free`]. One handle serves any number of threads at once.
//! - A handle is a key, never a pointer that is followed: every call looks it up among the live
//!   rule sets, so a handle that was freed (or never made) gives an error document instead of a
//!   use after free, and a rule set freed while another thread evaluates on it stays alive until
//!   that evaluation ends. Handles are never reused within a process.
//! - Every string returned is a new NUL-terminated UTF-8 string that the caller frees with
//!   [`caliper_string_free`]; the one exception is [`caliper_version`], a static string.
//! - Every entry point catches panics: nothing unwinds into the host. A NULL pointer, text that
//!   is not UTF-8, malformed JSON, an unknown handle: each gives an error document
//!   `{"error":{"code":…,"message":…,"at":…}}`, never a crash.
//!
//! The codes this layer adds to the library's (`E05xx` for a bad case) are `B07xx`, listed in
//! [`codes`].

use caliper::Rules;
use std::collections::BTreeMap;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// The error codes of the C ABI (the library's own codes pass through unchanged).
pub mod codes {
    /// A pointer argument that must not be NULL was NULL.
    pub const NULL_POINTER: &str = "B0701";
    /// The rule-set handle is not a live handle: already freed, or never made.
    pub const UNKNOWN_HANDLE: &str = "B0702";
    /// The engine panicked; the panic was caught at the boundary.
    pub const INTERNAL: &str = "B0703";
    /// The rule set has errors and could not be loaded; `diagnostics` lists them.
    pub const RULES_NOT_LOADED: &str = "B0704";
    /// An argument other than the case is not what the function takes (text not UTF-8, the
    /// sources not a JSON object of texts).
    pub const BAD_ARGUMENT: &str = "B0705";
    /// The case is not valid UTF-8 or not a JSON case document (the library's code).
    pub const MALFORMED_CASE: &str = "E0504";
}

/// A loaded rule set, seen from C only through a pointer: an opaque handle.
pub struct CaliperRules {
    _private: [u8; 0],
}

/// The live rule sets by handle. A read lock is held only to clone the `Arc`.
static LIVE: RwLock<BTreeMap<usize, Arc<Rules>>> = RwLock::new(BTreeMap::new());

/// The next handle; handles start at 1 (0 is NULL) and are never reused.
static NEXT_HANDLE: AtomicUsize = AtomicUsize::new(1);

/// An error document of the contract, as text.
fn error_text(code: &str, message: impl Into<String>, at: impl Into<String>) -> String {
    // The binding's own codes (B07xx) are not the core's: write the same document by hand.
    serde_json::json!({
        "error": { "code": code, "message": message.into(), "at": at.into() }
    })
    .to_string()
}

/// Hands a string to C. JSON text never holds a NUL byte (serde escapes it), so the fallback
/// only guards against a future change.
fn to_c(text: String) -> *mut c_char {
    match CString::new(text) {
        Ok(s) => s.into_raw(),
        Err(_) => to_c(error_text(
            codes::INTERNAL,
            "引擎内部错误：输出中含有 NUL 字节",
            "",
        )),
    }
}

/// The text a panic carried, for the error document.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "未知原因".to_string()
    }
}

/// Runs an entry point that returns a document, turning a panic into an error document.
fn guarded(f: impl FnOnce() -> String) -> *mut c_char {
    let text = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| {
        error_text(
            codes::INTERNAL,
            format!("引擎内部错误（已在边界处截获）：{}", panic_message(&*p)),
            "",
        )
    });
    to_c(text)
}

/// The rule set behind a handle, if the handle is live.
fn lookup(rules: *const CaliperRules) -> Result<Arc<Rules>, String> {
    if rules.is_null() {
        return Err(error_text(
            codes::NULL_POINTER,
            "规则集句柄为 NULL",
            "rules",
        ));
    }
    let live = LIVE.read().unwrap_or_else(PoisonError::into_inner);
    live.get(&(rules as usize)).cloned().ok_or_else(|| {
        error_text(
            codes::UNKNOWN_HANDLE,
            "规则集句柄无效：已经释放，或者不是由 caliper_rules_* 创建的",
            "rules",
        )
    })
}

/// Registers a rule set and returns its new handle.
fn register(rules: Rules) -> *mut CaliperRules {
    let handle = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
    LIVE.write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(handle, Arc::new(rules));
    handle as *mut CaliperRules
}

/// Reads a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
unsafe fn text_arg<'a>(p: *const c_char, name: &str, code: &str) -> Result<&'a str, String> {
    if p.is_null() {
        return Err(error_text(
            codes::NULL_POINTER,
            format!("参数 {name} 为 NULL"),
            name,
        ));
    }
    // SAFETY: the caller promises a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    utf8_arg(bytes, name, code)
}

/// Checks that bytes are UTF-8, naming the first bad byte.
fn utf8_arg<'a>(bytes: &'a [u8], name: &str, code: &str) -> Result<&'a str, String> {
    std::str::from_utf8(bytes).map_err(|e| {
        error_text(
            code,
            format!(
                "参数 {name} 不是有效的 UTF-8 文本：第 {} 个字节起无法解码",
                e.valid_up_to() + 1
            ),
            name,
        )
    })
}

/// The error document of rules that did not load, with every diagnostic.
fn load_error_text(e: &caliper::LoadError) -> String {
    let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
    let first = e
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .and_then(|d| d.primary_span())
        .map(|s| {
            let at = e.sources.location(s);
            format!("{}:{}:{}", at.path, at.line, at.column)
        })
        .unwrap_or_default();
    serde_json::json!({
        "error": {
            "code": codes::RULES_NOT_LOADED,
            "message": format!("规则集有 {errors} 处错误，未能加载"),
            "at": first,
        },
        "diagnostics": caliper::diag::render_json(&e.diagnostics, &e.sources),
    })
    .to_string()
}

/// Finishes a constructor: registers the rules, or writes the error document to `error`.
///
/// # Safety
/// `error` is NULL or points to writable storage for one pointer.
unsafe fn finish(made: Result<Rules, String>, error: *mut *mut c_char) -> *mut CaliperRules {
    let (handle, message) = match made {
        Ok(rules) => (register(rules), std::ptr::null_mut()),
        Err(text) => (std::ptr::null_mut(), to_c(text)),
    };
    if error.is_null() {
        if !message.is_null() {
            // SAFETY: made by `to_c` just above, not handed out.
            drop(unsafe { CString::from_raw(message) });
        }
    } else {
        // SAFETY: the caller promises writable storage.
        unsafe { *error = message };
    }
    handle
}

/// Runs a constructor under `catch_unwind`.
///
/// # Safety
/// `error` is NULL or points to writable storage for one pointer.
unsafe fn construct(
    error: *mut *mut c_char,
    make: impl FnOnce() -> Result<Rules, String>,
) -> *mut CaliperRules {
    let made = catch_unwind(AssertUnwindSafe(make)).unwrap_or_else(|p| {
        Err(error_text(
            codes::INTERNAL,
            format!("引擎内部错误（已在边界处截获）：{}", panic_message(&*p)),
            "",
        ))
    });
    // SAFETY: passed through from the caller.
    unsafe { finish(made, error) }
}

/// The engine's version, e.g. `"0.1.0"`: a static string, not to be freed.
#[unsafe(no_mangle)]
pub extern "C" fn caliper_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Loads the rule set embedded in the library (the shipped model rule set).
///
/// Returns a handle, or NULL with an error document in `*error` (when `error` is not NULL;
/// free it with `caliper_string_free`). On success `*error` is set to NULL.
///
/// # Safety
/// `error` is NULL or points to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn caliper_rules_embedded(error: *mut *mut c_char) -> *mut CaliperRules {
    // SAFETY: passed through from the caller.
    unsafe { construct(error, || Rules::embedded().map_err(|e| load_error_text(&e))) }
}

/// Loads the rule set whose root is `path` (UTF-8): a directory holding `main.rules`, or a
/// `.rules` file.
///
/// Returns a handle, or NULL with an error document in `*error` as for
/// `caliper_rules_embedded`; a rule set with errors gives code `B0704` and a `diagnostics`
/// array with every problem, file, line and column.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `error` is NULL or points to writable storage
/// for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn caliper_rules_load(
    path: *const c_char,
    error: *mut *mut c_char,
) -> *mut CaliperRules {
    let make = || {
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        let path = unsafe { text_arg(path, "path", codes::BAD_ARGUMENT) }?;
        if !Path::new(path).exists() {
            return Err(error_text(
                codes::BAD_ARGUMENT,
                format!("找不到规则集：{path}"),
                "path",
            ));
        }
        Rules::load(path).map_err(|e| load_error_text(&e))
    };
    // SAFETY: passed through from the caller.
    unsafe { construct(error, make) }
}

/// Loads a rule set from texts in memory: `files_json` is a JSON object from path to rule
/// text (`{"main.rules": "…", "hooks/a.rhai": "…"}`) and `root` the path of the root file.
///
/// Returns a handle, or NULL with an error document in `*error` as for `caliper_rules_load`.
///
/// # Safety
/// `files_json` and `root` are NULL or NUL-terminated strings; `error` is NULL or points to
/// writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn caliper_rules_from_sources(
    files_json: *const c_char,
    root: *const c_char,
    error: *mut *mut c_char,
) -> *mut CaliperRules {
    let make = || {
        // SAFETY: the caller promises NUL-terminated strings or NULL.
        let files = unsafe { text_arg(files_json, "files_json", codes::BAD_ARGUMENT) }?;
        // SAFETY: as above.
        let root = unsafe { text_arg(root, "root", codes::BAD_ARGUMENT) }?;
        let files: BTreeMap<String, String> = serde_json::from_str(files).map_err(|e| {
            error_text(
                codes::BAD_ARGUMENT,
                format!("files_json 须是从路径到规则文本的 JSON 对象：{e}"),
                format!("files_json 第 {} 行第 {} 列", e.line(), e.column()),
            )
        })?;
        let files: Vec<(String, String)> = files.into_iter().collect();
        Rules::from_sources(&files, root).map_err(|e| load_error_text(&e))
    };
    // SAFETY: passed through from the caller.
    unsafe { construct(error, make) }
}

/// Releases a rule set. Returns true if the handle was live; false for NULL, a handle already
/// freed, or one never made (nothing happens then). Evaluations still running on the rule set
/// in other threads finish first.
#[unsafe(no_mangle)]
pub extern "C" fn caliper_rules_free(rules: *mut CaliperRules) -> bool {
    catch_unwind(|| {
        let removed = LIVE
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(rules as usize));
        // The rule set is dropped here, outside the lock, unless an evaluation holds it.
        removed.is_some()
    })
    .unwrap_or(false)
}

/// What a document entry point does with the text it was given: decide, or review.
type Answer = fn(&Rules, &str) -> String;

/// A document entry point over a NUL-terminated argument: look the handle up, read the text,
/// answer.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string.
unsafe fn answer_text(
    rules: *const CaliperRules,
    text: *const c_char,
    name: &str,
    answer: Answer,
) -> *mut c_char {
    guarded(|| {
        let rules = match lookup(rules) {
            Ok(r) => r,
            Err(e) => return e,
        };
        // SAFETY: the caller promises a NUL-terminated string or NULL.
        match unsafe { text_arg(text, name, codes::MALFORMED_CASE) } {
            Ok(text) => answer(&rules, text),
            Err(e) => e,
        }
    })
}

/// A document entry point over `len` bytes (no NUL needed).
///
/// # Safety
/// `bytes` is NULL or points to `len` readable bytes.
unsafe fn answer_bytes(
    rules: *const CaliperRules,
    bytes: *const u8,
    len: usize,
    name: &str,
    answer: Answer,
) -> *mut c_char {
    guarded(|| {
        let rules = match lookup(rules) {
            Ok(r) => r,
            Err(e) => return e,
        };
        if bytes.is_null() {
            return error_text(codes::NULL_POINTER, format!("参数 {name} 为 NULL"), name);
        }
        // SAFETY: the caller promises `len` readable bytes.
        let bytes = unsafe { std::slice::from_raw_parts(bytes, len) };
        match utf8_arg(bytes, name, codes::MALFORMED_CASE) {
            Ok(text) => answer(&rules, text),
            Err(e) => e,
        }
    })
}

/// Evaluates a case: `case_json` is the case document (NUL-terminated UTF-8). Returns the
/// decision document, or an error document; never NULL. Free it with `caliper_string_free`.
///
/// # Safety
/// `case_json` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn caliper_decide(
    rules: *const CaliperRules,
    case_json: *const c_char,
) -> *mut c_char {
    // SAFETY: passed through from the caller.
    unsafe { answer_text(rules, case_json, "case_json", Rules::decide_json) }
}

/// Evaluates a case given as `len` bytes of UTF-8 at `case_json` (no NUL needed): for hosts
/// that hold the text with its length (Java's `byte[]`). Returns as `caliper_decide`.
///
/// # Safety
/// `case_json` is NULL or points to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn caliper_decide_bytes(
    rules: *const CaliperRules,
    case_json: *const u8,
    len: usize,
) -> *mut c_char {
    // SAFETY: passed through from the caller.
    unsafe { answer_bytes(rules, case_json, len, "case_json", Rules::decide_json) }
}

/// Reviews the decision an officer proposes (偏离审查): `request_json` is a case document with a
/// `proposed` member (`{"violation":…,"facts":{…},"proposed":{"outcome":…,"fine":…,
/// "penalties":[…]}}`). Returns `{"decision":{…},"review":{…}}`, the review document of the
/// contract, or an error document; never NULL. Free it with `caliper_string_free`.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn caliper_review(
    rules: *const CaliperRules,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: passed through from the caller.
    unsafe { answer_text(rules, request_json, "request_json", Rules::review_json) }
}

/// Reviews a proposed decision given as `len` bytes of UTF-8. Returns as `caliper_review`.
///
/// # Safety
/// `request_json` is NULL or points to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn caliper_review_bytes(
    rules: *const CaliperRules,
    request_json: *const u8,
    len: usize,
) -> *mut c_char {
    // SAFETY: passed through from the caller.
    unsafe { answer_bytes(rules, request_json, len, "request_json", Rules::review_json) }
}

/// The rule set's name, version and digest, with the number of warnings:
/// `{"name":…,"version":…,"digest":"sha256:…","warnings":n}`. Never NULL; free it with
/// `caliper_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn caliper_rules_info(rules: *const CaliperRules) -> *mut c_char {
    guarded(|| match lookup(rules) {
        Ok(r) => {
            let info = r.info();
            serde_json::json!({
                "name": &*info.name,
                "version": &*info.version,
                "digest": &*info.digest,
                "warnings": r.warnings().len(),
            })
            .to_string()
        }
        Err(e) => e,
    })
}

/// The warnings found when the rule set loaded, as a JSON array of diagnostics (code,
/// severity, message, labels with file, line and column, help), the form of
/// `caliper check --error-format json`. Never NULL; free it with `caliper_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn caliper_rules_diagnostics(rules: *const CaliperRules) -> *mut c_char {
    guarded(|| match lookup(rules) {
        Ok(r) => caliper::diag::render_json(r.warnings(), r.sources()).to_string(),
        Err(e) => e,
    })
}

/// Frees a string returned by any `caliper_*` function except `caliper_version`. NULL is
/// ignored.
///
/// # Safety
/// `s` is NULL or a string returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn caliper_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: the caller promises a string from `to_c`, freed once.
    let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { CString::from_raw(s) })));
}
