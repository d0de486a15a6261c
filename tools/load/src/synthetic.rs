//! A deterministic, clearly fictitious national directory for benchmarks (`--synthetic`):
//! structures of every R-ORG-1 kind, prescriber organizations of every R-ORG-3 kind and job
//! descriptions, placed in real communes in proportion to their population.

use anyhow::{ensure, Result};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use crate::client::Target;
use crate::jobs::{self, Employer};
use crate::random::{SplitMix64, Weighted};
use crate::{reference, siret, synthetic_applications};

const SEED: u64 = 0x7472_656D_706C_696E; // "tremplin"

/// Counts at scale 1.0.
const STRUCTURES: f64 = 20_000.0;
const PRESCRIBERS: f64 = 20_000.0;
const JOBS: f64 = 60_000.0;

const ACTIVE_JOBS: f64 = 0.85;
/// Among kinds that may be VALIDATED, so that about 70 % of all prescribers are.
const VALIDATED: f64 = 0.77;
const JITTER_KM: f64 = 2.0;
const KM_PER_DEGREE: f64 = 111.32;

/// Paris, Lyon and Marseille: their arrondissements carry the population, counted once.
const SPLIT_INTO_ARRONDISSEMENTS: [&str; 3] = ["75056", "69123", "13055"];

/// R-ORG-1 kinds and their relative weights.
const STRUCTURE_KINDS: &[(&str, u64)] = &[
    ("ACI", 36),
    ("ACIPHC", 2),
    ("AI", 13),
    ("EI", 20),
    ("EITI", 3),
    ("ETTI", 7),
    ("GEIQ", 5),
    ("EA", 10),
    ("EATT", 2),
    ("OPCS", 2),
];

/// R-ORG-3 kinds and their relative weights.
const PRESCRIBER_KINDS: &[(&str, u64)] = &[
    ("FT", 20),
    ("ML", 14),
    ("CCAS", 8),
    ("OTHER", 8),
    ("DEPT", 6),
    ("CHRS", 6),
    ("CAP_EMPLOI", 4),
    ("PLIE", 3),
    ("SPIP", 3),
    ("CADA", 3),
    ("PJJ", 2),
    ("HUDA", 2),
    ("CHU", 2),
    ("CAF", 2),
    ("ASE", 2),
    ("CSAPA", 2),
    ("OIL", 2),
    ("PIJ_BIJ", 2),
    ("PREVENTION", 2),
    ("AFPA", 1),
    ("CAARUD", 1),
    ("CAVA", 1),
    ("CIDFF", 1),
    ("CPH", 1),
    ("E2C", 1),
    ("EPIDE", 1),
    ("MSA", 1),
    ("OACAS", 1),
    ("OCASF", 1),
    ("ODC", 1),
    ("OHPD", 1),
];

/// A commune of communes.csv (the columns the generator uses).
#[derive(serde::Deserialize)]
pub struct Commune {
    pub insee_code: String,
    pub name: String,
    pub department_code: String,
    pub post_codes: String,
    pub latitude: f64,
    pub longitude: f64,
    pub population: Option<u64>,
}

pub struct Directory {
    pub structures: Vec<Value>,
    pub prescribers: Vec<Value>,
    pub jobs: Vec<Value>,
}

