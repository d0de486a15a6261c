//! A structure's members manage its card and job descriptions (R-ORG-2): any member blocks or
//! unblocks applications, opens or closes spontaneous applications and manages the jobs; only
//! admins edit the profile fields (R-ORG-6). Others get 403. Each change rebuilds the
//! structure's directory cell in the same transaction, so searches see it at once.

use serde::Deserialize;
use tremplin_domain::organization::{Category, OrgAction};
use tremplin_domain::{jobs, Error, FieldErrors};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::jobs::Job;
use tremplin_platform::repo::listed::{self, Card};
use tremplin_platform::repo::organizations::{self, ProfileEdit};
use tremplin_platform::repo::{cities, directory_index, reference};
use tremplin_platform::{json, Ctx, Response};

use crate::search::card_page;

/// The structure in the path, and the caller's right to manage it (403 for non-members: the
/// structure itself is public).
fn managed(ctx: &Ctx, action: OrgAction) -> Result<Card, Error> {
    let actor = ctx.actor()?;
    let card = listed::card(ctx.db()?, ctx.param("id"), Category::Structure)?
        .ok_or_else(Error::not_found)?;
    match actor.role_in(&card.id) {
        None => Err(Error::Forbidden {
            detail: "Seuls les membres de la structure peuvent la modifier.".into(),
        }),
        Some(_) => actor.require(&card.id, action).map(|_| card),
    }
}

