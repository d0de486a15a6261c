//! Synthetic scale data for benchmarks (issue 7, `tremplin-load --synthetic`):
//! `POST /api/v1/admin/synthetic/{dataset}`, for the administration only, and only where the
//! Spin variable `demo_data` is `"true"` (404 everywhere else, as in production).
//!
//! - `candidates`: fictitious candidates, checked like any candidate (R-CAND-1..4);
//! - `applications`: fictitious applications between existing candidates, structures,
//!   prescriber organizations and users, with their state and creation time; the organizations
//!   they make know the candidate (R-CAND-6). The directory index is not rebuilt: its count of
//!   each structure's recent applications (R-DIR-1) leaves synthetic ones out until something
//!   else rebuilds the structure's cell (rebuilding the cells a batch touches cost more than
//!   writing the batch);
//! - `organizations`: the ids of synthetic organizations by SIRET and kind, which the loader
//!   needs to write applications (it loaded the directory through the import, which chose them).
//!
//! Body `{"rows": [...]}`, 1 to 2,000 rows, one transaction. Any invalid row: 422 with its errors
//! under `rows[<i>].<field>`, nothing written. A row whose id is already there is skipped, so
//! loading twice changes nothing. Rows are marked `is_synthetic = 1`. No message is queued.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use tremplin_domain::application::{self, SenderKind, State};
use tremplin_domain::candidate::{Candidate, CandidateInput};
use tremplin_domain::date::parse_rfc3339_utc;
use tremplin_domain::organization::Category;
use tremplin_domain::{Error, FieldErrors, Invalid};
use tremplin_platform::repo::synthetic as repo;
use tremplin_platform::{json, Ctx, Response};

/// At most this many rows per request (2,000 applications weigh about 700 KB).
const MAX_ROWS: usize = 2_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    rows: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CandidateRow {
    id: String,
    title: String,
    first_name: String,
    last_name: String,
    birthdate: String,
    email: String,
    nir: Option<String>,
    lack_of_nir_reason: Option<String>,
    france_travail_id: Option<String>,
    lack_of_france_travail_id_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplicationRow {
    id: String,
    candidate_id: String,
    structure_id: String,
    sender_kind: String,
    sender_organization_id: Option<String>,
    sender_user_id: String,
    state: String,
    message: String,
    diagnosis_shared: bool,
    created_at: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationKey {
    siret: String,
    kind: String,
}

/// `demo_data` is `"true"`: synthetic data may be written here.
fn allowed() -> Result<bool, Error> {
    let value = spin_sdk::variables::get("demo_data")
        .map_err(|e| Error::internal(format!("variable demo_data: {e:?}")))?;
    Ok(value.trim() == "true")
}

pub fn dataset(ctx: &Ctx) -> Result<Response, Error> {
    if !allowed()? {
        return Err(Error::not_found());
    }
    ctx.actor()?.require_administrator()?;
    match ctx.param("dataset") {
        "candidates" => candidates(ctx),
        "applications" => applications(ctx),
        "organizations" => organizations(ctx),
        _ => Err(Error::not_found()),
    }
}

/// Errors of the batch, each under `rows[<i>].<field>`.
#[derive(Default)]
struct RowErrors(FieldErrors);

impl RowErrors {
    fn add(&mut self, row: usize, field: &str, message: impl Into<String>) {
        self.0
            .entry(format!("rows[{row}].{field}"))
            .or_default()
            .push(message.into());
    }

    /// A whole error's field messages, moved under the row.
    fn absorb(&mut self, row: usize, error: Error) {
        match error.field_errors() {
            Some(fields) if !fields.is_empty() => {
                for (field, messages) in fields {
                    for message in messages {
                        self.add(row, field, message.clone());
                    }
                }
            }
            _ => self.add(row, "row", error.detail()),
        }
    }

    /// 422 with every error so far, if any.
    fn finish(&mut self) -> Result<(), Error> {
        match self.0.is_empty() {
            true => Ok(()),
            false => Err(Error::fields(std::mem::take(&mut self.0))),
        }
    }
}

/// The batch's rows that read as `T`, with their index; each other row's first type error goes
/// to `errors`.
fn rows<T: DeserializeOwned>(ctx: &Ctx, errors: &mut RowErrors) -> Result<Vec<(usize, T)>, Error> {
    let batch: Batch = ctx.json()?;
    if batch.rows.is_empty() || batch.rows.len() > MAX_ROWS {
        return Err(Error::field(
            "rows",
            Invalid::new(
                "invalid_batch_size",
                format!("De 1 à {MAX_ROWS} lignes par lot."),
            ),
        ));
    }
    let mut parsed = Vec::with_capacity(batch.rows.len());
    for (i, value) in batch.rows.into_iter().enumerate() {
        if !value.is_object() {
            errors.add(i, "row", "Un objet JSON est attendu.");
            continue;
        }
        match tremplin_domain::body::from_value::<T>(value) {
            Ok(row) => parsed.push((i, row)),
            Err((field, error)) => errors.add(i, &field, error.french()),
        }
    }
    Ok(parsed)
}

/// `prefix_` and 32 lowercase hexadecimal digits, like the ids the app makes.
fn check_id(id: &str, prefix: &str) -> Result<(), String> {
    let hex = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'));
    match hex {
        Some(hex)
            if hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "Identifiant attendu : « {prefix}_ » suivi de 32 chiffres hexadécimaux."
        )),
    }
}

