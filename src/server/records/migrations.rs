//! The schema of the decision records, as numbered migrations run in order at start-up. The
//! version is SQLite's `user_version`; a migration is never edited once shipped, only followed by
//! another.

/// `(version, SQL)`: applying migration N brings the schema to version N.
pub const MIGRATIONS: &[(u32, &str)] = &[(
    1,
    r#"
-- Every rule-set text the server has served, by digest: what `caliper replay` re-evaluates with.
CREATE TABLE rulesets (
    digest          TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    version         TEXT NOT NULL,
    root            TEXT NOT NULL,
    files           TEXT NOT NULL,      -- JSON: [[path, text], ...] in load order
    first_served_at TEXT NOT NULL
) STRICT;

-- One row per recorded decision. Never updated, never deleted: a correction is a new row
-- whose `corrects` names the corrected one.
CREATE TABLE records (
    id               INTEGER PRIMARY KEY,
    recorded_at      TEXT NOT NULL,     -- RFC 3339, UTC
    officer          TEXT NOT NULL,
    corrects         INTEGER REFERENCES records(id),
    violation        TEXT NOT NULL,     -- the code the decision follows, for searching
    case_json        TEXT NOT NULL,     -- the case exactly as submitted
    decision_json    TEXT NOT NULL,     -- the engine's decision
    ruleset_digest   TEXT NOT NULL REFERENCES rulesets(digest),
    ruleset_name     TEXT NOT NULL,
    ruleset_version  TEXT NOT NULL,
    engine_version   TEXT NOT NULL,
    final_json       TEXT NOT NULL,     -- the officer's final decision: outcome, fine, penalties
    departures_json  TEXT NOT NULL,     -- how the final decision departs from the recommendation
    reason           TEXT,              -- required where it departs
    review_json      TEXT               -- the review of the final decision, where one was made
) STRICT;

CREATE INDEX records_by_violation ON records(violation, recorded_at);
CREATE INDEX records_by_time ON records(recorded_at);

CREATE TRIGGER records_never_updated BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, '决定记录不可修改：更正须另立一条记录，以 corrects 指向被更正的记录'); END;
CREATE TRIGGER records_never_deleted BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, '决定记录不可删除'); END;
CREATE TRIGGER rulesets_never_updated BEFORE UPDATE ON rulesets
BEGIN SELECT RAISE(ABORT, '规则集文本不可修改'); END;
CREATE TRIGGER rulesets_never_deleted BEFORE DELETE ON rulesets
BEGIN SELECT RAISE(ABORT, '规则集文本不可删除'); END;
"#,
)];
