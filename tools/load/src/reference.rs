//! Reference data from `../shared/data/derived` (CSV, UTF-8, header row), sent in batches that
//! stay far below Fermyon Cloud's 10 MB request limit and the app's 1 MiB body limit.

use anyhow::{Context, Result};
use serde_json::{Map, Value};
use std::path::Path;

use crate::client::Api;

const ROWS_PER_BATCH: usize = 2_000;

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

/// Sends `rows` in batches to `path` and prints the totals and every rejected line.
fn send(api: &Api, what: &str, path: &str, rows: Vec<Value>) -> Result<()> {
    let (mut written, mut unchanged, mut rejected) = (0, 0, Vec::new());
    for batch in rows.chunks(ROWS_PER_BATCH) {
        let answer = api.post(path, &serde_json::json!({ "rows": batch }))?;
        written += answer["written"].as_u64().unwrap_or(0);
        unchanged += answer["unchanged"].as_u64().unwrap_or(0);
        rejected.extend(answer["rejected"].as_array().cloned().unwrap_or_default());
    }
    println!(
        "{what}: {} rows, {written} written, {unchanged} unchanged, {} rejected",
        rows.len(),
        rejected.len()
    );
    for row in rejected {
        println!(
            "  line {}: {}",
            row["line"],
            row["reason"].as_str().unwrap_or("")
        );
    }
    Ok(())
}

pub fn load_cities(api: &Api, path: &Path) -> Result<()> {
    let rows = rows(path, |row| {
        numbers(row, &["latitude", "longitude"], &["population"])
    })?;
    send(api, "cities", "/api/v1/admin/import/cities", rows)
}
