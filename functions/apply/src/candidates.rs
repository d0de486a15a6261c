//! Candidates: find or register (R-CAND-1..5), read (R-CAND-6) and "my candidates".
//!
//! Who reads a candidate: the candidate, and the organizations that know them (registered them,
//! found them with matching identity data, sent or received one of their applications). The
//! full NIR only to the candidate and to the organizations R-PASS-10 entitles (a structure that
//! received an application, an authorized prescriber that sent one); masked for the others.

use serde_json::{json, Value};
use tremplin_domain::candidate::{Candidate, CandidateInput, NirOrReason};
use tremplin_domain::page::LIST_PAGE_SIZES;
use tremplin_domain::{search, Email, Error, FieldErrors};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::candidates::{self, StoredCandidate};
use tremplin_platform::throttle::{Scope, ThrottleKeys};
use tremplin_platform::{json, Ctx, Response};

use crate::diagnoses;
use tremplin_platform::party::{self, sees_nir, Party};

/// The candidate as `party` may see them: 404 when it may not know they exist.
pub fn visible(ctx: &Ctx, party: &Party<'_>, id: &str) -> Result<(StoredCandidate, bool), Error> {
    let db = ctx.db()?;
    match party {
        Party::Candidate { record, .. } => record
            .as_ref()
            .filter(|own| own.id == id)
            .map(|own| (own.clone(), true))
            .ok_or_else(Error::not_found),
        Party::Professional { organization, .. } => {
            let contact =
                candidates::contact(db, id, &organization.id)?.ok_or_else(Error::not_found)?;
            let found = candidates::find(db, id)?.ok_or_else(Error::not_found)?;
            Ok((found, sees_nir(ctx, organization, contact)))
        }
    }
}

/// The JSON of a candidate; the NIR masked unless `sees_nir` (R-CAND-6).
pub fn to_json(stored: &StoredCandidate, sees_nir: bool) -> Value {
    let c = &stored.candidate;
    let (nir, reason) = match &c.nir {
        NirOrReason::Nir(nir) if sees_nir => (Some(nir.as_str().to_owned()), None),
        NirOrReason::Nir(nir) => (Some(nir.masked()), None),
        NirOrReason::Reason(_) => (None, c.nir.reason()),
    };
    json!({
        "id": stored.id,
        "title": c.title.as_str(),
        "first_name": c.first_name,
        "last_name": c.last_name,
        "birthdate": c.birthdate,
        "email": c.email,
        "phone": c.phone,
        "nir": nir,
        "nir_masked": nir.is_some() && !sees_nir,
        "lack_of_nir_reason": reason,
        "france_travail_id": c.france_travail.id().map(|id| id.as_str()),
        "lack_of_france_travail_id_reason": c.france_travail.reason(),
        "address": c.address,
        "post_code": c.post_code,
        "city_insee": c.city_insee.as_ref().map(|code| code.as_str()),
        "has_account": stored.user_id.is_some(),
        "created_at": stored.created_at,
    })
}

/// A candidate with the diagnoses the caller may see.
fn full_json(
    db: &Db,
    party: &Party<'_>,
    stored: &StoredCandidate,
    sees_nir: bool,
) -> Result<Value, Error> {
    let mut value = to_json(stored, sees_nir);
    value["diagnoses"] = diagnoses::visible_json(db, party, &stored.id)?;
    Ok(value)
}

/// R-CAND-5: the candidate found by NIR or e-mail; two different candidates is a conflict.
fn find_existing(db: &Db, candidate: &Candidate) -> Result<Option<StoredCandidate>, Error> {
    let by_nir = match candidate.nir.nir() {
        Some(nir) => candidates::find_by_nir(db, nir)?,
        None => None,
    };
    let by_email = candidates::find_by_email(db, &candidate.email)?;
    match (by_nir, by_email) {
        (Some(a), Some(b)) if a.id != b.id => {
            let mut errors = FieldErrors::new();
            for (field, what) in [("nir", "Ce NIR"), ("email", "Cette adresse e-mail")] {
                errors.insert(
                    field.into(),
                    vec![format!(
                        "{what} appartient à un autre candidat déjà enregistré."
                    )],
                );
            }
            Err(Error::Conflict {
                code: "candidate_identity_conflict",
                detail: "Le NIR et l'adresse e-mail désignent deux candidats différents.".into(),
                errors,
            })
        }
        (Some(found), _) => Ok(Some(found)),
        (None, by_email) => Ok(by_email),
    }
}

/// R-CAND-5: contradicting identity data is a 409 naming each field; nothing is overwritten.
fn check_same_person(sent: &Candidate, existing: &StoredCandidate) -> Result<(), Error> {
    let contradictions = sent.contradictions(&existing.candidate);
    if contradictions.is_empty() {
        return Ok(());
    }
    let errors = contradictions
        .into_iter()
        .map(|field| {
            (
                field.to_owned(),
                vec![
                    "Ne correspond pas au candidat déjà enregistré avec ce NIR ou cette adresse e-mail."
                        .to_owned(),
                ],
            )
        })
        .collect();
    Err(Error::Conflict {
        code: "candidate_identity_conflict",
        detail: "Un candidat existe déjà avec ce NIR ou cette adresse e-mail, mais son identité diffère : vérifiez les champs signalés.".into(),
        errors,
    })
}

