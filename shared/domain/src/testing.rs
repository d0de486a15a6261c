//! Fixtures the domain's unit tests share.

use crate::pass::Pass;
use crate::{Date, DateRange, PassNumber};

/// A date written `YYYY-MM-DD`.
pub fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// PASS n° 999990000042 from `start` to `end`.
pub fn pass(start: &str, end: &str) -> Pass {
    Pass {
        number: PassNumber::parse("999990000042").unwrap(),
        dates: DateRange::new(d(start), d(end)).unwrap(),
    }
}
