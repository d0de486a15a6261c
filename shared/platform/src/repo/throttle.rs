//! Login attempt counters, one row per key (a hashed e-mail, client address or pair): the instant
//! its counted attempts will have leaked out (`tremplin_domain::throttle`). A login attempt has
//! three keys, read together and counted together in one statement that applies only if none of
//! them changed since it was read (compare-and-set): the write lock is held only while SQLite
//! runs that statement. Drained rows are purged by a trigger on every new key (migration 0004).

use crate::db::{int, text, Db, Value};
use tremplin_domain::Error;

/// Pair, e-mail and address of one login attempt, already hashed.
pub type Keys<'a> = [&'a str; 3];

const SELECT_DRAINED_AT: &str = "SELECT key_hash, drained_at_ms FROM login_throttle \
    WHERE key_hash IN (?, ?, ?)";
const COUNT_IF_UNCHANGED: &str = "INSERT INTO login_throttle (key_hash, drained_at_ms) \
    SELECT column1, column2 FROM (VALUES (?, ?), (?, ?), (?, ?)) \
    WHERE (SELECT drained_at_ms FROM login_throttle WHERE key_hash = ?) IS ? \
    AND (SELECT drained_at_ms FROM login_throttle WHERE key_hash = ?) IS ? \
    AND (SELECT drained_at_ms FROM login_throttle WHERE key_hash = ?) IS ? \
    ON CONFLICT (key_hash) DO UPDATE SET drained_at_ms = excluded.drained_at_ms \
    RETURNING key_hash";
const UPSERT_DRAINED_AT: &str = "INSERT INTO login_throttle (key_hash, drained_at_ms) \
    VALUES (?, ?), (?, ?), (?, ?) \
    ON CONFLICT (key_hash) DO UPDATE SET drained_at_ms = excluded.drained_at_ms";

/// When each key's counted attempts will have leaked out; `None` for a key with none.
pub fn drained_at(db: &Db, keys: Keys<'_>) -> Result<[Option<i64>; 3], Error> {
    let rows = db.query(SELECT_DRAINED_AT, &keys.map(text))?;
    let mut drained_at = [None; 3];
    for row in rows.iter() {
        let key = row.text("key_hash")?;
        if let Some(i) = keys.iter().position(|k| *k == key) {
            drained_at[i] = Some(row.int("drained_at_ms")?);
        }
    }
    Ok(drained_at)
}

/// Stores `counted` for the keys, in one statement of its own, if each key still holds what
/// was `read` (`None`: no row); `false` when another attempt changed one first (read again).
pub fn count_if_unchanged(
    db: &Db,
    keys: Keys<'_>,
    read: [Option<i64>; 3],
    counted: [i64; 3],
) -> Result<bool, Error> {
    let mut params = pairs(keys, counted.map(int));
    // `IS NULL` for a key read without a row: it must still have none.
    params.extend(pairs(keys, read.map(|at| at.map_or(Value::Null, int))));
    Ok(db.write_alone(COUNT_IF_UNCHANGED, &params)?.len() == keys.len())
}

/// Stores the keys' instants, inside the caller's transaction.
pub fn set_drained_at(db: &Db, keys: Keys<'_>, drained_at_ms: [i64; 3]) -> Result<(), Error> {
    Ok(db.execute(UPSERT_DRAINED_AT, &pairs(keys, drained_at_ms.map(int)))?)
}

/// `key, value` parameters, key by key.
fn pairs(keys: Keys<'_>, values: [Value; 3]) -> Vec<Value> {
    keys.iter()
        .zip(values)
        .flat_map(|(key, value)| [text(*key), value])
        .collect()
}
