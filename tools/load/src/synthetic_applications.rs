//! Synthetic candidates and applications for benchmarks (`--synthetic`, after the synthetic
//! directory): 300,000 candidates and 1,000,000 applications at scale 1.0, always the same
//! (seeded), clearly fictitious (e-mails `@synthetique.invalid`, `is_synthetic` set), sent to
//! `POST /api/v1/admin/synthetic/{candidates,applications}` in batches of 2,000, one
//! transaction each.
//!
//! - Applications are spread over the directory's structures and prescriber organizations with
//!   a Zipf-like skew (weight 1 / (rank + 5)): the busiest structure receives about 2.4 % of
//!   them (24,000), the median one a dozen. Each candidate has a "home" prescriber organization drawn the
//!   same way, which sends 90 % of their applications; 2 % are a structure's own.
//! - `created_at` is spread uniformly over the two years before the app's `today` (the most
//!   recent one day old, so none counts as a 24-hour duplicate, R-APPLY-3); states follow age:
//!   mostly `new`/`processing` in the last month, mostly `accepted`/`refused` before.
//! - Rows are numbered, and sent, by sending organization (see `load_order`): what keeps a batch
//!   of 2,000 to a few thousand index pages, so that 1,000,000 load in minutes.
//! - A handful of accounts (password [`PASSWORD`]): [`PRESCRIBER_ACCOUNTS`] are members of the
//!   busiest prescriber organization (an authorized one), [`STRUCTURE_ACCOUNTS`] of the busiest
//!   structure, through `POST /api/v1/admin/accounts`; `tremplin-bench` logs in as them. They
//!   are the recorded senders: the busiest prescriber's accounts for its own applications, its
//!   first one for every other organization's (synthetic data: nobody else has an account), the
//!   structure's first one for structures' own.

use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};
use std::time::Instant;
use tremplin_domain::date::{format_rfc3339_utc, parse_rfc3339_utc};
use tremplin_domain::Date;

use crate::client::{Api, Target};
use crate::random::{fnv1a, SplitMix64, Weighted};
use crate::synthetic::Directory;

const SEED: u64 = 0x6361_6E64_6964_6174; // "candidat"

/// Counts at scale 1.0.
const CANDIDATES: f64 = 300_000.0;
const APPLICATIONS: f64 = 1_000_000.0;
/// The NIR's commune and order digits come from the candidate's serial: unique below this.
const MAX_CANDIDATES: u64 = 1_000_000;

pub const PASSWORD: &str = crate::demo::PASSWORD;
pub const PRESCRIBER_ACCOUNTS: [&str; 3] = [
    "prescripteur-1@synthetique.invalid",
    "prescripteur-2@synthetique.invalid",
    "prescripteur-3@synthetique.invalid",
];
pub const STRUCTURE_ACCOUNTS: [&str; 2] = [
    "structure-1@synthetique.invalid",
    "structure-2@synthetique.invalid",
];

const ENDPOINT: &str = "/api/v1/admin/synthetic";
const ROWS_PER_BATCH: usize = 2_000;

/// Zipf-like weights: rank r weighs 1 / (r + ZIPF_OFFSET).
const ZIPF_OFFSET: u64 = 5;
const HOME_SENDER: f64 = 0.9;
const EMPLOYER: f64 = 0.02;
const DIAGNOSIS_SHARED: f64 = 0.85;
const DAY: i64 = 86_400;
/// The most recent application is this old, the oldest two years old.
const NEWEST_AGE: i64 = DAY + 3_600;
const OLDEST_AGE: i64 = 730 * DAY;
/// Younger than this, an application is mostly still open.
const RECENT_AGE: i64 = 30 * DAY;

/// (state, weight) for recent and for older applications.
const RECENT_STATES: &[(&str, u64)] = &[
    ("new", 55),
    ("processing", 30),
    ("postponed", 5),
    ("accepted", 4),
    ("refused", 6),
];
const OLDER_STATES: &[(&str, u64)] = &[
    ("new", 8),
    ("processing", 8),
    ("postponed", 4),
    ("accepted", 32),
    ("refused", 40),
    ("cancelled", 3),
    ("obsolete", 5),
];

