//! Applications: sending one (R-APPLY-1..4), the boxes and one application as each party sees
//! it (R-APPLY-10).

use serde::Deserialize;
use serde_json::{json, Value};
use tremplin_domain::application::{self, SenderKind, State};
use tremplin_domain::decision::buttons;
use tremplin_domain::organization::Category;
use tremplin_domain::page::LIST_PAGE_SIZES;
use tremplin_domain::pass::PassOutcome;
use tremplin_domain::{Error, FieldErrors, Invalid};
use tremplin_platform::db::Db;
use tremplin_platform::ids::new_id;
use tremplin_platform::repo::applications::{
    self as repo, Application, Mailbox, NewApplication, TargetedJob,
};
use tremplin_platform::repo::candidates::{self, StoredCandidate};
use tremplin_platform::repo::diagnoses::{self, Diagnosis};
use tremplin_platform::repo::organizations::{self, Listing};
use tremplin_platform::repo::{cvs, directory_index, jobs, passes};
use tremplin_platform::{json, Ctx, Response};

use crate::diagnoses as diagnosis_views;
use crate::notify;
use tremplin_platform::party::{self, Party};

/// The most job descriptions one application targets.
const MAX_JOBS: usize = 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendBody {
    structure_id: String,
    candidate_id: String,
    #[serde(default)]
    job_ids: Vec<String>,
    message: String,
    /// R-APPLY-4; required from prescribers and orienteurs, who record the candidate's answer.
    diagnosis_shared: Option<bool>,
    #[serde(default)]
    confirm_duplicate: bool,
    cv_id: Option<String>,
}

/// R-APPLY-1: what kind of sender the caller is, for this structure.
fn sender_kind(ctx: &Ctx, party: &Party<'_>, structure: &Listing) -> Result<SenderKind, Error> {
    match party {
        Party::Candidate { .. } => Ok(SenderKind::JobSeeker),
        Party::Professional { organization, .. } => match organization.kind.category() {
            Category::Prescriber if organization.is_authorized(ctx.clock.today()) => {
                Ok(SenderKind::Prescriber)
            }
            Category::Prescriber => Ok(SenderKind::Orienteur),
            Category::Structure if organization.id == structure.organization.id => {
                Ok(SenderKind::Employer)
            }
            Category::Structure => Err(Error::Forbidden {
                detail: "Une structure ne candidate que pour elle-même (R-APPLY-1).".into(),
            }),
            Category::Administration => Err(Error::Forbidden {
                detail: "L'administration n'envoie pas de candidatures.".into(),
            }),
        },
    }
}

