//! One repository module per aggregate: SQL as named constants with explicit columns, rows mapped
//! with checked accessors (a row that fails to map is an error, never dropped).

pub mod applications;
pub mod audit;
pub mod candidate_invitations;
pub mod candidates;
pub mod cities;
pub mod cvs;
pub mod dashboard;
pub mod diagnoses;
pub mod directory_index;
pub mod idempotency;
pub mod invitations;
pub mod jobs;
pub mod memberships;
pub mod organizations;
pub mod outbox;
pub mod passes;
pub mod prolongations;
pub mod reference;
pub mod sessions;
pub mod stats;
pub mod suspensions;
pub mod synthetic;
pub mod throttle;
pub mod users;