const MESSAGES: &[&str] = &[
    "Candidature fictive (jeu de données de mesure) : motivé, disponible tout de suite.",
    "Candidature fictive : cherche un premier emploi dans le secteur, mobile sur le département.",
    "Candidature fictive : reprise d'activité après une longue période sans emploi.",
    "Candidature fictive : souhaite se former sur le poste, disponible à temps partiel.",
    "Candidature fictive : expérience dans le métier, besoin d'un accompagnement social.",
];

const FEMALE_NAMES: &[&str] = &[
    "Léa", "Camille", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Julie", "Nadia", "Fatou",
    "Amina", "Sophie", "Laura", "Aïcha", "Marie", "Océane", "Yasmine", "Céline", "Nathalie",
    "Sandrine",
];
const MALE_NAMES: &[&str] = &[
    "Lucas",
    "Hugo",
    "Thomas",
    "Nicolas",
    "Karim",
    "Mamadou",
    "Julien",
    "Kevin",
    "Yanis",
    "Éric",
    "Sébastien",
    "Moussa",
    "Antoine",
    "David",
    "Mehdi",
    "Romain",
    "Olivier",
    "Franck",
    "Bilal",
    "Stéphane",
];
const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Diallo",
    "Traoré",
    "Benali",
    "Nguyen",
    "Da Silva",
    "Haddad",
    "Kone",
    "Mendy",
    "Boyer",
    "Chevalier",
];
/// Departments of birth in a NIR (2A/2B for Corsica, R-CAND-1).
const DEPARTMENTS: &[&str] = &[
    "01", "02", "03", "06", "13", "14", "21", "25", "2A", "2B", "29", "31", "33", "34", "35", "38",
    "44", "49", "57", "59", "62", "67", "69", "75", "76", "77", "78", "91", "92", "93", "94", "95",
    "99",
];

/// A synthetic application, by index into the candidates and the directory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Application {
    pub serial: u64,
    pub candidate: u32,
    pub structure: u32,
    pub sender: Sender,
    pub state: &'static str,
    pub message: u8,
    pub diagnosis_shared: bool,
    pub created_unix: i64,
}

/// Who sent it: a prescriber organization (by index, authorized or not), or the structure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sender {
    Prescriber { index: u32, authorized: bool },
    Employer,
}

pub struct Generated {
    pub candidates: Vec<Value>,
    pub applications: Vec<Application>,
    /// Indices of the busiest prescriber organization and structure in the directory's rows.
    pub busiest_prescriber: usize,
    pub busiest_structure: usize,
}

/// Organizations in a seeded random order, the first ones the busiest; `busiest` is moved
/// first among those `eligible`.
fn ranking(rng: &mut SplitMix64, count: usize, eligible: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    for i in (1..count).rev() {
        order.swap(i, rng.index(i + 1));
    }
    if let Some(first) = order.iter().position(|&i| eligible(i)) {
        order.swap(0, first);
    }
    order
}

fn zipf(count: usize) -> Weighted {
    Weighted::new((0..count as u64).map(|rank| 1_000_000_000 / (rank + ZIPF_OFFSET)))
}

fn pick<'a>(rng: &mut SplitMix64, weighted: &[(&'a str, u64)]) -> &'a str {
    weighted[Weighted::new(weighted.iter().map(|w| w.1)).pick(rng)].0
}

/// A valid NIR (R-CAND-1, R-CAND-2) for `serial`, unique below [`MAX_CANDIDATES`].
fn nir(sex: u8, birthdate: Date, department: &str, serial: u64) -> String {
    let body = format!(
        "{sex}{:02}{:02}{department}{:03}{:03}",
        birthdate.year() % 100,
        birthdate.month(),
        serial / 1000 % 1000,
        serial % 1000
    );
    let digits = body.replace("2A", "19").replace("2B", "18");
    let number: u64 = digits.parse().expect("13 digits");
    format!("{body}{:02}", 97 - number % 97)
}

