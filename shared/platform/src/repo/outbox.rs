//! The e-mail outbox table (migration 0003): queue a message inside an act's transaction, claim
//! due messages for one deliverer, record each try's outcome.

use crate::db::{int, opt_text, text, Db, Row, Value};
use tremplin_domain::date::format_rfc3339_utc;
use tremplin_domain::outbox::{AfterFailure, DELIVERY_BATCH};
use tremplin_domain::Error;

const INSERT_MESSAGE: &str = "INSERT INTO outbox (id, created_at, created_by, organization_id, \
    kind, recipient, subject, body_text, state, attempts, next_attempt_at, lease_token, \
    lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)";
/// Due messages, and claimed ones whose deliverer let the lease run out.
const SELECT_DUE_IDS: &str = "SELECT id FROM outbox \
    WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until < ?) \
    ORDER BY next_attempt_at, id LIMIT ?";
const CLAIM: &str = "UPDATE outbox SET state = 'sending', lease_token = ?, lease_until = ? \
    WHERE id = ?";
const SELECT_CLAIMED: &str =
    "SELECT id, recipient, subject, body_text, attempts, lease_until FROM outbox \
    WHERE state = 'sending' AND lease_token = ? ORDER BY id";
const MARK_SENT: &str = "UPDATE outbox SET state = 'sent', sent_at = ?, body_text = NULL, \
    attempts = attempts + 1, lease_token = NULL, lease_until = NULL, last_error = NULL \
    WHERE id = ? AND state = 'sending' AND lease_token = ?";
const MARK_RETRY: &str = "UPDATE outbox SET state = 'pending', next_attempt_at = ?, \
    attempts = attempts + 1, lease_token = NULL, lease_until = NULL, last_error = ? \
    WHERE id = ? AND state = 'sending' AND lease_token = ?";
const MARK_FAILED: &str =
    "UPDATE outbox SET state = 'failed', attempts = attempts + 1, body_text = NULL, \
    lease_token = NULL, lease_until = NULL, last_error = ? \
    WHERE id = ? AND state = 'sending' AND lease_token = ?";
const COUNT_BY_STATE: &str =
    "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state ORDER BY state";
const SELECT_FAILED: &str = "SELECT id, kind, created_at, attempts, last_error FROM outbox \
    WHERE state = 'failed' ORDER BY created_at DESC, id LIMIT ? OFFSET ?";

/// A message to queue. `lease` set: the queuing request claims it and delivers it right after
/// its answer; `None`: it waits for the scheduled delivery.
pub struct NewMessage<'a> {
    pub id: &'a str,
    pub now: &'a str,
    pub now_unix: i64,
    pub created_by: Option<&'a str>,
    pub organization_id: Option<&'a str>,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub lease: Option<(&'a str, i64)>,
}

pub fn insert(db: &Db, message: NewMessage<'_>) -> Result<(), Error> {
    let (state, token, until) = match message.lease {
        Some((token, until)) => ("sending", text(token), int(until)),
        None => ("pending", Value::Null, Value::Null),
    };
    Ok(db.execute(
        INSERT_MESSAGE,
        &[
            text(message.id),
            text(message.now),
            opt_text(message.created_by),
            opt_text(message.organization_id),
            text(message.kind),
            text(message.recipient),
            text(message.subject),
            text(message.body_text),
            text(state),
            int(message.now_unix),
            token,
            until,
        ],
    )?)
}

/// Sent messages are kept this long (for the administration's counts), then deleted.
const SENT_KEPT_SECONDS: i64 = 30 * 86_400;
const PURGE_SENT: &str = "DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?";

/// Claims up to a batch of due messages for `lease_token` (call inside a write transaction, so
/// two racing deliverers never claim the same message); returns how many.
pub fn claim_due(
    db: &Db,
    lease_token: &str,
    now_unix: i64,
    lease_until: i64,
) -> Result<usize, Error> {
    db.execute(
        PURGE_SENT,
        &[text(format_rfc3339_utc(now_unix - SENT_KEPT_SECONDS))],
    )?;
    let ids = db
        .query(
            SELECT_DUE_IDS,
            &[int(now_unix), int(now_unix), int(DELIVERY_BATCH)],
        )?
        .map(|row| row.text("id"))?;
    for id in &ids {
        db.execute(CLAIM, &[text(lease_token), int(lease_until), text(id)])?;
    }
    Ok(ids.len())
}

pub struct Claimed {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    /// Tries before this one.
    pub attempts: i64,
    /// Until when the deliverer holds it (unix seconds).
    pub lease_until: i64,
}

impl Claimed {
    fn from_row(row: &Row<'_>) -> Result<Claimed, Error> {
        Ok(Claimed {
            id: row.text("id")?,
            recipient: row.text("recipient")?,
            subject: row.text("subject")?,
            body_text: row.text("body_text")?,
            attempts: row.int("attempts")?,
            lease_until: row.int("lease_until")?,
        })
    }
}

/// The messages `lease_token` holds (none if its lease was taken over, or its act rolled back).
pub fn claimed(db: &Db, lease_token: &str) -> Result<Vec<Claimed>, Error> {
    db.query(SELECT_CLAIMED, &[text(lease_token)])?
        .map(Claimed::from_row)
}

/// How one try ended.
pub enum Outcome {
    Sent,
    Failed { error: String, then: AfterFailure },
}

/// Records a try by the holder of `lease_token`; a lease lost meanwhile changes nothing.
pub fn record(
    db: &Db,
    id: &str,
    lease_token: &str,
    outcome: &Outcome,
    now: &str,
) -> Result<(), Error> {
    let (sql, params) = match outcome {
        Outcome::Sent => (MARK_SENT, vec![text(now)]),
        Outcome::Failed {
            error,
            then: AfterFailure::RetryAt(at),
        } => (MARK_RETRY, vec![int(*at), text(error.as_str())]),
        Outcome::Failed {
            error,
            then: AfterFailure::GiveUp,
        } => (MARK_FAILED, vec![text(error.as_str())]),
    };
    let mut params = params;
    params.extend([text(id), text(lease_token)]);
    Ok(db.execute(sql, &params)?)
}

/// Messages per state, for the administration's view of the outbox.
pub fn counts(db: &Db) -> Result<Vec<(String, i64)>, Error> {
    db.query(COUNT_BY_STATE, &[])?
        .map(|row| Ok((row.text("state")?, row.int("n")?)))
}

/// Abandoned messages, newest first (never their recipient or text: only what to look into).
pub fn failed(db: &Db, limit: i64, offset: i64) -> Result<Vec<serde_json::Value>, Error> {
    db.query(SELECT_FAILED, &[int(limit), int(offset)])?
        .map(|row| {
            Ok(serde_json::json!({
                "id": row.text("id")?,
                "kind": row.text("kind")?,
                "created_at": row.text("created_at")?,
                "attempts": row.int("attempts")?,
                "last_error": row.opt_text("last_error")?,
            }))
        })
}
