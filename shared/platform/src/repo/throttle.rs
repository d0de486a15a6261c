//! Login attempt counters, one row per key (a hashed e-mail, client address or pair): the instant
//! its counted attempts will have leaked out (`tremplin_domain::throttle`). Drained rows are
//! purged on every count, so the table holds only keys counted within the last window.

use crate::db::{int, text, Db};
use tremplin_domain::Error;

const SELECT_DRAINED_AT: &str = "SELECT drained_at_ms FROM login_throttle WHERE key_hash = ?";
const UPSERT_DRAINED_AT: &str = "INSERT INTO login_throttle (key_hash, drained_at_ms) \
    VALUES (?, ?) ON CONFLICT (key_hash) DO UPDATE SET drained_at_ms = excluded.drained_at_ms";
const PURGE_DRAINED: &str = "DELETE FROM login_throttle WHERE drained_at_ms <= ?";
const CLEAR_KEY: &str = "DELETE FROM login_throttle WHERE key_hash = ?";

/// When the key's counted attempts will have leaked out; `None` for a key with none.
pub fn drained_at(db: &Db, key_hash: &str) -> Result<Option<i64>, Error> {
    db.query(SELECT_DRAINED_AT, &[text(key_hash)])?
        .first()
        .map(|row| row.int("drained_at_ms"))
        .transpose()
}

pub fn set_drained_at(db: &Db, key_hash: &str, drained_at_ms: i64) -> Result<(), Error> {
    Ok(db.execute(UPSERT_DRAINED_AT, &[text(key_hash), int(drained_at_ms)])?)
}

/// Forgets every key whose attempts have all leaked out by `now_ms` (they count as new).
pub fn purge(db: &Db, now_ms: i64) -> Result<(), Error> {
    Ok(db.execute(PURGE_DRAINED, &[int(now_ms)])?)
}

pub fn clear(db: &Db, key_hash: &str) -> Result<(), Error> {
    Ok(db.execute(CLEAR_KEY, &[text(key_hash)])?)
}