/// `POST /api/v1/applications`.
pub fn send(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let body: SendBody = ctx.json()?;
    let db = ctx.db()?;
    let structure = organizations::listing(db, &body.structure_id, Category::Structure)?
        .ok_or_else(Error::not_found)?;
    let kind = sender_kind(ctx, &party, &structure)?;
    let (candidate, _) = crate::candidates::visible(ctx, &party, &body.candidate_id)?;
    let mut errors = FieldErrors::new();
    let message = application::message(&body.message)
        .map_err(|invalid| errors.insert("message".into(), vec![invalid.message]))
        .ok();
    // R-APPLY-4: the consent is the candidate's, recorded by whoever sends for them; a structure
    // applying to itself shares nothing (it sees its own diagnosis anyway).
    let consent = match (body.diagnosis_shared, kind) {
        (_, SenderKind::Employer) => false,
        (Some(shared), _) => shared,
        (None, _) => {
            let message = match kind {
                SenderKind::JobSeeker => {
                    "Indiquez si vous acceptez de partager votre diagnostic avec la structure."
                }
                _ => {
                    "Indiquez si le candidat accepte de partager son diagnostic avec la structure."
                }
            };
            errors.insert("diagnosis_shared".into(), vec![message.into()]);
            false
        }
    };
    let mut job_ids = body.job_ids.clone();
    job_ids.sort();
    job_ids.dedup();
    if job_ids.len() > MAX_JOBS {
        errors.insert(
            "job_ids".into(),
            vec![format!("Au plus {MAX_JOBS} fiches de poste.")],
        );
    }
    if let Some(cv_id) = &body.cv_id {
        if cvs::uploader(db, cv_id)?.as_deref() != Some(party.user_id()) {
            errors.insert(
                "cv_id".into(),
                vec!["CV inconnu : déposez-le d'abord (POST /api/v1/cvs).".into()],
            );
        }
    }
    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    let message = message.unwrap_or_default();
    let sender_organization = party.organization().map(|o| o.id.clone());
    ctx.write(|db| {
        // Read again under the write lock: the structure's flags and jobs, the latest application.
        let structure = organizations::listing(db, &structure.organization.id, Category::Structure)?
            .ok_or_else(Error::not_found)?;
        check_receivable(db, &structure, sender_organization.as_deref(), &job_ids)?;
        let previous = repo::latest_to_structure(db, &candidate.id, &structure.organization.id)?;
        application::check_duplicate(previous, ctx.clock.rule_instant(), body.confirm_duplicate)?;
        // The diagnosis the consent covers: the one considered valid for this structure now.
        let diagnosis = diagnoses::considered_valid(db, &candidate.id, &structure.organization.id, ctx.clock.today())?;
        let id = new_id("app")?;
        let now = ctx.clock.now_rfc3339();
        repo::insert(
            db,
            &NewApplication {
                id: &id,
                candidate_id: &candidate.id,
                structure_id: &structure.organization.id,
                sender_kind: kind,
                sender_user_id: party.user_id(),
                sender_organization_id: sender_organization.as_deref(),
                message: &message,
                diagnosis_shared: consent,
                diagnosis_id: diagnosis.as_ref().map(|d| d.summary.id.as_str()),
                cv_id: body.cv_id.as_deref(),
                job_ids: &job_ids,
                now_unix: ctx.clock.rule_instant(),
                now: &now,
            },
        )?;
        // The boxes' totals and the contacts the application makes (R-CAND-6) follow by the
        // triggers of migration 0008.
        // R-DIR-1: the structure's count of recent applications orders the directory.
        if let Some(cell) = structure.cell {
            directory_index::add_recent_application(
                db,
                cell,
                &structure.organization.id,
                ctx.clock.rule_instant(),
            )?;
        }
        let details = json!({"structure_id": structure.organization.id, "sender_kind": kind.as_str(), "jobs": job_ids.len()});
        ctx.audit(db, sender_organization.as_deref(), "send_application", "application", &id, details)?;
        // What was just written, without reading it back (but the jobs' titles); the names are
        // those read before the write lock, as a GET at the same moment would show them.
        let application = Application {
            id: id.clone(),
            candidate_id: candidate.id.clone(),
            structure_id: structure.organization.id.clone(),
            sender_kind: kind,
            sender_user_id: party.user_id().to_owned(),
            sender_organization_id: sender_organization.clone(),
            state: application::State::New,
            message,
            diagnosis_shared: consent,
            diagnosis_id: diagnosis.map(|d| d.summary.id),
            cv_id: body.cv_id.clone(),
            created_unix: ctx.clock.rule_instant(),
            created_at: now.clone(),
            updated_at: now,
            pass_id: None,
            candidate_first_name: candidate.candidate.first_name.clone(),
            candidate_last_name: candidate.candidate.last_name.clone(),
            structure_name: structure.organization.display_name().to_owned(),
            structure_kind: structure.organization.kind.code().to_owned(),
            sender_organization_name: party.organization().map(|o| o.profile.name.clone()),
            sender_first_name: party.actor().user.first_name.clone(),
            sender_last_name: party.actor().user.last_name.clone(),
        };
        notify::application_created(ctx, db, &application, &candidate, &party.actor().user.email)?;
        let jobs = if job_ids.is_empty() { Vec::new() } else { repo::jobs(db, &id)? };
        let mut response = json(201, &view(ctx, db, &party, &application, &candidate, jobs)?)?;
        response.set_header("location", format!("/api/v1/applications/{id}"));
        Ok(response)
    })
}

/// R-APPLY-1/2: the structure takes this application — not blocked (except for its own members),
/// the jobs are its active ones, none only if spontaneous applications are open.
fn check_receivable(
    db: &Db,
    structure: &Listing,
    sender_organization: Option<&str>,
    job_ids: &[String],
) -> Result<(), Error> {
    let own = sender_organization == Some(structure.organization.id.as_str());
    if structure.blocks_applications && !own {
        return Err(Error::Unprocessable {
            code: "structure_blocks_applications",
            detail: "Cette structure ne reçoit pas de candidatures en ce moment (R-APPLY-2)."
                .into(),
            errors: FieldErrors::from([(
                "structure_id".to_owned(),
                vec!["La structure bloque les candidatures.".to_owned()],
            )]),
        });
    }
    if job_ids.is_empty() {
        if !structure.spontaneous_applications_open {
            return Err(Error::Unprocessable {
                code: "spontaneous_applications_closed",
                detail: "Cette structure ne reçoit pas de candidatures spontanées : choisissez une de ses fiches de poste.".into(),
                errors: FieldErrors::from([("job_ids".to_owned(), vec!["Choisissez au moins une fiche de poste.".to_owned()])]),
            });
        }
        return Ok(());
    }
    let active: Vec<String> =
        jobs::of_structures(db, &[structure.organization.id.as_str()], false)?
            .into_iter()
            .map(|job| job.id)
            .collect();
    let unknown: Vec<&str> = job_ids
        .iter()
        .filter(|id| !active.contains(id))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Error::field(
            "job_ids",
            Invalid::new(
                "job_not_open",
                format!(
                    "Fiches de poste inconnues ou inactives dans cette structure : {}.",
                    unknown.join(", ")
                ),
            ),
        ))
    }
}

