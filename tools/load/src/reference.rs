//! Reference data files of `$TREMPLIN_DATA` (CSV, UTF-8, header row) and the import endpoint
//! each goes to, in foreign-key order. Structures and prescribers are sent with
//! `source` = "national_list".

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::path::Path;

use crate::client::Target;

const LAT_LON: &[&str] = &["latitude", "longitude"];

/// (file, endpoint name, float columns, integer columns), in foreign-key order.
const FILES: &[(&str, &str, &[&str], &[&str])] = &[
    ("regions.csv", "regions", &[], &[]),
    ("departements.csv", "departments", &[], &[]),
    ("communes.csv", "cities", LAT_LON, &["population"]),
    ("rome_codes.csv", "rome_codes", &[], &[]),
    ("rome_appellations.csv", "rome_appellations", &[], &[]),
    ("siaes.csv", "structures", LAT_LON, &[]),
    ("prescriber_organizations.csv", "prescribers", LAT_LON, &[]),
];

/// The path of an import endpoint: `structures`, `prescribers`, `jobs`…
pub fn endpoint(name: &str) -> String {
    format!("/api/v1/admin/import/{name}")
}

/// Sends every reference file found in `data`, in order; a missing file is skipped with a note.
pub fn load(target: &Target, data: &Path) -> Result<()> {
    for &(file, what, floats, integers) in FILES {
        let path = data.join(file);
        if !path.exists() {
            println!("{what}: {} not found, skipped", path.display());
            continue;
        }
        let national_list = ["structures", "prescribers"].contains(&what);
        let rows = rows(&path, |row| {
            numbers(row, floats, integers);
            if national_list {
                // Replaces the file's own `source` column (ASP, GEIQ…).
                row.insert("source".into(), "national_list".into());
            }
        })?;
        target.send(what, &endpoint(what), rows)?;
    }
    Ok(())
}

/// Reads a CSV file into typed records (columns by header name, extra columns ignored).
pub fn records<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let context = || format!("reading {}", path.display());
    csv::Reader::from_path(path)
        .with_context(context)?
        .deserialize()
        .collect::<Result<_, _>>()
        .with_context(context)
}

/// The appellation codes of rome_appellations.csv, in file order.
pub fn appellation_codes(path: &Path) -> Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Appellation {
        code: String,
    }
    Ok(records::<Appellation>(path)?
        .into_iter()
        .map(|a| a.code)
        .collect())
}

/// Reads a CSV file as JSON objects: every column as text, then `convert` fixes the types.
/// Each row carries its `line` in the file so rejections can be reported by line.
fn rows(path: &Path, convert: impl Fn(&mut Map<String, Value>)) -> Result<Vec<Value>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record?;
        let line = record.position().map_or(0, |p| p.line());
        let mut row: Map<String, Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_owned(), Value::String(v.to_owned())))
            .collect();
        convert(&mut row);
        row.insert("line".into(), line.into());
        out.push(Value::Object(row));
    }
    Ok(out)
}

/// Turns text columns into numbers (empty → null); a malformed number stays text so the server
/// rejects that row with its line.
fn numbers(row: &mut Map<String, Value>, floats: &[&str], integers: &[&str]) {
    for (column, float) in floats
        .iter()
        .map(|c| (c, true))
        .chain(integers.iter().map(|c| (c, false)))
    {
        if let Some(Value::String(text)) = row.get(*column) {
            let value = match (text.trim(), float) {
                ("", _) => Value::Null,
                (t, true) => t
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::String(t.into()), Value::Number),
                (t, false) => t
                    .parse::<i64>()
                    .map_or(Value::String(t.into()), Value::from),
            };
            row.insert((*column).to_owned(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_convert_and_keep_malformed_text() {
        let mut row: Map<String, Value> = serde_json::from_str(
            r#"{"latitude": "45.75", "longitude": "", "population": "12a", "name": "12"}"#,
        )
        .unwrap();
        numbers(&mut row, LAT_LON, &["population"]);
        assert_eq!(row["latitude"], 45.75);
        assert_eq!(row["longitude"], Value::Null);
        assert_eq!(row["population"], "12a");
        assert_eq!(row["name"], "12");
    }
}
