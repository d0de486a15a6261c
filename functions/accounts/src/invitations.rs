//! Invitations (R-ORG-7): any member (or the administration) invites a colleague by e-mail;
//! accepting adds or reactivates the membership, creating the account when there is none.
//! The accept route also takes a candidate's code (`crate::candidates`); both share the checks
//! of [`check_open`] and the account creation of [`insert_account`].
//! The code is e-mailed to the invitee through the outbox, never returned to the inviter.

use serde::Deserialize;
use tremplin_domain::organization::{self, Category, OrgAction, Role, INVITATION_MAX_PENDING};
use tremplin_domain::{Email, Error, FieldErrors};
use tremplin_platform::auth::bearer_token;
use tremplin_platform::db::Db;
use tremplin_platform::ids::{new_id, new_secret, sha256_hex};
use tremplin_platform::repo::invitations::{self, Invitation, NewInvitation};
use tremplin_platform::repo::memberships::{self, Membership, Status};
use tremplin_platform::repo::{organizations, users};
use tremplin_platform::{json, outbox, Ctx, Response};

use crate::{candidates, password};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewInvitationBody {
    email: String,
    first_name: String,
    last_name: String,
    #[serde(default)]
    valid_days: Option<i64>,
}

/// A trimmed person's name, 1–150 characters on one line.
pub fn name(field: &str, value: &str, errors: &mut FieldErrors) -> String {
    let characters = tremplin_domain::text::single_line(value);
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 150 {
        errors.insert(
            field.into(),
            vec!["Doit comporter entre 1 et 150 caractères.".into()],
        );
    } else if let Err(invalid) = characters {
        // A name goes into e-mail greetings and the CSV export.
        errors.insert(field.into(), vec![invalid.message]);
    }
    value.to_owned()
}

pub fn create(ctx: &Ctx) -> Result<Response, Error> {
    let actor = ctx.actor()?;
    let id = ctx.param("id").to_owned();
    if !actor.is_administrator() {
        actor.require(&id, OrgAction::InviteColleague)?;
    }
    let body: NewInvitationBody = ctx.json()?;
    let mut errors = FieldErrors::new();
    let email =
        Email::parse(&body.email).map_err(|e| errors.insert("email".into(), vec![e.message]));
    let first_name = name("first_name", &body.first_name, &mut errors);
    let last_name = name("last_name", &body.last_name, &mut errors);
    let days = organization::invitation_validity_days(body.valid_days)
        .map_err(|e| errors.insert("valid_days".into(), vec![e.message]));
    let (Ok(email), Ok(days), true) = (email, days, errors.is_empty()) else {
        return Err(Error::fields(errors));
    };
    let organization = organizations::find(ctx.db()?, &id)?.ok_or_else(Error::not_found)?;
    let organization_name = organization
        .profile
        .brand
        .as_deref()
        .unwrap_or(&organization.profile.name);
    let code = new_secret()?;
    let invitation_id = new_id("inv")?;
    let expires_at = invitations::expires_at(&ctx.clock, days);
    ctx.write(|db| {
        let now = ctx.clock.now_rfc3339();
        if invitations::count_pending(db, &id, &invitations::now(&ctx.clock))?
            >= INVITATION_MAX_PENDING
        {
            return Err(Error::conflict(
                "too_many_invitations",
                format!(
                    "Cette organisation a déjà {INVITATION_MAX_PENDING} invitations en attente."
                ),
            ));
        }
        invitations::insert(
            db,
            NewInvitation {
                id: &invitation_id,
                code_hash: &sha256_hex(code.as_bytes()),
                organization_id: &id,
                email: email.as_str(),
                first_name: &first_name,
                last_name: &last_name,
                expires_at: &expires_at,
                created_by: &actor.user.id,
                now: &now,
            },
        )?;
        ctx.audit(
            db,
            Some(&id),
            "invite",
            "invitation",
            &invitation_id,
            serde_json::json!({}),
        )?;
        // The code goes to the invitee's mailbox only: holding it proves the address (R-ORG-7).
        let text = invitation_text(
            &first_name,
            &format!("{} {}", actor.user.first_name, actor.user.last_name),
            organization_name,
            &format!("{}/invitation.html?code={code}", outbox::app_url()?),
            &expires_at,
        );
        outbox::queue(
            ctx,
            db,
            Some(&id),
            outbox::Message {
                kind: "invitation",
                to: &email,
                subject: &invitation_subject(organization_name),
                text: &text,
            },
        )?;
        json(
            201,
            &serde_json::json!({
                "id": invitation_id,
                "organization_id": id,
                "email": email.as_str(),
                "first_name": first_name,
                "last_name": last_name,
                "expires_at": expires_at,
            }),
        )
    })
}

