//! The socio-professional diagnosis (R-ELIG-1..5) at fixed dates through the `today` variable.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, grid, Org, TestApp};

async fn candidate_of(app: &TestApp, org: &Org) -> String {
    app.candidate(&org.member.token, candidate_body("lea@example.fr", 1))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn eligibility(app: &TestApp, token: &str, candidate: &str, structure: &str) -> Value {
    app.get(&format!(
        "/api/v1/candidates/{candidate}/eligibility?structure_id={structure}"
    ))
    .bearer(token)
    .send()
    .await
    .ok(200)
}

#[tokio::test]
async fn r_elig_1_a_prescriber_diagnosis_is_valid_six_months_and_a_new_one_expires_the_previous() {
    let mut app = TestApp::spawn_with(&[("today", "2026-08-31")]).await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    let candidate = candidate_of(&app, &ml).await;
    let first = app.diagnose(&ml.member.token, &candidate).await;
    assert_eq!(first["author_kind"], "prescriber");
    assert_eq!(first["made_on"], "2026-08-31");
    // 6 calendar months, clamped to the month's end; expires_at is the first invalid day.
    assert_eq!(first["expires_at"], "2027-02-28");
    app.candidate(&aci.member.token, candidate_body("lea@example.fr", 1))
        .await;
    app.set_today("2027-02-27");
    let seen = eligibility(&app, &aci.member.token, &candidate, &aci.id).await;
    assert_eq!(seen["valid"], true, "the day before expiry: {seen}");
    assert_eq!(seen["valid_until"], "2027-02-27");
    app.set_today("2027-02-28");
    let seen = eligibility(&app, &aci.member.token, &candidate, &aci.id).await;
    assert_eq!(seen["valid"], false, "the expiry day: {seen}");
    // A new one the same day as an earlier one: the earlier one expires today.
    app.set_today("2027-03-10");
    let second = app.diagnose(&ml.member.token, &candidate).await;
    app.set_today("2027-03-11");
    let third = app.diagnose(&ml.member.token, &candidate).await;
    let expires: String = app
        .db()
        .query_row(
            "SELECT expires_at FROM diagnoses WHERE id = ?",
            [second["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(expires, "2027-03-11");
    let seen = eligibility(&app, &aci.member.token, &candidate, &aci.id).await;
    assert_eq!(seen["diagnosis"]["id"], third["id"]);
}

#[tokio::test]
async fn r_org_5_an_orienteur_or_an_expired_prefectoral_authorization_may_not_validate() {
    let app = TestApp::spawn_with(&[("today", "2026-03-02")]).await;
    let orienteur = app.organization("prescriber", "OTHER", None).await;
    let pending = app.organization("prescriber", "CCAS", None).await;
    // A prefectoral authorization that ended yesterday (R-ORG-4).
    let ohpd = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    app.db().execute("UPDATE organizations SET kind = 'OHPD', authorization_valid_until = '2026-03-01' WHERE id = ?", [&ohpd.id]).unwrap();
    for org in [&orienteur, &pending, &ohpd] {
        let candidate = app
            .candidate(&org.member.token, candidate_body("lea@example.fr", 1))
            .await;
        let before = app.snapshot();
        let problem = app
            .post(&format!(
                "/api/v1/candidates/{}/diagnoses",
                candidate["id"].as_str().unwrap()
            ))
            .bearer(&org.member.token)
            .json(json!({"grid": grid(2), "situation": "…"}))
            .send()
            .await
            .problem(403, "forbidden");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("envoyer sa candidature"),
            "{problem}"
        );
        assert_eq!(app.snapshot(), before);
    }
}

/// R-ELIG-3/4: the self-prescription of each IAE kind, at its threshold and one below.
#[tokio::test]
async fn r_elig_3_a_structure_self_prescribes_with_enough_criteria_for_92_days_for_itself_only() {
    let app = TestApp::spawn_with(&[("today", "2026-03-02")]).await;
    for (serial, (kind, threshold)) in [("AI", 2), ("ETTI", 2), ("ACI", 3), ("EI", 3)]
        .into_iter()
        .enumerate()
    {
        let structure = app.organization("structure", kind, None).await;
        let candidate = app
            .candidate(
                &structure.member.token,
                candidate_body(&format!("{kind}@example.fr"), serial as u32 + 10),
            )
            .await;
        let path = format!(
            "/api/v1/candidates/{}/diagnoses",
            candidate["id"].as_str().unwrap()
        );
        let level_2 = ["PI", "TH", "QPV", "ZRR"];
        let below = app
            .post(&path)
            .bearer(&structure.member.token)
            .json(json!({"administrative_criteria": &level_2[..threshold as usize - 1]}))
            .send()
            .await
            .problem(422, "validation_failed");
        assert!(
            below["errors"]["administrative_criteria"].is_array(),
            "{kind}: {below}"
        );
        let made = app
            .post(&path)
            .bearer(&structure.member.token)
            .json(json!({"administrative_criteria": &level_2[..threshold as usize]}))
            .send()
            .await
            .ok(201);
        assert_eq!(made["author_kind"], "employer");
        assert_eq!(made["expires_at"], "2026-06-02", "{kind}: 92 days");
    }
    let aci = app.organization("structure", "ACI", None).await;
    let other = app.organization("structure", "EI", None).await;
    let candidate = app
        .candidate(&aci.member.token, candidate_body("lea@example.fr", 1))
        .await;
    let id = candidate["id"].as_str().unwrap();
    let path = format!("/api/v1/candidates/{id}/diagnoses");
    for pair in [["SENIOR", "JEUNE"], ["DETLD", "DELD"]] {
        app.post(&path)
            .bearer(&aci.member.token)
            .json(json!({"administrative_criteria": pair}))
            .send()
            .await
            .problem(422, "validation_failed");
    }
    app.post(&path)
        .bearer(&aci.member.token)
        .json(json!({"administrative_criteria": ["RSA"]}))
        .send()
        .await
        .ok(201);
    // R-ELIG-5: valid for ACI itself, invisible to the other structure.
    let own = eligibility(&app, &aci.member.token, id, &aci.id).await;
    assert_eq!(own["valid"], true);
    app.candidate(&other.member.token, candidate_body("lea@example.fr", 1))
        .await;
    let elsewhere = eligibility(&app, &other.member.token, id, &other.id).await;
    assert_eq!(elsewhere["valid"], false);
    let read = app
        .get(&format!("/api/v1/candidates/{id}"))
        .bearer(&other.member.token)
        .send()
        .await
        .ok(200);
    assert_eq!(read["diagnoses"], json!([]));
    // A GEIQ is not IAE: it never self-prescribes.
    let geiq = app.organization("structure", "GEIQ", None).await;
    app.candidate(&geiq.member.token, candidate_body("lea@example.fr", 1))
        .await;
    app.post(&path)
        .bearer(&geiq.member.token)
        .json(json!({"administrative_criteria": ["RSA"]}))
        .send()
        .await
        .problem(403, "forbidden");
}

#[tokio::test]
async fn r_elig_5_a_prescriber_diagnosis_wins_over_a_more_recent_employer_one() {
    let mut app = TestApp::spawn_with(&[("today", "2026-03-02")]).await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let aci = app.organization("structure", "ACI", None).await;
    let candidate = candidate_of(&app, &ml).await;
    let by_prescriber = app.diagnose(&ml.member.token, &candidate).await;
    app.set_today("2026-03-05");
    app.candidate(&aci.member.token, candidate_body("lea@example.fr", 1))
        .await;
    app.post(&format!("/api/v1/candidates/{candidate}/diagnoses"))
        .bearer(&aci.member.token)
        .json(json!({"administrative_criteria": ["AAH"]}))
        .send()
        .await
        .ok(201);
    let seen = eligibility(&app, &aci.member.token, &candidate, &aci.id).await;
    assert_eq!(seen["diagnosis"]["id"], by_prescriber["id"]);
    assert_eq!(seen["diagnosis"]["author_kind"], "prescriber");
}

#[tokio::test]
async fn bad_diagnosis_bodies_are_4xx_problems_and_write_nothing() {
    let app = TestApp::spawn().await;
    let ml = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let candidate = candidate_of(&app, &ml).await;
    let path = format!("/api/v1/candidates/{candidate}/diagnoses");
    let before = app.snapshot();
    let mut missing_axis = grid(2);
    missing_axis.as_object_mut().unwrap().remove("housing");
    let mut out_of_range = grid(2);
    out_of_range["justice"] = json!(5);
    for (body, status) in [
        (json!({"grid": missing_axis, "situation": "x"}), 422),
        (json!({"grid": out_of_range, "situation": "x"}), 422),
        (json!({"grid": grid(2)}), 422),
        (
            json!({"grid": grid(2), "situation": "x", "administrative_criteria": ["NOPE"]}),
            422,
        ),
        (json!({"grid": grid(2), "situation": "x", "extra": 1}), 400),
        (json!({"grid": "deux", "situation": "x"}), 422),
        (json!({"grid": grid(2), "situation": "x".repeat(5001)}), 422),
    ] {
        let answer = app
            .post(&path)
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
    app.post(&path)
        .bearer(&ml.member.token)
        .raw("{\"grid\": ")
        .send()
        .await
        .problem(400, "malformed_json");
    app.post("/api/v1/candidates/cand_unknown/diagnoses")
        .bearer(&ml.member.token)
        .json(json!({"grid": grid(2), "situation": "x"}))
        .send()
        .await
        .problem(404, "not_found");
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn the_grid_and_criteria_are_served_from_one_table() {
    let app = TestApp::spawn().await;
    let grid = app.get("/api/v1/eligibility/grid").send().await.ok(200);
    let axes = grid["axes"].as_array().unwrap();
    assert_eq!(axes.len(), 8);
    let housing = axes.iter().find(|a| a["key"] == "housing").unwrap();
    assert_eq!(housing["levels"][0]["label"], "SDF");
    assert_eq!(housing["levels"][3]["label"], "Logement stable");
    assert_eq!(
        grid["administrative_criteria"].as_array().unwrap().len(),
        18
    );
}
