//! The decision records: an append-only SQLite file (bundled SQLite, nothing to install). WAL
//! mode with `synchronous = FULL`: a record is on disk before its 201 is sent, so it survives the
//! process being killed (and the machine losing power) right after.

mod migrations;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;

pub use migrations::MIGRATIONS;

/// How long a connection waits for the other's lock before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Most records one page of `GET /decisions` returns.
pub const MAX_PAGE: u32 = 500;

/// The store: one connection that writes, one that reads (WAL lets them run side by side).
pub struct Store {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

/// A record to append.
pub struct NewRecord<'a> {
    /// RFC 3339, UTC.
    pub recorded_at: &'a str,
    /// Who decided.
    pub officer: &'a str,
    /// The record corrected, if any.
    pub corrects: Option<i64>,
    /// The violation code.
    pub violation: &'a str,
    /// The case as submitted.
    pub case_json: &'a str,
    /// The engine's decision.
    pub decision_json: &'a str,
    /// The rule set's digest (already kept by [`Store::keep_ruleset`]).
    pub ruleset_digest: &'a str,
    /// Its name.
    pub ruleset_name: &'a str,
    /// Its version.
    pub ruleset_version: &'a str,
    /// `caliper` version.
    pub engine_version: &'a str,
    /// The final decision.
    pub final_json: &'a str,
    /// The departures found.
    pub departures_json: &'a str,
    /// The officer's reason.
    pub reason: Option<&'a str>,
    /// The review, where one was made.
    pub review_json: Option<&'a str>,
}

/// A stored record.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Id.
    pub id: i64,
    /// When.
    pub recorded_at: String,
    /// Who.
    pub officer: String,
    /// The corrected record.
    pub corrects: Option<i64>,
    /// Violation code.
    pub violation: String,
    /// The case.
    pub case_json: String,
    /// The engine's decision.
    pub decision_json: String,
    /// Rule set digest.
    pub ruleset_digest: String,
    /// Rule set name.
    pub ruleset_name: String,
    /// Rule set version.
    pub ruleset_version: String,
    /// Engine version.
    pub engine_version: String,
    /// Final decision.
    pub final_json: String,
    /// Departures.
    pub departures_json: String,
    /// Reason.
    pub reason: Option<String>,
    /// Review.
    pub review_json: Option<String>,
}

impl NewRecord<'_> {
    /// The record's digest once stored under `id`: `sha256:` of its stored texts in a fixed
    /// order (a JSON array), so that a printed record can be matched to the store years later.
    pub fn digest(&self, id: i64) -> String {
        use sha2::{Digest, Sha256};
        let parts = serde_json::json!([
            id,
            self.recorded_at,
            self.officer,
            self.corrects,
            self.violation,
            self.case_json,
            self.decision_json,
            self.ruleset_digest,
            self.ruleset_name,
            self.ruleset_version,
            self.engine_version,
            self.final_json,
            self.departures_json,
            self.reason,
            self.review_json,
        ]);
        let hex: String = Sha256::digest(parts.to_string().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("sha256:{hex}")
    }
}

impl Record {
    /// The digest of the record as stored (see [`NewRecord::digest`]).
    pub fn digest(&self) -> String {
        NewRecord {
            recorded_at: &self.recorded_at,
            officer: &self.officer,
            corrects: self.corrects,
            violation: &self.violation,
            case_json: &self.case_json,
            decision_json: &self.decision_json,
            ruleset_digest: &self.ruleset_digest,
            ruleset_name: &self.ruleset_name,
            ruleset_version: &self.ruleset_version,
            engine_version: &self.engine_version,
            final_json: &self.final_json,
            departures_json: &self.departures_json,
            reason: self.reason.as_deref(),
            review_json: self.review_json.as_deref(),
        }
        .digest(self.id)
    }
}

/// A kept rule set: enough to load it again.
pub struct KeptRuleset {
    /// Root file path.
    pub root: String,
    /// `(path, text)` in load order.
    pub files: Vec<(String, String)>,
}

/// Which records to list.
#[derive(Debug, Default)]
pub struct Query<'a> {
    /// Only this violation code.
    pub violation: Option<&'a str>,
    /// Recorded at or after (RFC 3339 text, compared as text: both are UTC `…Z`).
    pub from: Option<&'a str>,
    /// Recorded before.
    pub to: Option<&'a str>,
    /// Ids greater than this (the page cursor).
    pub after: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

