//! R-STAT-1's counters (0012): the sums a scope's figures read, and the check that compares
//! them with what the raw rows count (the `*_recomputed` views). Read only.

use crate::db::{text, unreadable, Db};
use tremplin_domain::application::State;
use tremplin_domain::stats::{ApplicationCount, Counts, Month, Period};
use tremplin_domain::Error;

/// ?1 scope, ?2 codes (JSON array), ?3..?4 the months.
const APPLICATIONS: &str = "SELECT month, structure_kind, state, refusal_reason, SUM(n) AS n \
    FROM application_stats WHERE scope = ?1 AND code IN (SELECT value FROM json_each(?2)) \
    AND month BETWEEN ?3 AND ?4 GROUP BY month, structure_kind, state, refusal_reason";
const ANSWER_DAYS: &str = "SELECT days, SUM(n) AS n FROM first_answer_stats \
    WHERE scope = ?1 AND code IN (SELECT value FROM json_each(?2)) \
    AND month BETWEEN ?3 AND ?4 GROUP BY days";
/// ?1 scopes (JSON array): a prescriber's PASS figures add two scopes, never overlapping.
const PASS_ACTS: &str = "SELECT event, SUM(n) AS n FROM pass_stats \
    WHERE scope IN (SELECT value FROM json_each(?1)) \
    AND code IN (SELECT value FROM json_each(?2)) AND month BETWEEN ?3 AND ?4 GROUP BY event";
const REGION_DEPARTMENTS: &str = "SELECT code FROM departments WHERE region_code = ?";
/// Every counter key whose count differs from the raw rows' (zero counts left by take-aways
/// are no difference).
const DIFFERENCES: &str = "WITH kept AS (\
    SELECT 'applications' AS counter, scope, code, month, \
        structure_kind || '/' || state || '/' || refusal_reason AS detail, n \
        FROM application_stats WHERE n <> 0 \
    UNION ALL SELECT 'first_answers', scope, code, month, CAST(days AS TEXT), n \
        FROM first_answer_stats WHERE n <> 0 \
    UNION ALL SELECT 'pass_acts', scope, code, month, event, n FROM pass_stats WHERE n <> 0), \
    fresh AS (\
    SELECT 'applications' AS counter, scope, code, month, \
        structure_kind || '/' || state || '/' || refusal_reason AS detail, n \
        FROM application_stats_recomputed \
    UNION ALL SELECT 'first_answers', scope, code, month, CAST(days AS TEXT), n \
        FROM first_answer_stats_recomputed \
    UNION ALL SELECT 'pass_acts', scope, code, month, event, n FROM pass_stats_recomputed) \
    SELECT counter, scope, code, month, detail, SUM(kept) AS kept, SUM(fresh) AS fresh FROM (\
        SELECT counter, scope, code, month, detail, n AS kept, 0 AS fresh FROM kept \
        UNION ALL SELECT counter, scope, code, month, detail, 0, n FROM fresh) \
    GROUP BY counter, scope, code, month, detail HAVING SUM(kept) <> SUM(fresh) \
    ORDER BY counter, scope, code, month, detail";

/// Which counter rows a scope sums.
pub struct Keys {
    /// `national`, `department`, `sender` or `structure` (applications and first answers).
    pub applications: &'static str,
    /// Among `national`, `department`, `organization`, `sender`.
    pub pass_acts: &'static [&'static str],
    pub codes: Vec<String>,
}

pub fn counts(db: &Db, keys: &Keys, period: Period) -> Result<Counts, Error> {
    let codes = serde_json::to_string(&keys.codes).map_err(|e| Error::internal(e.to_string()))?;
    let scopes =
        serde_json::to_string(keys.pass_acts).map_err(|e| Error::internal(e.to_string()))?;
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let params = |scope: &str| {
        [
            text(scope),
            text(codes.as_str()),
            text(from.as_str()),
            text(to.as_str()),
        ]
    };
    let count = |n: i64| u64::try_from(n).map_err(|_| Error::internal("a negative counter sum"));
    Ok(Counts {
        applications: db
            .query(APPLICATIONS, &params(keys.applications))?
            .map(|row| {
                Ok(ApplicationCount {
                    month: Month::parse(&row.text("month")?)
                        .map_err(|e| unreadable("application_stats.month", e))?,
                    structure_kind: row.text("structure_kind")?,
                    state: State::parse(&row.text("state")?)
                        .map_err(|e| unreadable("application_stats.state", e))?,
                    refusal_reason: row.text("refusal_reason")?,
                    n: count(row.int("n")?)?,
                })
            })?,
        answer_days: db
            .query(ANSWER_DAYS, &params(keys.applications))?
            .map(|row| {
                let days = u32::try_from(row.int("days")?)
                    .map_err(|_| Error::internal("first_answer_stats.days below 0"))?;
                Ok((days, count(row.int("n")?)?))
            })?,
        pass_acts: db
            .query(PASS_ACTS, &params(scopes.as_str()))?
            .map(|row| Ok((row.text("event")?, count(row.int("n")?)?)))?,
    })
}

/// The departments of a region (from the reference data).
pub fn region_departments(db: &Db, region: &str) -> Result<Vec<String>, Error> {
    db.query(REGION_DEPARTMENTS, &[text(region)])?
        .map(|row| row.text("code"))
}

/// A counter that differs from what the raw rows count.
#[derive(Debug, serde::Serialize)]
pub struct Difference {
    pub counter: String,
    pub scope: String,
    pub code: String,
    pub month: String,
    pub detail: String,
    pub kept: i64,
    pub recomputed: i64,
}

pub fn differences(db: &Db) -> Result<Vec<Difference>, Error> {
    db.query(DIFFERENCES, &[])?.map(|row| {
        Ok(Difference {
            counter: row.text("counter")?,
            scope: row.text("scope")?,
            code: row.text("code")?,
            month: row.text("month")?,
            detail: row.text("detail")?,
            kept: row.int("kept")?,
            recomputed: row.int("fresh")?,
        })
    })
}
