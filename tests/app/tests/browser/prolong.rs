//! Suspending and prolonging a PASS IAE on a phone (issue 9). An ACI hired Léa Martin on
//! 2026-03-02 (her PASS runs to 2028-02-29, R-PASS-2); fourteen months later, inside R-PROL-3's
//! window, its member opens the PASS page: suspends it after the preview of the new end
//! (R-SUSP-4), deletes that suspension again after its preview (R-SUSP-5), then asks the
//! authorized Mission locale for a RQTH prolongation — a missing organization is a field error,
//! then the preview tells the end a grant would give before the request is sent (R-PROL-4). The
//! prescriber finds it on prolongations.html (the home page's shortcut leads there, the e-mail
//! links there), is stopped by a field error when denying with the reason IAE and no proposed
//! action, then grants it after the preview; the PASS page shows the new end, the prolongation,
//! the granted request and the history. axe-core checks each state of each page.

use anyhow::{ensure, Result};
use serde_json::json;
use std::time::Instant;
use tremplin_tests::{candidate_body, TestApp};

use crate::webdriver::{Session, PHONE_WIDTH};
use crate::{
    check_page, click, log_in, screenshot, serve_and_browse, set_value, shown, sign_out, text_of,
    texts, type_in, wait_page, wait_shown, wait_text, wait_text_containing,
};

/// The hire's day: the PASS runs from it to 2028-02-29.
const HIRE_DAY: &str = "2026-03-02";
/// Fourteen months later: R-PROL-3's window opened on 2027-02-28 (the end − 12 months).
const TODAY: &str = "2027-05-03";
const PASS_NUMBER: &str = "999990000001";
const PASS_DISPLAY: &str = "99999 00 00001";
const VALIDITY: &str = "du 2 mars 2026 au 29 février 2028";
/// The suspension tried: 5 days back to 9 days ahead, which moves the end by 14 days (R-SUSP-4).
const SUSPENSION: (&str, &str) = ("2027-04-28", "2027-05-12");
const SUSPENDED_END: &str = "14 mars 2028";
/// The request: RQTH, 365 days at most from the PASS end (R-PROL-1).
const PROLONGED_TO: &str = "2029-02-28";
const PROLONGED_TO_TEXT: &str = "28 février 2029";
const RQTH: &str = "RQTH - Reconnaissance de la qualité de travailleur handicapé";

pub struct Fixture {
    employer: String,
    prescriber: String,
    prescriber_id: String,
    prescriber_name: String,
    structure_name: String,
}

fn name_of(app: &TestApp, id: &str) -> String {
    app.db()
        .query_row("SELECT name FROM organizations WHERE id = ?", [id], |row| {
            row.get(0)
        })
        .expect("organization name")
}

