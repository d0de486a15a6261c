//! An organization's profile (admins edit it, R-ORG-6) and its authorization status (the
//! administration changes it, R-ORG-4).

use serde::Deserialize;
use tremplin_domain::organization::{Authorization, AuthorizationStatus, Category, OrgAction};
use tremplin_domain::{Date, Error};
use tremplin_platform::repo::directory_index;
use tremplin_platform::repo::organizations::{self, Organization, ProfileEdit};
use tremplin_platform::{json, Ctx, Response};

use crate::members::still_allowed;

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

/// PATCH: only the fields sent change, applied to the row read under the write lock, so two
/// concurrent edits of different fields are both kept; the caller's right is checked there too.
pub fn edit_profile(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    let id = ctx.param("id").to_owned();
    actor.require(&id, OrgAction::EditProfile)?;
    let edit: ProfileEdit = ctx.json()?;
    ctx.write(|db| {
        still_allowed(db, actor, &id, OrgAction::EditProfile)?;
        let mut organization = organizations::find(db, &id)?.ok_or_else(Error::not_found)?;
        organization.profile.apply(edit)?;
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
        // R-DIR-3 lists only authorized prescribers: the directory follows at once.
        directory_index::rebuild(
            db,
            Category::Prescriber,
            organizations::cell(db, &id)?,
            ctx.clock.rule_instant(),
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
