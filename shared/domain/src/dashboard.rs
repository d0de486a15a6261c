//! What a dashboard shows (issue 10, guide Fiches 6 and 7): the windows of its items, as named
//! constants, and the dates they run to at a given day.

use crate::{Date, DateRange};

/// A prescriber's candidates whose eligibility ends within this many days.
pub const ELIGIBILITY_ENDING_DAYS: i64 = 30;

/// A structure's PASS IAE ending within this many months.
pub const PASS_ENDING_MONTHS: i32 = 3;

/// The administration's prefectoral authorizations (R-ORG-4) ending within this many days.
pub const AUTHORIZATION_ENDING_DAYS: i64 = 90;

/// The days, `today` included, over which something "ends within" `days` days.
pub fn within_days(today: Date, days: i64) -> DateRange {
    DateRange::new(today, today.add_days(days))
        .unwrap_or_else(|_| unreachable!("a window never ends before it starts"))
}

/// The same within calendar `months`.
pub fn within_months(today: Date, months: i32) -> DateRange {
    DateRange::new(today, today.add_months(months))
        .unwrap_or_else(|_| unreachable!("a window never ends before it starts"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::d;

    #[test]
    fn the_week_runs_monday_to_sunday_across_months_and_years() {
        // 2026-12-02 is a Wednesday.
        let week = d("2026-12-02").week();
        assert_eq!(
            (week.start(), week.end()),
            (d("2026-11-30"), d("2026-12-06"))
        );
        assert_eq!(d("2026-11-30").week(), week, "a Monday starts its own week");
        assert_eq!(d("2026-12-06").week(), week, "a Sunday ends it");
        let new_year = d("2027-01-01").week();
        assert_eq!(
            (new_year.start(), new_year.end()),
            (d("2026-12-28"), d("2027-01-03"))
        );
    }

    #[test]
    fn the_windows_include_today_and_their_last_day() {
        let today = d("2026-12-02");
        let eligibility = within_days(today, ELIGIBILITY_ENDING_DAYS);
        assert!(eligibility.contains(today) && eligibility.contains(d("2027-01-01")));
        assert!(!eligibility.contains(d("2027-01-02")));
        let pass = within_months(d("2026-11-30"), PASS_ENDING_MONTHS);
        assert_eq!(pass.end(), d("2027-02-28"), "clamped to the month's end");
        assert_eq!(
            within_days(today, AUTHORIZATION_ENDING_DAYS).end(),
            d("2027-03-02")
        );
    }
}
