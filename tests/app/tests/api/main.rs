//! HTTP tests of the real components (release `.wasm`) in the bundled host, each on a fresh
//! database. One test binary, so the components are compiled once per run.

mod access;
mod applications;
mod assets;
mod authorization;
mod bad_input;
mod candidate_accounts;
mod candidates;
mod dashboard;
mod decisions;
mod diagnoses;
mod directory;
mod hardening;
mod idempotency;
mod import;
mod invitations;
mod matrix;
mod migrations;
mod openapi;
mod outbox;
mod passes;
mod prolongations;
mod races;
mod sessions;
mod stats;
mod suspensions;
mod synthetic;
mod throttle;
