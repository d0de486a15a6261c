//! Reference data: regions, departments, ROME codes and appellations. Upserts write only rows
//! that differ, and say whether they wrote.

use crate::db::{text, Db, Value};
use tremplin_domain::Error;

const UPSERT_REGION: &str = "INSERT INTO regions (code, name, chef_lieu_insee, zone) VALUES (?, ?, ?, ?) \
    ON CONFLICT (code) DO UPDATE SET name = excluded.name, chef_lieu_insee = excluded.chef_lieu_insee, \
    zone = excluded.zone WHERE (name, chef_lieu_insee, zone) IS NOT \
    (excluded.name, excluded.chef_lieu_insee, excluded.zone) RETURNING code";
const UPSERT_DEPARTMENT: &str = "INSERT INTO departments \
    (code, name, region_code, region_name, chef_lieu_insee, zone) VALUES (?, ?, ?, ?, ?, ?) \
    ON CONFLICT (code) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, \
    region_name = excluded.region_name, chef_lieu_insee = excluded.chef_lieu_insee, zone = excluded.zone \
    WHERE (name, region_code, region_name, chef_lieu_insee, zone) IS NOT (excluded.name, \
    excluded.region_code, excluded.region_name, excluded.chef_lieu_insee, excluded.zone) RETURNING code";
const UPSERT_ROME_CODE: &str = "INSERT INTO rome_codes (code, name) VALUES (?, ?) \
    ON CONFLICT (code) DO UPDATE SET name = excluded.name WHERE name IS NOT excluded.name RETURNING code";
const UPSERT_APPELLATION: &str = "INSERT INTO rome_appellations (code, name, rome_code, search_name) \
    VALUES (?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name, \
    rome_code = excluded.rome_code, search_name = excluded.search_name \
    WHERE (name, rome_code, search_name) IS NOT (excluded.name, excluded.rome_code, excluded.search_name) \
    RETURNING code";
const KNOWN_DEPARTMENTS: &str =
    "SELECT code FROM departments WHERE code IN (SELECT value FROM json_each(?))";
const KNOWN_ROME_CODES: &str =
    "SELECT code FROM rome_codes WHERE code IN (SELECT value FROM json_each(?))";
const SELECT_APPELLATION: &str =
    "SELECT code, name, rome_code FROM rome_appellations WHERE code = ?";

/// A table of reference data, with the statement that upserts one of its rows.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Regions,
    Departments,
    RomeCodes,
    RomeAppellations,
}

/// Upserts one row given as its column values, in the table's column order.
pub fn upsert(db: &Db, table: Table, values: Vec<String>) -> Result<bool, Error> {
    let sql = match table {
        Table::Regions => UPSERT_REGION,
        Table::Departments => UPSERT_DEPARTMENT,
        Table::RomeCodes => UPSERT_ROME_CODE,
        Table::RomeAppellations => UPSERT_APPELLATION,
    };
    let params: Vec<Value> = values.into_iter().map(text).collect();
    Ok(!db.query(sql, &params)?.is_empty())
}

/// Which of `codes` name a known department.
pub fn known_departments(db: &Db, codes: &[String]) -> Result<Vec<String>, Error> {
    known(db, KNOWN_DEPARTMENTS, codes)
}

pub fn known_rome_codes(db: &Db, codes: &[String]) -> Result<Vec<String>, Error> {
    known(db, KNOWN_ROME_CODES, codes)
}

fn known(db: &Db, sql: &str, codes: &[String]) -> Result<Vec<String>, Error> {
    let list = serde_json::to_string(codes).map_err(|e| Error::internal(e.to_string()))?;
    db.query(sql, &[text(list)])?.map(|row| row.text("code"))
}

/// An appellation: (code, name, ROME code).
pub fn appellation(db: &Db, code: &str) -> Result<Option<(String, String, String)>, Error> {
    db.query(SELECT_APPELLATION, &[text(code)])?
        .first()
        .map(|row| Ok((row.text("code")?, row.text("name")?, row.text("rome_code")?)))
        .transpose()
}
