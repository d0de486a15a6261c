//! Prolongations of a PASS IAE and the requests to an authorized prescriber (migration 0011,
//! R-PROL-1..4). The PASS end they move is written by the same act through
//! [`crate::repo::passes::set_end`].

use crate::db::{int, opt_text, text, unreadable, Db, Row};
use tremplin_domain::organization::shown_name;
use tremplin_domain::prolongation::{Denial, ProlongationRule, RequestState, REMINDER_DAYS};
use tremplin_domain::{Date, DateRange, Error, FieldErrors};

const GRANTED_OF_PASS: &str = "SELECT p.id, p.start_at, p.end_at, p.reason, p.explanation, \
    p.structure_id, o.name, o.brand, p.request_id, p.created_at FROM prolongations p \
    JOIN organizations o ON o.id = p.structure_id WHERE p.pass_id = ? ORDER BY p.start_at";
/// Their dates only, for R-PROL-2's caps (index `prolongations_of_pass`).
const GRANTED_DATES_OF_PASS: &str =
    "SELECT start_at, end_at FROM prolongations WHERE pass_id = ? ORDER BY start_at";
const INSERT: &str = "INSERT INTO prolongations (id, pass_id, start_at, end_at, reason, \
    explanation, structure_id, request_id, created_at, created_by) \
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

macro_rules! select_requests {
    ($where:literal) => {
        concat!(
            "SELECT r.id, r.pass_id, p.number, p.end_at AS pass_end_at, p.candidate_id, ",
            "c.first_name, c.last_name, ",
            "r.structure_id, s.name AS structure_name, s.brand AS structure_brand, r.reason, ",
            "r.start_at, r.end_at, r.explanation, r.prescriber_organization_id, ",
            "o.name AS prescriber_name, o.brand AS prescriber_brand, r.assigned_to, ",
            "u.email AS assigned_email, r.state, r.created_at, r.created_on, r.reminders_sent, ",
            "r.decided_at, r.deny_reason, r.deny_explanation, r.proposed_actions ",
            // A cancelled PASS is gone (R-PASS-7), and its requests with it.
            "FROM prolongation_requests r ",
            "JOIN passes p ON p.id = r.pass_id AND p.cancelled_at IS NULL ",
            "JOIN candidates c ON c.id = p.candidate_id ",
            "JOIN organizations s ON s.id = r.structure_id ",
            "JOIN organizations o ON o.id = r.prescriber_organization_id ",
            "JOIN users u ON u.id = r.assigned_to ",
            $where
        )
    };
}

const REQUEST_BY_ID: &str = select_requests!("WHERE r.id = ?");
const REQUESTS_OF_PASS: &str = select_requests!("WHERE r.pass_id = ? ORDER BY r.created_at");
/// The prescriber organization's requests (`?2` a state or NULL), newest first.
const REQUESTS_TO: &str = select_requests!(
    "WHERE r.prescriber_organization_id = ?1 AND (?2 IS NULL OR r.state = ?2) \
     ORDER BY r.created_at DESC, r.id LIMIT ?3 OFFSET ?4"
);
const COUNT_TO: &str = "SELECT COUNT(*) AS n FROM prolongation_requests r \
    JOIN passes p ON p.id = r.pass_id AND p.cancelled_at IS NULL \
    WHERE r.prescriber_organization_id = ?1 AND (?2 IS NULL OR r.state = ?2)";
/// The structure's requests, newest first.
const REQUESTS_FROM: &str = select_requests!(
    "WHERE r.structure_id = ?1 AND (?2 IS NULL OR r.state = ?2) \
     ORDER BY r.created_at DESC, r.id LIMIT ?3 OFFSET ?4"
);
const COUNT_FROM: &str = "SELECT COUNT(*) AS n FROM prolongation_requests r \
    JOIN passes p ON p.id = r.pass_id AND p.cancelled_at IS NULL \
    WHERE r.structure_id = ?1 AND (?2 IS NULL OR r.state = ?2)";