/// An authorized Mission locale and an ACI; the Mission locale diagnoses Léa Martin and sends
/// her application, the ACI hires her on HIRE_DAY (the clock's day): PASS 999990000001.
async fn seed(app: &TestApp) -> Fixture {
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    let candidate = app
        .candidate(&ml.member.token, candidate_body("lea.martin@example.fr", 1))
        .await;
    let candidate = candidate["id"].as_str().expect("id");
    app.diagnose(&ml.member.token, candidate).await;
    let sent = app
        .apply(&ml.member.token, &aci.id, candidate)
        .await
        .ok(201);
    let hired = app
        .post(&format!(
            "/api/v1/applications/{}/accept",
            sent["id"].as_str().expect("id")
        ))
        .bearer(&aci.member.token)
        .json(json!({"hiring_start_at": HIRE_DAY}))
        .send()
        .await
        .ok(200);
    assert_eq!(hired["pass"]["number"], PASS_NUMBER, "{hired}");
    assert_eq!(hired["pass"]["end_at"], "2028-02-29", "{hired}");
    Fixture {
        employer: aci.member.email,
        prescriber: ml.member.email,
        prescriber_name: name_of(app, &ml.id),
        prescriber_id: ml.id,
        structure_name: name_of(app, &aci.id),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_structure_asks_a_prolongation_that_a_prescriber_grants_on_a_phone() {
    let started = Instant::now();
    let mut app = TestApp::spawn_with(&[("today", HIRE_DAY)]).await;
    let fixture = seed(&app).await;
    app.set_today(TODAY);
    let (prescriber, structure) = (fixture.prescriber.clone(), fixture.structure_name.clone());
    let setup = started.elapsed();
    serve_and_browse(&app, "prolongation", move |session, base| {
        scenario(session, base, &fixture)
    })
    .await;
    // R-PROL-4: the member named got the request, with a link to the page that answers it.
    let mails = app.mail_to(&prescriber, 1).await;
    let request = mails
        .iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("Demande de prolongation") && s.contains(&structure))
        })
        .unwrap_or_else(|| panic!("no request e-mail: {mails:?}"));
    assert!(
        request["text"]
            .as_str()
            .is_some_and(|t| t.contains("/prolongations.html")),
        "the e-mail does not link to prolongations.html: {request}"
    );
    eprintln!(
        "prolongation scenario passed in {:.1?} (setup: {setup:.1?})",
        started.elapsed()
    );
}

fn scenario(session: &Session, base: &str, fixture: &Fixture) -> Result<()> {
    let pass_url = format!("{base}/pass.html?number={PASS_NUMBER}");
    session.goto(&pass_url)?;
    log_in(session, &fixture.employer, "/pass.html")?;
    wait_text(session, "#numero", &format!("N° {PASS_DISPLAY}"))?;
    offered(session)?;
    suspend_and_delete(session)?;
    ask(session, fixture)?;

    // The structure's dashboard lists its request awaiting an answer.
    session.goto(&format!("{base}/tableau-de-bord.html"))?;
    wait_text(
        session,
        "#titre-demandes",
        "Demandes de prolongation sans réponse : 1",
    )?;
    wait_text_containing(session, "#demandes li", "Léa Martin")?;
    check(session, "tableau-de-bord.html (structure)")?;

    // The prescriber's dashboard leads to the request.
    sign_out(session)?;
    session.goto(&format!("{base}/tableau-de-bord.html"))?;
    log_in(session, &fixture.prescriber, "/tableau-de-bord.html")?;
    wait_text(
        session,
        "#titre-demandes",
        "Demandes de prolongation à traiter : 1",
    )?;
    wait_text_containing(session, "#envoyees", "Acceptée : 1")?;
    check(session, "tableau-de-bord.html (prescriber)")?;
    screenshot(session, "tableau-de-bord.png")?;
    click(session, "#demandes a[href='/prolongations.html']")?;
    wait_page(session, "/prolongations.html")?;
    answer(session, fixture)?;
    session.goto(&format!("{base}/"))?;
    wait_shown(session, "#raccourcis a[href='/prolongations.html']")?;

    sign_out(session)?;
    session.goto(&pass_url)?;
    log_in(session, &fixture.employer, "/pass.html")?;
    prolonged(session, fixture)
}

/// The page keeps the phone's width (content wider than it would make the browser zoom out, which
/// the sideways-scroll check cannot see), and axe-core finds nothing on it.
fn check(session: &Session, page: &str) -> Result<()> {
    let width = session.execute("return window.innerWidth;", vec![])?;
    ensure!(
        width == json!(PHONE_WIDTH),
        "{page} is wider than the phone: the layout viewport is {width} px"
    );
    check_page(session, page)
}

fn holder(session: &Session) -> Result<String> {
    text_of(session, "#titulaire")
}

