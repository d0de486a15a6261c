//! Applications (R-APPLY-1..4, R-APPLY-10): sending, the rules that refuse one, what each party
//! sees, the CV, the monthly export, the notifications, R-DIR-1's recent applications.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, Org, TestApp};

use crate::directory::{all_results, fixture, import};

/// A prescriber organization, a structure and a candidate the prescriber registered.
async fn setup(
    app: &TestApp,
    prescriber_kind: &str,
    status: Option<&str>,
    structure_kind: &str,
) -> (Org, Org, String) {
    let prescriber = app
        .organization("prescriber", prescriber_kind, status)
        .await;
    let structure = app.organization("structure", structure_kind, None).await;
    let candidate = app
        .candidate(
            &prescriber.member.token,
            candidate_body("lea.martin@example.fr", 1),
        )
        .await;
    (
        prescriber,
        structure,
        candidate["id"].as_str().unwrap().to_owned(),
    )
}

fn body(structure: &str, candidate: &str) -> Value {
    json!({"structure_id": structure, "candidate_id": candidate, "message": "Motivée.", "diagnosis_shared": true})
}

#[tokio::test]
async fn r_apply_1_an_authorized_prescriber_or_an_orienteur_sends_an_application_and_everyone_concerned_is_told(
) {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let sent = app
        .apply(&ml.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    assert_eq!(sent["state"], "new");
    assert_eq!(sent["sender"]["kind"], "prescriber");
    assert_eq!(sent["structure"]["id"], aci.id.as_str());
    let audit: i64 = app
        .db()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'send_application' AND entity_id = ?",
            [sent["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audit, 1);
    // Sender, candidate and both members of the structure; none carries the NIR.
    let nir = candidate_body("x", 1)["nir"].as_str().unwrap().to_owned();
    for email in [
        &ml.member.email,
        &"lea.martin@example.fr".to_owned(),
        &aci.admin.email,
        &aci.member.email,
    ] {
        let mails = app.mail_to(email, 1).await;
        let text = mails[0]["text"].as_str().unwrap();
        assert!(
            text.contains(sent["id"].as_str().unwrap()) || text.contains("candidat.html"),
            "{text}"
        );
        assert!(
            !mails[0].to_string().contains(&nir),
            "NIR in a mail to {email}"
        );
    }
    // Nobody else: the prescriber's admin did not send it.
    app.outbox_settled().await;
    assert!(app
        .mailbox
        .messages()
        .iter()
        .all(|m| m["to"] != json!([ml.admin.email])));
    // An orienteur's application is recorded as such.
    let (orienteur, ei, other) = setup(&app, "OTHER", None, "EI").await;
    let sent = app
        .apply(&orienteur.member.token, &ei.id, &other)
        .await
        .ok(201);
    assert_eq!(sent["sender"]["kind"], "orienteur");
}

#[tokio::test]
async fn r_apply_2_a_blocking_structure_receives_only_from_its_own_members() {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    app.patch(&format!("/api/v1/structures/{}", aci.id))
        .bearer(&aci.member.token)
        .json(json!({"blocks_applications": true}))
        .send()
        .await
        .ok(200);
    let before = app.snapshot();
    app.apply(&ml.member.token, &aci.id, &candidate)
        .await
        .problem(422, "structure_blocks_applications");
    assert_eq!(app.snapshot(), before);
    // The structure's own member applies for the candidate it knows: an employer application.
    app.candidate(
        &aci.member.token,
        candidate_body("lea.martin@example.fr", 1),
    )
    .await;
    let own = app
        .apply(&aci.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    assert_eq!(own["sender"]["kind"], "employer");
    // A structure never applies to another one.
    let ei = app.organization("structure", "EI", None).await;
    app.apply(&aci.member.token, &ei.id, &candidate)
        .await
        .problem(403, "forbidden");
}

#[tokio::test]
async fn r_apply_1_jobs_must_be_active_ones_of_the_structure_and_none_needs_spontaneous_applications_open(
) {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let admin = app.admin().await;
    import(
        &app,
        &admin,
        "rome_codes",
        vec![json!({"line": 2, "code": "K2204", "name": "Nettoyage de locaux"})],
    )
    .await;
    import(&app, &admin, "rome_appellations", vec![
        json!({"line": 2, "code": "11573", "name": "Agent / Agente de nettoyage en collectivité", "rome_code": "K2204"}),
    ]).await;
    let job = |active: bool| {
        let app = &app;
        let aci = &aci;
        async move {
            let answer = app.post(&format!("/api/v1/structures/{}/jobs", aci.id)).bearer(&aci.member.token)
                .json(json!({"appellation_code": "11573", "contract_type": "FIXED_TERM_I", "is_active": active}))
                .send().await.ok(201);
            answer["jobs"]
                .as_array()
                .unwrap()
                .iter()
                .find(|j| j["is_active"] == active)
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let active = job(true).await;
    let inactive = job(false).await;
    app.patch(&format!("/api/v1/structures/{}", aci.id))
        .bearer(&aci.member.token)
        .json(json!({"spontaneous_applications_open": false}))
        .send()
        .await
        .ok(200);
    let before = app.snapshot();
    app.apply(&ml.member.token, &aci.id, &candidate)
        .await
        .problem(422, "spontaneous_applications_closed");
    let mut with_inactive = body(&aci.id, &candidate);
    with_inactive["job_ids"] = json!([inactive]);
    let problem = app
        .post("/api/v1/applications")
        .bearer(&ml.member.token)
        .json(with_inactive)
        .send()
        .await
        .problem(422, "job_not_open");
    assert!(problem["errors"]["job_ids"].is_array());
    assert_eq!(app.snapshot(), before);
    let mut with_active = body(&aci.id, &candidate);
    with_active["job_ids"] = json!([active]);
    let sent = app
        .post("/api/v1/applications")
        .bearer(&ml.member.token)
        .json(with_active)
        .send()
        .await
        .ok(201);
    assert_eq!(sent["jobs"][0]["id"], active.as_str());
}

#[tokio::test]
async fn r_apply_3_a_duplicate_within_24_hours_is_refused_and_later_needs_confirmation() {
    let mut app = TestApp::spawn_with(&[("today", "2026-03-02T09:00:00Z")]).await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    app.apply(&ml.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    app.outbox_settled().await;
    app.set_today("2026-03-03T08:59:00Z"); // 23 h 59 later
    let before = app.snapshot();
    app.apply(&ml.member.token, &aci.id, &candidate)
        .await
        .problem(409, "duplicate_application");
    assert_eq!(app.snapshot(), before);
    app.set_today("2026-03-03T09:01:00Z"); // 24 h 01 later
    let problem = app
        .apply(&ml.member.token, &aci.id, &candidate)
        .await
        .problem(409, "duplicate_needs_confirmation");
    assert!(problem["errors"]["confirm_duplicate"].is_array());
    assert_eq!(app.snapshot(), before);
    let mut confirmed = body(&aci.id, &candidate);
    confirmed["confirm_duplicate"] = json!(true);
    app.post("/api/v1/applications")
        .bearer(&ml.member.token)
        .json(confirmed)
        .send()
        .await
        .ok(201);
    // Another structure is no duplicate.
    let ei = app.organization("structure", "EI", None).await;
    app.apply(&ml.member.token, &ei.id, &candidate)
        .await
        .ok(201);
}

#[tokio::test]
async fn r_apply_4_the_structure_sees_the_diagnosis_only_with_the_candidates_consent() {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    app.diagnose(&ml.member.token, &candidate).await;
    let ei = app.organization("structure", "EI", None).await;
    let mut shared = body(&aci.id, &candidate);
    shared["diagnosis_shared"] = json!(true);
    let mut private = body(&ei.id, &candidate);
    private["diagnosis_shared"] = json!(false);
    let shared = app
        .post("/api/v1/applications")
        .bearer(&ml.member.token)
        .json(shared)
        .send()
        .await
        .ok(201);
    let private = app
        .post("/api/v1/applications")
        .bearer(&ml.member.token)
        .json(private)
        .send()
        .await
        .ok(201);
    let seen = app
        .get(&format!(
            "/api/v1/applications/{}",
            shared["id"].as_str().unwrap()
        ))
        .bearer(&aci.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(seen["eligibility"]["valid"], true);
    assert_eq!(
        seen["eligibility"]["diagnosis"]["situation"],
        "Sans emploi depuis 2 ans."
    );
    let seen = app
        .get(&format!(
            "/api/v1/applications/{}",
            private["id"].as_str().unwrap()
        ))
        .bearer(&ei.member.token)
        .send()
        .await
        .ok(200);
    // Without consent: validated, by whom, until when — nothing of the content.
    let diagnosis = &seen["eligibility"]["diagnosis"];
    assert_eq!(seen["eligibility"]["valid"], true);
    assert_eq!(diagnosis["author_organization"]["id"], ml.id.as_str());
    assert!(diagnosis["expires_at"].is_string());
    for hidden in [
        "grid",
        "situation",
        "administrative_criteria",
        "obstacles",
        "objectives",
    ] {
        assert!(
            diagnosis.get(hidden).is_none(),
            "{hidden} shown without consent: {seen}"
        );
    }
    let candidate_seen = app
        .get(&format!("/api/v1/candidates/{candidate}"))
        .bearer(&ei.member.token)
        .send()
        .await
        .ok(200);
    assert!(
        candidate_seen["diagnoses"][0].get("grid").is_none(),
        "{candidate_seen}"
    );
    // A structure applying to itself cannot grant itself the consent.
    let eiti = app.organization("structure", "EITI", None).await;
    app.candidate(
        &eiti.member.token,
        candidate_body("lea.martin@example.fr", 1),
    )
    .await;
    let own = app
        .post("/api/v1/applications")
        .bearer(&eiti.member.token)
        .json(json!({
        "structure_id": eiti.id, "candidate_id": candidate, "message": "Vu en entretien.",
        "diagnosis_shared": true}))
        .send()
        .await;
    let own = own.ok(201);
    assert_eq!(own["diagnosis_shared"], false);
    assert!(
        own["eligibility"]["diagnosis"].get("situation").is_none(),
        "{own}"
    );
    // A later diagnosis by another prescriber is not what the consent covered.
    let ccas = app
        .organization("prescriber", "CCAS", Some("VALIDATED"))
        .await;
    app.candidate(
        &ccas.member.token,
        candidate_body("lea.martin@example.fr", 1),
    )
    .await;
    let later = app.diagnose(&ccas.member.token, &candidate).await;
    let seen = app
        .get(&format!(
            "/api/v1/applications/{}",
            shared["id"].as_str().unwrap()
        ))
        .bearer(&aci.member.token)
        .send()
        .await
        .ok(200);
    // It is the one that counts now (R-ELIG-1 expired the first), shown without its content.
    assert_eq!(seen["eligibility"]["valid"], true);
    assert_eq!(seen["eligibility"]["diagnosis"]["id"], later["id"]);
    assert!(
        seen["eligibility"]["diagnosis"].get("situation").is_none(),
        "{seen}"
    );
}

#[tokio::test]
async fn r_apply_10_the_export_counts_months_and_dates_in_paris() {
    // 1 April 2026, 00:30 in Paris.
    let app = TestApp::spawn_with(&[("today", "2026-03-31T22:30:00Z")]).await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    app.apply(&ml.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    let lines = |month: &'static str| {
        let app = &app;
        let token = ml.member.token.clone();
        async move {
            let csv = app
                .get(&format!("/api/v1/applications/export.csv?month={month}"))
                .bearer(&token)
                .send()
                .await;
            String::from_utf8(csv.body)
                .unwrap()
                .split_terminator("\r\n")
                .skip(1)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(lines("2026-03").await.len(), 0);
    let april = lines("2026-04").await;
    assert_eq!(april.len(), 1);
    assert!(april[0].starts_with("2026-04-01;"), "{april:?}");
}

#[tokio::test]
async fn the_boxes_show_each_organization_only_its_own_newest_first_with_state_filters_and_paging()
{
    let mut app = TestApp::spawn_with(&[("today", "2026-03-02T09:00:00Z")]).await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let ei = app.organization("structure", "EI", None).await;
    let other = app
        .organization("prescriber", "CCAS", Some("VALIDATED"))
        .await;
    let first = app
        .apply(&ml.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    // A minute later: the boxes order by sending time.
    app.set_today("2026-03-02T09:01:00Z");
    let second = app
        .apply(&ml.member.token, &ei.id, &candidate)
        .await
        .ok(201);
    let sent = app
        .get("/api/v1/applications?box=sent")
        .bearer(&ml.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(sent["count"], 2);
    assert_eq!(sent["results"][0]["id"], second["id"], "newest first");
    let page_2 = app
        .get("/api/v1/applications?box=sent&page=2&page_size=1")
        .bearer(&ml.admin.token)
        .send()
        .await
        .ok(200);
    assert_eq!(page_2["results"][0]["id"], first["id"]);
    let received = app
        .get("/api/v1/applications?box=received")
        .bearer(&aci.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(received["count"], 1);
    assert_eq!(received["results"][0]["id"], first["id"]);
    let filtered = app
        .get("/api/v1/applications?box=received&state=processing,refused")
        .bearer(&aci.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(filtered["count"], 0);
    let none = app
        .get("/api/v1/applications?box=sent")
        .bearer(&other.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(none["count"], 0);
    app.get("/api/v1/applications?box=received")
        .bearer(&ml.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/applications?state=nope")
        .bearer(&ml.member.token)
        .send()
        .await
        .problem(400, "invalid_state");
    // One application: its parties only.
    let path = format!("/api/v1/applications/{}", first["id"].as_str().unwrap());
    app.get(&path).bearer(&ml.admin.token).send().await.ok(200);
    app.get(&path).bearer(&aci.admin.token).send().await.ok(200);
    app.get(&path)
        .bearer(&ei.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&path)
        .bearer(&other.member.token)
        .send()
        .await
        .problem(404, "not_found");
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(size - 6, b' ');
    bytes.extend_from_slice(b"\n%%EOF");
    bytes
}

#[tokio::test]
async fn a_cv_is_a_pdf_of_at_most_1_mb_downloadable_only_by_the_applications_parties() {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let outsider = app.organization("structure", "EI", None).await;
    let thief = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    app.candidate(
        &thief.member.token,
        candidate_body("lea.martin@example.fr", 1),
    )
    .await;
    app.outbox_settled().await;
    let before = app.snapshot();
    let refused: [(&str, Vec<u8>, u16, &str); 4] = [
        (
            "application/pdf",
            b"\x89PNG\r\n\x1a\n rest".to_vec(),
            422,
            "cv_not_pdf",
        ),
        ("application/pdf", pdf(1_000_001), 422, "cv_too_large"),
        ("application/pdf", pdf(1_100_000), 413, "payload_too_large"),
        ("image/png", pdf(100), 400, "invalid_content_type"),
    ];
    for (content_type, bytes, status, code) in refused {
        app.post("/api/v1/cvs")
            .bearer(&ml.member.token)
            .typed(content_type, bytes)
            .send()
            .await
            .problem(status, code);
    }
    assert_eq!(app.snapshot(), before);
    let cv = app
        .post("/api/v1/cvs")
        .bearer(&ml.member.token)
        .typed("application/pdf", pdf(1_000_000))
        .send()
        .await
        .ok(201);
    // Someone else's CV cannot be attached.
    let mut stolen = body(&aci.id, &candidate);
    stolen["cv_id"] = cv["id"].clone();
    let problem = app
        .post("/api/v1/applications")
        .bearer(&thief.member.token)
        .json(stolen.clone())
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(problem["errors"]["cv_id"].is_array());
    let sent = app
        .post("/api/v1/applications")
        .bearer(&ml.member.token)
        .json(stolen)
        .send()
        .await
        .ok(201);
    assert_eq!(sent["has_cv"], true);
    let url = sent["cv_url"].as_str().unwrap();
    for token in [&ml.admin.token, &aci.member.token] {
        let file = app.get(url).bearer(token).send().await;
        assert_eq!(file.status, 200);
        assert_eq!(file.header("content-type"), Some("application/pdf"));
        assert_eq!(file.body, pdf(1_000_000));
    }
    app.get(url)
        .bearer(&outsider.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(url).send().await.problem(401, "unauthenticated");
}

#[tokio::test]
async fn r_apply_10_the_monthly_export_is_a_spreadsheet_csv_of_the_organizations_applications() {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let ei = app.organization("structure", "EI", None).await;
    app.apply(&ml.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    app.apply(&ml.member.token, &ei.id, &candidate)
        .await
        .ok(201);
    let month: String = app
        .db()
        .query_row(
            "SELECT substr(created_at, 1, 7) FROM applications LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let csv = app
        .get(&format!("/api/v1/applications/export.csv?month={month}"))
        .bearer(&ml.member.token)
        .send()
        .await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = String::from_utf8(csv.body.clone()).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("UTF-8 BOM");
    let lines: Vec<Vec<&str>> = text
        .split_terminator("\r\n")
        .map(|l| l.split(';').collect())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0][0], "Date d'envoi");
    assert!(lines.iter().all(|l| l.len() == lines[0].len()));
    assert_eq!(lines[1][1], "Martin");
    assert_eq!(lines[1][8], "Nouvelle");
    // The structure's export holds what it received only.
    let received = app
        .get(&format!("/api/v1/applications/export.csv?month={month}"))
        .bearer(&aci.member.token)
        .send()
        .await;
    assert_eq!(
        String::from_utf8(received.body)
            .unwrap()
            .split_terminator("\r\n")
            .count(),
        2
    );
    let empty = app
        .get("/api/v1/applications/export.csv?month=2001-01")
        .bearer(&ml.member.token)
        .send()
        .await;
    assert_eq!(
        String::from_utf8(empty.body)
            .unwrap()
            .split_terminator("\r\n")
            .count(),
        1
    );
    app.get("/api/v1/applications/export.csv?month=2026-13")
        .bearer(&ml.member.token)
        .send()
        .await
        .problem(400, "invalid_month");
    app.get("/api/v1/applications/export.csv?month=2026-01")
        .send()
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn bad_application_bodies_are_4xx_problems_and_write_nothing() {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let before = app.snapshot();
    let cases: Vec<(Value, u16)> = vec![
        (
            json!({"structure_id": aci.id, "candidate_id": candidate, "message": "x", "extra": true}),
            400,
        ),
        (
            json!({"structure_id": aci.id, "candidate_id": candidate, "message": 12, "diagnosis_shared": true}),
            400,
        ),
        (
            json!({"structure_id": aci.id, "candidate_id": candidate, "diagnosis_shared": true}),
            400,
        ),
        (
            json!({"structure_id": aci.id, "candidate_id": candidate, "message": "  ", "diagnosis_shared": true}),
            422,
        ),
        (
            json!({"structure_id": aci.id, "candidate_id": candidate, "message": "x"}),
            422,
        ),
        (
            json!({"structure_id": aci.id, "candidate_id": candidate, "message": "x".repeat(5001), "diagnosis_shared": true}),
            422,
        ),
        (
            json!({"structure_id": "org_unknown", "candidate_id": candidate, "message": "x", "diagnosis_shared": true}),
            404,
        ),
        (
            json!({"structure_id": aci.id, "candidate_id": "cand_unknown", "message": "x", "diagnosis_shared": true}),
            404,
        ),
        (
            json!({"structure_id": ml.id, "candidate_id": candidate, "message": "x", "diagnosis_shared": true}),
            404,
        ),
        (
            json!({"structure_id": aci.id, "candidate_id": candidate, "message": "\u{0}bonjour", "diagnosis_shared": true}),
            422,
        ),
    ];
    for (body, status) in cases {
        let answer = app
            .post("/api/v1/applications")
            .bearer(&ml.member.token)
            .json(body.clone())
            .send()
            .await;
        assert_eq!(
            answer.status,
            status,
            "{body}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        assert!(answer
            .header("content-type")
            .unwrap()
            .starts_with("application/problem+json"));
    }
    app.post("/api/v1/applications")
        .bearer(&ml.member.token)
        .raw("{\"structure_id\"")
        .send()
        .await
        .problem(400, "malformed_json");
    app.post("/api/v1/applications")
        .json(body(&aci.id, &candidate))
        .send()
        .await
        .problem(401, "unauthenticated");
    app.call(http::Method::PUT, "/api/v1/applications")
        .bearer(&ml.member.token)
        .send()
        .await
        .problem(405, "method_not_allowed");
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn r_dir_1_recent_applications_per_open_position_now_order_the_directory() {
    let fixture = fixture(&[("2A004", 3, 0.02)]).await;
    let app = &fixture.app;
    let before: Vec<String> = all_results(app, "city=2A004&distance=10".into())
        .await
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(before.len(), 3);
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    // The nearest structure receives two applications: it goes last.
    for serial in [1, 2] {
        let candidate = app
            .candidate(
                &ml.member.token,
                candidate_body(&format!("c{serial}@example.fr"), serial),
            )
            .await;
        app.apply(
            &ml.member.token,
            &before[0],
            candidate["id"].as_str().unwrap(),
        )
        .await
        .ok(201);
    }
    let after: Vec<String> = all_results(app, "city=2A004&distance=10".into())
        .await
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        after,
        [before[1].clone(), before[2].clone(), before[0].clone()]
    );
}

#[tokio::test]
async fn r_apply_3_two_racing_sends_of_one_application_give_one_application_and_a_409() {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let racing = (0..2)
        .map(|_| {
            app.post("/api/v1/applications")
                .bearer(&ml.member.token)
                .json(body(&aci.id, &candidate))
                .spawn()
        })
        .collect();
    let mut statuses: Vec<u16> = tremplin_tests::join_all(racing)
        .await
        .iter()
        .map(|a| a.status)
        .collect();
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    assert_eq!(app.count("applications"), 1);
}

#[tokio::test]
async fn a_retried_send_with_its_idempotency_key_gets_the_first_answer_and_sends_nothing_more() {
    let app = TestApp::spawn().await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let send = || {
        app.post("/api/v1/applications")
            .bearer(&ml.member.token)
            .header("idempotency-key", "envoi-1")
            .json(body(&aci.id, &candidate))
            .send()
    };
    let first = send().await.ok(201);
    app.outbox_settled().await;
    let outbox = app.count("outbox");
    let again = send().await.ok(201);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.count("applications"), 1);
    assert_eq!(
        app.count("outbox"),
        outbox,
        "no second round of notifications"
    );
}

/// The boxes' totals (0007) and the contacts (R-CAND-6) are kept by the triggers of 0008, on
/// insert and on every state change; the decide component's transitions (issue 8) are stood in
/// for here by UPDATEs of the state, as any writer would do them. Senders of every kind: an
/// authorized prescriber, an orienteur, a structure applying to itself.
#[tokio::test]
async fn the_boxes_totals_and_contacts_follow_every_insert_and_state_change_as_a_recount_of_the_rows(
) {
    let app = TestApp::spawn_with(&[("today", "2026-03-02T09:00:00Z")]).await;
    let (ml, aci, candidate) = setup(&app, "ML", Some("VALIDATED"), "ACI").await;
    let ei = app.organization("structure", "EI", None).await;
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    let first = app
        .apply(&ml.member.token, &aci.id, &candidate)
        .await
        .ok(201);
    let second = app
        .apply(&ml.member.token, &ei.id, &candidate)
        .await
        .ok(201);
    let paul = app
        .candidate(
            &orienteur.member.token,
            candidate_body("paul.durand@example.fr", 2),
        )
        .await;
    let paul = paul["id"].as_str().unwrap();
    app.apply(&orienteur.member.token, &ei.id, paul)
        .await
        .ok(201);
    let zoe = app
        .candidate(
            &aci.member.token,
            candidate_body("zoe.bernard@example.fr", 3),
        )
        .await;
    let zoe = zoe["id"].as_str().unwrap();
    let own = app.apply(&aci.member.token, &aci.id, zoe).await.ok(201);
    assert_eq!(own["sender"]["kind"], "employer");
    app.outbox_settled().await;
    let db = app.db();
    let set_state = |id: &Value, state: &str| {
        db.execute(
            "UPDATE applications SET state = ?2 WHERE id = ?1",
            [id.as_str().unwrap(), state],
        )
        .unwrap();
    };
    set_state(&first["id"], "refused");
    // ML's sent box now holds two states: the next change must move only its own.
    set_state(&second["id"], "processing");
    set_state(&second["id"], "processing");
    // Another column changing moves nothing.
    db.execute(
        "UPDATE applications SET message = 'Autre message.' WHERE id = ?1",
        [first["id"].as_str().unwrap()],
    )
    .unwrap();
    let box_count = |token: &str, query: &str| {
        let path = format!("/api/v1/applications?{query}");
        let token = token.to_owned();
        let app = &app;
        async move { app.get(&path).bearer(&token).send().await.ok(200)["count"].clone() }
    };
    assert_eq!(box_count(&ml.member.token, "box=sent").await, 2);
    assert_eq!(
        box_count(&ml.member.token, "box=sent&state=refused").await,
        1
    );
    assert_eq!(
        box_count(&ml.member.token, "box=sent&state=processing").await,
        1
    );
    assert_eq!(box_count(&ml.member.token, "box=sent&state=new").await, 0);
    assert_eq!(
        box_count(&aci.member.token, "box=received").await,
        2,
        "its own included"
    );
    assert_eq!(
        box_count(&aci.member.token, "box=received&state=new").await,
        1
    );
    assert_eq!(box_count(&aci.member.token, "box=sent").await, 1);
    assert_eq!(
        box_count(&ei.member.token, "box=received&state=new").await,
        1
    );
    assert_eq!(box_count(&orienteur.member.token, "box=sent").await, 1);
    // Every total, the candidates' boxes included, is what counting the rows gives.
    let rows = |sql: &str| -> Vec<(String, String, String, i64)> {
        let mut statement = db.prepare(sql).unwrap();
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let kept = rows(
        "SELECT owner_id, box, state, n FROM application_counts WHERE n > 0 \
         ORDER BY owner_id, box, state",
    );
    let recounted = rows(
        "SELECT owner, box, state, COUNT(*) FROM ( \
           SELECT sender_organization_id AS owner, 'sent' AS box, state FROM applications \
             WHERE sender_organization_id IS NOT NULL \
           UNION ALL SELECT structure_id, 'received', state FROM applications \
           UNION ALL SELECT candidate_id, 'candidate', state FROM applications) \
         GROUP BY owner, box, state ORDER BY owner, box, state",
    );
    assert_eq!(kept, recounted);
    assert_eq!(kept.len(), 12, "{kept:?}");
    // R-CAND-6 / R-PASS-10: structures see the NIR, an authorized prescriber sender too, an
    // orienteur not.
    let sees_nir = |candidate: &str, organization: &str| -> i64 {
        db.query_row(
            "SELECT sees_nir FROM candidate_organizations \
             WHERE candidate_id = ?1 AND organization_id = ?2",
            [candidate, organization],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(sees_nir(&candidate, &ml.id), 1);
    assert_eq!(sees_nir(&candidate, &aci.id), 1);
    assert_eq!(sees_nir(paul, &orienteur.id), 0);
    assert_eq!(sees_nir(paul, &ei.id), 1);
    assert_eq!(sees_nir(zoe, &aci.id), 1);
}
