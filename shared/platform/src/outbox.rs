//! E-mail through the outbox. An act queues its messages in its own transaction ([`queue`]);
//! they go out through the HTTP e-mail API right after the act's answer is sent (the request that
//! queued them holds their lease), or later through the delivery endpoint an external scheduler
//! calls (Fermyon Cloud has no timer trigger). A message is claimed by exactly one deliverer under
//! SQLite's write lock; failed tries are retried with backoff, then abandoned and logged.
//!
//! The API: `POST {email_api_url}` with `Authorization: Bearer {email_api_key}`,
//! `Idempotency-Key: <message id>` (so a provider drops the duplicate of a try whose outcome was
//! lost) and `{"message_id", "from", "to": [address], "subject", "text"}`; any 2xx is success.

use spin_sdk::http::{Method, Request, Response};
use tremplin_domain::outbox::{self, AfterFailure, LEASE_SECONDS};
use tremplin_domain::{Email, Error};

use crate::clock;
use crate::db::Db;
use crate::http::Ctx;
use crate::ids::new_id;
use crate::repo::outbox::{self as repo, Claimed, NewMessage, Outcome};

/// A try starts only if at least this much of its lease is left.
const SEND_MARGIN_SECONDS: i64 = 30;

/// One message. The text is French and never holds a NIR (R-CAND-6).
pub struct Message<'a> {
    /// What caused it (`invitation`, …): kept after sending, for the administration's counts.
    pub kind: &'a str,
    pub to: &'a Email,
    pub subject: &'a str,
    pub text: &'a str,
}

/// Where messages go, from the Spin variables; `None` when `email_api_url` is empty (messages
/// then wait, pending, for a deployment that configures it).
struct EmailApi {
    url: String,
    key: String,
    from: String,
}

fn variable(name: &str) -> Result<String, Error> {
    spin_sdk::variables::get(name)
        .map(|value| value.trim().to_owned())
        .map_err(|e| Error::internal(format!("variable {name}: {e:?}")))
}

fn email_api() -> Result<Option<EmailApi>, Error> {
    let url = variable("email_api_url")?;
    if url.is_empty() {
        return Ok(None);
    }
    Ok(Some(EmailApi {
        url,
        key: variable("email_api_key")?,
        from: variable("email_from")?,
    }))
}

/// The address links in messages point to (`app_url`, e.g. `https://tremplin.fermyon.app`).
pub fn app_url() -> Result<String, Error> {
    Ok(variable("app_url")?.trim_end_matches('/').to_owned())
}

/// Queues `message` in the caller's write transaction. When the API is configured, this request
/// claims it and delivers it once its answer is sent.
pub fn queue(
    ctx: &Ctx,
    db: &crate::db::Db,
    organization_id: Option<&str>,
    message: Message<'_>,
) -> Result<(), Error> {
    let now_unix = ctx.clock.now_unix();
    let lease = match email_api()? {
        Some(_) => Some((ctx.delivery_lease()?, now_unix + LEASE_SECONDS)),
        None => None,
    };
    repo::insert(
        db,
        NewMessage {
            id: &new_id("msg")?,
            now: &ctx.clock.now_rfc3339(),
            now_unix,
            created_by: ctx.actor_id(),
            organization_id,
            kind: message.kind,
            recipient: message.to.as_str(),
            subject: &outbox::subject_line(message.subject),
            body_text: message.text,
            lease: lease
                .as_ref()
                .map(|(token, until)| (token.as_str(), *until)),
        },
    )
}

/// Messages of one act to several people, queued in its transaction: each address gets one,
/// however many parts it plays (a sender who is also a member of the structure).
pub struct OncePerAddress<'a> {
    ctx: &'a Ctx,
    db: &'a crate::db::Db,
    organization_id: Option<&'a str>,
    kind: &'a str,
    sent_to: Vec<String>,
}

