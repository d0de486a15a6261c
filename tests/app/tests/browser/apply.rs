//! The prescriber's whole path on a phone (issue 7): log in, register a candidate (through a
//! 409 identity conflict first), record the diagnosis, search the directory, open a structure,
//! apply with a job, the consent and a CV, confirm a duplicate (R-APPLY-3), find the application
//! in the sent box (state filter, paging); then the structure's member sees it in the received
//! box with the shared diagnosis, an orienteur gets the diagnosis's 403, and a candidate finds
//! their own applications in their space. axe-core checks every page on the way.

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use tremplin_tests::{candidate_body, invitation_code, luhn_siret, nir, TestApp, PASSWORD};

use crate::webdriver::Session;
use crate::{
    check_page, click, log_in, open_search, screenshot, set_value, shown, sign_out, text_of, texts,
    type_in, wait_page, wait_shown, wait_text, wait_text_containing,
};
use crate::{EXPECTED_ACI, JOB_TITLE, WAIT};

const PRESCRIBER: &str = "conseillere@ml-marseille.test";
const PRESCRIBER_ORG: &str = "Mission locale de Marseille";
const ORIENTEUR: &str = "benevole@passerelle.test";
const EMPLOYER: &str = "recrutement@vieux-port.test";
/// The first of the earlier candidates, who has an account.
const CANDIDATE: &str = "lea.martin.0@example.fr";
/// Applications the prescriber's organization sent before the scenario, days ago: with the two
/// the scenario sends, the sent box has two pages. The first few were refused.
const EARLIER: usize = 21;
const REFUSED: usize = 3;

pub struct Fixture {
    /// The app's SQLite file, to age an application past R-APPLY-3's 24 hours.
    db: PathBuf,
    /// A candidate already registered by the prescriber: the e-mail typed by mistake.
    existing_email: String,
    /// The orienteur's candidate, whose diagnosis it may not record.
    orienteur_candidate: String,
}

