//! Candidates through the apply component: find or register (R-CAND-1..5), who reads them and
//! the NIR masking (R-CAND-6, R-PASS-10), "my candidates".

use serde_json::json;
use tremplin_tests::{candidate_body, nir, TestApp};

#[tokio::test]
async fn r_cand_5_a_candidate_is_registered_once_then_found_by_nir_or_by_email() {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let body = candidate_body("lea.martin@example.fr", 1);
    let created = app
        .post("/api/v1/candidates")
        .bearer(&ml.member.token)
        .json(body.clone())
        .send()
        .await;
    let created = created.ok(201);
    let id = created["id"].as_str().unwrap();
    // Found by NIR, names written another way: the same candidate, nothing added.
    let mut by_nir = body.clone();
    by_nir["email"] = json!("autre@example.fr");
    by_nir["first_name"] = json!("LEA");
    let found = app
        .post("/api/v1/candidates")
        .bearer(&ml.member.token)
        .json(by_nir)
        .send()
        .await
        .ok(200);
    assert_eq!(found["id"], id);
    assert_eq!(
        found["email"], "lea.martin@example.fr",
        "nothing is overwritten"
    );
    // Found by e-mail (any case) when the NIR is not given.
    let mut by_email = body.clone();
    by_email.as_object_mut().unwrap().remove("nir");
    by_email["lack_of_nir_reason"] = json!("NO_NIR");
    by_email["email"] = json!("Lea.Martin@Example.fr");
    let found = app
        .post("/api/v1/candidates")
        .bearer(&ml.member.token)
        .json(by_email)
        .send()
        .await
        .ok(200);
    assert_eq!(found["id"], id);
    assert_eq!(app.count("candidates"), 1);
}

#[tokio::test]
async fn r_cand_5_contradicting_identity_is_a_409_naming_each_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let body = candidate_body("lea.martin@example.fr", 1);
    app.candidate(&ml.member.token, body.clone()).await;
    let before = app.snapshot();
    let mut other = body.clone();
    other["last_name"] = json!("Durand");
    other["birthdate"] = json!("1990-05-15");
    let problem = app
        .post("/api/v1/candidates")
        .bearer(&ml.member.token)
        .json(other)
        .send()
        .await
        .problem(409, "candidate_identity_conflict");
    let fields: Vec<&String> = problem["errors"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["birthdate", "last_name"]);
    // Another NIR with the e-mail of the first candidate.
    let mut clash = body.clone();
    clash["nir"] = json!(nir(2, 1990, 5, "75", 2));
    let problem = app
        .post("/api/v1/candidates")
        .bearer(&ml.member.token)
        .json(clash)
        .send()
        .await
        .problem(409, "candidate_identity_conflict");
    assert!(problem["errors"]["nir"].is_array(), "{problem}");
    // Nothing changed but the count of mismatches (see the throttling test below).
    let without_counters = |snapshot: Vec<(String, tremplin_tests::Rows)>| {
        snapshot
            .into_iter()
            .filter(|(table, _)| table != "login_throttle")
            .collect::<Vec<_>>()
    };
    assert_eq!(without_counters(app.snapshot()), without_counters(before));
}

