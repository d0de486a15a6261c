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
/// The rows of `textes.js`'s table `name` (`["CODE", "label"],` one per line).
fn written_table(name: &str) -> Vec<String> {
    let texts = std::fs::read_to_string(tremplin_tests::repo_root().join("static/js/textes.js"))
        .expect("textes.js");
    let start = texts
        .find(&format!("{name} = ["))
        .unwrap_or_else(|| panic!("the table {name}"));
    let table = &texts[start..start + texts[start..].find("];").expect("its end")];
    table
        .lines()
        .skip(1)
        .map(|l| l.trim().trim_end_matches(',').to_owned())
        .collect()
}

fn rows<'a>(table: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    table
        .into_iter()
        .map(|(code, label)| format!("[{code:?}, {label:?}]"))
        .collect()
}

#[test]
fn the_refuse_form_lists_the_domains_refusal_reasons() {
    let domain = rows(tremplin_domain::decision::REFUSAL_REASONS.iter().copied());
    assert_eq!(written_table("REFUSAL_REASONS"), domain);
}

#[test]
fn the_suspend_and_prolong_forms_list_the_domains_reasons_and_answers() {
    use tremplin_domain::prolongation::{self, RequestState};
    let suspension = tremplin_domain::suspension::REASONS
        .iter()
        .map(|r| (r.code, r.label));
    assert_eq!(written_table("SUSPENSION_REASONS"), rows(suspension));
    let prolongation = prolongation::RULES.iter().map(|r| (r.reason, r.label));
    assert_eq!(written_table("PROLONGATION_REASONS"), rows(prolongation));
    assert_eq!(
        written_table("DENY_REASONS"),
        rows(prolongation::DENY_REASONS.iter().copied())
    );
    assert_eq!(
        written_table("PROPOSED_ACTIONS"),
        rows(prolongation::PROPOSED_ACTIONS.iter().copied())
    );
    assert_eq!(
        written_table("REQUEST_STATES"),
        rows(RequestState::ALL.map(|s| (s.as_str(), s.label())))
    );
}
