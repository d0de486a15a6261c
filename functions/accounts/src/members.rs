//! Members of an organization (R-ORG-6): list, access requests, admins accept or refuse them,
//! grant or remove admin, deactivate — never on themselves. Changes are decided inside the write
//! transaction, on the rights and memberships as they are under the lock.

use serde::Deserialize;
use tremplin_domain::organization::{self, OrgAction, Role};
use tremplin_domain::page::LIST_PAGE_SIZES;
use tremplin_domain::{Error, Invalid};
use tremplin_platform::auth::Actor;
use tremplin_platform::db::Db;
use tremplin_platform::repo::memberships::{self, Membership, Status};
use tremplin_platform::repo::organizations;
use tremplin_platform::{json, Ctx, Response};

/// Paged like every list (API.md).
pub fn list(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    let id = ctx.param("id");
    // The administration supports every organization: it reads members as an admin does.
    let role = match actor.is_administrator() {
        true => Role::Admin,
        false => actor.require(id, OrgAction::ListMembers)?,
    };
    let page = ctx.page(LIST_PAGE_SIZES)?;
    // Pending requests and deactivated members are the admins' business.
    let with_inactive = role == Role::Admin;
    let db = ctx.db()?;
    let members = memberships::list(db, id, with_inactive, page)?;
    let count = memberships::count_listed(db, id, with_inactive)?;
    json(200, &page.envelope(&members, count))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AccessRequest {}

/// An authenticated professional asks to join. An admin of the organization decides.
pub fn request_access(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    let AccessRequest {} = ctx.optional_json()?;
    let id = ctx.param("id").to_owned();
    organizations::find(ctx.db()?, &id)?.ok_or_else(Error::not_found)?;
    ctx.write(|db| {
        let existing = memberships::find(db, &id, &actor.user.id)?;
        match existing.as_ref().map(|m| m.status) {
            Some(Status::Active) => {
                return Err(Error::conflict("already_member", "Vous êtes déjà membre de cette organisation."))
            }
            Some(Status::Pending) => return membership_json(200, existing.as_ref().expect("matched Some")),
            Some(Status::Inactive) | None => {}
        }
        // Without an active admin nobody could decide: the first member comes by invitation
        // (from the administration), never by a request (R-ORG-6).
        if memberships::count_active(db, &id)? == 0 {
            return Err(Error::conflict(
                "no_admin_to_decide",
                "Cette organisation n'a pas encore de membre : demandez une invitation à votre DDETS.",
            ));
        }
        let membership = Membership {
            user_id: actor.user.id.clone(),
            organization_id: id.clone(),
            role: Role::Member,
            status: Status::Pending,
        };
        memberships::upsert(db, &membership, Some(&actor.user.id), &ctx.clock.now_rfc3339())?;
        ctx.audit(db, Some(&id), "request_access", "membership", &actor.user.id, serde_json::json!({}))?;
        membership_json(201, &membership)
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MembershipChange {
    role: Option<String>,
    /// `"active"` accepts a pending access request, or reactivates a deactivated member.
    status: Option<String>,
}

pub fn update(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    let (id, user_id) = (ctx.param("id").to_owned(), ctx.param("user_id").to_owned());
    actor.require(&id, OrgAction::ListMembers)?;
    let change: MembershipChange = ctx.json()?;
    let role = change
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()
        .map_err(|e| Error::field("role", e))?;
    match change.status.as_deref() {
        None | Some("active") => {}
        Some(_) => {
            let invalid = Invalid::new(
                "invalid_status",
                "Seul « active » est accepté (DELETE pour désactiver).",
            );
            return Err(Error::field("status", invalid));
        }
    }
    ctx.write(|db| {
        let mut membership = target(db, &id, &user_id)?;
        if change.status.is_some() && membership.status != Status::Active {
            allowed(db, actor, &id, &user_id, OrgAction::DecideAccessRequest)?;
            membership.status = Status::Active;
            // Back (or in) as a member unless this very change grants admin: a former admin's
            // role is never restored unseen (R-ORG-6).
            membership.role = Role::Member;
        }
        if let Some(role) = role {
            allowed(db, actor, &id, &user_id, OrgAction::ChangeAdminRole)?;
            membership.role = role;
        }
        save(ctx, db, actor, &membership, "update_membership")
    })
}

/// Deactivates a member, or refuses a pending access request.
pub fn deactivate(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    let (id, user_id) = (ctx.param("id").to_owned(), ctx.param("user_id").to_owned());
    actor.require(&id, OrgAction::ListMembers)?;
    ctx.write(|db| {
        let mut membership = target(db, &id, &user_id)?;
        let action = match membership.status {
            Status::Pending => OrgAction::DecideAccessRequest,
            _ => OrgAction::DeactivateMember,
        };
        allowed(db, actor, &id, &user_id, action)?;
        membership.status = Status::Inactive;
        save(ctx, db, actor, &membership, "deactivate_membership")
    })
}

fn target(db: &Db, id: &str, user_id: &str) -> Result<Membership, Error> {
    memberships::find(db, id, user_id)?.ok_or_else(Error::not_found)
}

/// R-ORG-6 for `action`, checked again under the write lock: the caller's role as it is now,
/// not as it was when the request was authenticated. Of two admins removing each other, the
/// second finds itself no longer admin (or no longer a member: 404, as for any non-member); as
/// the caller is an active admin other than the target, an admin always remains.
pub fn still_allowed(db: &Db, actor: &Actor, id: &str, action: OrgAction) -> Result<(), Error> {
    actor.require(id, action)?;
    let role = memberships::find(db, id, &actor.user.id)?
        .filter(|m| m.status == Status::Active)
        .ok_or_else(Error::not_found)?
        .role;
    if organization::may(role, action) {
        Ok(())
    } else {
        Err(Error::Forbidden {
            detail: "Vous n'êtes plus administrateur de cette organisation.".into(),
        })
    }
}

/// R-ORG-6 for an action on `target_user_id`: the actor's current role, never on themselves.
fn allowed(
    db: &Db,
    actor: &Actor,
    id: &str,
    target_user_id: &str,
    action: OrgAction,
) -> Result<(), Error> {
    still_allowed(db, actor, id, action)?;
    if organization::may_target(action, &actor.user.id, target_user_id) {
        Ok(())
    } else {
        Err(Error::Forbidden {
            detail: "Vous ne pouvez pas faire cela sur votre propre compte.".into(),
        })
    }
}

fn save(
    ctx: &Ctx,
    db: &Db,
    actor: &Actor,
    membership: &Membership,
    action: &str,
) -> Result<Response, Error> {
    memberships::update(db, membership, &actor.user.id, &ctx.clock.now_rfc3339())?;
    let details =
        serde_json::json!({"role": membership.role.as_str(), "status": membership.status.as_str()});
    ctx.audit(
        db,
        Some(&membership.organization_id),
        action,
        "membership",
        &membership.user_id,
        details,
    )?;
    membership_json(200, membership)
}

fn membership_json(status: u16, membership: &Membership) -> Result<Response, Error> {
    json(
        status,
        &serde_json::json!({
            "organization_id": membership.organization_id,
            "user_id": membership.user_id,
            "role": membership.role.as_str(),
            "status": membership.status.as_str(),
        }),
    )
}
