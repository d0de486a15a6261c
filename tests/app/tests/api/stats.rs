//! `GET /api/v1/stats` (R-STAT-1, issue 10 item 2) on a small data set whose every figure is
//! computed by hand below; statistical secrecy of public figures; who may read which scope;
//! and `GET /api/v1/admin/stats/check`: the counters equal what the raw rows count after a
//! scripted sequence of acts, and a counter put wrong is reported.

use serde_json::{json, Value};
use tremplin_tests::{candidate_body, Org, TestApp};

use super::decisions::{accept_body, decide};
use super::suspensions::{cancel_hire, hired_on, rehired_by_an_ei, suspend};

async fn stats(app: &TestApp, token: Option<&str>, query: &str) -> tremplin_tests::TestResponse {
    let request = app.get(&format!("/api/v1/stats?{query}"));
    match token {
        Some(token) => request.bearer(token),
        None => request,
    }
    .send()
    .await
}

async fn check(app: &TestApp, token: &str) -> Value {
    app.get("/api/v1/admin/stats/check")
        .bearer(token)
        .send()
        .await
        .ok(200)
}

/// A Mission locale (department 69), an ACI and an EI in the Rhône (69), an ACI in Paris (75)
/// and the Rhône's and Paris's administrations.
struct World {
    ml: Org,
    aci: Org,
    ei: Org,
    paris_aci: Org,
    ddets_69: Org,
    ddets_75: Org,
}

/// On 2026-02-02 the Mission locale sends 6 candidates to the ACI, 1 to the EI and 1 to the
/// Paris ACI. The ACI studies C on 02-03 (1 day), refuses B ("no_position") on 02-05 (3 days)
/// and hires A on 02-10 (8 days), from 02-16.
async fn world(app: &mut TestApp) -> World {
    app.set_today("2026-02-02");
    let ml = app
        .organization_in("prescriber", "ML", Some("VALIDATED"), Some("69"))
        .await;
    let aci = app
        .organization_in("structure", "ACI", None, Some("69"))
        .await;
    let ei = app
        .organization_in("structure", "EI", None, Some("69"))
        .await;
    let paris_aci = app
        .organization_in("structure", "ACI", None, Some("75"))
        .await;
    let ddets_69 = app
        .organization_in("administration", "DDETS", None, Some("69"))
        .await;
    let ddets_75 = app
        .organization_in("administration", "DDETS", None, Some("75"))
        .await;
    let mut sent = Vec::new();
    for serial in 1..=8u32 {
        let structure = match serial {
            7 => &ei.id,
            8 => &paris_aci.id,
            _ => &aci.id,
        };
        let candidate = app
            .candidate(
                &ml.member.token,
                candidate_body(&format!("c{serial}@example.fr"), serial),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.diagnose(&ml.member.token, &candidate).await;
        let application = app
            .apply(&ml.member.token, structure, &candidate)
            .await
            .ok(201);
        sent.push(application["id"].as_str().unwrap().to_owned());
    }
    let token = aci.member.token.clone();
    app.set_today("2026-02-03");
    decide(app, &token, &sent[2], "process", json!({}))
        .await
        .ok(200);
    app.set_today("2026-02-05");
    let refusal = json!({"reason": "no_position", "answer": "Pas de poste en ce moment."});
    decide(app, &token, &sent[1], "refuse", refusal)
        .await
        .ok(200);
    app.set_today("2026-02-10");
    decide(app, &token, &sent[0], "accept", accept_body("2026-02-16"))
        .await
        .ok(200);
    World {
        ml,
        aci,
        ei,
        paris_aci,
        ddets_69,
        ddets_75,
    }
}

fn kind<'a>(figures: &'a Value, code: &str) -> &'a Value {
    figures["by_structure_kind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == code)
        .unwrap()
}

fn reason<'a>(figures: &'a Value, code: &str) -> &'a Value {
    &figures["refusal_reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == code)
        .unwrap()["count"]
}

