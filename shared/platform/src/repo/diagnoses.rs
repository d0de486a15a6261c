//! Socio-professional diagnoses (R-ELIG-1..5). A new diagnosis expires the previous ones of the
//! same author kind today (for an employer, those of the same structure) in its transaction.

use crate::db::{text, unreadable, Db, Row};
use tremplin_domain::eligibility::{AuthorKind, DiagnosisSummary};
use tremplin_domain::{Date, Error};

const SELECT_OF_CANDIDATE: &str = "SELECT id, candidate_id, author_kind, author_organization_id, \
    author_user_id, grid, administrative_criteria, situation, obstacles, objectives, made_on, \
    expires_at, created_at FROM diagnoses WHERE candidate_id = ? ORDER BY made_on DESC, created_at DESC, id DESC";
const INSERT_DIAGNOSIS: &str = "INSERT INTO diagnoses (id, candidate_id, author_kind, \
    author_organization_id, author_user_id, grid, administrative_criteria, situation, obstacles, \
    objectives, made_on, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/// R-ELIG-1: "recording a new one expires the previous one today".
const EXPIRE_PREVIOUS_PRESCRIBER: &str = "UPDATE diagnoses SET expires_at = max(made_on, ?2) \
    WHERE candidate_id = ?1 AND author_kind = 'prescriber' AND expires_at > ?2";
const EXPIRE_PREVIOUS_EMPLOYER: &str = "UPDATE diagnoses SET expires_at = max(made_on, ?2) \
    WHERE candidate_id = ?1 AND author_kind = 'employer' AND author_organization_id = ?3 \
    AND expires_at > ?2";

#[derive(Debug, Clone)]
pub struct Diagnosis {
    pub summary: DiagnosisSummary,
    pub candidate_id: String,
    pub author_user_id: String,
    pub grid: Option<serde_json::Value>,
    pub administrative_criteria: Vec<String>,
    pub situation: Option<String>,
    pub obstacles: Option<String>,
    pub objectives: Option<String>,
    pub created_at: String,
}

impl Diagnosis {
    fn from_row(row: &Row<'_>) -> Result<Diagnosis, Error> {
        let date = |column: &str| {
            Date::parse(&row.text(column)?)
                .map_err(|e| unreadable(&format!("diagnoses.{column}"), e))
        };
        let grid = row
            .opt_text("grid")?
            .map(|g| serde_json::from_str(&g).map_err(|e| unreadable("diagnoses.grid", e)))
            .transpose()?;
        let criteria = serde_json::from_str(&row.text("administrative_criteria")?)
            .map_err(|e| unreadable("diagnoses.administrative_criteria", e))?;
        Ok(Diagnosis {
            summary: DiagnosisSummary {
                id: row.text("id")?,
                author_kind: AuthorKind::parse(&row.text("author_kind")?)
                    .map_err(|e| unreadable("diagnoses.author_kind", e))?,
                author_organization_id: row.text("author_organization_id")?,
                made_on: date("made_on")?,
                expires_at: date("expires_at")?,
            },
            candidate_id: row.text("candidate_id")?,
            author_user_id: row.text("author_user_id")?,
            grid,
            administrative_criteria: criteria,
            situation: row.opt_text("situation")?,
            obstacles: row.opt_text("obstacles")?,
            objectives: row.opt_text("objectives")?,
            created_at: row.text("created_at")?,
        })
    }
}

/// Every diagnosis of a candidate, most recent first.
pub fn of_candidate(db: &Db, candidate_id: &str) -> Result<Vec<Diagnosis>, Error> {
    db.query(SELECT_OF_CANDIDATE, &[text(candidate_id)])?
        .map(Diagnosis::from_row)
}

/// Records `diagnosis`, first expiring today the previous ones it replaces (R-ELIG-1).
pub fn insert(db: &Db, diagnosis: &Diagnosis, today: Date) -> Result<(), Error> {
    let s = &diagnosis.summary;
    let today = today.to_string();
    match s.author_kind {
        AuthorKind::Prescriber => db.execute(
            EXPIRE_PREVIOUS_PRESCRIBER,
            &[text(diagnosis.candidate_id.as_str()), text(today.as_str())],
        )?,
        AuthorKind::Employer => db.execute(
            EXPIRE_PREVIOUS_EMPLOYER,
            &[
                text(diagnosis.candidate_id.as_str()),
                text(today.as_str()),
                text(s.author_organization_id.as_str()),
            ],
        )?,
    }
    let grid = diagnosis.grid.as_ref().map(|g| g.to_string());
    let criteria = serde_json::Value::from(diagnosis.administrative_criteria.clone()).to_string();
    db.execute(
        INSERT_DIAGNOSIS,
        &[
            text(s.id.as_str()),
            text(diagnosis.candidate_id.as_str()),
            text(s.author_kind.as_str()),
            text(s.author_organization_id.as_str()),
            text(diagnosis.author_user_id.as_str()),
            crate::db::opt_text(grid),
            text(criteria),
            crate::db::opt_text(diagnosis.situation.as_deref()),
            crate::db::opt_text(diagnosis.obstacles.as_deref()),
            crate::db::opt_text(diagnosis.objectives.as_deref()),
            text(s.made_on.to_string()),
            text(s.expires_at.to_string()),
            text(diagnosis.created_at.as_str()),
        ],
    )?;
    Ok(())
}

/// R-ELIG-5: the diagnosis considered valid for `structure_id` on `today`, among those of the
/// candidate (the apply component's eligibility and sending, the decide component's accept).
pub fn considered_valid(
    db: &Db,
    candidate_id: &str,
    structure_id: &str,
    today: Date,
) -> Result<Option<Diagnosis>, Error> {
    let all = of_candidate(db, candidate_id)?;
    let summaries: Vec<DiagnosisSummary> = all.iter().map(|d| d.summary.clone()).collect();
    let chosen = tremplin_domain::eligibility::considered_valid(&summaries, structure_id, today)
        .map(|s| s.id.clone());
    Ok(chosen.and_then(|id| all.into_iter().find(|d| d.summary.id == id)))
}
