//! Batch import of reference data and of the directory by the administration. Each batch is one
//! transaction; rows that fail validation are reported (line and reason) and skipped, never
//! half-written; rows already identical are left alone, so loading twice changes nothing. The
//! directory index of every touched cell is rebuilt before the batch commits.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeSet;
use tremplin_domain::geo::{Cell, Point};
use tremplin_domain::organization::{Authorization, AuthorizationStatus, Category, Kind, Profile};
use tremplin_domain::{directory, jobs, search, Error, InseeCode, Siret};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::cities::{self, City};
use tremplin_platform::repo::directory_index;
use tremplin_platform::repo::jobs::{self as job_repo, Job};
use tremplin_platform::repo::organizations::{self, FromList};
use tremplin_platform::repo::reference::{self, Table};
use tremplin_platform::{json, Ctx, Response};

/// At most this many rows per request (the loader sends batches well under the body limit).
const MAX_ROWS_PER_BATCH: usize = 5_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    rows: Vec<serde_json::Value>,
}

/// A row as sent: its line in the source file, and its fields (other fields are ignored).
#[derive(Deserialize)]
struct Line<T> {
    line: u64,
    #[serde(flatten)]
    fields: T,
}

#[derive(serde::Serialize)]
struct Rejected {
    line: u64,
    reason: String,
}

/// What writing one valid row did.
#[derive(Default)]
struct Written {
    written: bool,
    cells: Vec<(Category, Cell)>,
}

type Outcome = Result<Result<Written, String>, Error>;

pub fn dataset(ctx: &Ctx) -> Result<Response, Error> {
    ctx.actor()?.require_administrator()?;
    match ctx.param("dataset") {
        "regions" => import(ctx, region),
        "departments" => import(ctx, department),
        "cities" => import(ctx, city),
        "rome_codes" => import(ctx, rome_code),
        "rome_appellations" => import(ctx, rome_appellation),
        "structures" => import(ctx, structure),
        "prescribers" => import(ctx, prescriber),
        "jobs" => import(ctx, job),
        _ => Err(Error::not_found()),
    }
}

/// Parses the batch, then in one transaction validates and writes each row with `write`.
fn import<T: DeserializeOwned>(
    ctx: &Ctx,
    write: fn(&Ctx, &Db, T) -> Outcome,
) -> Result<Response, Error> {
    let batch: Batch = ctx.json()?;
    if batch.rows.len() > MAX_ROWS_PER_BATCH {
        let invalid = tremplin_domain::Invalid::new(
            "batch_too_large",
            format!("Au plus {MAX_ROWS_PER_BATCH} lignes par lot."),
        );
        return Err(Error::field("rows", invalid));
    }
    let received = batch.rows.len();
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for (index, value) in batch.rows.into_iter().enumerate() {
        // The row's own `line` when it has one, even if the rest does not parse.
        let line = value
            .get("line")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(index as u64 + 1);
        match serde_json::from_value::<Line<T>>(value) {
            Ok(row) => rows.push(row),
            Err(error) => rejected.push(Rejected {
                line,
                reason: format!("ligne illisible : {error}"),
            }),
        }
    }
    let dataset = ctx.param("dataset").to_owned();
    ctx.write(|db| {
        let (mut written, mut cells) = (0, BTreeSet::new());
        for row in rows {
            match write(ctx, db, row.fields)? {
                Ok(outcome) => {
                    written += usize::from(outcome.written);
                    cells.extend(outcome.cells);
                }
                Err(reason) => rejected.push(Rejected { line: row.line, reason }),
            }
        }
        for category in [Category::Structure, Category::Prescriber] {
            let touched = cells.iter().filter(|(c, _)| *c == category).map(|(_, cell)| *cell);
            directory_index::rebuild(db, category, touched, ctx.clock.rule_instant())?;
        }
        rejected.sort_by_key(|r| r.line);
        let unchanged = received - written - rejected.len();
        let details = serde_json::json!({"received": received, "written": written, "rejected": rejected.len()});
        ctx.audit(db, None, "import", "dataset", &dataset, details)?;
        json(200, &serde_json::json!({"received": received, "written": written, "unchanged": unchanged, "rejected": rejected}))
    })
}

fn wrote(written: bool) -> Outcome {
    Ok(Ok(Written {
        written,
        cells: Vec::new(),
    }))
}

fn required(value: &str, what: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        Err(format!("{what} manquant"))
    } else {
        Ok(value.to_owned())
    }
}