/// The ACI made the last hire and the PASS is in its window: suspend, prolong (its direct
/// reasons) and ask (the others) are offered; nothing is suspended yet.
fn offered(session: &Session) -> Result<()> {
    ensure!(
        holder(session)?.contains(VALIDITY),
        "validity: {}",
        holder(session)?
    );
    for toggle in ["#suspendre-choix", "#prolonger-choix", "#demander-choix"] {
        ensure!(shown(session, toggle)?, "{toggle} is not offered");
    }
    ensure!(
        !shown(session, "#modifier-choix")? && !shown(session, "#retirer-choix")?,
        "a suspension to modify or a request to withdraw is offered"
    );
    ensure!(
        !shown(session, "#suspensions-bloc")? && !shown(session, "#demandes-bloc")?,
        "suspensions or requests listed before any"
    );
    check(session, "pass.html (acts offered)")?;
    screenshot(session, "prolongation-pass.png")
}

/// Suspend after the preview, then delete the suspension after its preview: the end comes back.
fn suspend_and_delete(session: &Session) -> Result<()> {
    click(session, "[aria-controls=suspendre]")?;
    wait_shown(session, "#suspendre")?;
    let start = session.find("#suspendre-start_at")?;
    ensure!(
        session.property(&start, "value")?.as_str() == Some(TODAY),
        "the start does not default to the app's day"
    );
    set_value(session, "#suspendre-start_at", SUSPENSION.0)?;
    set_value(session, "#suspendre-end_at", SUSPENSION.1)?;
    click(
        session,
        "#suspendre-reason option[value=CONTRACT_SUSPENDED]",
    )?;
    type_in(
        session,
        "#suspendre-explanation",
        "Arrêt maladie de trois semaines.",
    )?;
    click(session, "#suspendre button[type=submit]")?;
    wait_shown(session, "#suspendre-apercu")?;
    wait_text(
        session,
        "#suspendre-apercu-texte",
        &format!(
            "Le PASS IAE se terminera le {SUSPENDED_END}. Suspension du 28 avril 2027 au 12 mai 2027."
        ),
    )?;
    // The preview wrote nothing.
    ensure!(
        holder(session)?.contains(VALIDITY),
        "the preview moved the end"
    );
    check(session, "pass.html (suspension preview)")?;
    screenshot(session, "prolongation-suspension-apercu.png")?;
    click(session, "#suspendre-apercu .confirmer")?;
    wait_text(
        session,
        "#acte-message",
        &format!("Suspension enregistrée. Le PASS IAE se termine désormais le {SUSPENDED_END}."),
    )?;
    ensure!(
        holder(session)?.contains(&format!("au {SUSPENDED_END}")),
        "the end after the suspension: {}",
        holder(session)?
    );
    let suspensions = texts(session, "#suspensions li")?;
    ensure!(
        suspensions.len() == 1
            && suspensions[0].contains("du 28 avril 2027 au 12 mai 2027")
            && suspensions[0].contains("En cours")
            && suspensions[0].contains("Contrat de travail suspendu depuis plus de 15 jours")
            && suspensions[0].contains("Arrêt maladie de trois semaines."),
        "suspensions: {suspensions:?}"
    );
    ensure!(
        shown(session, "#modifier-choix")? && !shown(session, "#suspendre-choix")?,
        "the acts once suspended"
    );
    // R-PROL-3: no prolongation while suspended.
    ensure!(
        !shown(session, "#demander-choix")? && !shown(session, "#prolonger-choix")?,
        "a prolongation is offered while suspended"
    );
    wait_text_containing(session, "#actes-info", "suspendu")?;
    wait_text_containing(session, "#historique", "PASS IAE suspendu")?;
    check(session, "pass.html (suspended)")?;

    click(session, "[aria-controls=modifier]")?;
    wait_shown(session, "#modifier")?;
    click(session, "#modifier input[value=delete]")?;
    ensure!(
        !shown(session, "#modifier-end_at")?,
        "a date is asked to delete"
    );
    click(session, "#modifier button[type=submit]")?;
    wait_text(
        session,
        "#modifier-apercu-texte",
        "Le PASS IAE se terminera le 29 février 2028. La suspension sera supprimée.",
    )?;
    check(session, "pass.html (deletion preview)")?;
    click(session, "#modifier-apercu .confirmer")?;
    wait_text(
        session,
        "#acte-message",
        "Suspension supprimée. Le PASS IAE se termine désormais le 29 février 2028.",
    )?;
    ensure!(
        holder(session)?.contains(VALIDITY),
        "the end after the deletion: {}",
        holder(session)?
    );
    ensure!(
        !text_of(session, "#suspensions-bloc")?.contains("En cours"),
        "the suspension is still in progress"
    );
    wait_text_containing(session, "#historique", "Suspension supprimée")?;
    ensure!(shown(session, "#demander-choix")?, "no request offered");
    Ok(())
}