/// Which side of an application the caller is on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Sender,
    Structure,
    Candidate,
}

/// The caller's side, or 404: nobody else may know the application exists.
fn side_of(party: &Party<'_>, application: &Application) -> Result<Side, Error> {
    match party {
        Party::Candidate { record, .. } => record
            .as_ref()
            .filter(|own| own.id == application.candidate_id)
            .map(|_| Side::Candidate)
            .ok_or_else(Error::not_found),
        Party::Professional { organization, .. } => {
            if organization.id == application.structure_id {
                Ok(Side::Structure)
            } else if application.sender_organization_id.as_deref()
                == Some(organization.id.as_str())
            {
                Ok(Side::Sender)
            } else {
                Err(Error::not_found())
            }
        }
    }
}

/// The line of a box.
fn summary_json(a: &Application) -> Value {
    json!({
        "id": a.id,
        "state": a.state.as_str(),
        "state_label": a.state.label(),
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "candidate": {"id": a.candidate_id, "first_name": a.candidate_first_name, "last_name": a.candidate_last_name},
        "structure": {"id": a.structure_id, "name": a.structure_name, "kind": a.structure_kind},
        "sender": {
            "kind": a.sender_kind.as_str(),
            "kind_label": a.sender_kind.label(),
            "organization": a.sender_organization_id.as_ref().map(|id| json!({"id": id, "name": a.sender_organization_name})),
            "first_name": a.sender_first_name,
            "last_name": a.sender_last_name,
        },
    })
}

/// One application as `party` sees it: the eligibility the structure may rely on, with the
/// diagnosis's content only with the candidate's consent (R-APPLY-4).
fn view(
    ctx: &Ctx,
    db: &Db,
    party: &Party<'_>,
    a: &Application,
    candidate: &StoredCandidate,
    jobs: Vec<TargetedJob>,
) -> Result<Value, Error> {
    let side = side_of(party, a)?;
    let mut value = summary_json(a);
    value["message"] = json!(a.message);
    value["diagnosis_shared"] = json!(a.diagnosis_shared);
    value["jobs"] = serde_json::to_value(jobs).map_err(|e| Error::internal(e.to_string()))?;
    value["has_cv"] = json!(a.cv_id.is_some());
    value["cv_url"] = json!(a
        .cv_id
        .as_ref()
        .map(|_| format!("/api/v1/applications/{}/cv", a.id)));
    let sees_nir = match (side, party.organization()) {
        (Side::Candidate, _) => true,
        (_, Some(org)) => {
            let contact = candidates::contact(db, &candidate.id, &org.id)?.unwrap_or(false);
            tremplin_platform::party::sees_nir(ctx, org, contact)
        }
        (_, None) => false,
    };
    value["candidate"] = crate::candidates::to_json(candidate, sees_nir);
    // The decision (R-APPLY-6, R-APPLY-10) that made the current state, and its PASS for those
    // R-PASS-10 entitles, who are those who see the NIR: a hire's dates only while accepted, a
    // refusal's reason only while refused (an earlier decision's are no longer true). The
    // candidate never reads the answer to the prescriber nor the structure's comment, and the
    // reason only when shared (R-APPLY-6).
    let decision = repo::decision(db, &a.id)?;
    let for_candidate = side == Side::Candidate;
    let (hired, refused) = (a.state == State::Accepted, a.state == State::Refused);
    let outcome = decision
        .pass_status
        .as_deref()
        .and_then(|code| PassOutcome::recorded(code, decision.pass.as_ref().map(|p| &p.pass)))
        .filter(|_| sees_nir && hired);
    value["decision"] = json!({
        "answer": decision.answer,
        "answer_to_prescriber": decision.answer_to_prescriber.filter(|_| !for_candidate),
        "refusal_reason": decision.refusal_reason
            .filter(|_| refused && (!for_candidate || decision.reason_shared))
            .map(|r| json!({"code": r.code(), "label": r.label()})),
        "refusal_comment": decision.refusal_comment.filter(|_| refused && !for_candidate),
        "reason_shared": decision.reason_shared,
        "hiring_start_at": decision.hiring_start_at.filter(|_| hired),
        "hiring_end_at": decision.hiring_end_at.filter(|_| hired),
        "pass_status": outcome.as_ref().map(PassOutcome::code),
        "pass_status_text": outcome.as_ref().map(PassOutcome::text),
    });
    value["pass"] = json!(decision
        .pass
        .as_ref()
        .filter(|_| sees_nir)
        .map(|p| passes::summary(db, p, ctx.clock.today()))
        .transpose()?);
    value["actions"] = json!(if side == Side::Structure {
        buttons(a.state)
    } else {
        Vec::new()
    });
    // Eligibility as it stands today (R-ELIG-5; a structure's own self-prescription counts
    // for itself); the content only of the diagnosis the consent covered, recorded at sending
    // (R-APPLY-4), or of the structure's own.
    let counted_for = if side == Side::Structure {
        a.structure_id.as_str()
    } else {
        ""
    };
    let chosen = diagnoses::considered_valid(db, &candidate.id, counted_for, ctx.clock.today())?;
    let content = |d: &Diagnosis| match side {
        Side::Candidate => true,
        Side::Sender => party
            .organization()
            .is_some_and(|o| o.id == d.summary.author_organization_id),
        Side::Structure => {
            d.summary.author_organization_id == a.structure_id
                || (a.diagnosis_shared && a.diagnosis_id.as_deref() == Some(d.summary.id.as_str()))
        }
    };
    value["eligibility"] = match &chosen {
        Some(d) => json!({
            "valid": true,
            "valid_until": d.summary.expires_at.add_days(-1),
            "diagnosis": diagnosis_views::to_json(db, d, content(d))?,
        }),
        None => json!({"valid": false, "valid_until": null, "diagnosis": null}),
    };
    Ok(value)
}

