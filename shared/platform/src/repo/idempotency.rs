//! Stored first answers to POSTs sent with an `Idempotency-Key` (API.md), kept 24 hours.

use crate::db::{int, text, Db, Value};
use tremplin_domain::Error;

pub const RETENTION_SECONDS: i64 = 24 * 3600;

const SELECT_KEY: &str = "SELECT request_hash, status, content_type, body FROM idempotency_keys \
    WHERE scope = ? AND key = ? AND created_at > ?";
const INSERT_KEY: &str = "INSERT INTO idempotency_keys \
    (scope, key, request_hash, status, content_type, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
    ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, \
    status = excluded.status, content_type = excluded.content_type, body = excluded.body, \
    created_at = excluded.created_at";
const PURGE_EXPIRED: &str = "DELETE FROM idempotency_keys WHERE created_at <= ?";

pub struct Stored {
    pub request_hash: String,
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

pub fn find(db: &Db, scope: &str, key: &str, now_unix: i64) -> Result<Option<Stored>, Error> {
    db.query(
        SELECT_KEY,
        &[text(scope), text(key), int(now_unix - RETENTION_SECONDS)],
    )?
    .first()
    .map(|row| {
        Ok(Stored {
            request_hash: row.text("request_hash")?,
            status: u16::try_from(row.int("status")?)
                .map_err(|_| Error::internal("idempotency_keys.status out of range"))?,
            content_type: row.text("content_type")?,
            body: row.blob("body")?,
        })
    })
    .transpose()
}

/// Stores an answer (replacing an expired one under the same key) and purges expired ones.
pub fn store(db: &Db, scope: &str, key: &str, stored: &Stored, now_unix: i64) -> Result<(), Error> {
    db.execute(PURGE_EXPIRED, &[int(now_unix - RETENTION_SECONDS)])?;
    let params = [
        text(scope),
        text(key),
        text(stored.request_hash.as_str()),
        int(stored.status.into()),
        text(stored.content_type.as_str()),
        Value::Blob(stored.body.clone()),
        int(now_unix),
    ];
    Ok(db.execute(INSERT_KEY, &params)?)
}
