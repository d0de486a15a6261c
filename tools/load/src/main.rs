//! `tremplin-load`: loads a running Tremplin through its authenticated administration endpoints,
//! so it works the same on Fermyon Cloud, under `spin up` and in the bundled host.
//!
//! ```text
//! tremplin-load --url http://127.0.0.1:3000 [--demo] [--data DIR]
//! ```
//! Environment: `TREMPLIN_BOOTSTRAP_TOKEN` (the app's `bootstrap_token` variable),
//! `TREMPLIN_ADMIN_EMAIL` / `TREMPLIN_ADMIN_PASSWORD` (the first administration account; with
//! `--demo` they default to the demo administrator), `TREMPLIN_DATA` (reference data folder,
//! default `../shared/data/derived`). Loading twice changes nothing.

mod client;
mod demo;
mod reference;

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

struct Options {
    url: String,
    demo: bool,
    data: PathBuf,
}

fn options() -> Result<Options> {
    let mut url = "http://127.0.0.1:3000".to_owned();
    let mut demo = false;
    let mut data = std::env::var_os("TREMPLIN_DATA")
        .map_or_else(|| PathBuf::from("../shared/data/derived"), PathBuf::from);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next().context("--url needs a value")?,
            "--demo" => demo = true,
            "--data" => data = args.next().context("--data needs a value")?.into(),
            "-h" | "--help" => {
                println!("tremplin-load --url URL [--demo] [--data DIR]");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other} (see --help)"),
        }
    }
    Ok(Options {
        url: url.trim_end_matches('/').to_owned(),
        demo,
        data,
    })
}

fn main() -> Result<()> {
    let options = options()?;
    let (email, password) = match (
        std::env::var("TREMPLIN_ADMIN_EMAIL"),
        std::env::var("TREMPLIN_ADMIN_PASSWORD"),
    ) {
        (Ok(email), Ok(password)) => (email, password),
        _ if options.demo => (demo::ADMIN_EMAIL.to_owned(), demo::PASSWORD.to_owned()),
        _ => bail!("set TREMPLIN_ADMIN_EMAIL and TREMPLIN_ADMIN_PASSWORD (or use --demo)"),
    };
    let bootstrap_token = std::env::var("TREMPLIN_BOOTSTRAP_TOKEN").unwrap_or_default();
    let api = client::Api::new(&options.url);
    api.wait_until_healthy()?;
    if !bootstrap_token.is_empty() {
        let answer = api.bootstrap(&bootstrap_token, &email, &password)?;
        println!(
            "administration: {}",
            if answer["created"] == true {
                "created"
            } else {
                "already there"
            }
        );
    }
    let api = api.login(&email, &password)?;
    if options.demo {
        let created = api.post("/api/v1/admin/accounts", &demo::accounts())?;
        println!("demo accounts: {}", created["created"]);
    }
    let communes = options.data.join("communes.csv");
    if communes.exists() {
        reference::load_cities(&api, &communes)?;
    } else {
        println!("cities: {} not found, skipped", communes.display());
    }
    Ok(())
}
