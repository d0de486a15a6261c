//! PASS IAE (migration 0009, R-PASS-1..7): numbered by the database under the accept's write
//! lock, never deleted (a cancelled one keeps its number taken).

use crate::db::{int, opt_text, text, unreadable, Db, Row};
use tremplin_domain::organization::shown_name;
use tremplin_domain::pass::{Pass, PassEvent, PassSummary};
use tremplin_domain::{Date, DateRange, Error, PassNumber};

const HIGHEST_COUNTER: &str = "SELECT COALESCE(MAX(counter), 0) AS n FROM passes";
const INSERT_PASS: &str = "INSERT INTO passes (id, counter, number, candidate_id, start_at, \
    end_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
/// The candidate's most recent PASS that was not cancelled (R-PASS-4/5 look at it).
const LATEST_OF_CANDIDATE: &str = "SELECT id, number, candidate_id, start_at, end_at FROM passes \
    WHERE candidate_id = ? AND cancelled_at IS NULL ORDER BY end_at DESC, counter DESC LIMIT 1";
/// What R-PROL-1/3 need about a PASS's holder: whether it is their latest PASS, and their
/// birthdate (SENIOR_CDI), in one statement.
const HOLDER: &str = "SELECT c.birthdate, (SELECT l.id FROM passes l WHERE l.candidate_id = c.id \
    AND l.cancelled_at IS NULL ORDER BY l.end_at DESC, l.counter DESC LIMIT 1) AS latest_id \
    FROM candidates c WHERE c.id = ?";
/// A cancelled PASS is gone for its readers (R-PASS-7); only its number stays taken.
const BY_NUMBER: &str = "SELECT id, number, candidate_id, start_at, end_at FROM passes \
    WHERE number = ? AND cancelled_at IS NULL";
const BY_ID: &str = "SELECT id, number, candidate_id, start_at, end_at FROM passes \
    WHERE id = ? AND cancelled_at IS NULL";
const OF_CANDIDATE: &str = "SELECT id, number, candidate_id, start_at, end_at FROM passes \
    WHERE candidate_id = ? AND cancelled_at IS NULL ORDER BY start_at DESC, counter DESC";
/// The accepted applications that use the PASS (R-PASS-7), first hire first: by hiring start,
/// then by when the application last changed (its accept, to the second), then by id.
const HIRES: &str = "SELECT a.id, a.structure_id, s.name, s.brand, s.kind, a.hiring_start_at, \
    a.hiring_end_at FROM applications a JOIN organizations s ON s.id = a.structure_id \
    WHERE a.pass_id = ? AND a.state = 'accepted' ORDER BY a.hiring_start_at, a.updated_at, a.id";
/// The PASS's history: its audit rows (index `audit_of_passes`, 0010), oldest first.
const HISTORY: &str = "SELECT l.at, l.action, l.details, l.organization_id, o.name, o.brand \
    FROM audit_log l LEFT JOIN organizations o ON o.id = l.organization_id \
    WHERE l.entity = 'pass' AND l.entity_id = ? ORDER BY l.id";
const MOVE_DATES: &str = "UPDATE passes SET start_at = ?2, end_at = ?3 WHERE id = ?1";
const CANCEL: &str = "UPDATE passes SET cancelled_at = ?2 WHERE id = ?1 AND cancelled_at IS NULL";

/// A stored PASS: its row id and the domain's view of it.
#[derive(Debug, Clone)]
pub struct StoredPass {
    pub id: String,
    pub candidate_id: String,
    pub pass: Pass,
}

impl StoredPass {
    pub(crate) fn from_row(row: &Row<'_>) -> Result<StoredPass, Error> {
        let date = |column: &str| {
            Date::parse(&row.text(column)?).map_err(|e| unreadable(&format!("passes.{column}"), e))
        };
        let dates = DateRange::new(date("start_at")?, date("end_at")?)
            .map_err(|e| unreadable("passes.end_at", e))?;
        Ok(StoredPass {
            id: row.text("id")?,
            candidate_id: row.text("candidate_id")?,
            pass: Pass {
                number: PassNumber::parse(&row.text("number")?)
                    .map_err(|e| unreadable("passes.number", e))?,
                dates,
            },
        })
    }
}

pub fn latest_of_candidate(db: &Db, candidate_id: &str) -> Result<Option<StoredPass>, Error> {
    db.query(LATEST_OF_CANDIDATE, &[text(candidate_id)])?
        .first()
        .map(|row| StoredPass::from_row(&row))
        .transpose()
}

/// The PASS's holder: whether `stored` is their latest PASS (R-PROL-3), and their birthdate.
pub fn holder(db: &Db, stored: &StoredPass) -> Result<(bool, Date), Error> {
    let rows = db.query(HOLDER, &[text(&stored.candidate_id)])?;
    let row = rows
        .first()
        .ok_or_else(|| Error::internal("PASS without its candidate"))?;
    let birthdate =
        Date::parse(&row.text("birthdate")?).map_err(|e| unreadable("candidates.birthdate", e))?;
    Ok((
        row.opt_text("latest_id")?.as_deref() == Some(stored.id.as_str()),
        birthdate,
    ))
}

pub fn find_by_number(db: &Db, number: &PassNumber) -> Result<Option<StoredPass>, Error> {
    db.query(BY_NUMBER, &[text(number.as_str())])?
        .first()
        .map(|row| StoredPass::from_row(&row))
        .transpose()
}

