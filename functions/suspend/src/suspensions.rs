//! Suspending a PASS IAE (R-SUSP-1..5): create, change the end, end early on the first day back
//! at work, delete. Each act moves the PASS end (R-SUSP-4) and writes the PASS's history row in
//! its transaction; with `?dry_run=true` it answers the PASS end it would give, writing nothing.

use serde::Deserialize;
use serde_json::{json, Value};
use tremplin_domain::application::optional_text;
use tremplin_domain::error::collect;
use tremplin_domain::organization::Category;
use tremplin_domain::pass::PassEvent;
use tremplin_domain::suspension::{self, Effect, Suspender, SuspensionReason};
use tremplin_domain::{Date, DateRange, Error, FieldErrors};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::pass_acts::{self, act, Hires, Plan};
use tremplin_platform::repo::organizations::Organization;
use tremplin_platform::repo::passes::{self, StoredPass};
use tremplin_platform::repo::suspensions::{self, NewSuspension, StoredSuspension};
use tremplin_platform::{Ctx, Response};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    start_at: String,
    /// `null` or absent: end unknown, the longest a suspension may last (R-SUSP-3).
    end_at: Option<String>,
    reason: String,
    explanation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    end_at: Option<String>,
    first_day_back: Option<String>,
}

/// R-SUSP-2: who the caller is for this PASS's suspensions; 403 for anyone else entitled to
/// read it.
fn suspender<'a>(
    ctx: &Ctx,
    organization: &'a Organization,
    hires: &Hires,
) -> Result<Suspender<'a>, Error> {
    match organization.kind.category() {
        Category::Structure
            if hires.last_structure(ctx.clock.today()) == Some(organization.id.as_str()) =>
        {
            Ok(Suspender::Structure {
                kind: organization.kind.code(),
            })
        }
        Category::Prescriber if organization.is_authorized(ctx.clock.today()) => {
            Ok(Suspender::AuthorizedPrescriber)
        }
        _ => Err(Error::Forbidden {
            detail: "Seuls la structure de la dernière embauche et les prescripteurs habilités \
                suspendent un PASS IAE (R-SUSP-2)."
                .into(),
        }),
    }
}

/// R-SUSP-2/5: a suspension is changed by one who may suspend the PASS today and either declared
/// it or made the last hire; 403 for the others.
fn may_change(
    ctx: &Ctx,
    organization: &Organization,
    declared_by: &str,
    hires: &Hires,
) -> Result<(), Error> {
    let who = suspender(ctx, organization, hires);
    match who {
        Ok(Suspender::Structure { .. }) => Ok(()),
        Ok(Suspender::AuthorizedPrescriber) if declared_by == organization.id => Ok(()),
        _ => Err(Error::Forbidden {
            detail: "Seuls l'organisation qui a déclaré la suspension, tant qu'elle peut \
                suspendre ce PASS IAE, et la structure de la dernière embauche la modifient \
                (R-SUSP-2)."
                .into(),
        }),
    }
}

/// The PASS's suspension dates once `changed` (`id`) takes `dates` (`None`: removed).
fn suspensions_after(
    existing: &[suspension::Suspension],
    changed: &str,
    dates: Option<DateRange>,
) -> Vec<DateRange> {
    existing
        .iter()
        .filter(|s| s.id != changed)
        .map(|s| s.dates)
        .chain(dates)
        .collect()
}

/// One act on one suspension: its effect, for the answer and the write.
struct Act {
    event: PassEvent,
    stored: StoredPass,
    suspension_id: String,
    /// Set for a new suspension only.
    new: Option<(&'static SuspensionReason, Option<String>, String)>,
    effect: Effect,
    after: Vec<DateRange>,
    today: Date,
}

impl Plan for Act {
    type Answer = Value;

    fn answer(&self) -> Value {
        let mut pass = self.stored.pass.clone();
        pass.dates = self.effect.pass;
        json!({
            "id": self.suspension_id,
            "suspension": self.effect.suspension.map(|d| json!({"start_at": d.start(), "end_at": d.end()})),
            "pass": pass.summary(self.today, &self.after),
        })
    }