fn json_list<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<String, Error> {
    let values: Vec<&str> = values.into_iter().collect();
    serde_json::to_string(&values).map_err(|e| Error::internal(e.to_string()))
}

fn answer(dataset: &str, received: usize, created: i64) -> Result<Response, Error> {
    json(
        200,
        &json!({"dataset": dataset, "received": received, "created": created}),
    )
}

/// `candidates`: every R-CAND-1..4 check; an e-mail or NIR already held by another candidate
/// (or by another row of the batch) is an error on that field.
fn candidates(ctx: &Ctx) -> Result<Response, Error> {
    let mut errors = RowErrors::default();
    let rows: Vec<(usize, CandidateRow)> = rows(ctx, &mut errors)?;
    let today = ctx.clock.today();
    // (row index, id, candidate); the maps point into it.
    let mut checked = Vec::with_capacity(rows.len());
    let (mut ids, mut emails, mut nirs) = (HashSet::new(), HashMap::new(), HashMap::new());
    for (i, row) in rows {
        if let Err(message) = check_id(&row.id, "cand") {
            errors.add(i, "id", message);
        } else if !ids.insert(row.id.clone()) {
            errors.add(i, "id", "Identifiant déjà présent dans ce lot.");
        }
        let input = CandidateInput {
            title: Some(row.title),
            first_name: Some(row.first_name),
            last_name: Some(row.last_name),
            birthdate: Some(row.birthdate),
            email: Some(row.email),
            nir: row.nir,
            lack_of_nir_reason: row.lack_of_nir_reason,
            france_travail_id: row.france_travail_id,
            lack_of_france_travail_id_reason: row.lack_of_france_travail_id_reason,
            ..CandidateInput::default()
        };
        match Candidate::parse(input, today) {
            Ok(candidate) => {
                let at = checked.len();
                if emails
                    .insert(candidate.email.as_str().to_owned(), at)
                    .is_some()
                {
                    errors.add(i, "email", "Adresse déjà présente dans ce lot.");
                }
                if let Some(nir) = candidate.nir.nir() {
                    if nirs.insert(nir.as_str().to_owned(), at).is_some() {
                        errors.add(i, "nir", "NIR déjà présent dans ce lot.");
                    }
                }
                checked.push((i, row.id, candidate));
            }
            Err(error) => errors.absorb(i, error),
        }
    }
    let values: Vec<Value> = checked
        .iter()
        .map(|(_, id, c)| {
            json!({
                "id": id,
                "title": c.title.as_str(),
                "first_name": c.first_name,
                "last_name": c.last_name,
                "search_name": c.search_name(),
                "birthdate": c.birthdate.to_string(),
                "email": c.email.as_str(),
                "nir": c.nir.nir().map(|n| n.as_str()),
                "lack_of_nir_reason": c.nir.reason(),
                "france_travail_id": c.france_travail.id().map(|f| f.as_str()),
                "lack_of_france_travail_id_reason": c.france_travail.reason(),
            })
        })
        .collect();
    let values = serde_json::to_string(&values).map_err(|e| Error::internal(e.to_string()))?;
    let email_list = json_list(emails.keys().map(String::as_str))?;
    let nir_list = json_list(nirs.keys().map(String::as_str))?;
    let received = checked.len();
    repo::prepare_bulk(ctx.db()?);
    ctx.write(|db| {
        // Under the write lock: who holds these e-mails and NIRs now (another candidate's is
        // an error, the row's own a row already there).
        for (id, email, nir) in repo::candidates_by_email_or_nir(db, &email_list, &nir_list)? {
            let other = |at: &&usize| checked[**at].1 != id;
            if let Some(&at) = emails.get(&email).filter(other) {
                errors.add(
                    checked[at].0,
                    "email",
                    "Adresse déjà utilisée par un autre candidat.",
                );
            }
            if let Some(&at) = nir.and_then(|n| nirs.get(&n)).filter(other) {
                errors.add(
                    checked[at].0,
                    "nir",
                    "NIR déjà utilisé par un autre candidat.",
                );
            }
        }
        errors.finish()?;
        let created = repo::insert_candidates(db, &values, &ctx.clock.now_rfc3339())?;
        let details = json!({"received": received, "created": created});
        ctx.audit(
            db,
            None,
            "synthetic_import",
            "dataset",
            "candidates",
            details,
        )?;
        answer("candidates", received, created)
    })
}

