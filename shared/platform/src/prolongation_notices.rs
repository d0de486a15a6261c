//! The messages of a prolongation request (R-PROL-4), queued through the outbox in the act's
//! transaction: the request to the member it names (and its withdrawal, while that member still
//! belongs to the organization), the decision to the structure's members, and the reminders to
//! the organization's active members 10, 20 and 30 days after the request while it is pending
//! and the organization authorized (one that lost its authorization cannot answer: its
//! reminders are counted as sent, unsent). Fermyon Cloud has no timer: the reminders are queued
//! by the scheduled delivery call (`POST /api/v1/admin/outbox/deliver`), in the same
//! transaction as its claim. French, a link, never a NIR.

use tremplin_domain::prolongation::{reminders_due, RequestState};
use tremplin_domain::Error;

use crate::db::Db;
use crate::outbox::{self, OncePerAddress};
use crate::repo::prolongations::{self, Request};
use crate::repo::{memberships, organizations};
use crate::Ctx;

/// At most this many requests get their reminder per delivery call (a bounded transaction).
const REMINDERS_PER_CALL: i64 = 50;

fn summary(request: &Request) -> String {
    format!(
        "{} {} — PASS IAE n° {} — motif : {} — jusqu'au {}",
        request.candidate_name.0,
        request.candidate_name.1,
        request.pass_number,
        request.rule.label,
        request.dates.end().french()
    )
}

/// To the member the structure named.
pub fn requested(ctx: &Ctx, db: &Db, request: &Request) -> Result<(), Error> {
    let base = outbox::app_url()?;
    let mut mail =
        OncePerAddress::new(ctx, db, Some(&request.prescriber.0), "prolongation_request");
    mail.send(
        &request.assigned_to.1,
        &format!("Demande de prolongation de {}", request.structure.1),
        &format!(
            "Bonjour,\n\n{} demande la prolongation d'un PASS IAE à votre organisation, {} :\n{}\
             \n\nRépondez-y : {base}/prolongations.html\n\n— Tremplin\n",
            request.structure.1,
            request.prescriber.1,
            summary(request)
        ),
    )
}

/// To the member the structure named, if still an active member of the organization asked.
pub fn withdrawn(ctx: &Ctx, db: &Db, request: &Request) -> Result<(), Error> {
    let assigned = &request.assigned_to.1;
    if !memberships::active_emails(db, &request.prescriber.0)?.contains(assigned) {
        return Ok(());
    }
    let base = outbox::app_url()?;
    let mut mail = OncePerAddress::new(
        ctx,
        db,
        Some(&request.prescriber.0),
        "prolongation_withdrawn",
    );
    mail.send(
        assigned,
        &format!(
            "Demande de prolongation retirée par {}",
            request.structure.1
        ),
        &format!(
            "Bonjour,\n\n{} a retiré sa demande de prolongation ; elle n'attend plus de \
             réponse :\n{}\n\nVos demandes : {base}/prolongations.html\n\n— Tremplin\n",
            request.structure.1,
            summary(request)
        ),
    )
}

/// To the structure's members: granted or denied.
pub fn decided(ctx: &Ctx, db: &Db, request: &Request, state: RequestState) -> Result<(), Error> {
    let base = outbox::app_url()?;
    let mut mail = OncePerAddress::new(ctx, db, Some(&request.structure.0), "prolongation_decided");
    let subject = format!("Demande de prolongation : {}", state.label());
    let text = format!(
        "Bonjour,\n\n{} a répondu à votre demande de prolongation : {}.\n{}\n\nLe PASS IAE : \
         {base}/pass.html?number={}\n\n— Tremplin\n",
        request.prescriber.1,
        state.label().to_lowercase(),
        summary(request),
        request.pass_number
    );
    for address in memberships::active_emails(db, &request.structure.0)? {
        mail.send(&address, &subject, &text)?;
    }
    Ok(())
}

/// R-PROL-4: queues the reminders due at the clock's date, in the caller's transaction; how
/// many were queued.
pub fn queue_reminders(ctx: &Ctx, db: &Db) -> Result<usize, Error> {
    let today = ctx.clock.today();
    let base = outbox::app_url()?;
    let due = prolongations::reminders_due(db, today, REMINDERS_PER_CALL)?;
    for request in &due {
        let authorized =
            organizations::find(db, &request.prescriber.0)?.is_some_and(|o| o.is_authorized(today));
        let sent = reminders_due(request.created_on, today);
        prolongations::set_reminders_sent(db, &request.id, sent)?;
        if !authorized {
            continue;
        }
        let mut mail = OncePerAddress::new(
            ctx,
            db,
            Some(&request.prescriber.0),
            "prolongation_reminder",
        );
        let subject = format!(
            "Rappel : demande de prolongation de {}",
            request.structure.1
        );
        let text = format!(
            "Bonjour,\n\nLa demande de prolongation de {} attend la réponse de {} depuis le {} :\
             \n{}\n\nRépondez-y : {base}/prolongations.html\n\n— Tremplin\n",
            request.structure.1,
            request.prescriber.1,
            request.created_on.french(),
            summary(request)
        );
        for address in memberships::active_emails(db, &request.prescriber.0)? {
            mail.send(&address, &subject, &text)?;
        }
    }
    Ok(due.len())
}
