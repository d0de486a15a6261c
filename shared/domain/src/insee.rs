//! INSEE commune codes (R-ORG-2 city, R-DIR-1 search): 5 characters, Corsica as 2A/2B.

use serde::Deserialize;

use crate::error::Invalid;

/// An INSEE commune code: 5 ASCII digits, or `2A` / `2B` followed by 3 digits, uppercase.
///
/// Only the shape is checked; whether the commune exists is the cities table's business.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct InseeCode(String);

crate::string_newtype!(InseeCode);

impl InseeCode {
    /// Surrounding whitespace is trimmed and `2a`/`2b` uppercased; nothing else is rewritten.
    pub fn parse(input: &str) -> Result<InseeCode, Invalid> {
        let code = input.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        let corsica = b.starts_with(b"2A") || b.starts_with(b"2B");
        let digits_from = if corsica { 2 } else { 0 };
        if b.len() != 5 || !b[digits_from..].iter().all(u8::is_ascii_digit) {
            return Err(Invalid::new(
                "invalid_insee_code",
                "Code INSEE invalide : 5 chiffres attendus (2A ou 2B suivis de 3 chiffres pour la Corse).",
            ));
        }
        Ok(InseeCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The commune's department: 3 characters overseas (`971`–`989`), else 2 (`2A`/`2B` in Corsica).
    pub fn department(&self) -> &str {
        if self.0.starts_with("97") || self.0.starts_with("98") {
            &self.0[..3]
        } else {
            &self.0[..2]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_metropolitan_codes() {
        let paris = InseeCode::parse("75056").unwrap();
        assert_eq!(paris.as_str(), "75056");
        assert_eq!(paris.to_string(), "75056");
        assert_eq!(paris.department(), "75");
        assert_eq!(InseeCode::parse("01001").unwrap().department(), "01");
        assert_eq!(" 13055 ".parse::<InseeCode>().unwrap().department(), "13");
    }

    #[test]
    fn accepts_corsica_and_uppercases_it() {
        let ajaccio = InseeCode::parse("2a004").unwrap();
        assert_eq!(ajaccio.as_str(), "2A004");
        assert_eq!(ajaccio.department(), "2A");
        let bastia = InseeCode::parse("2B033").unwrap();
        assert_eq!(bastia.department(), "2B");
    }

    #[test]
    fn overseas_departments_have_three_characters() {
        assert_eq!(InseeCode::parse("97105").unwrap().department(), "971");
        assert_eq!(InseeCode::parse("97411").unwrap().department(), "974");
        assert_eq!(InseeCode::parse("97608").unwrap().department(), "976");
        assert_eq!(InseeCode::parse("98735").unwrap().department(), "987");
        assert_eq!(InseeCode::parse("96000").unwrap().department(), "96");
    }

    #[test]
    fn rejects_other_shapes() {
        for s in [
            "",
            "7505",
            "750560",
            "75 056",
            "2C004",
            "2A04",
            "2A0045",
            "A2004",
            "2AB04",
            "7505a",
            "75O56",
            "７５０５６",
            "2Ä004",
        ] {
            let err = InseeCode::parse(s).unwrap_err();
            assert_eq!(err.code, "invalid_insee_code", "{s:?}");
        }
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let code = InseeCode::parse("2B033").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"2B033\"");
        assert_eq!(
            serde_json::from_str::<InseeCode>("\"2b033\"").unwrap(),
            code
        );
        assert!(serde_json::from_str::<InseeCode>("\"2C033\"").is_err());
        assert!(serde_json::from_str::<InseeCode>("75056").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            if let Ok(code) = InseeCode::parse(&s) {
                let _ = code.department();
            }
        }

        #[test]
        fn valid_codes_round_trip(s in "([0-9]{2}|2[ABab])[0-9]{3}") {
            let code = InseeCode::parse(&s).unwrap();
            prop_assert_eq!(code.as_str(), s.to_ascii_uppercase());
            prop_assert_eq!(InseeCode::parse(code.as_str()).unwrap(), code.clone());
            prop_assert!(code.as_str().starts_with(code.department()));
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<InseeCode>(&json).unwrap(), code);
        }
    }
}