/// Names go up to 255 characters, a subject too: a long name is cut so the subject fits.
fn invitation_subject(organization: &str) -> String {
    const NAME_IN_SUBJECT: usize = 200;
    let name: String = organization.chars().take(NAME_IN_SUBJECT).collect();
    let cut = if name.len() < organization.len() {
        "…"
    } else {
        ""
    };
    format!("Invitation à rejoindre {name}{cut} sur Tremplin")
}

fn invitation_text(
    first_name: &str,
    inviter: &str,
    organization: &str,
    link: &str,
    expires_at: &str,
) -> String {
    format!(
        "Bonjour {first_name},\n\n\
         {inviter} vous invite à rejoindre {organization} sur Tremplin, le service des \
         prescriptions de parcours d'insertion par l'activité économique.\n\n\
         Pour accepter, ouvrez ce lien (valable jusqu'au {}) :\n{link}\n\n\
         Si vous ne vous attendiez pas à cette invitation, ignorez ce message.\n\n\
         L'équipe Tremplin\n",
        &expires_at[..10]
    )
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Acceptance {
    /// Only for someone without an account yet: the account is created with it.
    #[serde(default)]
    password: Option<String>,
}

pub fn accept(ctx: &Ctx) -> Result<Response, Error> {
    let acceptance: Acceptance = ctx.optional_json()?;
    let actor = bearer_token(ctx).map(|_| ctx.actor()).transpose()?;
    let code_hash = sha256_hex(ctx.param("code").as_bytes());
    // One route for both kinds of code: a candidate's creates a candidate account.
    let Some(invitation) = invitations::find_by_code_hash(ctx.db()?, &code_hash)? else {
        return candidates::accept(ctx, actor, acceptance.password.as_deref(), &code_hash);
    };
    let now = ctx.clock.now_rfc3339();
    check_open(
        invitation.accepted_at.is_some(),
        invitation.is_expired(&ctx.clock),
    )?;
    let new_password_hash = match (actor, &acceptance.password) {
        (Some(actor), _) if actor.user.email != invitation.email => {
            return Err(Error::Forbidden {
                detail: "Cette invitation est adressée à une autre adresse e-mail.".into(),
            })
        }
        (Some(_), _) => None,
        (None, None) => return Err(Error::Unauthenticated),
        (None, Some(password)) => Some(new_password_hash(password)?),
    };
    let new_user_id = new_id("usr")?;
    ctx.write(|db| {
        // Re-read under the write lock: of two racing acceptances, only the first proceeds.
        if invitations::find_by_code_hash(db, &code_hash)?.is_some_and(|i| i.accepted_at.is_some())
        {
            return Err(used());
        }
        let user_id = match (&new_password_hash, actor) {
            (_, Some(actor)) => actor.user.id.clone(),
            (Some(hash), None) => {
                let invitee = NewAccount {
                    email: &invitation.email,
                    first_name: &invitation.first_name,
                    last_name: &invitation.last_name,
                };
                insert_account(db, &new_user_id, invitee, hash, &now).map_err(exists_if_taken)?;
                new_user_id.clone()
            }
            (None, None) => return Err(Error::Unauthenticated),
        };
        let role = accepted_role(db, &invitation, &user_id)?;
        let membership = Membership {
            user_id: user_id.clone(),
            organization_id: invitation.organization_id.clone(),
            role,
            status: Status::Active,
        };
        memberships::upsert(db, &membership, Some(&user_id), &now)?;
        invitations::mark_accepted(db, &invitation.id, &user_id, &now)?;
        ctx.audit(
            db,
            Some(&invitation.organization_id),
            "accept_invitation",
            "invitation",
            &invitation.id,
            serde_json::json!({"user_id": user_id, "role": role.as_str()}),
        )?;
        // 201 when the answer created the account, 200 when it joined an existing one.
        json(
            if new_password_hash.is_some() && actor.is_none() {
                201
            } else {
                200
            },
            &serde_json::json!({
                "organization_id": invitation.organization_id,
                "user_id": user_id,
                "role": role.as_str(),
                "status": "active",
            }),
        )
    })
}

/// Any code, an organization's or a candidate's, is accepted once and before it expires.
pub fn check_open(accepted: bool, expired: bool) -> Result<(), Error> {
    if accepted {
        return Err(used());
    }
    if expired {
        return Err(Error::Unprocessable {
            code: "invitation_expired",
            detail: "Cette invitation a expiré : demandez-en une nouvelle.".into(),
            errors: FieldErrors::new(),
        });
    }
    Ok(())
}

/// An invitation someone already accepted (perhaps a racing request).
pub fn used() -> Error {
    Error::conflict("invitation_used", "Cette invitation a déjà été acceptée.")
}

/// The hash of the password chosen by whoever accepts a code without an account yet (hashed
/// before the write transaction: Argon2 is slow by design).
pub fn new_password_hash(password: &str) -> Result<String, Error> {
    password::check_new(password).map_err(|e| Error::field("password", e))?;
    password::hash(password)
}

/// Who an account is created for: for an accepted code, the address and names it was sent with.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
}

