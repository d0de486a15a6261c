//! Who is calling: a professional acting for an organization, or a candidate with their own
//! account (R-APPLY-1), and what R-PASS-10 entitles them to. The apply and pass workflows'
//! handlers start here.

use crate::auth::Actor;
use crate::repo::candidates::{self, StoredCandidate};
use crate::repo::memberships;
use crate::repo::organizations::Organization;
use crate::Ctx;
use tremplin_domain::organization::Category;
use tremplin_domain::Error;

pub enum Party<'a> {
    Professional {
        actor: &'a Actor,
        organization: &'a Organization,
    },
    /// A candidate's account; `record` is `None` until they filled in their identity.
    Candidate {
        actor: &'a Actor,
        record: Option<StoredCandidate>,
    },
}

/// The caller: members act for their organization (`X-Organization`); an account without an
/// active membership is a candidate's if it holds a candidate record or never had a membership.
/// A professional whose memberships were all ended or are pending is neither: 403, never a
/// candidate space under a work address.
pub fn of(ctx: &Ctx) -> Result<Party<'_>, Error> {
    let actor = ctx.actor()?;
    if actor.memberships.is_empty() {
        let record = candidates::find_by_user(ctx.db()?, &actor.user.id)?;
        if record.is_none() && memberships::has_any(ctx.db()?, &actor.user.id)? {
            return Err(Error::Forbidden {
                detail: "Votre compte n'est plus rattaché à aucune organisation active.".into(),
            });
        }
        return Ok(Party::Candidate { actor, record });
    }
    let organization = actor.acting()?.organization;
    Ok(Party::Professional {
        actor,
        organization,
    })
}

impl Party<'_> {
    pub fn user_id(&self) -> &str {
        &self.actor().user.id
    }

    pub fn actor(&self) -> &Actor {
        match self {
            Party::Professional { actor, .. } | Party::Candidate { actor, .. } => actor,
        }
    }

    /// The organization acted for; `None` for a candidate.
    pub fn organization(&self) -> Option<&Organization> {
        match self {
            Party::Professional { organization, .. } => Some(organization),
            Party::Candidate { .. } => None,
        }
    }

    /// For routes only professionals use.
    pub fn professional(&self) -> Result<&Organization, Error> {
        match self {
            Party::Professional { organization, .. }
                if organization.kind.category() != Category::Administration =>
            {
                Ok(organization)
            }
            _ => Err(Error::Forbidden {
                detail: "Réservé aux prescripteurs, orienteurs et structures.".into(),
            }),
        }
    }
}

/// R-PASS-10, decided today: a structure that received an application keeps the NIR and the
/// PASS; a prescriber organization that sent one as authorized sees them only while still
/// authorized. `entitled_by_application` is its contact's `sees_nir` (0008's triggers).
pub fn sees_nir(ctx: &Ctx, organization: &Organization, entitled_by_application: bool) -> bool {
    entitled_by_application
        && (organization.kind.category() != Category::Prescriber
            || organization.is_authorized(ctx.clock.today()))
}

/// What R-PASS-10 gives the caller over a candidate's PASS.
pub enum Entitlement {
    Entitled,
    /// An organization that knows the candidate (R-CAND-6) without the right to their PASS.
    KnowsTheCandidate,
    Stranger,
}

/// R-PASS-10 for `party` over the candidate `candidate_id`'s PASS, today.
pub fn entitlement(ctx: &Ctx, party: &Party<'_>, candidate_id: &str) -> Result<Entitlement, Error> {
    Ok(match party {
        Party::Candidate { record, .. } => match record {
            Some(own) if own.id == candidate_id => Entitlement::Entitled,
            _ => Entitlement::Stranger,
        },
        Party::Professional { organization, .. } => {
            match candidates::contact(ctx.db()?, candidate_id, &organization.id)? {
                Some(contact) if sees_nir(ctx, organization, contact) => Entitlement::Entitled,
                Some(_) => Entitlement::KnowsTheCandidate,
                None => Entitlement::Stranger,
            }
        }
    })
}
