//! CVs (R-APPLY-1): PDF files of at most 1 MB, kept in SQLite, uploaded before the application
//! that carries them.

use crate::db::{int, text, Db, Value};
use tremplin_domain::Error;

const INSERT_CV: &str = "INSERT INTO cvs (id, uploaded_by, uploaded_at, size_bytes, content) \
    VALUES (?, ?, ?, ?, ?)";
const SELECT_UPLOADER: &str = "SELECT uploaded_by FROM cvs WHERE id = ?";
const SELECT_CONTENT: &str = "SELECT content FROM cvs WHERE id = ?";
/// Walks `cvs_uploader`, then `applications.cv_id`'s unique index.
const COUNT_UNATTACHED: &str = "SELECT COUNT(*) AS n FROM cvs c WHERE c.uploaded_by = ? \
    AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.cv_id = c.id)";

pub fn insert(
    db: &Db,
    id: &str,
    content: &[u8],
    uploaded_by: &str,
    now: &str,
) -> Result<(), Error> {
    db.execute(
        INSERT_CV,
        &[
            text(id),
            text(uploaded_by),
            text(now),
            int(content.len() as i64),
            Value::Blob(content.to_vec()),
        ],
    )
    .map_err(Error::from)
}

/// Who uploaded the CV, if it exists.
pub fn uploader(db: &Db, id: &str) -> Result<Option<String>, Error> {
    db.query(SELECT_UPLOADER, &[text(id)])?
        .first()
        .map(|r| r.text("uploaded_by"))
        .transpose()
}

pub fn content(db: &Db, id: &str) -> Result<Option<Vec<u8>>, Error> {
    db.query(SELECT_CONTENT, &[text(id)])?
        .first()
        .map(|r| r.blob("content"))
        .transpose()
}

/// How many of the user's CVs no application carries yet.
pub fn count_unattached(db: &Db, uploaded_by: &str) -> Result<i64, Error> {
    Ok(db
        .query(COUNT_UNATTACHED, &[text(uploaded_by)])?
        .first()
        .map(|r| r.int("n"))
        .transpose()?
        .unwrap_or(0))
}
