//! R-DIR-4: cities by name prefix (accents, case, `st`) or post code; arrondissements.

use super::directory;
use serde_json::Value;
use tremplin_tests::TestApp;

async fn names(app: &TestApp, q: &str) -> Vec<String> {
    let answer = app
        .get(&format!("/api/v1/cities?q={q}"))
        .send()
        .await
        .ok(200);
    answer
        .as_array()
        .unwrap()
        .iter()
        .map(|c: &Value| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn r_dir_4_city_lookup() {
    let (app, ..) = directory(&[]).await;

    for q in [
        "saint%20etienne",
        "st-etienne",
        "SAINT-%C3%89TIENNE",
        "St%20Etienne",
    ] {
        assert_eq!(
            names(&app, q).await.first().map(String::as_str),
            Some("Saint-Étienne"),
            "{q}"
        );
    }
    assert!(names(&app, "%C3%89vry")
        .await
        .iter()
        .any(|n| n.starts_with("Évry")));
    assert!(names(&app, "evry")
        .await
        .iter()
        .any(|n| n.starts_with("Évry")));
    // The most populated first: Marseille before the small communes starting with "mars".
    assert_eq!(names(&app, "mars").await[0], "Marseille");
    // Arrondissements of Paris and Marseille, by name and by post code.
    assert!(names(&app, "paris%2015")
        .await
        .iter()
        .any(|n| n.starts_with("Paris 15")));
    // 13001 is the 1st arrondissement's post code, and one of Marseille's: both are offered.
    let by_post_code = app.get("/api/v1/cities?q=13001").send().await.ok(200);
    let codes: Vec<&str> = by_post_code
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["insee_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["13055", "13201"]);
    assert!(by_post_code[1]["post_codes"]
        .as_array()
        .unwrap()
        .contains(&Value::from("13001")));
    let by_prefix = names(&app, "130").await;
    assert!(by_prefix.len() > 5 && by_prefix.len() <= 20);
    // Nothing found is an empty list; a too short query is a 400.
    assert!(names(&app, "zzzz").await.is_empty());
    let problem = app
        .get("/api/v1/cities?q=a")
        .send()
        .await
        .problem(400, "invalid_query");
    assert!(problem["errors"]["q"].is_array());
    app.get("/api/v1/cities")
        .send()
        .await
        .problem(400, "invalid_query");
}