/// The request: the reasons of an ACI, a missing organization, the preview, the confirmation.
fn ask(session: &Session, fixture: &Fixture) -> Result<()> {
    click(session, "[aria-controls=demander]")?;
    wait_shown(session, "#demander")?;
    let reasons = texts(session, "#demander-reason option")?;
    ensure!(
        reasons
            == [
                "Choisissez un motif",
                RQTH,
                "50 ans et plus",
                "Difficultés particulièrement importantes dont l'absence de prise en charge ferait obstacle à son insertion professionnelle",
            ],
        "request reasons: {reasons:?}"
    );
    // The other form is closed: its options read from the DOM (WebDriver shows no hidden text).
    let direct = session.execute(
        "return [...document.querySelectorAll('#prolonger-reason option')].map((o) => o.textContent);",
        vec![],
    )?;
    ensure!(
        direct
            == json!([
                "Choisissez un motif",
                "CDI inclusion pour une personne de 57 ans et plus",
                "Fin d'une formation"
            ]),
        "direct reasons: {direct:?}"
    );
    click(session, "#demander-reason option[value=RQTH]")?;
    set_value(session, "#demander-end_at", PROLONGED_TO)?;
    type_in(
        session,
        "#demander-explanation",
        "Reconnaissance RQTH obtenue en mars : le parcours demande une année de plus.",
    )?;
    type_in(session, "#demander-assigned_to_email", &fixture.prescriber)?;
    click(session, "#demander button[type=submit]")?;
    wait_text(
        session,
        "#demander-prescriber_organization_id-erreur",
        "Choisissez une organisation prescriptrice habilitée.",
    )?;
    let field = session.find("#demander-prescriber_organization_id")?;
    ensure!(
        session.attribute(&field, "aria-invalid")?.as_deref() == Some("true"),
        "the organization is not marked invalid"
    );
    let focused = session.execute("return document.activeElement.id;", vec![])?;
    ensure!(
        focused == "demander-prescriber_organization_id",
        "focus after the error: {focused}"
    );
    ensure!(
        !shown(session, "#demander-apercu")?,
        "a preview despite the error"
    );
    check(session, "pass.html (request error)")?;
    screenshot(session, "prolongation-demande-erreur.png")?;

    session.send_keys(&field, &fixture.prescriber_id)?;
    click(session, "#demander button[type=submit]")?;
    wait_text(
        session,
        "#demander-apercu-texte",
        &format!(
            "Si la demande est accordée, le PASS IAE se terminera le {PROLONGED_TO_TEXT}. \
             Prolongation du 29 février 2028 au {PROLONGED_TO_TEXT}."
        ),
    )?;
    ensure!(
        session.attribute(&field, "aria-invalid")?.as_deref() == Some("false"),
        "the organization is still marked invalid"
    );
    ensure!(
        !shown(session, "#demandes-bloc")?,
        "the preview made a request"
    );
    check(session, "pass.html (request preview)")?;
    screenshot(session, "prolongation-demande-apercu.png")?;
    click(session, "#demander-apercu .confirmer")?;
    wait_text_containing(
        session,
        "#acte-message",
        &format!(
            "Demande de prolongation envoyée à {}.",
            fixture.prescriber_name
        ),
    )?;
    let requests = texts(session, "#demandes li")?;
    ensure!(
        requests.len() == 1
            && requests[0].contains("En attente")
            && requests[0].contains(&format!("jusqu'au {PROLONGED_TO_TEXT}"))
            && requests[0].contains(RQTH)
            && requests[0].contains(&fixture.prescriber_name),
        "requests: {requests:?}"
    );
    ensure!(
        !shown(session, "#demander-choix")?
            && !shown(session, "#demander")?
            && !shown(session, "#prolonger-choix")?,
        "a prolongation is offered while a request is pending"
    );
    wait_text_containing(session, "#actes-info", "attend la réponse")?;
    wait_text_containing(
        session,
        "#historique",
        "Prolongation demandée à un prescripteur habilité",
    )?;
    ensure!(
        holder(session)?.contains(VALIDITY),
        "a request moved the end"
    );
    check(session, "pass.html (request sent)")?;
    // The structure may withdraw it: the form says to whom it went and previews; it is kept here.
    ensure!(shown(session, "#retirer-choix")?, "no withdrawal offered");
    click(session, "[aria-controls=retirer]")?;
    wait_shown(session, "#retirer")?;
    wait_text_containing(session, "#retirer-demande", &fixture.prescriber_name)?;
    click(session, "#retirer button[type=submit]")?;
    wait_text_containing(session, "#retirer-apercu-texte", "sera retirée")?;
    check(session, "pass.html (withdrawal preview)")?;
    session.click(&session.find("#retirer .fermer")?)?;
    ensure!(
        !shown(session, "#retirer")?,
        "the withdrawal form stays open"
    );
    Ok(())
}

