//! `tremplin-load`: loads a running Tremplin through its authenticated administration endpoints,
//! so it works the same on Fermyon Cloud, under `spin up` and in the bundled host.
//!
//! ```text
//! tremplin-load [--url URL] [--data DIR] [--skip-reference] [--demo]
//!               [--synthetic [--synthetic-scale N]] [--dry-run]
//! ```
//! - `--url`: the app (default `http://127.0.0.1:3000`).
//! - `--data`: the reference data folder (default `$TREMPLIN_DATA`, else `../shared/data/derived`).
//!   Its CSV files are sent in foreign-key order: regions, departments, cities, ROME codes and
//!   appellations, structures, prescribers; a missing file is skipped.
//! - `--skip-reference`: sends none of those files (e.g. to add the synthetic set to an app
//!   already loaded).
//! - `--demo`: the demo accounts, and one or two demo job descriptions per structure of
//!   siaes.csv.
//! - `--synthetic`: a fictitious national directory for benchmarks (20,000 structures, 20,000
//!   prescribers, 60,000 job descriptions, always the same), then 300,000 fictitious candidates
//!   and 1,000,000 applications spread over it, skewed so that some organizations are busy, with
//!   the accounts of the busiest prescriber organization and structure
//!   (`synthetic_applications.rs`; needs the app's `demo_data`); `--synthetic-scale N`
//!   multiplies these counts (default 1.0).
//! - `--dry-run`: reads and generates everything, prints the counts, sends nothing.
//!
//! Environment: `TREMPLIN_BOOTSTRAP_TOKEN` (the app's `bootstrap_token` variable),
//! `TREMPLIN_ADMIN_EMAIL` / `TREMPLIN_ADMIN_PASSWORD` (the first administration account; with
//! `--demo` they default to the demo administrator), `TREMPLIN_DATA`. Loading twice changes
//! nothing.

mod client;
mod demo;
mod jobs;
mod random;
mod reference;
mod siret;
mod synthetic;
mod synthetic_applications;

use anyhow::{bail, ensure, Context, Result};
use client::{Api, Target};
use std::path::PathBuf;

const USAGE: &str = "tremplin-load [--url URL] [--data DIR] [--skip-reference] [--demo]
              [--synthetic [--synthetic-scale N]] [--dry-run]

  --url URL              the app (default http://127.0.0.1:3000)
  --data DIR             reference CSV folder (default $TREMPLIN_DATA, else
                         ../shared/data/derived)
  --skip-reference       do not send the reference CSV files
  --demo                 demo accounts and demo job descriptions
  --synthetic            fictitious national directory, candidates and
                         applications for benchmarks (needs demo_data)
  --synthetic-scale N    multiplies its counts (default 1.0)
  --dry-run              read and generate, print the counts, send nothing

Environment: TREMPLIN_BOOTSTRAP_TOKEN, TREMPLIN_ADMIN_EMAIL, TREMPLIN_ADMIN_PASSWORD,
TREMPLIN_DATA (see the header of tools/load/src/main.rs).";

struct Options {
    url: String,
    demo: bool,
    data: PathBuf,
    skip_reference: bool,
    /// The scale of the synthetic directory, if asked for.
    synthetic: Option<f64>,
    dry_run: bool,
}

fn options() -> Result<Options> {
    let mut url = "http://127.0.0.1:3000".to_owned();
    let (mut demo, mut skip_reference, mut synthetic, mut dry_run) = (false, false, false, false);
    let mut scale = None;
    let mut data = std::env::var_os("TREMPLIN_DATA")
        .map_or_else(|| PathBuf::from("../shared/data/derived"), PathBuf::from);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next().context("--url needs a value")?,
            "--demo" => demo = true,
            "--data" => data = args.next().context("--data needs a value")?.into(),
            "--skip-reference" => skip_reference = true,
            "--synthetic" => synthetic = true,
            "--synthetic-scale" => {
                let value = args.next().context("--synthetic-scale needs a value")?;
                let value: f64 = value.parse().context("--synthetic-scale needs a number")?;
                ensure!(
                    value.is_finite() && value >= 0.0,
                    "--synthetic-scale must be a number ≥ 0"
                );
                scale = Some(value);
            }
            "--dry-run" => dry_run = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other} (see --help)"),
        }
    }
    ensure!(
        synthetic || scale.is_none(),
        "--synthetic-scale needs --synthetic"
    );
    Ok(Options {
        url: url.trim_end_matches('/').to_owned(),
        demo,
        data,
        skip_reference,
        synthetic: synthetic.then_some(scale.unwrap_or(1.0)),
        dry_run,
    })
}

/// Waits for the app, creates the first administrator if a bootstrap token is set, logs in, and
/// with `--demo` creates the demo accounts.
fn connect(options: &Options) -> Result<Api> {
    let (email, password) = match (
        std::env::var("TREMPLIN_ADMIN_EMAIL"),
        std::env::var("TREMPLIN_ADMIN_PASSWORD"),
    ) {
        (Ok(email), Ok(password)) => (email, password),
        _ if options.demo => (demo::ADMIN_EMAIL.to_owned(), demo::PASSWORD.to_owned()),
        _ => bail!("set TREMPLIN_ADMIN_EMAIL and TREMPLIN_ADMIN_PASSWORD (or use --demo)"),
    };
    let bootstrap_token = std::env::var("TREMPLIN_BOOTSTRAP_TOKEN").unwrap_or_default();
    let api = Api::new(&options.url);
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
    Ok(api)
}

fn main() -> Result<()> {
    let options = options()?;
    let target = if options.dry_run {
        Target::DryRun
    } else {
        Target::App(connect(&options)?)
    };
    if options.skip_reference {
        println!("reference files: skipped (--skip-reference)");
    } else {
        reference::load(&target, &options.data)?;
    }
    if options.demo {
        jobs::load_demo(&target, &options.data)?;
    }
    if let Some(scale) = options.synthetic {
        synthetic::load(&target, &options.data, scale)?;
    }
    Ok(())
}