/// `prefix_` and 32 hex digits: a fixed tag, then the serial (rows sort in serial order).
fn id(prefix: &str, serial: u64) -> String {
    format!("{prefix}_{:016x}{serial:016x}", fnv1a(prefix.as_bytes()))
}

pub fn candidate_id(serial: u64) -> String {
    id("cand", serial)
}

pub fn application_id(serial: u64) -> String {
    id("app", serial)
}

fn candidate(rng: &mut SplitMix64, serial: u64) -> Value {
    let woman = rng.chance(0.5);
    let (title, sex, names) = match woman {
        true => ("MME", 2, FEMALE_NAMES),
        false => ("M", 1, MALE_NAMES),
    };
    let first_name = names[rng.index(names.len())];
    let last_name = LAST_NAMES[rng.index(LAST_NAMES.len())];
    let year = 1965 + rng.below(43) as i32;
    let birthdate = Date::from_ymd(year, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8)
        .expect("a valid date");
    let department = DEPARTMENTS[rng.index(DEPARTMENTS.len())];
    let (nir, lack_of_nir_reason) = match rng.unit() {
        u if u < 0.85 => (Some(nir(sex, birthdate, department, serial)), None),
        u if u < 0.95 => (None, Some("NO_NIR")),
        _ => (None, Some("NIR_ASSOCIATED_TO_OTHER")),
    };
    let (france_travail_id, lack_of_france_travail_id_reason) = match rng.unit() {
        u if u < 0.65 => {
            let letter = char::from(b'A' + rng.below(26) as u8);
            (Some(format!("{:07}{letter}", rng.below(10_000_000))), None)
        }
        u if u < 0.85 => (None, Some("NOT_REGISTERED")),
        _ => (None, Some("FORGOTTEN")),
    };
    json!({
        "id": candidate_id(serial),
        "title": title,
        "first_name": first_name,
        "last_name": last_name,
        "birthdate": birthdate.to_string(),
        "email": format!("candidat-{serial:07}@synthetique.invalid"),
        "nir": nir,
        "lack_of_nir_reason": lack_of_nir_reason,
        "france_travail_id": france_travail_id,
        "lack_of_france_travail_id_reason": lack_of_france_travail_id_reason,
    })
}

fn is_authorized(prescriber: &Value) -> bool {
    prescriber["authorization_status"] == "VALIDATED"
}

