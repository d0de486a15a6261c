//! Random identifiers and secrets, and the hashes under which secrets are stored.

use sha2::{Digest, Sha256};
use tremplin_domain::Error;

fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(format!("random: {e}")))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An opaque id such as `org_4f1c…` (16 random bytes).
pub fn new_id(prefix: &str) -> Result<String, Error> {
    Ok(format!("{prefix}_{}", hex(&random_bytes::<16>()?)))
}

/// A bearer secret (token, invitation code): 32 random bytes, URL-safe hex.
pub fn new_secret() -> Result<String, Error> {
    Ok(hex(&random_bytes::<32>()?))
}

/// How secrets are stored: SHA-256, hex. Secrets are random and long, so no salt is needed.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub fn salt() -> Result<[u8; 16], Error> {
    random_bytes::<16>()
}
