//! Login (rate-limited per e-mail and per client address), logout, and the current user.

use serde::Deserialize;
use tremplin_domain::date::format_rfc3339_utc;
use tremplin_domain::{Email, Error};
use tremplin_platform::ids::{new_secret, sha256_hex};
use tremplin_platform::repo::{sessions, throttle, users};
use tremplin_platform::{json, no_content, Ctx, Response};

use crate::password;

/// Fixed windows of 15 minutes: at most 10 failures per e-mail and 50 per client address.
const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
const MAX_FAILURES_PER_EMAIL: i64 = 10;
const MAX_FAILURES_PER_ADDRESS: i64 = 50;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

pub fn login(ctx: &Ctx) -> Result<Response, Error> {
    let credentials: Credentials = ctx.json()?;
    let email = Email::parse(&credentials.email).map_err(|e| Error::field("email", e))?;
    let now = ctx.clock.now_unix();
    let window = now - now.rem_euclid(THROTTLE_WINDOW_SECONDS);
    let email_key = sha256_hex(format!("email:{email}").as_bytes());
    let address_key = sha256_hex(format!("address:{}", ctx.client_ip()).as_bytes());
    let db = ctx.db()?;
    if throttle::failures(db, &email_key, window)? >= MAX_FAILURES_PER_EMAIL
        || throttle::failures(db, &address_key, window)? >= MAX_FAILURES_PER_ADDRESS
    {
        return Err(Error::TooManyRequests {
            retry_after_seconds: (window + THROTTLE_WINDOW_SECONDS - now) as u64,
        });
    }
    let user = users::find_by_email(db, email.as_str())?.filter(|u| u.is_active);
    // Hashing happens before the write transaction, so no lock is held while it runs.
    if !password::verify(
        &credentials.password,
        user.as_ref().map(|u| u.password_hash.as_str()),
    )? {
        db.transaction(|db| {
            throttle::record_failure(db, &email_key, window)?;
            throttle::record_failure(db, &address_key, window)
        })?;
        return Err(Error::InvalidCredentials);
    }
    let user = user.ok_or(Error::InvalidCredentials)?;
    let token = new_secret()?;
    let expires_at = now + sessions::TOKEN_TTL_SECONDS;
    ctx.write(|db| {
        throttle::clear(db, &email_key)?;
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
    json(
        200,
        &serde_json::json!({"user": actor.user.to_json(), "memberships": memberships, "acting_organization_id": acting}),
    )
}
