//! Prolongation requests (R-PROL-4): the structure and the prescriber organization list them;
//! any member of that organization, while it is authorized, grants or denies one. A grant
//! re-checks that the prolongation still starts on the PASS end and overlaps none: else 409,
//! and the request stays pending. The structure that asked may withdraw it while pending (our
//! reading, README "Suspensions and prolongations").

use serde::Deserialize;
use serde_json::{json, Value};
use tremplin_domain::application::required_text;
use tremplin_domain::error::collect;
use tremplin_domain::organization::Category;
use tremplin_domain::page::LIST_PAGE_SIZES;
use tremplin_domain::pass::PassEvent;
use tremplin_domain::prolongation::{self, Denial, RequestState, DENY_REASONS, PROPOSED_ACTIONS};
use tremplin_domain::{Error, FieldErrors};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::pass_acts::{self, act, Hires, Plan};
use tremplin_platform::repo::organizations::Organization;
use tremplin_platform::repo::passes;
use tremplin_platform::repo::prolongations::{self as repo, Outcome, Request, Side};
use tremplin_platform::{json, prolongation_notices, Ctx, Response};

use crate::prolongations::{Facts, Prolong};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Empty {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DenyBody {
    reason: String,
    explanation: String,
    #[serde(default)]
    proposed_actions: Vec<String>,
}

fn label(table: &[(&'static str, &'static str)], code: &str) -> Value {
    let label = table.iter().find(|(c, _)| *c == code).map(|(_, l)| *l);
    json!({"code": code, "label": label})
}

fn to_json(request: &Request) -> Value {
    json!({
        "id": request.id,
        "state": request.state.as_str(),
        "state_label": request.state.label(),
        "reason": request.rule.reason,
        "reason_label": request.rule.label,
        "start_at": request.dates.start(),
        "end_at": request.dates.end(),
        "explanation": request.explanation,
        "pass": {"number": request.pass_number, "end_at": request.pass_end},
        "candidate": {"id": request.candidate_id, "first_name": request.candidate_name.0,
            "last_name": request.candidate_name.1},
        "structure": {"id": request.structure.0, "name": request.structure.1},
        "prescriber_organization": {"id": request.prescriber.0, "name": request.prescriber.1},
        "assigned_to_email": request.assigned_to.1,
        "created_at": request.created_at,
        "reminders_sent": request.reminders_sent,
        "decided_at": request.decided_at,
        "deny_reason": request.deny_reason.as_deref().map(|c| label(DENY_REASONS, c)),
        "deny_explanation": request.deny_explanation,
        "proposed_actions": request.proposed_actions.iter().map(|c| label(PROPOSED_ACTIONS, c)).collect::<Vec<_>>(),
    })
}

/// Whose requests the caller sees: a prescriber organization those addressed to it while it is
/// authorized (R-ORG-4: once it is no longer, it is treated as any orienteur), a structure those
/// it made.
fn side<'a>(ctx: &Ctx, organization: &'a Organization) -> Result<Side<'a>, Error> {
    match organization.kind.category() {
        Category::Prescriber if organization.is_authorized(ctx.clock.today()) => {
            Ok(Side::To(&organization.id))
        }
        Category::Prescriber => Err(Error::Forbidden {
            detail: "Votre organisation n'est pas habilitée : elle ne reçoit ni ne lit de demande \
                de prolongation (R-PROL-4, R-ORG-4)."
                .into(),
        }),
        Category::Structure => Ok(Side::From(&organization.id)),
        Category::Administration => Err(Error::forbidden()),
    }
}

/// `GET /api/v1/prolongation-requests?state=`: newest first, paged.
pub fn list(ctx: &Ctx) -> Result<Response, Error> {
    let organization = ctx.actor()?.acting()?.organization;
    let side = side(ctx, organization)?;
    let state = ctx
        .query_param("state")
        .map(|s| RequestState::parse(&s))
        .transpose()
        .map_err(|invalid| Error::query("state", invalid))?;
    let page = ctx.page(LIST_PAGE_SIZES)?;
    let (requests, count) = repo::requests(
        ctx.db()?,
        side,
        state,
        i64::from(page.size()),
        page.offset(),
    )?;
    let results: Vec<Value> = requests.iter().map(to_json).collect();
    json(200, &page.envelope(&results, count))
}

/// The request of the route's `:id` for one of its two parties (the organization asked while
/// authorized, 403 after); 404 for anyone else.
fn party_request(ctx: &Ctx) -> Result<(&Organization, Request), Error> {
    let organization = ctx.actor()?.acting()?.organization;
    let side = side(ctx, organization)?;
    let request = repo::find_request(ctx.db()?, ctx.param("id"))?
        .filter(|r| match side {
            Side::To(id) => r.prescriber.0 == id,
            Side::From(id) => r.structure.0 == id,
        })
        .ok_or_else(Error::not_found)?;
    Ok((organization, request))
}

/// `GET /api/v1/prolongation-requests/{id}`.
pub fn read(ctx: &Ctx) -> Result<Response, Error> {
    let (_, request) = party_request(ctx)?;
    json(200, &to_json(&request))
}

