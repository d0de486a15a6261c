//! Tremplin's domain: value types that parse, rule tables and the one error type.
//! No Spin dependency: everything here is tested natively with `cargo test -p tremplin-domain`.

/// The traits every parsed string type shares: `Display` and `Serialize` as the canonical
/// string, `FromStr` and `TryFrom<String>` (hence `Deserialize`) through `parse`.
#[macro_export]
macro_rules! string_newtype {
    ($type:ident) => {
        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $type {
            type Err = $crate::Invalid;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $type::parse(s)
            }
        }

        impl TryFrom<String> for $type {
            type Error = $crate::Invalid;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                $type::parse(&s)
            }
        }

        impl ::serde::Serialize for $type {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }
    };
}

pub mod application;
pub mod body;
pub mod candidate;
pub mod dashboard;
pub mod date;
pub mod decision;
pub mod directory;
pub mod eligibility;
pub mod email;
pub mod error;
pub mod geo;
pub mod insee;
pub mod jobs;
pub mod nir;
pub mod organization;
pub mod outbox;
pub mod page;
pub mod pass;
pub mod pass_number;
pub mod prolongation;
pub mod search;
pub mod siret;
pub mod stats;
pub mod suspension;
#[cfg(test)]
mod testing;
pub mod text;
pub mod throttle;

pub use date::{Clock, Date, DateRange};
pub use email::Email;
pub use error::{Error, FieldErrors, Invalid, Result};
pub use insee::InseeCode;
pub use nir::Nir;
pub use pass_number::PassNumber;
pub use siret::Siret;