fn optional(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[derive(Deserialize)]
struct RegionRow {
    code: String,
    name: String,
    chef_lieu_insee: String,
    zone: String,
}

fn region(_: &Ctx, db: &Db, row: RegionRow) -> Outcome {
    let values = [
        (row.code, "code"),
        (row.name, "nom"),
        (row.chef_lieu_insee, "chef-lieu"),
        (row.zone, "zone"),
    ];
    reference_row(db, Table::Regions, &values)
}

#[derive(Deserialize)]
struct DepartmentRow {
    code: String,
    name: String,
    region_code: String,
    region_name: String,
    chef_lieu_insee: String,
    zone: String,
}

fn department(_: &Ctx, db: &Db, row: DepartmentRow) -> Outcome {
    let values = [
        (row.code, "code"),
        (row.name, "nom"),
        (row.region_code, "code région"),
        (row.region_name, "nom de région"),
        (row.chef_lieu_insee, "chef-lieu"),
        (row.zone, "zone"),
    ];
    reference_row(db, Table::Departments, &values)
}

#[derive(Deserialize)]
struct RomeCodeRow {
    code: String,
    name: String,
}

fn rome_code(_: &Ctx, db: &Db, row: RomeCodeRow) -> Outcome {
    match tremplin_domain::directory::rome_prefix(&row.code) {
        Ok(code) if code.len() == 5 => {
            reference_row(db, Table::RomeCodes, &[(code, "code"), (row.name, "nom")])
        }
        _ => Ok(Err(format!("code ROME invalide : {}", row.code))),
    }
}

#[derive(Deserialize)]
struct AppellationRow {
    code: String,
    name: String,
    rome_code: String,
}

fn rome_appellation(_: &Ctx, db: &Db, mut row: AppellationRow) -> Outcome {
    row.rome_code = row.rome_code.trim().to_ascii_uppercase();
    if reference::known_rome_codes(db, std::slice::from_ref(&row.rome_code))?.is_empty() {
        return Ok(Err(format!("code ROME inconnu : {}", row.rome_code)));
    }
    let search_name = search::normalize(&row.name);
    let values = [
        (row.code, "code"),
        (row.name, "nom"),
        (row.rome_code, "code ROME"),
        (search_name, "nom"),
    ];
    reference_row(db, Table::RomeAppellations, &values)
}

/// Every value required (non-empty), then upserted.
fn reference_row(db: &Db, table: Table, values: &[(String, &str)]) -> Outcome {
    let checked: Result<Vec<String>, String> =
        values.iter().map(|(v, what)| required(v, what)).collect();
    match checked {
        Ok(values) => wrote(reference::upsert(db, table, values)?),
        Err(reason) => Ok(Err(reason)),
    }
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
}

fn city(_: &Ctx, db: &Db, row: CityRow) -> Outcome {
    let insee = match InseeCode::parse(&row.insee_code) {
        Ok(insee) => insee,
        Err(e) => return Ok(Err(e.message)),
    };
    if row.name.trim().is_empty() {
        return Ok(Err("nom de commune vide".into()));
    }
    if Point::new(row.latitude, row.longitude).is_err() {
        return Ok(Err("coordonnées hors limites".into()));
    }
    let city = City {
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
    };
    wrote(cities::upsert(db, &city)?)
}

/// The columns structures and prescriber organizations share in their national lists.
#[derive(Deserialize)]
struct OrganizationRow {
    kind: String,
    #[serde(default)]
    siret: String,
    name: String,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    code_safir: Option<String>,
    #[serde(default)]
    address_line_1: Option<String>,
    #[serde(default)]
    address_line_2: Option<String>,
    #[serde(default)]
    post_code: Option<String>,
    #[serde(default)]
    city: Option<String>,
    insee_code: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    authorization_status: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

fn structure(ctx: &Ctx, db: &Db, row: OrganizationRow) -> Outcome {
    listed_row(ctx, db, Category::Structure, row)
}

fn prescriber(ctx: &Ctx, db: &Db, row: OrganizationRow) -> Outcome {
    listed_row(ctx, db, Category::Prescriber, row)
}

/// Validates a row of a national list (or of the synthetic directory) and upserts it. Without
/// coordinates, the organization is placed at its city's centre.
fn listed_row(ctx: &Ctx, db: &Db, category: Category, row: OrganizationRow) -> Outcome {
    // The national list writes the orienteur kind in French.
    let code = if row.kind == "Autre" {
        "OTHER"
    } else {
        row.kind.trim()
    };
    let kind = match Kind::parse(category, code) {
        Ok(kind) => kind,
        Err(e) => return Ok(Err(e.message)),
    };
    let siret = match row.siret.trim() {
        "" => None,
        value => match Siret::parse(value) {
            Ok(siret) => Some(siret),
            Err(e) => return Ok(Err(format!("{} ({value})", e.message))),
        },
    };
    // R-ORG-2: a structure has a SIRET; a France Travail agency may have only its SAFIR code.
    let code_safir = optional(row.code_safir).filter(|_| category == Category::Prescriber);
    match (&siret, &code_safir, category) {
        (None, _, Category::Structure) => return Ok(Err("SIRET manquant".into())),
        (None, None, _) => return Ok(Err("ni SIRET ni code SAFIR".into())),
        _ => {}
    }
    let name = match required(&row.name, "nom") {
        Ok(name) => name,
        Err(reason) => return Ok(Err(reason)),
    };
    let source = match optional(row.source).as_deref().unwrap_or("national_list") {
        source @ ("national_list" | "synthetic" | "demo") => source.to_owned(),
        other => return Ok(Err(format!("source inconnue : {other}"))),
    };
    let status = match row
        .authorization_status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(status) => match AuthorizationStatus::parse(status) {
            Ok(status) => Some(status),
            Err(e) => return Ok(Err(e.message)),
        },
    };
    let authorization = match Authorization::imported(kind, status, ctx.clock.today()) {
        Ok(authorization) => authorization,
        Err((_, e)) => return Ok(Err(e.message)),
    };
    let Some(place) = cities::find(db, row.insee_code.trim())? else {
        return Ok(Err(format!("commune inconnue : {}", row.insee_code)));
    };
    let point = match (row.latitude, row.longitude) {
        (Some(lat), Some(lon)) => match Point::new(lat, lon) {
            Ok(point) => point,
            Err(e) => return Ok(Err(e.message)),
        },
        _ => Point::new(place.latitude, place.longitude).map_err(|e| Error::internal(e.message))?,
    };
    let (line_1, line_2, post_code, city_name) = (
        optional(row.address_line_1),
        optional(row.address_line_2),
        optional(row.post_code),
        optional(row.city),
    );
    let listed = FromList {
        kind,
        siret: siret.as_ref().map(Siret::as_str),
        code_safir: code_safir.as_deref(),
        profile: Profile {
            name,
            brand: optional(row.brand),
            website: optional(row.website),
            description: optional(row.description),
            ..Profile::default()
        },
        address_line_1: line_1.as_deref(),
        address_line_2: line_2.as_deref(),
        post_code: post_code.as_deref(),
        city_name: city_name.as_deref().or(Some(&place.name)),
        city_insee: &place.insee_code,
        department: &place.department,
        point,
        authorization,
        source: &source,
    };
    let now = ctx.clock.now_rfc3339();
    let upserted = organizations::upsert_listed(db, &listed, &new_id("org")?, &now)?;
    Ok(Ok(Written {
        written: upserted.written,
        cells: upserted.cells.into_iter().map(|c| (category, c)).collect(),
    }))
}

#[derive(Deserialize)]
struct JobRow {
    structure_siret: String,
    structure_kind: String,
    appellation_code: String,
    contract_type: String,
    open_positions: i64,
    is_active: bool,
    source: String,
}

/// Demo and synthetic job descriptions, known by structure, appellation and source.
fn job(ctx: &Ctx, db: &Db, row: JobRow) -> Outcome {
    if !matches!(row.source.as_str(), "demo" | "synthetic") {
        return Ok(Err(format!("source inconnue : {}", row.source)));
    }
    let Some(structure_id) = organizations::find_id_by_siret_kind(
        db,
        row.structure_siret.trim(),
        row.structure_kind.trim(),
    )?
    else {
        return Ok(Err(format!(
            "structure inconnue : {} {}",
            row.structure_kind, row.structure_siret
        )));
    };
    let Some((appellation_code, title, rome_code)) =
        reference::appellation(db, row.appellation_code.trim())?
    else {
        return Ok(Err(format!(
            "appellation ROME inconnue : {}",
            row.appellation_code
        )));
    };
    let contract_type = match jobs::contract_type(row.contract_type.trim()) {
        Ok((code, _)) => code.to_owned(),
        Err(e) => return Ok(Err(e.message)),
    };
    let open_positions = match jobs::open_positions(row.open_positions) {
        Ok(positions) => i64::from(positions),
        Err(e) => return Ok(Err(e.message)),
    };
    let existing = job_repo::find_imported(db, &structure_id, &appellation_code, &row.source)?;
    // Lists obey the bound on active jobs too (issue 6, item 5).
    if row.is_active && existing.as_ref().is_none_or(|(_, active)| !active) {
        let others = job_repo::count_active(db, &structure_id, None)?;
        if let Err(invalid) = directory::may_activate_job(others) {
            return Ok(Err(invalid.message));
        }
    }
    let job = Job {
        id: existing
            .clone()
            .map_or_else(|| new_id("job"), |(id, _)| Ok(id))?,
        structure_id: structure_id.clone(),
        appellation_code,
        rome_code,
        title,
        contract_type,
        open_positions,
        is_active: row.is_active,
        location_insee: None,
        description: None,
    };
    let now = ctx.clock.now_rfc3339();
    let written = match existing {
        Some(_) => job_repo::update(db, &job, None, &now)?,
        None => {
            job_repo::insert(db, &job, Some(&row.source), None, &now)?;
            true
        }
    };
    let cells = if written {
        organizations::cell(db, &structure_id)?
            .map(|c| (Category::Structure, c))
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    Ok(Ok(Written { written, cells }))
}
