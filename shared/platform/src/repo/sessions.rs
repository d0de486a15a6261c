//! API sessions: bearer tokens, stored as SHA-256 hashes with an expiry; logout revokes.

use crate::db::{int, text, Db};
use crate::repo::users::User;
use tremplin_domain::Error;

const INSERT_SESSION: &str =
    "INSERT INTO api_sessions (token_hash, user_id, created_at, expires_at) \
    VALUES (?, ?, ?, ?)";
/// The user read with the session: one statement for every authenticated request.
const SELECT_ACTIVE_USER: &str = "SELECT u.id, u.email, u.first_name, u.last_name, \
    u.password_hash, u.is_active FROM api_sessions s JOIN users u ON u.id = s.user_id \
    WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.is_active = 1";
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

/// The user of a live token: not revoked, not expired, user active.
pub fn active_user(db: &Db, token_hash: &str, now_unix: i64) -> Result<Option<User>, Error> {
    db.query(SELECT_ACTIVE_USER, &[text(token_hash), int(now_unix)])?
        .first()
        .map(|row| User::from_row(&row))
        .transpose()
}

pub fn revoke(db: &Db, token_hash: &str, now: &str) -> Result<(), Error> {
    Ok(db.execute(REVOKE_SESSION, &[text(now), text(token_hash)])?)
}
