//! `Idempotency-Key` on every POST (API.md): a retry with the same key and body gets the first
//! answer again (24 h); the same key with another body is a 422. The answer of a state change is
//! stored inside the handler's own write transaction (see [`crate::http::Ctx::write`]), so a
//! change and its stored answer commit together or not at all; a refused request changed nothing
//! and is simply evaluated again.
//!
//! Keys are scoped to the caller's token (or "anonymous"), and only the key's hash is stored: the
//! stored answer is sealed with a keystream derived from the key, because answers may carry
//! secrets (a login token, an invitation code) that the database otherwise keeps only hashed.

use sha2::{Digest, Sha256};
use spin_sdk::http::Response;
use tremplin_domain::Error;

use crate::auth::bearer_token;
use crate::http::{Ctx, Handler};
use crate::ids::sha256_hex;
use crate::repo::idempotency::{self as repo, Stored};

pub const MAX_KEY_LENGTH: usize = 255;

/// The key of this request, scoped to its bearer token (or anonymous), and the request's hash.
pub struct Key {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

pub fn key_of(ctx: &Ctx) -> Result<Option<Key>, Error> {
    let Some(key) = ctx.header("idempotency-key") else {
        return Ok(None);
    };
    if key.is_empty() || key.len() > MAX_KEY_LENGTH {
        let mut errors = tremplin_domain::FieldErrors::new();
        errors.insert(
            "Idempotency-Key".into(),
            vec!["Entre 1 et 255 caractères.".into()],
        );
        return Err(Error::BadRequest {
            code: "invalid_idempotency_key",
            detail: "La clé d'idempotence doit comporter entre 1 et 255 caractères.".into(),
            errors,
        });
    }
    let scope =
        bearer_token(ctx).map_or_else(|| "anonymous".to_owned(), |t| sha256_hex(t.as_bytes()));
    // The query is part of the request: a `?dry_run=true` preview must never be answered with the
    // stored answer of the act itself. (Without a query the fingerprint is what it always was, so
    // keys stored before this line existed still replay.)
    let target = match ctx.query() {
        "" => ctx.path.clone(),
        query => format!("{}?{query}", ctx.path),
    };
    let mut fingerprint = format!("{} {target}\n", ctx.method).into_bytes();
    fingerprint.extend_from_slice(ctx.body());
    Ok(Some(Key {
        scope,
        key: key.to_owned(),
        request_hash: sha256_hex(&fingerprint),
    }))
}

impl Key {
    /// What the database stores in place of the key.
    fn stored_key(&self) -> String {
        sha256_hex(format!("key\n{}\n{}", self.scope, self.key).as_bytes())
    }

    /// XORs `data` with SHA-256(scope, key, block counter): sealing and opening are the same.
    fn seal(&self, data: &[u8]) -> Vec<u8> {
        data.chunks(32)
            .enumerate()
            .flat_map(|(block, chunk)| {
                let pad = Sha256::digest(
                    format!("seal\n{}\n{}\n{block}", self.scope, self.key).as_bytes(),
                );
                chunk
                    .iter()
                    .zip(pad)
                    .map(|(byte, pad)| byte ^ pad)
                    .collect::<Vec<u8>>()
            })
            .collect()
    }
}

/// Replays a stored answer, or runs the handler (which stores its answer when it writes).
pub fn replay_or_run(ctx: &Ctx, handler: Handler) -> Result<Response, Error> {
    // A revoked or expired token gets no replay: the handler answers it as it answers any call.
    let caller_valid = bearer_token(ctx).is_none() || ctx.actor().is_ok();
    if let Some(key) = key_of(ctx)?.filter(|_| caller_valid) {
        if let Some(response) = replay(ctx, &key)? {
            return Ok(response);
        }
    }
    handler(ctx)
}

/// The stored answer for `key`, if any; 422 when the key was used for another request.
pub fn replay(ctx: &Ctx, key: &Key) -> Result<Option<Response>, Error> {
    let Some(stored) = repo::find(
        ctx.db()?,
        &key.scope,
        &key.stored_key(),
        ctx.clock.now_unix(),
    )?
    else {
        return Ok(None);
    };
    if stored.request_hash != key.request_hash {
        return Err(Error::Unprocessable {
            code: "idempotency_key_reused",
            detail: "Cette clé d'idempotence a déjà servi pour une autre requête.".into(),
            errors: Default::default(),
        });
    }
    Ok(Some(
        Response::builder()
            .status(stored.status)
            .header("content-type", stored.content_type)
            .header("idempotent-replayed", "true")
            .body(key.seal(&stored.body))
            .build(),
    ))
}

pub fn store(ctx: &Ctx, key: &Key, response: &Response) -> Result<(), Error> {
    let stored = Stored {
        request_hash: key.request_hash.clone(),
        status: *response.status(),
        content_type: response
            .header("content-type")
            .and_then(|v| v.as_str())
            .unwrap_or("application/json")
            .to_owned(),
        body: key.seal(response.body()),
    };
    repo::store(
        ctx.db()?,
        &key.scope,
        &key.stored_key(),
        &stored,
        ctx.clock.now_unix(),
    )
}