/// An application row checked on its own (before the references are looked up).
struct Checked {
    row: ApplicationRow,
    kind: SenderKind,
    created_unix: i64,
    message: String,
}

/// `applications`: the candidate, structure, sender organization and user must exist; the
/// sender organization is a prescriber organization for `prescriber` and `orienteur`, the
/// structure itself for `employer`, none for `job_seeker`; `created_at` is not in the future.
fn applications(ctx: &Ctx) -> Result<Response, Error> {
    let mut errors = RowErrors::default();
    let rows: Vec<(usize, ApplicationRow)> = rows(ctx, &mut errors)?;
    let now = ctx.clock.rule_instant();
    let mut ids = HashSet::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (i, row) in rows {
        if let Err(message) = check_id(&row.id, "app") {
            errors.add(i, "id", message);
        } else if !ids.insert(row.id.clone()) {
            errors.add(i, "id", "Identifiant déjà présent dans ce lot.");
        }
        let kind = SenderKind::parse(&row.sender_kind)
            .map_err(|invalid| errors.add(i, "sender_kind", invalid.message))
            .ok();
        if let Err(invalid) = State::parse(&row.state) {
            errors.add(i, "state", invalid.message);
        }
        let message = application::message(&row.message)
            .map_err(|invalid| errors.add(i, "message", invalid.message))
            .ok();
        let created_unix = match parse_rfc3339_utc(&row.created_at) {
            Ok(at) if at <= now => Some(at),
            Ok(_) => {
                errors.add(i, "created_at", "Date de création dans le futur.");
                None
            }
            Err(invalid) => {
                errors.add(i, "created_at", invalid.message);
                None
            }
        };
        match (kind, row.sender_organization_id.as_deref()) {
            (Some(SenderKind::JobSeeker), Some(_)) => errors.add(
                i,
                "sender_organization_id",
                "Un candidat qui postule lui-même n'a pas d'organisation.",
            ),
            (Some(SenderKind::Employer), Some(sender)) if sender != row.structure_id => errors.add(
                i,
                "sender_organization_id",
                "Une structure ne candidate que pour elle-même (R-APPLY-1).",
            ),
            (Some(kind), None) if kind != SenderKind::JobSeeker => errors.add(
                i,
                "sender_organization_id",
                "L'organisation qui envoie la candidature est obligatoire.",
            ),
            _ => {}
        }
        if let (Some(kind), Some(created_unix), Some(message)) = (kind, created_unix, message) {
            checked.push((
                i,
                Checked {
                    row,
                    kind,
                    created_unix,
                    message,
                },
            ));
        }
    }
    errors.finish()?;
    let list = |pick: fn(&ApplicationRow) -> Option<&str>| -> Result<String, Error> {
        let distinct: BTreeSet<&str> = checked.iter().filter_map(|(_, c)| pick(&c.row)).collect();
        json_list(distinct)
    };
    let candidate_ids = list(|r| Some(&r.candidate_id))?;
    let user_ids = list(|r| Some(&r.sender_user_id))?;
    let organization_ids = {
        let distinct: BTreeSet<&str> = checked
            .iter()
            .flat_map(|(_, c)| {
                [
                    Some(c.row.structure_id.as_str()),
                    c.row.sender_organization_id.as_deref(),
                ]
            })
            .flatten()
            .collect();
        json_list(distinct)?
    };
    let values: Vec<Value> = checked
        .iter()
        .map(|(_, c)| {
            json!({
                "id": c.row.id,
                "candidate_id": c.row.candidate_id,
                "structure_id": c.row.structure_id,
                "sender_kind": c.kind.as_str(),
                "sender_user_id": c.row.sender_user_id,
                "sender_organization_id": c.row.sender_organization_id,
                "state": c.row.state,
                "message": c.message,
                "diagnosis_shared": i64::from(c.row.diagnosis_shared),
                "created_unix": c.created_unix,
                "created_at": tremplin_domain::date::format_rfc3339_utc(c.created_unix),
            })
        })
        .collect();
    let values = serde_json::to_string(&values).map_err(|e| Error::internal(e.to_string()))?;
    let received = checked.len();
    repo::prepare_bulk(ctx.db()?);
    ctx.write(|db| {
        let candidates: HashSet<String> = repo::existing_candidates(db, &candidate_ids)?
            .into_iter()
            .collect();
        let users: HashSet<String> = repo::existing_users(db, &user_ids)?.into_iter().collect();
        let categories: HashMap<String, String> =
            repo::organization_categories(db, &organization_ids)?
                .into_iter()
                .collect();
        let mut errors = RowErrors::default();
        for (i, c) in &checked {
            let row = &c.row;
            if !candidates.contains(&row.candidate_id) {
                errors.add(*i, "candidate_id", "Candidat inconnu.");
            }
            if !users.contains(&row.sender_user_id) {
                errors.add(*i, "sender_user_id", "Utilisateur inconnu.");
            }
            let category = |id: &str| categories.get(id).map(String::as_str);
            if category(&row.structure_id) != Some(Category::Structure.as_str()) {
                errors.add(*i, "structure_id", "Structure inconnue.");
            }
            if matches!(c.kind, SenderKind::Prescriber | SenderKind::Orienteur)
                && row.sender_organization_id.as_deref().and_then(category)
                    != Some(Category::Prescriber.as_str())
            {
                errors.add(
                    *i,
                    "sender_organization_id",
                    "Organisation prescriptrice inconnue.",
                );
            }
        }
        errors.finish()?;
        let created = repo::insert_applications(db, &values)?;
        let details = json!({"received": received, "created": created});
        ctx.audit(
            db,
            None,
            "synthetic_import",
            "dataset",
            "applications",
            details,
        )?;
        answer("applications", received, created)
    })
}

/// `organizations`: `[{"siret", "kind"}]` → `{"ids": [id or null, in the rows' order]}`, for the
/// synthetic directory only. Reads, writes nothing.
fn organizations(ctx: &Ctx) -> Result<Response, Error> {
    let mut errors = RowErrors::default();
    let rows: Vec<OrganizationKey> = rows(ctx, &mut errors)?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    errors.finish()?;
    let keys: Vec<Value> = rows
        .iter()
        .map(|r| json!({"siret": r.siret, "kind": r.kind}))
        .collect();
    let keys = serde_json::to_string(&keys).map_err(|e| Error::internal(e.to_string()))?;
    let found: HashMap<(String, String), String> = repo::synthetic_organizations(ctx.db()?, &keys)?
        .into_iter()
        .map(|(siret, kind, id)| ((siret, kind), id))
        .collect();
    let ids: Vec<Option<&String>> = rows
        .iter()
        .map(|r| found.get(&(r.siret.clone(), r.kind.clone())))
        .collect();
    json(
        200,
        &json!({"dataset": "organizations", "received": rows.len(), "ids": ids}),
    )
}