#[tokio::test]
async fn r_cand_1_to_4_identity_checks_report_every_field_and_write_nothing() {
    let app = TestApp::spawn_with(&[("today", "2026-03-02")]).await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let before = app.snapshot();
    let cases = [
        // NIR key wrong.
        (json!({"nir": "290057512345600"}), "nir"),
        // Birth year of the NIR (1990) against 1991.
        (json!({"birthdate": "1991-05-14"}), "nir"),
        // Title against the NIR's sex digit.
        (json!({"title": "M"}), "nir"),
        // R-CAND-3: exactly 16 years old today is refused.
        (
            json!({"birthdate": "2010-03-02", "nir": nir(2, 2010, 3, "75", 3)}),
            "birthdate",
        ),
        (
            json!({"france_travail_id": "123", "lack_of_france_travail_id_reason": null}),
            "france_travail_id",
        ),
        (json!({"lack_of_nir_reason": "NO_NIR"}), "nir"),
        (json!({"email": "pas-un-courriel"}), "email"),
        (json!({"first_name": "\u{0}Léa"}), "first_name"),
        (json!({"last_name": "Martin\nBcc: x@y.fr"}), "last_name"),
    ];
    for (change, field) in cases {
        let mut body = candidate_body("x@example.fr", 9);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let problem = app
            .post("/api/v1/candidates")
            .bearer(&ml.member.token)
            .json(body.clone())
            .send()
            .await
            .problem(422, "validation_failed");
        assert!(problem["errors"][field].is_array(), "{change}: {problem}");
        let text = problem.to_string();
        assert!(
            !text.contains(body["nir"].as_str().unwrap_or("-")),
            "the NIR is echoed: {text}"
        );
    }
    // Corsica: 2A in the NIR, 16 years and a day.
    let mut corsica = candidate_body("ajaccio@example.fr", 4);
    corsica["nir"] = json!(nir(2, 2010, 3, "2A", 4));
    corsica["birthdate"] = json!("2010-03-01");
    assert_eq!(app.snapshot(), before);
    let created = app.candidate(&ml.member.token, corsica).await;
    let stored: String = app
        .db()
        .query_row(
            "SELECT nir FROM candidates WHERE id = ?",
            [created["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(&stored[5..7], "2A", "stored as written (R-CAND-1)");
}

#[tokio::test]
async fn r_cand_6_only_organizations_that_know_a_candidate_read_them_and_the_nir_is_masked_for_most(
) {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    let outsider = app
        .organization("prescriber", "CCAS", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    let body = candidate_body("lea.martin@example.fr", 1);
    let full_nir = body["nir"].as_str().unwrap().to_owned();
    let created = app.candidate(&orienteur.member.token, body.clone()).await;
    let id = created["id"].as_str().unwrap().to_owned();
    // The orienteur registered them: reads them, NIR masked (R-PASS-10 does not entitle it).
    assert_eq!(created["nir_masked"], true);
    assert!(!created.to_string().contains(&full_nir));
    let path = format!("/api/v1/candidates/{id}");
    app.get(&path)
        .bearer(&outsider.member.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&path)
        .bearer(&aci.member.token)
        .send()
        .await
        .problem(404, "not_found");
    // An authorized prescriber that applied for them sees the NIR; so does the structure.
    app.candidate(&ml.member.token, body).await;
    app.apply(&ml.member.token, &aci.id, &id).await.ok(201);
    let seen = app.get(&path).bearer(&ml.member.token).send().await.ok(200);
    assert_eq!(seen["nir"], full_nir.as_str());
    let seen = app
        .get(&path)
        .bearer(&aci.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(seen["nir"], full_nir.as_str());
    let seen = app
        .get(&path)
        .bearer(&orienteur.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(seen["nir_masked"], true);
    // R-PASS-10 is decided today: a prescriber whose authorization is withdrawn loses the NIR.
    app.outbox_settled().await; // the notifications' delivery writes too
    app.db()
        .execute(
            "UPDATE organizations SET authorization_status = 'REFUSED' WHERE id = ?",
            [&ml.id],
        )
        .unwrap();
    let seen = app.get(&path).bearer(&ml.member.token).send().await.ok(200);
    assert_eq!(seen["nir_masked"], true);
    app.get(&path).send().await.problem(401, "unauthenticated");
}

#[tokio::test]
async fn a_prescriber_lists_and_searches_the_candidates_its_organization_applied_for() {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let other = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    let mut ids = Vec::new();
    for (serial, (first, last)) in [
        ("Léa", "Martin"),
        ("Hélène", "Dupré"),
        ("Omar", "Martineau"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = candidate_body(&format!("c{serial}@example.fr"), serial as u32 + 1);
        body["first_name"] = json!(first);
        body["last_name"] = json!(last);
        let c = app.candidate(&ml.member.token, body).await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    // Registered but never applied for: not in "my candidates".
    for id in &ids[..2] {
        app.apply(&ml.member.token, &aci.id, id).await.ok(201);
    }
    let all = app
        .get("/api/v1/candidates")
        .bearer(&ml.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(all["count"], 2);
    let found = app
        .get("/api/v1/candidates?q=dupre")
        .bearer(&ml.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(found["count"], 1);
    assert_eq!(found["results"][0]["last_name"], "Dupré");
    let none = app
        .get("/api/v1/candidates")
        .bearer(&other.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(none["count"], 0);
}

#[tokio::test]
async fn r_cand_5_identity_mismatches_are_throttled_so_the_409_is_no_birthdate_oracle() {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let prober = app
        .organization("prescriber", "CCAS", Some("VALIDATED"))
        .await;
    let body = candidate_body("lea.martin@example.fr", 1);
    app.candidate(&ml.member.token, body.clone()).await;
    for day in 1..=5 {
        let mut guess = body.clone();
        guess["birthdate"] = json!(format!("1990-05-{day:02}"));
        app.post("/api/v1/candidates")
            .bearer(&prober.member.token)
            .json(guess)
            .send()
            .await
            .problem(409, "candidate_identity_conflict");
    }
    // The sixth try is refused before anything is compared, even the right one.
    let answer = app
        .post("/api/v1/candidates")
        .bearer(&prober.member.token)
        .json(body.clone())
        .send()
        .await;
    answer.problem(429, "rate_limited");
    assert!(answer.header("retry-after").is_some());
    // Other professionals are not held back by it.
    app.candidate(&ml.admin.token, body).await;
}

#[tokio::test]
async fn a_professional_without_an_active_membership_gets_no_candidate_space() {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    app.db()
        .execute(
            "UPDATE memberships SET status = 'inactive' WHERE user_id = ?",
            [&ml.member.id],
        )
        .unwrap();
    app.get("/api/v1/applications")
        .bearer(&ml.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    let mut own = candidate_body(&ml.member.email, 1);
    own["email"] = json!(ml.member.email);
    app.post("/api/v1/candidates")
        .bearer(&ml.member.token)
        .json(own)
        .send()
        .await
        .problem(403, "forbidden");
    assert_eq!(app.count("candidates"), 0);
}
