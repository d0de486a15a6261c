//! Benchmark reference: the cheapest possible component (no storage), served by `bench/spin.toml`.

use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(_request: Request) -> Response {
    Response::new(200, "Bonjour")
}
