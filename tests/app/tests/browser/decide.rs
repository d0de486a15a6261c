//! The structure's decisions on a phone (issue 8): an ACI's member finds two applications from an
//! authorized prescriber in the received box with the buttons their state allows (R-APPLY-5),
//! studies one from its line, accepts it on its page, gets the PASS IAE (R-PASS-1/2) and opens
//! it, prints it on one A4 page; then refuses the other with the reason "Autre", which needs a
//! comment (R-APPLY-6). The prescriber's sent box shows no buttons. axe-core checks each page.

use anyhow::{ensure, Context, Result};
use serde_json::json;
use tremplin_tests::{candidate_body, nir, TestApp};

use std::time::{Duration, Instant};

use crate::webdriver::Session;
use crate::{
    check_page, click, log_in, screenshot, screenshots, shown, sign_out, text_of, texts, type_in,
    wait_page, wait_shown, wait_text, wait_text_containing, WAIT,
};

/// The app's pinned day (a Monday): the hire starts on it, the PASS ends 729 days later.
pub const TODAY: &str = "2026-03-02";
const TODAY_TEXT: &str = "2 mars 2026";
const PASS_END_TEXT: &str = "29 février 2028";
/// R-PASS-1: the first number issued, as displayed.
const PASS_NUMBER: &str = "999990000001";
const PASS_DISPLAY: &str = "99999 00 00001";
const COMMENT: &str = "Le poste demande le permis poids lourd.";

pub struct Fixture {
    employer: String,
    prescriber: String,
    structure_name: String,
    /// Léa Martin's application, accepted in the scenario.
    hired: String,
    /// Karim Haddad's, refused.
    refused: String,
}

/// An authorized Mission locale and an ACI (each with a member), two candidates the Mission
/// locale diagnosed, and the application it sent to the ACI for each.
pub async fn seed(app: &TestApp) -> Fixture {
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    let mut karim = candidate_body("karim.haddad@example.fr", 2);
    karim["title"] = json!("M");
    karim["first_name"] = json!("Karim");
    karim["last_name"] = json!("Haddad");
    karim["nir"] = json!(nir(1, 1990, 5, "13", 2));
    let mut applications = Vec::new();
    for body in [candidate_body("lea.martin@example.fr", 1), karim] {
        let candidate = app.candidate(&ml.member.token, body).await;
        let candidate = candidate["id"].as_str().expect("id");
        app.diagnose(&ml.member.token, candidate).await;
        let sent = app
            .apply(&ml.member.token, &aci.id, candidate)
            .await
            .ok(201);
        applications.push(sent["id"].as_str().expect("id").to_owned());
    }
    let structure_name: String = app
        .db()
        .query_row(
            "SELECT name FROM organizations WHERE id = ?",
            [&aci.id],
            |row| row.get(0),
        )
        .expect("structure name");
    let [hired, refused] = <[String; 2]>::try_from(applications).expect("two applications");
    Fixture {
        employer: aci.member.email,
        prescriber: ml.member.email,
        structure_name,
        hired,
        refused,
    }
}

fn line(application: &str) -> String {
    format!("#ligne-{application}")
}

/// The decision buttons and links of a line of the box.
fn line_actions(session: &Session, application: &str) -> Result<Vec<String>> {
    texts(session, &format!("{} .decisions li", line(application)))
}

pub fn scenario(session: &Session, base: &str, fixture: &Fixture) -> Result<()> {
    received_box(session, base, fixture)?;
    accept(session, fixture)?;
    pass_page(session, fixture)?;
    refuse(session, base, fixture)?;
    sent_box(session, base, fixture)?;
    Ok(())
}

