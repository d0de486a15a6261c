//! The receiving structure's decisions on an application (R-APPLY-5..9) and, on accept, the
//! PASS IAE it issues or reuses (R-PASS-1..9). Each decision re-reads the application under the
//! write lock and applies the domain's transitions table: of two racing decisions the second
//! finds the new state and gets a 409. The boxes' totals follow by the triggers of 0008.

use serde::Deserialize;
use serde_json::{json, Value};
use tremplin_domain::application::{self, optional_text, SenderKind, State};
use tremplin_domain::decision::{buttons, Action, HiringDates, RefusalReason, OBSOLETED_BY_A_HIRE};
use tremplin_domain::eligibility::AuthorKind;
use tremplin_domain::error::collect;
use tremplin_domain::organization::Category;
use tremplin_domain::pass::{self, Employer, PassEvent, PassOutcome, Vouchers};
use tremplin_domain::suspension;
use tremplin_domain::{Date, Error, FieldErrors};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::applications::{self as repo, Application, Change, DecisionRecord};
use tremplin_platform::repo::organizations::{self, Organization};
use tremplin_platform::repo::passes::{self, StoredPass};
use tremplin_platform::repo::{diagnoses, suspensions};
use tremplin_platform::{json, Ctx, Response};

use crate::notify;

/// A decision's body when it carries nothing (process, cancel, add to the pool).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Empty {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostponeBody {
    answer: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefuseBody {
    reason: String,
    /// R-APPLY-6: required with `other`.
    comment: Option<String>,
    /// The answer to the candidate.
    answer: String,
    /// Never shown to the candidate (R-APPLY-6).
    answer_to_prescriber: Option<String>,
    #[serde(default)]
    reason_shared: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptBody {
    hiring_start_at: String,
    hiring_end_at: Option<String>,
    answer: Option<String>,
}

/// What a transition records and what its answer says about the PASS.
pub struct Effect {
    change: Change,
    pass: Option<(Option<StoredPass>, PassOutcome)>,
}

impl Effect {
    fn state_only() -> Effect {
        Effect {
            change: Change::StateOnly,
            pass: None,
        }
    }

    fn decision(record: DecisionRecord) -> Effect {
        Effect {
            change: Change::Decision(record),
            pass: None,
        }
    }
}

/// `POST /api/v1/applications/{id}/process`.
pub fn process(ctx: &Ctx) -> Result<Response, Error> {
    // Who first (401, 403), then what: a body is checked only for those who may decide.
    let structure = deciding_structure(ctx)?;
    ctx.optional_json::<Empty>()?;
    decide(ctx, structure, Action::Process, |_, _| {
        Ok(Effect::state_only())
    })
}

/// `POST /api/v1/applications/{id}/pool`.
pub fn add_to_pool(ctx: &Ctx) -> Result<Response, Error> {
    let structure = deciding_structure(ctx)?;
    ctx.optional_json::<Empty>()?;
    decide(ctx, structure, Action::AddToPool, |_, _| {
        Ok(Effect::state_only())
    })
}

/// `POST /api/v1/applications/{id}/postpone`: the answer to the candidate is required.
pub fn postpone(ctx: &Ctx) -> Result<Response, Error> {
    let structure = deciding_structure(ctx)?;
    let body: PostponeBody = ctx.json()?;
    let answer = answer_text(&body.answer, "answer")?;
    decide(ctx, structure, Action::Postpone, move |_, _| {
        Ok(Effect::decision(DecisionRecord {
            answer: Some(answer),
            ..DecisionRecord::default()
        }))
    })
}

/// `POST /api/v1/applications/{id}/refuse` (R-APPLY-6).
pub fn refuse(ctx: &Ctx) -> Result<Response, Error> {
    let structure = deciding_structure(ctx)?;
    let body: RefuseBody = ctx.json()?;
    let mut errors = FieldErrors::new();
    let reason = collect(RefusalReason::parse(&body.reason), "reason", &mut errors);
    let answer = collect(
        application::required_text(&body.answer, "invalid_answer", "La réponse au candidat"),
        "answer",
        &mut errors,
    );
    let comment = optional_text(
        body.comment.as_deref(),
        "invalid_text",
        "comment",
        "Le commentaire",
        &mut errors,
    );
    let to_prescriber = optional_text(
        body.answer_to_prescriber.as_deref(),
        "invalid_text",
        "answer_to_prescriber",
        "La réponse au prescripteur",
        &mut errors,
    );
    if reason.is_some_and(RefusalReason::needs_comment) && comment.is_none() {
        errors
            .entry("comment".into())
            .or_insert_with(|| vec!["Précisez le motif « Autre » (R-APPLY-6).".into()]);
    }
    let (Some(reason), Some(answer), true) = (reason, answer, errors.is_empty()) else {
        return Err(Error::fields(errors));
    };
    decide(ctx, structure, Action::Refuse, move |_, _| {
        Ok(Effect::decision(DecisionRecord {
            answer: Some(answer),
            answer_to_prescriber: to_prescriber,
            refusal_reason: Some(reason.code()),
            refusal_comment: comment,
            reason_shared: body.reason_shared,
            ..DecisionRecord::default()
        }))
    })
}

/// `POST /api/v1/applications/{id}/accept` (R-APPLY-7/8, R-PASS-2..9).
pub fn accept(ctx: &Ctx) -> Result<Response, Error> {
    let structure = deciding_structure(ctx)?;
    let body: AcceptBody = ctx.json()?;
    let terms = HireTerms::parse(
        ctx,
        &body.hiring_start_at,
        body.hiring_end_at.as_deref(),
        body.answer.as_deref(),
    )?;
    decide(ctx, structure, Action::Accept, move |db, application| {
        hire(ctx, db, structure, application, terms)
    })
}

/// An accept's dates (R-APPLY-7) and optional answer to the candidate.
pub struct HireTerms {
    dates: HiringDates,
    answer: Option<String>,
}

impl HireTerms {
    /// Every field error at once, named as in the body.
    pub fn parse(
        ctx: &Ctx,
        start: &str,
        end: Option<&str>,
        answer: Option<&str>,
    ) -> Result<HireTerms, Error> {
        let mut errors = FieldErrors::new();
        let start = collect(Date::parse(start), "hiring_start_at", &mut errors);
        let end = end.map(|v| collect(Date::parse(v), "hiring_end_at", &mut errors));
        let answer = optional_text(
            answer,
            "invalid_answer",
            "answer",
            "La réponse au candidat",
            &mut errors,
        );
        let (Some(start), true) = (start, errors.is_empty()) else {
            return Err(Error::fields(errors));
        };
        let dates =
            HiringDates::parse(start, end.flatten(), ctx.clock.today()).map_err(Error::fields)?;
        Ok(HireTerms { dates, answer })
    }
}

/// What an accept does besides the state: the PASS (R-PASS-2..9) and the candidate's other
/// pending applications made obsolete (R-APPLY-8), each audited and announced.
pub fn hire(
    ctx: &Ctx,
    db: &Db,
    structure: &Organization,
    application: &Application,
    terms: HireTerms,
) -> Result<Effect, Error> {
    let pass = hire_pass(ctx, db, structure, application, terms.dates.start)?;
    let now = ctx.clock.now_rfc3339();
    let obsoleted = repo::obsolete_others(
        db,
        &application.candidate_id,
        &application.id,
        &OBSOLETED_BY_A_HIRE,
        &now,
    )?;
    for (id, from) in obsoleted {
        let details = json!({"action": "obsolete", "from": from.as_str(), "to": State::Obsolete.as_str(), "hired_by": structure.id});
        ctx.audit(
            db,
            Some(&structure.id),
            "decide_application",
            "application",
            &id,
            details,
        )?;
        // R-APPLY-10: its sender and the candidate hear of it too.
        let other = repo::find(db, &id)?.ok_or_else(|| Error::internal("obsoleted application"))?;
        notify::decided(ctx, db, &other, State::Obsolete, None)?;
    }
    Ok(Effect {
        change: Change::Decision(DecisionRecord {
            answer: terms.answer,
            hiring_start: Some(terms.dates.start.to_string()),
            hiring_end: terms.dates.end.map(|d| d.to_string()),
            pass_id: pass.0.as_ref().map(|p| p.id.clone()),
            pass_status: Some(pass.1.code()),
            ..DecisionRecord::default()
        }),
        pass: Some(pass),
    })
}

/// `POST /api/v1/applications/{id}/cancel`: R-PASS-7, the PASS goes only with its last hire.
pub fn cancel(ctx: &Ctx) -> Result<Response, Error> {
    let structure = deciding_structure(ctx)?;
    ctx.optional_json::<Empty>()?;
    decide(ctx, structure, Action::Cancel, |db, application| {
        if let Some(pass_id) = &application.pass_id {
            if !repo::pass_used_elsewhere(db, pass_id, &application.id)? {
                passes::cancel(db, pass_id, &ctx.clock.now_rfc3339())?;
                let details = json!({"application_id": application.id});
                ctx.audit(
                    db,
                    Some(&structure.id),
                    PassEvent::Cancelled.as_str(),
                    "pass",
                    pass_id,
                    details,
                )?;
            }
        }
        Ok(Effect {
            change: Change::HireCancelled,
            pass: None,
        })
    })
}

fn answer_text(text: &str, field: &str) -> Result<String, Error> {
    application::required_text(text, "invalid_answer", "La réponse au candidat").map_err(
        |invalid| {
            Error::fields(FieldErrors::from([(
                field.to_owned(),
                vec![invalid.message],
            )]))
        },
    )
}

/// The structure the caller acts for: only its members decide (R-APPLY-7).
pub fn deciding_structure(ctx: &Ctx) -> Result<&Organization, Error> {
    let organization = ctx.actor()?.acting()?.organization;
    if organization.kind.category() == Category::Structure {
        Ok(organization)
    } else {
        Err(Error::Forbidden {
            detail: "Seule la structure qui a reçu la candidature décide (R-APPLY-5).".into(),
        })
    }
}

/// One decision: under the write lock, the application as it is now, then [`transition`].
fn decide(
    ctx: &Ctx,
    structure: &Organization,
    action: Action,
    effect: impl FnOnce(&Db, &Application) -> Result<Effect, Error>,
) -> Result<Response, Error> {
    ctx.write(|db| {
        let application = repo::find(db, ctx.param("id"))?
            .filter(|a| a.structure_id == structure.id)
            .ok_or_else(Error::not_found)?;
        json(
            200,
            &transition(ctx, db, structure, action, &application, effect)?,
        )
    })
}

/// The table's next state, what `effect` records, the audit row and the notifications, in the
/// caller's write transaction; the answer.
pub fn transition(
    ctx: &Ctx,
    db: &Db,
    structure: &Organization,
    action: Action,
    application: &Application,
    effect: impl FnOnce(&Db, &Application) -> Result<Effect, Error>,
) -> Result<Value, Error> {
    let to = action.apply(application.state)?;
    let effect = effect(db, application)?;
    let now = ctx.clock.now_rfc3339();
    if !repo::transition(
        db,
        &application.id,
        (application.state, to),
        (&now, ctx.clock.rule_instant()),
        &effect.change,
    )? {
        return Err(Error::Conflict {
            code: "transition_not_allowed",
            detail: "La candidature vient de changer d'état : rechargez-la.".into(),
            errors: FieldErrors::from([(
                "state".to_owned(),
                vec![application.state.as_str().to_owned()],
            )]),
        });
    }
    let details =
        json!({"action": action.as_str(), "from": application.state.as_str(), "to": to.as_str()});
    ctx.audit(
        db,
        Some(&structure.id),
        "decide_application",
        "application",
        &application.id,
        details,
    )?;
    let record = match &effect.change {
        Change::Decision(record) => Some(record),
        Change::StateOnly | Change::HireCancelled => None,
    };
    notify::decided(ctx, db, application, to, record)?;
    answer(db, application, to, effect.pass.as_ref(), ctx.clock.today())
}

/// R-APPLY-7 then R-PASS-2..9: the PASS the hire uses, if any, and why.
fn hire_pass(
    ctx: &Ctx,
    db: &Db,
    structure: &Organization,
    application: &Application,
    hire_start: Date,
) -> Result<(Option<StoredPass>, PassOutcome), Error> {
    let today = ctx.clock.today();
    let employer = Employer {
        is_iae: structure.kind.is_iae(),
        in_prison: organizations::in_prison(db, &structure.id)?
            .ok_or_else(|| Error::internal("application structure"))?,
    };
    let latest = passes::latest_of_candidate(db, &application.candidate_id)?;
    let diagnosis =
        diagnoses::considered_valid(db, &application.candidate_id, &structure.id, today)?;
    let holds_valid_pass = latest.as_ref().is_some_and(|p| p.pass.is_valid(today));
    if employer.is_iae && diagnosis.is_none() && !holds_valid_pass {
        return Err(Error::Unprocessable {
            code: "eligibility_not_valid",
            detail:
                "L'éligibilité du candidat n'est pas validée et il n'a pas de PASS IAE valide : \
                     un diagnostic d'un prescripteur habilité, ou votre propre diagnostic, est \
                     nécessaire avant l'embauche (R-APPLY-7)."
                    .into(),
            errors: FieldErrors::new(),
        });
    }
    // R-PASS-5: sent as an authorized prescriber, and still one today (R-ORG-4).
    let sender_still_authorized = match &application.sender_organization_id {
        Some(id) if application.sender_kind == SenderKind::Prescriber => {
            organizations::find(db, id)?.is_some_and(|o| o.is_authorized(today))
        }
        _ => false,
    };
    let vouchers = Vouchers {
        sent_by_authorized_prescriber: sender_still_authorized,
        authorized_prescriber_diagnosis: diagnosis
            .as_ref()
            .is_some_and(|d| d.summary.author_kind == AuthorKind::Prescriber),
    };
    let outcome = pass::on_hire(
        employer,
        latest.as_ref().map(|p| &p.pass),
        hire_start,
        today,
        vouchers,
    )?;
    let (stored, event) = match &outcome {
        PassOutcome::Issue(dates) => {
            let issued = passes::issue(
                db,
                &new_id("pass")?,
                &application.candidate_id,
                *dates,
                &ctx.clock.now_rfc3339(),
                ctx.actor_id(),
            )?;
            (issued, PassEvent::Issued)
        }
        PassOutcome::Reuse { dates, .. } => {
            let mut kept = latest.ok_or_else(|| Error::internal("reused PASS"))?;
            let event = if kept.pass.dates == *dates {
                PassEvent::Reused
            } else {
                passes::move_dates(db, &kept.id, *dates)?;
                kept.pass.dates = *dates;
                PassEvent::Moved
            };
            end_running_suspension(ctx, db, structure, application, &mut kept, hire_start)?;
            (kept, event)
        }
        PassOutcome::NotIae | PassOutcome::InPrison => return Ok((None, outcome)),
    };
    // The answer's text gives the PASS's dates after the hire (R-SUSP-6 may have moved the end).
    let outcome = match outcome {
        PassOutcome::Reuse { number, .. } => PassOutcome::Reuse {
            number,
            dates: stored.pass.dates,
        },
        other => other,
    };
    // The PASS's history (R-PASS-10's view) is its audit rows.
    let dates = stored.pass.dates;
    let details =
        json!({"application_id": application.id, "start_at": dates.start(), "end_at": dates.end()});
    ctx.audit(
        db,
        Some(&structure.id),
        event.as_str(),
        "pass",
        &stored.id,
        details,
    )?;
    Ok((Some(stored), outcome))
}

/// R-SUSP-6: a new hire on the PASS ends the suspension in progress the day before it starts
/// (deletes it if it started that day); the PASS end follows, and its history records it.
fn end_running_suspension(
    ctx: &Ctx,
    db: &Db,
    structure: &Organization,
    application: &Application,
    kept: &mut StoredPass,
    hire_start: Date,
) -> Result<(), Error> {
    let existing = suspensions::dates_of_pass(db, &kept.id)?;
    let Some((suspension_id, effect)) =
        suspension::cut_by_hire(&kept.pass, &existing, hire_start, ctx.clock.today())
    else {
        return Ok(());
    };
    // R-PASS-4 was checked against the end the suspension had moved: the hire must still
    // start on or before the end once the suspension is cut.
    if hire_start > effect.pass.end() {
        return Err(Error::Unprocessable {
            code: "hire_after_pass_end",
            detail: format!(
                "Cette embauche met fin à la suspension en cours : le PASS IAE n° {} se termine \
                 alors le {}, avant le début de l'embauche (R-SUSP-6, R-PASS-4).",
                kept.pass.number.display(),
                effect.pass.end()
            ),
            errors: FieldErrors::from([(
                "hiring_start_at".to_owned(),
                vec![format!("Au plus tard le {}.", effect.pass.end())],
            )]),
        });
    }
    let now = ctx.clock.now_rfc3339();
    suspensions::set_dates(db, &suspension_id, effect.suspension, &now, ctx.actor_id())?;
    passes::set_end(db, &kept.id, effect.pass.end())?;
    kept.pass.dates = effect.pass;
    let details = json!({"suspension_id": suspension_id, "application_id": application.id,
        "start_at": effect.suspension.map(|d| d.start()), "end_at": effect.suspension.map(|d| d.end()),
        "pass_end_at": effect.pass.end()});
    ctx.audit(
        db,
        Some(&structure.id),
        PassEvent::SuspensionCutByHire.as_str(),
        "pass",
        &kept.id,
        details,
    )
}

/// The decision's answer: the new state, the buttons the table allows from it and, after an
/// accept, the PASS (`null` with the reason when there is none).
fn answer(
    db: &Db,
    application: &Application,
    to: State,
    pass: Option<&(Option<StoredPass>, PassOutcome)>,
    today: Date,
) -> Result<Value, Error> {
    let mut value = json!({
        "id": application.id,
        "state": to.as_str(),
        "state_label": to.label(),
        "actions": buttons(to),
    });
    if let Some((stored, outcome)) = pass {
        value["pass"] = json!(stored
            .as_ref()
            .map(|p| passes::summary(db, p, today))
            .transpose()?);
        value["pass_status"] = json!(outcome.code());
        value["pass_status_text"] = json!(outcome.text());
    }
    Ok(value)
}
