//! Directory search (R-DIR-1..4) through the real `directory` component, on real communes of
//! `../shared/data/derived/communes.csv` and generated structures around them.

mod cities;
mod distances;
mod filters;
mod import;
mod manage;

use serde_json::{json, Value};
use std::collections::BTreeSet;
use tremplin_tests::{luhn_siret, repo_root, TestApp};

/// Departments whose communes the fixture loads: a border (Vaucluse / Gard / Bouches-du-Rhône),
/// Corsica, two overseas departments, and cities the lookup tests need.
const DEPARTMENTS: &[&str] = &["84", "30", "13", "2A", "2B", "974", "971", "75", "42", "91"];

pub struct City {
    pub insee: String,
    pub name: String,
    pub department: String,
    pub lat: f64,
    pub lon: f64,
}

/// A structure the fixture imported, as the test knows it independently of the app.
#[derive(Clone)]
pub struct Known {
    pub siret: String,
    pub kind: &'static str,
    pub department: String,
    pub lat: f64,
    pub lon: f64,
}

/// Independent haversine (km), for checking the app's results.
pub fn haversine(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let r = 6371.0088_f64;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let a = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((lon2 - lon1).to_radians() / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().asin()
}

fn communes_csv() -> String {
    let path = repo_root().join("../shared/data/derived/communes.csv");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the directory tests need {}: {e}", path.display()))
}

/// Splits a CSV line with quoted fields (communes.csv quotes names with commas).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut field, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match (c, quoted) {
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out
}

pub fn fixture_cities() -> Vec<(City, Value)> {
    communes(|department, _| DEPARTMENTS.contains(&department))
}

/// The communes of `communes.csv` that `keep(department, insee code)` selects, each with its
/// import row.
pub fn communes(keep: impl Fn(&str, &str) -> bool) -> Vec<(City, Value)> {
    let text = communes_csv();
    let mut lines = text.lines();
    let header = fields(lines.next().unwrap());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (insee, name, dept, lat, lon, pop) = (
        column("insee_code"),
        column("name"),
        column("department_code"),
        column("latitude"),
        column("longitude"),
        column("population"),
    );
    lines
        .enumerate()
        .map(|(i, line)| (i, fields(line)))
        .filter(|(_, f)| keep(&f[dept], &f[insee]))
        .map(|(i, f)| {
            let mut row: serde_json::Map<String, Value> = header
                .iter()
                .cloned()
                .zip(f.iter().map(|v| json!(v)))
                .collect();
            row.insert("line".into(), json!(i + 2));
            row.insert("latitude".into(), json!(f[lat].parse::<f64>().unwrap()));
            row.insert("longitude".into(), json!(f[lon].parse::<f64>().unwrap()));
            row.insert(
                "population".into(),
                f[pop].parse::<i64>().map_or(Value::Null, |p| json!(p)),
            );
            let city = City {
                insee: f[insee].clone(),
                name: f[name].clone(),
                department: f[dept].clone(),
                lat: f[lat].parse().unwrap(),
                lon: f[lon].parse().unwrap(),
            };
            (city, Value::Object(row))
        })
        .collect()
}

/// A small deterministic generator (xorshift), so fixtures are the same at every run.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed.max(1))
    }

    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub const KINDS: &[&str] = &[
    "ACI", "EI", "AI", "ETTI", "GEIQ", "EA", "ACIPHC", "EITI", "EATT", "OPCS",
];

/// An app with the fixture's communes, departments, two ROME codes, and `count` structures
/// scattered up to `spread` degrees around each of `centres` (INSEE codes), each attached to
/// its nearest fixture commune.
pub async fn directory(centres: &[(&str, usize, f64)]) -> (TestApp, String, Vec<City>, Vec<Known>) {
    let fixture = fixture(centres).await;
    (fixture.app, fixture.admin, fixture.cities, fixture.known)
}

pub struct Fixture {
    pub app: TestApp,
    pub admin: String,
    pub cities: Vec<City>,
    pub known: Vec<Known>,
    structure_rows: Vec<Value>,
}

impl Fixture {
    /// Re-imports every structure with a new description, which rebuilds the whole index after
    /// a test changed rows behind the app's back.
    pub async fn reindex(&self, round: u32) {
        let rows: Vec<Value> = self
            .structure_rows
            .iter()
            .map(|row| {
                let mut row = row.clone();
                row["description"] = json!(format!("révision {round}"));
                row
            })
            .collect();
        for batch in rows.chunks(2000) {
            import(&self.app, &self.admin, "structures", batch.to_vec()).await;
        }
    }
}