/// The box: each line's buttons; "Étudier" posts from the line and redraws it.
fn received_box(session: &Session, base: &str, fixture: &Fixture) -> Result<()> {
    session.goto(&format!("{base}/candidatures.html?box=received"))?;
    log_in(session, &fixture.employer, "/candidatures.html")?;
    wait_text(session, "#titre", "Candidatures reçues")?;
    wait_text(session, "#titre-resultats", "2 candidatures")?;
    let new = [
        "Étudier",
        "Mettre en attente",
        "Accepter",
        "Refuser",
        "Ajouter au vivier",
    ];
    for application in [&fixture.hired, &fixture.refused] {
        let actions = line_actions(session, application)?;
        ensure!(actions == new, "buttons of a new application: {actions:?}");
    }
    let accept = session.find(&format!("{} a[href$='#accepter']", line(&fixture.hired)))?;
    ensure!(
        session.text(&accept)? == "Accepter",
        "the accept link: {}",
        session.text(&accept)?
    );
    check_page(session, "candidatures.html (received, decisions)")?;
    screenshot(session, "decision-boite.png")?;

    click(
        session,
        &format!("{} button[data-action=process]", line(&fixture.hired)),
    )?;
    wait_text(
        session,
        &format!("{} .tag", line(&fixture.hired)),
        "À l'étude",
    )?;
    let actions = line_actions(session, &fixture.hired)?;
    ensure!(
        actions
            == [
                "Mettre en attente",
                "Accepter",
                "Refuser",
                "Ajouter au vivier"
            ],
        "buttons once studied: {actions:?}"
    );
    wait_text(session, "#annonce", "Léa Martin : à l'étude.")?;
    let focused = session.execute("return document.activeElement.textContent;", vec![])?;
    ensure!(
        focused == "Léa Martin",
        "focus after the decision: {focused}"
    );
    ensure!(
        text_of(session, &format!("{} .tag", line(&fixture.refused)))? == "Nouvelle",
        "the other line changed"
    );
    check_page(session, "candidatures.html (received, studied)")?;
    Ok(())
}