/// Accounts (an authorized Mission locale, an orienteur, the nearest ACI's member), the
/// prescriber's earlier applications, and a candidate's account, through the API.
pub async fn seed(app: &TestApp, sirets: &[(String, String)]) -> Fixture {
    let siret_of = |name: &str| {
        sirets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
            .expect("structure in the fixture")
    };
    let admin = app.admin().await;
    let user = |email: &str, first: &str, last: &str, org: &str| {
        json!({"email": email, "password": PASSWORD, "first_name": first, "last_name": last,
               "memberships": [{"organization": org, "role": "member"}]})
    };
    app.import_accounts(
        &admin,
        json!({
            "organizations": [
                {"ref": "ml", "category": "prescriber", "kind": "ML", "siret": luhn_siret(900),
                 "name": PRESCRIBER_ORG, "authorization_status": "VALIDATED"},
                {"ref": "or", "category": "prescriber", "kind": "OTHER", "siret": luhn_siret(901),
                 "name": "Association Passerelle"},
                // The directory's structure: the same SIRET and kind, so the same organization.
                {"ref": "aci", "category": "structure", "kind": "ACI", "siret": siret_of(EXPECTED_ACI[0]),
                 "name": EXPECTED_ACI[0]},
            ],
            "users": [
                user(PRESCRIBER, "Nadia", "Conseillère", "ml"),
                user(ORIENTEUR, "Paul", "Bénévole", "or"),
                user(EMPLOYER, "Inès", "Recruteuse", "aci"),
            ],
        }),
    )
    .await;
    // The earlier applications, sent three days ago, through the synthetic data endpoint (one
    // request each for candidates and applications, no e-mail).
    let db = app.db();
    let id_of = |siret: String| -> String {
        db.query_row(
            "SELECT id FROM organizations WHERE siret = ?",
            [siret],
            |row| row.get(0),
        )
        .expect("organization id")
    };
    let ei = id_of(siret_of("Entreprise Saint-Charles"));
    let ml = id_of(luhn_siret(900));
    let prescriber: String = db
        .query_row(
            "SELECT id FROM users WHERE email = ?",
            [PRESCRIBER],
            |row| row.get(0),
        )
        .expect("prescriber id");
    let three_days_ago: String = db
        .query_row(
            "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 days')",
            [],
            |row| row.get(0),
        )
        .expect("date");
    let candidate_id = |n: usize| format!("cand_{:032x}", 0xb0 + n);
    let candidates: Vec<Value> = (0..EARLIER)
        .map(|n| {
            let mut row = candidate_body(&format!("lea.martin.{n}@example.fr"), 100 + n as u32);
            row["id"] = json!(candidate_id(n));
            row["france_travail_id"] = Value::Null;
            row["lack_of_nir_reason"] = Value::Null;
            row
        })
        .collect();
    let applications: Vec<Value> = (0..EARLIER)
        .map(|n| {
            json!({"id": format!("app_{:032x}", 0xb0 + n), "candidate_id": candidate_id(n),
                   "structure_id": ei, "sender_kind": "prescriber", "sender_organization_id": ml,
                   "sender_user_id": prescriber,
                   "state": if n < REFUSED { "refused" } else { "new" },
                   "message": "Candidature envoyée avant le scénario.", "diagnosis_shared": true,
                   "created_at": three_days_ago})
        })
        .collect();
    for (dataset, rows) in [("candidates", candidates), ("applications", applications)] {
        let answer = app
            .post(&format!("/api/v1/admin/synthetic/{dataset}"))
            .bearer(&admin)
            .json(json!({ "rows": rows }))
            .send()
            .await
            .ok(200);
        assert_eq!(answer["created"], EARLIER, "{dataset}: {answer}");
    }
    let existing_email = format!("lea.martin.{}@example.fr", EARLIER - 1);
    // The first of them gets her candidate account, through the prescriber's invitation.
    let prescriber_token = app.token(PRESCRIBER).await;
    app.post(&format!(
        "/api/v1/candidates/{}/invitations",
        candidate_id(0)
    ))
    .bearer(&prescriber_token)
    .json(json!({}))
    .send()
    .await
    .ok(201);
    let mails = app.mail_to(CANDIDATE, 1).await;
    app.post(&format!(
        "/api/v1/invitations/{}/accept",
        invitation_code(&mails[0])
    ))
    .json(json!({ "password": PASSWORD }))
    .send()
    .await
    .ok(200);
    let orienteur = app.token(ORIENTEUR).await;
    let mut karim = candidate_body("karim.haddad@example.fr", 300);
    karim["title"] = json!("M");
    karim["first_name"] = json!("Karim");
    karim["last_name"] = json!("Haddad");
    karim["nir"] = json!(nir(1, 1990, 5, "13", 300));
    let karim = app.candidate(&orienteur, karim).await;
    Fixture {
        db: app.app.state_dir().join("sqlite_db.db"),
        existing_email,
        orienteur_candidate: karim["id"].as_str().expect("id").to_owned(),
    }
}

// ---- Its own small step --------------------------------------------------------------------------

/// Ages the newest application by two days, as if sent the day before yesterday.
fn age_newest_application(db: &PathBuf) -> Result<()> {
    let db = rusqlite::Connection::open(db)?;
    db.busy_timeout(Duration::from_secs(5))?;
    db.execute(
        "UPDATE applications SET created_unix = created_unix - 2 * 86400, \
         created_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_unix - 2 * 86400, 'unixepoch') \
         WHERE id = (SELECT id FROM applications ORDER BY created_unix DESC, id DESC LIMIT 1)",
        [],
    )
    .context("age the application")?;
    Ok(())
}

// ---- The scenario ------------------------------------------------------------------------------

