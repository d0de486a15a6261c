//! Versioned schema migrations, applied from code on first use because Fermyon Cloud runs none at
//! deploy. Each runs once, recorded in `schema_migrations`; concurrent first requests are
//! serialised by `BEGIN IMMEDIATE` and the loser finds the work done.

use crate::db::Db;
use tremplin_domain::Error;

/// (version, name, SQL). Append only: never edit a released migration.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "directory",
        include_str!("../migrations/0002_directory.sql"),
    ),
    (3, "outbox", include_str!("../migrations/0003_outbox.sql")),
    (
        4,
        "login_throttle",
        include_str!("../migrations/0004_login_throttle.sql"),
    ),
    (
        5,
        "directory_edits",
        include_str!("../migrations/0005_directory_edits.sql"),
    ),
    (
        6,
        "applications",
        include_str!("../migrations/0006_applications.sql"),
    ),
    (
        7,
        "application_counts",
        include_str!("../migrations/0007_application_counts.sql"),
    ),
    (
        8,
        "application_triggers",
        include_str!("../migrations/0008_application_triggers.sql"),
    ),
    (
        9,
        "decisions_and_passes",
        include_str!("../migrations/0009_decisions_and_passes.sql"),
    ),
    (
        10,
        "pass_history",
        include_str!("../migrations/0010_pass_history.sql"),
    ),
    (
        11,
        "suspensions_and_prolongations",
        include_str!("../migrations/0011_suspensions_and_prolongations.sql"),
    ),
    (
        12,
        "statistics",
        include_str!("../migrations/0012_statistics.sql"),
    ),
];

pub const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Statements inside a migration file are separated by a line `-- ;`.
const STATEMENT_SEPARATOR: &str = "\n-- ;\n";

const SELECT_CURRENT_VERSION: &str = "SELECT MAX(version) AS version FROM schema_migrations";
const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT";
const INSERT_MIGRATION: &str =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, datetime('now'))";

/// The applied schema version; `None` before the first migration.
pub fn current_version(db: &Db) -> Result<Option<i64>, Error> {
    match db.query(SELECT_CURRENT_VERSION, &[]) {
        Ok(rows) => rows.first().map_or(Ok(None), |row| row.opt_int("version")),
        Err(error) if error.0.contains("no such table") => Ok(None),
        Err(error) => Err(error.into()),
    }
}

pub fn ensure_current(db: &Db) -> Result<(), Error> {
    if current_version(db)? == Some(LATEST_VERSION) {
        return Ok(());
    }
    db.transaction(|db| {
        db.execute(CREATE_MIGRATIONS_TABLE, &[])?;
        let applied = current_version(db)?.unwrap_or(0);
        for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > applied) {
            for statement in sql.split(STATEMENT_SEPARATOR).filter(|s| !is_blank(s)) {
                db.execute(statement, &[]).map_err(|e| {
                    Error::internal(format!("migration {version} {name} failed: {}", e.0))
                })?;
            }
            db.execute(
                INSERT_MIGRATION,
                &[crate::db::int(*version), crate::db::text(*name)],
            )?;
        }
        Ok(())
    })
}

fn is_blank(statement: &str) -> bool {
    statement
        .lines()
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with("--"))
}