/// Generates the candidates and applications at `scale` over `directory`, dated relative to
/// `anchor` (unix seconds: the app's today at 00:00 UTC).
pub fn generate(seed: u64, scale: f64, directory: &Directory, anchor: i64) -> Result<Generated> {
    let count = |base: f64| (base * scale).round() as u64;
    let (candidates_wanted, applications_wanted) = (count(CANDIDATES), count(APPLICATIONS));
    ensure!(
        candidates_wanted <= MAX_CANDIDATES,
        "at most {MAX_CANDIDATES} synthetic candidates (--synthetic-scale ≤ 3.33)"
    );
    let (structures, prescribers) = (&directory.structures, &directory.prescribers);
    if applications_wanted > 0 {
        ensure!(
            candidates_wanted > 0 && !structures.is_empty() && !prescribers.is_empty(),
            "synthetic applications need candidates, structures and prescribers"
        );
    }
    let mut streams = SplitMix64::new(seed);
    let mut stream = || SplitMix64::new(streams.next_u64());

    let mut rng = stream();
    let iae = |i: usize| {
        matches!(
            structures[i]["kind"].as_str(),
            Some("ACI" | "AI" | "EI" | "ETTI" | "EITI")
        )
    };
    let structure_order = ranking(&mut rng, structures.len(), iae);
    let authorized = |i: usize| is_authorized(&prescribers[i]) && prescribers[i]["kind"] != "OHPD";
    let prescriber_order = ranking(&mut rng, prescribers.len(), authorized);
    let (structure_weights, prescriber_weights) = (zipf(structures.len()), zipf(prescribers.len()));

    // Candidates numbered by home organization (see `load_order`).
    let mut rng = stream();
    let mut homes: Vec<u32> = (0..candidates_wanted)
        .map(|_| prescriber_order[prescriber_weights.pick(&mut rng)] as u32)
        .collect();
    homes.sort_unstable();
    let mut rng = stream();
    let candidates: Vec<Value> = (1..=candidates_wanted)
        .map(|serial| candidate(&mut rng, serial))
        .collect();

    let mut rng = stream();
    let mut applications = Vec::with_capacity(applications_wanted as usize);
    for i in 0..applications_wanted {
        // Every candidate applies at least once, then at random.
        let candidate = match i < candidates_wanted {
            true => i as u32,
            false => rng.below(candidates_wanted) as u32,
        };
        let structure = structure_order[structure_weights.pick(&mut rng)] as u32;
        let sender = if rng.chance(EMPLOYER) {
            Sender::Employer
        } else {
            let index = match rng.chance(HOME_SENDER) {
                true => homes[candidate as usize],
                false => prescriber_order[prescriber_weights.pick(&mut rng)] as u32,
            };
            Sender::Prescriber {
                index,
                authorized: is_authorized(&prescribers[index as usize]),
            }
        };
        let age = NEWEST_AGE + rng.below((OLDEST_AGE - NEWEST_AGE) as u64) as i64;
        let state = match age < RECENT_AGE {
            true => pick(&mut rng, RECENT_STATES),
            false => pick(&mut rng, OLDER_STATES),
        };
        applications.push(Application {
            serial: 0,
            candidate,
            structure,
            sender,
            state,
            message: rng.index(MESSAGES.len()) as u8,
            diagnosis_shared: rng.chance(DIAGNOSIS_SHARED),
            created_unix: anchor - age,
        });
    }
    applications.sort_by_key(load_order);
    for (serial, application) in applications.iter_mut().enumerate() {
        application.serial = serial as u64 + 1;
    }
    Ok(Generated {
        candidates,
        applications,
        busiest_prescriber: prescriber_order.first().copied().unwrap_or(0),
        busiest_structure: structure_order.first().copied().unwrap_or(0),
    })
}

/// The order applications are numbered and sent in: by sending organization (a structure's own
/// after the prescribers'), oldest first within it. A batch then holds few senders, whose
/// candidates (numbered by home organization) are neighbours too, so that it touches few pages
/// of the sent boxes' and the candidates' indexes; sent in time order, each batch would touch
/// a page of every index for nearly every row, and loading would take several times as long.
fn load_order(a: &Application) -> (u8, u32, i64) {
    match a.sender {
        Sender::Prescriber { index, .. } => (0, index, a.created_unix),
        Sender::Employer => (1, a.structure, a.created_unix),
    }
}

/// The ids the app gave the directory's organizations, and the accounts' user ids.
struct Ids {
    structures: Vec<String>,
    prescribers: Vec<String>,
    prescriber_users: Vec<String>,
    structure_users: Vec<String>,
}

impl Ids {
    fn row(&self, a: &Application, g: &Generated) -> Value {
        let structure = &self.structures[a.structure as usize];
        let (kind, organization, user) = match a.sender {
            Sender::Employer => ("employer", structure, &self.structure_users[0]),
            Sender::Prescriber { index, authorized } => {
                let user = match index as usize == g.busiest_prescriber {
                    // Spread over its members, by serial.
                    true => &self.prescriber_users[a.serial as usize % self.prescriber_users.len()],
                    false => &self.prescriber_users[0],
                };
                let kind = if authorized {
                    "prescriber"
                } else {
                    "orienteur"
                };
                (kind, &self.prescribers[index as usize], user)
            }
        };
        json!({
            "id": application_id(a.serial),
            "candidate_id": g.candidates[a.candidate as usize]["id"],
            "structure_id": structure,
            "sender_kind": kind,
            "sender_organization_id": organization,
            "sender_user_id": user,
            "state": a.state,
            "message": MESSAGES[a.message as usize],
            "diagnosis_shared": a.diagnosis_shared,
            "created_at": format_rfc3339_utc(a.created_unix),
        })
    }
}

