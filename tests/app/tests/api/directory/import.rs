//! Importing the directory: idempotent, bad rows reported by line and skipped, nothing of them
//! written.

use super::{directory, import};
use serde_json::json;
use tremplin_tests::{luhn_siret, PASSWORD};

#[tokio::test]
async fn structures_and_prescribers_import_idempotently_and_report_bad_rows() {
    let (app, admin, ..) = directory(&[]).await;
    let row = |line: u64, kind: &str, siret: &str, insee: &str| {
        json!({"line": line, "kind": kind, "siret": siret, "name": format!("Ligne {line}"), "brand": "",
               "address_line_1": "2 place de l'Horloge", "address_line_2": "", "post_code": "84000", "city": "Avignon",
               "department": "84", "insee_code": insee, "latitude": 43.9493, "longitude": 4.8055,
               "website": "", "description": "", "source": "national_list"})
    };
    let structures = vec![
        row(2, "ACI", &luhn_siret(1), "84007"),
        row(3, "ACI", "12345678901234", "84007"),
        row(4, "XYZ", &luhn_siret(2), "84007"),
        row(5, "EI", &luhn_siret(3), "99999"),
        json!({"line": 6, "kind": "EI"}),
        {
            let mut no_coordinates = row(7, "AI", &luhn_siret(4), "84007");
            no_coordinates["latitude"] = json!(null);
            no_coordinates
        },
    ];

    let first = import(&app, &admin, "structures", structures.clone()).await;
    let second = import(&app, &admin, "structures", structures).await;

    assert_eq!(
        (
            first["written"].clone(),
            second["written"].clone(),
            second["unchanged"].clone()
        ),
        (json!(2), json!(0), json!(2))
    );
    let lines: Vec<u64> = first["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5, 6]);
    let reasons = first["rejected"].to_string();
    assert!(
        reasons.contains("clé") || reasons.contains("SIRET"),
        "{reasons}"
    );
    let imported: i64 = app
        .db()
        .query_row(
            "SELECT COUNT(*) FROM organizations WHERE source = 'national_list'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(imported, 2, "no trace of the rejected rows");
    // Placed at its commune's centre when the list has no coordinates: it is found.
    let found = app
        .get("/api/v1/structures?city=84007&distance=2&kinds=AI")
        .send()
        .await
        .ok(200);
    assert_eq!(found["count"], 1);

    // Prescribers: France Travail agencies known by SAFIR code; only authorized ones are listed.
    let prescriber = |line: u64, kind: &str, siret: &str, safir: &str, status: &str| {
        json!({"line": line, "kind": kind, "name": format!("Agence {line}"), "siret": siret, "code_safir": safir,
               "address_line_1": "", "address_line_2": "", "post_code": "84000", "city": "Avignon", "department": "84",
               "insee_code": "84007", "latitude": 43.95, "longitude": 4.81, "website": "", "description": "",
               "authorization_status": status, "source": "national_list"})
    };
    let prescribers = vec![
        prescriber(2, "FT", "", "84011", "VALIDATED"),
        prescriber(3, "ML", &luhn_siret(10), "", "NOT_SET"),
        prescriber(4, "Autre", &luhn_siret(11), "", "NOT_SET"),
        prescriber(5, "FT", "", "", "VALIDATED"),
        prescriber(6, "OTHER", &luhn_siret(12), "", "VALIDATED"),
    ];
    let first = import(&app, &admin, "prescribers", prescribers.clone()).await;
    let again = import(&app, &admin, "prescribers", prescribers).await;
    assert_eq!(
        (first["written"].clone(), again["written"].clone()),
        (json!(3), json!(0))
    );
    let lines: Vec<u64> = first["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        [5, 6],
        "no identifier; an orienteur cannot be authorized (R-ORG-4)"
    );
    let near = app
        .get("/api/v1/prescribers?city=84007")
        .send()
        .await
        .ok(200);
    assert_eq!(near["count"], 1, "R-DIR-3: only the authorized agency");
    assert_eq!(near["results"][0]["kind"], "FT");
    let ml_too = app
        .get("/api/v1/prescribers?city=84007&kinds=ML")
        .send()
        .await
        .ok(200);
    assert_eq!(ml_too["count"], 0);

    // R-DIR-3: the index follows the administration's decision at once, without any import.
    let ml: String = app
        .db()
        .query_row("SELECT id FROM organizations WHERE kind = 'ML'", [], |r| {
            r.get(0)
        })
        .unwrap();
    for (status, listed) in [("VALIDATED", 1), ("REFUSED", 0)] {
        app.patch(&format!("/api/v1/organizations/{ml}/authorization"))
            .bearer(&admin)
            .json(json!({"status": status}))
            .send()
            .await
            .ok(200);
        let ml_now = app
            .get("/api/v1/prescribers?city=84007&kinds=ML")
            .send()
            .await
            .ok(200);
        assert_eq!(ml_now["count"], listed, "the index follows {status}");
        assert!(ml_now["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] == ml));
    }

    // Once imported, authorization is the administration's decision: a new import keeps it.
    let mut renamed = prescriber(3, "ML", &luhn_siret(10), "", "NOT_SET");
    renamed["name"] = json!("Mission locale du Grand Avignon");
    assert_eq!(
        import(&app, &admin, "prescribers", vec![renamed]).await["written"],
        1
    );
    let (name, status): (String, String) = app
        .db()
        .query_row(
            "SELECT name, authorization_status FROM organizations WHERE id = ?",
            [&ml],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), status.as_str()),
        ("Mission locale du Grand Avignon", "REFUSED")
    );
}

/// R-ORG-4: kind OTHER is always NOT_REQUIRED, whatever a list says (VALIDATED is refused as a
/// contradiction) and whatever an administrator asks.
#[tokio::test]
async fn r_org_4_an_orienteur_is_always_not_required() {
    let (app, admin, ..) = directory(&[]).await;
    let row = |line: u64, status: &str| {
        json!({"line": line, "kind": "Autre", "name": format!("Orienteur {line}"), "siret": luhn_siret(line),
               "insee_code": "84007", "authorization_status": status, "source": "national_list"})
    };
    let answer = import(
        &app,
        &admin,
        "prescribers",
        vec![
            row(2, "NOT_SET"),
            row(3, "REFUSED"),
            row(4, ""),
            row(5, "NOT_REQUIRED"),
            row(6, "VALIDATED"),
        ],
    )
    .await;
    assert_eq!(answer["written"], 4);
    assert_eq!(answer["rejected"][0]["line"], 6);
    let statuses: Vec<(String, String)> = {
        let db = app.db();
        let mut statement = db
            .prepare("SELECT id, authorization_status FROM organizations WHERE kind = 'OTHER' ORDER BY name")
            .unwrap();
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(
        statuses.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
        ["NOT_REQUIRED"; 4]
    );
    let other = &statuses[0].0;
    for (status, code) in [
        ("NOT_SET", "orienteur_not_required"),
        ("REFUSED", "orienteur_not_required"),
        ("VALIDATED", "orienteur_cannot_be_authorized"),
    ] {
        let problem = app
            .patch(&format!("/api/v1/organizations/{other}/authorization"))
            .bearer(&admin)
            .json(json!({"status": status}))
            .send()
            .await
            .problem(422, code);
        assert!(
            problem["errors"]["status"].is_array(),
            "{status}: {problem}"
        );
    }
}

/// Issue 8: a list never overwrites what the structure's admins edited, and loading the same
/// list again after an edit changes no row at all.
#[tokio::test]
async fn imports_keep_what_the_organization_edited() {
    let (app, admin, ..) = directory(&[]).await;
    let structure = json!({"line": 2, "kind": "EI", "siret": luhn_siret(20), "name": "Entreprise de la liste",
        "brand": "Marque de la liste", "address_line_1": "1 rue de la Liste", "post_code": "84000", "city": "Avignon",
        "insee_code": "84007", "latitude": 43.9493, "longitude": 4.8055, "website": "https://liste.example",
        "description": "Description de la liste", "source": "national_list"});
    let prescriber = json!({"line": 2, "kind": "ML", "siret": luhn_siret(21), "name": "Mission locale de la liste",
        "insee_code": "84007", "website": "https://ml-liste.example", "description": "Selon la liste",
        "authorization_status": "NOT_SET", "source": "national_list"});
    import(&app, &admin, "structures", vec![structure.clone()]).await;
    import(&app, &admin, "prescribers", vec![prescriber.clone()]).await;
    // Their admins: the account import finds the listed organizations by SIRET and kind.
    let person = |email: &str, org: &str| {
        json!({"email": email, "password": PASSWORD, "first_name": "A", "last_name": "Dmin",
               "memberships": [{"organization": org, "role": "admin"}]})
    };
    app.import_accounts(&admin, json!({
        "organizations": [
            {"ref": "s", "category": "structure", "kind": "EI", "siret": luhn_siret(20), "name": "Entreprise de la liste"},
            {"ref": "p", "category": "prescriber", "kind": "ML", "siret": luhn_siret(21), "name": "Mission locale de la liste"},
        ],
        "users": [person("admin@ei.example", "s"), person("admin@ml.example", "p")],
    }))
    .await;
    let id_of = |kind: &str| -> String {
        app.db()
            .query_row("SELECT id FROM organizations WHERE kind = ?", [kind], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let (ei, ml) = (id_of("EI"), id_of("ML"));
    // Edits through both endpoints: the structure's card, and the organization's profile.
    let structure_edit = json!({"brand": "Notre marque", "website": "https://nous.example",
        "description": "", "phone": "0490000000", "email": "contact@nous.example"});
    app.patch(&format!("/api/v1/structures/{ei}"))
        .bearer(&app.token("admin@ei.example").await)
        .json(structure_edit)
        .send()
        .await
        .ok(200);
    app.patch(&format!("/api/v1/organizations/{ml}"))
        .bearer(&app.token("admin@ml.example").await)
        .json(json!({"name": "Mission locale du Grand Avignon", "website": "https://ml.example"}))
        .send()
        .await
        .ok(200);
    let edited = app.snapshot();

    // The same lists again: every row of every table as it was (only the import's audit rows).
    let again = import(&app, &admin, "structures", vec![structure.clone()]).await;
    let again_prescribers = import(&app, &admin, "prescribers", vec![prescriber.clone()]).await;

    assert_eq!(
        (
            again["written"].clone(),
            again_prescribers["written"].clone()
        ),
        (json!(0), json!(0))
    );
    let mut after = app.snapshot();
    after.iter_mut().find(|(t, _)| t == "audit_log").unwrap().1 -= 2;
    assert_eq!(after, edited);

    // A newer list: what it describes and nobody edited follows it; the edits stay.
    let mut newer = structure;
    newer["name"] = json!("Entreprise renommée");
    newer["address_line_1"] = json!("2 rue Neuve");
    newer["brand"] = json!("Nouvelle marque de la liste");
    newer["description"] = json!("Nouvelle description de la liste");
    let mut newer_prescriber = prescriber;
    newer_prescriber["name"] = json!("Nouveau nom de la liste");
    newer_prescriber["description"] = json!("Nouvelle description");
    import(&app, &admin, "structures", vec![newer]).await;
    import(&app, &admin, "prescribers", vec![newer_prescriber]).await;
    let row = |id: &str| -> Vec<Option<String>> {
        app.db()
            .query_row(
                "SELECT name, brand, address_line_1, website, description, phone, email FROM organizations WHERE id = ?",
                [id],
                |r| (0..7).map(|i| r.get(i)).collect(),
            )
            .unwrap()
    };
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        row(&ei),
        [
            some("Entreprise renommée"),
            some("Notre marque"),
            some("2 rue Neuve"),
            some("https://nous.example"),
            None,
            some("0490000000"),
            some("contact@nous.example")
        ]
    );
    assert_eq!(
        row(&ml),
        [
            some("Mission locale du Grand Avignon"),
            None,
            None,
            some("https://ml.example"),
            some("Nouvelle description"),
            None,
            None
        ]
    );
    let card = app
        .get(&format!("/api/v1/structures/{ei}"))
        .send()
        .await
        .ok(200);
    assert_eq!(
        (card["name"].clone(), card["address"].clone()),
        (json!("Notre marque"), json!("2 rue Neuve"))
    );
}

#[tokio::test]
async fn a_structure_needs_a_siret_even_with_a_safir_code() {
    let (app, admin, ..) = directory(&[]).await;
    let row = json!({"line": 4, "kind": "EI", "siret": "", "code_safir": "84011", "name": "Sans SIRET",
                     "insee_code": "84007", "latitude": 43.95, "longitude": 4.81, "source": "national_list"});
    let answer = import(&app, &admin, "structures", vec![row]).await;
    assert_eq!(
        answer["rejected"],
        json!([{"line": 4, "reason": "SIRET manquant"}])
    );
}

#[tokio::test]
async fn reference_data_updates_in_place() {
    let (app, admin, ..) = directory(&[]).await;
    // (name sent, rows written): new, identical, changed.
    for (name, written) in [
        ("Conduite d'engins agricoles", 1),
        ("Conduite d'engins agricoles", 0),
        ("Conduite d'engins agricoles et forestiers", 1),
    ] {
        let row = json!({"line": 2, "code": "A1101", "name": name});
        assert_eq!(
            import(&app, &admin, "rome_codes", vec![row]).await["written"],
            written,
            "{name}"
        );
    }
    let name: String = app
        .db()
        .query_row(
            "SELECT name FROM rome_codes WHERE code = 'A1101'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Conduite d'engins agricoles et forestiers");
    let bad = import(
        &app,
        &admin,
        "rome_appellations",
        vec![json!({"line": 9, "code": "1", "name": "X", "rome_code": "Z9999"})],
    )
    .await;
    assert_eq!(bad["rejected"][0]["line"], 9);
    app.post("/api/v1/admin/import/planets")
        .bearer(&admin)
        .json(json!({"rows": []}))
        .send()
        .await
        .problem(404, "not_found");
}
