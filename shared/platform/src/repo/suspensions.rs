//! Suspensions of a PASS IAE (migration 0011, R-SUSP-1..6). The PASS end they move is written
//! by the same act through [`crate::repo::passes::set_end`].

use crate::db::{opt_text, text, unreadable, Db, Row};
use tremplin_domain::organization::shown_name;
use tremplin_domain::suspension::{Suspension, SuspensionReason};
use tremplin_domain::{Date, DateRange, Error};

macro_rules! select_suspensions {
    ($where:literal) => {
        concat!(
            "SELECT s.id, s.pass_id, s.start_at, s.end_at, s.reason, s.explanation, ",
            "s.organization_id, o.name, o.brand, s.created_at, s.updated_at ",
            "FROM suspensions s JOIN organizations o ON o.id = s.organization_id ",
            $where
        )
    };
}

const OF_PASS: &str = select_suspensions!("WHERE s.pass_id = ? ORDER BY s.start_at");
const BY_ID: &str = select_suspensions!("WHERE s.id = ?");
/// The dates alone, for a PASS's state and remainder (R-PASS-3/6) wherever it is shown.
const DATES_OF_PASS: &str = "SELECT id, start_at, end_at FROM suspensions WHERE pass_id = ? \
    ORDER BY start_at";
const INSERT: &str = "INSERT INTO suspensions (id, pass_id, start_at, end_at, reason, \
    explanation, organization_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const SET_END: &str = "UPDATE suspensions SET end_at = ?2, updated_at = ?3, updated_by = ?4 \
    WHERE id = ?1";
const DELETE: &str = "DELETE FROM suspensions WHERE id = ?";

/// A stored suspension, as its readers see it.
#[derive(Debug, Clone)]
pub struct StoredSuspension {
    pub pass_id: String,
    pub suspension: Suspension,
    pub reason: &'static SuspensionReason,
    pub explanation: Option<String>,
    /// The organization that declared it: (id, shown name).
    pub organization: (String, String),
    pub created_at: String,
    pub updated_at: Option<String>,
}

fn date(row: &Row<'_>, column: &str) -> Result<Date, Error> {
    Date::parse(&row.text(column)?).map_err(|e| unreadable(&format!("suspensions.{column}"), e))
}

fn suspension(row: &Row<'_>) -> Result<Suspension, Error> {
    Ok(Suspension {
        id: row.text("id")?,
        dates: DateRange::new(date(row, "start_at")?, date(row, "end_at")?)
            .map_err(|e| unreadable("suspensions.end_at", e))?,
    })
}

fn stored(row: &Row<'_>) -> Result<StoredSuspension, Error> {
    let reason = row.text("reason")?;
    let (name, brand) = (row.text("name")?, row.opt_text("brand")?);
    Ok(StoredSuspension {
        pass_id: row.text("pass_id")?,
        suspension: suspension(row)?,
        reason: SuspensionReason::of_code(&reason)
            .ok_or_else(|| unreadable("suspensions.reason", reason))?,
        explanation: row.opt_text("explanation")?,
        organization: (
            row.text("organization_id")?,
            shown_name(&name, brand.as_deref()).to_owned(),
        ),
        created_at: row.text("created_at")?,
        updated_at: row.opt_text("updated_at")?,
    })
}

pub fn of_pass(db: &Db, pass_id: &str) -> Result<Vec<StoredSuspension>, Error> {
    db.query(OF_PASS, &[text(pass_id)])?.map(stored)
}

pub fn find(db: &Db, id: &str) -> Result<Option<StoredSuspension>, Error> {
    db.query(BY_ID, &[text(id)])?
        .first()
        .map(|r| stored(&r))
        .transpose()
}

/// The PASS's suspensions, as the rules need them (oldest first).
pub fn dates_of_pass(db: &Db, pass_id: &str) -> Result<Vec<Suspension>, Error> {
    db.query(DATES_OF_PASS, &[text(pass_id)])?.map(suspension)
}

/// What a new suspension records besides its dates.
pub struct NewSuspension<'a> {
    pub id: &'a str,
    pub pass_id: &'a str,
    pub dates: DateRange,
    pub reason: &'static SuspensionReason,
    pub explanation: Option<&'a str>,
    pub organization_id: &'a str,
    pub now: &'a str,
    pub by: Option<&'a str>,
}

pub fn insert(db: &Db, new: &NewSuspension<'_>) -> Result<(), Error> {
    Ok(db.execute(
        INSERT,
        &[
            text(new.id),
            text(new.pass_id),
            text(new.dates.start().to_string()),
            text(new.dates.end().to_string()),
            text(new.reason.code),
            opt_text(new.explanation),
            text(new.organization_id),
            text(new.now),
            opt_text(new.by),
        ],
    )?)
}

/// R-SUSP-5/6: the new end (`None`: the suspension is deleted).
pub fn set_dates(
    db: &Db,
    id: &str,
    dates: Option<DateRange>,
    now: &str,
    by: Option<&str>,
) -> Result<(), Error> {
    match dates {
        Some(dates) => db.execute(
            SET_END,
            &[
                text(id),
                text(dates.end().to_string()),
                text(now),
                opt_text(by),
            ],
        )?,
        None => db.execute(DELETE, &[text(id)])?,
    }
    Ok(())
}
