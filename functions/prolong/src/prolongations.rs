//! Prolonging a PASS IAE (R-PROL-1..3): the structure that hired on it declares SENIOR_CDI and
//! COMPLETE_TRAINING directly, and asks an authorized prescriber organization for the others
//! (R-PROL-4, `requests.rs`). With `?dry_run=true` an act answers the PASS end it would give and
//! writes nothing.

use serde::Deserialize;
use serde_json::{json, Value};
use tremplin_domain::application::{optional_text, required_text};
use tremplin_domain::error::collect;
use tremplin_domain::organization::Category;
use tremplin_domain::pass::PassEvent;
use tremplin_domain::prolongation::{self, Context, Decider, ProlongationRule};
use tremplin_domain::{Date, DateRange, Email, Error, FieldErrors};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::pass_acts::{self, act, Hires, Plan};
use tremplin_platform::repo::organizations::{self, Organization};
use tremplin_platform::repo::passes::{self, StoredPass};
use tremplin_platform::repo::prolongations::{self as repo, NewProlongation, NewRequest};
use tremplin_platform::repo::{memberships, suspensions, users};
use tremplin_platform::throttle::{Scope, ThrottleKeys};
use tremplin_platform::{prolongation_notices, Ctx, Response};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectBody {
    reason: String,
    end_at: String,
    explanation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    reason: String,
    end_at: String,
    explanation: String,
    prescriber_organization_id: String,
    assigned_to_email: String,
}

/// The structure acting on the PASS: it must have hired on it (R-PROL-4); 403 for anyone else
/// R-PASS-10 entitles to read it, 404 for the others. Judged under the act's lock: a hire
/// cancelled meanwhile takes the right with it.
fn hiring_structure<'a>(ctx: &'a Ctx, db: &Db) -> Result<(&'a Organization, StoredPass), Error> {
    let (organization, stored) = pass_acts::entitled_pass(ctx, pass_acts::by_number(ctx)?)?;
    if organization.kind.category() != Category::Structure
        || !Hires::read(db, &stored.id)?.include(&organization.id)
    {
        return Err(not_hiring_structure());
    }
    Ok((organization, stored))
}

fn not_hiring_structure() -> Error {
    Error::Forbidden {
        detail: "Seule une structure qui a embauché le candidat sur ce PASS IAE le prolonge ou \
            demande sa prolongation (R-PROL-4)."
            .into(),
    }
}

/// What R-PROL-1..3 need about the PASS as it is now.
pub struct Facts {
    pub stored: StoredPass,
    is_latest: bool,
    suspensions: Vec<DateRange>,
    suspended: bool,
    granted: Vec<DateRange>,
    birthdate: Date,
}

impl Facts {
    /// About `stored`, read in the act's transaction.
    pub fn of(db: &Db, stored: StoredPass, today: Date) -> Result<Facts, Error> {
        let (is_latest, birthdate) = passes::holder(db, &stored)?;
        let suspensions: Vec<DateRange> = suspensions::dates_of_pass(db, &stored.id)?
            .into_iter()
            .map(|s| s.dates)
            .collect();
        Ok(Facts {
            is_latest,
            suspended: suspensions.iter().any(|s| s.contains(today)),
            suspensions,
            granted: repo::granted_dates_of_pass(db, &stored.id)?,
            birthdate,
            stored,
        })
    }

    pub fn context(&self) -> Context<'_> {
        Context {
            pass: &self.stored.pass,
            is_latest: self.is_latest,
            suspended: self.suspended,
            granted: &self.granted,
            birthdate: self.birthdate,
        }
    }

    /// The PASS once its end is `end`, for an answer.
    pub fn pass_after(&self, end: Date, today: Date) -> Result<Value, Error> {
        let mut after = self.stored.pass.clone();
        after.dates = DateRange::new(after.dates.start(), end)
            .map_err(|_| Error::internal("prolongation end before the PASS start"))?;
        Ok(json!(after.summary(today, &self.suspensions)))
    }
}

fn reason(
    value: &str,
    structure: &Organization,
    decider: Decider,
    errors: &mut FieldErrors,
) -> Option<&'static ProlongationRule> {
    let rule = ProlongationRule::parse(value, structure.kind.code(), decider);
    collect(rule, "reason", errors)
}

/// A prolongation to record (direct, or granted on a request).
pub struct Prolong {
    pub id: String,
    pub pass_id: String,
    pub dates: DateRange,
    pub rule: &'static ProlongationRule,
    pub explanation: Option<String>,
    pub structure_id: String,
    pub request_id: Option<String>,
    pub pass_after: Value,
}

