//! What a professional's dashboard reads (issue 10 item 1): each item a count and its first
//! lines, read only (GET never writes). The counts of applications by state come from
//! `application_counts` (0007), never by counting a box.

use crate::db::{int, text, unreadable, Db, Row};
use tremplin_domain::application::State;
use tremplin_domain::organization::shown_name;
use tremplin_domain::{Date, DateRange, Error};

/// How many lines each item shows; its count says how many there are.
pub const LINES: i64 = 10;

const SENT_BY_STATE: &str =
    "SELECT state, n FROM application_counts WHERE owner_id = ?1 AND box = 'sent'";
const RECEIVED_IN_STATES_COUNT: &str = "SELECT COALESCE(SUM(n), 0) AS n \
    FROM application_counts WHERE owner_id = ?1 AND box = 'received' \
    AND state IN (SELECT value FROM json_each(?2))";
/// A structure's received applications in some states (`?2`, JSON), oldest first
/// (`applications_received` walked backwards).
const RECEIVED_IN_STATES: &str =
    "SELECT a.id, a.created_at, a.created_unix, c.id AS candidate_id, \
    c.first_name, c.last_name FROM applications a JOIN candidates c ON c.id = a.candidate_id \
    WHERE a.structure_id = ?1 AND a.state IN (SELECT value FROM json_each(?2)) \
    ORDER BY a.created_unix, a.id LIMIT ?3";
/// The structure's hires whose contract starts in `[?2, ?3]`, soonest first.
const HIRES_STARTING: &str = "SELECT a.id, a.hiring_start_at, c.id AS candidate_id, c.first_name, \
    c.last_name, COUNT(*) OVER () AS total FROM applications a \
    JOIN candidates c ON c.id = a.candidate_id WHERE a.structure_id = ?1 \
    AND a.state = 'accepted' AND a.hiring_start_at BETWEEN ?2 AND ?3 \
    ORDER BY a.hiring_start_at, a.id LIMIT ?4";
/// The PASS of the structure's hires that end in `[?2, ?3]`, soonest first (one line a PASS).
const PASS_ENDING: &str = "SELECT p.number, p.end_at, c.id AS candidate_id, c.first_name, \
    c.last_name, COUNT(*) OVER () AS total FROM passes p \
    JOIN candidates c ON c.id = p.candidate_id WHERE p.cancelled_at IS NULL \
    AND p.end_at BETWEEN ?2 AND ?3 AND p.id IN (SELECT a.pass_id FROM applications a \
    WHERE a.structure_id = ?1 AND a.state = 'accepted' AND a.pass_id IS NOT NULL) \
    ORDER BY p.end_at, p.number LIMIT ?4";
/// The suspensions in progress on `?2` of the PASS of the structure's hires.
const SUSPENSIONS_IN_PROGRESS: &str = "SELECT p.number, s.start_at, s.end_at, s.reason, \
    c.id AS candidate_id, c.first_name, c.last_name, COUNT(*) OVER () AS total \
    FROM suspensions s JOIN passes p ON p.id = s.pass_id AND p.cancelled_at IS NULL \
    JOIN candidates c ON c.id = p.candidate_id WHERE s.start_at <= ?2 AND s.end_at >= ?2 \
    AND s.pass_id IN (SELECT a.pass_id FROM applications a WHERE a.structure_id = ?1 \
    AND a.state = 'accepted' AND a.pass_id IS NOT NULL) ORDER BY s.end_at, p.number LIMIT ?3";
/// The user's login before the latest one (their previous visit).
const PREVIOUS_LOGIN: &str = "SELECT created_at FROM api_sessions WHERE user_id = ?1 \
    ORDER BY created_at DESC LIMIT 1 OFFSET 1";
