//! Candidates (R-CAND-*) and the organizations that know them (R-CAND-6). The NIR is stored in
//! full and leaves this module only inside a [`StoredCandidate`], whose callers mask it for
//! everyone not entitled to it.

use crate::db::{int, opt_text, text, unreadable, Db, Row};
use tremplin_domain::candidate::{
    Candidate, FranceTravail, FranceTravailId, LackOfFranceTravailIdReason, LackOfNirReason,
    NirOrReason, Title,
};
use tremplin_domain::{Date, Email, Error, InseeCode, Nir};

macro_rules! select_candidate {
    ($where:literal) => {
        concat!(
            "SELECT id, title, first_name, last_name, birthdate, email, phone, nir, \
            lack_of_nir_reason, france_travail_id, lack_of_france_travail_id_reason, address, \
            post_code, city_insee, user_id, created_at FROM candidates WHERE ",
            $where
        )
    };
}
const SELECT_BY_ID: &str = select_candidate!("id = ?");
const SELECT_BY_NIR: &str = select_candidate!("nir = ?");
const SELECT_BY_EMAIL: &str = select_candidate!("email = ?");
const SELECT_BY_USER: &str = select_candidate!("user_id = ?");
const INSERT_CANDIDATE: &str = "INSERT INTO candidates (id, title, first_name, last_name, \
    search_name, birthdate, email, phone, nir, lack_of_nir_reason, france_travail_id, \
    lack_of_france_travail_id_reason, address, post_code, city_insee, user_id, created_at, \
    created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const LINK_USER: &str =
    "UPDATE candidates SET user_id = ?2, updated_at = ?3 WHERE id = ?1 AND user_id IS NULL RETURNING id";
/// Knowing a candidate never narrows: `sees_nir` only ever turns on.
const UPSERT_CONTACT: &str = "INSERT INTO candidate_organizations \
    (candidate_id, organization_id, sees_nir, since) VALUES (?1, ?2, ?3, ?4) \
    ON CONFLICT (organization_id, candidate_id) DO UPDATE SET sees_nir = max(sees_nir, excluded.sees_nir)";
const SELECT_CONTACT: &str = "SELECT sees_nir FROM candidate_organizations \
    WHERE candidate_id = ? AND organization_id = ?";
/// "My candidates": those the organization sent an application for, by last then first name.
const SEARCH_SENT_FOR: &str = select_candidate!(
    "id IN (SELECT candidate_id FROM applications WHERE sender_organization_id = ?1) \
    AND search_name LIKE ?2 ESCAPE '\\' ORDER BY search_name, id LIMIT ?3 OFFSET ?4"
);
const COUNT_SENT_FOR: &str = "SELECT COUNT(*) AS n FROM candidates WHERE id IN \
    (SELECT candidate_id FROM applications WHERE sender_organization_id = ?1) \
    AND search_name LIKE ?2 ESCAPE '\\'";

/// A candidate as stored, with its id and account.
#[derive(Debug, Clone)]
pub struct StoredCandidate {
    pub id: String,
    pub candidate: Candidate,
    pub user_id: Option<String>,
    pub created_at: String,
}

fn stored<T>(column: &str, parsed: Result<T, tremplin_domain::Invalid>) -> Result<T, Error> {
    parsed.map_err(|e| unreadable(&format!("candidates.{column}"), e))
}

impl StoredCandidate {
    fn from_row(row: &Row<'_>) -> Result<StoredCandidate, Error> {
        let nir = match (row.opt_text("nir")?, row.opt_text("lack_of_nir_reason")?) {
            (Some(nir), None) => NirOrReason::Nir(stored("nir", Nir::parse(&nir))?),
            (None, Some(reason)) => NirOrReason::Reason(stored(
                "lack_of_nir_reason",
                LackOfNirReason::parse(&reason),
            )?),
            _ => return Err(Error::internal("candidates: NIR and its reason")),
        };
        let france_travail = match (
            row.opt_text("france_travail_id")?,
            row.opt_text("lack_of_france_travail_id_reason")?,
        ) {
            (Some(id), None) => {
                FranceTravail::Id(stored("france_travail_id", FranceTravailId::parse(&id))?)
            }
            (None, Some(reason)) => FranceTravail::Reason(stored(
                "lack_of_france_travail_id_reason",
                LackOfFranceTravailIdReason::parse(&reason),
            )?),
            _ => {
                return Err(Error::internal(
                    "candidates: France Travail id and its reason",
                ))
            }
        };
        let city_insee = row
            .opt_text("city_insee")?
            .map(|code| stored("city_insee", InseeCode::parse(&code)))
            .transpose()?;
        Ok(StoredCandidate {
            id: row.text("id")?,
            candidate: Candidate {
                title: stored("title", Title::parse(&row.text("title")?))?,
                first_name: row.text("first_name")?,
                last_name: row.text("last_name")?,
                birthdate: stored("birthdate", Date::parse(&row.text("birthdate")?))?,
                email: stored("email", Email::parse(&row.text("email")?))?,
                phone: row.opt_text("phone")?,
                nir,
                france_travail,
                address: row.opt_text("address")?,
                post_code: row.opt_text("post_code")?,
                city_insee,
            },
            user_id: row.opt_text("user_id")?,
            created_at: row.text("created_at")?,
        })
    }
}

