//! A PASS IAE as its readers see it. R-PASS-10: the candidate, a structure that received one of
//! their applications, an authorized prescriber that sent one (while still authorized) — the
//! same people who see the NIR; anyone may check a number (number, dates and state only). By
//! number, anyone else gets a 404, as for a number never issued.
//! A cancelled PASS (R-PASS-7) is gone: 404, its number only stays taken.

use serde_json::json;
use tremplin_domain::Error;
use tremplin_platform::party::{self, entitlement, Entitlement};
use tremplin_platform::pass_acts;
use tremplin_platform::repo::passes::{self, StoredPass};
use tremplin_platform::repo::{candidates, prolongations, suspensions};
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
                "details": line.details,
            })
        })
        .collect();
    let today = ctx.clock.today();
    let mut value = json!(passes::summary(db, &stored, today)?);
    value["candidate"] = json!({
        "id": candidate.id,
        "title": c.title.as_str(),
        "first_name": c.first_name,
        "last_name": c.last_name,
        "birthdate": c.birthdate,
    });
    value["hires"] = json!(passes::hires(db, &stored.id)?);
    value["suspensions"] = json!(suspensions::of_pass(db, &stored.id)?
        .iter()
        .map(|s| json!({
            "id": s.suspension.id,
            "start_at": s.suspension.dates.start(),
            "end_at": s.suspension.dates.end(),
            "reason": s.reason.code,
            "reason_label": s.reason.label,
            "explanation": s.explanation,
            "organization": {"id": s.organization.0, "name": s.organization.1},
            "created_at": s.created_at,
            "updated_at": s.updated_at,
            "in_progress": s.suspension.in_progress(today),
        }))
        .collect::<Vec<_>>());
    value["prolongations"] = json!(prolongations::granted_of_pass(db, &stored.id)?
        .iter()
        .map(|p| json!({
            "id": p.id,
            "start_at": p.dates.start(),
            "end_at": p.dates.end(),
            "reason": p.rule.reason,
            "reason_label": p.rule.label,
            "explanation": p.explanation,
            "structure": {"id": p.structure.0, "name": p.structure.1},
            "request_id": p.request_id,
            "created_at": p.created_at,
        }))
        .collect::<Vec<_>>());
    value["prolongation_requests"] = json!(prolongations::requests_of_pass(db, &stored.id)?
        .iter()
        .map(|r| json!({
            "id": r.id,
            "state": r.state.as_str(),
            "state_label": r.state.label(),
            "reason": r.rule.reason,
            "reason_label": r.rule.label,
            "start_at": r.dates.start(),
            "end_at": r.dates.end(),
            "structure": {"id": r.structure.0, "name": r.structure.1},
            "prescriber_organization": {"id": r.prescriber.0, "name": r.prescriber.1},
            "created_at": r.created_at,
            "decided_at": r.decided_at,
        }))
        .collect::<Vec<_>>());
    value["history"] = json!(history);
    json(200, &value)
}

/// `GET /api/v1/passes/{number}/check`: public, for an employer or a service checking a PASS
/// someone shows them.
pub fn check(ctx: &Ctx) -> Result<Response, Error> {
    let stored = by_number(ctx)?;
    let summary = passes::summary(ctx.db()?, &stored, ctx.clock.today())?;
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
    let (db, today) = (ctx.db()?, ctx.clock.today());
    let results = passes::of_candidate(db, candidate_id)?
        .iter()
        .map(|p| passes::summary(db, p, today))
        .collect::<Result<Vec<_>, Error>>()?;
    json(200, &json!({ "results": results }))
}

fn by_number(ctx: &Ctx) -> Result<StoredPass, Error> {
    pass_acts::by_number(ctx)?.ok_or_else(Error::not_found)
}
