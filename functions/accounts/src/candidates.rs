//! Candidate accounts (issue 7 item 2): a job seeker registers with their e-mail and names, or a
//! professional invites them (`functions/apply/src/invite.rs`); either way a code goes to the
//! address, and the account is created only by accepting it, with a password: the address is
//! proven, so nobody takes over a candidate record by naming its e-mail. A candidate account has
//! no membership; accepting links the candidate record — the one invited for, or for a
//! self-registration the record with that e-mail that has no account yet.

use serde::Deserialize;
use serde_json::json;
use tremplin_domain::{Email, Error, FieldErrors};
use tremplin_platform::auth::Actor;
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::outbox::{self, Message};
use tremplin_platform::repo::candidate_invitations::{
    self, CandidateInvitation, NewCandidateInvitation,
};
use tremplin_platform::repo::{candidates, users};
use tremplin_platform::{json, Ctx, Response};

use crate::invitations::{self, name, NewAccount};
use tremplin_platform::throttle::{Scope, ThrottleKeys};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    email: String,
    first_name: String,
    last_name: String,
}

/// `POST /api/v1/auth/register` (public): e-mails a code that creates the account, or, to an
/// address that has an account already, says so. The answer is the same either way (202), so
/// that it tells nobody which addresses have an account. Throttled like a login, on counters of
/// its own: every attempt sends an e-mail.
pub fn register(ctx: &Ctx) -> Result<Response, Error> {
    let body: Registration = ctx.json()?;
    let mut errors = FieldErrors::new();
    let email =
        Email::parse(&body.email).map_err(|e| errors.insert("email".into(), vec![e.message]));
    let first_name = name("first_name", &body.first_name, &mut errors);
    let last_name = name("last_name", &body.last_name, &mut errors);
    let (Ok(email), true) = (email, errors.is_empty()) else {
        return Err(Error::fields(errors));
    };
    let keys = ThrottleKeys::new(Scope::Registration, &email, &ctx.client_ip());
    keys.reserve(ctx.db()?, ctx.clock.now_unix() * 1000)?;
    ctx.write(|db| {
        match users::find_by_email(db, email.as_str())? {
            Some(user) => {
                // No new code: the owner is told, and whoever asked learns nothing.
                ctx.audit(db, None, "register_existing", "user", &user.id, json!({}))?;
                outbox::queue(
                    ctx,
                    db,
                    None,
                    Message {
                        kind: "registration_existing",
                        to: &email,
                        subject: "Vous avez déjà un compte Tremplin",
                        text: &existing_account_text(&user.first_name, &outbox::app_url()?),
                    },
                )?;
            }
            None => {
                let issued = candidate_invitations::issue(
                    db,
                    &ctx.clock,
                    NewCandidateInvitation {
                        candidate_id: None,
                        email: &email,
                        first_name: &first_name,
                        last_name: &last_name,
                        created_by: None,
                    },
                )?;
                ctx.audit(
                    db,
                    None,
                    "register",
                    "candidate_invitation",
                    &issued.id,
                    json!({}),
                )?;
                outbox::queue(
                    ctx,
                    db,
                    None,
                    Message {
                        kind: "registration",
                        to: &email,
                        subject: "Créez votre compte Tremplin",
                        text: &registration_text(&first_name, &issued.link, &issued.expires_at),
                    },
                )?;
            }
        }
        json(202, &json!({"status": "sent"}))
    })
}

fn registration_text(first_name: &str, link: &str, expires_at: &str) -> String {
    format!(
        "Bonjour {first_name},\n\n\
         Pour créer votre compte candidat sur Tremplin, le service des parcours d'insertion par \
         l'activité économique, choisissez votre mot de passe en ouvrant ce lien (valable \
         jusqu'au {}) :\n{link}\n\n\
         Vous pourrez ensuite suivre vos candidatures et postuler vous-même.\n\n\
         Si vous n'avez rien demandé, ignorez ce message : aucun compte ne sera créé.\n\n\
         L'équipe Tremplin\n",
        &expires_at[..10]
    )
}

fn existing_account_text(first_name: &str, app_url: &str) -> String {
    format!(
        "Bonjour {first_name},\n\n\
         Quelqu'un, peut-être vous, a demandé à créer un compte Tremplin avec cette adresse. \
         Vous avez déjà un compte : connectez-vous avec votre mot de passe sur {app_url}/\n\n\
         Si vous n'avez rien demandé, ignorez ce message : votre compte n'a pas changé.\n\n\
         L'équipe Tremplin\n"
    )
}

/// A candidate's code, from `POST /api/v1/invitations/{code}/accept` (`crate::invitations`):
/// creates the account with `password` and links the candidate record. 200 with `{user_id,
/// candidate: {id} | null, status}`. A caller already logged in has an account: 409.
pub fn accept(
    ctx: &Ctx,
    actor: Option<&Actor>,
    password: Option<&str>,
    code_hash: &str,
) -> Result<Response, Error> {
    let invitation = candidate_invitations::find_by_code_hash(ctx.db()?, code_hash)?
        .ok_or_else(Error::not_found)?;
    invitations::check_open(
        invitation.accepted_at.is_some(),
        invitation.is_expired(&ctx.clock),
    )?;
    if actor.is_some() {
        return Err(Error::conflict(
            "account_exists",
            "Vous êtes connecté à un compte existant ; cette invitation crée un compte candidat : \
             déconnectez-vous pour l'accepter.",
        ));
    }
    let password_hash = invitations::new_password_hash(password.ok_or(Error::Unauthenticated)?)?;
    let user_id = new_id("usr")?;
    let now = ctx.clock.now_rfc3339();
    ctx.write(|db| {
        // Under the write lock: of two racing acceptances, only the first proceeds.
        if !candidate_invitations::mark_accepted(db, &invitation.id, &now)? {
            return Err(invitations::used());
        }
        let invitee = NewAccount {
            email: &invitation.email,
            first_name: &invitation.first_name,
            last_name: &invitation.last_name,
        };
        invitations::insert_account(db, &user_id, invitee, &password_hash, &now)
            .map_err(invitations::exists_if_taken)?;
        let candidate_id = link_record(db, &invitation, &user_id, &now)?;
        ctx.audit(
            db,
            None,
            "accept_candidate_invitation",
            "candidate_invitation",
            &invitation.id,
            json!({"user_id": user_id, "candidate_id": candidate_id}),
        )?;
        json(
            200,
            &json!({
                "user_id": user_id,
                "candidate": candidate_id.map(|id| json!({"id": id})),
                "status": "active",
            }),
        )
    })
}

/// Gives the new account its candidate record: the one a professional invited for (409 if it
/// got an account meanwhile), or for a self-registration the record with the proven address,
/// when it has no account. `None` when there is no record to link yet: the candidate fills in
/// their identity later (`POST /api/v1/candidates`).
fn link_record(
    db: &Db,
    invitation: &CandidateInvitation,
    user_id: &str,
    now: &str,
) -> Result<Option<String>, Error> {
    let record = match &invitation.candidate_id {
        Some(id) => candidates::find(db, id)?,
        None => {
            let email = Email::parse(&invitation.email)
                .map_err(|e| Error::internal(format!("candidate_invitations.email: {e}")))?;
            candidates::find_by_email(db, &email)?
        }
    };
    match record {
        Some(record) if candidates::link_user(db, &record.id, user_id, now)? => Ok(Some(record.id)),
        Some(_) if invitation.candidate_id.is_some() => Err(has_account()),
        _ => Ok(None),
    }
}

fn has_account() -> Error {
    Error::conflict("candidate_has_account", "Ce candidat a déjà un compte.")
}
