//! Login (rate-limited per e-mail and address pair, per e-mail and per client address), logout,
//! and the current user.

use serde::Deserialize;
use tremplin_domain::date::format_rfc3339_utc;
use tremplin_domain::throttle::{
    retry_after_seconds, Decision, Limit, LOGIN_PER_ADDRESS, LOGIN_PER_EMAIL, LOGIN_PER_PAIR,
};
use tremplin_domain::{Email, Error};
use tremplin_platform::db::Db;
use tremplin_platform::ids::{new_secret, sha256_hex};
use tremplin_platform::repo::{sessions, throttle, users};
use tremplin_platform::{json, no_content, Ctx, Response};

use crate::password;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

/// The counters a login attempt is counted on (hashed: the table holds no e-mail or address).
struct ThrottleKeys {
    pair: String,
    email: String,
    address: String,
}

/// The limit of each of [`ThrottleKeys::hashes`], in the same order.
const LIMITS: [Limit; 3] = [LOGIN_PER_PAIR, LOGIN_PER_EMAIL, LOGIN_PER_ADDRESS];

/// How many times an attempt is counted again after another attempt on one of its keys was
/// counted between its read and its write; then 503 (retry later).
const COUNT_RACES: usize = 50;

impl ThrottleKeys {
    fn new(email: &Email, address: &str) -> ThrottleKeys {
        ThrottleKeys {
            pair: sha256_hex(format!("pair:{email}\n{address}").as_bytes()),
            email: sha256_hex(format!("email:{email}").as_bytes()),
            address: sha256_hex(format!("address:{address}").as_bytes()),
        }
    }

    fn hashes(&self) -> throttle::Keys<'_> {
        [&self.pair, &self.email, &self.address]
    }

    /// The counters once this attempt is counted on every key, or 429 when one key is at its
    /// limit (then nothing is counted anywhere).
    fn count(drained_at: [Option<i64>; 3], now_ms: i64) -> Result<[i64; 3], Error> {
        let mut counted = [0; 3];
        let mut wait_ms = 0;
        for (i, (limit, drained_at)) in LIMITS.iter().zip(drained_at).enumerate() {
            match limit.reserve(drained_at, now_ms) {
                Decision::Allowed { drained_at } => counted[i] = drained_at,
                Decision::Refused { retry_after_ms } => wait_ms = wait_ms.max(retry_after_ms),
            }
        }
        match wait_ms {
            0 => Ok(counted),
            _ => Err(Error::TooManyRequests {
                retry_after_seconds: retry_after_seconds(wait_ms),
            }),
        }
    }

    /// Counts this attempt before the password is hashed, durably, so that parallel guesses
    /// see each other: the count is stored only if no key changed since it was read, else read
    /// and decided again. So at most the limit get hashed. A refused attempt writes nothing and
    /// counts nowhere: a guesser locked out of one pair cannot push the e-mail's count up for
    /// the account's owner, nor hold the write lock. One statement, not a transaction: the lock
    /// is never held while this component waits for a core, which Argon2 hashing of parallel
    /// logins keeps busy.
    fn reserve(&self, db: &Db, now_ms: i64) -> Result<(), Error> {
        for _ in 0..COUNT_RACES {
            let read = throttle::drained_at(db, self.hashes())?;
            let counted = Self::count(read, now_ms)?;
            if throttle::count_if_unchanged(db, self.hashes(), read, counted)? {
                return Ok(());
            }
        }
        Err(tremplin_platform::db::busy())
    }

    /// A proven password was no guess: its pair starts afresh (the owner's own typos are
    /// forgiven), the e-mail and the address get back the attempt counted for it — earlier
    /// failures there, perhaps from elsewhere, still count.
    fn forgive(&self, db: &Db, now_ms: i64) -> Result<(), Error> {
        let [_, email, address] = throttle::drained_at(db, self.hashes())?;
        let refund = |limit: Limit, at: Option<i64>| at.map_or(now_ms, |at| limit.refund(at));
        let forgiven = [
            now_ms,
            refund(LOGIN_PER_EMAIL, email),
            refund(LOGIN_PER_ADDRESS, address),
        ];
        throttle::set_drained_at(db, self.hashes(), forgiven)
    }
}

/// A failed login commits once (its count); a successful one twice: its count, then the session
/// with the refund. They cannot be one: the count must be durable and visible to parallel
/// attempts before Argon2 runs (~60 ms), and holding the write lock through the hash would stall
/// every writer of the application.
pub fn login(ctx: &Ctx) -> Result<Response, Error> {
    let credentials: Credentials = ctx.json()?;
    let email = Email::parse(&credentials.email).map_err(|e| Error::field("email", e))?;
    let now = ctx.clock.now_unix();
    let keys = ThrottleKeys::new(&email, &ctx.client_ip());
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
    json(
        200,
        &serde_json::json!({"user": actor.user.to_json(), "memberships": memberships, "acting_organization_id": acting}),
    )
}