impl<'a> OncePerAddress<'a> {
    pub fn new(
        ctx: &'a Ctx,
        db: &'a crate::db::Db,
        organization_id: Option<&'a str>,
        kind: &'a str,
    ) -> Self {
        OncePerAddress {
            ctx,
            db,
            organization_id,
            kind,
            sent_to: Vec::new(),
        }
    }

    /// Queues the message to `to`, unless this act already wrote to that address.
    pub fn send(&mut self, to: &str, subject: &str, text: &str) -> Result<(), Error> {
        let to = Email::parse(to).map_err(|e| Error::internal(format!("recipient: {e}")))?;
        if self.sent_to.iter().any(|done| done == to.as_str()) {
            return Ok(());
        }
        self.sent_to.push(to.as_str().to_owned());
        queue(
            self.ctx,
            self.db,
            self.organization_id,
            Message {
                kind: self.kind,
                to: &to,
                subject,
                text,
            },
        )
    }
}

/// The scheduled delivery's one transaction: `queue` adds the messages that fall due with time
/// (R-PROL-4's reminders), then a batch of due messages is claimed for this request; they are
/// sent once its answer is. Returns how many were queued and how many claimed.
pub fn claim_due(
    ctx: &Ctx,
    queue: impl FnOnce(&Db) -> Result<usize, Error>,
) -> Result<(usize, usize), Error> {
    ctx.db()?.transaction(|db| {
        let queued = queue(db)?;
        if email_api()?.is_none() {
            return Ok((queued, 0));
        }
        let token = ctx.delivery_lease()?;
        let now = ctx.clock.now_unix();
        Ok((
            queued,
            repo::claim_due(db, &token, now, now + LEASE_SECONDS)?,
        ))
    })
}

/// Sends what this request holds, then records every outcome in one transaction. Runs after the
/// answer went out: nothing here can change it, so failures are only logged (and retried later).
pub async fn deliver_claimed(ctx: &Ctx, lease_token: &str) {
    if let Err(error) = try_deliver(ctx, lease_token).await {
        eprintln!("outbox: delivery failed: {error}");
    }
}

async fn try_deliver(ctx: &Ctx, lease_token: &str) -> Result<(), Error> {
    let Some(api) = email_api()? else {
        return Ok(());
    };
    // A connection of its own: the act's transaction may have spent this request's lock budget,
    // and an outcome that cannot be recorded would have the message sent again.
    let db = Db::open()?;
    for message in repo::claimed(&db, lease_token)? {
        // Never start a try the lease may not cover: another deliverer could take it over.
        if clock::current()?.now_unix() + SEND_MARGIN_SECONDS >= message.lease_until {
            break;
        }
        let outcome = match send(&api, &message).await {
            Ok(()) => Outcome::Sent,
            Err(error) => {
                let then = outbox::after_failure(message.attempts + 1, ctx.clock.now_unix());
                if then == AfterFailure::GiveUp {
                    eprintln!(
                        "outbox: message {} abandoned after {} tries: {error}",
                        message.id,
                        message.attempts + 1
                    );
                }
                Outcome::Failed { error, then }
            }
        };
        // Recorded right after the try, so a later failure cannot lose this outcome.
        let now = clock::current()?.now_rfc3339();
        db.transaction(|db| repo::record(db, &message.id, lease_token, &outcome, &now))?;
    }
    Ok(())
}

/// One try; the error names what failed (status or transport), never the recipient.
async fn send(api: &EmailApi, message: &Claimed) -> Result<(), String> {
    let body = serde_json::json!({
        "message_id": message.id,
        "from": api.from,
        "to": [message.recipient],
        "subject": message.subject,
        "text": message.body_text,
    });
    let request = Request::builder()
        .method(Method::Post)
        .uri(api.url.as_str())
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", api.key))
        .header("idempotency-key", message.id.as_str())
        .body(body.to_string())
        .build();
    let response: Response = spin_sdk::http::send(request)
        .await
        .map_err(|e| format!("envoi impossible : {e}"))?;
    match *response.status() {
        200..=299 => Ok(()),
        status => Err(format!("l'API e-mail a répondu {status}")),
    }
}