pub async fn fixture(centres: &[(&str, usize, f64)]) -> Fixture {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let cities = fixture_cities();
    let rows: Vec<Value> = cities.iter().map(|(_, row)| row.clone()).collect();
    for batch in rows.chunks(2000) {
        let answer = import(&app, &admin, "cities", batch.to_vec()).await;
        assert_eq!(answer["rejected"], json!([]));
    }
    let departments: BTreeSet<&str> = cities.iter().map(|(c, _)| c.department.as_str()).collect();
    let department_rows = departments
        .iter()
        .enumerate()
        .map(|(i, d)| json!({"line": i + 2, "code": d, "name": format!("Département {d}"), "region_code": "00",
                             "region_name": "Région", "chef_lieu_insee": "00000", "zone": "metro"}))
        .collect();
    import(&app, &admin, "departments", department_rows).await;
    import(&app, &admin, "rome_codes", vec![
        json!({"line": 2, "code": "K2204", "name": "Nettoyage de locaux"}),
        json!({"line": 3, "code": "N1101", "name": "Conduite d'engins de déplacement des charges"}),
    ]).await;
    import(&app, &admin, "rome_appellations", vec![
        json!({"line": 2, "code": "11573", "name": "Agent / Agente de nettoyage en collectivité", "rome_code": "K2204"}),
        json!({"line": 3, "code": "12345", "name": "Cariste", "rome_code": "N1101"}),
    ]).await;
    let cities: Vec<City> = cities.into_iter().map(|(c, _)| c).collect();
    let mut random = Random::new(42);
    let mut known = Vec::new();
    let mut rows = Vec::new();
    for (centre, count, spread) in centres {
        let centre = cities
            .iter()
            .find(|c| c.insee == *centre)
            .unwrap_or_else(|| panic!("no city {centre}"));
        for _ in 0..*count {
            // Denser near the centre, so that even a 2 km search finds some.
            let (reach, angle) = (
                random.next().powi(2) * spread,
                random.next() * std::f64::consts::TAU,
            );
            let lat = centre.lat + reach * angle.sin();
            let lon = centre.lon + reach * angle.cos() / centre.lat.to_radians().cos();
            let nearest = cities
                .iter()
                .min_by(|a, b| {
                    haversine(lat, lon, a.lat, a.lon).total_cmp(&haversine(lat, lon, b.lat, b.lon))
                })
                .unwrap();
            let kind = KINDS[(random.next() * KINDS.len() as f64) as usize];
            let siret = luhn_siret(100_000 + known.len() as u64);
            rows.push(json!({
                "line": known.len() + 2, "kind": kind, "siret": siret, "name": format!("Structure {}", known.len()),
                "brand": "", "address_line_1": "1 rue de l'Essai", "address_line_2": "", "post_code": "00000",
                "city": nearest.name, "department": nearest.department, "insee_code": nearest.insee,
                "latitude": lat, "longitude": lon, "website": "", "description": "", "source": "synthetic",
            }));
            known.push(Known {
                siret,
                kind,
                department: nearest.department.clone(),
                lat,
                lon,
            });
        }
    }
    for batch in rows.chunks(2000) {
        let answer = import(&app, &admin, "structures", batch.to_vec()).await;
        assert_eq!(
            answer["rejected"],
            json!([]),
            "fixture structures are valid"
        );
    }
    Fixture {
        app,
        admin,
        cities,
        known,
        structure_rows: rows,
    }
}

pub async fn import(app: &TestApp, admin: &str, dataset: &str, rows: Vec<Value>) -> Value {
    app.post(&format!("/api/v1/admin/import/{dataset}"))
        .bearer(admin)
        .json(json!({"rows": rows}))
        .send()
        .await
        .ok(200)
}

/// Every result of a structure search, all pages followed.
pub async fn all_results(app: &TestApp, query: String) -> Vec<Value> {
    let mut results = Vec::new();
    for page in 1.. {
        let answer = app
            .get(&format!(
                "/api/v1/structures?{query}&page={page}&page_size=20"
            ))
            .send()
            .await
            .ok(200);
        let batch = answer["results"].as_array().unwrap().clone();
        let count = answer["count"].as_u64().unwrap() as usize;
        results.extend(batch);
        if results.len() >= count {
            assert_eq!(results.len(), count, "pages add up to the count");
            break;
        }
    }
    results
}

pub fn sirets(results: &[Value]) -> BTreeSet<String> {
    results
        .iter()
        .map(|r| r["siret"].as_str().unwrap().to_owned())
        .collect()
}
