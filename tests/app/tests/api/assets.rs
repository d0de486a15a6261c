//! The forms are served at `/` by the `assets` component.

use tremplin_tests::TestApp;

#[tokio::test]
async fn the_home_page_and_its_modules_are_served() {
    let app = TestApp::spawn().await;
    let home = app.get("/").send().await;
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = String::from_utf8(home.body.clone()).unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Se connecter"));
    let script = app.get("/js/api.js").send().await;
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(app.get("/nope.html").send().await.status, 404);
    assert_eq!(app.post("/").send().await.status, 405);
}

/// The refuse form's reasons are R-APPLY-6's, as the domain has them, in its order.
#[test]
fn the_refuse_form_lists_the_domains_refusal_reasons() {
    let texts = std::fs::read_to_string(tremplin_tests::repo_root().join("static/js/textes.js"))
        .expect("textes.js");
    let start = texts
        .find("REFUSAL_REASONS = [")
        .expect("the reasons' table");
    let table = &texts[start..start + texts[start..].find("];").expect("its end")];
    let lines: Vec<String> = tremplin_domain::decision::REFUSAL_REASONS
        .iter()
        .map(|(code, label)| format!("[{code:?}, {label:?}]"))
        .collect();
    let written: Vec<&str> = table
        .lines()
        .skip(1)
        .map(|l| l.trim().trim_end_matches(','))
        .collect();
    assert_eq!(written, lines);
}