const INSERT_REQUEST: &str = "INSERT INTO prolongation_requests (id, pass_id, structure_id, \
    reason, start_at, end_at, explanation, prescriber_organization_id, assigned_to, created_at, \
    created_on, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/// Decided (or withdrawn) only while pending: of two racing decisions the second changes
/// nothing.
const DECIDE_REQUEST: &str = "UPDATE prolongation_requests SET state = ?2, decided_at = ?3, \
    decided_by = ?4, deny_reason = ?5, deny_explanation = ?6, proposed_actions = ?7 \
    WHERE id = ?1 AND state = 'pending' RETURNING id";
/// R-PROL-4's reminders: pending requests whose next reminder is due (`?1`, `?2`, `?3`: the
/// latest creation dates for the first, second and third), oldest first (index
/// `prolongation_requests_reminders`).
const REMINDERS_DUE: &str = select_requests!(
    "WHERE r.state = 'pending' AND r.reminders_sent < 3 AND r.created_on <= ?1 \
     AND ((r.reminders_sent = 0) OR (r.reminders_sent = 1 AND r.created_on <= ?2) \
     OR (r.reminders_sent = 2 AND r.created_on <= ?3)) ORDER BY r.created_on LIMIT ?4"
);
/// R-PROL-3 (index `one_pending_request_per_pass`).
const HAS_PENDING: &str = "SELECT EXISTS (SELECT 1 FROM prolongation_requests \
    WHERE pass_id = ? AND state = 'pending') AS pending";
const SET_REMINDERS_SENT: &str =
    "UPDATE prolongation_requests SET reminders_sent = ?2 WHERE id = ?1";

/// A granted prolongation.
#[derive(Debug, Clone)]
pub struct StoredProlongation {
    pub id: String,
    pub dates: DateRange,
    pub rule: &'static ProlongationRule,
    pub explanation: Option<String>,
    pub structure: (String, String),
    pub request_id: Option<String>,
    pub created_at: String,
}

fn date(row: &Row<'_>, column: &str) -> Result<Date, Error> {
    Date::parse(&row.text(column)?).map_err(|e| unreadable(&format!("prolongations.{column}"), e))
}

fn dates(row: &Row<'_>) -> Result<DateRange, Error> {
    DateRange::new(date(row, "start_at")?, date(row, "end_at")?)
        .map_err(|e| unreadable("prolongations.end_at", e))
}

fn rule(row: &Row<'_>) -> Result<&'static ProlongationRule, Error> {
    let reason = row.text("reason")?;
    ProlongationRule::of_reason(&reason).ok_or_else(|| unreadable("prolongations.reason", reason))
}

fn named(row: &Row<'_>, id: &str, name: &str, brand: &str) -> Result<(String, String), Error> {
    let (shown, brand) = (row.text(name)?, row.opt_text(brand)?);
    Ok((
        row.text(id)?,
        shown_name(&shown, brand.as_deref()).to_owned(),
    ))
}

pub fn granted_of_pass(db: &Db, pass_id: &str) -> Result<Vec<StoredProlongation>, Error> {
    db.query(GRANTED_OF_PASS, &[text(pass_id)])?.map(|row| {
        Ok(StoredProlongation {
            id: row.text("id")?,
            dates: dates(row)?,
            rule: rule(row)?,
            explanation: row.opt_text("explanation")?,
            structure: named(row, "structure_id", "name", "brand")?,
            request_id: row.opt_text("request_id")?,
            created_at: row.text("created_at")?,
        })
    })
}

/// The granted prolongations' dates (R-PROL-2).
pub fn granted_dates_of_pass(db: &Db, pass_id: &str) -> Result<Vec<DateRange>, Error> {
    db.query(GRANTED_DATES_OF_PASS, &[text(pass_id)])?
        .map(dates)
}

/// A new prolongation, direct or granted.
pub struct NewProlongation<'a> {
    pub id: &'a str,
    pub pass_id: &'a str,
    pub dates: DateRange,
    pub rule: &'static ProlongationRule,
    pub explanation: Option<&'a str>,
    pub structure_id: &'a str,
    pub request_id: Option<&'a str>,
    pub now: &'a str,
    pub by: Option<&'a str>,
}

