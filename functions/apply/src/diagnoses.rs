//! The socio-professional diagnosis (R-ELIG-1..5): an authorized prescriber's validates
//! eligibility for 6 months; an IAE structure's self-prescription, checked against the
//! administrative criteria, for 92 days and for itself only. Orienteurs may apply, never validate.

use serde::Deserialize;
use serde_json::{json, Value};
use tremplin_domain::eligibility::{
    self, AuthorKind, DiagnosisSummary, Grid, CRITERIA, GRID_AXES, LEVEL_SCALE, TEXT_MAX_CHARS,
};
use tremplin_domain::organization::Category;
use tremplin_domain::{Error, FieldErrors, Invalid};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::diagnoses::{self, Diagnosis};
use tremplin_platform::repo::organizations;
use tremplin_platform::{json, Ctx, Response};

use crate::candidates;
use tremplin_platform::party::{self, Party};

/// `GET /api/v1/eligibility/grid`: the grid's axes with their level labels and the
/// administrative criteria, the one table the forms are built from (R-ELIG-2, R-ELIG-4).
pub fn grid(_ctx: &Ctx) -> Result<Response, Error> {
    let axes: Vec<Value> = GRID_AXES
        .iter()
        .map(|axis| {
            let levels: Vec<Value> = axis
                .levels
                .iter()
                .enumerate()
                .map(|(i, label)| json!({"level": i + 1, "scale": LEVEL_SCALE[i], "label": label}))
                .collect();
            json!({"key": axis.key, "label": axis.label, "levels": levels})
        })
        .collect();
    let criteria: Vec<Value> = CRITERIA.iter().map(criterion_json).collect();
    json(
        200,
        &json!({"axes": axes, "administrative_criteria": criteria}),
    )
}

fn criterion_json(c: &eligibility::Criterion) -> Value {
    let level = match c.level {
        eligibility::CriterionLevel::One => 1,
        eligibility::CriterionLevel::Two => 2,
    };
    json!({"code": c.code, "label": c.label, "level": level})
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagnosisBody {
    grid: Option<Value>,
    administrative_criteria: Option<Vec<String>>,
    situation: Option<String>,
    obstacles: Option<String>,
    objectives: Option<String>,
}

/// A free text: trimmed, empty = absent, at most [`TEXT_MAX_CHARS`].
fn free_text(errors: &mut FieldErrors, field: &str, text: Option<String>) -> Option<String> {
    let text = text
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())?;
    if let Err(invalid) = tremplin_domain::text::multi_line(&text) {
        errors.insert(field.into(), vec![invalid.message]);
    } else if text.chars().count() > TEXT_MAX_CHARS {
        errors.insert(
            field.into(),
            vec![format!(
                "Ce texte fait au plus {TEXT_MAX_CHARS} caractères."
            )],
        );
    }
    Some(text)
}

/// What the acting organization may record: an authorized prescriber's diagnosis, or an IAE
/// structure's self-prescription; a 403 saying why otherwise.
fn author_kind(ctx: &Ctx, party: &Party<'_>) -> Result<AuthorKind, Error> {
    let organization = party.professional()?;
    match organization.kind.category() {
        Category::Prescriber if organization.is_authorized(ctx.clock.today()) => {
            Ok(AuthorKind::Prescriber)
        }
        Category::Prescriber => Err(Error::Forbidden {
            detail: "Votre organisation n'est pas habilitée (R-ORG-5) : vous pouvez orienter ce candidat \
                     et envoyer sa candidature, mais seul un prescripteur habilité valide son éligibilité."
                .into(),
        }),
        Category::Structure if organization.kind.is_iae() => Ok(AuthorKind::Employer),
        _ => Err(Error::Forbidden {
            detail: "Seules les structures de l'IAE peuvent valider elles-mêmes l'éligibilité.".into(),
        }),
    }
}

