//! Invitations to join an organization (R-ORG-7). The code is a bearer secret: stored hashed.

use crate::db::{text, Db, Row};
use tremplin_domain::date::format_rfc3339_utc;
use tremplin_domain::{Clock, Error};

const INSERT_INVITATION: &str = "INSERT INTO invitations (id, code_hash, organization_id, email, \
    first_name, last_name, expires_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const COUNT_PENDING: &str = "SELECT COUNT(*) AS n FROM invitations \
    WHERE organization_id = ? AND accepted_at IS NULL AND expires_at > ?";
const SELECT_BY_CODE_HASH: &str = "SELECT id, organization_id, email, first_name, last_name, \
    expires_at, accepted_at, created_by FROM invitations WHERE code_hash = ?";
const MARK_ACCEPTED: &str =
    "UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ? AND accepted_at IS NULL";
const COUNT_INVITATIONS: &str = "SELECT COUNT(*) AS n FROM invitations";

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// RFC 3339 UTC; sorts as text.
    pub expires_at: String,
    pub accepted_at: Option<String>,
    /// The user who invited; what they may do is judged at acceptance (R-ORG-6).
    pub created_by: String,
}

impl Invitation {
    fn from_row(row: &Row<'_>) -> Result<Invitation, Error> {
        Ok(Invitation {
            id: row.text("id")?,
            organization_id: row.text("organization_id")?,
            email: row.text("email")?,
            first_name: row.text("first_name")?,
            last_name: row.text("last_name")?,
            expires_at: row.text("expires_at")?,
            accepted_at: row.opt_text("accepted_at")?,
            created_by: row.text("created_by")?,
        })
    }

    /// R-ORG-7, on the same clock as [`expires_at`].
    pub fn is_expired(&self, clock: &Clock) -> bool {
        self.expires_at <= format_rfc3339_utc(clock.rule_instant())
    }
}

/// RFC 3339 UTC, `valid_days` from now on the invitations' clock (R-ORG-7).
pub fn expires_at(clock: &Clock, valid_days: i64) -> String {
    format_rfc3339_utc(clock.rule_instant() + valid_days * 86_400)
}

/// "Now" for [`count_pending`], on the invitations' clock.
pub fn now(clock: &Clock) -> String {
    format_rfc3339_utc(clock.rule_instant())
}

pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub code_hash: &'a str,
    pub organization_id: &'a str,
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub expires_at: &'a str,
    pub created_by: &'a str,
    pub now: &'a str,
}

pub fn insert(db: &Db, invitation: NewInvitation<'_>) -> Result<(), Error> {
    let params = [
        text(invitation.id),
        text(invitation.code_hash),
        text(invitation.organization_id),
        text(invitation.email),
        text(invitation.first_name),
        text(invitation.last_name),
        text(invitation.expires_at),
        text(invitation.now),
        text(invitation.created_by),
    ];
    Ok(db.execute(INSERT_INVITATION, &params)?)
}

pub fn count_pending(db: &Db, organization_id: &str, now: &str) -> Result<i64, Error> {
    db.query(COUNT_PENDING, &[text(organization_id), text(now)])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}

pub fn find_by_code_hash(db: &Db, code_hash: &str) -> Result<Option<Invitation>, Error> {
    db.query(SELECT_BY_CODE_HASH, &[text(code_hash)])?
        .first()
        .map(|row| Invitation::from_row(&row))
        .transpose()
}

pub fn mark_accepted(db: &Db, id: &str, user_id: &str, now: &str) -> Result<(), Error> {
    Ok(db.execute(MARK_ACCEPTED, &[text(now), text(user_id), text(id)])?)
}

pub fn count(db: &Db) -> Result<i64, Error> {
    db.query(COUNT_INVITATIONS, &[])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}
