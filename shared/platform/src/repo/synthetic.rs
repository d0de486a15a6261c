//! Synthetic scale data for benchmarks (`POST /api/v1/admin/synthetic/{dataset}`, only where
//! `demo_data` is on): candidates and applications written in bulk, one statement per batch
//! reading the checked rows from one JSON array (`json_each`), every row marked
//! `is_synthetic = 1`. A row whose id is already there is left as it is.

use crate::db::{text, Db};
use tremplin_domain::Error;

/// ?1: a JSON array of checked candidate rows (the `candidates` columns by name); ?2: now.
const INSERT_CANDIDATES: &str = "INSERT INTO candidates (id, title, first_name, last_name, \
    search_name, birthdate, email, nir, lack_of_nir_reason, france_travail_id, \
    lack_of_france_travail_id_reason, is_synthetic, created_at, updated_at) \
    SELECT json_extract(value, '$.id'), json_extract(value, '$.title'), \
    json_extract(value, '$.first_name'), json_extract(value, '$.last_name'), \
    json_extract(value, '$.search_name'), json_extract(value, '$.birthdate'), \
    json_extract(value, '$.email'), json_extract(value, '$.nir'), \
    json_extract(value, '$.lack_of_nir_reason'), json_extract(value, '$.france_travail_id'), \
    json_extract(value, '$.lack_of_france_travail_id_reason'), 1, ?2, ?2 \
    FROM json_each(?1) WHERE true ON CONFLICT (id) DO NOTHING";
/// The candidates holding one of these e-mails (?1) or NIRs (?2), whatever their id.
const CANDIDATES_BY_EMAIL_OR_NIR: &str = "SELECT id, email, nir FROM candidates \
    WHERE email IN (SELECT value FROM json_each(?1)) OR nir IN (SELECT value FROM json_each(?2))";
const EXISTING_CANDIDATES: &str =
    "SELECT id FROM candidates WHERE id IN (SELECT value FROM json_each(?1))";
const EXISTING_USERS: &str = "SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?1))";
const ORGANIZATION_CATEGORIES: &str =
    "SELECT id, category FROM organizations WHERE id IN (SELECT value FROM json_each(?1))";
/// ?1: a JSON array of checked application rows, `created_unix` and `diagnosis_shared` integers.
const INSERT_APPLICATIONS: &str = "INSERT INTO applications (id, candidate_id, structure_id, \
    sender_kind, sender_user_id, sender_organization_id, state, message, diagnosis_shared, \
    created_unix, created_at, updated_at, is_synthetic) \
    SELECT json_extract(value, '$.id'), json_extract(value, '$.candidate_id'), \
    json_extract(value, '$.structure_id'), json_extract(value, '$.sender_kind'), \
    json_extract(value, '$.sender_user_id'), json_extract(value, '$.sender_organization_id'), \
    json_extract(value, '$.state'), json_extract(value, '$.message'), \
    json_extract(value, '$.diagnosis_shared'), json_extract(value, '$.created_unix'), \
    json_extract(value, '$.created_at'), json_extract(value, '$.created_at'), 1 \
    FROM json_each(?1) WHERE true ON CONFLICT (id) DO NOTHING";
const CHANGES: &str = "SELECT changes() AS n";
/// ?1: `[{"siret", "kind"}]`; the synthetic organizations among them.
const SYNTHETIC_ORGANIZATIONS: &str = "SELECT o.siret, o.kind, o.id \
    FROM json_each(?1) r JOIN organizations o \
    ON o.siret = json_extract(r.value, '$.siret') AND o.kind = json_extract(r.value, '$.kind') \
    WHERE o.source = 'synthetic'";

/// A batch touches thousands of index pages. With SQLite's default 2 MB page cache they spill
/// to the file before the commit, each spill syncing the journal: a cache that holds the whole
/// batch writes each page once, at the commit. And the commit does not wait for the disk
/// (`synchronous = OFF`, this request's connection only): the rollback journal still undoes a
/// failed or interrupted batch, and a crash of the app loses nothing the system had been given,
/// but a power cut during a load may corrupt the database; synthetic data is loaded only where
/// `demo_data` is on, for benchmarks. A database that refuses these pragmas (a libSQL server)
/// only loads slower.
const BULK_PRAGMAS: [&str; 2] = ["PRAGMA cache_size = -262144", "PRAGMA synchronous = OFF"];

/// Sets this request's connection up for a bulk batch (see [`BULK_PRAGMAS`]).
pub fn prepare_bulk(db: &Db) {
    for pragma in BULK_PRAGMAS {
        if let Err(error) = db.execute(pragma, &[]) {
            eprintln!("synthetic: {pragma} refused: {}", error.0);
        }
    }
}

fn changes(db: &Db) -> Result<i64, Error> {
    Ok(db
        .query(CHANGES, &[])?
        .first()
        .map(|r| r.int("n"))
        .transpose()?
        .unwrap_or(0))
}

/// Inserts the candidates of `rows` (a JSON array) whose id is new; how many were inserted.
pub fn insert_candidates(db: &Db, rows: &str, now: &str) -> Result<i64, Error> {
    db.execute(INSERT_CANDIDATES, &[text(rows), text(now)])?;
    changes(db)
}

/// `(id, email, nir)` of the candidates holding one of `emails` or `nirs` (JSON arrays).
pub fn candidates_by_email_or_nir(
    db: &Db,
    emails: &str,
    nirs: &str,
) -> Result<Vec<(String, String, Option<String>)>, Error> {
    db.query(CANDIDATES_BY_EMAIL_OR_NIR, &[text(emails), text(nirs)])?
        .map(|row| Ok((row.text("id")?, row.text("email")?, row.opt_text("nir")?)))
}

/// Which of `ids` (a JSON array) are candidates.
pub fn existing_candidates(db: &Db, ids: &str) -> Result<Vec<String>, Error> {
    db.query(EXISTING_CANDIDATES, &[text(ids)])?
        .map(|row| row.text("id"))
}

/// Which of `ids` (a JSON array) are users.
pub fn existing_users(db: &Db, ids: &str) -> Result<Vec<String>, Error> {
    db.query(EXISTING_USERS, &[text(ids)])?
        .map(|row| row.text("id"))
}

/// `(id, category)` of the organizations among `ids` (a JSON array).
pub fn organization_categories(db: &Db, ids: &str) -> Result<Vec<(String, String)>, Error> {
    db.query(ORGANIZATION_CATEGORIES, &[text(ids)])?
        .map(|row| Ok((row.text("id")?, row.text("category")?)))
}

/// Inserts the applications of `rows` (a JSON array) whose id is new; how many were inserted.
/// The boxes' totals and the contacts they make (R-CAND-6) follow by the triggers of 0008.
pub fn insert_applications(db: &Db, rows: &str) -> Result<i64, Error> {
    db.execute(INSERT_APPLICATIONS, &[text(rows)])?;
    changes(db)
}

/// `(siret, kind, id)` of the synthetic organizations among `keys` (`[{"siret", "kind"}]`).
pub fn synthetic_organizations(
    db: &Db,
    keys: &str,
) -> Result<Vec<(String, String, String)>, Error> {
    db.query(SYNTHETIC_ORGANIZATIONS, &[text(keys)])?
        .map(|row| Ok((row.text("siret")?, row.text("kind")?, row.text("id")?)))
}
