//! The SIRET of a structure (R-ORG-2): 14 digits with a check digit.

use serde::Deserialize;

use crate::error::Invalid;

const CODE: &str = "invalid_siret";
const LENGTH: &str = "Le SIRET doit comporter 14 chiffres.";
const CHECKSUM: &str = "Le SIRET est invalide : la clé de contrôle est incorrecte.";
/// La Poste's establishments share one SIREN and are numbered with their own check rule.
const LA_POSTE_SIREN: &str = "356000000";

/// A SIRET that passed R-ORG-2 and its check digit: 14 ASCII digits, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Siret(String);

crate::string_newtype!(Siret);

impl Siret {
    /// Whitespace is stripped (`807 469 317 00018` is accepted). The check is Luhn, except for
    /// La Poste (SIREN 356000000), whose many establishments are numbered so that the sum of the 14
    /// digits is a multiple of 5 (INSEE's documented exception); either check passes for La Poste,
    /// since its head office (35600000000048) satisfies Luhn.
    pub fn parse(input: &str) -> Result<Siret, Invalid> {
        let siret: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if siret.len() != 14 || !siret.bytes().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::new(CODE, LENGTH));
        }
        let la_poste = siret.starts_with(LA_POSTE_SIREN) && digit_sum(&siret).is_multiple_of(5);
        if !luhn(&siret) && !la_poste {
            return Err(Invalid::new(CODE, CHECKSUM));
        }
        Ok(Siret(siret))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The company number: the first 9 digits.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

/// Luhn over ASCII digits: from the right, every second digit is doubled (minus 9 above 9).
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|c| u32::from(c - b'0')).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Independent Luhn: double the digits at even positions counted from the left (14 digits, so
    /// these are the odd positions from the right), sum the decimal digits of each product.
    fn luhn_reference(s: &str) -> bool {
        let digits: Vec<u32> = s.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let total: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                if (digits.len() - i).is_multiple_of(2) {
                    (d * 2) / 10 + (d * 2) % 10
                } else {
                    d
                }
            })
            .sum();
        total.is_multiple_of(10)
    }

    /// Completes 13 digits with the check digit that makes them Luhn-valid.
    fn with_luhn_digit(thirteen: &str) -> String {
        (0..=9)
            .map(|k| format!("{thirteen}{k}"))
            .find(|s| luhn_reference(s))
            .unwrap()
    }

    fn message(input: &str) -> String {
        let err = Siret::parse(input).unwrap_err();
        assert_eq!(err.code, "invalid_siret");
        err.message
    }

    #[test]
    fn r_org_2_accepts_luhn_valid_sirets() {
        for s in ["80746931700018", "75187049400026"] {
            assert!(luhn_reference(s), "{s}");
            let siret = Siret::parse(s).unwrap();
            assert_eq!(siret.as_str(), s);
            assert_eq!(siret.to_string(), s);
            assert_eq!(s.parse::<Siret>().unwrap(), siret);
        }
        assert_eq!(Siret::parse("80746931700018").unwrap().siren(), "807469317");
    }

    #[test]
    fn r_org_2_strips_whitespace() {
        let siret = Siret::parse(" 807 469 317 00018\t").unwrap();
        assert_eq!(siret.as_str(), "80746931700018");
        assert_eq!(
            Siret::parse("807\u{a0}469\u{a0}317\u{a0}00018").unwrap(),
            siret
        );
    }

    #[test]
    fn r_org_2_rejects_a_wrong_check_digit() {
        for s in [
            "80746931700019",
            "75187049400027",
            "80746931700081",
            "12345678901234",
        ] {
            assert!(!luhn_reference(s), "{s}");
            assert_eq!(message(s), CHECKSUM, "{s}");
        }
    }

    #[test]
    fn r_org_2_requires_14_digits() {
        for s in [
            "",
            "8074693170001",
            "807469317000180",
            "8074693170001A",
            "80746931700-18",
            "８０７４６９３１７０００１８",
            "80746931700018é",
        ] {
            assert_eq!(message(s), LENGTH, "{s:?}");
        }
    }

    #[test]
    fn la_poste_uses_the_sum_of_digits_rule() {
        // Not Luhn-valid, but the digits sum to 40: a La Poste establishment.
        assert!(!luhn_reference("35600000049445"));
        assert!(Siret::parse("35600000049445").is_ok());
        // The head office is Luhn-valid (digit sum 26).
        assert!(Siret::parse("35600000000048").is_ok());
        // Neither rule.
        assert_eq!(message("35600000000049"), CHECKSUM);
        // The sum rule does not apply to another SIREN (digits sum to 40, not Luhn-valid).
        assert!(!luhn_reference("35600001049444"));
        assert_eq!(message("35600001049444"), CHECKSUM);
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let siret = Siret::parse("807 469 317 00018").unwrap();
        assert_eq!(serde_json::to_string(&siret).unwrap(), "\"80746931700018\"");
        assert_eq!(
            serde_json::from_str::<Siret>("\"807 469 317 00018\"").unwrap(),
            siret
        );
        assert!(serde_json::from_str::<Siret>("\"80746931700019\"").is_err());
        assert!(serde_json::from_str::<Siret>("80746931700018").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = Siret::parse(&s);
        }

        #[test]
        fn parse_agrees_with_the_reference_outside_la_poste(s in "[0-9]{14}") {
            prop_assume!(!s.starts_with(LA_POSTE_SIREN));
            prop_assert_eq!(Siret::parse(&s).is_ok(), luhn_reference(&s));
        }

        #[test]
        fn valid_sirets_round_trip(thirteen in "[0-9]{13}") {
            let s = with_luhn_digit(&thirteen);
            let siret = Siret::parse(&s).unwrap();
            prop_assert_eq!(siret.as_str(), s.as_str());
            prop_assert_eq!(Siret::parse(&siret.to_string()).unwrap(), siret.clone());
            let spaced = format!("{} {} {} {}", &s[..3], &s[3..6], &s[6..9], &s[9..]);
            prop_assert_eq!(Siret::parse(&spaced).unwrap(), siret.clone());
            let json = serde_json::to_string(&siret).unwrap();
            prop_assert_eq!(serde_json::from_str::<Siret>(&json).unwrap(), siret);
        }

        #[test]
        fn changing_one_digit_breaks_luhn(thirteen in "[1-9][0-9]{12}", pos in 0usize..14, delta in 1u8..=9) {
            let s = with_luhn_digit(&thirteen);
            prop_assume!(!s.starts_with(LA_POSTE_SIREN));
            let mut bytes = s.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assume!(!changed.starts_with(LA_POSTE_SIREN));
            prop_assert!(Siret::parse(&changed).is_err());
        }
    }
}