/// `POST /api/v1/candidates`: finds the candidate by NIR or e-mail (200), or registers them
/// (201). A candidate registers only themselves, under their account's e-mail.
pub fn find_or_create(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    if let Party::Professional { .. } = party {
        party.professional()?;
    }
    let input: CandidateInput = ctx.json()?;
    let candidate = Candidate::parse(input, ctx.clock.today())?;
    if let Party::Candidate { actor, record } = &party {
        if candidate.email.as_str() != actor.user.email {
            return Err(Error::field(
                "email",
                tremplin_domain::Invalid::new(
                    "email_not_yours",
                    "Indiquez l'adresse e-mail de votre compte.",
                ),
            ));
        }
        if let Some(own) = record {
            check_same_person(&candidate, own)?;
            // A NIR their record lacks is not added (nothing is overwritten), and never looked
            // up among the others: that would tell whether someone else holds it.
            if candidate.nir.nir().is_some() && own.candidate.nir.nir().is_none() {
                return Err(Error::Conflict {
                    code: "candidate_identity_conflict",
                    detail: "Votre dossier est enregistré sans NIR : demandez à la personne qui vous accompagne de le compléter.".into(),
                    errors: [("nir".to_owned(), vec!["Votre dossier n'a pas de NIR.".to_owned()])].into(),
                });
            }
        }
    }
    // R-CAND-5's 409 names the fields that differ: mismatches are counted per professional and
    // address, like failed logins, so that it never becomes a way to guess a birthdate.
    let mismatches = match &party {
        Party::Professional { actor, .. } => Some(ThrottleKeys::new(
            Scope::CandidateMismatch,
            &Email::parse(&actor.user.email)
                .map_err(|e| Error::internal(format!("users.email: {e}")))?,
            &ctx.client_ip(),
        )),
        Party::Candidate { .. } => None,
    };
    let now_ms = ctx.clock.now_unix() * 1000;
    if let Some(keys) = &mismatches {
        keys.check(ctx.db()?, now_ms)?;
    }
    let now = ctx.clock.now_rfc3339();
    let result = ctx.write(|db| {
        // A candidate with a record is answered from it alone.
        let existing = match &party {
            Party::Candidate { record: Some(own), .. } => Some(own.clone()),
            _ => find_existing(db, &candidate)?,
        };
        let (stored, status, action) = match existing {
            Some(existing) => {
                // A candidate's account takes only the record of its own proven e-mail: a NIR
                // match with another address gets nothing, not even which field differs.
                if let Party::Candidate { actor, .. } = &party {
                    if existing.candidate.email.as_str() != actor.user.email {
                        return Err(Error::conflict(
                            "candidate_exists",
                            "Un dossier candidat existe déjà pour cette identité : demandez à la personne qui vous accompagne de vous inviter depuis ce dossier.",
                        ));
                    }
                }
                check_same_person(&candidate, &existing)?;
                (existing, 200, "find_candidate")
            }
            None => {
                let id = new_id("cand")?;
                let user_id = match &party {
                    Party::Candidate { actor, .. } => Some(actor.user.id.as_str()),
                    Party::Professional { .. } => None,
                };
                candidates::insert(db, &id, &candidate, user_id, Some(party.user_id()), &now)?;
                let stored = candidates::find(db, &id)?.ok_or_else(|| Error::internal("candidate just inserted"))?;
                (stored, 201, "create_candidate")
            }
        };
        let sees_nir = match &party {
            Party::Professional { organization, .. } => {
                candidates::add_contact(db, &stored.id, &organization.id, false, &now)?;
                let contact = candidates::contact(db, &stored.id, &organization.id)?;
                sees_nir(ctx, organization, contact.unwrap_or(false))
            }
            Party::Candidate { actor, .. } => {
                if stored.user_id.as_deref() != Some(actor.user.id.as_str())
                    && !candidates::link_user(db, &stored.id, &actor.user.id, &now)?
                {
                    return Err(Error::conflict(
                        "candidate_has_account",
                        "Ce candidat a déjà un compte.",
                    ));
                }
                true
            }
        };
        let organization_id = party.organization().map(|o| o.id.as_str());
        ctx.audit(db, organization_id, action, "candidate", &stored.id, json!({}))?;
        let stored = candidates::find(db, &stored.id)?.ok_or_else(Error::not_found)?;
        let mut response = json(status, &full_json(db, &party, &stored, sees_nir)?)?;
        response.set_header("location", format!("/api/v1/candidates/{}", stored.id));
        Ok(response)
    });
    if let (
        Some(keys),
        Err(Error::Conflict {
            code: "candidate_identity_conflict",
            ..
        }),
    ) = (&mismatches, &result)
    {
        // After the rollback: the count is all this request writes.
        keys.reserve(ctx.db()?, now_ms)?;
    }
    result
}

/// `GET /api/v1/candidates/{id}`.
pub fn read(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let (stored, sees_nir) = visible(ctx, &party, ctx.param("id"))?;
    json(200, &full_json(ctx.db()?, &party, &stored, sees_nir)?)
}

/// The longest name search accepted (`q`).
const QUERY_MAX_CHARS: usize = 100;

/// `GET /api/v1/candidates?q=`: the candidates the caller's organization applied for, by name.
pub fn mine(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let organization = party.professional()?;
    let q = ctx.query_param("q").unwrap_or_default();
    if q.chars().count() > QUERY_MAX_CHARS {
        return Err(Error::query(
            "q",
            tremplin_domain::Invalid::new(
                "invalid_query",
                format!("La recherche fait au plus {QUERY_MAX_CHARS} caractères."),
            ),
        ));
    }
    let page = ctx.page(LIST_PAGE_SIZES)?;
    let db = ctx.db()?;
    let (found, count) = candidates::sent_for(
        db,
        &organization.id,
        &search::normalize(&q),
        page.size().into(),
        page.offset(),
    )?;
    let mut results = Vec::with_capacity(found.len());
    for stored in &found {
        let contact = candidates::contact(db, &stored.id, &organization.id)?.unwrap_or(false);
        results.push(to_json(stored, sees_nir(ctx, organization, contact)));
    }
    json(200, &page.envelope(&results, count))
}