impl Prolong {
    pub fn answer(&self) -> Value {
        json!({
            "id": self.id,
            "reason": self.rule.reason,
            "reason_label": self.rule.label,
            "start_at": self.dates.start(),
            "end_at": self.dates.end(),
            "explanation": self.explanation,
            "request_id": self.request_id,
            "pass": self.pass_after,
        })
    }

    /// The prolongation, the PASS end (R-PROL-2) and the PASS's history row.
    pub fn apply(&self, ctx: &Ctx, db: &Db, organization_id: &str) -> Result<(), Error> {
        repo::insert(
            db,
            &NewProlongation {
                id: &self.id,
                pass_id: &self.pass_id,
                dates: self.dates,
                rule: self.rule,
                explanation: self.explanation.as_deref(),
                structure_id: &self.structure_id,
                request_id: self.request_id.as_deref(),
                now: &ctx.clock.now_rfc3339(),
                by: ctx.actor_id(),
            },
        )?;
        passes::set_end(db, &self.pass_id, self.dates.end())?;
        let details = json!({"prolongation_id": self.id, "request_id": self.request_id,
            "reason": self.rule.reason, "start_at": self.dates.start(), "end_at": self.dates.end()});
        ctx.audit(
            db,
            Some(organization_id),
            PassEvent::Prolonged.as_str(),
            "pass",
            &self.pass_id,
            details,
        )
    }
}

impl Plan for Prolong {
    type Answer = Value;

    fn answer(&self) -> Value {
        Prolong::answer(self)
    }

    fn apply(&self, ctx: &Ctx, db: &Db) -> Result<(), Error> {
        Prolong::apply(self, ctx, db, &self.structure_id)
    }
}

fn refuse_if_pending(db: &Db, pass_id: &str) -> Result<(), Error> {
    if repo::has_pending_request(db, pass_id)? {
        return Err(repo::pending_request_exists());
    }
    Ok(())
}

/// `POST /api/v1/passes/{number}/prolongations` (SENIOR_CDI, COMPLETE_TRAINING): 201.
pub fn declare(ctx: &Ctx) -> Result<Response, Error> {
    pass_acts::dry_run(ctx)?;
    let body: DirectBody = ctx.json()?;
    let id = new_id("prol")?;
    // Every check once, under the lock (on a plain read for the preview).
    act(ctx, 201, |db| {
        let (structure, stored) = hiring_structure(ctx, db)?;
        let mut errors = FieldErrors::new();
        let rule = reason(&body.reason, structure, Decider::Structure, &mut errors);
        let end = collect(Date::parse(&body.end_at), "end_at", &mut errors);
        let explanation = optional_text(
            body.explanation.as_deref(),
            "invalid_text",
            "explanation",
            "L'explication",
            &mut errors,
        );
        let (Some(rule), Some(end), true) = (rule, end, errors.is_empty()) else {
            return Err(Error::fields(errors));
        };
        let today = ctx.clock.today();
        // A pending request starts on the PASS end this would move: answer it first (R-PROL-3).
        refuse_if_pending(db, &stored.id)?;
        let facts = Facts::of(db, stored, today)?;
        let dates = prolongation::check(rule, &facts.context(), end, today)?;
        Ok(Prolong {
            id: id.clone(),
            pass_id: facts.stored.id.clone(),
            dates,
            rule,
            explanation,
            structure_id: structure.id.clone(),
            request_id: None,
            pass_after: facts.pass_after(dates.end(), today)?,
        })
    })
}

/// A request to record (R-PROL-4).
struct Ask {
    id: String,
    pass_id: String,
    structure_id: String,
    rule: &'static ProlongationRule,
    dates: DateRange,
    explanation: String,
    prescriber: Organization,
    assigned_to: String,
    today: Date,
}

impl Plan for Ask {
    type Answer = Value;

    fn answer(&self) -> Value {
        json!({
            "id": self.id,
            "state": "pending",
            "reason": self.rule.reason,
            "reason_label": self.rule.label,
            "start_at": self.dates.start(),
            "end_at": self.dates.end(),
            "prescriber_organization": {"id": self.prescriber.id, "name": self.prescriber.display_name()},
        })
    }

