//! R-DIR-4: cities by name prefix (accents, case, `st`) or post code; arrondissements.

use super::{communes, directory, import};
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

#[tokio::test]
async fn r_dir_4_st_is_a_prefix_as_well_as_saint() {
    let (app, admin, ..) = directory(&[]).await;
    // Strasbourg (67) and Stains (93), beside the fixture's Saint- communes.
    let rows: Vec<Value> = communes(|_, insee| ["67482", "93072"].contains(&insee))
        .into_iter()
        .map(|(_, row)| row)
        .collect();
    assert_eq!(import(&app, &admin, "cities", rows).await["written"], 2);

    let st = names(&app, "st").await;

    for name in ["Strasbourg", "Stains", "Saint-Étienne", "Sainte-Marie"] {
        assert!(st.iter().any(|n| n == name), "{name} in {st:?}");
    }
    assert_eq!(st[0], "Strasbourg", "the most populated first");
    // A finished abbreviation still reads as Saint only.
    assert_eq!(names(&app, "st-etienne").await[0], "Saint-Étienne");
    assert_eq!(names(&app, "str").await, ["Strasbourg"]);
    let ste = names(&app, "ste").await;
    assert!(ste.iter().all(|n| n.starts_with("Sainte")), "{ste:?}");
}

/// The server's constraints on `q`, as the OpenAPI document states them: 2 to 100 characters as
/// sent. Any such value is a 200 (possibly an empty list); only a value outside them is a 400.
#[tokio::test]
async fn r_dir_4_any_query_of_2_to_100_characters_is_answered() {
    let (app, ..) = directory(&[]).await;
    for q in [
        "%C3%90%0D",
        "%01%02",
        "--",
        "%20%20",
        "%E2%80%83%E2%80%83",
        "%C3%A9%C3%A9",
    ] {
        let answer = app.get(&format!("/api/v1/cities?q={q}")).send().await;
        assert_eq!(answer.ok(200), serde_json::json!([]), "{q}");
    }
    assert!(names(&app, "%C3%A9v")
        .await
        .iter()
        .any(|n| n.starts_with("Évry")));
    let padded = names(&app, "%2013").await;
    assert!(!padded.is_empty());
    assert_eq!(
        padded,
        names(&app, "13").await,
        "a padded post code is a post code"
    );
    for q in ["%C3%89", "x", &"a".repeat(101)] {
        let problem = app
            .get(&format!("/api/v1/cities?q={q}"))
            .send()
            .await
            .problem(400, "invalid_query");
        assert!(problem["errors"]["q"].is_array(), "{q}: {problem}");
    }
    assert_eq!(names(&app, &"a".repeat(100)).await, Vec::<String>::new());
}