#[tokio::test]
async fn r_stat_1_an_organizations_figures_hand_computed_and_public_ones_under_secrecy() {
    let mut app = TestApp::spawn().await;
    let w = world(&mut app).await;
    let ml = stats(
        &app,
        Some(&w.ml.member.token),
        &format!("scope=organization&code={}", w.ml.id),
    )
    .await
    .ok(200);
    // 8 sent: A accepted, B refused, C studied and D, E, F, G, H new (pending); 1 / 8.
    assert_eq!(
        ml["applications"],
        json!({"sent": 8, "accepted": 1, "refused": 1, "pending": 6, "other": 0,
               "transformation_rate": 12.5})
    );
    assert_eq!(
        (ml["from"].clone(), ml["to"].clone(), ml["public"].clone()),
        ("2025-03".into(), "2026-02".into(), false.into())
    );
    assert_eq!(reason(&ml, "no_position"), 1);
    assert_eq!(
        (
            kind(&ml, "ACI")["sent"].clone(),
            kind(&ml, "EI")["sent"].clone()
        ),
        (7.into(), 1.into())
    );
    assert_eq!(kind(&ml, "ACI")["transformation_rate"], 14.3);
    // First answers after 1, 3 and 8 days.
    assert_eq!(
        ml["first_answer"],
        json!({"answered": 3, "median_days": 3.0})
    );
    assert_eq!(
        ml["passes"],
        json!({"issued": 1, "suspended": 0, "prolonged": 0})
    );
    let months = ml["by_month"].as_array().unwrap();
    assert_eq!(
        (months.len(), months[11].clone()),
        (12, json!({"month": "2026-02", "sent": 8, "accepted": 1}))
    );

    // The ACI's own: 6 received.
    let aci = stats(
        &app,
        Some(&w.aci.admin.token),
        &format!("scope=organization&code={}", w.aci.id),
    )
    .await
    .ok(200);
    assert_eq!(
        aci["applications"],
        json!({"sent": 6, "accepted": 1, "refused": 1, "pending": 4, "other": 0,
               "transformation_rate": 16.7})
    );
    assert_eq!(aci["passes"]["issued"], 1);

    // The Rhône, public to anyone: 7 sent (6 to the ACI, 1 to the EI); every count under 5 is
    // "< 5" and the rate that would need one is withheld.
    let rhone = stats(&app, None, "scope=department&code=69").await.ok(200);
    assert_eq!(
        rhone["applications"],
        json!({"sent": 7, "accepted": "< 5", "refused": "< 5", "pending": 5, "other": "< 5",
               "transformation_rate": null})
    );
    assert_eq!(rhone["public"], true);
    assert_eq!(
        (
            reason(&rhone, "no_position").clone(),
            kind(&rhone, "ACI")["sent"].clone()
        ),
        ("< 5".into(), 6.into())
    );
    // ACI 6 and EI 1 among ten kinds: the eight others are 0, hidden with the EI.
    assert_eq!(kind(&rhone, "EI")["sent"], "< 5");
    assert_eq!(
        rhone["first_answer"],
        json!({"answered": "< 5", "median_days": null})
    );
    assert_eq!(rhone["passes"]["issued"], "< 5");
    let national = stats(&app, None, "").await.ok(200);
    assert_eq!(
        (
            national["applications"]["sent"].clone(),
            national["scope"].clone()
        ),
        (8.into(), "national".into())
    );
    // Whole months: March's applications are not in February's figures.
    let january = stats(
        &app,
        None,
        "scope=department&code=69&from=2026-01&to=2026-01",
    )
    .await
    .ok(200);
    assert_eq!(january["applications"]["sent"], "< 5");
    assert_eq!(january["by_month"].as_array().unwrap().len(), 1);
    let _ = (&w.ei, &w.paris_aci);
}

