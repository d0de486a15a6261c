//! API sessions: bearer tokens, stored as SHA-256 hashes with an expiry; logout revokes.

use crate::db::{int, text, Db};
use tremplin_domain::Error;

const INSERT_SESSION: &str =
    "INSERT INTO api_sessions (token_hash, user_id, created_at, expires_at) \
    VALUES (?, ?, ?, ?)";
const REVOKE_SESSION: &str =
    "UPDATE api_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL";

/// How long a token lives: a working day and a half, so a phone session survives a shift.
pub const TOKEN_TTL_SECONDS: i64 = 36 * 3600;

pub fn insert(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    now: &str,
    expires_at: i64,
) -> Result<(), Error> {
    Ok(db.execute(
        INSERT_SESSION,
        &[text(token_hash), text(user_id), text(now), int(expires_at)],
    )?)
}

pub fn revoke(db: &Db, token_hash: &str, now: &str) -> Result<(), Error> {
    Ok(db.execute(REVOKE_SESSION, &[text(now), text(token_hash)])?)
}
