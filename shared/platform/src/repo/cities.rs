//! Cities (communes and municipal arrondissements): reference data loaded by the administration,
//! looked up by name prefix or post code (R-DIR-4).

use crate::db::{int, opt_real, text, Db, Row, Value};
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
const DELETE_POST_CODES: &str = "DELETE FROM city_post_codes WHERE insee_code = ?";
const INSERT_POST_CODE: &str = "INSERT INTO city_post_codes (post_code, insee_code) VALUES (?, ?)";
const CITY_COLUMNS_BY_INSEE: &str = "SELECT insee_code, name, department_code, post_codes, \
    latitude, longitude FROM cities WHERE insee_code = ?";
/// Any of the prefixes (a JSON list) matches; each one is a range of `cities_search_name`.
const SEARCH_BY_NAME: &str = "SELECT c.insee_code, c.name, c.department_code, c.post_codes, \
    c.latitude, c.longitude FROM json_each(?1) p JOIN cities c \
    ON c.search_name >= p.value AND c.search_name < p.value || '~' \
    GROUP BY c.insee_code ORDER BY c.population IS NULL, c.population DESC, c.name LIMIT ?2";
const SEARCH_BY_POST_CODE: &str = "SELECT c.insee_code, c.name, c.department_code, c.post_codes, \
    c.latitude, c.longitude FROM city_post_codes p JOIN cities c ON c.insee_code = p.insee_code \
    WHERE p.post_code >= ?1 AND p.post_code < ?1 || '~' \
    GROUP BY c.insee_code ORDER BY c.population IS NULL, c.population DESC, c.name LIMIT ?2";
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

/// A city as searches show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Place {
    pub insee_code: String,
    pub name: String,
    pub department: String,
    pub post_codes: Vec<String>,
    pub latitude: f64,
    pub longitude: f64,
}

impl Place {
    fn from_row(row: &Row<'_>) -> Result<Place, Error> {
        Ok(Place {
            insee_code: row.text("insee_code")?,
            name: row.text("name")?,
            department: row.text("department_code")?,
            post_codes: row
                .text("post_codes")?
                .split('|')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            latitude: row
                .opt_real("latitude")?
                .ok_or_else(|| Error::internal("cities.latitude is null"))?,
            longitude: row
                .opt_real("longitude")?
                .ok_or_else(|| Error::internal("cities.longitude is null"))?,
        })
    }
}

/// Inserts or updates one city and its post codes; `true` when a row was written.
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
    let written = !db.query(UPSERT_CITY, &params)?.is_empty();
    if written {
        db.execute(DELETE_POST_CODES, &[text(city.insee_code.as_str())])?;
        for post_code in city.post_codes.split('|').filter(|p| !p.is_empty()) {
            db.execute(
                INSERT_POST_CODE,
                &[text(post_code), text(city.insee_code.as_str())],
            )?;
        }
    }
    Ok(written)
}

pub fn find(db: &Db, insee_code: &str) -> Result<Option<Place>, Error> {
    db.query(CITY_COLUMNS_BY_INSEE, &[text(insee_code)])?
        .first()
        .map(|r| Place::from_row(&r))
        .transpose()
}

/// Cities whose normalised name starts with one of `prefixes`, most populated first.
pub fn search_by_name(db: &Db, prefixes: &[String], limit: i64) -> Result<Vec<Place>, Error> {
    let list = serde_json::to_string(prefixes).map_err(|e| Error::internal(e.to_string()))?;
    db.query(SEARCH_BY_NAME, &[text(list), int(limit)])?
        .map(Place::from_row)
}

/// Cities with a post code starting with `prefix`, most populated first.
pub fn search_by_post_code(db: &Db, prefix: &str, limit: i64) -> Result<Vec<Place>, Error> {
    db.query(SEARCH_BY_POST_CODE, &[text(prefix), int(limit)])?
        .map(Place::from_row)
}

pub fn count(db: &Db) -> Result<i64, Error> {
    db.query(COUNT_CITIES, &[])?
        .first()
        .map_or(Ok(0), |row| row.int("n"))
}