pub fn find(db: &Db, id: &str) -> Result<Option<StoredPass>, Error> {
    db.query(BY_ID, &[text(id)])?
        .first()
        .map(|row| StoredPass::from_row(&row))
        .transpose()
}

/// R-PASS-3/6: the PASS at `today`, its suspensions counted.
pub fn summary(db: &Db, stored: &StoredPass, today: Date) -> Result<PassSummary, Error> {
    let suspended: Vec<DateRange> = crate::repo::suspensions::dates_of_pass(db, &stored.id)?
        .into_iter()
        .map(|s| s.dates)
        .collect();
    Ok(stored.pass.summary(today, &suspended))
}

/// The candidate's PASS, newest first.
pub fn of_candidate(db: &Db, candidate_id: &str) -> Result<Vec<StoredPass>, Error> {
    db.query(OF_CANDIDATE, &[text(candidate_id)])?
        .map(|row| StoredPass::from_row(&row))
}

/// A hire a PASS serves: the accepted application and its structure.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hire {
    pub application_id: String,
    pub structure: HireStructure,
    pub hiring_start_at: Option<String>,
    pub hiring_end_at: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct HireStructure {
    pub id: String,
    pub name: String,
    pub kind: String,
}

pub fn hires(db: &Db, pass_id: &str) -> Result<Vec<Hire>, Error> {
    db.query(HIRES, &[text(pass_id)])?.map(|row| {
        let (name, brand) = (row.text("name")?, row.opt_text("brand")?);
        Ok(Hire {
            application_id: row.text("id")?,
            structure: HireStructure {
                id: row.text("structure_id")?,
                name: shown_name(&name, brand.as_deref()).to_owned(),
                kind: row.text("kind")?,
            },
            hiring_start_at: row.opt_text("hiring_start_at")?,
            hiring_end_at: row.opt_text("hiring_end_at")?,
        })
    })
}

/// One line of a PASS's history: what happened, when, by which organization.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    pub at: String,
    pub event: PassEvent,
    /// The act's dates and reason, as its audit row holds them (never personal data).
    pub details: serde_json::Value,
    pub organization: Option<(String, String)>,
}

pub fn history(db: &Db, pass_id: &str) -> Result<Vec<HistoryLine>, Error> {
    db.query(HISTORY, &[text(pass_id)])?.map(|row| {
        let event = PassEvent::parse(&row.text("action")?)
            .map_err(|e| unreadable("audit_log.action", e))?;
        let organization = match row.opt_text("organization_id")? {
            Some(id) => {
                let (name, brand) = (row.text("name")?, row.opt_text("brand")?);
                Some((id, shown_name(&name, brand.as_deref()).to_owned()))
            }
            None => None,
        };
        let details = serde_json::from_str(&row.text("details")?)
            .map_err(|e| unreadable("audit_log.details", e))?;
        Ok(HistoryLine {
            at: row.text("at")?,
            event,
            details,
            organization,
        })
    })
}

/// R-PASS-1: a new PASS numbered the highest ever issued + 1. Runs inside the accept's write
/// transaction, so two accepts are ordered by SQLite; the UNIQUE counter is the backstop.
pub fn issue(
    db: &Db,
    id: &str,
    candidate_id: &str,
    dates: DateRange,
    now: &str,
    created_by: Option<&str>,
) -> Result<StoredPass, Error> {
    let highest = db
        .query(HIGHEST_COUNTER, &[])?
        .first()
        .map(|r| r.int("n"))
        .transpose()?
        .unwrap_or(0);
    // Past 9999999 (R-PASS-1) no hire can get a PASS: the service's failure, not the caller's.
    let number = u32::try_from(highest + 1)
        .map_err(|_| Error::internal("passes.counter out of range"))
        .and_then(|counter| {
            PassNumber::from_counter(counter).map_err(|invalid| Error::internal(invalid.message))
        })?;
    db.execute(
        INSERT_PASS,
        &[
            text(id),
            int(highest + 1),
            text(number.as_str()),
            text(candidate_id),
            text(dates.start().to_string()),
            text(dates.end().to_string()),
            text(now),
            opt_text(created_by),
        ],
    )?;
    Ok(StoredPass {
        id: id.to_owned(),
        candidate_id: candidate_id.to_owned(),
        pass: Pass { number, dates },
    })
}

/// R-PASS-4: a PASS not started yet moves to an earlier hire.
pub fn move_dates(db: &Db, id: &str, dates: DateRange) -> Result<(), Error> {
    Ok(db.execute(
        MOVE_DATES,
        &[
            text(id),
            text(dates.start().to_string()),
            text(dates.end().to_string()),
        ],
    )?)
}

/// R-PASS-7: the PASS no longer counts; its number stays taken.
pub fn cancel(db: &Db, id: &str, now: &str) -> Result<(), Error> {
    Ok(db.execute(CANCEL, &[text(id), text(now)])?)
}

const SET_END: &str = "UPDATE passes SET end_at = ?2 WHERE id = ?1";

/// R-SUSP-4, R-PROL-2: the PASS's new end, in the act's transaction.
pub fn set_end(db: &Db, id: &str, end: Date) -> Result<(), Error> {
    Ok(db.execute(SET_END, &[text(id), text(end.to_string())])?)
}