/// Rebuilds the structure's index cell and answers its card as members see it.
fn saved(db: &Db, id: &str, status: u16) -> Result<Response, Error> {
    directory_index::rebuild(db, Category::Structure, listed::cell(db, id)?)?;
    let card = listed::card(db, id, Category::Structure)?.ok_or_else(Error::not_found)?;
    let jobs = tremplin_platform::repo::jobs::of_structures(db, &[id], true)?;
    json(status, &card_page(&card, &jobs))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StructureChange {
    blocks_applications: Option<bool>,
    spontaneous_applications_open: Option<bool>,
    brand: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    description: Option<String>,
}

pub fn edit_structure(ctx: &Ctx) -> Result<Response, Error> {
    let card = managed(ctx, OrgAction::ManageApplications)?;
    let change: StructureChange = ctx.json()?;
    let edit = ProfileEdit {
        name: None,
        brand: change.brand,
        phone: change.phone,
        email: change.email,
        website: change.website,
        description: change.description,
    };
    let edits_profile = !edit.is_empty();
    let actor = ctx.actor()?;
    if edits_profile {
        actor.require(&card.id, OrgAction::EditProfile)?;
    }
    let mut organization =
        organizations::find(ctx.db()?, &card.id)?.ok_or_else(Error::not_found)?;
    organization.profile.apply(edit)?;
    let blocks = change
        .blocks_applications
        .unwrap_or(card.blocks_applications);
    let spontaneous = change
        .spontaneous_applications_open
        .unwrap_or(card.spontaneous_applications_open);
    ctx.write(|db| {
        let now = ctx.clock.now_rfc3339();
        if edits_profile {
            organizations::update_profile(db, &card.id, &organization.profile, &actor.user.id, &now)?;
        }
        listed::update_flags(db, &card.id, blocks, spontaneous, &actor.user.id, &now)?;
        let details = serde_json::json!({"blocks_applications": blocks, "spontaneous_applications_open": spontaneous, "profile": edits_profile});
        ctx.audit(db, Some(&card.id), "edit_structure", "organization", &card.id, details)?;
        saved(db, &card.id, 200)
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JobBody {
    appellation_code: Option<String>,
    contract_type: Option<String>,
    open_positions: Option<i64>,
    is_active: Option<bool>,
    /// Where the job is, when not at the structure's address (INSEE code).
    location_insee: Option<String>,
    description: Option<String>,
    /// Replaces the appellation's name as the job's title.
    title: Option<String>,
}

/// Applies `body` to `job` (a new one starts empty), checking every field; all errors at once.
fn apply(ctx: &Ctx, job: &mut Job, body: JobBody) -> Result<(), Error> {
    let db = ctx.db()?;
    let mut errors = FieldErrors::new();
    let mut invalid =
        |field: &str, message: String| drop(errors.insert(field.to_owned(), vec![message]));
    if let Some(code) = body.appellation_code {
        match reference::appellation(db, code.trim())? {
            Some((code, name, rome)) => {
                // The appellation names the job, unless this request gives its own title.
                job.title = name;
                job.appellation_code = code;
                job.rome_code = rome;
            }
            None => invalid(
                "appellation_code",
                format!("Appellation ROME inconnue : {code}."),
            ),
        }
    }
    if let Some(contract) = body.contract_type {
        match jobs::contract_type(&contract) {
            Ok((code, _)) => job.contract_type = code.to_owned(),
            Err(e) => invalid("contract_type", e.message),
        }
    }
    if let Some(positions) = body.open_positions {
        match jobs::open_positions(positions) {
            Ok(positions) => job.open_positions = positions.into(),
            Err(e) => invalid("open_positions", e.message),
        }
    }
    match body.location_insee.as_deref().map(str::trim) {
        None => {}
        Some("") => job.location_insee = None,
        Some(location) => match cities::find(db, &location.to_ascii_uppercase())? {
            Some(place) => job.location_insee = Some(place.insee_code),
            None => invalid("location_insee", format!("Ville inconnue : {location}.")),
        },
    }
    if let Some(title) = body.title {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 255 {
            invalid(
                "title",
                "L'intitulé doit comporter entre 1 et 255 caractères.".into(),
            );
        }
        job.title = title.to_owned();
    }
    if let Some(description) = body.description {
        job.description = Some(description.trim().to_owned()).filter(|d| !d.is_empty());
    }
    job.is_active = body.is_active.unwrap_or(job.is_active);
    for (field, missing) in [
        ("appellation_code", job.appellation_code.is_empty()),
        ("contract_type", job.contract_type.is_empty()),
    ] {
        if missing && !errors.contains_key(field) {
            errors.insert(field.to_owned(), vec!["Ce champ est obligatoire.".into()]);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::fields(errors))
    }
}

pub fn create_job(ctx: &Ctx) -> Result<Response, Error> {
    let card = managed(ctx, OrgAction::ManageApplications)?;
    let body: JobBody = ctx.json()?;
    let mut job = Job {
        id: new_id("job")?,
        structure_id: card.id.clone(),
        appellation_code: String::new(),
        rome_code: String::new(),
        title: String::new(),
        contract_type: String::new(),
        open_positions: 1,
        is_active: true,
        location_insee: None,
        description: None,
    };
    apply(ctx, &mut job, body)?;
    let actor = ctx.actor()?;
    ctx.write(|db| {
        tremplin_platform::repo::jobs::insert(
            db,
            &job,
            None,
            Some(&actor.user.id),
            &ctx.clock.now_rfc3339(),
        )?;
        ctx.audit(
            db,
            Some(&card.id),
            "create_job",
            "job_description",
            &job.id,
            serde_json::json!({"rome": job.rome_code}),
        )?;
        // The answer is the structure's card; `Location` names the job just created.
        let mut response = saved(db, &card.id, 201)?;
        response.set_header(
            "location",
            format!("/api/v1/structures/{}/jobs/{}", card.id, job.id),
        );
        Ok(response)
    })
}

pub fn edit_job(ctx: &Ctx) -> Result<Response, Error> {
    let card = managed(ctx, OrgAction::ManageApplications)?;
    let body: JobBody = ctx.json()?;
    let mut job = tremplin_platform::repo::jobs::find(ctx.db()?, ctx.param("job_id"), &card.id)?
        .ok_or_else(Error::not_found)?;
    apply(ctx, &mut job, body)?;
    let actor = ctx.actor()?;
    ctx.write(|db| {
        tremplin_platform::repo::jobs::update(
            db,
            &job,
            Some(&actor.user.id),
            &ctx.clock.now_rfc3339(),
        )?;
        let details =
            serde_json::json!({"is_active": job.is_active, "open_positions": job.open_positions});
        ctx.audit(
            db,
            Some(&card.id),
            "edit_job",
            "job_description",
            &job.id,
            details,
        )?;
        saved(db, &card.id, 200)
    })
}
