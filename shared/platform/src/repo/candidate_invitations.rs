//! Codes e-mailed to a candidate to create their own account (issue 7 item 2): sent by a
//! professional for a candidate they know (`candidate_id`), or asked for by self-registration
//! (`candidate_id` NULL). Holding the code proves the address. Stored hashed and valid as long as
//! an organization invitation (R-ORG-7's default), on the same clock.

use crate::db::{opt_text, text, Db, Row};
use crate::ids::{new_id, new_secret, sha256_hex};
use crate::repo::invitations;
use tremplin_domain::organization::INVITATION_DEFAULT_DAYS;
use tremplin_domain::{Clock, Email, Error};

const INSERT_INVITATION: &str = "INSERT INTO candidate_invitations (id, code_hash, candidate_id, \
    email, first_name, last_name, expires_at, created_at, created_by) \
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const SELECT_BY_CODE_HASH: &str = "SELECT id, candidate_id, email, first_name, last_name, \
    expires_at, accepted_at FROM candidate_invitations WHERE code_hash = ?";
/// Walks `candidate_invitations_candidate`.
const LATEST_PENDING_FOR_CANDIDATE: &str =
    "SELECT MAX(created_at) AS latest FROM candidate_invitations \
    WHERE candidate_id = ? AND accepted_at IS NULL";
const MARK_ACCEPTED: &str = "UPDATE candidate_invitations SET accepted_at = ? \
    WHERE id = ? AND accepted_at IS NULL RETURNING id";

#[derive(Debug, Clone)]
pub struct CandidateInvitation {
    pub id: String,
    /// The record a professional invited for; `None` for a self-registration.
    pub candidate_id: Option<String>,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// RFC 3339 UTC; sorts as text.
    pub expires_at: String,
    pub accepted_at: Option<String>,
}

impl CandidateInvitation {
    fn from_row(row: &Row<'_>) -> Result<CandidateInvitation, Error> {
        Ok(CandidateInvitation {
            id: row.text("id")?,
            candidate_id: row.opt_text("candidate_id")?,
            email: row.text("email")?,
            first_name: row.text("first_name")?,
            last_name: row.text("last_name")?,
            expires_at: row.text("expires_at")?,
            accepted_at: row.opt_text("accepted_at")?,
        })
    }

    /// On the organization invitations' clock.
    pub fn is_expired(&self, clock: &Clock) -> bool {
        self.expires_at <= invitations::now(clock)
    }
}

pub struct NewCandidateInvitation<'a> {
    pub candidate_id: Option<&'a str>,
    pub email: &'a Email,
    pub first_name: &'a str,
    pub last_name: &'a str,
    /// The professional who invited; `None` for a self-registration.
    pub created_by: Option<&'a str>,
}

/// A stored invitation, and what its e-mail needs.
pub struct Issued {
    pub id: String,
    /// `{app_url}/invitation.html?code=…&candidat=1`: the code itself, for the e-mail only.
    pub link: String,
    pub expires_at: String,
}

/// Stores a new invitation in the caller's transaction, under a fresh code kept only hashed.
pub fn issue(db: &Db, clock: &Clock, new: NewCandidateInvitation<'_>) -> Result<Issued, Error> {
    let code = new_secret()?;
    let id = new_id("cinv")?;
    let expires_at = invitations::expires_at(clock, INVITATION_DEFAULT_DAYS);
    let params = [
        text(id.as_str()),
        text(sha256_hex(code.as_bytes())),
        opt_text(new.candidate_id),
        text(new.email.as_str()),
        text(new.first_name),
        text(new.last_name),
        text(expires_at.as_str()),
        text(clock.now_rfc3339()),
        opt_text(new.created_by),
    ];
    db.execute(INSERT_INVITATION, &params)?;
    Ok(Issued {
        id,
        link: format!(
            "{}/invitation.html?code={code}&candidat=1",
            crate::outbox::app_url()?
        ),
        expires_at,
    })
}

pub fn find_by_code_hash(db: &Db, code_hash: &str) -> Result<Option<CandidateInvitation>, Error> {
    db.query(SELECT_BY_CODE_HASH, &[text(code_hash)])?
        .first()
        .map(|row| CandidateInvitation::from_row(&row))
        .transpose()
}

/// Marks the invitation accepted; false when it already was (a racing acceptance won).
pub fn mark_accepted(db: &Db, id: &str, now: &str) -> Result<bool, Error> {
    Ok(!db.query(MARK_ACCEPTED, &[text(now), text(id)])?.is_empty())
}

/// When the candidate's latest invitation still unanswered was issued (RFC 3339), if any.
pub fn latest_pending_for_candidate(db: &Db, candidate_id: &str) -> Result<Option<String>, Error> {
    Ok(db
        .query(LATEST_PENDING_FOR_CANDIDATE, &[text(candidate_id)])?
        .first()
        .map(|row| row.opt_text("latest"))
        .transpose()?
        .flatten())
}
