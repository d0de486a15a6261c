//! Notifications of a decision (R-APPLY-10), queued in its transaction through the outbox: the
//! sender is told of each state change with the answer given to the candidate and the private
//! one meant for them; the candidate
//! gets the structure's answer, and the refusal reason only if the structure shared it
//! (R-APPLY-6). French, a link, never a NIR.

use tremplin_domain::application::State;
use tremplin_domain::decision::RefusalReason;
use tremplin_domain::Error;
use tremplin_platform::db::Db;
use tremplin_platform::outbox::{self, OncePerAddress};
use tremplin_platform::repo::applications::{Application, DecisionRecord};
use tremplin_platform::repo::{candidates, users};
use tremplin_platform::Ctx;

/// Queues the messages announcing that `application` moved to `to`.
pub fn decided(
    ctx: &Ctx,
    db: &Db,
    application: &Application,
    to: State,
    record: Option<&DecisionRecord>,
) -> Result<(), Error> {
    let base = outbox::app_url()?;
    let candidate = candidates::find(db, &application.candidate_id)?
        .ok_or_else(|| Error::internal("application candidate"))?;
    let candidate_name = format!(
        "{} {}",
        candidate.candidate.first_name, candidate.candidate.last_name
    );
    let structure = &application.structure_name;
    let subject = format!("Candidature auprès de {structure} : {}", to.label());
    let reason = record
        .and_then(|r| r.refusal_reason)
        .and_then(|code| RefusalReason::parse(code).ok());
    let answer = record.and_then(|r| r.answer.as_deref());
    let mut mail = OncePerAddress::new(
        ctx,
        db,
        Some(&application.structure_id),
        "application_decided",
    );
    let mut send = |to: &str, text: String| mail.send(to, &subject, &text);
    // The candidate's first: a sender who entered their own address as the candidate's gets
    // the candidate's version, never the other way round (the private answer, an unshared reason).
    let mut text = format!(
        "Bonjour {},\n\nVotre candidature auprès de {structure} est maintenant : {}.\n",
        candidate.candidate.first_name,
        to.label()
    );
    if let Some(reason) = reason.filter(|_| record.is_some_and(|r| r.reason_shared)) {
        text.push_str(&format!("Motif : {}.\n", reason.label()));
    }
    if let Some(answer) = answer {
        text.push_str(&format!("\nMessage de la structure :\n{answer}\n"));
    }
    text.push_str(&format!(
        "\nVotre espace : {base}/candidat.html\n\n— Tremplin\n"
    ));
    send(candidate.candidate.email.as_str(), text)?;
    // The sender's account (a candidate applying for themselves was told above; a structure
    // that applied to itself, or declared the hire, decided it).
    let sender_organization = application.sender_organization_id.as_deref();
    if sender_organization.is_some_and(|id| id != application.structure_id) {
        if let Some(sender) = users::find_by_id(db, &application.sender_user_id)? {
            let mut text = format!(
                "Bonjour,\n\nLa candidature de {candidate_name} auprès de {structure} est \
                 maintenant : {}.\n",
                to.label()
            );
            if let Some(reason) = reason {
                text.push_str(&format!("Motif : {}.\n", reason.label()));
            }
            if let Some(answer) = answer {
                text.push_str(&format!("\nRéponse au candidat :\n{answer}\n"));
            }
            if let Some(private) = record.and_then(|r| r.answer_to_prescriber.as_deref()) {
                text.push_str(&format!("\nMessage de la structure :\n{private}\n"));
            }
            text.push_str(&format!(
                "\nSuivre la candidature : {base}/candidature.html?id={}\n\n— Tremplin\n",
                application.id
            ));
            send(&sender.email, text)?;
        }
    }
    Ok(())
}
