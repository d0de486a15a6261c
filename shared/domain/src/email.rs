//! E-mail addresses, normalized so that lookups are case-insensitive (R-CAND-5).

use serde::Deserialize;

use crate::error::Invalid;

/// Longest address SMTP can carry (RFC 5321 path limit minus the angle brackets), in bytes.
const MAX_LEN: usize = 254;

/// A plausible e-mail address: trimmed, lowercased, `local@domain.tld`.
///
/// Deliberately a shape check, not RFC 5322: the invitation or password e-mail is the real proof.
/// Lowercasing the local part is technically lossy, but no mailbox we care about distinguishes case,
/// and R-CAND-5 finds candidates by e-mail case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Email(String);

crate::string_newtype!(Email);

impl Email {
    pub fn parse(input: &str) -> Result<Email, Invalid> {
        let email = input.trim().to_lowercase();
        if is_valid(&email) {
            Ok(Email(email))
        } else {
            Err(Invalid::new("invalid_email", "Adresse e-mail invalide."))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

fn is_valid(email: &str) -> bool {
    if email.len() > MAX_LEN || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalizes() {
        let email = Email::parse("  Marie.Curie@Example.FR \n").unwrap();
        assert_eq!(email.as_str(), "marie.curie@example.fr");
        assert_eq!(email.to_string(), "marie.curie@example.fr");
        assert_eq!(email.domain(), "example.fr");
        assert_eq!("a@b.co".parse::<Email>().unwrap().as_str(), "a@b.co");
        assert!(Email::parse("prenom+tag@sous.domaine.gouv.fr").is_ok());
        assert!(Email::parse("élodie@exemple.fr").is_ok());
    }

    #[test]
    fn r_cand_5_case_variants_are_equal() {
        assert_eq!(
            Email::parse("Jean@Mail.fr").unwrap(),
            Email::parse("jean@mail.FR").unwrap()
        );
    }

    #[test]
    fn rejects_invalid_shapes() {
        for s in [
            "",
            "   ",
            "jean",
            "jean@",
            "@mail.fr",
            "jean@mail",
            "jean@@mail.fr",
            "jean@mail@fr.fr",
            "jean@.mail.fr",
            "jean@mail.fr.",
            "jean@mail..fr",
            "jean dupont@mail.fr",
            "jean@mail .fr",
            "jean@mail\t.fr",
            "jean\u{a0}@mail.fr",
        ] {
            let err = Email::parse(s).unwrap_err();
            assert_eq!(err.code, "invalid_email", "{s:?}");
            assert_eq!(err.message, "Adresse e-mail invalide.");
        }
    }

    #[test]
    fn length_is_at_most_254() {
        let domain = "@exemple.fr"; // 11 bytes
        let ok = format!("{}{domain}", "a".repeat(254 - 11));
        assert_eq!(ok.len(), 254);
        assert!(Email::parse(&ok).is_ok());
        let too_long = format!("{}{domain}", "a".repeat(255 - 11));
        assert!(Email::parse(&too_long).is_err());
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let email = Email::parse("Jean@Mail.fr").unwrap();
        assert_eq!(serde_json::to_string(&email).unwrap(), "\"jean@mail.fr\"");
        assert_eq!(
            serde_json::from_str::<Email>("\" JEAN@mail.fr\"").unwrap(),
            email
        );
        assert!(serde_json::from_str::<Email>("\"jean\"").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            if let Ok(email) = Email::parse(&s) {
                prop_assert!(email.as_str().len() <= MAX_LEN);
                let _ = email.domain();
            }
        }

        #[test]
        fn valid_addresses_round_trip(
            local in "[A-Za-z0-9._+-]{1,30}",
            labels in prop::collection::vec("[A-Za-z0-9-]{1,20}", 2..4),
        ) {
            let input = format!(" {local}@{} ", labels.join("."));
            let email = Email::parse(&input).unwrap();
            prop_assert_eq!(email.as_str(), input.trim().to_lowercase());
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email.clone());
            let json = serde_json::to_string(&email).unwrap();
            prop_assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), email);
        }
    }
}
