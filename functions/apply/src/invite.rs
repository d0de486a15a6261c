//! `POST /api/v1/candidates/{id}/invitations`: a professional who knows the candidate (R-CAND-6)
//! e-mails them a code to create their own account (issue 7 item 2), to follow their
//! applications and apply themselves. The code goes to the candidate's address only; accepting
//! it (`POST /api/v1/invitations/{code}/accept`, accounts component) creates the account and
//! links this record.

use serde::Deserialize;
use serde_json::json;
use tremplin_domain::date::parse_rfc3339_utc;
use tremplin_domain::Error;
use tremplin_platform::outbox::{self, Message};
use tremplin_platform::repo::candidate_invitations::{self, NewCandidateInvitation};
use tremplin_platform::repo::{candidates, users};
use tremplin_platform::{json, Ctx, Response};

use tremplin_platform::party::{self, Party};

/// A pending invitation is sent again only after this long.
const RESEND_AFTER_SECONDS: i64 = 24 * 3600;

/// Nothing to say: the invitation goes to the candidate's recorded address.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NewInvitation {}

pub fn create(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let organization = party.professional()?;
    let Party::Professional { actor, .. } = &party else {
        return Err(Error::forbidden());
    };
    let NewInvitation {} = ctx.optional_json()?;
    let (visible, _) = crate::candidates::visible(ctx, &party, ctx.param("id"))?;
    ctx.write(|db| {
        // Under the write lock: an account made meanwhile is seen.
        let candidate = candidates::find(db, &visible.id)?.ok_or_else(Error::not_found)?;
        let c = &candidate.candidate;
        if candidate.user_id.is_some() || users::find_by_email(db, c.email.as_str())?.is_some() {
            return Err(Error::conflict(
                "candidate_has_account",
                "Ce candidat a déjà un compte Tremplin (ou son adresse e-mail est celle d'un compte \
                 existant) : il peut s'y connecter.",
            ));
        }
        // One e-mail a day at most: an invitation is a message to a person, not a lever.
        if let Some(latest) = candidate_invitations::latest_pending_for_candidate(db, &candidate.id)? {
            let issued_at = parse_rfc3339_utc(&latest)
                .map_err(|e| Error::internal(format!("candidate_invitations.created_at: {e}")))?;
            if ctx.clock.now_unix() - issued_at < RESEND_AFTER_SECONDS {
                return Err(Error::conflict(
                    "invitation_recently_sent",
                    "Une invitation a déjà été envoyée à ce candidat il y a moins de 24 heures : \
                     elle reste valable, demandez-lui de consulter ses courriels.",
                ));
            }
        }
        let issued = candidate_invitations::issue(
            db,
            &ctx.clock,
            NewCandidateInvitation {
                candidate_id: Some(&candidate.id),
                email: &c.email,
                first_name: &c.first_name,
                last_name: &c.last_name,
                created_by: Some(&actor.user.id),
            },
        )?;
        ctx.audit(
            db,
            Some(&organization.id),
            "invite_candidate",
            "candidate_invitation",
            &issued.id,
            json!({"candidate_id": candidate.id}),
        )?;
        let organization_name = organization
            .profile
            .brand
            .as_deref()
            .unwrap_or(&organization.profile.name);
        let text = format!(
            "Bonjour {},\n\n\
             {} {} ({organization_name}) vous propose de créer votre compte candidat sur \
             Tremplin, le service des parcours d'insertion par l'activité économique : vous y \
             suivrez vos candidatures et pourrez postuler vous-même.\n\n\
             Pour choisir votre mot de passe, ouvrez ce lien (valable jusqu'au {}) :\n{}\n\n\
             Si vous ne vous attendiez pas à ce message, ignorez-le.\n\n\
             L'équipe Tremplin\n",
            c.first_name,
            actor.user.first_name,
            actor.user.last_name,
            &issued.expires_at[..10],
            issued.link,
        );
        outbox::queue(
            ctx,
            db,
            Some(&organization.id),
            Message {
                kind: "candidate_invitation",
                to: &c.email,
                subject: "Créez votre compte Tremplin",
                text: &text,
            },
        )?;
        json(
            201,
            &json!({"email": c.email.as_str(), "expires_at": issued.expires_at}),
        )
    })
}
