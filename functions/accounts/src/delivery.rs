//! The outbox's scheduled delivery (Fermyon Cloud has no timer trigger): an external scheduler
//! calls `POST /api/v1/admin/outbox/deliver` with the `delivery_token` secret, every minute or so;
//! the claimed messages go out once the answer is sent. The same call queues the reminders
//! that fall due with time (R-PROL-4). The administration reads the outbox's
//! state (counts, abandoned messages) with `GET /api/v1/admin/outbox`.

use tremplin_domain::page::LIST_PAGE_SIZES;
use tremplin_domain::Error;
use tremplin_platform::auth;
use tremplin_platform::repo::outbox as repo;
use tremplin_platform::{json, Ctx, Response};
use tremplin_platform::{outbox, prolongation_notices};

pub fn deliver(ctx: &Ctx) -> Result<Response, Error> {
    auth::require_deployment_secret(ctx, "delivery_token")?;
    let (reminders, claimed) =
        outbox::claim_due(ctx, |db| prolongation_notices::queue_reminders(ctx, db))?;
    json(
        200,
        &serde_json::json!({ "claimed": claimed, "reminders": reminders }),
    )
}

pub fn status(ctx: &Ctx) -> Result<Response, Error> {
    ctx.actor()?.require_administrator()?;
    let page = ctx.page(LIST_PAGE_SIZES)?;
    let db = ctx.db()?;
    let counts = repo::counts(db)?;
    let failed_count = counts
        .iter()
        .find(|(state, _)| state == "failed")
        .map_or(0, |(_, n)| *n);
    let failed = repo::failed(db, i64::from(page.size()), page.offset())?;
    let counts: serde_json::Map<String, serde_json::Value> = counts
        .into_iter()
        .map(|(state, n)| (state, n.into()))
        .collect();
    json(
        200,
        &serde_json::json!({"counts": counts, "failed": page.envelope(&failed, failed_count)}),
    )
}
