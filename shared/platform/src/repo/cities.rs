//! Cities (communes and municipal arrondissements): reference data loaded by the administration.

use crate::db::{int, opt_real, text, Db, Value};
use tremplin_domain::Error;

const UPSERT_CITY: &str = "INSERT INTO cities (insee_code, name, kind, slug, department_code, \
    department_name, region_code, region_name, zone, post_codes, latitude, longitude, population, \
    search_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
    ON CONFLICT (insee_code) DO UPDATE SET name = excluded.name, kind = excluded.kind, \
    slug = excluded.slug, department_code = excluded.department_code, \
    department_name = excluded.department_name, region_code = excluded.region_code, \
    region_name = excluded.region_name, zone = excluded.zone, post_codes = excluded.post_codes, \
    latitude = excluded.latitude, longitude = excluded.longitude, population = excluded.population, \
    search_name = excluded.search_name \
    WHERE (name, kind, slug, department_code, department_name, region_code, region_name, zone, \
    post_codes, latitude, longitude, population, search_name) IS NOT (excluded.name, excluded.kind, \
    excluded.slug, excluded.department_code, excluded.department_name, excluded.region_code, \
    excluded.region_name, excluded.zone, excluded.post_codes, excluded.latitude, \
    excluded.longitude, excluded.population, excluded.search_name) \
    RETURNING insee_code";
const COUNT_CITIES: &str = "SELECT COUNT(*) AS n FROM cities";

pub struct City {
    pub insee_code: String,
    pub name: String,
    pub kind: String,
    pub slug: String,
    pub department_code: String,
    pub department_name: String,
    pub region_code: String,
    pub region_name: String,
    pub zone: String,
    /// Post codes joined with `|`.
    pub post_codes: String,
    pub latitude: f64,
    pub longitude: f64,
    pub population: Option<i64>,
    pub search_name: String,
}

/// Inserts or updates one city; `true` when a row was written (false: already identical).
pub fn upsert(db: &Db, city: &City) -> Result<bool, Error> {
    let params = [
        text(city.insee_code.as_str()),
        text(city.name.as_str()),
        text(city.kind.as_str()),
        text(city.slug.as_str()),
        text(city.department_code.as_str()),
        text(city.department_name.as_str()),
        text(city.region_code.as_str()),
        text(city.region_name.as_str()),
        text(city.zone.as_str()),
        text(city.post_codes.as_str()),
        opt_real(Some(city.latitude)),
        opt_real(Some(city.longitude)),
        city.population.map_or(Value::Null, int),
        text(city.search_name.as_str()),
    ];
    Ok(!db.query(UPSERT_CITY, &params)?.is_empty())
}

pub fn count(db: &Db) -> Result<i64, Error> {
    db.query(COUNT_CITIES, &[])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}