/// The deciding organization: the one asked, authorized today (R-PROL-4, R-ORG-4), by a
/// person who is not also a member of the structure that asked (no one approves their own
/// request by switching `X-Organization`).
fn decider(ctx: &Ctx) -> Result<(&Organization, Request), Error> {
    let (organization, request) = party_request(ctx)?;
    let actor = ctx.actor()?;
    if request.prescriber.0 != organization.id || !organization.is_authorized(ctx.clock.today()) {
        return Err(Error::Forbidden {
            detail: "Seuls les membres de l'organisation prescriptrice habilitée sollicitée \
                répondent à la demande (R-PROL-4)."
                .into(),
        });
    }
    if actor.role_in(&request.structure.0).is_some() {
        return Err(Error::Forbidden {
            detail: "Vous êtes aussi membre de la structure qui demande la prolongation : un \
                autre membre de votre organisation prescriptrice y répond."
                .into(),
        });
    }
    Ok((organization, request))
}

/// The request, if still pending (read in the act's transaction: of two racing answers, the
/// second finds it decided).
fn still_pending(request: Request) -> Result<Request, Error> {
    if request.state != RequestState::Pending {
        return Err(already_decided(request.state));
    }
    Ok(request)
}

fn already_decided(state: RequestState) -> Error {
    Error::Conflict {
        code: "request_already_decided",
        detail: match state {
            RequestState::Withdrawn => "La structure a retiré cette demande.".to_owned(),
            _ => format!("La demande a déjà reçu une réponse : {}.", state.label()),
        },
        errors: FieldErrors::from([("state".to_owned(), vec![state.as_str().to_owned()])]),
    }
}

/// The request as it is once ended by `outcome` at `now`, for the answer.
fn ended(request: &Request, outcome: &Outcome<'_>, now: &str) -> Request {
    let mut ended = request.clone();
    ended.decided_at = Some(now.to_owned());
    match outcome {
        Outcome::Granted => ended.state = RequestState::Granted,
        Outcome::Denied(denial, explanation) => {
            ended.state = RequestState::Denied;
            ended.deny_reason = Some(denial.reason.to_owned());
            ended.deny_explanation = Some((*explanation).to_owned());
            ended.proposed_actions = denial
                .proposed_actions
                .iter()
                .map(|&a| a.to_owned())
                .collect();
        }
        Outcome::Withdrawn => ended.state = RequestState::Withdrawn,
    }
    ended
}

/// Ends the pending request under the lock (a lost race is impossible there).
fn end_request(
    ctx: &Ctx,
    db: &Db,
    request: &Request,
    outcome: &Outcome<'_>,
    now: &str,
) -> Result<(), Error> {
    if !repo::decide_request(db, &request.id, outcome, now, ctx.actor_id())? {
        return Err(Error::internal("pending request decided under the lock"));
    }
    Ok(())
}

/// A grant: the request decided and its prolongation recorded.
struct Grant {
    request: Request,
    prolong: Prolong,
    prescriber_id: String,
    now: String,
}

impl Plan for Grant {
    type Answer = Value;

    fn answer(&self) -> Value {
        let mut granted = ended(&self.request, &Outcome::Granted, &self.now);
        granted.pass_end = self.prolong.dates.end();
        let mut value = to_json(&granted);
        value["prolongation"] = self.prolong.answer();
        value
    }

    fn apply(&self, ctx: &Ctx, db: &Db) -> Result<(), Error> {
        end_request(ctx, db, &self.request, &Outcome::Granted, &self.now)?;
        self.prolong.apply(ctx, db, &self.prescriber_id)?;
        prolongation_notices::decided(ctx, db, &self.request, RequestState::Granted)
    }
}