const COLUMNS: &str = "id, recorded_at, officer, corrects, violation, case_json, decision_json, \
    ruleset_digest, ruleset_name, ruleset_version, engine_version, final_json, departures_json, \
    reason, review_json";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: r.get(0)?,
        recorded_at: r.get(1)?,
        officer: r.get(2)?,
        corrects: r.get(3)?,
        violation: r.get(4)?,
        case_json: r.get(5)?,
        decision_json: r.get(6)?,
        ruleset_digest: r.get(7)?,
        ruleset_name: r.get(8)?,
        ruleset_version: r.get(9)?,
        engine_version: r.get(10)?,
        final_json: r.get(11)?,
        departures_json: r.get(12)?,
        reason: r.get(13)?,
        review_json: r.get(14)?,
    })
}

/// An error of the store, in Chinese, naming the file.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError(format!("决定记录库出错：{e}"))
    }
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let c = Connection::open(path)
        .map_err(|e| StoreError(format!("无法打开决定记录库 {}：{e}", path.display())))?;
    c.busy_timeout(BUSY_TIMEOUT)?;
    // WAL: readers do not block the writer. FULL: the WAL is synced at every commit, so an
    // acknowledged record is on disk (NORMAL would survive a killed process but not a power cut).
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "FULL")?;
    c.pragma_update(None, "foreign_keys", "ON")?;
    Ok(c)
}

