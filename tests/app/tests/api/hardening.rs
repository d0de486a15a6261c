//! Issue 6 items 4, 5 and 10: no secret or personal data in logs, bodies refused on their
//! declared length, and Spin's `spin-*` headers set by the host whatever the client sends.

use serde_json::json;
use tremplin_tests::TestApp;

fn stderr_of(app: &TestApp, component: &str) -> String {
    std::fs::read_to_string(
        app.app
            .state_dir()
            .join(format!("logs/{component}_stderr.txt")),
    )
    .unwrap_or_default()
}

#[tokio::test]
async fn log_lines_name_the_route_pattern_never_the_path_an_email_or_a_code() {
    let app = TestApp::spawn().await;
    let org = app
        .organization("prescriber", "ML", Some("VALIDATED"))
        .await;
    let secret_code = "c0ffee".repeat(10);

    app.post(&format!("/api/v1/invitations/{secret_code}/accept"))
        .json(json!({"password": "un mot de passe solide"}))
        .send()
        .await
        .problem(404, "not_found");
    app.login("victime.connue@x.fr", "pas le bon mot de passe")
        .await
        .problem(401, "invalid_credentials");
    app.post(&format!("/api/v1/organizations/{}/invitations", org.id))
        .bearer(&org.member.token)
        .json(json!({"email": "personne.invitee@", "first_name": "A", "last_name": "B"}))
        .send()
        .await
        .problem(422, "validation_failed");

    let log = stderr_of(&app, "accounts");
    assert!(
        log.contains("POST /api/v1/invitations/:code/accept -> 404 not_found"),
        "{log}"
    );
    assert!(
        log.contains("POST /api/v1/auth/token -> 401 invalid_credentials"),
        "{log}"
    );
    assert!(
        log.contains("POST /api/v1/organizations/:id/invitations -> 422 validation_failed"),
        "{log}"
    );
    for secret in [
        secret_code.as_str(),
        "victime.connue",
        "personne.invitee",
        org.id.as_str(),
    ] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
}

#[tokio::test]
async fn a_body_declared_too_large_is_refused_before_it_is_read() {
    let app = TestApp::spawn().await;
    let before = app.snapshot();
    // The declared length is what is judged: the host would fail reading a body shorter than
    // declared, so a 413 here proves nothing was read.
    let answer = app
        .post("/api/v1/auth/token")
        .header("content-length", "10000000")
        .raw(r#"{"email":"a@b.fr"}"#)
        .send()
        .await;
    answer.problem(413, "payload_too_large");
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn a_forged_spin_client_addr_is_replaced_by_the_real_one() {
    let app = TestApp::spawn().await;
    // Each wrong guess claims another address and targets another account: only the per-address
    // limit can stop them, and it does only if the host ignores the forged header.
    let mut limited = false;
    for attempt in 0..500 {
        let answer = app
            .post("/api/v1/auth/token")
            .header("spin-client-addr", &format!("203.0.113.{}:4000", attempt % 250))
            .json(json!({"email": format!("cible{attempt}@x.fr"), "password": "mauvais mot de passe"}))
            .send()
            .await;
        if answer.status == 429 {
            answer.problem(429, "rate_limited");
            limited = true;
            break;
        }
        answer.problem(401, "invalid_credentials");
    }
    assert!(
        limited,
        "the per-address limit never applied: the forged address was believed"
    );
}

#[tokio::test]
async fn a_problem_type_is_a_french_page_the_app_serves() {
    let app = TestApp::spawn().await;
    let problem = app
        .login("personne@x.fr", "pas le bon mot de passe")
        .await
        .problem(401, "invalid_credentials");
    assert_eq!(problem["type"], "/problemes/invalid_credentials");

    let page = app.get("/problemes/invalid_credentials").send().await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(
        html.contains("Adresse e-mail ou mot de passe incorrect"),
        "{html}"
    );
    assert!(html.contains("Que faire ?"), "{html}");
    // A code without its own explanation still gets the general page; anything else is not a code.
    let general = app.get("/problemes/page_out_of_range").send().await;
    assert_eq!(general.status, 200);
    assert_eq!(
        app.get("/problemes/Pas%20un%20code").send().await.status,
        404
    );
}
