//! A hire declared by an IAE structure without a prior application (guide, part 2 §2.3): a
//! candidate it self-prescribed (R-ELIG-3) or who holds a valid PASS. The application is created
//! and accepted in one transaction, under the accept's rules (R-APPLY-7/8, R-PASS-2..9).

use serde::Deserialize;
use serde_json::json;
use tremplin_domain::application::{SenderKind, ALL_STATES};
use tremplin_domain::decision::Action;
use tremplin_domain::eligibility::self_prescribed;
use tremplin_domain::{Error, FieldErrors};
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::applications::{self as repo, NewApplication};
use tremplin_platform::repo::{candidates, diagnoses, passes};
use tremplin_platform::{json, Ctx, Response};

use crate::decisions::{self, HireTerms};

/// The declared hire's application message, shown to its readers in place of a candidate's.
const DECLARED_HIRE_MESSAGE: &str =
    "Embauche déclarée par la structure, sans candidature préalable.";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HireBody {
    candidate_id: String,
    hiring_start_at: String,
    hiring_end_at: Option<String>,
    answer: Option<String>,
}

/// `POST /api/v1/hires`: 201 with the accept's answer and the new application's location.
pub fn declare(ctx: &Ctx) -> Result<Response, Error> {
    let structure = decisions::deciding_structure(ctx)?;
    if !structure.kind.is_iae() {
        return Err(Error::Forbidden {
            detail: "Seules les structures d'insertion par l'activité économique déclarent une \
                embauche sans candidature."
                .into(),
        });
    }
    let body: HireBody = ctx.json()?;
    let terms = HireTerms::parse(
        ctx,
        &body.hiring_start_at,
        body.hiring_end_at.as_deref(),
        body.answer.as_deref(),
    )?;
    let actor = ctx.actor()?;
    ctx.write(|db| {
        // The candidate must be one the structure knows (registered, or met through an
        // application: R-CAND-6); others are unknown to it.
        if candidates::contact(db, &body.candidate_id, &structure.id)?.is_none() {
            return Err(Error::fields(FieldErrors::from([(
                "candidate_id".to_owned(),
                vec!["Candidat inconnu de votre structure : enregistrez-le d'abord.".to_owned()],
            )])));
        }
        // Any application of the candidate at the structure is the one to decide on (the table
        // accepts from every state but accepted): a second one would only shadow it.
        if let Some((id, state)) =
            repo::at_structure_in(db, &body.candidate_id, &structure.id, &ALL_STATES)?
        {
            return Err(Error::Conflict {
                code: "application_exists",
                detail: format!(
                    "Ce candidat a déjà une candidature chez vous ({}) : décidez depuis celle-ci.",
                    state.label()
                ),
                errors: FieldErrors::from([("application_id".to_owned(), vec![id])]),
            });
        }
        // Item 4: its own eligibility decision or a valid PASS. A prescriber's diagnosis is for
        // an application that prescriber sends, so that it decides where the candidate goes.
        let today = ctx.clock.today();
        let summaries: Vec<_> = diagnoses::of_candidate(db, &body.candidate_id)?
            .into_iter()
            .map(|d| d.summary)
            .collect();
        let holds_valid_pass = passes::latest_of_candidate(db, &body.candidate_id)?
            .is_some_and(|p| p.pass.is_valid(today));
        if !self_prescribed(&summaries, &structure.id, today) && !holds_valid_pass {
            return Err(Error::Unprocessable {
                code: "eligibility_not_valid",
                detail: "Une embauche se déclare pour un candidat dont vous avez validé \
                    l'éligibilité vous-même (R-ELIG-3) ou qui a un PASS IAE valide ; sinon, \
                    le prescripteur vous envoie sa candidature."
                    .into(),
                errors: FieldErrors::new(),
            });
        }
        let id = new_id("app")?;
        let now = ctx.clock.now_rfc3339();
        repo::insert(
            db,
            &NewApplication {
                id: &id,
                candidate_id: &body.candidate_id,
                structure_id: &structure.id,
                sender_kind: SenderKind::Employer,
                sender_user_id: &actor.user.id,
                sender_organization_id: Some(&structure.id),
                message: DECLARED_HIRE_MESSAGE,
                diagnosis_shared: false,
                diagnosis_id: None,
                cv_id: None,
                job_ids: &[],
                now_unix: ctx.clock.rule_instant(),
                now: &now,
            },
        )?;
        ctx.audit(
            db,
            Some(&structure.id),
            "declare_hire",
            "application",
            &id,
            json!({}),
        )?;
        let application = repo::find(db, &id)?.ok_or_else(|| Error::internal("declared hire"))?;
        let answer =
            decisions::transition(ctx, db, structure, Action::Accept, &application, |db, a| {
                decisions::hire(ctx, db, structure, a, terms)
            })?;
        let mut response = json(201, &answer)?;
        response.set_header("location", format!("/api/v1/applications/{id}"));
        Ok(response)
    })
}
