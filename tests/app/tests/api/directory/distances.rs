//! R-DIR-1: results are exactly the structures within the radius (great-circle distance from the
//! city centre), checked against an independent haversine.

use super::{all_results, directory, haversine, sirets};
use std::collections::BTreeSet;

async fn check(centre: &str, count: usize, spread: f64, radii: &[u32]) {
    let (app, _, cities, known) = directory(&[(centre, count, spread)]).await;
    let city = cities.iter().find(|c| c.insee == centre).unwrap();
    for radius in radii {
        let expected: BTreeSet<String> = known
            .iter()
            .filter(|k| haversine(city.lat, city.lon, k.lat, k.lon) <= f64::from(*radius))
            .map(|k| k.siret.clone())
            .collect();
        let results = all_results(&app, format!("city={centre}&distance={radius}")).await;
        assert_eq!(sirets(&results), expected, "{centre} at {radius} km");
        assert!(
            !expected.is_empty() && expected.len() < known.len(),
            "{centre} at {radius} km: the fixture has structures inside and outside"
        );
        for result in &results {
            let distance = result["distance_km"].as_f64().unwrap();
            assert!(distance <= f64::from(*radius) + 0.05, "{result}");
        }
    }
}

#[tokio::test]
async fn r_dir_1_near_a_department_border_at_2_15_and_100_km() {
    // Avignon (84) sits on the Rhône, the border with the Gard (30).
    check("84007", 400, 1.2, &[2, 15, 100]).await;
}

#[tokio::test]
async fn r_dir_1_in_corsica() {
    check("2A004", 150, 1.5, &[2, 15, 100]).await;
}

#[tokio::test]
async fn r_dir_1_in_an_overseas_department() {
    // Saint-Denis, La Réunion (southern hemisphere, east of Greenwich).
    check("97411", 120, 0.8, &[2, 15, 50]).await;
}

#[tokio::test]
async fn r_dir_1_west_of_greenwich_overseas() {
    // Pointe-à-Pitre, Guadeloupe (negative longitudes).
    check("97120", 100, 1.5, &[2, 15, 100]).await;
}
