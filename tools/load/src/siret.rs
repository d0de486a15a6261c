//! Fictitious SIRETs: a two-digit prefix no real establishment uses here (99 demo accounts,
//! 97 synthetic structures, 96 synthetic prescribers), an 11-digit serial, and the check digit
//! that `tremplin_domain::Siret::parse` accepts.

pub fn fictitious(prefix: &str, serial: u64) -> String {
    (0..10)
        .map(|check| format!("{prefix}{serial:011}{check}"))
        .find(|candidate| tremplin_domain::Siret::parse(candidate).is_ok())
        .expect("one check digit always fits")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fictitious_sirets_parse() {
        for serial in [0, 1, 12_345, 99_999_999_999] {
            let siret = super::fictitious("97", serial);
            assert_eq!(siret.len(), 14);
            assert!(siret.starts_with("97"));
            assert!(tremplin_domain::Siret::parse(&siret).is_ok(), "{siret}");
        }
    }
}