/// The organization's applications answered (postponed, accepted, refused) at or after `?2`,
/// latest first (`applications_sent`).
const ANSWERED_SINCE: &str = "SELECT a.id, a.state, a.updated_at, c.id AS candidate_id, \
    c.first_name, c.last_name, s.name AS structure_name, s.brand AS structure_brand, \
    COUNT(*) OVER () AS total FROM applications a JOIN candidates c ON c.id = a.candidate_id \
    JOIN organizations s ON s.id = a.structure_id WHERE a.sender_organization_id = ?1 \
    AND a.state IN ('postponed', 'accepted', 'refused') AND a.updated_at >= ?2 \
    ORDER BY a.updated_at DESC, a.id LIMIT ?3";
/// The organization's candidates whose eligibility (their latest diagnosis by an authorized
/// prescriber, whoever made it) ends in `[?2, ?3]`, soonest first.
const ELIGIBILITY_ENDING: &str = "SELECT c.id AS candidate_id, c.first_name, c.last_name, \
    MAX(d.expires_at) AS expires_at, COUNT(*) OVER () AS total \
    FROM candidate_organizations co JOIN candidates c ON c.id = co.candidate_id \
    JOIN diagnoses d ON d.candidate_id = co.candidate_id AND d.author_kind = 'prescriber' \
    WHERE co.organization_id = ?1 GROUP BY c.id HAVING MAX(d.expires_at) BETWEEN ?2 AND ?3 \
    ORDER BY expires_at, c.id LIMIT ?4";

/// A candidate as a dashboard line names them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CandidateName {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
}

fn candidate(row: &Row<'_>) -> Result<CandidateName, Error> {
    Ok(CandidateName {
        id: row.text("candidate_id")?,
        first_name: row.text("first_name")?,
        last_name: row.text("last_name")?,
    })
}

/// An item: how many, and the first [`LINES`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Item<T> {
    pub count: i64,
    pub results: Vec<T>,
}

/// A windowed item: its lines carry the whole count in `total` (`COUNT(*) OVER ()`).
fn windowed<T>(
    db: &Db,
    sql: &str,
    params: &[spin_sdk::sqlite::Value],
    line: impl Fn(&Row<'_>) -> Result<T, Error>,
) -> Result<Item<T>, Error> {
    let rows = db.query(sql, params)?;
    let count = rows.first().map_or(Ok(0), |row| row.int("total"))?;
    Ok(Item {
        count,
        results: rows.map(line)?,
    })
}

/// The applications an organization sent, by state (`state` → count; absent states are 0).
pub fn sent_by_state(db: &Db, organization_id: &str) -> Result<Vec<(String, i64)>, Error> {
    db.query(SENT_BY_STATE, &[text(organization_id)])?
        .map(|row| Ok((row.text("state")?, row.int("n")?)))
}

/// A received application waiting in one state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Waiting {
    pub id: String,
    pub candidate: CandidateName,
    pub created_at: String,
    /// Whole days since it arrived, at the clock's date.
    pub age_days: i64,
}

/// The structure's received applications in `states`, oldest first, with their age at `today`.
pub fn received_in_states(
    db: &Db,
    structure_id: &str,
    states: &[State],
    today: Date,
) -> Result<Item<Waiting>, Error> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let state = serde_json::to_string(&states).map_err(|e| Error::internal(e.to_string()))?;
    let state = state.as_str();
    let count = db
        .query(RECEIVED_IN_STATES_COUNT, &[text(structure_id), text(state)])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))?;
    let results = db
        .query(
            RECEIVED_IN_STATES,
            &[text(structure_id), text(state), int(LINES)],
        )?
        .map(|row| {
            let arrived = Date::from_unix_seconds(row.int("created_unix")?);
            Ok(Waiting {
                id: row.text("id")?,
                candidate: candidate(row)?,
                created_at: row.text("created_at")?,
                age_days: arrived.days_until(today).max(0),
            })
        })?;
    Ok(Item { count, results })
}

/// A hire whose contract starts soon.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Starting {
    pub application_id: String,
    pub candidate: CandidateName,
    pub hiring_start_at: String,
}

