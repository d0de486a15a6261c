//! `GET /api/v1/dashboard` (issue 10 item 1): what awaits the organization the caller acts for,
//! at the clock's date, each item a count and its first lines. A prescriber organization sees
//! its applications by state, its candidates whose eligibility ends within 30 days and, while
//! authorized, the prolongation requests addressed to it; a structure sees the applications to
//! answer (new or being studied, oldest first, with their age), the postponed ones, the hires starting this week, the
//! PASS ending within 3 months, the suspensions in progress and its requests awaiting an answer.
//! Read only; members of the organization only (any role).

use serde_json::{json, Value};
use tremplin_domain::application::{State, ALL_STATES};
use tremplin_domain::dashboard::{
    within_days, within_months, ELIGIBILITY_ENDING_DAYS, PASS_ENDING_MONTHS,
};
use tremplin_domain::date::format_rfc3339_utc;
use tremplin_domain::organization::Category;
use tremplin_domain::prolongation::RequestState;
use tremplin_domain::suspension::SuspensionReason;
use tremplin_domain::Error;
use tremplin_platform::db::Db;
use tremplin_platform::repo::dashboard::{self as repo, Item, LINES};
use tremplin_platform::repo::organizations::Organization;
use tremplin_platform::repo::prolongations::{self, Side};
use tremplin_platform::{json, Ctx, Response};

/// What a structure has to answer: the new applications and those it is studying.
const TO_ANSWER: [State; 2] = [State::New, State::Processing];

/// Without an earlier login, the answers of these last days are the new ones.
const ANSWERS_WITHOUT_A_VISIT_DAYS: i64 = 7;

pub fn read(ctx: &Ctx) -> Result<Response, Error> {
    let organization = ctx.actor()?.acting()?.organization;
    let db = ctx.db()?;
    let today = ctx.clock.today();
    let items = match organization.kind.category() {
        Category::Prescriber => prescriber(ctx, db, organization)?,
        Category::Structure => structure(db, organization, today)?,
        Category::Administration => {
            return Err(Error::Forbidden {
                detail: "Le tableau de bord de l'administration n'est pas encore disponible."
                    .into(),
            })
        }
    };
    json(
        200,
        &json!({
            "today": today,
            "organization": {"id": organization.id, "name": organization.display_name(),
                "category": organization.kind.category().as_str()},
            "items": items,
        }),
    )
}

/// The prolongation requests in `side` still pending, newest first.
fn pending_requests(db: &Db, side: Side<'_>) -> Result<Value, Error> {
    let (requests, count) =
        prolongations::requests(db, side, Some(RequestState::Pending), LINES, 0)?;
    let results: Vec<Value> = requests
        .iter()
        .map(|r| {
            json!({"id": r.id, "reason": r.rule.reason, "reason_label": r.rule.label,
                "end_at": r.dates.end(), "created_at": r.created_at,
                "pass": {"number": r.pass_number},
                "candidate": {"id": r.candidate_id, "first_name": r.candidate_name.0,
                    "last_name": r.candidate_name.1},
                "structure": {"id": r.structure.0, "name": r.structure.1},
                "prescriber_organization": {"id": r.prescriber.0, "name": r.prescriber.1}})
        })
        .collect();
    Ok(json!({"count": count, "results": results}))
}

fn prescriber(ctx: &Ctx, db: &Db, organization: &Organization) -> Result<Value, Error> {
    let today = ctx.clock.today();
    let counts = repo::sent_by_state(db, &organization.id)?;
    let by_state: Vec<Value> = ALL_STATES
        .iter()
        .map(|state: &State| {
            let count = counts
                .iter()
                .find(|(s, _)| s == state.as_str())
                .map_or(0, |(_, n)| *n);
            json!({"state": state.as_str(), "state_label": state.label(), "count": count})
        })
        .collect();
    // "Since the last visit": since the user's previous login (our reading); without one, the
    // last ANSWERS_WITHOUT_A_VISIT_DAYS days.
    let user_id = &ctx.actor()?.user.id;
    let since = match repo::previous_login(db, user_id)? {
        Some(at) => at,
        None => format_rfc3339_utc(ctx.clock.now_unix() - ANSWERS_WITHOUT_A_VISIT_DAYS * 24 * 3600),
    };
    let answers = repo::answered_since(db, &organization.id, &since)?;
    let answers = json!({
        "since": since,
        "count": answers.count,
        "results": answers.results.iter().map(|a| {
            json!({"id": a.id, "state": a.state.as_str(), "state_label": a.state.label(),
                "answered_at": a.answered_at, "candidate": a.candidate,
                "structure": {"name": a.structure_name}})
        }).collect::<Vec<Value>>(),
    });
    let eligibility = repo::eligibility_ending(
        db,
        &organization.id,
        within_days(today, ELIGIBILITY_ENDING_DAYS),
    )?;
    // R-PROL-4, R-ORG-4: only an authorized organization is asked, and reads what it is asked.
    let requests = if organization.is_authorized(today) {
        pending_requests(db, Side::To(&organization.id))?
    } else {
        Value::Null
    };
    Ok(json!({
        "applications_by_state": by_state,
        "answers_since_last_visit": answers,
        "eligibility_ending": eligibility,
        "prolongation_requests": requests,
    }))
}

fn structure(
    db: &Db,
    organization: &Organization,
    today: tremplin_domain::Date,
) -> Result<Value, Error> {
    let suspensions = repo::suspensions_in_progress(db, &organization.id, today)?;
    let suspensions = Item {
        count: suspensions.count,
        results: suspensions
            .results
            .into_iter()
            .map(|s| {
                let label = SuspensionReason::of_code(&s.reason).map(|r| r.label);
                json!({"pass_number": s.pass_number, "start_at": s.start_at, "end_at": s.end_at,
                    "reason": s.reason, "reason_label": label, "candidate": s.candidate})
            })
            .collect::<Vec<Value>>(),
    };
    Ok(json!({
        "to_answer": repo::received_in_states(db, &organization.id, &TO_ANSWER, today)?,
        "postponed": repo::received_in_states(db, &organization.id, &[State::Postponed], today)?,
        "hires_this_week": repo::hires_starting(db, &organization.id, today.week())?,
        "pass_ending": repo::pass_ending(db, &organization.id, within_months(today, PASS_ENDING_MONTHS))?,
        "suspensions_in_progress": suspensions,
        "prolongation_requests": pending_requests(db, Side::From(&organization.id))?,
    }))
}
