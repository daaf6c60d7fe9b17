//! What every request shares: the rule set in force (swapped whole on reload), the last failed
//! reload, the record store and the limits.

use super::limits::Limits;
use super::records::Store;
use arc_swap::ArcSwap;
use caliper::Rules;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where the rules come from.
#[derive(Debug, Clone)]
pub enum RuleSource {
    /// The set embedded in the binary.
    Embedded,
    /// A directory (or root file) on disk, reloadable.
    Path(PathBuf),
}

impl RuleSource {
    /// Loads the rules.
    pub fn load(&self) -> Result<Rules, caliper::LoadError> {
        match self {
            RuleSource::Embedded => Rules::embedded(),
            RuleSource::Path(p) => Rules::load(p),
        }
    }

    /// The directory paths of the rule files are relative to, if on disk.
    pub fn base(&self) -> Option<&Path> {
        match self {
            RuleSource::Embedded => None,
            RuleSource::Path(p) if p.is_dir() => Some(p),
            RuleSource::Path(p) => Some(p.parent().unwrap_or(Path::new(""))),
        }
    }

    /// As `GET /ruleset` shows it.
    pub fn describe(&self) -> String {
        match self {
            RuleSource::Embedded => "embedded".to_string(),
            RuleSource::Path(p) => p.display().to_string(),
        }
    }
}

/// A rule set in force, with when it was loaded.
pub struct Loaded {
    /// The rules.
    pub rules: Rules,
    /// RFC 3339, UTC.
    pub loaded_at: String,
}

/// A reload that failed: the old set kept serving.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReloadFailure {
    /// When it was tried.
    pub at: String,
    /// Every diagnostic, as `caliper check --error-format json` prints them.
    #[schema(value_type = Object)]
    pub diagnostics: serde_json::Value,
    /// The same, as plain text.
    pub text: String,
}

/// The shared state.
pub struct AppState {
    /// The rule set in force; a request takes it once and keeps it to the end.
    pub rules: ArcSwap<Loaded>,
    /// Where it comes from.
    pub source: RuleSource,
    /// The last reload, if it failed (cleared by a successful one).
    pub reload_error: Mutex<Option<ReloadFailure>>,
    /// Successful reloads since start.
    pub reloads: std::sync::atomic::AtomicU64,
    /// The decision records.
    pub store: Store,
    /// The limits.
    pub limits: Limits,
}

/// Now, RFC 3339 in UTC to the second.
pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string())
}

impl AppState {
    /// The rules in force now.
    pub fn current(&self) -> Arc<Loaded> {
        self.rules.load_full()
    }

    /// Loads the rules again; swaps them in only if they load without errors, else keeps the
    /// old ones and remembers why. Returns whether the set changed.
    pub fn reload(&self) -> bool {
        let at = now();
        match self.source.load() {
            Ok(rules) => {
                if let Ok(mut e) = self.reload_error.lock() {
                    *e = None;
                }
                let same = self.current().rules.info().digest == rules.info().digest;
                if same {
                    return false;
                }
                if let Err(e) = self.store.keep_ruleset(&rules, &at) {
                    // Without its text kept a record could not be replayed: keep the old set.
                    tracing::error!(error = %e, "新规则集的文本无法存入决定记录库，继续使用原规则集");
                    return false;
                }
                tracing::info!(digest = %rules.info().digest, version = %rules.info().version, "规则集已重新加载");
                self.rules.store(Arc::new(Loaded {
                    rules,
                    loaded_at: at,
                }));
                self.reloads
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                true
            }
            Err(e) => {
                let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
                tracing::warn!(errors, "规则集重新加载失败，继续使用原规则集");
                let failure = ReloadFailure {
                    at,
                    diagnostics: caliper::diag::render_json(&e.diagnostics, &e.sources),
                    text: caliper::diag::render_plain(&e.diagnostics, &e.sources),
                };
                if let Ok(mut slot) = self.reload_error.lock() {
                    *slot = Some(failure);
                }
                false
            }
        }
    }
}
