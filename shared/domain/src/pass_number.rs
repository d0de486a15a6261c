//! PASS IAE numbers (R-PASS-1): `99999` followed by a 7-digit counter, never reused.

use serde::Deserialize;

use crate::error::Invalid;

const CODE: &str = "invalid_pass_number";
const LENGTH: &str = "Le numéro de PASS IAE doit comporter 12 chiffres.";
const PREFIX_MESSAGE: &str = "Le numéro de PASS IAE doit commencer par 99999.";
const ZERO: &str = "Ce numéro de PASS IAE n'existe pas : le premier est 999990000001.";
const PREFIX: &str = "99999";
const MAX_COUNTER: u32 = 9_999_999;

/// A PASS IAE number we issue: 12 ASCII digits, `99999` + counter 0000001–9999999.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct PassNumber(String);

crate::string_newtype!(PassNumber);

impl PassNumber {
    /// Accepts the canonical form and the display form (`99999 00 00001`): whitespace is stripped.
    /// Counter 0000000 is refused: it comes before the first number and is never issued.
    pub fn parse(input: &str) -> Result<PassNumber, Invalid> {
        let number: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if number.len() != 12 || !number.bytes().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::new(CODE, LENGTH));
        }
        if !number.starts_with(PREFIX) {
            return Err(Invalid::new(CODE, PREFIX_MESSAGE));
        }
        if number.ends_with("0000000") {
            return Err(Invalid::new(CODE, ZERO));
        }
        Ok(PassNumber(number))
    }

    /// `999990000001`, the first number ever issued.
    pub fn first() -> PassNumber {
        PassNumber(format!("{PREFIX}0000001"))
    }

    /// The number with this counter: 1–9999999, else `invalid_pass_number` (0) or
    /// `pass_numbers_exhausted` (above 9999999).
    pub fn from_counter(counter: u32) -> Result<PassNumber, Invalid> {
        match counter {
            0 => Err(Invalid::new(CODE, ZERO)),
            1..=MAX_COUNTER => Ok(PassNumber(format!("{PREFIX}{counter:07}"))),
            _ => Err(Invalid::new(
                "pass_numbers_exhausted",
                "Plus aucun numéro de PASS IAE n'est disponible (compteur 9999999 atteint).",
            )),
        }
    }

    /// The number after this one (R-PASS-1: next = highest ever issued + 1; the caller passes the
    /// highest, cancelled ones included). Past 9999999 → `pass_numbers_exhausted`.
    pub fn next(&self) -> Result<PassNumber, Invalid> {
        PassNumber::from_counter(self.counter() + 1)
    }

    /// The 7-digit counter after the prefix.
    pub fn counter(&self) -> u32 {
        // 7 ASCII digits by construction.
        self.0
            .bytes()
            .skip(PREFIX.len())
            .fold(0, |acc, c| acc * 10 + u32::from(c - b'0'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `99999 00 00001`: how the number is shown to people (R-PASS-1).
    pub fn display(&self) -> String {
        format!("{} {} {}", &self.0[..5], &self.0[5..7], &self.0[7..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn message(input: &str) -> String {
        let err = PassNumber::parse(input).unwrap_err();
        assert_eq!(err.code, "invalid_pass_number");
        err.message
    }

    #[test]
    fn r_pass_1_first_number() {
        let first = PassNumber::first();
        assert_eq!(first.as_str(), "999990000001");
        assert_eq!(first.to_string(), "999990000001");
        assert_eq!(first.counter(), 1);
        assert_eq!(first.display(), "99999 00 00001");
        assert_eq!(PassNumber::from_counter(1).unwrap(), first);
    }

    #[test]
    fn r_pass_1_parse_accepts_canonical_and_display_forms() {
        let n = PassNumber::parse("999991234567").unwrap();
        assert_eq!(n.counter(), 1_234_567);
        assert_eq!(n.display(), "99999 12 34567");
        assert_eq!(PassNumber::parse("99999 12 34567").unwrap(), n);
        assert_eq!(PassNumber::parse(" 99999\u{a0}12 34567\n").unwrap(), n);
        assert_eq!("999991234567".parse::<PassNumber>().unwrap(), n);
    }

    #[test]
    fn r_pass_1_requires_12_digits() {
        for s in [
            "",
            "99999000001",
            "9999900000011",
            "99999 00 0000A",
            "99999-00-00001",
            "9999900000é1",
        ] {
            assert_eq!(message(s), LENGTH, "{s:?}");
        }
    }

    #[test]
    fn r_pass_1_requires_our_prefix() {
        for s in ["999980000001", "099990000001", "123456789012"] {
            assert_eq!(message(s), PREFIX_MESSAGE, "{s}");
        }
    }

    #[test]
    fn r_pass_1_counter_zero_is_never_issued() {
        assert_eq!(message("999990000000"), ZERO);
        assert_eq!(
            PassNumber::from_counter(0).unwrap_err().code,
            "invalid_pass_number"
        );
    }

    #[test]
    fn r_pass_1_next_increments_the_counter() {
        let second = PassNumber::first().next().unwrap();
        assert_eq!(second.as_str(), "999990000002");
        let carry = PassNumber::parse("999990099999").unwrap().next().unwrap();
        assert_eq!(carry.as_str(), "999990100000");
        assert_eq!(carry.display(), "99999 01 00000");
    }

    #[test]
    fn r_pass_1_past_9999999_is_exhausted() {
        let last = PassNumber::parse("999999999999").unwrap();
        assert_eq!(last.counter(), 9_999_999);
        let err = last.next().unwrap_err();
        assert_eq!(err.code, "pass_numbers_exhausted");
        assert_eq!(
            PassNumber::from_counter(10_000_000).unwrap_err().code,
            "pass_numbers_exhausted"
        );
        assert_eq!(
            PassNumber::from_counter(u32::MAX).unwrap_err().code,
            "pass_numbers_exhausted"
        );
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let n = PassNumber::first();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"999990000001\"");
        assert_eq!(
            serde_json::from_str::<PassNumber>("\"99999 00 00001\"").unwrap(),
            n
        );
        assert!(serde_json::from_str::<PassNumber>("\"123456789012\"").is_err());
        assert!(serde_json::from_str::<PassNumber>("999990000001").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = PassNumber::parse(&s);
        }

        #[test]
        fn valid_numbers_round_trip(counter in 1u32..=MAX_COUNTER) {
            let n = PassNumber::from_counter(counter).unwrap();
            prop_assert_eq!(n.counter(), counter);
            prop_assert_eq!(n.as_str().len(), 12);
            prop_assert_eq!(PassNumber::parse(n.as_str()).unwrap(), n.clone());
            prop_assert_eq!(PassNumber::parse(&n.display()).unwrap(), n.clone());
            let json = serde_json::to_string(&n).unwrap();
            prop_assert_eq!(serde_json::from_str::<PassNumber>(&json).unwrap(), n.clone());
        }

        #[test]
        fn next_is_the_successor_and_sorts_after(counter in 1u32..MAX_COUNTER) {
            let n = PassNumber::from_counter(counter).unwrap();
            let next = n.next().unwrap();
            prop_assert_eq!(next.counter(), counter + 1);
            prop_assert!(next > n);
        }
    }
}
