//! Password hashing with Argon2id, memory-hard (OWASP's 19 MiB, 2 passes, 1 lane).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tremplin_domain::{Error, Invalid};

const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;
pub const MIN_LENGTH: usize = 12;
const MAX_LENGTH: usize = 128;

fn argon2() -> Result<Argon2<'static>, Error> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| Error::internal(format!("argon2 params: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A new password must be 12–128 characters.
pub fn check_new(password: &str) -> Result<(), Invalid> {
    let length = password.chars().count();
    if (MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        Ok(())
    } else {
        Err(Invalid::new(
            "weak_password",
            format!(
                "Le mot de passe doit comporter entre {MIN_LENGTH} et {MAX_LENGTH} caractères."
            ),
        ))
    }
}

pub fn hash(password: &str) -> Result<String, Error> {
    let salt = SaltString::encode_b64(&tremplin_platform::ids::salt()?)
        .map_err(|e| Error::internal(format!("salt: {e}")))?;
    Ok(argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| Error::internal(format!("argon2: {e}")))?
        .to_string())
}

/// Verifies `password` against a stored hash; with no user, verifies against a fixed hash so an
/// unknown e-mail costs the same time as a wrong password.
pub fn verify(password: &str, stored: Option<&str>) -> Result<bool, Error> {
    const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
        2mGl0yZ3RB6uE0qo5Ilz4hQhH3KXpVqJhC8Fv3J5x2E";
    let parsed = PasswordHash::new(stored.unwrap_or(DECOY))
        .map_err(|e| Error::internal(format!("stored hash: {e}")))?;
    Ok(argon2()?
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && stored.is_some())
}