/// The app's `today` at 00:00 UTC (`GET /api/v1/health`).
fn anchor(api: &Api) -> Result<i64> {
    let health = api.get("/api/v1/health")?;
    let today = health["today"].as_str().context("health has no today")?;
    parse_rfc3339_utc(&format!("{today}T00:00:00Z"))
        .map_err(|e| anyhow::anyhow!("today {today}: {}", e.message))
}

/// The app's ids of `rows` (structures or prescribers), by SIRET and kind.
fn organization_ids(api: &Api, rows: &[Value]) -> Result<Vec<String>> {
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_BATCH) {
        let keys: Vec<Value> = chunk
            .iter()
            .map(|r| json!({"siret": r["siret"], "kind": r["kind"]}))
            .collect();
        let answer = api.post(&format!("{ENDPOINT}/organizations"), &json!({"rows": keys}))?;
        let found = answer["ids"].as_array().context("ids")?;
        for (row, id) in chunk.iter().zip(found) {
            match id.as_str() {
                Some(id) => ids.push(id.to_owned()),
                None => bail!(
                    "synthetic organization {} {} not found: load the synthetic directory first",
                    row["kind"],
                    row["siret"]
                ),
            }
        }
    }
    Ok(ids)
}

/// Creates the accounts of the busiest organizations (once) and returns their user ids.
fn accounts(api: &Api, directory: &Directory, g: &Generated) -> Result<(Vec<String>, Vec<String>)> {
    let prescriber = &directory.prescribers[g.busiest_prescriber];
    let structure = &directory.structures[g.busiest_structure];
    let organization = |reference: &str, category: &str, row: &Value| {
        json!({"ref": reference, "category": category, "kind": row["kind"], "siret": row["siret"],
               "name": row["name"], "authorization_status": row.get("authorization_status")})
    };
    let user = |email: &str, reference: &str, n: usize| {
        let role = if n == 0 { "admin" } else { "member" };
        json!({"email": email, "password": PASSWORD, "first_name": "Compte fictif",
               "last_name": format!("{} {}", reference.to_uppercase(), n + 1),
               "memberships": [{"organization": reference, "role": role}]})
    };
    let users: Vec<Value> = PRESCRIBER_ACCOUNTS
        .iter()
        .enumerate()
        .map(|(n, email)| user(email, "prescripteur", n))
        .chain(
            STRUCTURE_ACCOUNTS
                .iter()
                .enumerate()
                .map(|(n, email)| user(email, "structure", n)),
        )
        .collect();
    let batch = json!({
        "organizations": [organization("prescripteur", "prescriber", prescriber),
                          organization("structure", "structure", structure)],
        "users": users,
    });
    let created = api.post("/api/v1/admin/accounts", &batch)?;
    println!(
        "synthetic accounts: {} ({} and {})",
        created["created"], prescriber["name"], structure["name"]
    );
    let user_id = |email: &str| -> Result<String> {
        let me = Api::new(api.base())
            .login(email, PASSWORD)?
            .get("/api/v1/me")?;
        Ok(me["user"]["id"].as_str().context("me.user.id")?.to_owned())
    };
    let prescribers = PRESCRIBER_ACCOUNTS
        .iter()
        .map(|e| user_id(e))
        .collect::<Result<_>>()?;
    let structures = STRUCTURE_ACCOUNTS
        .iter()
        .map(|e| user_id(e))
        .collect::<Result<_>>()?;
    Ok((prescribers, structures))
}