/// `POST /api/v1/candidates/{id}/diagnoses`.
pub fn record(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let (candidate, _) = candidates::visible(ctx, &party, ctx.param("id"))?;
    let kind = author_kind(ctx, &party)?;
    let organization = party.professional()?;
    let body: DiagnosisBody = ctx.json()?;
    let mut errors = FieldErrors::new();
    let grid = match (body.grid, kind) {
        (Some(value), _) => match Grid::parse(&value) {
            Ok(grid) => Some(grid),
            Err(Error::Unprocessable { errors: e, .. }) => {
                errors.extend(e);
                None
            }
            Err(other) => return Err(other),
        },
        (None, AuthorKind::Prescriber) => {
            errors.insert(
                "grid".into(),
                vec!["La grille du diagnostic est obligatoire.".into()],
            );
            None
        }
        (None, AuthorKind::Employer) => None,
    };
    let codes = body.administrative_criteria.unwrap_or_default();
    let criteria = match eligibility::parse_criteria(&codes) {
        Ok(criteria) => criteria,
        Err(invalid) => {
            errors.insert("administrative_criteria".into(), vec![invalid.message]);
            Vec::new()
        }
    };
    if kind == AuthorKind::Employer && !errors.contains_key("administrative_criteria") {
        // R-ELIG-3: a self-prescription rests on the criteria alone.
        if let Err(invalid) =
            eligibility::check_self_prescription(organization.kind.code(), &criteria)
        {
            errors.insert("administrative_criteria".into(), vec![invalid.message]);
        }
    }
    let situation = free_text(&mut errors, "situation", body.situation);
    if kind == AuthorKind::Prescriber && situation.is_none() && !errors.contains_key("situation") {
        errors.insert(
            "situation".into(),
            vec!["Décrivez la situation du candidat.".into()],
        );
    }
    let obstacles = free_text(&mut errors, "obstacles", body.obstacles);
    let objectives = free_text(&mut errors, "objectives", body.objectives);
    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    let today = ctx.clock.today();
    let diagnosis = Diagnosis {
        summary: DiagnosisSummary {
            id: new_id("diag")?,
            author_kind: kind,
            author_organization_id: organization.id.clone(),
            made_on: today,
            expires_at: eligibility::expires_at(kind, today),
        },
        candidate_id: candidate.id.clone(),
        author_user_id: party.user_id().to_owned(),
        grid: grid
            .map(|g| serde_json::to_value(g).map_err(|e| Error::internal(e.to_string())))
            .transpose()?,
        administrative_criteria: criteria.iter().map(|c| c.code.to_owned()).collect(),
        situation,
        obstacles,
        objectives,
        created_at: ctx.clock.now_rfc3339(),
    };
    ctx.write(|db| {
        diagnoses::insert(db, &diagnosis, today)?;
        let details =
            json!({"author_kind": kind.as_str(), "expires_at": diagnosis.summary.expires_at});
        ctx.audit(
            db,
            Some(&organization.id),
            "record_diagnosis",
            "diagnosis",
            &diagnosis.summary.id,
            details,
        )?;
        let mut response = json(201, &to_json(db, &diagnosis, true)?)?;
        response.set_header("location", format!("/api/v1/candidates/{}", candidate.id));
        Ok(response)
    })
}

/// A diagnosis; its content (grid, criteria, texts) only `with_content`, else who made it and
/// until when (R-APPLY-4).
pub fn to_json(db: &Db, d: &Diagnosis, with_content: bool) -> Result<Value, Error> {
    let s = &d.summary;
    let author = organizations::find(db, &s.author_organization_id)?
        .ok_or_else(|| Error::internal("diagnosis author organization"))?;
    let mut value = json!({
        "id": s.id,
        "author_kind": s.author_kind.as_str(),
        "author_organization": {"id": author.id, "name": author.display_name(), "kind": author.kind.code()},
        "made_on": s.made_on,
        "expires_at": s.expires_at,
        "content_shared": with_content,
    });
    if with_content {
        let criteria: Vec<Value> = CRITERIA
            .iter()
            .filter(|c| d.administrative_criteria.iter().any(|code| code == c.code))
            .map(criterion_json)
            .collect();
        value["grid"] = d.grid.clone().unwrap_or(Value::Null);
        value["administrative_criteria"] = Value::from(criteria);
        value["situation"] = json!(d.situation);
        value["obstacles"] = json!(d.obstacles);
        value["objectives"] = json!(d.objectives);
    }
    Ok(value)
}

/// Employer diagnoses are visible only to the structure that made them (R-ELIG-3).
fn may_see(party: &Party<'_>, d: &Diagnosis) -> bool {
    d.summary.author_kind == AuthorKind::Prescriber
        || party
            .organization()
            .is_some_and(|o| o.id == d.summary.author_organization_id)
}

/// The content goes to its author's organization and to the candidate; others see the summary.
fn may_read_content(party: &Party<'_>, d: &Diagnosis) -> bool {
    match party {
        Party::Candidate { .. } => true,
        Party::Professional { organization, .. } => {
            organization.id == d.summary.author_organization_id
        }
    }
}

/// The candidate's diagnoses `party` may see, most recent first.
pub fn visible_json(db: &Db, party: &Party<'_>, candidate_id: &str) -> Result<Value, Error> {
    let mut list = Vec::new();
    for d in diagnoses::of_candidate(db, candidate_id)?
        .iter()
        .filter(|d| may_see(party, d))
    {
        list.push(to_json(db, d, may_read_content(party, d))?);
    }
    Ok(Value::from(list))
}

/// `GET /api/v1/candidates/{id}/eligibility?structure_id=`: which diagnosis counts for that
/// structure and until when (R-ELIG-5). A structure's own diagnoses count only when it asks.
pub fn eligibility(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let (candidate, _) = candidates::visible(ctx, &party, ctx.param("id"))?;
    let Some(structure_id) = ctx.query_param("structure_id") else {
        return Err(Error::query(
            "structure_id",
            Invalid::new("required", "Indiquez la structure (structure_id)."),
        ));
    };
    let db = ctx.db()?;
    let structure = organizations::listing(db, &structure_id, Category::Structure)?
        .ok_or_else(Error::not_found)?;
    let asking_structure = party
        .organization()
        .is_some_and(|o| o.id == structure.organization.id);
    let counted = if asking_structure {
        structure_id.as_str()
    } else {
        ""
    };
    let today = ctx.clock.today();
    let chosen = diagnoses::considered_valid(db, &candidate.id, counted, today)?;
    let diagnosis = chosen
        .as_ref()
        .map(|d| to_json(db, d, may_read_content(&party, d)))
        .transpose()?;
    json(
        200,
        &json!({
            "candidate_id": candidate.id,
            "structure_id": structure.organization.id,
            "valid": diagnosis.is_some(),
            "valid_until": chosen.as_ref().map(|d| d.summary.expires_at.add_days(-1)),
            "diagnosis": diagnosis,
        }),
    )
}