/// The prescriber's page: the request, a deny refused for lack of a proposed action, the grant.
fn answer(session: &Session, fixture: &Fixture) -> Result<()> {
    wait_text(session, "#titre-resultats", "1 demande en attente")?;
    wait_text(session, "#organisation", &fixture.prescriber_name)?;
    ensure!(
        text_of(session, "#identifiant")? == fixture.prescriber_id,
        "the organization's id is not shown"
    );
    let card = text_of(session, "#liste li.card")?;
    for part in [
        "Léa Martin",
        "En attente",
        &format!("n° {PASS_DISPLAY}"),
        fixture.structure_name.as_str(),
        RQTH,
        &format!("du 29 février 2028 au {PROLONGED_TO_TEXT}"),
        "Reconnaissance RQTH obtenue en mars",
        fixture.prescriber.as_str(),
    ] {
        ensure!(card.contains(part), "the request lacks {part:?}:\n{card}");
    }
    check(session, "prolongations.html (pending)")?;
    screenshot(session, "prolongation-demandes.png")?;

    // R-PROL-4: the reason IAE needs at least one proposed action.
    click(session, "#liste [aria-controls$='-form']")?;
    let form = wait_shown(session, "#liste form")?;
    let reasons = texts(session, "#liste form select option")?;
    ensure!(
        reasons.len() == 5
            && reasons[1]
                == "L'IAE ne correspond plus aux besoins ou à la situation de la personne",
        "deny reasons: {reasons:?}"
    );
    let actions = texts(session, "#liste form fieldset label")?;
    ensure!(
        actions
            == [
                "Proposer une sortie de l'IAE",
                "Orienter vers un partenaire de l'accompagnement social ou professionnel",
                "Autre"
            ],
        "proposed actions: {actions:?}"
    );
    click(session, "#liste form select option[value=IAE]")?;
    type_in(
        session,
        "#liste form textarea",
        "La personne souhaite une formation qualifiante.",
    )?;
    click(session, "#liste form button[type=submit]")?;
    wait_text(
        session,
        "#liste [id$='-proposed_actions-erreur']",
        "Proposez au moins une action quand l'IAE ne correspond plus (R-PROL-4).",
    )?;
    let fieldset = session.find("#liste form fieldset")?;
    ensure!(
        session.attribute(&fieldset, "aria-invalid")?.as_deref() == Some("true"),
        "the proposed actions are not marked invalid"
    );
    ensure!(
        text_of(session, "#titre-resultats")? == "1 demande en attente",
        "denied anyway"
    );
    check(session, "prolongations.html (deny error)")?;
    screenshot(session, "prolongation-refus-erreur.png")?;
    session.click(&session.find("#liste form .fermer")?)?;
    ensure!(!session.displayed(&form)?, "the deny form stays open");

    // The grant: its preview, then the confirmation.
    click(session, "#liste [aria-controls$='-panneau']")?;
    wait_text(
        session,
        "#liste [id$='-apercu-texte']",
        &format!(
            "Le PASS IAE se terminera le {PROLONGED_TO_TEXT}. Prolongation du 29 février 2028 au \
             {PROLONGED_TO_TEXT}."
        ),
    )?;
    check(session, "prolongations.html (grant preview)")?;
    screenshot(session, "prolongation-accord-apercu.png")?;
    click(session, "#liste .confirmer")?;
    wait_text(session, "#titre-resultats", "Aucune demande en attente")?;
    wait_text(
        session,
        "#annonce",
        &format!(
            "Prolongation accordée pour Léa Martin : le PASS IAE n° {PASS_DISPLAY} se termine \
             désormais le {PROLONGED_TO_TEXT}."
        ),
    )?;
    let focused = session.execute("return document.activeElement.id;", vec![])?;
    ensure!(
        focused
            .as_str()
            .is_some_and(|id| id.starts_with("demande-")),
        "focus after the grant: {focused}"
    );
    check(session, "prolongations.html (granted)")?;
    screenshot(session, "prolongation-accordee.png")?;
    // Reloaded, nothing is pending any more.
    session.goto(&session.current_url()?)?;
    wait_page(session, "/prolongations.html")?;
    wait_text(session, "#titre-resultats", "Aucune demande en attente")?;
    ensure!(
        session.find_all("#liste li")?.is_empty(),
        "requests still listed"
    );
    Ok(())
}