/// Generates the directory at `scale` (1.0: 20,000 structures, 20,000 prescribers, 60,000 jobs).
pub fn generate(
    seed: u64,
    scale: f64,
    communes: &[Commune],
    appellations: &[String],
) -> Result<Directory> {
    let count = |base: f64| (base * scale).round() as u64;
    let places: Vec<&Commune> = communes
        .iter()
        .filter(|c| !SPLIT_INTO_ARRONDISSEMENTS.contains(&c.insee_code.as_str()))
        .collect();
    let population = Weighted::new(places.iter().map(|c| c.population.unwrap_or(0)));
    ensure!(population.total() > 0, "no commune with a population");
    // One stream per part: the first n structures (or prescribers) are the same at any scale.
    let mut streams = SplitMix64::new(seed);
    let mut stream = || SplitMix64::new(streams.next_u64());
    let commune = |rng: &mut SplitMix64| places[population.pick(rng)];

    let mut rng = stream();
    let kinds = Weighted::new(STRUCTURE_KINDS.iter().map(|k| k.1));
    let mut employers = Vec::new();
    let mut structures = Vec::new();
    for serial in 1..=count(STRUCTURES) {
        let kind = STRUCTURE_KINDS[kinds.pick(&mut rng)].0;
        let siret = siret::fictitious("97", serial);
        let at = commune(&mut rng);
        let mut row = organization(&mut rng, at, kind, &siret, "Structure fictive", serial);
        row["brand"] = "".into();
        structures.push(row);
        employers.push(Employer {
            siret,
            kind: kind.into(),
        });
    }

    let mut rng = stream();
    let kinds = Weighted::new(PRESCRIBER_KINDS.iter().map(|k| k.1));
    let mut prescribers = Vec::new();
    for serial in 1..=count(PRESCRIBERS) {
        let kind = PRESCRIBER_KINDS[kinds.pick(&mut rng)].0;
        let siret = siret::fictitious("96", serial);
        let at = commune(&mut rng);
        let mut row = organization(&mut rng, at, kind, &siret, "Prescripteur fictif", serial);
        row["code_safir"] = "".into();
        row["authorization_status"] = authorization(kind, &mut rng).into();
        prescribers.push(row);
    }

    // Uniform over structures (about 3 each, some with none), one job per appellation each.
    let mut rng = stream();
    let possible = employers.len().saturating_mul(appellations.len());
    let wanted = (count(JOBS) as usize).min(possible);
    let mut taken = HashSet::new();
    let mut jobs = Vec::with_capacity(wanted);
    while jobs.len() < wanted {
        let (employer, appellation) = (rng.index(employers.len()), rng.index(appellations.len()));
        if taken.insert((employer, appellation)) {
            let active = rng.chance(ACTIVE_JOBS);
            let line = jobs.len() + 1;
            let job = jobs::row(
                line,
                &employers[employer],
                &appellations[appellation],
                active,
                "synthetic",
                &mut rng,
            );
            jobs.push(job);
        }
    }
    Ok(Directory {
        structures,
        prescribers,
        jobs,
    })
}

/// An organization row placed within `JITTER_KM` of `commune`'s centre.
fn organization(
    rng: &mut SplitMix64,
    commune: &Commune,
    kind: &str,
    siret: &str,
    name: &str,
    serial: u64,
) -> Value {
    // Uniform in the disc, by rejection: plain arithmetic, the same on every platform.
    let (east, north) = loop {
        let (x, y) = (2.0 * rng.unit() - 1.0, 2.0 * rng.unit() - 1.0);
        if x * x + y * y <= 1.0 {
            break (x * JITTER_KM, y * JITTER_KM);
        }
    };
    let latitude = commune.latitude + north / KM_PER_DEGREE;
    let longitude =
        commune.longitude + east / (KM_PER_DEGREE * commune.latitude.to_radians().cos());
    let round = |degrees: f64| (degrees * 1e6).round() / 1e6;
    json!({
        "line": serial,
        "kind": kind,
        "siret": siret,
        "name": format!("{name} n° {serial}"),
        "address_line_1": format!("{} rue de l'Exemple", 1 + rng.below(150)),
        "address_line_2": "",
        "post_code": commune.post_codes.split('|').next().unwrap_or(""),
        "city": commune.name,
        "department": commune.department_code,
        "insee_code": commune.insee_code,
        "latitude": round(latitude),
        "longitude": round(longitude),
        "website": "",
        "description": "Organisation fictive, générée pour les mesures de performance.",
        "source": "synthetic",
    })
}

/// R-ORG-4: OTHER never needs an authorization; OHPD stays NOT_SET because a prefectoral
/// authorization needs an end date, which the import does not carry.
fn authorization(kind: &str, rng: &mut SplitMix64) -> &'static str {
    match kind {
        "OTHER" => "NOT_REQUIRED",
        "OHPD" => "NOT_SET",
        _ if rng.chance(VALIDATED) => "VALIDATED",
        _ if rng.chance(0.9) => "NOT_SET",
        _ => "REFUSED",
    }
}

