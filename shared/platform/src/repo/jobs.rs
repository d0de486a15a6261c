//! Job descriptions of a structure (R-ORG-2).

use crate::db::{int, opt_text, text, Db, Row, Value};
use tremplin_domain::Error;

const JOB_COLUMNS_BY_STRUCTURE: &str =
    "SELECT id, structure_id, appellation_code, rome_code, title, \
    contract_type, open_positions, is_active, location_insee, description FROM job_descriptions \
    WHERE structure_id IN (SELECT value FROM json_each(?1)) AND (is_active = 1 OR ?2) \
    ORDER BY structure_id, is_active DESC, title, id";
const SELECT_JOB: &str =
    "SELECT id, structure_id, appellation_code, rome_code, title, contract_type, \
    open_positions, is_active, location_insee, description FROM job_descriptions \
    WHERE id = ? AND structure_id = ?";
const SELECT_IMPORTED: &str = "SELECT id, is_active FROM job_descriptions \
    WHERE structure_id = ? AND appellation_code = ? AND source = ?";
const COUNT_ACTIVE: &str = "SELECT COUNT(*) AS n FROM job_descriptions \
    WHERE structure_id = ?1 AND is_active = 1 AND id IS NOT ?2";
const INSERT_JOB: &str = "INSERT INTO job_descriptions (id, structure_id, appellation_code, rome_code, \
    title, contract_type, open_positions, is_active, location_insee, description, source, created_at, \
    created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const UPDATE_JOB: &str = "UPDATE job_descriptions SET appellation_code = ?2, rome_code = ?3, \
    title = ?4, contract_type = ?5, open_positions = ?6, is_active = ?7, location_insee = ?8, \
    description = ?9, updated_at = ?10, updated_by = ?11 WHERE id = ?1 AND (appellation_code, \
    rome_code, title, contract_type, open_positions, is_active, location_insee, description) \
    IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub structure_id: String,
    pub appellation_code: String,
    pub rome_code: String,
    pub title: String,
    pub contract_type: String,
    pub open_positions: i64,
    pub is_active: bool,
    pub location_insee: Option<String>,
    pub description: Option<String>,
}

impl Job {
    fn from_row(row: &Row<'_>) -> Result<Job, Error> {
        Ok(Job {
            id: row.text("id")?,
            structure_id: row.text("structure_id")?,
            appellation_code: row.text("appellation_code")?,
            rome_code: row.text("rome_code")?,
            title: row.text("title")?,
            contract_type: row.text("contract_type")?,
            open_positions: row.int("open_positions")?,
            is_active: row.bool("is_active")?,
            location_insee: row.opt_text("location_insee")?,
            description: row.opt_text("description")?,
        })
    }
}

/// The job descriptions of several structures; inactive ones only when asked.
pub fn of_structures(
    db: &Db,
    structure_ids: &[&str],
    with_inactive: bool,
) -> Result<Vec<Job>, Error> {
    let list = serde_json::to_string(structure_ids).map_err(|e| Error::internal(e.to_string()))?;
    db.query(
        JOB_COLUMNS_BY_STRUCTURE,
        &[text(list), int(with_inactive.into())],
    )?
    .map(Job::from_row)
}

pub fn find(db: &Db, id: &str, structure_id: &str) -> Result<Option<Job>, Error> {
    db.query(SELECT_JOB, &[text(id), text(structure_id)])?
        .first()
        .map(|r| Job::from_row(&r))
        .transpose()
}

/// The job an import wrote before for this structure, appellation and source: its id, and
/// whether it is active.
pub fn find_imported(
    db: &Db,
    structure_id: &str,
    appellation_code: &str,
    source: &str,
) -> Result<Option<(String, bool)>, Error> {
    db.query(
        SELECT_IMPORTED,
        &[text(structure_id), text(appellation_code), text(source)],
    )?
    .first()
    .map(|row| Ok((row.text("id")?, row.bool("is_active")?)))
    .transpose()
}

/// How many active jobs the structure has, `except` that one.
pub fn count_active(db: &Db, structure_id: &str, except: Option<&str>) -> Result<i64, Error> {
    db.query(COUNT_ACTIVE, &[text(structure_id), opt_text(except)])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}

/// The columns a job describes, from `appellation_code` to `description`, in the order both
/// `INSERT_JOB` and `UPDATE_JOB` (?2 to ?9) take them.
fn described(job: &Job) -> [Value; 8] {
    [
        text(job.appellation_code.as_str()),
        text(job.rome_code.as_str()),
        text(job.title.as_str()),
        text(job.contract_type.as_str()),
        int(job.open_positions),
        int(job.is_active.into()),
        opt_text(job.location_insee.as_deref()),
        opt_text(job.description.as_deref()),
    ]
}

pub fn insert(
    db: &Db,
    job: &Job,
    source: Option<&str>,
    by: Option<&str>,
    now: &str,
) -> Result<(), Error> {
    let params: Vec<Value> = [text(job.id.as_str()), text(job.structure_id.as_str())]
        .into_iter()
        .chain(described(job))
        .chain([
            opt_text(source),
            text(now),
            opt_text(by),
            text(now),
            opt_text(by),
        ])
        .collect();
    Ok(db.execute(INSERT_JOB, &params)?)
}

/// Updates a job when it differs; `true` when it wrote.
pub fn update(db: &Db, job: &Job, by: Option<&str>, now: &str) -> Result<bool, Error> {
    let params: Vec<Value> = [text(job.id.as_str())]
        .into_iter()
        .chain(described(job))
        .chain([text(now), opt_text(by)])
        .collect();
    Ok(!db.query(UPDATE_JOB, &params)?.is_empty())
}
