//! Job descriptions: the contract type each structure kind offers, one row of the jobs import,
//! and the demo job descriptions of the national list's structures (`--demo`).

use anyhow::Result;
use serde_json::{json, Value};
use std::path::Path;

use crate::client::Target;
use crate::random::{fnv1a, SplitMix64};
use crate::reference;

/// A structure as the jobs import names it: SIRET and kind.
#[derive(serde::Deserialize)]
pub struct Employer {
    pub siret: String,
    pub kind: String,
}

/// The contract a structure of this kind usually offers.
pub fn contract_type(kind: &str) -> &'static str {
    match kind {
        "ETTI" => "TEMPORARY_I",
        "EATT" => "TEMPORARY",
        "GEIQ" => "PROFESSIONAL_TRAINING",
        "EA" => "PERMANENT",
        "OPCS" => "FIXED_TERM",
        // ACI, ACIPHC, AI, EI, EITI: CDDI.
        _ => "FIXED_TERM_I",
    }
}

/// One job row with 1–3 open positions drawn from `rng`.
pub fn row(
    line: usize,
    employer: &Employer,
    appellation: &str,
    is_active: bool,
    source: &str,
    rng: &mut SplitMix64,
) -> Value {
    json!({
        "line": line,
        "structure_siret": employer.siret,
        "structure_kind": employer.kind,
        "appellation_code": appellation,
        "contract_type": contract_type(&employer.kind),
        "open_positions": 1 + rng.below(3),
        "is_active": is_active,
        "source": source,
    })
}

/// One or two active demo jobs per structure with distinct appellations, drawn from a hash of
/// its SIRET only, so every load sends the same rows. Structures whose SIRET fails the check
/// digit are left out: the server cannot load them.
pub fn demo(structures: &[Employer], appellations: &[String]) -> Vec<Value> {
    let mut rows = Vec::new();
    let n = appellations.len();
    if n == 0 {
        return rows;
    }
    for employer in structures
        .iter()
        .filter(|s| tremplin_domain::Siret::parse(&s.siret).is_ok())
    {
        let mut rng = SplitMix64::new(fnv1a(employer.siret.as_bytes()));
        let first = rng.index(n);
        let mut picked = vec![first];
        if n > 1 && rng.chance(0.5) {
            picked.push((first + 1 + rng.index(n - 1)) % n);
        }
        for appellation in picked {
            let line = rows.len() + 1;
            rows.push(row(
                line,
                employer,
                &appellations[appellation],
                true,
                "demo",
                &mut rng,
            ));
        }
    }
    rows
}

/// Sends the demo jobs of siaes.csv, if it and rome_appellations.csv are in `data`.
pub fn load_demo(target: &Target, data: &Path) -> Result<()> {
    let (structures, appellations) = (data.join("siaes.csv"), data.join("rome_appellations.csv"));
    if let Some(missing) = [&structures, &appellations].iter().find(|p| !p.exists()) {
        println!("demo jobs: {} not found, skipped", missing.display());
        return Ok(());
    }
    let rows = demo(
        &reference::records(&structures)?,
        &reference::appellation_codes(&appellations)?,
    );
    target.send("demo jobs", &reference::endpoint("jobs"), rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn employer(siret: &str, kind: &str) -> Employer {
        Employer {
            siret: siret.into(),
            kind: kind.into(),
        }
    }

    fn appellations() -> Vec<String> {
        (10_200..10_260).map(|code| code.to_string()).collect()
    }

    /// The rows of one structure, without their sequence number.
    fn jobs_of(rows: &[Value], siret: &str) -> Vec<Value> {
        rows.iter()
            .filter(|r| r["structure_siret"] == siret)
            .map(|r| {
                let mut r = r.clone();
                r.as_object_mut().unwrap().remove("line");
                r
            })
            .collect()
    }

    #[test]
    fn demo_jobs_are_stable_and_depend_only_on_the_siret() {
        let structures = [
            employer("80746931700018", "EI"),
            employer("75187049400026", "ACI"),
            employer("12345678901234", "GEIQ"), // fails the check digit
            employer(&crate::siret::fictitious("99", 7), "GEIQ"),
        ];
        let first = demo(&structures, &appellations());
        assert_eq!(first, demo(&structures, &appellations()));
        assert!(jobs_of(&first, "12345678901234").is_empty());

        let alone = demo(&structures[1..2], &appellations());
        assert_eq!(
            jobs_of(&alone, "75187049400026"),
            jobs_of(&first, "75187049400026")
        );

        for employer in structures.iter().filter(|e| e.siret != "12345678901234") {
            let (siret, jobs) = (&employer.siret, jobs_of(&first, &employer.siret));
            assert!((1..=2).contains(&jobs.len()), "{siret}: {jobs:?}");
            if let [a, b] = &jobs[..] {
                assert_ne!(a["appellation_code"], b["appellation_code"]);
            }
            for job in jobs {
                assert_eq!(job["source"], "demo");
                assert_eq!(job["is_active"], true);
                assert!((1..=3).contains(&job["open_positions"].as_u64().unwrap()));
            }
        }
        let lines: Vec<u64> = first.iter().map(|r| r["line"].as_u64().unwrap()).collect();
        assert_eq!(lines, (1..=first.len() as u64).collect::<Vec<_>>());
        assert_eq!(first[0]["contract_type"], "FIXED_TERM_I");
    }

    #[test]
    fn some_structures_get_two_demo_jobs() {
        let structures: Vec<Employer> = (1..=100)
            .map(|serial| employer(&crate::siret::fictitious("99", serial), "ACI"))
            .collect();
        let rows = demo(&structures, &appellations());
        assert!((130..170).contains(&rows.len()), "{}", rows.len());
    }

    #[test]
    fn contract_types_follow_the_kind() {
        assert_eq!(contract_type("ACI"), "FIXED_TERM_I");
        assert_eq!(contract_type("AI"), "FIXED_TERM_I");
        assert_eq!(contract_type("ETTI"), "TEMPORARY_I");
        assert_eq!(contract_type("GEIQ"), "PROFESSIONAL_TRAINING");
        assert_eq!(contract_type("EA"), "PERMANENT");
    }
}