pub fn scenario(session: &Session, base: &str, fixture: &Fixture) -> Result<()> {
    // A protected page sends to the login, which comes back to it.
    session.goto(&format!("{base}/candidats.html"))?;
    wait_shown(session, "#form-connexion")?;
    check_page(session, "index.html (login)")?;
    log_in(session, PRESCRIBER, "/candidats.html")?;
    wait_text(session, "#titre-resultats", &format!("{EARLIER} candidats"))?;
    ensure!(
        session.find_all("#liste > li")?.len() == 20,
        "first page of candidates"
    );
    ensure!(
        text_of(session, "#pages")?.contains("Page 1 sur 2"),
        "candidates pager"
    );
    check_page(session, "candidats.html")?;

    register_candidate(session, fixture)?;
    let candidate_url = session.current_url()?;
    let candidate_id = candidate_url
        .split("id=")
        .nth(1)
        .context("candidate id in the URL")?
        .to_owned();
    record_diagnosis(session)?;
    let apply_url = search_and_open_the_form(session, base, &candidate_id)?;
    apply(session)?;

    // R-APPLY-3: the same application two days later asks for a confirmation.
    age_newest_application(&fixture.db)?;
    session.goto(&apply_url)?;
    wait_page(session, "/postuler.html")?;
    set_value(
        session,
        "#message",
        "Nouvelle candidature : Samir a terminé sa formation.",
    )?;
    click(session, "input[name=diagnosis_shared][value=true]")?;
    click(session, "#envoyer")?;
    wait_shown(session, "#doublon")?;
    wait_text_containing(
        session,
        "#doublon-texte",
        "confirmez pour en envoyer une nouvelle",
    )?;
    check_page(session, "postuler.html (duplicate)")?;
    click(session, "#confirmer")?;
    wait_page(session, "/candidature.html")?;
    wait_text_containing(
        session,
        "#message",
        "Candidature envoyée à Chantier du Vieux-Port.",
    )?;

    sent_box(session)?;
    received_box(session, base)?;
    orienteur(session, base, fixture)?;
    candidate_space(session, base)?;
    Ok(())
}

/// The candidate form: an e-mail already used by someone else is a 409 naming each field;
/// corrected, the candidate is registered.
fn register_candidate(session: &Session, fixture: &Fixture) -> Result<()> {
    click(session, "a[href='/nouveau-candidat.html']")?;
    wait_page(session, "/nouveau-candidat.html")?;
    click(session, "input[name=title][value=M]")?;
    type_in(session, "#first_name", "Samir")?;
    type_in(session, "#last_name", "Benali")?;
    set_value(session, "#birthdate", "1988-11-03")?;
    type_in(session, "#email", &fixture.existing_email)?;
    let number = nir(1, 1988, 11, "13", 77);
    // Typed as on the card, with spaces.
    let spaced = format!(
        "{} {} {} {} {} {} {}",
        &number[0..1],
        &number[1..3],
        &number[3..5],
        &number[5..7],
        &number[7..10],
        &number[10..13],
        &number[13..15]
    );
    type_in(session, "#nir", &spaced)?;
    click(
        session,
        "input[name=france_travail_choice][value=NOT_REGISTERED]",
    )?;
    ensure!(
        !shown(session, "#france_travail_id")?,
        "the France Travail id field stays shown"
    );
    click(session, "#envoyer")?;

    wait_shown(session, "#conflit")?;
    let conflict = text_of(session, "#conflit")?;
    ensure!(
        conflict.contains("Ne correspond pas au candidat déjà enregistré"),
        "the conflict's reason:\n{conflict}"
    );
    // Each differing field, in the form's order, as a link to it.
    let fields = texts(session, "#conflit-champs a")?;
    ensure!(
        fields
            == [
                "Civilité",
                "Prénom",
                "Nom",
                "Date de naissance",
                "Numéro de sécurité sociale (NIR)"
            ],
        "the conflict's fields: {fields:?}"
    );
    let focused = session.execute("return document.activeElement.id;", vec![])?;
    ensure!(focused == "conflit", "focus after the conflict: {focused}");
    ensure!(
        session
            .attribute(&session.find("#last_name")?, "aria-invalid")?
            .as_deref()
            == Some("true"),
        "the last name is not marked"
    );
    ensure!(
        !text_of(session, "#first_name-erreur")?.is_empty(),
        "no message by the first name"
    );
    screenshot(session, "candidat-conflit.png")?;
    check_page(session, "nouveau-candidat.html (conflict)")?;

    set_value(session, "#email", "")?;
    type_in(session, "#email", "samir.benali@example.fr")?;
    click(session, "#envoyer")?;
    wait_page(session, "/fiche-candidat.html")?;
    wait_text(session, "#nom", "Samir Benali")?;
    wait_text(session, "#message", "Samir Benali est enregistré.")?;
    wait_text_containing(
        session,
        "#eligibilite",
        "Aucun diagnostic en cours de validité",
    )?;
    let identity = text_of(session, "#identite")?;
    ensure!(
        identity.contains("3 novembre 1988"),
        "birthdate: {identity}"
    );
    ensure!(
        identity.contains("n'est pas inscrite à France Travail"),
        "France Travail: {identity}"
    );
    check_page(session, "fiche-candidat.html")?;
    Ok(())
}