pub fn insert(db: &Db, new: &NewProlongation<'_>) -> Result<(), Error> {
    Ok(db.execute(
        INSERT,
        &[
            text(new.id),
            text(new.pass_id),
            text(new.dates.start().to_string()),
            text(new.dates.end().to_string()),
            text(new.rule.reason),
            opt_text(new.explanation),
            text(new.structure_id),
            opt_text(new.request_id),
            text(new.now),
            opt_text(new.by),
        ],
    )?)
}

/// A prolongation request as its parties see it.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: String,
    pub pass_id: String,
    pub pass_number: String,
    /// The PASS's current end, which a grant requires to be the request's start (R-PROL-2).
    pub pass_end: Date,
    pub candidate_id: String,
    pub candidate_name: (String, String),
    pub structure: (String, String),
    pub rule: &'static ProlongationRule,
    pub dates: DateRange,
    pub explanation: String,
    pub prescriber: (String, String),
    pub assigned_to: (String, String),
    pub state: RequestState,
    pub created_at: String,
    pub created_on: Date,
    pub reminders_sent: i64,
    pub decided_at: Option<String>,
    pub deny_reason: Option<String>,
    pub deny_explanation: Option<String>,
    pub proposed_actions: Vec<String>,
}

fn request(row: &Row<'_>) -> Result<Request, Error> {
    let state = row.text("state")?;
    let actions = row
        .opt_text("proposed_actions")?
        .map(|json| serde_json::from_str::<Vec<String>>(&json))
        .transpose()
        .map_err(|e| unreadable("prolongation_requests.proposed_actions", e))?;
    Ok(Request {
        id: row.text("id")?,
        pass_id: row.text("pass_id")?,
        pass_number: row.text("number")?,
        pass_end: date(row, "pass_end_at")?,
        candidate_id: row.text("candidate_id")?,
        candidate_name: (row.text("first_name")?, row.text("last_name")?),
        structure: named(row, "structure_id", "structure_name", "structure_brand")?,
        rule: rule(row)?,
        dates: dates(row)?,
        explanation: row.text("explanation")?,
        prescriber: named(
            row,
            "prescriber_organization_id",
            "prescriber_name",
            "prescriber_brand",
        )?,
        assigned_to: (row.text("assigned_to")?, row.text("assigned_email")?),
        state: RequestState::parse(&state)
            .map_err(|e| unreadable("prolongation_requests.state", e))?,
        created_at: row.text("created_at")?,
        created_on: Date::parse(&row.text("created_on")?)
            .map_err(|e| unreadable("prolongation_requests.created_on", e))?,
        reminders_sent: row.int("reminders_sent")?,
        decided_at: row.opt_text("decided_at")?,
        deny_reason: row.opt_text("deny_reason")?,
        deny_explanation: row.opt_text("deny_explanation")?,
        proposed_actions: actions.unwrap_or_default(),
    })
}

pub fn find_request(db: &Db, id: &str) -> Result<Option<Request>, Error> {
    db.query(REQUEST_BY_ID, &[text(id)])?
        .first()
        .map(|r| request(&r))
        .transpose()
}

pub fn requests_of_pass(db: &Db, pass_id: &str) -> Result<Vec<Request>, Error> {
    db.query(REQUESTS_OF_PASS, &[text(pass_id)])?.map(request)
}

/// Whose requests a list shows.
#[derive(Clone, Copy)]
pub enum Side<'a> {
    /// Addressed to this prescriber organization.
    To(&'a str),
    /// Made by this structure.
    From(&'a str),
}

/// A page of requests and the total.
pub fn requests(
    db: &Db,
    side: Side<'_>,
    state: Option<RequestState>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Request>, i64), Error> {
    let (page_sql, count_sql, organization) = match side {
        Side::To(id) => (REQUESTS_TO, COUNT_TO, id),
        Side::From(id) => (REQUESTS_FROM, COUNT_FROM, id),
    };
    let filter = [
        text(organization),
        opt_text(state.map(RequestState::as_str)),
    ];
    let page = db
        .query(
            page_sql,
            &[
                filter[0].clone(),
                filter[1].clone(),
                int(limit),
                int(offset),
            ],
        )?
        .map(request)?;
    let count = db
        .query(count_sql, &filter)?
        .first()
        .map_or(Ok(0), |row| row.int("n"))?;
    Ok((page, count))
}

/// A new pending request.
pub struct NewRequest<'a> {
    pub id: &'a str,
    pub pass_id: &'a str,
    pub structure_id: &'a str,
    pub rule: &'static ProlongationRule,
    pub dates: DateRange,
    pub explanation: &'a str,
    pub prescriber_organization_id: &'a str,
    pub assigned_to: &'a str,
    pub now: &'a str,
    pub today: Date,
    pub by: Option<&'a str>,
}

