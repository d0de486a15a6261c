//! Notifications of an application's events (issue 7 item 6, R-APPLY-10): queued in the act's
//! transaction through the outbox, one message per person concerned — the sender, the candidate,
//! the receiving structure's members — in French, with a link, never with a NIR (R-CAND-6).
//! A person who is several of these gets one message.

use tremplin_domain::Error;
use tremplin_platform::db::Db;
use tremplin_platform::outbox::{self, OncePerAddress};
use tremplin_platform::repo::applications::Application;
use tremplin_platform::repo::candidates::StoredCandidate;
use tremplin_platform::repo::memberships;
use tremplin_platform::Ctx;

/// Queues the messages announcing the new `application`.
pub fn application_created(
    ctx: &Ctx,
    db: &Db,
    application: &Application,
    candidate: &StoredCandidate,
    sender_email: &str,
) -> Result<(), Error> {
    let base = outbox::app_url()?;
    let link = format!("{base}/candidature.html?id={}", application.id);
    let candidate_name = format!(
        "{} {}",
        candidate.candidate.first_name, candidate.candidate.last_name
    );
    let structure = &application.structure_name;
    let sender_org = application
        .sender_organization_name
        .clone()
        .unwrap_or_else(|| "le candidat lui-même".to_owned());
    let mut mail = OncePerAddress::new(
        ctx,
        db,
        Some(&application.structure_id),
        "application_created",
    );
    let mut send = |to: &str, subject: &str, text: &str| mail.send(to, subject, text);
    send(
        sender_email,
        &format!("Candidature envoyée à {structure}"),
        &format!(
            "Bonjour,\n\nLa candidature de {candidate_name} a bien été envoyée à {structure}.\n\
             Vous serez prévenu à chaque étape.\n\nSuivre la candidature : {link}\n\n— Tremplin\n"
        ),
    )?;
    send(
        candidate.candidate.email.as_str(),
        &format!("Votre candidature auprès de {structure}"),
        &format!(
            "Bonjour {},\n\nUne candidature a été envoyée en votre nom à {structure} (par {sender_org}).\n\
             La structure va l'étudier ; vous serez prévenu de sa réponse.\n\n\
             Suivre votre candidature : {base}/candidat.html\n\n— Tremplin\n",
            candidate.candidate.first_name
        ),
    )?;
    for member in memberships::active_emails(db, &application.structure_id)? {
        send(
            &member,
            &format!("Nouvelle candidature : {candidate_name}"),
            &format!(
                "Bonjour,\n\n{structure} a reçu une nouvelle candidature : {candidate_name}, envoyée par {sender_org}.\n\n\
                 L'étudier : {link}\n\n— Tremplin\n"
            ),
        )?;
    }
    Ok(())
}
