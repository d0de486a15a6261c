//! R-DIR-1 filters alone and combined, R-DIR-2 "hiring now", the order, paging, bad parameters.

use super::{all_results, directory, fixture, haversine, import, sirets, Known};
use serde_json::json;
use std::collections::BTreeSet;

fn within(known: &[Known], lat: f64, lon: f64, km: f64) -> impl Iterator<Item = &Known> {
    known
        .iter()
        .filter(move |k| haversine(lat, lon, k.lat, k.lon) <= km)
}

#[tokio::test]
async fn r_dir_1_filters_alone_and_combined_and_r_dir_2_hiring() {
    let fixture = fixture(&[("84007", 300, 1.0)]).await;
    let (app, admin, cities, known) = (
        &fixture.app,
        &fixture.admin,
        &fixture.cities,
        &fixture.known,
    );
    let avignon = cities.iter().find(|c| c.insee == "84007").unwrap();
    let near: Vec<&Known> = within(known, avignon.lat, avignon.lon, 50.0).collect();
    let expect = |test: &dyn Fn(&Known) -> bool| {
        near.iter()
            .filter(|k| test(k))
            .map(|k| k.siret.clone())
            .collect::<BTreeSet<_>>()
    };
    let search = |extra: &str| all_results(app, format!("city=84007&distance=50{extra}"));

    // Kinds, alone and several.
    assert_eq!(
        sirets(&search("&kinds=ACI").await),
        expect(&|k| k.kind == "ACI")
    );
    assert_eq!(
        sirets(&search("&kinds=EI,AI").await),
        expect(&|k| k.kind == "EI" || k.kind == "AI")
    );
    // Departments across the border.
    assert_eq!(
        sirets(&search("&departments=30").await),
        expect(&|k| k.department == "30")
    );
    assert_eq!(
        sirets(&search("&departments=30,13").await),
        expect(&|k| k.department == "30" || k.department == "13")
    );
    // ROME codes: the structures with an active job of that code (or domain).
    let with_jobs: Vec<&&Known> = near.iter().take(12).collect();
    let jobs = with_jobs
        .iter()
        .enumerate()
        .map(|(i, k)| json!({"line": i + 1, "structure_siret": k.siret, "structure_kind": k.kind,
            "appellation_code": if i % 2 == 0 { "11573" } else { "12345" }, "contract_type": "FIXED_TERM_I",
            "open_positions": 2, "is_active": i != 10, "source": "synthetic"}))
        .collect();
    assert_eq!(import(app, admin, "jobs", jobs).await["written"], 12);
    let cleaning: BTreeSet<String> = with_jobs
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0 && *i != 10)
        .map(|(_, k)| k.siret.clone())
        .collect();
    assert_eq!(sirets(&search("&rome=K2204").await), cleaning);
    assert_eq!(
        sirets(&search("&rome=K22").await),
        cleaning,
        "by professional domain"
    );
    assert_eq!(
        sirets(&search("&rome=K").await),
        cleaning,
        "by large domain"
    );
    assert_eq!(
        sirets(&search("&rome=K2204,N1101").await).len(),
        11,
        "the inactive job does not count"
    );
    // Combined: kind and department and ROME.
    let combined = expect(&|k| {
        k.department == "84" && cleaning.contains(&k.siret) && (k.kind == "ACI" || k.kind == "EI")
    });
    assert_eq!(
        sirets(&search("&departments=84&kinds=ACI,EI&rome=K2204").await),
        combined
    );

    // Hiring now (R-DIR-2): open spontaneous applications by default; closing them leaves only
    // structures with an active job description.
    assert_eq!(sirets(&search("&hiring=true").await).len(), near.len());
    let results = search("").await;
    assert!(results.iter().all(|r| r["hiring"] == true));
    app.db()
        .execute(
            "UPDATE organizations SET spontaneous_applications_open = 0",
            [],
        )
        .unwrap();
    fixture.reindex(1).await;
    let hiring = sirets(&search("&hiring=true").await);
    let active: BTreeSet<String> = with_jobs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 10)
        .map(|(_, k)| k.siret.clone())
        .collect();
    assert_eq!(
        hiring, active,
        "only structures with an active job description"
    );
}

