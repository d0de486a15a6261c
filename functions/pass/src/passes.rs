//! A PASS IAE as its readers see it. R-PASS-10: the candidate, a structure that received one of
//! their applications, an authorized prescriber that sent one (while still authorized) — the
//! same people who see the NIR; anyone may check a number (number, dates and state only). By
//! number, anyone else gets a 404, as for a number never issued.
//! A cancelled PASS (R-PASS-7) is gone: 404, its number only stays taken.

use serde_json::json;
use tremplin_domain::{Error, PassNumber};
use tremplin_platform::party::{self, sees_nir, Party};
use tremplin_platform::repo::candidates;
use tremplin_platform::repo::passes::{self, StoredPass};
use tremplin_platform::{json, Ctx, Response};

/// `GET /api/v1/passes/{number}`: the full record at the clock's date, with its hires and its
/// history.
pub fn read(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let stored = by_number(ctx)?;
    // By number, a 403 would tell an organization which numbers are its candidates': 404.
    if !matches!(
        entitlement(ctx, &party, &stored.candidate_id)?,
        Entitlement::Entitled
    ) {
        return Err(Error::not_found());
    }
    let db = ctx.db()?;
    let candidate = candidates::find(db, &stored.candidate_id)?
        .ok_or_else(|| Error::internal("PASS candidate"))?;
    let c = &candidate.candidate;
    let history: Vec<_> = passes::history(db, &stored.id)?
        .into_iter()
        .map(|line| {
            json!({
                "at": line.at,
                "action": line.event.as_str(),
                "label": line.event.label(),
                "organization": line.organization.map(|(id, name)| json!({"id": id, "name": name})),
            })
        })
        .collect();
    let mut value = json!(stored.pass.summary(ctx.clock.today(), &[]));
    value["candidate"] = json!({
        "id": candidate.id,
        "title": c.title.as_str(),
        "first_name": c.first_name,
        "last_name": c.last_name,
        "birthdate": c.birthdate,
    });
    value["hires"] = json!(passes::hires(db, &stored.id)?);
    value["suspensions"] = json!([]);
    value["prolongations"] = json!([]);
    value["history"] = json!(history);
    json(200, &value)
}

/// `GET /api/v1/passes/{number}/check`: public, for an employer or a service checking a PASS
/// someone shows them.
pub fn check(ctx: &Ctx) -> Result<Response, Error> {
    let stored = by_number(ctx)?;
    let summary = stored.pass.summary(ctx.clock.today(), &[]);
    json(
        200,
        &json!({
            "number": summary.number,
            "start_at": summary.start_at,
            "end_at": summary.end_at,
            "state": summary.state,
        }),
    )
}

/// `GET /api/v1/candidates/{id}/passes`: newest first.
pub fn of_candidate(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let candidate_id = ctx.param("id");
    match entitlement(ctx, &party, candidate_id)? {
        Entitlement::Entitled => {}
        Entitlement::KnowsTheCandidate => {
            return Err(Error::Forbidden {
                detail: "Seuls le candidat, les structures qui ont reçu une de ses candidatures \
                    et les prescripteurs habilités qui en ont envoyé une consultent ses PASS IAE \
                    (R-PASS-10)."
                    .into(),
            })
        }
        Entitlement::Stranger => return Err(Error::not_found()),
    }
    let today = ctx.clock.today();
    let results: Vec<_> = passes::of_candidate(ctx.db()?, candidate_id)?
        .iter()
        .map(|p| p.pass.summary(today, &[]))
        .collect();
    json(200, &json!({ "results": results }))
}

fn by_number(ctx: &Ctx) -> Result<StoredPass, Error> {
    let number = PassNumber::parse(ctx.param("number"))
        .map_err(|invalid| Error::query("number", invalid))?;
    passes::find_by_number(ctx.db()?, &number)?.ok_or_else(Error::not_found)
}

/// What R-PASS-10 gives the caller over a candidate's PASS.
enum Entitlement {
    Entitled,
    /// An organization that knows the candidate (R-CAND-6) without the right to their PASS.
    KnowsTheCandidate,
    Stranger,
}

fn entitlement(ctx: &Ctx, party: &Party<'_>, candidate_id: &str) -> Result<Entitlement, Error> {
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
