//! Failed-login counters per key (a hashed e-mail or client address) in fixed windows. Rows of
//! past windows are purged on every write, so the table holds at most the keys seen in one window.

use crate::db::{int, text, Db};
use tremplin_domain::Error;

const SELECT_FAILURES: &str =
    "SELECT failures FROM login_throttle WHERE key_hash = ? AND window_start = ?";
const RECORD_FAILURE: &str = "INSERT INTO login_throttle (key_hash, window_start, failures) \
    VALUES (?, ?, 1) ON CONFLICT (key_hash) DO UPDATE SET \
    failures = CASE WHEN window_start = excluded.window_start THEN failures + 1 ELSE 1 END, \
    window_start = excluded.window_start";
const PURGE_OLD_WINDOWS: &str = "DELETE FROM login_throttle WHERE window_start < ?";
const CLEAR_KEY: &str = "DELETE FROM login_throttle WHERE key_hash = ?";

pub fn failures(db: &Db, key_hash: &str, window_start: i64) -> Result<i64, Error> {
    db.query(SELECT_FAILURES, &[text(key_hash), int(window_start)])?
        .first()
        .map_or(Ok(0), |row| row.int("failures"))
}

pub fn record_failure(db: &Db, key_hash: &str, window_start: i64) -> Result<(), Error> {
    db.execute(PURGE_OLD_WINDOWS, &[int(window_start)])?;
    Ok(db.execute(RECORD_FAILURE, &[text(key_hash), int(window_start)])?)
}

pub fn clear(db: &Db, key_hash: &str) -> Result<(), Error> {
    Ok(db.execute(CLEAR_KEY, &[text(key_hash)])?)
}