/// R-PROL-3: a second pending request on the PASS fails the unique index
/// `one_pending_request_per_pass`: 409.
pub fn insert_request(db: &Db, new: &NewRequest<'_>) -> Result<(), Error> {
    db.execute(
        INSERT_REQUEST,
        &[
            text(new.id),
            text(new.pass_id),
            text(new.structure_id),
            text(new.rule.reason),
            text(new.dates.start().to_string()),
            text(new.dates.end().to_string()),
            text(new.explanation),
            text(new.prescriber_organization_id),
            text(new.assigned_to),
            text(new.now),
            text(new.today.to_string()),
            opt_text(new.by),
        ],
    )
    .map_err(|e| match e.unique_violation() {
        Some("prolongation_requests.pass_id") => pending_request_exists(),
        _ => e.into(),
    })
}

/// Whether a request on the PASS awaits its answer.
pub fn has_pending_request(db: &Db, pass_id: &str) -> Result<bool, Error> {
    db.query(HAS_PENDING, &[text(pass_id)])?
        .first()
        .map_or(Ok(false), |row| row.bool("pending"))
}

/// R-PROL-3: at most one pending request per PASS.
pub fn pending_request_exists() -> Error {
    Error::Conflict {
        code: "prolongation_request_pending",
        detail: "Une demande de prolongation de ce PASS IAE attend déjà une réponse (R-PROL-3)."
            .into(),
        errors: FieldErrors::new(),
    }
}

/// What ends a pending request.
pub enum Outcome<'a> {
    Granted,
    /// The denial and its explanation.
    Denied(&'a Denial, &'a str),
    Withdrawn,
}

/// Ends a pending request; false if it was no longer pending (a lost race).
pub fn decide_request(
    db: &Db,
    id: &str,
    outcome: &Outcome<'_>,
    now: &str,
    by: Option<&str>,
) -> Result<bool, Error> {
    let (state, denial) = match outcome {
        Outcome::Granted => (RequestState::Granted, None),
        Outcome::Denied(denial, explanation) => {
            (RequestState::Denied, Some((*denial, *explanation)))
        }
        Outcome::Withdrawn => (RequestState::Withdrawn, None),
    };
    let actions = denial
        .map(|(d, _)| serde_json::to_string(&d.proposed_actions))
        .transpose()
        .map_err(|e| Error::internal(format!("proposed actions: {e}")))?;
    Ok(!db
        .query(
            DECIDE_REQUEST,
            &[
                text(id),
                text(state.as_str()),
                text(now),
                opt_text(by),
                opt_text(denial.map(|(d, _)| d.reason)),
                opt_text(denial.map(|(_, explanation)| explanation)),
                opt_text(actions),
            ],
        )?
        .is_empty())
}

/// R-PROL-4: pending requests whose next reminder is due at `today`, at most `limit`.
pub fn reminders_due(db: &Db, today: Date, limit: i64) -> Result<Vec<Request>, Error> {
    let created_by = |days: i64| text(today.add_days(-days).to_string());
    let [first, second, third] = REMINDER_DAYS;
    db.query(
        REMINDERS_DUE,
        &[
            created_by(first),
            created_by(second),
            created_by(third),
            int(limit),
        ],
    )?
    .map(request)
}

pub fn set_reminders_sent(db: &Db, id: &str, sent: i64) -> Result<(), Error> {
    Ok(db.execute(SET_REMINDERS_SENT, &[text(id), int(sent)])?)
}