/// The line's "Accepter" opens the application's accept form; the hire gets its PASS IAE.
fn accept(session: &Session, fixture: &Fixture) -> Result<()> {
    click(
        session,
        &format!("{} a[href$='#accepter']", line(&fixture.hired)),
    )?;
    wait_page(session, "/candidature.html")?;
    wait_shown(session, "#accepter")?;
    wait_text(session, "#titre", "Candidature de Léa Martin")?;
    ensure!(
        session
            .attribute(&session.find("[aria-controls=accepter]")?, "aria-expanded")?
            .as_deref()
            == Some("true"),
        "the accept toggle is not expanded"
    );
    let start = session.find("#accepter-hiring_start_at")?;
    // The start defaults to the app's day (pinned), not the browser's.
    let deadline = Instant::now() + WAIT;
    while session.property(&start, "value")?.as_str() != Some(TODAY) {
        ensure!(
            Instant::now() < deadline,
            "the start date is not the app's day"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    check_page(session, "candidature.html (accept form)")?;
    screenshot(session, "decision-accepter.png")?;
    click(session, "#accepter button[type=submit]")?;

    let link = wait_shown(session, "#embauche-lien")?;
    wait_text_containing(
        session,
        "#embauche-numero",
        &format!("PASS IAE n° {PASS_DISPLAY}"),
    )?;
    ensure!(
        text_of(session, "#embauche-numero")?
            .contains(&format!("du {TODAY_TEXT} au {PASS_END_TEXT}")),
        "the PASS's dates: {}",
        text_of(session, "#embauche-numero")?
    );
    ensure!(
        !text_of(session, "#embauche-statut")?.trim().is_empty(),
        "no PASS status text"
    );
    ensure!(
        session.attribute(&link, "href")?.as_deref()
            == Some(format!("/pass.html?number={PASS_NUMBER}").as_str()),
        "PASS link: {:?}",
        session.attribute(&link, "href")?
    );
    ensure!(
        session.text(&link)? == "Voir et imprimer le PASS IAE",
        "link text"
    );
    let focused = session.execute("return document.activeElement.id;", vec![])?;
    ensure!(focused == "embauche", "focus after the accept: {focused}");
    wait_text(
        session,
        "#decision-message",
        "Décision enregistrée : Acceptée.",
    )?;
    ensure!(
        text_of(session, "#etat")?.contains("Acceptée"),
        "state: {}",
        text_of(session, "#etat")?
    );
    ensure!(
        text_of(session, "#decision")?.contains(&format!("à partir du {TODAY_TEXT}")),
        "the hire's dates: {}",
        text_of(session, "#decision")?
    );
    ensure!(
        texts(session, "#actions li")? == ["Annuler l'embauche"],
        "buttons once accepted: {:?}",
        texts(session, "#actions li")?
    );
    ensure!(!shown(session, "#accepter")?, "the accept form stays open");
    check_page(session, "candidature.html (accepted)")?;
    screenshot(session, "decision-acceptee.png")?;
    session.click(&link)?;
    Ok(())
}

/// The PASS page: holder, number, dates, state, remainder, hire, history; printed on one A4
/// page without the header, navigation or buttons.
fn pass_page(session: &Session, fixture: &Fixture) -> Result<()> {
    wait_page(session, "/pass.html")?;
    wait_text(session, "#numero", &format!("N° {PASS_DISPLAY}"))?;
    ensure!(
        session.title()? == format!("PASS IAE {PASS_DISPLAY} — Tremplin"),
        "title: {}",
        session.title()?
    );
    let holder = text_of(session, "#titulaire")?;
    for part in [
        "Léa Martin",
        "14 mai 1990",
        &format!("du {TODAY_TEXT} au {PASS_END_TEXT}"),
        "730 jours restants",
    ] {
        ensure!(holder.contains(part), "the PASS lacks {part:?}:\n{holder}");
    }
    ensure!(
        !text_of(session, "#etat")?.trim().is_empty(),
        "no state on the PASS"
    );
    let hires = texts(session, "#embauches li")?;
    ensure!(
        hires.len() == 1
            && hires[0].contains(&fixture.structure_name)
            && hires[0].contains(&format!("à partir du {TODAY_TEXT}")),
        "hires: {hires:?}"
    );
    ensure!(!texts(session, "#historique li")?.is_empty(), "no history");
    ensure!(
        session.attribute(&session.find("#retour")?, "href")?
            == Some("/candidatures.html".to_owned()),
        "back link"
    );
    ensure!(shown(session, "#imprimer")?, "no print button");
    check_page(session, "pass.html")?;
    screenshot(session, "decision-pass.png")?;

    // In print, only the PASS: no header, navigation, skip link or button, black text.
    session.cdp("Emulation.setEmulatedMedia", json!({"media": "print"}))?;
    let printed = session.execute(
        "const hidden = (css) => [...document.querySelectorAll(css)]
            .every((e) => getComputedStyle(e).display === 'none');
         return { chrome: hidden('header, nav, .skip, button, .back'),
                  color: getComputedStyle(document.getElementById('numero')).color,
                  stamp: getComputedStyle(document.getElementById('imprime')).display };",
        vec![],
    )?;
    session.cdp("Emulation.setEmulatedMedia", json!({"media": ""}))?;
    ensure!(
        printed == json!({"chrome": true, "color": "rgb(0, 0, 0)", "stamp": "block"}),
        "print styles: {printed}"
    );
    let pdf = session.print_pdf(21.0, 29.7)?;
    std::fs::write(screenshots().join("pass.pdf"), &pdf)?;
    ensure!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let pages = pdf_pages(&pdf);
    ensure!(
        pages == 1,
        "the PASS prints on {pages} A4 pages (target/browser/pass.pdf)"
    );
    Ok(())
}

/// The number of `/Type /Page` objects (not `/Pages`) in a PDF.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    ["/Type /Page", "/Type/Page"]
        .iter()
        .map(|marker| {
            text.match_indices(marker)
                .filter(|(at, _)| {
                    !text[at + marker.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                })
                .count()
        })
        .sum()
}

/// Back to the box, the other line's "Refuser": "Autre" without a comment is refused by the
/// field, with one the application is refused.
fn refuse(session: &Session, base: &str, fixture: &Fixture) -> Result<()> {
    session.goto(&format!("{base}/candidatures.html?box=received"))?;
    wait_page(session, "/candidatures.html")?;
    wait_text(
        session,
        &format!("{} .tag", line(&fixture.hired)),
        "Acceptée",
    )?;
    let actions = line_actions(session, &fixture.hired)?;
    ensure!(
        actions == ["Annuler l'embauche"],
        "buttons once hired: {actions:?}"
    );
    click(
        session,
        &format!("{} a[href$='#refuser']", line(&fixture.refused)),
    )?;
    wait_page(session, "/candidature.html")?;
    wait_shown(session, "#refuser")?;
    wait_text(session, "#titre", "Candidature de Karim Haddad")?;
    let reasons = texts(session, "#refuser-reason option")?;
    ensure!(
        reasons.len() == 13 && reasons[1] == "Candidat non joignable" && reasons[12] == "Autre",
        "reasons: {reasons:?}"
    );
    ensure!(
        !shown(session, "#refuser-comment")?,
        "the comment is asked before « Autre »"
    );
    click(session, "#refuser-reason option[value=other]")?;
    wait_shown(session, "#refuser-comment")?;
    type_in(
        session,
        "#refuser-answer",
        "Nous ne pouvons pas donner suite à votre candidature.",
    )?;
    type_in(
        session,
        "#refuser-answer_to_prescriber",
        "Un poste sans permis ouvrira en septembre.",
    )?;
    click(session, "#refuser-reason_shared")?;
    click(session, "#refuser button[type=submit]")?;
    wait_text(
        session,
        "#refuser-comment-erreur",
        "Précisez le motif « Autre » (R-APPLY-6).",
    )?;
    let comment = session.find("#refuser-comment")?;
    ensure!(
        session.attribute(&comment, "aria-invalid")?.as_deref() == Some("true"),
        "the comment is not marked invalid"
    );
    let focused = session.execute("return document.activeElement.id;", vec![])?;
    ensure!(
        focused == "refuser-comment",
        "focus after the error: {focused}"
    );
    ensure!(
        text_of(session, "#etat")?.contains("Nouvelle"),
        "refused anyway"
    );
    check_page(session, "candidature.html (refusal error)")?;
    screenshot(session, "decision-refus-erreur.png")?;

    session.send_keys(&comment, COMMENT)?;
    click(session, "#refuser button[type=submit]")?;
    wait_text(
        session,
        "#decision-message",
        "Décision enregistrée : Refusée.",
    )?;
    ensure!(
        text_of(session, "#etat")?.contains("Refusée"),
        "state: {}",
        text_of(session, "#etat")?
    );
    let decision = text_of(session, "#decision")?;
    for part in [
        &format!("Autre : {COMMENT}"),
        "Nous ne pouvons pas donner suite",
        "Un poste sans permis ouvrira en septembre.",
    ] {
        ensure!(
            decision.contains(part),
            "the refusal lacks {part:?}:\n{decision}"
        );
    }
    ensure!(!shown(session, "#refuser")?, "the refusal form stays open");
    ensure!(
        texts(session, "#actions li")? == ["Accepter"],
        "buttons once refused: {:?}",
        texts(session, "#actions li")?
    );
    check_page(session, "candidature.html (refused)")?;
    screenshot(session, "decision-refusee.png")?;
    Ok(())
}

/// The sender's box: the states, no decision buttons.
fn sent_box(session: &Session, base: &str, fixture: &Fixture) -> Result<()> {
    sign_out(session)?;
    session.goto(&format!("{base}/candidatures.html"))?;
    log_in(session, &fixture.prescriber, "/candidatures.html")?;
    wait_text(session, "#titre-resultats", "2 candidatures")?;
    let states = texts(session, "#liste .tag")?;
    ensure!(
        states.contains(&"Acceptée".to_owned()) && states.contains(&"Refusée".to_owned()),
        "sent box states: {states:?}"
    );
    ensure!(
        session.find_all(".decisions")?.is_empty(),
        "decision buttons in the sent box"
    );
    session
        .find(&line(&fixture.hired))
        .context("the accepted line")?;
    Ok(())
}
