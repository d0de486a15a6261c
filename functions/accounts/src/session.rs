//! Login (rate-limited per e-mail and address pair, per e-mail and per client address), logout,
//! and the current user (with their candidate record, for a candidate's account).

use serde::Deserialize;
use tremplin_domain::date::format_rfc3339_utc;
use tremplin_domain::{Email, Error};
use tremplin_platform::ids::{new_secret, sha256_hex};
use tremplin_platform::repo::{candidates, sessions, users};
use tremplin_platform::{json, no_content, Ctx, Response};

use crate::password;
use tremplin_platform::throttle::{Scope, ThrottleKeys};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

/// A failed login commits once (its count); a successful one twice: its count, then the session
/// with the refund. They cannot be one: the count must be durable and visible to parallel
/// attempts before Argon2 runs (~60 ms), and holding the write lock through the hash would stall
/// every writer of the application.
pub fn login(ctx: &Ctx) -> Result<Response, Error> {
    let credentials: Credentials = ctx.json()?;
    let email = Email::parse(&credentials.email).map_err(|e| Error::field("email", e))?;
    let now = ctx.clock.now_unix();
    let keys = ThrottleKeys::new(Scope::Login, &email, &ctx.client_ip());
    let db = ctx.db()?;
    // Not `Ctx::write`: an attempt is no act to audit nor an answer to store.
    keys.reserve(db, now * 1000)?;
    let user = users::find_by_email(db, email.as_str())?.filter(|u| u.is_active);
    if !password::verify(
        &credentials.password,
        user.as_ref().map(|u| u.password_hash.as_str()),
    )? {
        return Err(Error::InvalidCredentials);
    }
    let user = user.ok_or(Error::InvalidCredentials)?;
    let token = new_secret()?;
    let expires_at = now + sessions::TOKEN_TTL_SECONDS;
    ctx.write(|db| {
        keys.forgive(db, now * 1000)?;
        sessions::insert(
            db,
            &sha256_hex(token.as_bytes()),
            &user.id,
            &ctx.clock.now_rfc3339(),
            expires_at,
        )?;
        ctx.audit(db, None, "login", "user", &user.id, serde_json::json!({}))?;
        json(
            200,
            &serde_json::json!({
                "token": token,
                "expires_at": format_rfc3339_utc(expires_at),
                "user": user.to_json(),
            }),
        )
    })
}

pub fn logout(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    ctx.write(|db| {
        sessions::revoke(db, &actor.token_hash, &ctx.clock.now_rfc3339())?;
        ctx.audit(
            db,
            None,
            "logout",
            "user",
            &actor.user.id,
            serde_json::json!({}),
        )?;
        no_content()
    })
}

pub fn me(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    let today = ctx.clock.today();
    let memberships: Vec<_> = actor
        .memberships
        .iter()
        .map(|(organization, role)| {
            serde_json::json!({"organization": organization.summary_json(today), "role": role.as_str()})
        })
        .collect();
    // The organization this request acts for (X-Organization, implied with one membership);
    // none yet when several memberships leave the choice open. A header naming an organization
    // the user is not a member of is refused.
    let acting = match actor.acting() {
        Ok(acting) => Some(acting.organization.id.as_str()),
        Err(Error::BadRequest { .. }) | Err(Error::Forbidden { .. })
            if ctx.header("x-organization").is_none() =>
        {
            None
        }
        Err(error) => return Err(error),
    };
    // A candidate's account is one without membership (functions/apply/src/party.rs): its
    // record, once linked; `null` for everyone else.
    let candidate = match actor.memberships.is_empty() {
        true => candidates::find_by_user(ctx.db()?, &actor.user.id)?.map(|own| {
            serde_json::json!({
                "id": own.id,
                "first_name": own.candidate.first_name,
                "last_name": own.candidate.last_name,
            })
        }),
        false => None,
    };
    json(
        200,
        &serde_json::json!({
            "user": actor.user.to_json(),
            "memberships": memberships,
            "acting_organization_id": acting,
            "candidate": candidate,
        }),
    )
}