/// The grid from GET /api/v1/eligibility/grid: a missing axis is named, a full grid validates.
fn record_diagnosis(session: &Session) -> Result<()> {
    click(session, "#diagnostiquer")?;
    wait_page(session, "/diagnostic.html")?;
    ensure!(session.find_all("fieldset.axis")?.len() == 8, "eight axes");
    let housing = text_of(session, "[id='grid.housing']")?;
    ensure!(
        housing.contains("Logement")
            && housing.contains("2 · Fragile — Hébergement collectif de type CHRS/CADA"),
        "housing: {housing}"
    );

    click(session, "input[name='grid.french_language'][value='4']")?;
    click(session, "#envoyer")?;
    wait_text(
        session,
        "[id='grid.housing-erreur']",
        "Ce champ est obligatoire.",
    )?;
    ensure!(
        text_of(session, "[id='grid.french_language-erreur']")?.is_empty(),
        "an error on a chosen axis"
    );
    for axis in [
        "work_capacity",
        "housing",
        "rights_access",
        "mobility",
        "finances",
        "justice",
        "availability",
    ] {
        click(session, &format!("input[name='grid.{axis}'][value='2']"))?;
    }
    set_value(
        session,
        "#situation",
        "Sans emploi depuis deux ans, hébergé chez un ami.",
    )?;
    click(session, "#envoyer")?;
    wait_page(session, "/fiche-candidat.html")?;
    wait_text_containing(
        session,
        "#message",
        "Diagnostic enregistré : éligibilité validée jusqu'au",
    )?;
    wait_text_containing(
        session,
        "#eligibilite",
        &format!("Éligibilité validée par {PRESCRIBER_ORG} jusqu'au"),
    )?;
    Ok(())
}

/// From the candidate's page to the directory, the structure, and its "Postuler"; the form's URL.
fn search_and_open_the_form(session: &Session, base: &str, candidate_id: &str) -> Result<String> {
    click(session, "#chercher")?;
    open_search(session, &format!("{base}/recherche.html"))?;
    type_in(session, "#city", "marseille")?;
    click(session, "#distance option[value='10']")?;
    click(session, "input[name=kinds][value=ACI]")?;
    click(session, "#form-recherche button[type=submit]")?;
    wait_text(session, "#titre-resultats", "3 structures")?;
    check_page(session, "recherche.html")?;
    let first = texts(session, "#liste > li h3")?;
    ensure!(
        first.first().map(String::as_str) == Some(EXPECTED_ACI[0]),
        "results: {first:?}"
    );
    click(session, "#liste > li:first-child h3 a")?;
    wait_text(session, "#nom", EXPECTED_ACI[0])?;
    let apply = wait_shown(session, "#postuler")?;
    let href = session.attribute(&apply, "href")?.unwrap_or_default();
    ensure!(
        href.contains("structure=") && href.ends_with(&format!("candidat={candidate_id}")),
        "Postuler: {href}"
    );
    check_page(session, "structure.html")?;
    session.click(&apply)?;
    wait_page(session, "/postuler.html")?;
    session.current_url()
}