pub fn hires_starting(
    db: &Db,
    structure_id: &str,
    week: DateRange,
) -> Result<Item<Starting>, Error> {
    let params = [
        text(structure_id),
        text(week.start().to_string()),
        text(week.end().to_string()),
        int(LINES),
    ];
    windowed(db, HIRES_STARTING, &params, |row| {
        Ok(Starting {
            application_id: row.text("id")?,
            candidate: candidate(row)?,
            hiring_start_at: row.text("hiring_start_at")?,
        })
    })
}

/// A PASS ending soon.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ending {
    pub number: String,
    pub end_at: String,
    pub candidate: CandidateName,
}

pub fn pass_ending(db: &Db, structure_id: &str, window: DateRange) -> Result<Item<Ending>, Error> {
    let params = [
        text(structure_id),
        text(window.start().to_string()),
        text(window.end().to_string()),
        int(LINES),
    ];
    windowed(db, PASS_ENDING, &params, |row| {
        Ok(Ending {
            number: row.text("number")?,
            end_at: row.text("end_at")?,
            candidate: candidate(row)?,
        })
    })
}

/// A suspension in progress, with its reason's code.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suspended {
    pub pass_number: String,
    pub start_at: String,
    pub end_at: String,
    pub reason: String,
    pub candidate: CandidateName,
}

pub fn suspensions_in_progress(
    db: &Db,
    structure_id: &str,
    today: Date,
) -> Result<Item<Suspended>, Error> {
    let params = [text(structure_id), text(today.to_string()), int(LINES)];
    windowed(db, SUSPENSIONS_IN_PROGRESS, &params, |row| {
        Ok(Suspended {
            pass_number: row.text("number")?,
            start_at: row.text("start_at")?,
            end_at: row.text("end_at")?,
            reason: row.text("reason")?,
            candidate: candidate(row)?,
        })
    })
}

/// A candidate whose eligibility ends soon: its last valid day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EligibilityEnding {
    pub candidate: CandidateName,
    pub valid_until: Date,
}

/// The candidates whose last valid day falls in `window` (`expires_at` is the first day
/// without, R-ELIG-1).
pub fn eligibility_ending(
    db: &Db,
    organization_id: &str,
    window: DateRange,
) -> Result<Item<EligibilityEnding>, Error> {
    let params = [
        text(organization_id),
        text(window.start().add_days(1).to_string()),
        text(window.end().add_days(1).to_string()),
        int(LINES),
    ];
    windowed(db, ELIGIBILITY_ENDING, &params, |row| {
        let expires = Date::parse(&row.text("expires_at")?)
            .map_err(|e| unreadable("diagnoses.expires_at", e))?;
        Ok(EligibilityEnding {
            candidate: candidate(row)?,
            valid_until: expires.add_days(-1),
        })
    })
}

/// When the user last came before this visit: the login before their latest, if any.
pub fn previous_login(db: &Db, user_id: &str) -> Result<Option<String>, Error> {
    db.query(PREVIOUS_LOGIN, &[text(user_id)])?
        .first()
        .map(|row| row.text("created_at"))
        .transpose()
}

/// An answer the organization received.
#[derive(Debug, Clone)]
pub struct Answer {
    pub id: String,
    pub state: State,
    pub answered_at: String,
    pub candidate: CandidateName,
    pub structure_name: String,
}

/// The organization's applications answered since `since` (RFC 3339).
pub fn answered_since(db: &Db, organization_id: &str, since: &str) -> Result<Item<Answer>, Error> {
    let params = [text(organization_id), text(since), int(LINES)];
    windowed(db, ANSWERED_SINCE, &params, |row| {
        let (name, brand) = (
            row.text("structure_name")?,
            row.opt_text("structure_brand")?,
        );
        Ok(Answer {
            id: row.text("id")?,
            state: State::parse(&row.text("state")?)
                .map_err(|e| unreadable("applications.state", e))?,
            answered_at: row.text("updated_at")?,
            candidate: candidate(row)?,
            structure_name: shown_name(&name, brand.as_deref()).to_owned(),
        })
    })
}