/// The PASS page once granted: the new end, the prolongation, the request, the history.
fn prolonged(session: &Session, fixture: &Fixture) -> Result<()> {
    wait_text(session, "#numero", &format!("N° {PASS_DISPLAY}"))?;
    ensure!(
        holder(session)?.contains(&format!("du 2 mars 2026 au {PROLONGED_TO_TEXT}")),
        "the end once prolonged: {}",
        holder(session)?
    );
    let prolongations = texts(session, "#prolongations li")?;
    ensure!(
        prolongations.len() == 1
            && prolongations[0].contains(&format!("du 29 février 2028 au {PROLONGED_TO_TEXT}"))
            && prolongations[0].contains(RQTH)
            && prolongations[0].contains(&fixture.structure_name),
        "prolongations: {prolongations:?}"
    );
    let requests = texts(session, "#demandes li")?;
    ensure!(
        requests.len() == 1
            && requests[0].contains("Accordée")
            && requests[0].contains("réponse le"),
        "requests: {requests:?}"
    );
    let history = texts(session, "#historique li")?;
    let prolonged = history
        .iter()
        .find(|l| l.contains("PASS IAE prolongé"))
        .ok_or_else(|| anyhow::anyhow!("no prolongation in the history: {history:?}"))?;
    ensure!(
        prolonged.contains(&fixture.prescriber_name)
            && prolonged.contains(&format!(
                "prolongation du 29 février 2028 au {PROLONGED_TO_TEXT}"
            )),
        "the history's prolongation: {prolonged}"
    );
    // R-PROL-3: the new end is more than 12 months away, the next prolongation waits.
    ensure!(
        !shown(session, "#demander-choix")? && !shown(session, "#prolonger-choix")?,
        "a prolongation is offered outside the window"
    );
    wait_text_containing(session, "#actes-info", "à partir du 28 février 2028")?;
    check(session, "pass.html (prolonged)")?;
    screenshot(session, "prolongation-pass-prolonge.png")
}
