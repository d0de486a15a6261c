//! The NIR (numéro de sécurité sociale), parsed per R-CAND-1 and kept out of logs per R-CAND-6.

use std::fmt;

use serde::Deserialize;

use crate::error::Invalid;

const CODE: &str = "invalid_nir";
const LENGTH: &str = "Le NIR doit comporter 15 caractères.";
const FIRST: &str = "Le NIR doit commencer par 1, 2, 3, 4, 7 ou 8.";
const CHARACTERS: &str =
    "Le NIR ne doit contenir que des chiffres (ou 2A / 2B pour un département de Corse).";
const MONTH: &str = "Le mois de naissance du NIR est incorrect.";
const KEY: &str = "La clé du NIR est incorrecte.";

/// A NIR that passed R-CAND-1: 15 ASCII characters, uppercase, no spaces, 2A/2B kept as written.
///
/// `Debug` prints only the masked form: the number must never reach logs (R-CAND-6).
/// `Display`, `as_str` and serde give the full number, for storage and for the people entitled
/// to see it; use [`Nir::masked`] for everyone else.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Nir(String);

crate::string_newtype!(Nir);

impl Nir {
    /// R-CAND-1. Reading of the rule, where its text leaves room:
    /// - "strip spaces" strips every Unicode whitespace; "uppercase" is ASCII (only `a`/`b` matter).
    /// - "replace 2A/2B" applies to the department (characters 6–7) only: a global replace would let
    ///   letters through elsewhere (e.g. a month `2A`), which "then digits" means to forbid.
    /// - The month rule only forbids 13–19 and 43–49: 00, 20–42 (INSEE's fictitious months) and
    ///   50–99 pass, as the rule says.
    /// - Checks run in the rule's order; the first failure gives the message.
    pub fn parse(input: &str) -> Result<Nir, Invalid> {
        let nir: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if nir.chars().count() != 15 {
            return Err(invalid(LENGTH));
        }
        if !matches!(nir.chars().next(), Some('1' | '2' | '3' | '4' | '7' | '8')) {
            return Err(invalid(FIRST));
        }
        let digits = for_validation(&nir).ok_or_else(|| invalid(CHARACTERS))?;
        let month = number(&digits[3..5]);
        if (13..=19).contains(&month) || (43..=49).contains(&month) {
            return Err(invalid(MONTH));
        }
        if number(&digits[13..15]) != 97 - number(&digits[..13]) % 97 {
            return Err(invalid(KEY));
        }
        Ok(Nir(nir))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `1 84 12 •• ••• ••• ••`: keeps sex, birth year and month only (R-CAND-6).
    pub fn masked(&self) -> String {
        // ASCII by construction, so byte slicing is safe.
        let s = &self.0;
        format!("{} {} {} •• ••• ••• ••", &s[0..1], &s[1..3], &s[3..5])
    }

    /// First digit: 1/3/7 man, 2/4/8 woman (R-CAND-2).
    pub fn sex_digit(&self) -> u8 {
        self.0.as_bytes()[0] - b'0'
    }

    /// Birth year, last two digits (characters 2–3).
    pub fn birth_year_2(&self) -> u8 {
        number(&self.0.as_bytes()[1..3]) as u8
    }

    /// Birth month when it is a real one (01–12); `None` for 00 and the fictitious months.
    pub fn birth_month(&self) -> Option<u8> {
        let month = number(&self.0.as_bytes()[3..5]) as u8;
        (1..=12).contains(&month).then_some(month)
    }

    /// R-CAND-2 checks the birthdate and title only for NIRs starting with 1 or 2.
    pub fn starts_with_1_or_2(&self) -> bool {
        matches!(self.sex_digit(), 1 | 2)
    }
}

fn invalid(message: &str) -> Invalid {
    Invalid::new(CODE, message)
}

/// The 15 digits used for validation: department `2A` → `19`, `2B` → `18`; `None` if any other
/// character is not an ASCII digit.
fn for_validation(nir: &str) -> Option<[u8; 15]> {
    let mut digits: [u8; 15] = nir.as_bytes().try_into().ok()?;
    match &digits[5..7] {
        b"2A" => digits[5..7].copy_from_slice(b"19"),
        b"2B" => digits[5..7].copy_from_slice(b"18"),
        _ => {}
    }
    digits.iter().all(u8::is_ascii_digit).then_some(digits)
}

/// The value of ASCII digits (at most 13 here, well within `u64`).
fn number(digits: &[u8]) -> u64 {
    digits
        .iter()
        .fold(0, |acc, &c| acc * 10 + u64::from(c - b'0'))
}

impl fmt::Debug for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nir({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Independent key computation: R-CAND-1's formula over the 13 first characters, with the
    /// Corsican department written as its numeric substitute by the caller.
    fn key(thirteen_numeric: &str) -> String {
        let n: u64 = thirteen_numeric.parse().unwrap();
        format!("{:02}", 97 - n % 97)
    }

    /// A full NIR from its 13 first characters, computing the key with 2A → 19 and 2B → 18.
    fn with_key(thirteen: &str) -> String {
        let numeric = thirteen.replacen("2A", "19", 1).replacen("2B", "18", 1);
        format!("{thirteen}{}", key(&numeric))
    }

    fn message(input: &str) -> String {
        let err = Nir::parse(input).unwrap_err();
        assert_eq!(err.code, "invalid_nir");
        err.message
    }

    #[test]
    fn r_cand_1_accepts_a_valid_nir() {
        let s = with_key("1841276451089");
        assert_eq!(s, "184127645108946");
        let nir = Nir::parse(&s).unwrap();
        assert_eq!(nir.as_str(), s);
        assert_eq!(nir.to_string(), s);
        assert_eq!(s.parse::<Nir>().unwrap(), nir);
    }

    #[test]
    fn r_cand_1_key_97_when_the_number_is_a_multiple_of_97() {
        // 2840197000068 is a multiple of 97, so the key is 97 − 0 = 97 (never 00).
        assert_eq!(2_840_197_000_068u64 % 97, 0);
        assert!(Nir::parse("284019700006897").is_ok());
        assert_eq!(message("284019700006800"), KEY);
    }

    #[test]
    fn r_cand_1_strips_any_whitespace() {
        let s = with_key("2690549588157");
        let spaced = format!(
            " {} {} {} {} {} {} {}\t",
            &s[0..1],
            &s[1..3],
            &s[3..5],
            &s[5..7],
            &s[7..10],
            &s[10..13],
            &s[13..15]
        );
        assert_eq!(Nir::parse(&spaced).unwrap().as_str(), s);
        assert_eq!(
            Nir::parse(&format!("{}\u{a0}{}", &s[..7], &s[7..]))
                .unwrap()
                .as_str(),
            s
        );
    }

    #[test]
    fn r_cand_1_corsica_2a_key_is_computed_with_19() {
        let s = with_key("184072A004123");
        assert_eq!(&s[5..7], "2A");
        assert_eq!(&s[13..], key("1840719004123"));
        assert_eq!(Nir::parse(&s).unwrap().as_str(), s);
    }

    #[test]
    fn r_cand_1_corsica_2b_key_is_computed_with_18() {
        let s = with_key("292032B033045");
        assert_eq!(&s[13..], key("2920318033045"));
        assert_eq!(Nir::parse(&s).unwrap().as_str(), s);
    }

    #[test]
    fn r_cand_1_lowercase_corsica_is_stored_uppercase() {
        let s = with_key("184072A004123");
        let nir = Nir::parse(&s.to_lowercase()).unwrap();
        assert_eq!(nir.as_str(), s);
        assert!(nir.as_str().contains("2A"));
    }

    #[test]
    fn r_cand_1_corsica_key_computed_without_substitution_is_rejected() {
        // The key of "1840720004123" (2A read as 20) is not the key of 2A.
        let wrong = format!("184072A004123{}", key("1840720004123"));
        assert_eq!(message(&wrong), KEY);
    }

    #[test]
    fn r_cand_1_letters_outside_the_department_are_rejected() {
        let mut s = with_key("184072A004123");
        s.replace_range(7..9, "2A");
        assert_eq!(message(&s), CHARACTERS);
        // Month "2A" would be a letter at the month position.
        assert_eq!(message("18412A645108946"), CHARACTERS);
        assert_eq!(message("184122C004123xx"), CHARACTERS);
        assert_eq!(message("1841276451089AB"), CHARACTERS);
        assert_eq!(message("18412764510894-"), CHARACTERS);
    }

    #[test]
    fn r_cand_1_fictitious_months_20_to_42_are_valid() {
        for month in 20..=42 {
            let s = with_key(&format!("184{month:02}76451089"));
            let nir = Nir::parse(&s).unwrap_or_else(|e| panic!("month {month}: {e}"));
            assert_eq!(nir.birth_month(), None);
        }
    }

    #[test]
    fn r_cand_1_other_unforbidden_months_are_valid_as_written() {
        for month in [0, 1, 12, 50, 62, 99] {
            assert!(
                Nir::parse(&with_key(&format!("184{month:02}76451089"))).is_ok(),
                "{month}"
            );
        }
    }

    #[test]
    fn r_cand_1_months_13_to_19_and_43_to_49_are_invalid() {
        for month in (13..=19).chain(43..=49) {
            let s = with_key(&format!("184{month:02}76451089"));
            assert_eq!(message(&s), MONTH, "month {month}");
        }
    }

    #[test]
    fn r_cand_1_wrong_key_is_rejected() {
        let s = with_key("1841276451089");
        for k in ["00", "45", "47", "98", "99"] {
            assert_eq!(message(&format!("{}{k}", &s[..13])), KEY);
        }
    }

    #[test]
    fn r_cand_1_length_must_be_15() {
        assert_eq!(message(""), LENGTH);
        assert_eq!(message("   "), LENGTH);
        assert_eq!(message("18412764510894"), LENGTH);
        assert_eq!(message("1841276451089466"), LENGTH);
        // Counted in characters: a non-ASCII character is one character, rejected as such.
        assert_eq!(message("18412764510894é"), CHARACTERS);
    }

    #[test]
    fn r_cand_1_first_character_in_1_2_3_4_7_8() {
        for first in ['5', '6', '9', '0'] {
            let s = with_key(&format!("{first}841276451089"));
            assert_eq!(message(&s), FIRST, "{first}");
        }
        assert_eq!(message("A84127645108946"), FIRST);
        for first in ['1', '2', '3', '4', '7', '8'] {
            assert!(
                Nir::parse(&with_key(&format!("{first}841276451089"))).is_ok(),
                "{first}"
            );
        }
    }

    #[test]
    fn r_cand_6_masked_keeps_sex_year_and_month_only() {
        let nir = Nir::parse(&with_key("184072A004123")).unwrap();
        assert_eq!(nir.masked(), "1 84 07 •• ••• ••• ••");
    }

    #[test]
    fn r_cand_6_debug_never_prints_the_number() {
        let s = with_key("1841276451089");
        let nir = Nir::parse(&s).unwrap();
        let debug = format!("{nir:?} {:?}", Some(&nir));
        assert_eq!(format!("{nir:?}"), "Nir(1 84 12 •• ••• ••• ••)");
        assert!(!debug.contains(&s));
        assert!(!debug.contains("76451089"));
    }

    #[test]
    fn r_cand_2_accessors() {
        let man = Nir::parse(&with_key("1841276451089")).unwrap();
        assert_eq!(man.sex_digit(), 1);
        assert_eq!(man.birth_year_2(), 84);
        assert_eq!(man.birth_month(), Some(12));
        assert!(man.starts_with_1_or_2());

        let woman = Nir::parse(&with_key("2050176451089")).unwrap();
        assert_eq!(
            (woman.sex_digit(), woman.birth_year_2(), woman.birth_month()),
            (2, 5, Some(1))
        );
        assert!(woman.starts_with_1_or_2());

        let temporary = Nir::parse(&with_key("7843076451089")).unwrap();
        assert_eq!(temporary.sex_digit(), 7);
        assert_eq!(temporary.birth_month(), None);
        assert!(!temporary.starts_with_1_or_2());
        assert_eq!(
            Nir::parse(&with_key("1840076451089"))
                .unwrap()
                .birth_month(),
            None
        );
    }

    #[test]
    fn serde_uses_the_full_canonical_string() {
        let s = with_key("184072A004123");
        let nir = Nir::parse(&s).unwrap();
        assert_eq!(serde_json::to_string(&nir).unwrap(), format!("\"{s}\""));
        let lower = format!("\"{}\"", s.to_lowercase());
        assert_eq!(serde_json::from_str::<Nir>(&lower).unwrap(), nir);
        assert!(serde_json::from_str::<Nir>("\"184127645108947\"").is_err());
    }

    fn valid_thirteen() -> impl Strategy<Value = String> {
        let month = prop_oneof![0u8..=12, 20u8..=42, 50u8..=99];
        let department = prop_oneof![
            (0u8..=99).prop_map(|d| format!("{d:02}")),
            Just("2A".to_owned()),
            Just("2B".to_owned()),
        ];
        (
            prop::sample::select(vec!['1', '2', '3', '4', '7', '8']),
            0u8..=99,
            month,
            department,
            0u32..=999,
            0u32..=999,
        )
            .prop_map(|(sex, year, month, dep, commune, order)| {
                format!("{sex}{year:02}{month:02}{dep}{commune:03}{order:03}")
            })
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = Nir::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_near_misses(s in "[0-9ABab ]{13,17}") {
            if let Ok(nir) = Nir::parse(&s) {
                let _ = (nir.masked(), nir.birth_month(), nir.birth_year_2(), nir.sex_digit());
            }
        }

        #[test]
        fn valid_nirs_round_trip(thirteen in valid_thirteen()) {
            let s = with_key(&thirteen);
            let nir = Nir::parse(&s).unwrap();
            prop_assert_eq!(nir.as_str(), s.as_str());
            prop_assert_eq!(Nir::parse(&nir.to_string()).unwrap(), nir.clone());
            let json = serde_json::to_string(&nir).unwrap();
            prop_assert_eq!(serde_json::from_str::<Nir>(&json).unwrap(), nir.clone());
            let spaced = format!("{} {} {}", &s[..3], &s[3..9].to_lowercase(), &s[9..]);
            prop_assert_eq!(Nir::parse(&spaced).unwrap(), nir.clone());
            let debug = format!("{nir:?}");
            prop_assert!(!debug.contains(&s[5..13]));
        }

        #[test]
        fn any_other_key_is_rejected(thirteen in valid_thirteen(), k in 0u8..=99) {
            let good = with_key(&thirteen);
            let candidate = format!("{thirteen}{k:02}");
            prop_assert_eq!(Nir::parse(&candidate).is_ok(), candidate == good);
        }
    }
}