    fn apply(&self, ctx: &Ctx, db: &Db) -> Result<(), Error> {
        repo::insert_request(
            db,
            &NewRequest {
                id: &self.id,
                pass_id: &self.pass_id,
                structure_id: &self.structure_id,
                rule: self.rule,
                dates: self.dates,
                explanation: &self.explanation,
                prescriber_organization_id: &self.prescriber.id,
                assigned_to: &self.assigned_to,
                now: &ctx.clock.now_rfc3339(),
                today: self.today,
                by: ctx.actor_id(),
            },
        )?;
        let details = json!({"request_id": self.id, "reason": self.rule.reason,
            "start_at": self.dates.start(), "end_at": self.dates.end(),
            "prescriber_organization_id": self.prescriber.id});
        ctx.audit(
            db,
            Some(&self.structure_id),
            PassEvent::ProlongationRequested.as_str(),
            "pass",
            &self.pass_id,
            details,
        )?;
        let request = repo::find_request(db, &self.id)?
            .ok_or_else(|| Error::internal("request just written"))?;
        prolongation_notices::requested(ctx, db, &request)
    }
}

/// `POST /api/v1/passes/{number}/prolongation-requests` (RQTH, SENIOR, PARTICULAR_DIFFICULTIES):
/// 201 pending.
pub fn ask(ctx: &Ctx) -> Result<Response, Error> {
    pass_acts::dry_run(ctx)?;
    let body: RequestBody = ctx.json()?;
    let (addressee, addressee_errors) = addressee(ctx, &body)?;
    let id = new_id("preq")?;
    // Every check on the PASS once, under the lock (on a plain read for the preview).
    act(ctx, 201, |db| {
        let (structure, stored) = hiring_structure(ctx, db)?;
        let mut errors = addressee_errors.clone();
        let rule = reason(
            &body.reason,
            structure,
            Decider::AuthorizedPrescriber,
            &mut errors,
        );
        let end = collect(Date::parse(&body.end_at), "end_at", &mut errors);
        let explanation = collect(
            required_text(&body.explanation, "invalid_text", "L'explication"),
            "explanation",
            &mut errors,
        );
        let (Some(rule), Some(end), Some(explanation), Some((prescriber, member)), true) =
            (rule, end, explanation, addressee.clone(), errors.is_empty())
        else {
            return Err(Error::fields(errors));
        };
        let today = ctx.clock.today();
        // R-PROL-3: one pending request per PASS (the unique index decides a race).
        refuse_if_pending(db, &stored.id)?;
        let facts = Facts::of(db, stored, today)?;
        let dates = prolongation::check(rule, &facts.context(), end, today)?;
        Ok(Ask {
            id: id.clone(),
            pass_id: facts.stored.id.clone(),
            structure_id: structure.id.clone(),
            rule,
            dates,
            explanation,
            prescriber,
            assigned_to: member,
            today,
        })
    })
}

/// R-PROL-4: the authorized prescriber organization the request names and the user id of the
/// active member of it who gets it, or the field errors. Naming a member tells whether an
/// address belongs to an organization: misses are counted per professional and address, like
/// failed logins (previews too, and before any transaction, so that the count is the refused
/// request's only write): a probe of who works where is slowed down to the login's pace.
fn addressee(
    ctx: &Ctx,
    body: &RequestBody,
) -> Result<(Option<(Organization, String)>, FieldErrors), Error> {
    let db = ctx.db()?;
    let user_email = &ctx.actor()?.user.email;
    let misses = ThrottleKeys::new(
        Scope::MemberLookup,
        &Email::parse(user_email).map_err(|e| Error::internal(format!("users.email: {e}")))?,
        &ctx.client_ip(),
    );
    let now_ms = ctx.clock.now_unix() * 1000;
    misses.check(db, now_ms)?;
    let mut errors = FieldErrors::new();
    let Some(prescriber) = organizations::find(db, &body.prescriber_organization_id)?
        .filter(|o| o.is_authorized(ctx.clock.today()))
    else {
        errors.insert(
            "prescriber_organization_id".into(),
            vec!["Choisissez une organisation prescriptrice habilitée.".into()],
        );
        return Ok((None, errors));
    };
    let member = users::find_by_email(db, &body.assigned_to_email.trim().to_lowercase())?
        .filter(|u| u.is_active)
        .map(|u| memberships::find(db, &prescriber.id, &u.id).map(|m| (u, m)))
        .transpose()?
        .filter(|(_, m)| {
            m.as_ref()
                .is_some_and(|m| m.status == memberships::Status::Active)
        })
        .map(|(u, _)| u.id);
    match member {
        Some(member) => Ok((Some((prescriber, member)), errors)),
        None => {
            misses.reserve(db, now_ms)?;
            errors.insert(
                "assigned_to_email".into(),
                vec!["Cette adresse n'est pas celle d'un membre actif de l'organisation.".into()],
            );
            Ok((None, errors))
        }
    }
}
