//! A structure's members manage its card and job descriptions (R-ORG-2): any member blocks or
//! unblocks applications, opens or closes spontaneous applications and manages the jobs; only
//! admins edit the profile fields (R-ORG-6). Others get 403. Each change rebuilds the
//! structure's directory cell in the same transaction, so searches see it at once.

use serde::Deserialize;
use tremplin_domain::organization::{Category, OrgAction};
use tremplin_domain::{directory, jobs, Error, FieldErrors, InseeCode};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::jobs::{self as job_repo, Job};
use tremplin_platform::repo::organizations::{self, Listing, ProfileEdit};
use tremplin_platform::repo::{cities, directory_index, reference};
use tremplin_platform::{json, Ctx, Response};

use crate::search::card_page;

/// The structure in the path, and the caller's right to manage it (403 for non-members: the
/// structure itself is public).
fn managed(ctx: &Ctx, action: OrgAction) -> Result<Listing, Error> {
    let actor = ctx.actor()?;
    let card = organizations::listing(ctx.db()?, ctx.param("id"), Category::Structure)?
        .ok_or_else(Error::not_found)?;
    match actor.role_in(&card.organization.id) {
        None => Err(Error::Forbidden {
            detail: "Seuls les membres de la structure peuvent la modifier.".into(),
        }),
        Some(_) => actor.require(&card.organization.id, action).map(|_| card),
    }
}

/// Rebuilds the structure's index cell and answers its card as members see it.
fn saved(ctx: &Ctx, db: &Db, id: &str, status: u16) -> Result<Response, Error> {
    let now = ctx.clock.rule_instant();
    directory_index::rebuild(db, Category::Structure, organizations::cell(db, id)?, now)?;
    let card = organizations::listing(db, id, Category::Structure)?.ok_or_else(Error::not_found)?;
    let jobs = job_repo::of_structures(db, &[id], true)?;
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
    let id = managed(ctx, OrgAction::ManageApplications)?.organization.id;
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
        actor.require(&id, OrgAction::EditProfile)?;
    }
    ctx.write(|db| {
        // Read again under the write lock: a concurrent change of other fields is kept.
        let current =
            organizations::listing(db, &id, Category::Structure)?.ok_or_else(Error::not_found)?;
        let now = ctx.clock.now_rfc3339();
        if edits_profile {
            let mut profile = current.organization.profile;
            profile.apply(edit)?;
            organizations::update_profile(db, &id, &profile, &actor.user.id, &now)?;
        }
        let blocks = change
            .blocks_applications
            .unwrap_or(current.blocks_applications);
        let spontaneous = change
            .spontaneous_applications_open
            .unwrap_or(current.spontaneous_applications_open);
        organizations::update_flags(db, &id, blocks, spontaneous, &actor.user.id, &now)?;
        let details = serde_json::json!({"blocks_applications": blocks, "spontaneous_applications_open": spontaneous, "profile": edits_profile});
        ctx.audit(db, Some(&id), "edit_structure", "organization", &id, details)?;
        saved(ctx, db, &id, 200)
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

/// Applies `body` to `job` (a new one starts empty), checking every field within its bounds
/// (issue 6, item 5); all errors at once.
fn apply(ctx: &Ctx, job: &mut Job, body: JobBody) -> Result<(), Error> {
    let db = ctx.db()?;
    let mut errors = FieldErrors::new();
    let mut invalid =
        |field: &str, message: String| drop(errors.insert(field.to_owned(), vec![message]));
    if let Some(code) = body.appellation_code {
        match directory::job_code(&code) {
            Err(e) => invalid("appellation_code", e.message),
            Ok(code) => match reference::appellation(db, code)? {
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
            },
        }
    }
    if let Some(contract) = body.contract_type {
        match directory::job_code(&contract).and_then(jobs::contract_type) {
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
        Some(location) => match InseeCode::parse(location) {
            Err(e) => invalid("location_insee", e.message),
            Ok(code) => match cities::find(db, code.as_str())? {
                Some(place) => job.location_insee = Some(place.insee_code),
                None => invalid("location_insee", format!("Ville inconnue : {code}.")),
            },
        },
    }
    if let Some(title) = body.title {
        match directory::job_title(&title) {
            Ok(title) => job.title = title,
            Err(e) => invalid("title", e.message),
        }
    }
    if let Some(description) = body.description {
        match directory::job_description(&description) {
            Ok(description) => job.description = description,
            Err(e) => invalid("description", e.message),
        }
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

/// Issue 6, item 5: a job becomes active only while the structure has room for it, counted
/// under the write lock so that racing requests cannot pass the bound together.
fn check_room(db: &Db, job: &Job) -> Result<(), Error> {
    let others = job_repo::count_active(db, &job.structure_id, Some(&job.id))?;
    directory::may_activate_job(others).map_err(|invalid| Error::field("is_active", invalid))
}

pub fn create_job(ctx: &Ctx) -> Result<Response, Error> {
    let card = managed(ctx, OrgAction::ManageApplications)?;
    let structure_id = card.organization.id;
    let body: JobBody = ctx.json()?;
    let mut job = Job {
        id: new_id("job")?,
        structure_id: structure_id.clone(),
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
        if job.is_active {
            check_room(db, &job)?;
        }
        job_repo::insert(
            db,
            &job,
            None,
            Some(&actor.user.id),
            &ctx.clock.now_rfc3339(),
        )?;
        ctx.audit(
            db,
            Some(&structure_id),
            "create_job",
            "job_description",
            &job.id,
            serde_json::json!({"rome": job.rome_code}),
        )?;
        // The answer is the structure's card; `Location` names the job just created.
        let mut response = saved(ctx, db, &structure_id, 201)?;
        response.set_header(
            "location",
            format!("/api/v1/structures/{structure_id}/jobs/{}", job.id),
        );
        Ok(response)
    })
}

pub fn edit_job(ctx: &Ctx) -> Result<Response, Error> {
    let structure_id = managed(ctx, OrgAction::ManageApplications)?.organization.id;
    let body: JobBody = ctx.json()?;
    let actor = ctx.actor()?;
    ctx.write(|db| {
        let mut job =
            job_repo::find(db, ctx.param("job_id"), &structure_id)?.ok_or_else(Error::not_found)?;
        let was_active = job.is_active;
        apply(ctx, &mut job, body)?;
        if job.is_active && !was_active {
            check_room(db, &job)?;
        }
        job_repo::update(db, &job, Some(&actor.user.id), &ctx.clock.now_rfc3339())?;
        let details =
            serde_json::json!({"is_active": job.is_active, "open_positions": job.open_positions});
        ctx.audit(
            db,
            Some(&structure_id),
            "edit_job",
            "job_description",
            &job.id,
            details,
        )?;
        saved(ctx, db, &structure_id, 200)
    })
}
