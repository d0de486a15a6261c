//! An organization's profile (admins edit it, R-ORG-6) and its authorization status (the
//! administration changes it, R-ORG-4).

use serde::Deserialize;
use tremplin_domain::organization::{Authorization, AuthorizationStatus, OrgAction};
use tremplin_domain::{Date, Email, Error, FieldErrors};
use tremplin_platform::repo::organizations::{self, Organization};
use tremplin_platform::{json, Ctx, Response};

/// The organization named in the path, visible to its members and to the administration.
fn visible(ctx: &Ctx) -> Result<Organization, Error> {
    let actor = ctx.actor()?;
    let id = ctx.param("id");
    if actor.role_in(id).is_none() && !actor.is_administrator() {
        return Err(Error::not_found());
    }
    organizations::find(ctx.db()?, id)?.ok_or_else(Error::not_found)
}

pub fn show(ctx: &Ctx) -> Result<Response, Error> {
    json(200, &visible(ctx)?.to_json(ctx.clock.today()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileChange {
    name: Option<String>,
    brand: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    description: Option<String>,
}

/// An empty string clears an optional field.
fn set(target: &mut Option<String>, value: Option<String>) {
    if let Some(value) = value {
        let value = value.trim().to_owned();
        *target = (!value.is_empty()).then_some(value);
    }
}

pub fn edit_profile(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    let id = ctx.param("id").to_owned();
    actor.require(&id, OrgAction::EditProfile)?;
    let change: ProfileChange = ctx.json()?;
    let mut organization = organizations::find(ctx.db()?, &id)?.ok_or_else(Error::not_found)?;
    let mut errors = FieldErrors::new();
    if let Some(name) = change.name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 255 {
            errors.insert(
                "name".into(),
                vec!["Le nom doit comporter entre 1 et 255 caractères.".into()],
            );
        }
        organization.profile.name = name.to_owned();
    }
    if let Some(Err(invalid)) = change
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(Email::parse)
    {
        errors.insert("email".into(), vec![invalid.message]);
    }
    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    let profile = &mut organization.profile;
    set(&mut profile.brand, change.brand);
    set(&mut profile.phone, change.phone);
    set(
        &mut profile.email,
        change.email.map(|e| e.trim().to_lowercase()),
    );
    set(&mut profile.website, change.website);
    set(&mut profile.description, change.description);
    ctx.write(|db| {
        let now = ctx.clock.now_rfc3339();
        organizations::update_profile(db, &id, &organization.profile, &actor.user.id, &now)?;
        ctx.audit(
            db,
            Some(&id),
            "edit_profile",
            "organization",
            &id,
            serde_json::json!({}),
        )?;
        json(200, &organization.to_json(ctx.clock.today()))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorizationChange {
    status: String,
    #[serde(default)]
    valid_until: Option<String>,
}

pub fn set_authorization(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    actor.require_administrator()?;
    let change: AuthorizationChange = ctx.json()?;
    let id = ctx.param("id").to_owned();
    let status =
        AuthorizationStatus::parse(&change.status).map_err(|e| Error::field("status", e))?;
    let valid_until = change
        .valid_until
        .as_deref()
        .map(Date::parse)
        .transpose()
        .map_err(|e| Error::field("valid_until", e))?;
    let mut organization = organizations::find(ctx.db()?, &id)?.ok_or_else(Error::not_found)?;
    let today = ctx.clock.today();
    let previous = organization.authorization;
    organization.authorization =
        Authorization::decide(organization.kind, status, valid_until, today)
            .map_err(|(field, invalid)| Error::field(field, invalid))?;
    ctx.write(|db| {
        let now = ctx.clock.now_rfc3339();
        organizations::update_authorization(
            db,
            &id,
            organization.authorization,
            &actor.user.id,
            &now,
        )?;
        let details = serde_json::json!({
            "from": previous.status.as_str(),
            "to": organization.authorization.status.as_str(),
            "valid_until": organization.authorization.valid_until.map(|d| d.to_string()),
        });
        ctx.audit(
            db,
            Some(&id),
            "set_authorization",
            "organization",
            &id,
            details,
        )?;
        json(200, &organization.to_json(today))
    })
}