/// A new active user nobody created (the bootstrap, the import, an accepted code); a taken
/// e-mail is `users::insert`'s 409.
pub fn insert_account(
    db: &Db,
    id: &str,
    account: NewAccount<'_>,
    password_hash: &str,
    now: &str,
) -> Result<(), Error> {
    users::insert(
        db,
        users::NewUser {
            id,
            email: account.email,
            first_name: account.first_name,
            last_name: account.last_name,
            password_hash,
            created_by: None,
            now,
        },
    )
}

/// For [`insert_account`] on accepting a code without an account: the address was proven by
/// the code, so a taken one got its account meanwhile — a 409 `account_exists`.
pub fn exists_if_taken(error: Error) -> Error {
    match error {
        Error::Conflict { .. } => account_exists(),
        other => other,
    }
}

fn account_exists() -> Error {
    Error::conflict(
        "account_exists",
        "Un compte existe déjà pour cette adresse : connectez-vous puis acceptez l'invitation.",
    )
}

/// The role the invitee has once the invitation is accepted (R-ORG-6, R-ORG-7), decided under the
/// write lock. An active member keeps their role. Anyone else joins as a member, or as admin when
/// the organization has no active member (the first member becomes admin): a former admin's role
/// is never restored. An inactive membership — an access request refused or a member
/// deactivated, both an admin's decision — is reopened only by an invitation from someone who,
/// now, is an admin of the organization or belongs to the administration.
fn accepted_role(db: &Db, invitation: &Invitation, user_id: &str) -> Result<Role, Error> {
    let organization_id = &invitation.organization_id;
    match memberships::find(db, organization_id, user_id)?.map(|m| (m.status, m.role)) {
        Some((Status::Active, role)) => return Ok(role),
        Some((Status::Inactive, _)) if !inviter_is_admin(db, invitation)? => {
            return Err(Error::Forbidden {
                detail: "Votre accès à cette organisation a été refusé ou retiré par un \
                         administrateur : seule l'invitation d'un administrateur peut le rouvrir."
                    .into(),
            })
        }
        Some((Status::Inactive | Status::Pending, _)) | None => {}
    }
    Ok(match memberships::count_active(db, organization_id)? {
        0 => Role::Admin,
        _ => Role::Member,
    })
}

fn inviter_is_admin(db: &Db, invitation: &Invitation) -> Result<bool, Error> {
    let inviter = &invitation.created_by;
    let role = memberships::find(db, &invitation.organization_id, inviter)?
        .filter(|m| m.status == Status::Active)
        .map(|m| m.role);
    Ok(role == Some(Role::Admin)
        || memberships::active_for_user(db, inviter)?
            .iter()
            .any(|(organization, _)| organization.kind.category() == Category::Administration))
}
