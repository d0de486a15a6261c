//! The append-only audit log: who did what, when, to what (STYLE 10). Written inside the same
//! transaction as the change it records. `details` never holds personal data.

use crate::db::{opt_text, text, Db};
use tremplin_domain::Error;

const INSERT_AUDIT: &str = "INSERT INTO audit_log \
    (at, actor_user_id, organization_id, action, entity, entity_id, details) \
    VALUES (?, ?, ?, ?, ?, ?, ?)";
const COUNT_AUDIT: &str = "SELECT COUNT(*) AS n FROM audit_log";

pub struct Entry<'a> {
    pub at: &'a str,
    pub actor_user_id: Option<&'a str>,
    pub organization_id: Option<&'a str>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub details: serde_json::Value,
}

pub fn record(db: &Db, entry: Entry<'_>) -> Result<(), Error> {
    db.execute(
        INSERT_AUDIT,
        &[
            text(entry.at),
            opt_text(entry.actor_user_id),
            opt_text(entry.organization_id),
            text(entry.action),
            text(entry.entity),
            text(entry.entity_id),
            text(entry.details.to_string()),
        ],
    )?;
    Ok(())
}

pub fn count(db: &Db) -> Result<i64, Error> {
    db.query(COUNT_AUDIT, &[])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}