/// Generates the directory from the files of `data` and sends it.
pub fn load(target: &Target, data: &Path, scale: f64) -> Result<()> {
    let started = Instant::now();
    let communes: Vec<Commune> = reference::records(&data.join("communes.csv"))?;
    let appellations = reference::appellation_codes(&data.join("rome_appellations.csv"))?;
    let directory = generate(SEED, scale, &communes, &appellations)?;
    println!(
        "synthetic directory (scale {scale}, read and generated in {:.2?}): {} structures, \
         {} prescribers, {} jobs",
        started.elapsed(),
        directory.structures.len(),
        directory.prescribers.len(),
        directory.jobs.len(),
    );
    target.send(
        "synthetic structures",
        &reference::endpoint("structures"),
        directory.structures.clone(),
    )?;
    target.send(
        "synthetic prescribers",
        &reference::endpoint("prescribers"),
        directory.prescribers.clone(),
    )?;
    target.send(
        "synthetic jobs",
        &reference::endpoint("jobs"),
        directory.jobs.clone(),
    )?;
    synthetic_applications::load(target, &directory, scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::OnceLock;
    use tremplin_domain::organization;

    fn commune(
        insee: &str,
        department: &str,
        post_codes: &str,
        population: Option<u64>,
    ) -> Commune {
        Commune {
            insee_code: insee.into(),
            name: format!("Commune {insee}"),
            department_code: department.into(),
            post_codes: post_codes.into(),
            latitude: 45.0 + department.len() as f64,
            longitude: 2.5,
            population,
        }
    }

    fn communes() -> Vec<Commune> {
        vec![
            commune("75056", "75", "75001|75002", Some(2_100_000)),
            commune("75101", "75", "75001", Some(1_000_000)),
            commune("75116", "75", "75016|75116", Some(160_000)),
            commune("69381", "69", "69001", Some(500_000)),
            commune("13201", "13", "13001", Some(850_000)),
            commune("48095", "48", "48000", Some(12_000)),
            commune("01001", "01", "01400", Some(800)),
            commune("97105", "971", "97100", Some(10_000)),
            commune("98411", "984", "", None),
        ]
    }

    fn appellations() -> Vec<String> {
        (10_200..10_300).map(|code| code.to_string()).collect()
    }

    /// The full-scale directory of the tiny commune list, generated once for all tests.
    fn full() -> &'static Directory {
        static FULL: OnceLock<Directory> = OnceLock::new();
        FULL.get_or_init(|| generate(SEED, 1.0, &communes(), &appellations()).unwrap())
    }

    fn tally<'a>(rows: &'a [Value], field: &str) -> HashMap<&'a str, usize> {
        let mut counts = HashMap::new();
        for row in rows {
            *counts.entry(row[field].as_str().unwrap()).or_default() += 1;
        }
        counts
    }

    #[test]
    fn counts_follow_the_scale() {
        let full = full();
        assert_eq!(full.structures.len(), 20_000);
        assert_eq!(full.prescribers.len(), 20_000);
        assert_eq!(full.jobs.len(), 60_000);
        let small = generate(SEED, 0.01, &communes(), &appellations()).unwrap();
        assert_eq!(
            (
                small.structures.len(),
                small.prescribers.len(),
                small.jobs.len()
            ),
            (200, 200, 600)
        );
        assert!(generate(SEED, 0.01, &communes()[8..], &appellations()).is_err());
    }

    #[test]
    fn same_seed_same_directory_and_scale_keeps_a_prefix() {
        let once = generate(SEED, 0.05, &communes(), &appellations()).unwrap();
        let again = generate(SEED, 0.05, &communes(), &appellations()).unwrap();
        assert_eq!(once.structures, again.structures);
        assert_eq!(once.prescribers, again.prescribers);
        assert_eq!(once.jobs, again.jobs);
        let other = generate(SEED + 1, 0.05, &communes(), &appellations()).unwrap();
        assert_ne!(once.structures, other.structures);
        let full = full();
        assert_eq!(
            once.structures[..],
            full.structures[..once.structures.len()]
        );
        assert_eq!(
            once.prescribers[..],
            full.prescribers[..once.prescribers.len()]
        );
    }

    #[test]
    fn every_siret_parses_and_is_unique() {
        let full = full();
        for (rows, prefix) in [(&full.structures, "97"), (&full.prescribers, "96")] {
            let sirets: HashSet<&str> = rows.iter().map(|r| r["siret"].as_str().unwrap()).collect();
            assert_eq!(sirets.len(), rows.len());
            for siret in sirets {
                assert!(siret.starts_with(prefix), "{siret}");
                assert!(tremplin_domain::Siret::parse(siret).is_ok(), "{siret}");
            }
        }
    }

    #[test]
    fn kinds_cover_r_org_1_and_r_org_3() {
        let codes =
            |kinds: &[(&'static str, u64)]| kinds.iter().map(|k| k.0).collect::<HashSet<_>>();
        let structure_kinds: HashSet<&str> =
            organization::STRUCTURE_KINDS.iter().map(|k| k.0).collect();
        let prescriber_kinds: HashSet<&str> =
            organization::PRESCRIBER_KINDS.iter().map(|k| k.0).collect();
        assert_eq!(codes(STRUCTURE_KINDS), structure_kinds);
        assert_eq!(codes(PRESCRIBER_KINDS), prescriber_kinds);

        let small = generate(SEED, 0.05, &communes(), &appellations()).unwrap();
        let structures = tally(&small.structures, "kind");
        assert_eq!(
            structures.keys().copied().collect::<HashSet<_>>(),
            structure_kinds
        );
        assert!(structures.values().all(|&n| n <= structures["ACI"]));
        let prescribers = tally(&full().prescribers, "kind");
        assert_eq!(
            prescribers.keys().copied().collect::<HashSet<_>>(),
            prescriber_kinds
        );
        let mut ranked: Vec<_> = prescribers.into_iter().collect();
        ranked.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        assert_eq!([ranked[0].0, ranked[1].0], ["FT", "ML"]);
    }

    #[test]
    fn population_weighting_favours_big_cities() {
        let small = generate(SEED, 0.05, &communes(), &appellations()).unwrap();
        for rows in [&small.structures, &small.prescribers] {
            let departments = tally(rows, "department");
            let lozere = departments.get("48").copied().unwrap_or(0);
            for big in ["75", "69", "13"] {
                assert!(departments[big] > lozere, "{big}: {departments:?}");
            }
            let places = tally(rows, "insee_code");
            assert!(
                !places.contains_key("75056"),
                "Paris counted through its arrondissements"
            );
            assert!(!places.contains_key("98411"), "no population, never drawn");
        }
    }

    #[test]
    fn organizations_sit_near_their_commune_centre() {
        let communes = communes();
        let by_insee: HashMap<&str, &Commune> = communes
            .iter()
            .map(|c| (c.insee_code.as_str(), c))
            .collect();
        for row in full().structures.iter().chain(&full().prescribers) {
            let commune = by_insee[row["insee_code"].as_str().unwrap()];
            assert_eq!(row["department"], commune.department_code.as_str());
            assert_eq!(
                row["post_code"],
                commune.post_codes.split('|').next().unwrap()
            );
            assert_eq!(row["source"], "synthetic");
            let dy = (row["latitude"].as_f64().unwrap() - commune.latitude) * KM_PER_DEGREE;
            let dx = (row["longitude"].as_f64().unwrap() - commune.longitude)
                * KM_PER_DEGREE
                * commune.latitude.to_radians().cos();
            assert!(dx.hypot(dy) <= JITTER_KM + 0.001, "{row}");
        }
    }

    #[test]
    fn prescriber_authorizations() {
        let prescribers = &full().prescribers;
        for row in prescribers {
            match row["kind"].as_str().unwrap() {
                "OTHER" => assert_eq!(row["authorization_status"], "NOT_REQUIRED"),
                "OHPD" => assert_eq!(row["authorization_status"], "NOT_SET"),
                _ => assert_ne!(row["authorization_status"], "NOT_REQUIRED"),
            }
        }
        let validated = tally(prescribers, "authorization_status")["VALIDATED"];
        let share = validated as f64 / prescribers.len() as f64;
        assert!((0.67..0.73).contains(&share), "{share}");
    }

    #[test]
    fn jobs_point_to_structures_once_per_appellation() {
        let full = full();
        let kinds: HashMap<&str, &str> = full
            .structures
            .iter()
            .map(|r| (r["siret"].as_str().unwrap(), r["kind"].as_str().unwrap()))
            .collect();
        let mut pairs = HashSet::new();
        for job in &full.jobs {
            let siret = job["structure_siret"].as_str().unwrap();
            assert_eq!(kinds[siret], job["structure_kind"]);
            assert_eq!(job["source"], "synthetic");
            assert!(pairs.insert((siret, job["appellation_code"].as_str().unwrap())));
        }
        let per_structure = tally(&full.jobs, "structure_siret");
        let without = kinds.len() - per_structure.len();
        assert!(
            (500..1_500).contains(&without),
            "{without} structures without a job"
        );
        let active = full.jobs.iter().filter(|j| j["is_active"] == true).count();
        let share = active as f64 / full.jobs.len() as f64;
        assert!((0.84..0.86).contains(&share), "{share}");
    }

    /// The real commune file, outside the repository: skipped when absent.
    #[test]
    fn real_communes_put_more_structures_in_paris_lyon_marseille_than_in_lozere() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/derived/communes.csv");
        if !path.exists() {
            println!("skipped: {} not found", path.display());
            return;
        }
        let communes: Vec<Commune> = reference::records(&path).unwrap();
        let directory = generate(SEED, 0.1, &communes, &appellations()).unwrap();
        let departments = tally(&directory.structures, "department");
        let lozere = departments.get("48").copied().unwrap_or(0);
        for big in ["75", "69", "13"] {
            assert!(departments[big] > lozere, "{big}: {departments:?}");
        }
    }
}