/// `POST /api/v1/prolongation-requests/{id}/grant`: 200 with the prolongation.
pub fn grant(ctx: &Ctx) -> Result<Response, Error> {
    pass_acts::dry_run(ctx)?;
    ctx.optional_json::<Empty>()?;
    let id = new_id("prol")?;
    // Every check once, under the lock (on a plain read for the preview).
    act(ctx, 200, |db| {
        let (organization, request) = decider(ctx)?;
        let request = still_pending(request)?;
        let today = ctx.clock.today();
        let stored = passes::find(db, &request.pass_id)?.ok_or_else(Error::not_found)?;
        let facts = Facts::of(db, stored, today)?;
        // R-PROL-2/4: it must still start on the PASS end and overlap no granted prolongation.
        if request.dates.start() != facts.stored.pass.dates.end() {
            return Err(Error::Conflict {
                code: "prolongation_overlap",
                detail: format!(
                    "La fin du PASS IAE a changé depuis la demande (le {} désormais) : la \
                     prolongation ne peut plus commencer le {} (R-PROL-2). La demande reste \
                     en attente ; refusez-la pour que la structure en fasse une nouvelle.",
                    facts.stored.pass.dates.end().french(),
                    request.dates.start().french()
                ),
                errors: FieldErrors::new(),
            });
        }
        prolongation::check_no_overlap(request.dates, facts.context().granted)?;
        // R-PROL-4: the structure that asked must still have a hire on the PASS.
        if !Hires::read(db, &request.pass_id)?.include(&request.structure.0) {
            return Err(Error::Conflict {
                code: "structure_no_longer_hiring",
                detail: "La structure qui a fait la demande n'a plus d'embauche sur ce PASS IAE \
                    (R-PROL-4) : refusez la demande."
                    .into(),
                errors: FieldErrors::new(),
            });
        }
        // R-PROL-3 holds at the grant too: the candidate's latest PASS, not suspended, within
        // the window. Its refusal is a conflict with the request's state: 409, still pending.
        prolongation::preconditions(&facts.context(), today).map_err(|error| match error {
            Error::Unprocessable { code, detail, .. } => Error::Conflict {
                code,
                detail,
                errors: FieldErrors::new(),
            },
            other => other,
        })?;
        Ok(Grant {
            prolong: Prolong {
                id: id.clone(),
                pass_id: request.pass_id.clone(),
                dates: request.dates,
                rule: request.rule,
                explanation: Some(request.explanation.clone()),
                structure_id: request.structure.0.clone(),
                request_id: Some(request.id.clone()),
                pass_after: facts.pass_after(request.dates.end(), today)?,
            },
            request,
            prescriber_id: organization.id.clone(),
            now: ctx.clock.now_rfc3339(),
        })
    })
}

/// A denial.
struct Deny {
    request: Request,
    denial: Denial,
    explanation: String,
    prescriber_id: String,
    now: String,
}

impl Deny {
    fn outcome(&self) -> Outcome<'_> {
        Outcome::Denied(&self.denial, &self.explanation)
    }
}

impl Plan for Deny {
    type Answer = Value;

    fn answer(&self) -> Value {
        to_json(&ended(&self.request, &self.outcome(), &self.now))
    }

    fn apply(&self, ctx: &Ctx, db: &Db) -> Result<(), Error> {
        end_request(ctx, db, &self.request, &self.outcome(), &self.now)?;
        let details = json!({"request_id": self.request.id, "reason": self.denial.reason,
            "proposed_actions": self.denial.proposed_actions});
        ctx.audit(
            db,
            Some(&self.prescriber_id),
            PassEvent::ProlongationDenied.as_str(),
            "pass",
            &self.request.pass_id,
            details,
        )?;
        prolongation_notices::decided(ctx, db, &self.request, RequestState::Denied)
    }
}

/// `POST /api/v1/prolongation-requests/{id}/deny` `{reason, explanation, proposed_actions?}`.
pub fn deny(ctx: &Ctx) -> Result<Response, Error> {
    pass_acts::dry_run(ctx)?;
    let body: DenyBody = ctx.json()?;
    let (denial, mut errors) = match prolongation::denial(&body.reason, &body.proposed_actions) {
        Ok(denial) => (Some(denial), FieldErrors::new()),
        Err(errors) => (None, errors),
    };
    let explanation = collect(
        required_text(&body.explanation, "invalid_text", "L'explication"),
        "explanation",
        &mut errors,
    );
    let (Some(denial), Some(explanation)) = (denial, explanation) else {
        return Err(Error::fields(errors));
    };
    act(ctx, 200, |_| {
        let (organization, request) = decider(ctx)?;
        Ok(Deny {
            request: still_pending(request)?,
            denial: denial.clone(),
            explanation: explanation.clone(),
            prescriber_id: organization.id.clone(),
            now: ctx.clock.now_rfc3339(),
        })
    })
}

/// A withdrawal by the structure that asked.
struct Withdraw {
    request: Request,
    now: String,
}

impl Plan for Withdraw {
    type Answer = Value;

    fn answer(&self) -> Value {
        to_json(&ended(&self.request, &Outcome::Withdrawn, &self.now))
    }

    fn apply(&self, ctx: &Ctx, db: &Db) -> Result<(), Error> {
        end_request(ctx, db, &self.request, &Outcome::Withdrawn, &self.now)?;
        ctx.audit(
            db,
            Some(&self.request.structure.0),
            PassEvent::ProlongationWithdrawn.as_str(),
            "pass",
            &self.request.pass_id,
            json!({"request_id": self.request.id}),
        )?;
        prolongation_notices::withdrawn(ctx, db, &self.request)
    }
}

/// `POST /api/v1/prolongation-requests/{id}/withdraw`: by a member of the structure that
/// asked, while pending (403 for the organization asked, 404 for anyone else).
pub fn withdraw(ctx: &Ctx) -> Result<Response, Error> {
    pass_acts::dry_run(ctx)?;
    ctx.optional_json::<Empty>()?;
    act(ctx, 200, |_| {
        let (organization, request) = party_request(ctx)?;
        if request.structure.0 != organization.id {
            return Err(Error::Forbidden {
                detail: "Seule la structure qui a fait la demande de prolongation la retire."
                    .into(),
            });
        }
        Ok(Withdraw {
            request: still_pending(request)?,
            now: ctx.clock.now_rfc3339(),
        })
    })
}