#[tokio::test]
async fn r_stat_1_an_organization_reads_its_own_figures_the_administration_its_territory() {
    let mut app = TestApp::spawn().await;
    let w = world(&mut app).await;
    let of = |org: &Org| format!("scope=organization&code={}", org.id);
    // Another organization's figures: as if it did not exist.
    stats(&app, Some(&w.paris_aci.member.token), &of(&w.ml))
        .await
        .problem(404, "not_found");
    stats(&app, Some(&w.ei.member.token), &of(&w.aci))
        .await
        .problem(404, "not_found");
    stats(&app, Some(&w.ddets_75.member.token), &of(&w.aci))
        .await
        .problem(404, "not_found");
    stats(&app, None, &of(&w.aci))
        .await
        .problem(401, "unauthenticated");
    stats(
        &app,
        Some(&w.ml.member.token),
        "scope=organization&code=org_unknown",
    )
    .await
    .problem(404, "not_found");
    // The Rhône's administration reads the Rhône's organizations.
    let seen = stats(&app, Some(&w.ddets_69.member.token), &of(&w.aci))
        .await
        .ok(200);
    assert_eq!(seen["applications"]["sent"], 6);
    // Regions are their administrations'.
    stats(&app, None, "scope=region&code=84")
        .await
        .problem(401, "unauthenticated");
    // Bad parameters: 400 naming the field.
    let bad = stats(&app, None, "scope=department&code=20&from=2026-1")
        .await
        .problem(400, "invalid_query");
    assert!(
        bad["errors"]["code"].is_array() && bad["errors"]["from"].is_array(),
        "{bad}"
    );
    let future = stats(&app, None, "to=2026-03")
        .await
        .problem(400, "invalid_query");
    assert!(future["errors"]["to"].is_array(), "{future}");
    // The check is the national administration's.
    let refused = app
        .get("/api/v1/admin/stats/check")
        .bearer(&w.ddets_69.member.token)
        .send()
        .await
        .problem(403, "forbidden");
    assert_eq!(refused["status"], 403);
}

#[tokio::test]
async fn r_stat_1_the_counters_equal_the_raw_rows_after_a_sequence_of_acts_and_a_wrong_one_is_reported(
) {
    let mut app = TestApp::spawn().await;
    let w = world(&mut app).await;
    let admin = app.admin().await;
    assert_eq!(
        check(&app, &admin).await,
        json!({"consistent": true, "differences": []})
    );
    // A PASS issued, suspended, re-hired elsewhere (R-SUSP-6 cuts the suspension), a hire
    // cancelled, a suspension deleted; a structure moving department (a list re-imported).
    let hire = hired_on(&mut app, "2026-03-02").await;
    app.set_today("2026-03-10");
    let created = suspend(
        &app,
        &hire.aci.member.token,
        &hire.number,
        json!({"start_at": "2026-03-10", "end_at": "2026-04-30", "reason": "CONTRACT_SUSPENDED"}),
    )
    .await
    .ok(201);
    app.delete(&format!(
        "/api/v1/suspensions/{}",
        created["id"].as_str().unwrap()
    ))
    .bearer(&hire.aci.member.token)
    .send()
    .await
    .ok(200);
    let (_ei, _) = rehired_by_an_ei(&app, &hire, "2026-03-20").await;
    let second = hired_on(&mut app, "2026-04-01").await;
    cancel_hire(&app, &second).await;
    app.outbox_settled().await;
    app.db()
        .execute(
            "UPDATE organizations SET department = '75' WHERE id = ?1",
            [&w.aci.id],
        )
        .unwrap();
    assert_eq!(
        check(&app, &admin).await,
        json!({"consistent": true, "differences": []})
    );
    let paris = stats(
        &app,
        None,
        "scope=department&code=75&from=2026-02&to=2026-02",
    )
    .await
    .ok(200);
    assert_eq!(
        paris["applications"]["sent"], 7,
        "the ACI's 6 moved with it"
    );
    let figures = stats(&app, None, "from=2026-01&to=2026-04").await.ok(200);
    assert_eq!(figures["passes"]["suspended"], "< 5");

    app.db()
        .execute(
            "UPDATE application_stats SET n = n + 1 WHERE scope = 'national' AND state = 'new'",
            [],
        )
        .unwrap();
    let wrong = check(&app, &admin).await;
    assert_eq!(wrong["consistent"], false);
    assert_eq!(wrong["differences"][0]["scope"], "national");
    assert_eq!(
        wrong["differences"][0]["kept"].as_i64().unwrap(),
        wrong["differences"][0]["recomputed"].as_i64().unwrap() + 1
    );
}
