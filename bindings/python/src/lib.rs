//! # caliper for Python
//!
//! The extension module `caliper._caliper`, re-exported by the `caliper` package: [`Rules`]
//! with `evaluate(dict) -> dict`, `decide_json(str) -> str` and `evaluate_many(list)`. Dicts are
//! written to the contract's JSON text here, with the GIL held; evaluation runs with the GIL
//! released, so Python threads (and `evaluate_many(threads=n)`) decide in parallel; decisions
//! come back through `json.loads` with `parse_float=decimal.Decimal`, so amounts stay exact.
//! Every error is `caliper.CaliperError` with the contract's code, message and place.

use caliper::CaseError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use std::fmt::Write;
use std::sync::Arc;

/// How deeply a case's dicts and lists may nest (a case document needs three levels).
const MAX_DEPTH: usize = 32;

/// The most threads `evaluate_many` starts.
const MAX_THREADS: usize = 256;

/// The binding's code for a value that cannot be written as JSON.
const BAD_VALUE: &str = "B0705";

/// A checked, compiled rule set, shared by every thread that holds it.
#[pyclass(frozen, module = "caliper")]
struct Rules {
    inner: Arc<caliper::Rules>,
}

/// `json.loads` with exact decimals, and `caliper.CaliperError`, looked up once.
struct PyHelpers {
    loads: Py<PyAny>,
    decimal: Py<PyAny>,
    error: Py<PyAny>,
}

static HELPERS: PyOnceLock<PyHelpers> = PyOnceLock::new();

fn helpers(py: Python<'_>) -> PyResult<&PyHelpers> {
    HELPERS.get_or_try_init(py, || {
        Ok(PyHelpers {
            loads: py.import("json")?.getattr("loads")?.unbind(),
            decimal: py.import("decimal")?.getattr("Decimal")?.unbind(),
            error: py.import("caliper")?.getattr("CaliperError")?.unbind(),
        })
    })
}

/// JSON text to Python objects; numbers with a fraction become `decimal.Decimal`.
fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let h = helpers(py)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("parse_float", h.decimal.bind(py))?;
    h.loads.bind(py).call((text,), Some(&kwargs))
}

/// `caliper.CaliperError` for an error document's fields.
fn error(py: Python<'_>, code: &str, message: &str, at: &str, document: Option<&str>) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let document = match document {
            Some(d) => loads(py, d)?.unbind(),
            None => py.None(),
        };
        let instance = helpers(py)?
            .error
            .bind(py)
            .call1((code, message, at, document))?;
        Ok(PyErr::from_value(instance))
    })();
    made.unwrap_or_else(|e| e)
}

fn case_error(py: Python<'_>, e: &CaseError) -> PyErr {
    error(
        py,
        e.code.as_str(),
        &e.message,
        &e.at,
        Some(&e.to_document().to_string()),
    )
}

fn load_error(py: Python<'_>, e: &caliper::LoadError) -> PyErr {
    let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
    let at = e
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .and_then(|d| d.primary_span())
        .map(|s| {
            let l = e.sources.location(s);
            format!("{}:{}:{}", l.path, l.line, l.column)
        })
        .unwrap_or_default();
    let message = format!("规则集有 {errors} 处错误，未能加载");
    let document = format!(
        r#"{{"error":{{"code":"B0704","message":{},"at":{}}},"diagnostics":{}}}"#,
        json_string(&message),
        json_string(&at),
        caliper::diag::render_json(&e.diagnostics, &e.sources)
    );
    error(py, "B0704", &message, &at, Some(&document))
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(s, &mut out);
    out
}