fn one(db: &Db, sql: &str, key: &str) -> Result<Option<StoredCandidate>, Error> {
    db.query(sql, &[text(key)])?
        .first()
        .map(|r| StoredCandidate::from_row(&r))
        .transpose()
}

pub fn find(db: &Db, id: &str) -> Result<Option<StoredCandidate>, Error> {
    one(db, SELECT_BY_ID, id)
}

pub fn find_by_nir(db: &Db, nir: &Nir) -> Result<Option<StoredCandidate>, Error> {
    one(db, SELECT_BY_NIR, nir.as_str())
}

pub fn find_by_email(db: &Db, email: &Email) -> Result<Option<StoredCandidate>, Error> {
    one(db, SELECT_BY_EMAIL, email.as_str())
}

/// The candidate record of a candidate's own account.
pub fn find_by_user(db: &Db, user_id: &str) -> Result<Option<StoredCandidate>, Error> {
    one(db, SELECT_BY_USER, user_id)
}

pub fn insert(
    db: &Db,
    id: &str,
    candidate: &Candidate,
    user_id: Option<&str>,
    created_by: Option<&str>,
    now: &str,
) -> Result<(), Error> {
    let c = candidate;
    db.execute(
        INSERT_CANDIDATE,
        &[
            text(id),
            text(c.title.as_str()),
            text(c.first_name.as_str()),
            text(c.last_name.as_str()),
            text(c.search_name()),
            text(c.birthdate.to_string()),
            text(c.email.as_str()),
            opt_text(c.phone.as_deref()),
            opt_text(c.nir.nir().map(Nir::as_str)),
            opt_text(c.nir.reason()),
            opt_text(c.france_travail.id().map(|id| id.as_str())),
            opt_text(c.france_travail.reason()),
            opt_text(c.address.as_deref()),
            opt_text(c.post_code.as_deref()),
            opt_text(c.city_insee.as_ref().map(InseeCode::as_str)),
            opt_text(user_id),
            text(now),
            opt_text(created_by),
            text(now),
        ],
    )
    .map_err(|e| match e.unique_violation() {
        // Found-or-created is decided under the write lock, so this is a lost race at most.
        Some(column) => Error::conflict(
            "candidate_exists",
            format!("Un candidat existe déjà avec ces données ({column})."),
        ),
        None => e.into(),
    })
}

/// Gives the candidate record to its account; false when it already has one.
pub fn link_user(db: &Db, candidate_id: &str, user_id: &str, now: &str) -> Result<bool, Error> {
    Ok(!db
        .query(LINK_USER, &[text(candidate_id), text(user_id), text(now)])?
        .is_empty())
}

/// Records that `organization_id` knows the candidate (R-CAND-6), and whether it may see the
/// full NIR (R-PASS-10).
pub fn add_contact(
    db: &Db,
    candidate_id: &str,
    organization_id: &str,
    sees_nir: bool,
    now: &str,
) -> Result<(), Error> {
    db.execute(
        UPSERT_CONTACT,
        &[
            text(candidate_id),
            text(organization_id),
            int(sees_nir.into()),
            text(now),
        ],
    )
    .map_err(Error::from)
}

/// `None`: the organization does not know the candidate; `Some(sees_nir)` otherwise.
pub fn contact(db: &Db, candidate_id: &str, organization_id: &str) -> Result<Option<bool>, Error> {
    db.query(SELECT_CONTACT, &[text(candidate_id), text(organization_id)])?
        .first()
        .map(|r| r.bool("sees_nir"))
        .transpose()
}

/// A LIKE pattern matching names that contain `normalized` (a `search::normalize` output).
fn contains_pattern(normalized: &str) -> String {
    let escaped: String = normalized
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect();
    format!("%{escaped}%")
}

/// The candidates `organization_id` applied for whose name contains `normalized`, and their count.
pub fn sent_for(
    db: &Db,
    organization_id: &str,
    normalized: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<StoredCandidate>, i64), Error> {
    let pattern = contains_pattern(normalized);
    let rows = db
        .query(
            SEARCH_SENT_FOR,
            &[
                text(organization_id),
                text(pattern.as_str()),
                int(limit),
                int(offset),
            ],
        )?
        .map(StoredCandidate::from_row)?;
    let count = db
        .query(COUNT_SENT_FOR, &[text(organization_id), text(pattern)])?
        .first()
        .map(|r| r.int("n"))
        .transpose()?
        .unwrap_or(0);
    Ok((rows, count))
}