impl Store {
    /// Opens (or creates) the file and runs the migrations it has not had yet.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut writer = open_connection(path)?;
        migrate(&mut writer, path)?;
        let reader = open_connection(path)?;
        Ok(Store {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
        })
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let c = self.reader.lock().map_err(|_| poisoned())?;
        Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Keeps a rule set's text (once per digest).
    pub fn keep_ruleset(&self, rules: &caliper::Rules, now: &str) -> Result<(), StoreError> {
        let info = rules.info();
        let files: Vec<(&str, &str)> = rules.source_files().collect();
        let files = serde_json::to_string(&files)
            .map_err(|e| StoreError(format!("无法写出规则集文本：{e}")))?;
        let c = self.writer.lock().map_err(|_| poisoned())?;
        c.execute(
            "INSERT OR IGNORE INTO rulesets (digest, name, version, root, files, first_served_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                &*info.digest,
                &*info.name,
                &*info.version,
                rules.root_file(),
                files,
                now
            ],
        )?;
        Ok(())
    }

    /// A kept rule set by digest.
    pub fn ruleset(&self, digest: &str) -> Result<Option<KeptRuleset>, StoreError> {
        let c = self.reader.lock().map_err(|_| poisoned())?;
        let found: Option<(String, String)> = c
            .query_row(
                "SELECT root, files FROM rulesets WHERE digest = ?1",
                [digest],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        found
            .map(|(root, files)| {
                let files: Vec<(String, String)> = serde_json::from_str(&files)
                    .map_err(|e| StoreError(format!("规则集 {digest} 的文本无法读出：{e}")))?;
                Ok(KeptRuleset { root, files })
            })
            .transpose()
    }

    /// Appends a record; returns its id once it is on disk.
    pub fn append(&self, r: &NewRecord<'_>) -> Result<i64, StoreError> {
        let c = self.writer.lock().map_err(|_| poisoned())?;
        c.execute(
            "INSERT INTO records (recorded_at, officer, corrects, violation, case_json, \
             decision_json, ruleset_digest, ruleset_name, ruleset_version, engine_version, \
             final_json, departures_json, reason, review_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                r.recorded_at,
                r.officer,
                r.corrects,
                r.violation,
                r.case_json,
                r.decision_json,
                r.ruleset_digest,
                r.ruleset_name,
                r.ruleset_version,
                r.engine_version,
                r.final_json,
                r.departures_json,
                r.reason,
                r.review_json
            ],
        )?;
        Ok(c.last_insert_rowid())
    }

    /// One record.
    pub fn get(&self, id: i64) -> Result<Option<Record>, StoreError> {
        let c = self.reader.lock().map_err(|_| poisoned())?;
        Ok(c.query_row(
            &format!("SELECT {COLUMNS} FROM records WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?)
    }

    /// Whether a record exists.
    pub fn exists(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self.get(id)?.is_some())
    }

    /// Records matching a query, by id.
    pub fn list(&self, q: &Query<'_>) -> Result<Vec<Record>, StoreError> {
        let c = self.reader.lock().map_err(|_| poisoned())?;
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM records \
             WHERE (?1 IS NULL OR violation = ?1) AND (?2 IS NULL OR recorded_at >= ?2) \
             AND (?3 IS NULL OR recorded_at < ?3) AND id > ?4 ORDER BY id LIMIT ?5"
        ))?;
        let rows = stmt.query_map(
            params![
                q.violation,
                q.from,
                q.to,
                q.after.unwrap_or(0),
                q.limit.min(MAX_PAGE)
            ],
            row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every record's id, in order.
    pub fn ids(&self) -> Result<Vec<i64>, StoreError> {
        let c = self.reader.lock().map_err(|_| poisoned())?;
        let mut stmt = c.prepare("SELECT id FROM records ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Closes both connections, checkpointing the WAL into the database file.
    pub fn close(self) -> Result<(), StoreError> {
        let writer = self.writer.into_inner().map_err(|_| poisoned())?;
        let reader = self.reader.into_inner().map_err(|_| poisoned())?;
        reader.close().map_err(|(_, e)| StoreError::from(e))?;
        writer.pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        writer.close().map_err(|(_, e)| StoreError::from(e))?;
        Ok(())
    }
}

fn poisoned() -> StoreError {
    StoreError("决定记录库的连接在一次失败的写入后不可用".to_string())
}

/// Runs the migrations the file has not had, each in its own transaction.
fn migrate(c: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let have: u32 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    if have > newest {
        return Err(StoreError(format!(
            "决定记录库 {} 的结构版本为 {have}，比这个版本的 caliper 所知的 {newest} 新；请使用更新的 caliper",
            path.display()
        )));
    }
    for &(version, sql) in MIGRATIONS.iter().filter(|m| m.0 > have) {
        let tx = c.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{NewRecord, Store};

    fn temp_db(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("caliper-records-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("records.db")
    }

    fn record<'a>(digest: &'a str, corrects: Option<i64>) -> NewRecord<'a> {
        NewRecord {
            recorded_at: "2026-01-02T03:04:05Z",
            officer: "张三",
            corrects,
            violation: "XR-49-2",
            case_json: "{}",
            decision_json: "{}",
            ruleset_digest: digest,
            ruleset_name: "n",
            ruleset_version: "v",
            engine_version: "0",
            final_json: "{}",
            departures_json: "[]",
            reason: None,
            review_json: None,
        }
    }

    #[test]
    fn records_cannot_be_changed_or_deleted() {
        let path = temp_db("append-only");
        let store = Store::open(&path).expect("opens");
        assert_eq!(store.schema_version().expect("version"), 1);
        let rules = caliper::Rules::embedded().expect("rules");
        store
            .keep_ruleset(&rules, "2026-01-01T00:00:00Z")
            .expect("kept");
        store
            .keep_ruleset(&rules, "2026-01-02T00:00:00Z")
            .expect("kept twice is fine");
        let id = store
            .append(&record(&rules.info().digest, None))
            .expect("appended");
        let c = store.writer.lock().expect("lock");
        let upd = c.execute("UPDATE records SET officer = '李四' WHERE id = ?1", [id]);
        assert!(upd.is_err_and(|e| e.to_string().contains("不可修改")));
        let del = c.execute("DELETE FROM records WHERE id = ?1", [id]);
        assert!(del.is_err_and(|e| e.to_string().contains("不可删除")));
        let del = c.execute("DELETE FROM rulesets", []);
        assert!(del.is_err());
        drop(c);
        assert_eq!(
            store.get(id).expect("read").map(|r| r.officer).as_deref(),
            Some("张三")
        );
        // A rule set not kept cannot be referred to.
        assert!(store.append(&record("sha256:unknown", None)).is_err());
        store.close().expect("closes");
        // Reopening runs no migration twice.
        let again = Store::open(&path).expect("reopens");
        assert_eq!(again.ids().expect("ids"), vec![id]);
    }

    #[test]
    fn a_kept_rule_set_loads_again_with_the_same_digest() {
        let store = Store::open(&temp_db("kept")).expect("opens");
        let rules = caliper::Rules::embedded().expect("rules");
        store
            .keep_ruleset(&rules, "2026-01-01T00:00:00Z")
            .expect("kept");
        let kept = store
            .ruleset(&rules.info().digest)
            .expect("read")
            .expect("there");
        let again = caliper::Rules::from_sources(&kept.files, &kept.root).expect("loads");
        assert_eq!(again.info().digest, rules.info().digest);
    }
}