/// A JSON string literal.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes a Python value as JSON text: dicts with string keys, lists and tuples, strings,
/// bools, ints, finite floats and `Decimal`s (their own digits), `None`, and dates
/// (`YYYY-MM-DD`). Anything else is an error naming its place.
fn write_json(v: &Bound<'_, PyAny>, at: &str, depth: usize, out: &mut String) -> PyResult<()> {
    let py = v.py();
    if depth > MAX_DEPTH {
        return Err(error(
            py,
            BAD_VALUE,
            &format!("案件嵌套超过 {MAX_DEPTH} 层"),
            at,
            None,
        ));
    }
    if v.is_none() {
        out.push_str("null");
    } else if let Ok(b) = v.cast::<PyBool>() {
        out.push_str(if b.is_true() { "true" } else { "false" });
    } else if v.is_instance_of::<PyInt>() {
        out.push_str(&v.str()?.to_cow()?);
    } else if let Ok(s) = v.cast::<PyString>() {
        write_string(&s.to_cow()?, out);
    } else if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        if !x.is_finite() {
            return Err(error(
                py,
                BAD_VALUE,
                &format!("数值 {x} 不能写成 JSON"),
                at,
                None,
            ));
        }
        out.push_str(&v.repr()?.to_cow()?);
    } else if v.is_instance(helpers(py)?.decimal.bind(py))? {
        if !v.call_method0("is_finite")?.is_truthy()? {
            return Err(error(py, BAD_VALUE, "Decimal 的值不是有限数", at, None));
        }
        out.push_str(&v.str()?.to_cow()?);
    } else if v.is_instance_of::<PyDate>() {
        let iso = v.call_method0("isoformat")?;
        write_string(&iso.cast::<PyString>()?.to_cow()?, out);
    } else if let Ok(d) = v.cast::<PyDict>() {
        out.push('{');
        for (i, (k, item)) in d.iter().enumerate() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(error(
                    py,
                    BAD_VALUE,
                    &format!("字典的键须是字符串，却是 {}", k.get_type().name()?),
                    at,
                    None,
                ));
            };
            let key = key.to_cow()?;
            if i > 0 {
                out.push(',');
            }
            write_string(&key, out);
            out.push(':');
            let inner = if at.is_empty() {
                key.to_string()
            } else {
                format!("{at}.{key}")
            };
            write_json(&item, &inner, depth + 1, out)?;
        }
        out.push('}');
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        out.push('[');
        for (i, item) in v.try_iter()?.enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_json(&item?, &format!("{at}[{i}]"), depth + 1, out)?;
        }
        out.push(']');
    } else {
        return Err(error(
            py,
            BAD_VALUE,
            &format!(
                "案件中的值不能写成 JSON：类型 {}（可用 dict、list、str、int、float、Decimal、bool、None、date）",
                v.get_type().name()?
            ),
            at,
            None,
        ));
    }
    Ok(())
}

/// A case dict as the contract's JSON text.
fn case_text(case: &Bound<'_, PyAny>) -> PyResult<String> {
    if !case.is_instance_of::<PyDict>() {
        return Err(error(
            case.py(),
            "E0504",
            "案件须是字典（案件文档）",
            "",
            None,
        ));
    }
    let mut out = String::with_capacity(512);
    write_json(case, "", 0, &mut out)?;
    Ok(out)
}

/// The error document of a failure inside the engine (a panic caught at the boundary).
fn internal_error() -> String {
    r#"{"error":{"code":"B0703","message":"引擎内部错误（已在边界处截获）","at":""}}"#.to_string()
}

/// The decision document as text, or the error.
fn decide(rules: &caliper::Rules, text: &str) -> Result<String, CaseError> {
    let d = rules.evaluate_json(text)?;
    serde_json::to_string(&d).map_err(|e| {
        CaseError::new(
            caliper::diag::Code::MalformedCase,
            format!("无法写出决定：{e}"),
            "",
        )
    })
}

/// `f` over `items` on up to `threads` threads (at most [`MAX_THREADS`]), the results in order.
/// A thread that panicked gives `None` for each of its items, which the caller turns into the
/// internal error document.
fn in_parallel<T: Sync>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> Option<String> + Sync,
) -> Vec<Option<String>> {
    let threads = threads.clamp(1, MAX_THREADS).min(items.len().max(1));
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let len = part.len();
                (len, s.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|(len, p)| p.join().unwrap_or_else(|_| vec![None; len]))
            .collect()
    })
}

/// The review document as text, or the error.
fn reviewed(rules: &caliper::Rules, text: &str) -> Result<String, CaseError> {
    let r = rules.review_request_json(text)?;
    serde_json::to_string(&r).map_err(|e| {
        CaseError::new(
            caliper::diag::Code::MalformedCase,
            format!("无法写出审查结果：{e}"),
            "",
        )
    })
}

#[pymethods]
impl Rules {
    /// The embedded rule set.
    #[new]
    fn new(py: Python<'_>) -> PyResult<Rules> {
        Rules::embedded(py)
    }

    /// The rule set embedded in the library.
    #[staticmethod]
    fn embedded(py: Python<'_>) -> PyResult<Rules> {
        let made = py.detach(caliper::Rules::embedded);
        made.map(|r| Rules { inner: Arc::new(r) })
            .map_err(|e| load_error(py, &e))
    }

    /// The rule set whose root is `path`.
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Rules> {
        if !path.exists() {
            return Err(error(
                py,
                BAD_VALUE,
                &format!("找不到规则集：{}", path.display()),
                "path",
                None,
            ));
        }
        let made = py.detach(|| caliper::Rules::load(&path));
        made.map(|r| Rules { inner: Arc::new(r) })
            .map_err(|e| load_error(py, &e))
    }

