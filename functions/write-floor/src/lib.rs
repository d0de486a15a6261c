//! Benchmark reference: the durable-write floor — one INSERT inside `BEGIN IMMEDIATE … COMMIT`
//! (SPIN.md). Write endpoints are judged against it, not against hello-world.

use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;
use spin_sdk::sqlite::{Connection, Value};

const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS bench_writes (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)";
const INSERT_ROW: &str = "INSERT INTO bench_writes (payload) VALUES (?)";

fn insert_one(db: &Connection) -> anyhow::Result<()> {
    db.execute("BEGIN IMMEDIATE", &[])?;
    match db.execute(INSERT_ROW, &[Value::Text("x".repeat(64))]) {
        Ok(_) => {
            db.execute("COMMIT", &[])?;
            Ok(())
        }
        Err(error) => {
            db.execute("ROLLBACK", &[])?;
            Err(error.into())
        }
    }
}

#[http_component]
fn handle(_request: Request) -> anyhow::Result<Response> {
    let db = Connection::open_default()?;
    if insert_one(&db).is_err() {
        // First request on a fresh database: create the table, then write.
        db.execute(CREATE_TABLE, &[])?;
        insert_one(&db)?;
    }
    Ok(Response::new(201, ()))
}