    fn apply(&self, ctx: &Ctx, db: &Db) -> Result<(), Error> {
        let now = ctx.clock.now_rfc3339();
        match (&self.new, self.effect.suspension) {
            (Some((reason, explanation, organization_id)), Some(dates)) => suspensions::insert(
                db,
                &NewSuspension {
                    id: &self.suspension_id,
                    pass_id: &self.stored.id,
                    dates,
                    reason,
                    explanation: explanation.as_deref(),
                    organization_id,
                    now: &now,
                    by: ctx.actor_id(),
                },
            )?,
            _ => suspensions::set_dates(
                db,
                &self.suspension_id,
                self.effect.suspension,
                &now,
                ctx.actor_id(),
            )?,
        }
        passes::set_end(db, &self.stored.id, self.effect.pass.end())?;
        let organization = ctx.actor()?.acting()?.organization;
        let mut details = json!({
            "suspension_id": self.suspension_id,
            "start_at": self.effect.suspension.map(|d| d.start()),
            "end_at": self.effect.suspension.map(|d| d.end()),
            "pass_end_at": self.effect.pass.end(),
        });
        if let Some((reason, _, _)) = &self.new {
            details["reason"] = json!(reason.code);
        }
        ctx.audit(
            db,
            Some(&organization.id),
            self.event.as_str(),
            "pass",
            &self.stored.id,
            details,
        )
    }
}

/// `POST /api/v1/passes/{number}/suspensions` (R-SUSP-2/3/4): 201, or 200 with `?dry_run=true`.
pub fn create(ctx: &Ctx) -> Result<Response, Error> {
    pass_acts::dry_run(ctx)?;
    let body: CreateBody = ctx.json()?;
    let id = new_id("susp")?;
    // Every check once, under the lock (on a plain read for the preview): the PASS as it is
    // now, whose end another act may have moved, and its hires, which R-SUSP-2's last hire and
    // R-SUSP-6's limit depend on.
    act(ctx, 201, |db| {
        let (organization, stored) = pass_acts::entitled_pass(ctx, pass_acts::by_number(ctx)?)?;
        let hires = Hires::read(db, &stored.id)?;
        let who = suspender(ctx, organization, &hires)?;
        let mut errors = FieldErrors::new();
        let start = collect(Date::parse(&body.start_at), "start_at", &mut errors);
        let end = body
            .end_at
            .as_deref()
            .map(|end| collect(Date::parse(end), "end_at", &mut errors));
        let reason = collect(
            SuspensionReason::parse(&body.reason, who),
            "reason",
            &mut errors,
        );
        let explanation = optional_text(
            body.explanation.as_deref(),
            "invalid_text",
            "explanation",
            "L'explication",
            &mut errors,
        );
        let (Some(start), Some(reason), true) = (start, reason, errors.is_empty()) else {
            return Err(Error::fields(errors));
        };
        let existing = suspensions::dates_of_pass(db, &stored.id)?;
        let today = ctx.clock.today();
        let effect = suspension::create(
            &stored.pass,
            &existing,
            start,
            end.flatten(),
            today,
            &hires.starts()?,
        )?;
        Ok(Act {
            event: PassEvent::Suspended,
            after: suspensions_after(&existing, &id, effect.suspension),
            suspension_id: id.clone(),
            new: Some((reason, explanation, organization.id.clone())),
            stored,
            effect,
            today,
        })
    })
}

/// The suspension of the route's `:id`, its PASS and the PASS's hires, for a caller who may
/// change it ([`may_change`]); 404 for those R-PASS-10 does not entitle.
fn own_suspension(ctx: &Ctx, db: &Db) -> Result<(StoredSuspension, StoredPass, Hires), Error> {
    let found = suspensions::find(db, ctx.param("id"))?.ok_or_else(Error::not_found)?;
    let (organization, stored) = pass_acts::entitled_pass(ctx, passes::find(db, &found.pass_id)?)?;
    let hires = Hires::read(db, &stored.id)?;
    may_change(ctx, organization, &found.organization.0, &hires)?;
    Ok((found, stored, hires))
}

/// What changes a suspension in progress: the PASS, the suspension, all of the PASS's, the
/// starts of its hires (R-SUSP-6), today.
type Change<'a> = dyn Fn(
        &StoredPass,
        &suspension::Suspension,
        &[suspension::Suspension],
        &[Date],
        Date,
    ) -> Result<Effect, Error>
    + 'a;

/// Plans `change` on the caller's suspension ([`own_suspension`]), every check once, under the
/// lock (on a plain read for the preview).
fn on_suspension(ctx: &Ctx, event: PassEvent, change: &Change<'_>) -> Result<Response, Error> {
    act(ctx, 200, |db| {
        let (found, stored, hires) = own_suspension(ctx, db)?;
        let existing = suspensions::dates_of_pass(db, &stored.id)?;
        let current = existing
            .iter()
            .find(|s| s.id == found.suspension.id)
            .ok_or_else(Error::not_found)?;
        let today = ctx.clock.today();
        let effect = change(&stored, current, &existing, &hires.starts()?, today)?;
        Ok(Act {
            event,
            after: suspensions_after(&existing, &current.id, effect.suspension),
            suspension_id: current.id.clone(),
            new: None,
            stored,
            effect,
            today,
        })
    })
}

/// `PATCH /api/v1/suspensions/{id}`: `{end_at}` or `{first_day_back}` (R-SUSP-4/5).
pub fn update(ctx: &Ctx) -> Result<Response, Error> {
    pass_acts::dry_run(ctx)?;
    let body: PatchBody = ctx.json()?;
    let mut errors = FieldErrors::new();
    let asked = match (body.end_at.as_deref(), body.first_day_back.as_deref()) {
        (Some(end), None) => collect(Date::parse(end), "end_at", &mut errors).map(|d| (d, false)),
        (None, Some(back)) => {
            collect(Date::parse(back), "first_day_back", &mut errors).map(|d| (d, true))
        }
        _ => {
            let message =
                "Indiquez soit la nouvelle fin (end_at), soit le premier jour de reprise \
                (first_day_back).";
            errors.insert("end_at".into(), vec![message.into()]);
            errors.insert("first_day_back".into(), vec![message.into()]);
            None
        }
    };
    let (Some((date, back_at_work)), true) = (asked, errors.is_empty()) else {
        return Err(Error::fields(errors));
    };
    if back_at_work {
        on_suspension(
            ctx,
            PassEvent::SuspensionEnded,
            &|stored, current, _, _, today| {
                suspension::end_early(&stored.pass, current, date, today)
            },
        )
    } else {
        on_suspension(
            ctx,
            PassEvent::SuspensionEdited,
            &|stored, current, all, hires, today| {
                suspension::edit_end(&stored.pass, current, all, date, today, hires)
            },
        )
    }
}

/// `DELETE /api/v1/suspensions/{id}` (R-SUSP-4/5): the PASS end moves back.
pub fn delete(ctx: &Ctx) -> Result<Response, Error> {
    pass_acts::dry_run(ctx)?;
    on_suspension(
        ctx,
        PassEvent::SuspensionDeleted,
        &|stored, current, _, _, today| suspension::delete(&stored.pass, current, today),
    )
}