    /// A rule set from texts in memory.
    #[staticmethod]
    fn from_sources(
        py: Python<'_>,
        files: std::collections::BTreeMap<String, String>,
        root: &str,
    ) -> PyResult<Rules> {
        let files: Vec<(String, String)> = files.into_iter().collect();
        let made = py.detach(|| caliper::Rules::from_sources(&files, root));
        made.map(|r| Rules { inner: Arc::new(r) })
            .map_err(|e| load_error(py, &e))
    }

    /// The decision for a case dict; a bad case raises `CaliperError`.
    fn evaluate<'py>(&self, case: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = case.py();
        let text = case_text(case)?;
        let rules = &*self.inner;
        match py.detach(|| decide(rules, &text)) {
            Ok(doc) => loads(py, &doc),
            Err(e) => Err(case_error(py, &e)),
        }
    }

    /// JSON text in, JSON text out.
    fn decide_json(&self, py: Python<'_>, case_json: &str) -> String {
        let rules = &*self.inner;
        py.detach(|| rules.decide_json(case_json))
    }

    /// The review of a proposed decision (偏离审查): a case dict with a `proposed` member in,
    /// `{"decision": …, "review": …}` out; a bad request raises `CaliperError`.
    fn review<'py>(&self, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = request.py();
        let text = case_text(request)?;
        let rules = &*self.inner;
        match py.detach(|| reviewed(rules, &text)) {
            Ok(doc) => loads(py, &doc),
            Err(e) => Err(case_error(py, &e)),
        }
    }

    /// JSON text in, JSON text out: the review document or the error document.
    fn review_json(&self, py: Python<'_>, request_json: &str) -> String {
        let rules = &*self.inner;
        py.detach(|| rules.review_json(request_json))
    }

    /// The decisions of many cases, in order; a bad case gives its error document.
    #[pyo3(signature = (cases, threads = 1))]
    fn evaluate_many<'py>(
        &self,
        cases: &Bound<'py, PyAny>,
        threads: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let py = cases.py();
        let mut texts = Vec::new();
        for case in cases.try_iter()? {
            texts.push(case_text(&case?));
        }
        let rules = &*self.inner;
        let decided: Vec<Option<String>> = py.detach(|| {
            in_parallel(&texts, threads, |t| {
                t.as_ref().ok().map(|t| rules.decide_json(t))
            })
        });
        let out = PyList::empty(py);
        for (text, doc) in texts.into_iter().zip(decided) {
            match (text, doc) {
                (_, Some(doc)) => out.append(loads(py, &doc)?)?,
                (Err(e), None) => {
                    let value = e.value(py);
                    let code: String = value.getattr("code")?.extract()?;
                    let message: String = value.getattr("message")?.extract()?;
                    let at: String = value.getattr("at")?.extract()?;
                    let doc = serde_json::json!({
                        "error": { "code": code, "message": message, "at": at }
                    })
                    .to_string();
                    out.append(loads(py, &doc)?)?;
                }
                (Ok(_), None) => out.append(loads(py, &internal_error())?)?,
            }
        }
        Ok(out)
    }

    /// JSON texts in, JSON texts out, in order, on `threads` threads: only the list itself is
    /// touched with the GIL held, so this is the form that scales with threads.
    #[pyo3(signature = (cases_json, threads = 1))]
    fn decide_many_json(
        &self,
        py: Python<'_>,
        cases_json: Vec<String>,
        threads: usize,
    ) -> Vec<String> {
        let rules = &*self.inner;
        py.detach(|| in_parallel(&cases_json, threads, |t| Some(rules.decide_json(t))))
            .into_iter()
            .map(|d| d.unwrap_or_else(internal_error))
            .collect()
    }

    /// The rule set's name, version and digest.
    #[getter]
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let info = self.inner.info();
        let d = PyDict::new(py);
        d.set_item("name", &*info.name)?;
        d.set_item("version", &*info.version)?;
        d.set_item("digest", &*info.digest)?;
        Ok(d)
    }

    /// The warnings found when the rule set loaded.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = caliper::diag::render_json(self.inner.warnings(), self.inner.sources());
        loads(py, &json.to_string())
    }

    fn __repr__(&self) -> String {
        let info = self.inner.info();
        format!(
            "<caliper.Rules {} {} {}>",
            info.name, info.version, info.digest
        )
    }
}

/// The extension module.
#[pymodule]
fn _caliper(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Rules>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
