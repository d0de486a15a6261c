//! Tremplin's domain: value types that parse, rule tables and the one error type.
//! No Spin dependency: everything here is tested natively with `cargo test -p tremplin-domain`.

pub mod date;
pub mod email;
pub mod error;
pub mod insee;
pub mod nir;
pub mod organization;
pub mod pass_number;
pub mod search;
pub mod siret;

pub use date::{Clock, Date, DateRange};
pub use email::Email;
pub use error::{Error, FieldErrors, Invalid, Result};
pub use insee::InseeCode;
pub use nir::Nir;
pub use pass_number::PassNumber;
pub use siret::Siret;
