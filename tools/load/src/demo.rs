//! Demo accounts (demo data only, never loaded in production: only `--demo` sends them), the
//! demo candidate's among them. All share one password. Organizations carry fictitious SIRETs (valid Luhn, `is_demo` set).

use serde_json::{json, Value};

pub const PASSWORD: &str = "tremplin-demo-2026";
pub const ADMIN_EMAIL: &str = "admin@demo.tremplin.fr";

/// (e-mail prefix, category, kind, name, authorization status)
const ORGANIZATIONS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "prescripteur",
        "prescriber",
        "ML",
        "Mission locale de démonstration",
        Some("VALIDATED"),
    ),
    (
        "orienteur",
        "prescriber",
        "OTHER",
        "Association d'accompagnement (orienteur, démo)",
        None,
    ),
    (
        "aci",
        "structure",
        "ACI",
        "Atelier chantier d'insertion (démo)",
        None,
    ),
    (
        "ai",
        "structure",
        "AI",
        "Association intermédiaire (démo)",
        None,
    ),
    (
        "ei",
        "structure",
        "EI",
        "Entreprise d'insertion (démo)",
        None,
    ),
    (
        "etti",
        "structure",
        "ETTI",
        "Entreprise de travail temporaire d'insertion (démo)",
        None,
    ),
    (
        "eiti",
        "structure",
        "EITI",
        "Entreprise d'insertion par le travail indépendant (démo)",
        None,
    ),
    (
        "geiq",
        "structure",
        "GEIQ",
        "Groupement d'employeurs pour l'insertion (démo)",
        None,
    ),
];

pub fn accounts() -> Value {
    let organizations: Vec<Value> = ORGANIZATIONS
        .iter()
        .enumerate()
        .map(|(i, (prefix, category, kind, name, status))| {
            let siret = crate::siret::fictitious("99", i as u64 + 1);
            json!({
                "ref": prefix, "category": category, "kind": kind, "siret": siret,
                "name": name, "authorization_status": status, "is_demo": true,
                // Lyon 3e: a real place so directory searches find the demo structures.
                "post_code": "69003", "city_insee": "69383", "city_name": "Lyon", "department": "69",
                "latitude": 45.7597 + i as f64 * 0.004, "longitude": 4.8422 + i as f64 * 0.003,
            })
        })
        .collect();
    let mut users: Vec<Value> = ORGANIZATIONS
        .iter()
        .map(|(prefix, ..)| {
            json!({
                "email": format!("{prefix}@demo.tremplin.fr"), "password": PASSWORD,
                "first_name": "Démo", "last_name": prefix.to_uppercase(),
                "memberships": [{"organization": prefix, "role": "admin"}],
            })
        })
        .collect();
    users.push(candidate());
    json!({ "organizations": organizations, "users": users })
}

const CANDIDATE_EMAIL: &str = "candidat@demo.tremplin.fr";

/// The demo candidate's own account (no membership) and candidate record. Fictitious, and
/// without a NIR (`NO_NIR`): a made-up one could be a real person's.
fn candidate() -> Value {
    json!({
        "email": CANDIDATE_EMAIL, "password": PASSWORD, "first_name": "Camille",
        "last_name": "Démo", "memberships": [],
        "candidate": {
            "title": "MME", "first_name": "Camille", "last_name": "Démo",
            "birthdate": "1995-03-14", "email": CANDIDATE_EMAIL, "lack_of_nir_reason": "NO_NIR",
            "lack_of_france_travail_id_reason": "NOT_REGISTERED",
            "post_code": "69003", "city_insee": "69383",
        },
    })
}