/// The form: the candidate carried along, one job, the message, the consent and a CV.
fn apply(session: &Session) -> Result<()> {
    wait_text(session, "#titre", "Postuler : Chantier du Vieux-Port")?;
    wait_text(session, "#candidat-choisi", "Pour Samir Benali.")?;
    let jobs = texts(session, "#postes label")?;
    ensure!(
        jobs.len() == 1 && jobs[0].contains(JOB_TITLE) && jobs[0].contains("2 postes ouverts"),
        "jobs: {jobs:?}"
    );
    screenshot(session, "candidature-formulaire.png")?;

    // The message is required: the API's message lands by the field.
    click(session, "#postes input")?;
    click(session, "input[name=diagnosis_shared][value=true]")?;
    click(session, "#envoyer")?;
    session.wait("the message's error", WAIT, |s| {
        Ok((!text_of(s, "#message-erreur")?.is_empty()).then_some(()))
    })?;

    set_value(
        session,
        "#message",
        "Samir cherche un poste d'agent d'entretien, disponible tout de suite.",
    )?;
    let dir = tempfile::tempdir()?;
    let cv = dir.path().join("cv-samir.pdf");
    std::fs::write(&cv, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")?;
    type_in(session, "#cv", cv.to_str().context("path")?)?;
    click(session, "#envoyer")?;
    wait_page(session, "/candidature.html")?;
    wait_text(
        session,
        "#message",
        "Candidature envoyée à Chantier du Vieux-Port.",
    )?;
    wait_text(session, "#titre", "Candidature de Samir Benali")?;
    ensure!(
        text_of(session, "#etat")?.contains("Nouvelle"),
        "state: {}",
        text_of(session, "#etat")?
    );
    ensure!(
        text_of(session, "#postes")?.contains(JOB_TITLE),
        "jobs on the application"
    );
    ensure!(shown(session, "#cv")?, "no CV button");
    wait_text_containing(
        session,
        "#eligibilite",
        &format!("Éligibilité validée par {PRESCRIBER_ORG}"),
    )?;
    Ok(())
}

/// The sent box: the two new applications first, two pages, and a state filter.
fn sent_box(session: &Session) -> Result<()> {
    click(session, "nav a[href='/candidatures.html']")?;
    wait_page(session, "/candidatures.html")?;
    wait_text(session, "#titre", "Candidatures envoyées")?;
    wait_text(
        session,
        "#titre-resultats",
        &format!("{} candidatures", EARLIER + 2),
    )?;
    let cards = texts(session, "#liste > li")?;
    ensure!(cards.len() == 20, "first page: {} cards", cards.len());
    for card in &cards[..2] {
        ensure!(
            card.contains("Samir Benali")
                && card.contains("À Chantier du Vieux-Port")
                && card.contains("Nouvelle"),
            "card: {card}"
        );
    }
    ensure!(cards[2].contains("Léa Martin"), "third card: {}", cards[2]);
    check_page(session, "candidatures.html (sent)")?;
    click(session, "#pages a[rel=next]")?;
    wait_page(session, "/candidatures.html")?;
    session.wait("the second page", WAIT, |s| {
        Ok((s.find_all("#liste > li")?.len() == EARLIER + 2 - 20).then_some(()))
    })?;
    ensure!(
        text_of(session, "#pages")?.contains("Page 2 sur 2"),
        "pager on page 2"
    );

    click(session, "#filtre-bloc summary")?;
    click(session, "input[name=state][value=refused]")?;
    click(session, "#form-filtre button[type=submit]")?;
    wait_page(session, "/candidatures.html")?;
    wait_text(
        session,
        "#titre-resultats",
        &format!("{REFUSED} candidatures"),
    )?;
    ensure!(
        texts(session, "#liste > li")?
            .iter()
            .all(|card| card.contains("Refusée")),
        "a card in another state"
    );
    ensure!(
        session.current_url()?.contains("state=refused"),
        "the filter is not in the URL"
    );
    ensure!(
        session.property(
            &session.find("input[name=state][value=refused]")?,
            "checked"
        )? == true,
        "the filter's box is not ticked"
    );
    Ok(())
}

/// The structure's member: the received box, and the application with the shared diagnosis.
fn received_box(session: &Session, base: &str) -> Result<()> {
    // Signing out from the home page.
    session.goto(&format!("{base}/"))?;
    session.click(&wait_shown(session, "#deconnexion")?)?;
    wait_shown(session, "#form-connexion")?;
    session.goto(&format!("{base}/candidatures.html"))?;
    log_in(session, EMPLOYER, "/candidatures.html")?;
    wait_text(session, "#titre", "Candidatures reçues")?;
    wait_text(session, "#titre-resultats", "2 candidatures")?;
    let cards = texts(session, "#liste > li")?;
    ensure!(
        cards[0].contains("Samir Benali")
            && cards[0].contains(&format!("De {PRESCRIBER_ORG} (Prescripteur habilité)")),
        "received card: {}",
        cards[0]
    );
    ensure!(
        texts(session, ".tabs a")? == ["Reçues", "Envoyées"],
        "box tabs"
    );
    check_page(session, "candidatures.html (received)")?;
    screenshot(session, "boite-recues.png")?;
    // The first one sent (the second card: the confirmed duplicate is newer) has the job and the CV.
    click(session, "#liste > li:nth-child(2) h3 a")?;
    wait_page(session, "/candidature.html")?;
    wait_text(session, "#titre", "Candidature de Samir Benali")?;
    ensure!(
        text_of(session, "#postes")?.contains(JOB_TITLE),
        "jobs on the received application"
    );
    // The candidate consented: the structure reads the grid.
    wait_text_containing(
        session,
        "#diagnostic",
        "Logement : 2 · Fragile — Hébergement collectif de type CHRS/CADA",
    )?;
    ensure!(
        text_of(session, "#diagnostic")?.contains("Sans emploi depuis deux ans"),
        "situation not shown"
    );
    ensure!(shown(session, "#cv")?, "no CV for the structure");
    ensure!(
        text_of(session, "#retour")? == "Candidatures reçues",
        "back link"
    );
    check_page(session, "candidature.html (structure)")?;
    Ok(())
}

/// An orienteur may not record a diagnosis: told at once, and the API's 403 when it tries.
fn orienteur(session: &Session, base: &str, fixture: &Fixture) -> Result<()> {
    sign_out(session)?;
    let path = format!("/diagnostic.html?candidat={}", fixture.orienteur_candidate);
    session.goto(&format!("{base}{path}"))?;
    log_in(session, ORIENTEUR, "/diagnostic.html")?;
    wait_shown(session, "#orienteur")?;
    wait_text(session, "#candidat", "Pour Karim Haddad")?;
    click(session, "input[name='grid.housing'][value='1']")?;
    click(session, "#envoyer")?;
    wait_shown(session, "#refus")?;
    wait_text_containing(
        session,
        "#refus-texte",
        "Votre organisation n'est pas habilitée",
    )?;
    let focused = session.execute("return document.activeElement.id;", vec![])?;
    ensure!(focused == "refus", "focus after the 403: {focused}");
    ensure!(
        !shown(session, "#orienteur")?,
        "the page's notice repeats the API's"
    );
    check_page(session, "diagnostic.html (orienteur)")?;
    screenshot(session, "diagnostic-orienteur.png")?;
    Ok(())
}

/// The candidate's space: a visitor may log in or ask for an account; the candidate sees their
/// own applications.
fn candidate_space(session: &Session, base: &str) -> Result<()> {
    sign_out(session)?;
    session.goto(&format!("{base}/candidat.html"))?;
    wait_page(session, "/candidat.html")?;
    wait_shown(session, "#form-inscription")?;
    check_page(session, "candidat.html (visitor)")?;
    let login = wait_shown(session, "#connexion")?;
    ensure!(
        session.attribute(&login, "href")?.as_deref() == Some("/?retour=%2Fcandidat.html"),
        "login link"
    );
    session.click(&login)?;
    log_in(session, CANDIDATE, "/candidat.html")?;
    wait_text(session, "#bonjour", "Bonjour Léa")?;
    wait_text(
        session,
        "#titre-candidatures",
        "Mes candidatures (1 candidature)",
    )?;
    let cards = texts(session, "#liste > li")?;
    ensure!(
        cards.len() == 1
            && cards[0].contains("Entreprise Saint-Charles")
            && cards[0].contains("Refusée"),
        "the candidate's applications: {cards:?}"
    );
    ensure!(
        cards[0].contains(&format!("par {PRESCRIBER_ORG}")),
        "sender: {}",
        cards[0]
    );
    check_page(session, "candidat.html (candidate)")?;
    Ok(())
}
