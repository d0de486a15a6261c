//! Batch import of reference data by the administration. Each batch is one transaction; rows
//! that fail validation are reported (line and reason) and skipped, never half-written; rows
//! already identical are left alone, so loading twice changes nothing.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use tremplin_domain::{search, Error, InseeCode};
use tremplin_platform::repo::cities::{self, City};
use tremplin_platform::{json, Ctx, Response};

/// At most this many rows per request (the loader sends batches well under the body limit).
const MAX_ROWS_PER_BATCH: usize = 5_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    rows: Vec<serde_json::Value>,
}

/// A row as sent: its line in the source file, and its fields.
#[derive(Deserialize)]
struct Line<T> {
    line: u64,
    #[serde(flatten)]
    fields: T,
}

#[derive(Deserialize)]
struct CityRow {
    insee_code: String,
    name: String,
    kind: String,
    slug: String,
    department_code: String,
    department_name: String,
    region_code: String,
    region_name: String,
    zone: String,
    post_codes: String,
    latitude: f64,
    longitude: f64,
    population: Option<i64>,
    #[allow(dead_code)]
    #[serde(default)]
    coords_source: Option<String>,
}

#[derive(serde::Serialize)]
struct Rejected {
    line: u64,
    reason: String,
}

/// Parses every row of the batch; returns the good ones and the rejected ones with their reason.
fn parse_rows<T: DeserializeOwned, U>(
    ctx: &Ctx,
    check: impl Fn(T) -> Result<U, String>,
) -> Result<(Vec<U>, Vec<Rejected>), Error> {
    ctx.actor()?.require_administrator()?;
    let batch: Batch = ctx.json()?;
    if batch.rows.len() > MAX_ROWS_PER_BATCH {
        return Err(Error::field(
            "rows",
            tremplin_domain::Invalid::new(
                "batch_too_large",
                format!("Au plus {MAX_ROWS_PER_BATCH} lignes par lot."),
            ),
        ));
    }
    let mut good = Vec::new();
    let mut rejected = Vec::new();
    for (index, value) in batch.rows.into_iter().enumerate() {
        // The row's own `line` when it has one, even if the rest does not parse.
        let line = value
            .get("line")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(index as u64 + 1);
        match serde_json::from_value::<Line<T>>(value) {
            Ok(row) => match check(row.fields) {
                Ok(parsed) => good.push(parsed),
                Err(reason) => rejected.push(Rejected {
                    line: row.line,
                    reason,
                }),
            },
            Err(error) => rejected.push(Rejected {
                line,
                reason: format!("ligne illisible : {error}"),
            }),
        }
    }
    Ok((good, rejected))
}

fn city(row: CityRow) -> Result<City, String> {
    let insee = InseeCode::parse(&row.insee_code).map_err(|e| e.message)?;
    if row.name.trim().is_empty() {
        return Err("nom de commune vide".into());
    }
    if !(-90.0..=90.0).contains(&row.latitude) || !(-180.0..=180.0).contains(&row.longitude) {
        return Err("coordonnées hors limites".into());
    }
    Ok(City {
        search_name: search::normalize(&row.name),
        insee_code: insee.as_str().to_owned(),
        name: row.name.trim().to_owned(),
        kind: row.kind,
        slug: row.slug,
        department_code: row.department_code,
        department_name: row.department_name,
        region_code: row.region_code,
        region_name: row.region_name,
        zone: row.zone,
        post_codes: row.post_codes,
        latitude: row.latitude,
        longitude: row.longitude,
        population: row.population,
    })
}

pub fn cities(ctx: &Ctx) -> Result<Response, Error> {
    let (rows, rejected) = parse_rows::<CityRow, _>(ctx, city)?;
    ctx.write(|db| {
        let mut written = 0;
        for row in &rows {
            written += usize::from(cities::upsert(db, row)?);
        }
        let details =
            serde_json::json!({"received": rows.len() + rejected.len(), "written": written});
        ctx.audit(db, None, "import_cities", "batch", "cities", details)?;
        json(
            200,
            &serde_json::json!({
                "received": rows.len() + rejected.len(),
                "written": written,
                "unchanged": rows.len() - written,
                "rejected": rejected,
            }),
        )
    })
}