/// Sends `rows` to the dataset in batches; prints the totals and the time taken.
fn send(api: &Api, dataset: &str, total: usize, rows: impl Iterator<Item = Value>) -> Result<()> {
    let started = Instant::now();
    let (mut received, mut created) = (0, 0);
    let mut batch = Vec::with_capacity(ROWS_PER_BATCH);
    let mut flush = |batch: &mut Vec<Value>| -> Result<()> {
        let answer = api.post(&format!("{ENDPOINT}/{dataset}"), &json!({"rows": batch}))?;
        received += answer["received"].as_u64().unwrap_or(0);
        created += answer["created"].as_u64().unwrap_or(0);
        batch.clear();
        Ok(())
    };
    for row in rows {
        batch.push(row);
        if batch.len() == ROWS_PER_BATCH {
            flush(&mut batch)?;
        }
    }
    if !batch.is_empty() {
        flush(&mut batch)?;
    }
    println!(
        "synthetic {dataset}: {total} rows, {created} created, {} already there, in {:.1} s",
        received - created,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Generates the candidates and applications over `directory` and sends them.
pub fn load(target: &Target, directory: &Directory, scale: f64) -> Result<()> {
    let started = Instant::now();
    let api = match target {
        Target::App(api) => Some(api),
        Target::DryRun => None,
    };
    let anchor = match api {
        Some(api) => anchor(api)?,
        None => 0,
    };
    let generated = generate(SEED, scale, directory, anchor)?;
    println!(
        "synthetic candidates and applications (scale {scale}, generated in {:.2?}): {} \
         candidates, {} applications",
        started.elapsed(),
        generated.candidates.len(),
        generated.applications.len(),
    );
    let Some(api) = api else {
        println!("synthetic candidates and applications: dry run, not sent");
        return Ok(());
    };
    if generated.applications.is_empty() && generated.candidates.is_empty() {
        return Ok(());
    }
    let (prescriber_users, structure_users) = accounts(api, directory, &generated)?;
    let ids = Ids {
        structures: organization_ids(api, &directory.structures)?,
        prescribers: organization_ids(api, &directory.prescribers)?,
        prescriber_users,
        structure_users,
    };
    send(
        api,
        "candidates",
        generated.candidates.len(),
        generated.candidates.iter().cloned(),
    )?;
    send(
        api,
        "applications",
        generated.applications.len(),
        generated
            .applications
            .iter()
            .map(|a| ids.row(a, &generated)),
    )?;
    println!(
        "synthetic candidates and applications loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use tremplin_domain::candidate::{Candidate, CandidateInput};

    fn directory() -> Directory {
        let structures = (0..300)
            .map(|i| {
                let kind = ["GEIQ", "ACI", "EI"][i % 3];
                json!({"siret": format!("s{i}"), "kind": kind})
            })
            .collect();
        let prescribers = (0..200)
            .map(|i| {
                let status = ["VALIDATED", "NOT_SET", "VALIDATED"][i % 3];
                json!({"siret": format!("p{i}"), "kind": "ML", "authorization_status": status})
            })
            .collect();
        Directory {
            structures,
            prescribers,
            jobs: Vec::new(),
        }
    }

    const ANCHOR: i64 = 20_600 * DAY;

    fn small() -> Generated {
        generate(SEED, 0.01, &directory(), ANCHOR).unwrap()
    }

    #[test]
    fn counts_follow_the_scale_and_the_data_never_changes() {
        let g = small();
        assert_eq!(g.candidates.len(), 3_000);
        assert_eq!(g.applications.len(), 10_000);
        let again = small();
        assert_eq!(g.candidates, again.candidates);
        assert_eq!(g.applications, again.applications);
        assert!(generate(SEED, 3.5, &directory(), ANCHOR).is_err());
    }

    #[test]
    fn candidates_are_valid_and_unique() {
        let today = Date::from_unix_seconds(ANCHOR);
        let g = small();
        let mut emails = std::collections::HashSet::new();
        let mut nirs = std::collections::HashSet::new();
        for row in &g.candidates {
            let text = |f: &str| row[f].as_str().map(str::to_owned);
            let input = CandidateInput {
                title: text("title"),
                first_name: text("first_name"),
                last_name: text("last_name"),
                birthdate: text("birthdate"),
                email: text("email"),
                nir: text("nir"),
                lack_of_nir_reason: text("lack_of_nir_reason"),
                france_travail_id: text("france_travail_id"),
                lack_of_france_travail_id_reason: text("lack_of_france_travail_id_reason"),
                ..CandidateInput::default()
            };
            let candidate =
                Candidate::parse(input, today).unwrap_or_else(|e| panic!("{row}: {e:?}"));
            assert!(emails.insert(candidate.email.as_str().to_owned()));
            if let Some(nir) = candidate.nir.nir() {
                assert!(nirs.insert(nir.as_str().to_owned()));
            }
            assert!(candidate.email.as_str().ends_with("@synthetique.invalid"));
        }
        let share = nirs.len() as f64 / g.candidates.len() as f64;
        assert!((0.82..0.88).contains(&share), "{share}");
    }

    #[test]
    fn applications_are_dated_over_two_years_and_numbered_by_sender() {
        let g = small();
        let newest = ANCHOR - NEWEST_AGE;
        let oldest = ANCHOR - OLDEST_AGE;
        assert!(g
            .applications
            .windows(2)
            .all(|w| load_order(&w[0]) <= load_order(&w[1])));
        let homes_first = g
            .applications
            .iter()
            .filter(|a| a.sender != Sender::Employer);
        assert!(homes_first.count() > 9 * g.applications.len() / 10);
        assert!(g
            .applications
            .iter()
            .all(|a| (oldest..=newest).contains(&a.created_unix)));
        let serials: Vec<u64> = g.applications.iter().map(|a| a.serial).collect();
        assert_eq!(serials, (1..=10_000).collect::<Vec<_>>());
        assert!(application_id(1) < application_id(2));
        assert_eq!(application_id(1).len(), "app_".len() + 32);
        // Every candidate applied.
        let applied: std::collections::HashSet<u32> =
            g.applications.iter().map(|a| a.candidate).collect();
        assert_eq!(applied.len(), g.candidates.len());
    }

    #[test]
    fn states_follow_age() {
        let g = small();
        let recent = |a: &&Application| ANCHOR - a.created_unix < RECENT_AGE;
        let open = |a: &&Application| matches!(a.state, "new" | "processing" | "postponed");
        let share = |rows: Vec<&Application>| {
            rows.iter().filter(|a| open(a)).count() as f64 / rows.len() as f64
        };
        let (young, old): (Vec<&Application>, Vec<&Application>) =
            g.applications.iter().partition(recent);
        assert!(share(young) > 0.8);
        assert!(share(old) < 0.3);
    }

    #[test]
    fn the_busiest_organizations_are_busy_and_fit_the_bench() {
        let d = directory();
        let g = small();
        let mut received: HashMap<u32, usize> = HashMap::new();
        let mut sent: HashMap<u32, usize> = HashMap::new();
        for a in &g.applications {
            *received.entry(a.structure).or_default() += 1;
            if let Sender::Prescriber { index, authorized } = a.sender {
                assert_eq!(authorized, is_authorized(&d.prescribers[index as usize]));
                *sent.entry(index).or_default() += 1;
            }
        }
        let most = |counts: &HashMap<u32, usize>| counts.iter().max_by_key(|c| c.1).map(|c| *c.0);
        assert_eq!(most(&received), Some(g.busiest_structure as u32));
        assert_eq!(most(&sent), Some(g.busiest_prescriber as u32));
        assert!(received[&(g.busiest_structure as u32)] > 10 * g.applications.len() / 300);
        assert_ne!(d.structures[g.busiest_structure]["kind"], "GEIQ");
        assert!(is_authorized(&d.prescribers[g.busiest_prescriber]));
        let employer = g
            .applications
            .iter()
            .filter(|a| a.sender == Sender::Employer)
            .count();
        let share = employer as f64 / g.applications.len() as f64;
        assert!((0.01..0.03).contains(&share), "{share}");
    }
}