#[tokio::test]
async fn r_dir_1_order_hiring_first_then_distance_and_paging() {
    let fixture = fixture(&[("2A004", 60, 0.2)]).await;
    let (app, admin, cities, known) = (
        &fixture.app,
        &fixture.admin,
        &fixture.cities,
        &fixture.known,
    );
    let ajaccio = cities.iter().find(|c| c.insee == "2A004").unwrap();
    // The farthest structure within 25 km is the only one hiring through a job description.
    app.db()
        .execute(
            "UPDATE organizations SET spontaneous_applications_open = 0",
            [],
        )
        .unwrap();
    let mut near: Vec<&Known> = within(known, ajaccio.lat, ajaccio.lon, 25.0).collect();
    near.sort_by(|a, b| {
        haversine(ajaccio.lat, ajaccio.lon, a.lat, a.lon).total_cmp(&haversine(
            ajaccio.lat,
            ajaccio.lon,
            b.lat,
            b.lon,
        ))
    });
    let farthest = near.last().unwrap();
    import(app, admin, "jobs", vec![json!({"line": 1, "structure_siret": farthest.siret, "structure_kind": farthest.kind,
        "appellation_code": "11573", "contract_type": "FIXED_TERM_I", "open_positions": 1, "is_active": true, "source": "synthetic"})]).await;
    fixture.reindex(1).await;

    let results = all_results(app, "city=2A004&distance=25".into()).await;

    assert_eq!(
        results[0]["siret"],
        farthest.siret.as_str(),
        "hiring first, however far"
    );
    assert_eq!(results[0]["hiring"], true);
    assert_eq!(results[0]["open_jobs"][0]["rome"], "K2204");
    let rest: Vec<f64> = results[1..]
        .iter()
        .map(|r| r["distance_km"].as_f64().unwrap())
        .collect();
    assert!(
        rest.windows(2).all(|w| w[0] <= w[1]),
        "then by distance: {rest:?}"
    );
    assert!(results[1..].iter().all(|r| r["hiring"] == false));

    // Paging: pages of 10 to 20 with the total; none past the end.
    let first = app
        .get("/api/v1/structures?city=2A004&distance=25&page_size=10")
        .send()
        .await
        .ok(200);
    assert_eq!(first["count"], results.len());
    assert_eq!(
        first["results"].as_array().unwrap().len(),
        10.min(results.len())
    );
    assert_eq!(first["page_size"], 10);
    let last_page = results.len().div_ceil(10);
    let past = app
        .get(&format!(
            "/api/v1/structures?city=2A004&distance=25&page_size=10&page={}",
            last_page + 1
        ))
        .send()
        .await;
    assert!(past.problem(400, "invalid_query")["errors"]["page"].is_array());
}

#[tokio::test]
async fn bad_search_parameters_get_clear_4xx() {
    let (app, ..) = directory(&[("13055", 5, 0.1)]).await;
    for (query, field) in [
        ("city=13055&distance=3", "distance"),
        ("city=13055&kinds=ACI,XYZ", "kinds"),
        ("city=13055&departments=99", "departments"),
        ("city=13055&rome=K22O4", "rome"),
        ("city=13055&page=0", "page"),
        ("city=13055&page_size=50", "page_size"),
        // 268435456 × 16 = 2^32: a 32-bit offset would wrap to page 1's.
        ("city=13055&page=268435457&page_size=16", "page"),
        ("city=13055&page=4611686018427387904", "page"),
        ("city=13055&page=461168601842738792", "page"),
        ("city=13055&page=99999999999999999999999", "page"),
        ("city=13055&distance=4294967321", "distance"),
        ("city=13055&hiring=oui", "hiring"),
        ("distance=25", "city"),
    ] {
        let answer = app.get(&format!("/api/v1/structures?{query}")).send().await;
        let body = answer.problem(400, "invalid_query");
        assert!(body["errors"][field].is_array(), "{query}: {body}");
    }
    let unknown_city = app.get("/api/v1/structures?city=99999").send().await;
    assert!(unknown_city.problem(404, "not_found")["detail"]
        .as_str()
        .unwrap()
        .contains("Ville inconnue"));
    // At most 50 values per list filter, so a query cannot multiply the work of a search.
    let many = |value: &str| vec![value; 51].join(",");
    for (query, field) in [
        (format!("kinds={}", many("ACI")), "kinds"),
        (format!("rome={}", many("K2204")), "rome"),
        (format!("departments={}", many("13")), "departments"),
    ] {
        let answer = app
            .get(&format!("/api/v1/structures?city=13055&{query}"))
            .send()
            .await;
        let body = answer.problem(400, "invalid_query");
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let fifty = app
        .get(&format!(
            "/api/v1/structures?city=13055&kinds={}",
            vec!["ACI"; 50].join(",")
        ))
        .send()
        .await;
    fifty.ok(200);
    // Prescribers: the same checks, with their own kinds.
    app.get("/api/v1/prescribers?city=13055&kinds=ACI")
        .send()
        .await
        .problem(400, "invalid_query");
    let wrapped = app
        .get("/api/v1/prescribers?city=13055&page=268435457&page_size=16")
        .send()
        .await;
    assert!(wrapped.problem(400, "invalid_query")["errors"]["page"].is_array());
    app.get("/api/v1/prescribers?city=13055&distance=7")
        .send()
        .await
        .problem(400, "invalid_query");
}