/// `GET /api/v1/applications/{id}`.
pub fn read(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let db = ctx.db()?;
    let application = repo::find(db, ctx.param("id"))?.ok_or_else(Error::not_found)?;
    let candidate = candidates::find(db, &application.candidate_id)?
        .ok_or_else(|| Error::internal("application candidate"))?;
    let jobs = repo::jobs(db, &application.id)?;
    json(200, &view(ctx, db, &party, &application, &candidate, jobs)?)
}

/// The box a list request names: `sent` (any organization), `received` (structures); a
/// candidate always reads their own.
fn box_of<'p>(ctx: &Ctx, party: &'p Party<'_>) -> Result<Mailbox<'p>, Error> {
    let requested = ctx.query_param("box");
    match party {
        Party::Candidate { record, .. } => Ok(Mailbox::OfCandidate(
            record.as_ref().map_or("", |own| own.id.as_str()),
        )),
        Party::Professional { .. } => {
            let organization = party.professional()?;
            let is_structure = organization.kind.category() == Category::Structure;
            match requested.as_deref() {
                Some("sent") => Ok(Mailbox::Sent(&organization.id)),
                Some("received") if is_structure => Ok(Mailbox::Received(&organization.id)),
                Some("received") => Err(Error::Forbidden {
                    detail: "Seules les structures reçoivent des candidatures.".into(),
                }),
                None if is_structure => Ok(Mailbox::Received(&organization.id)),
                None => Ok(Mailbox::Sent(&organization.id)),
                Some(_) => Err(Error::query(
                    "box",
                    Invalid::new(
                        "invalid_box",
                        "La boîte est « sent » (envoyées) ou « received » (reçues).",
                    ),
                )),
            }
        }
    }
}

/// `GET /api/v1/applications?box=sent|received&state=…`: newest first.
pub fn list(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let of = box_of(ctx, &party)?;
    let states = match ctx.query_param("state") {
        Some(list) => {
            application::parse_states(&list).map_err(|invalid| Error::query("state", invalid))?
        }
        None => Vec::new(),
    };
    let page = ctx.page(LIST_PAGE_SIZES)?;
    let (rows, count) = repo::page(ctx.db()?, of, &states, page.size().into(), page.offset())?;
    // The received box's lines carry the buttons the transitions table allows (R-APPLY-5).
    let received = matches!(of, Mailbox::Received(_));
    let results: Vec<Value> = rows
        .iter()
        .map(|a| {
            let mut line = summary_json(a);
            if received {
                line["actions"] = json!(buttons(a.state));
            }
            line
        })
        .collect();
    json(200, &page.envelope(&results, count))
}

/// `GET /api/v1/applications/{id}/cv`: the PDF, for the application's parties only.
pub fn cv(ctx: &Ctx) -> Result<Response, Error> {
    let party = party::of(ctx)?;
    let db = ctx.db()?;
    let application = repo::find(db, ctx.param("id"))?.ok_or_else(Error::not_found)?;
    side_of(&party, &application)?;
    let cv_id = application.cv_id.ok_or_else(Error::not_found)?;
    let content = cvs::content(db, &cv_id)?.ok_or_else(Error::not_found)?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/pdf")
        .header(
            "content-disposition",
            format!("attachment; filename=\"cv-{}.pdf\"", application.id),
        )
        .header("cache-control", "private, no-store")
        .header("x-content-type-options", "nosniff")
        .body(content)
        .build())
}
