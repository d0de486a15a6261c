//! Who is calling: the bearer token's user, their active memberships and the organization they
//! act for (`X-Organization`, implied with a single membership). Every component uses this.

use crate::http::Ctx;
use crate::ids::sha256_hex;
use crate::repo::{memberships, organizations::Organization, users};
use tremplin_domain::organization::{self, Category, OrgAction, Role};
use tremplin_domain::{Error, FieldErrors};

pub struct Actor {
    pub user: users::User,
    /// The hash of the token this request came with (logout revokes it).
    pub token_hash: String,
    pub memberships: Vec<(Organization, Role)>,
    requested_organization: Option<String>,
}

/// The organization a request acts for, with the caller's role there.
pub struct Acting<'a> {
    pub organization: &'a Organization,
    pub role: Role,
}

pub fn bearer_token(ctx: &Ctx) -> Option<&str> {
    let header = ctx.header("authorization")?;
    let (scheme, token) = header.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

pub fn authenticate(ctx: &Ctx) -> Result<Actor, Error> {
    let token = bearer_token(ctx).ok_or(Error::Unauthenticated)?;
    let token_hash = sha256_hex(token.as_bytes());
    let db = ctx.db()?;
    let (user, memberships) = memberships::session_actor(db, &token_hash, ctx.clock.now_unix())?
        .ok_or(Error::Unauthenticated)?;
    Ok(Actor {
        memberships,
        user,
        token_hash,
        requested_organization: ctx.header("x-organization").map(str::to_owned),
    })
}

impl Actor {
    /// The caller's role in `organization_id`, if an active member.
    pub fn role_in(&self, organization_id: &str) -> Option<Role> {
        self.memberships
            .iter()
            .find(|(o, _)| o.id == organization_id)
            .map(|(_, role)| *role)
    }

    /// R-ORG-6 for an organization named in the path: 404 to non-members (they may not know it
    /// exists), 403 to members whose role does not allow the action.
    pub fn require(&self, organization_id: &str, action: OrgAction) -> Result<Role, Error> {
        let role = self.role_in(organization_id).ok_or_else(Error::not_found)?;
        if organization::may(role, action) {
            Ok(role)
        } else {
            Err(Error::Forbidden {
                detail: "Seuls les administrateurs de l'organisation peuvent faire cela.".into(),
            })
        }
    }

    /// A member of an administration organization (DDETS), who may change authorizations.
    pub fn is_administrator(&self) -> bool {
        self.memberships
            .iter()
            .any(|(o, _)| o.kind.category() == Category::Administration)
    }

    /// Whether the caller's administration covers `department`: an administration organization
    /// with a department (a DDETS) covers that one, one without (the bootstrap's, national)
    /// covers them all. `None` covers only the national administration.
    pub fn administers(&self, department: Option<&str>) -> bool {
        self.memberships
            .iter()
            .filter(|(o, _)| o.kind.category() == Category::Administration)
            .any(|(o, _)| match o.address.department.as_deref() {
                None => true,
                Some(own) => Some(own) == department,
            })
    }

    pub fn require_administrator(&self) -> Result<(), Error> {
        if self.is_administrator() {
            Ok(())
        } else {
            Err(Error::Forbidden {
                detail: "Réservé à l'administration (DDETS).".into(),
            })
        }
    }

    /// The organization this request acts for (API.md `X-Organization`).
    pub fn acting(&self) -> Result<Acting<'_>, Error> {
        let chosen = match (&self.requested_organization, self.memberships.as_slice()) {
            (Some(id), memberships) => {
                memberships
                    .iter()
                    .find(|(o, _)| &o.id == id)
                    .ok_or_else(|| Error::Forbidden {
                        detail: "Vous n'êtes pas membre de l'organisation indiquée.".into(),
                    })?
            }
            (None, [only]) => only,
            (None, []) => {
                return Err(Error::Forbidden {
                    detail: "Votre compte n'est rattaché à aucune organisation.".into(),
                })
            }
            (None, _) => {
                let mut errors = FieldErrors::new();
                errors.insert(
                    "X-Organization".into(),
                    vec!["Indiquez l'organisation pour laquelle vous agissez.".into()],
                );
                return Err(Error::BadRequest {
                    code: "organization_required",
                    detail: "Vous appartenez à plusieurs organisations : précisez l'en-tête X-Organization.".into(),
                    errors,
                });
            }
        };
        Ok(Acting {
            organization: &chosen.0,
            role: chosen.1,
        })
    }
}

/// For endpoints called by the deployment rather than a user (bootstrap, scheduled delivery): the
/// bearer token must equal the secret Spin variable `variable` (empty = endpoint disabled).
/// Compared by hash, so the comparison takes the same time whatever the prefix matched.
pub fn require_deployment_secret(ctx: &Ctx, variable: &str) -> Result<(), Error> {
    let configured = spin_sdk::variables::get(variable)
        .map_err(|e| Error::internal(format!("variable {variable}: {e:?}")))?;
    let presented = bearer_token(ctx).unwrap_or("");
    if configured.is_empty()
        || sha256_hex(presented.as_bytes()) != sha256_hex(configured.as_bytes())
    {
        return Err(Error::Unauthenticated);
    }
    Ok(())
}
