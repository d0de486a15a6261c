//! Calendar dates (Europe/Paris), UTC timestamps, inclusive date ranges and the injected clock.
//!
//! Hand-rolled rather than `chrono`/`time`: the domain needs calendar arithmetic, the EU summer-time
//! rule and two string formats, nothing more, and stays dependency-free.
//!
//! Years are limited to 0001–9999 (the four digits of `YYYY-MM-DD`). Arithmetic that would leave that
//! range saturates at [`Date::MIN`] / [`Date::MAX`] instead of panicking; real rules never get there.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

use crate::error::Invalid;

const SECONDS_PER_DAY: i64 = 86_400;
/// 0001-01-01 and 9999-12-31 as days since 1970-01-01.
const MIN_DAYS: i64 = -719_162;
const MAX_DAYS: i64 = 2_932_896;
/// The first and last second of that range as Unix time.
const MIN_UNIX: i64 = MIN_DAYS * SECONDS_PER_DAY;
const MAX_UNIX: i64 = MAX_DAYS * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;

fn invalid_date() -> Invalid {
    Invalid::new(
        "invalid_date",
        "Date invalide, format attendu : AAAA-MM-JJ.",
    )
}

fn invalid_timestamp() -> Invalid {
    Invalid::new(
        "invalid_timestamp",
        "Horodatage invalide, format attendu : AAAA-MM-JJTHH:MM:SSZ (UTC).",
    )
}

/// A calendar date, no time zone: dates of the rules are Europe/Paris calendar dates.
///
/// Field order (year, month, day) makes the derived `Ord` chronological.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The earliest representable date, 0001-01-01.
    pub const MIN: Date = Date {
        year: 1,
        month: 1,
        day: 1,
    };
    /// The latest representable date, 9999-12-31.
    pub const MAX: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };

    pub fn from_ymd(year: i32, month: u8, day: u8) -> Result<Date, Invalid> {
        if (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
        {
            Ok(Date { year, month, day })
        } else {
            Err(invalid_date())
        }
    }

    /// Strict `YYYY-MM-DD`: no surrounding spaces, no time, no other separator.
    pub fn parse(s: &str) -> Result<Date, Invalid> {
        Date::parse_bytes(s.as_bytes()).ok_or_else(invalid_date)
    }

    fn parse_bytes(b: &[u8]) -> Option<Date> {
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = i32::try_from(digits(&b[0..4])?).ok()?;
        let month = u8::try_from(digits(&b[5..7])?).ok()?;
        let day = u8::try_from(digits(&b[8..10])?).ok()?;
        Date::from_ymd(year, month, day).ok()
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> u8 {
        self.month
    }

    pub fn day(&self) -> u8 {
        self.day
    }

    /// The date `days` later (earlier if negative), saturating at `MIN` / `MAX`.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days().saturating_add(days))
    }

    /// The date as French readers write it: `1er mars 2026`, `29 février 2028`.
    pub fn french(self) -> String {
        const MONTHS: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        let day = match self.day() {
            1 => "1er".to_owned(),
            day => day.to_string(),
        };
        format!(
            "{day} {} {}",
            MONTHS[usize::from(self.month() - 1)],
            self.year()
        )
    }

    /// The week (Monday to Sunday) that holds this date, as French calendars print it.
    pub fn week(self) -> DateRange {
        let days = self.to_days();
        // 0 = Monday … 6 = Sunday.
        let monday = days - (weekday_from_sunday(days) + 6).rem_euclid(7);
        DateRange {
            start: Date::from_days(monday),
            end: Date::from_days(monday + 6),
        }
    }

    /// `other − self` in days: positive when `other` is later.
    pub fn days_until(self, other: Date) -> i64 {
        other.to_days() - self.to_days()
    }

    /// Calendar months, clamped to the month's end (2024-01-31 + 1 month = 2024-02-29).
    pub fn add_months(self, months: i32) -> Date {
        self.add_months_wide(i64::from(months))
    }

    /// Calendar years, clamped to the month's end (2024-02-29 + 1 year = 2025-02-28).
    pub fn add_years(self, years: i32) -> Date {
        self.add_months_wide(i64::from(years) * 12)
    }

    fn add_months_wide(self, months: i64) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = total.div_euclid(12);
        if year < 1 {
            return Date::MIN;
        }
        if year > 9999 {
            return Date::MAX;
        }
        // In range by the checks above and `rem_euclid`.
        let year = year as i32;
        let month = (total.rem_euclid(12) + 1) as u8;
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// The Europe/Paris calendar date of a UTC instant (EU summer-time rule, see `paris_offset`).
    pub fn from_unix_seconds(unix_seconds: i64) -> Date {
        let t = unix_seconds.clamp(MIN_UNIX, MAX_UNIX);
        Date::from_days((t + paris_offset(t)).div_euclid(SECONDS_PER_DAY))
    }

    /// The instant (unix seconds) this day starts in Paris: 23:00 or 22:00 UTC the day before,
    /// by the offset in force at that moment (midnight is never inside a summer-time switch).
    pub fn paris_midnight_unix(self) -> i64 {
        let utc_midnight = self.to_days() * SECONDS_PER_DAY;
        utc_midnight - paris_offset(utc_midnight - 3600)
    }

    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    fn to_days(self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// The inverse of `to_days`, saturating outside years 0001–9999.
    fn from_days(days: i64) -> Date {
        if days < MIN_DAYS {
            return Date::MIN;
        }
        if days > MAX_DAYS {
            return Date::MAX;
        }
        let (year, month, day) = civil_from_days(days);
        // Year 1..=9999 by the clamp above.
        Date {
            year: year as i32,
            month,
            day,
        }
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`, the inverse of `days_from_civil`.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both in range by construction of the algorithm: day 1..=31, month 1..=12.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday.
fn weekday_from_sunday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

fn last_sunday_of(year: i32, month: u8) -> i64 {
    let last = days_from_civil(i64::from(year), month, days_in_month(year, month));
    last - weekday_from_sunday(last)
}

/// Seconds Paris is ahead of UTC at instant `t` (within the 0001–9999 range): CEST (+2 h) from the
/// last Sunday of March 01:00 UTC until the last Sunday of October 01:00 UTC, CET (+1 h) otherwise.
/// The EU rule is applied to every year, including those before 1996: only "now" matters here.
fn paris_offset(t: i64) -> i64 {
    let year = Date::from_days(t.div_euclid(SECONDS_PER_DAY)).year;
    let summer_starts = last_sunday_of(year, 3) * SECONDS_PER_DAY + 3600;
    let summer_ends = last_sunday_of(year, 10) * SECONDS_PER_DAY + 3600;
    if (summer_starts..summer_ends).contains(&t) {
        7200
    } else {
        3600
    }
}

/// The value of ASCII digits, `None` if any byte is not a digit. Callers pass at most 4 bytes.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl FromStr for Date {
    type Err = Invalid;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl TryFrom<String> for Date {
    type Error = Invalid;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Date::parse(&s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// `2026-11-27T17:43:00Z`: the one timestamp format of the API (RFC 3339, UTC, whole seconds).
/// Instants outside years 0001–9999 are clamped to that range.
pub fn format_rfc3339_utc(unix_seconds: i64) -> String {
    let t = unix_seconds.clamp(MIN_UNIX, MAX_UNIX);
    let date = Date::from_days(t.div_euclid(SECONDS_PER_DAY));
    let s = t.rem_euclid(SECONDS_PER_DAY);
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// Parses exactly what [`format_rfc3339_utc`] produces: `YYYY-MM-DDTHH:MM:SSZ`, no fraction, no
/// offset other than `Z`, no leap second.
pub fn parse_rfc3339_utc(s: &str) -> Result<i64, Invalid> {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return Err(invalid_timestamp());
    }
    let date = Date::parse_bytes(&b[0..10]).ok_or_else(invalid_timestamp)?;
    let time = (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19]));
    match time {
        (Some(h @ 0..=23), Some(m @ 0..=59), Some(s @ 0..=59)) => {
            Ok(date.to_days() * SECONDS_PER_DAY + i64::from(h * 3600 + m * 60 + s))
        }
        _ => Err(invalid_timestamp()),
    }
}

/// A period of calendar days, both ends included (DOMAIN.md: `[start, end]` includes both ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    start: Date,
    end: Date,
}

impl DateRange {
    pub fn new(start: Date, end: Date) -> Result<DateRange, Invalid> {
        if end < start {
            return Err(Invalid::new(
                "invalid_date_range",
                "La date de fin doit être égale ou postérieure à la date de début.",
            ));
        }
        Ok(DateRange { start, end })
    }

    pub fn start(&self) -> Date {
        self.start
    }

    pub fn end(&self) -> Date {
        self.end
    }

    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }

    /// Number of days counting both ends: a one-day range has 1.
    pub fn days_inclusive(&self) -> i64 {
        self.start.days_until(self.end) + 1
    }

    /// True when the two ranges share at least one day (touching ends do overlap).
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

/// How the app knows "today" and "now". Pure: the platform passes the system time in, and the
/// Spin variable `today` (API.md, demo/test clock) may replace the date used by every date rule,
/// or, written as an RFC 3339 instant, the instant too (for rules counted in hours, R-APPLY-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now_unix: i64,
    today: Date,
    /// How far the rules' instant is from the real one (0 in production).
    rule_offset_seconds: i64,
}

impl Clock {
    /// `today` is the override when given, else the Paris date of `now_unix_seconds`.
    /// `now` stays the real instant either way: timestamps record when things happened.
    pub fn new(now_unix_seconds: i64, today_override: Option<Date>) -> Clock {
        let real_today = Date::from_unix_seconds(now_unix_seconds);
        let today = today_override.unwrap_or(real_today);
        Clock {
            now_unix: now_unix_seconds,
            today,
            rule_offset_seconds: real_today.days_until(today) * 86_400,
        }
    }

    /// A clock whose rules run at `rule_instant` (unix seconds): today is its Paris date.
    pub fn at_instant(now_unix_seconds: i64, rule_instant: i64) -> Clock {
        Clock {
            now_unix: now_unix_seconds,
            today: Date::from_unix_seconds(rule_instant),
            rule_offset_seconds: rule_instant - now_unix_seconds,
        }
    }

    pub fn today(&self) -> Date {
        self.today
    }

    pub fn now_unix(&self) -> i64 {
        self.now_unix
    }

    pub fn now_rfc3339(&self) -> String {
        format_rfc3339_utc(self.now_unix)
    }

    /// The instant deadlines counted in seconds run on (an invitation's validity, R-APPLY-3's
    /// 24 hours): the real one moved by as many whole days as `today` is from the real date, or
    /// the instant the clock was set at — the real one in production.
    pub fn rule_instant(&self) -> i64 {
        self.now_unix + self.rule_offset_seconds
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_rule_instant_follows_the_today_override_by_whole_days() {
        let now = 1_780_000_000; // 2026-05-28 in Paris
        let real = super::Clock::new(now, None);
        assert_eq!(real.rule_instant(), now);
        let later = super::Date::from_unix_seconds(now).add_days(10);
        assert_eq!(
            super::Clock::new(now, Some(later)).rule_instant(),
            now + 10 * 86_400
        );
    }

    #[test]
    fn paris_midnight_is_the_first_second_of_the_paris_day() {
        for day in [
            "2026-01-01",
            "2026-03-29",
            "2026-03-30",
            "2026-07-01",
            "2026-10-25",
            "2026-10-26",
        ] {
            let date = super::Date::parse(day).unwrap();
            let t = date.paris_midnight_unix();
            assert_eq!(super::Date::from_unix_seconds(t), date, "{day}");
            assert_eq!(
                super::Date::from_unix_seconds(t - 1),
                date.add_days(-1),
                "{day}"
            );
        }
    }

    #[test]
    fn a_clock_set_at_an_instant_runs_its_rules_there_and_keeps_real_timestamps() {
        let now = 1_780_000_000;
        let set = 1_700_000_000 + 59; // 2023-11-14T22:14:19Z, 23:14 in Paris
        let clock = super::Clock::at_instant(now, set);
        assert_eq!(clock.rule_instant(), set);
        assert_eq!(clock.today(), super::Date::from_unix_seconds(set));
        assert_eq!(clock.now_unix(), now);
    }

    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// Unix seconds of a UTC date-time, via the parser (itself tested against known values below).
    fn utc(s: &str) -> i64 {
        parse_rfc3339_utc(s).unwrap()
    }

    #[test]
    fn range_constants_match_the_calendar() {
        assert_eq!(Date::MIN.to_days(), MIN_DAYS);
        assert_eq!(Date::MAX.to_days(), MAX_DAYS);
        assert_eq!(Date::from_days(0), d("1970-01-01"));
        assert_eq!(format_rfc3339_utc(MIN_UNIX), "0001-01-01T00:00:00Z");
        assert_eq!(format_rfc3339_utc(MAX_UNIX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn known_unix_days() {
        // Independent reference values (e.g. `date -u -d 2000-03-01 +%s` / 86400).
        assert_eq!(d("2000-03-01").to_days(), 11_017);
        assert_eq!(d("2024-02-29").to_days(), 19_782);
        assert_eq!(d("1969-12-31").to_days(), -1);
        assert_eq!(d("1900-03-01").to_days(), -25_508);
    }

    #[test]
    fn parse_accepts_valid_dates() {
        let date = d("2024-02-29");
        assert_eq!((date.year(), date.month(), date.day()), (2024, 2, 29));
        assert_eq!(d("2000-02-29").to_string(), "2000-02-29");
        assert_eq!(d("0001-01-01"), Date::MIN);
        assert_eq!(d("9999-12-31"), Date::MAX);
        assert_eq!("2026-11-27".parse::<Date>().unwrap(), d("2026-11-27"));
    }

    #[test]
    fn parse_is_strict() {
        for s in [
            "",
            "2024-2-29",
            "2024-02-9",
            "24-02-29",
            "2024/02/29",
            "2024-02-29 ",
            " 2024-02-29",
            "2024-02-29T00:00:00Z",
            "20240229",
            "+024-02-29",
            "2024-0a-29",
            "2024-02-29\u{0}",
            "2024-é-29",
            "0000-01-01",
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-01-00",
            "2024-01-32",
        ] {
            let err = Date::parse(s).unwrap_err();
            assert_eq!(err.code, "invalid_date", "{s:?}");
            assert_eq!(err.message, "Date invalide, format attendu : AAAA-MM-JJ.");
        }
    }

    #[test]
    fn from_ymd_checks_the_calendar() {
        assert_eq!(Date::from_ymd(2024, 2, 29).unwrap(), d("2024-02-29"));
        assert!(Date::from_ymd(2023, 2, 29).is_err());
        assert!(Date::from_ymd(0, 1, 1).is_err());
        assert!(Date::from_ymd(10_000, 1, 1).is_err());
        assert!(Date::from_ymd(-5, 1, 1).is_err());
        assert!(Date::from_ymd(2024, 0, 1).is_err());
        assert!(Date::from_ymd(2024, 6, 31).is_err());
        assert_eq!(Date::from_ymd(2024, 6, 0).unwrap_err().code, "invalid_date");
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(d("2023-12-31") < d("2024-01-01"));
        assert!(d("2024-01-31") < d("2024-02-01"));
        assert!(d("2024-02-01") < d("2024-02-02"));
        assert_eq!(d("2024-02-02").max(d("2023-12-31")), d("2024-02-02"));
    }

    #[test]
    fn add_days_crosses_months_years_and_leap_days() {
        assert_eq!(d("2024-02-28").add_days(1), d("2024-02-29"));
        assert_eq!(d("2023-02-28").add_days(1), d("2023-03-01"));
        assert_eq!(d("2024-12-31").add_days(1), d("2025-01-01"));
        assert_eq!(d("2025-01-01").add_days(-1), d("2024-12-31"));
        // R-PASS-2: end = start + 729 days (730 days counting both ends).
        assert_eq!(d("2024-03-01").add_days(729), d("2026-02-28"));
        assert_eq!(d("2024-03-01").add_days(0), d("2024-03-01"));
    }

    #[test]
    fn add_days_saturates_instead_of_panicking() {
        assert_eq!(d("2024-01-01").add_days(i64::MAX), Date::MAX);
        assert_eq!(d("2024-01-01").add_days(i64::MIN), Date::MIN);
        assert_eq!(Date::MAX.add_days(1), Date::MAX);
        assert_eq!(Date::MIN.add_days(-1), Date::MIN);
    }

    #[test]
    fn days_until_is_other_minus_self() {
        assert_eq!(d("2024-01-01").days_until(d("2024-12-31")), 365);
        assert_eq!(d("2024-12-31").days_until(d("2024-01-01")), -365);
        assert_eq!(d("2024-01-01").days_until(d("2024-01-01")), 0);
        assert_eq!(Date::MIN.days_until(Date::MAX), MAX_DAYS - MIN_DAYS);
    }

    #[test]
    fn add_months_clamps_to_month_end_as_in_domain_md() {
        // DOMAIN.md preamble examples.
        assert_eq!(d("2024-02-29").add_months(36), d("2027-02-28"));
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2023-01-31").add_months(1), d("2023-02-28"));
        assert_eq!(d("2024-03-31").add_months(1), d("2024-04-30"));
        assert_eq!(d("2024-03-31").add_months(-1), d("2024-02-29"));
        assert_eq!(d("2024-01-15").add_months(-1), d("2023-12-15"));
        assert_eq!(d("2024-12-15").add_months(1), d("2025-01-15"));
        assert_eq!(d("2024-08-31").add_months(6), d("2025-02-28"));
        assert_eq!(d("2024-05-10").add_months(0), d("2024-05-10"));
        assert_eq!(d("2024-05-10").add_months(-24), d("2022-05-10"));
    }

    #[test]
    fn add_years_clamps_feb_29() {
        assert_eq!(d("2024-02-29").add_years(1), d("2025-02-28"));
        assert_eq!(d("2024-02-29").add_years(4), d("2028-02-29"));
        assert_eq!(d("2024-02-29").add_years(-100), d("1924-02-29"));
        assert_eq!(d("2024-02-29").add_years(-124), d("1900-02-28"));
        // R-PASS-5 waiting period: 2 calendar years after the end.
        assert_eq!(d("2024-06-30").add_years(2), d("2026-06-30"));
    }

    #[test]
    fn add_months_and_years_saturate() {
        assert_eq!(d("2024-01-31").add_months(i32::MAX), Date::MAX);
        assert_eq!(d("2024-01-31").add_months(i32::MIN), Date::MIN);
        assert_eq!(d("2024-01-31").add_years(i32::MAX), Date::MAX);
        assert_eq!(d("2024-01-31").add_years(i32::MIN), Date::MIN);
        assert_eq!(d("9999-12-31").add_months(1), Date::MAX);
        assert_eq!(d("9999-11-30").add_months(1), d("9999-12-30"));
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let date = d("2024-02-29");
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"2024-02-29\"");
        assert_eq!(
            serde_json::from_str::<Date>("\"2024-02-29\"").unwrap(),
            date
        );
        assert!(serde_json::from_str::<Date>("\"2023-02-29\"").is_err());
        assert!(serde_json::from_str::<Date>("20240229").is_err());
        assert_eq!(format!("{date:?}"), "Date(2024-02-29)");
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(format_rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_rfc3339_utc(1_000_000_000), "2001-09-09T01:46:40Z");
        assert_eq!(format_rfc3339_utc(1_795_801_380), "2026-11-27T17:43:00Z");
        assert_eq!(format_rfc3339_utc(i64::MIN), "0001-01-01T00:00:00Z");
        assert_eq!(format_rfc3339_utc(i64::MAX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn rfc3339_parses_only_the_z_form() {
        assert_eq!(
            parse_rfc3339_utc("2026-11-27T17:43:00Z").unwrap(),
            1_795_801_380
        );
        assert_eq!(parse_rfc3339_utc("1969-12-31T23:59:59Z").unwrap(), -1);
        for s in [
            "",
            "2026-11-27T17:43:00",
            "2026-11-27T17:43:00+00:00",
            "2026-11-27T17:43:00.000Z",
            "2026-11-27 17:43:00Z",
            "2026-11-27t17:43:00z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T23:60:00Z",
            "2026-11-27T23:59:60Z",
            "2026-02-30T10:00:00Z",
            "2026-11-27T1a:43:00Z",
            "2026-11-27T17:43:0éZ",
        ] {
            let err = parse_rfc3339_utc(s).unwrap_err();
            assert_eq!(err.code, "invalid_timestamp", "{s:?}");
        }
    }

    #[test]
    fn last_sundays_are_known_dst_dates() {
        for (year, march, october) in [
            (2024, "2024-03-31", "2024-10-27"),
            (2025, "2025-03-30", "2025-10-26"),
            (2026, "2026-03-29", "2026-10-25"),
            (2027, "2027-03-28", "2027-10-31"),
        ] {
            assert_eq!(Date::from_days(last_sunday_of(year, 3)), d(march));
            assert_eq!(Date::from_days(last_sunday_of(year, 10)), d(october));
        }
    }

    #[test]
    fn paris_offset_switches_at_01_00_utc() {
        // Summer time starts 2024-03-31 01:00 UTC (02:00 CET → 03:00 CEST).
        assert_eq!(paris_offset(utc("2024-03-31T00:59:59Z")), 3600);
        assert_eq!(paris_offset(utc("2024-03-31T01:00:00Z")), 7200);
        // And ends 2024-10-27 01:00 UTC (03:00 CEST → 02:00 CET).
        assert_eq!(paris_offset(utc("2024-10-27T00:59:59Z")), 7200);
        assert_eq!(paris_offset(utc("2024-10-27T01:00:00Z")), 3600);
        assert_eq!(paris_offset(utc("2026-03-29T01:00:00Z")), 7200);
        assert_eq!(paris_offset(utc("2026-10-25T00:59:59Z")), 7200);
        assert_eq!(paris_offset(utc("2026-10-25T01:00:00Z")), 3600);
        assert_eq!(paris_offset(utc("2026-01-15T12:00:00Z")), 3600);
        assert_eq!(paris_offset(utc("2026-07-15T12:00:00Z")), 7200);
    }

    #[test]
    fn paris_date_at_the_dst_switch_moments() {
        // 01:00 UTC is 02:00 or 03:00 in Paris: the date is the same day on both sides.
        assert_eq!(
            Date::from_unix_seconds(utc("2024-03-31T00:59:59Z")),
            d("2024-03-31")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-03-31T01:00:00Z")),
            d("2024-03-31")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-10-27T00:59:59Z")),
            d("2024-10-27")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-10-27T01:00:00Z")),
            d("2024-10-27")
        );
    }

    #[test]
    fn paris_date_around_midnight_in_winter() {
        // CET: Paris midnight is 23:00 UTC the day before.
        assert_eq!(
            Date::from_unix_seconds(utc("2024-01-01T22:59:59Z")),
            d("2024-01-01")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-01-01T23:00:00Z")),
            d("2024-01-02")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-12-31T22:59:59Z")),
            d("2024-12-31")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-12-31T23:00:00Z")),
            d("2025-01-01")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-02-28T23:00:00Z")),
            d("2024-02-29")
        );
        // The night before summer time starts is still CET.
        assert_eq!(
            Date::from_unix_seconds(utc("2024-03-30T22:59:59Z")),
            d("2024-03-30")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-03-30T23:00:00Z")),
            d("2024-03-31")
        );
        // The night after winter time starts is CET again.
        assert_eq!(
            Date::from_unix_seconds(utc("2024-10-27T22:59:59Z")),
            d("2024-10-27")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-10-27T23:00:00Z")),
            d("2024-10-28")
        );
    }

    #[test]
    fn paris_date_around_midnight_in_summer() {
        // CEST: Paris midnight is 22:00 UTC the day before.
        assert_eq!(
            Date::from_unix_seconds(utc("2024-07-14T21:59:59Z")),
            d("2024-07-14")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-07-14T22:00:00Z")),
            d("2024-07-15")
        );
        // The night after summer time starts is already CEST.
        assert_eq!(
            Date::from_unix_seconds(utc("2024-03-31T21:59:59Z")),
            d("2024-03-31")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-03-31T22:00:00Z")),
            d("2024-04-01")
        );
        // The night before winter time starts is still CEST.
        assert_eq!(
            Date::from_unix_seconds(utc("2024-10-26T21:59:59Z")),
            d("2024-10-26")
        );
        assert_eq!(
            Date::from_unix_seconds(utc("2024-10-26T22:00:00Z")),
            d("2024-10-27")
        );
    }

    #[test]
    fn paris_date_saturates_at_the_extremes() {
        assert_eq!(Date::from_unix_seconds(i64::MIN), Date::MIN);
        assert_eq!(Date::from_unix_seconds(i64::MAX), Date::MAX);
        assert_eq!(Date::from_unix_seconds(MIN_UNIX), Date::MIN);
        assert_eq!(Date::from_unix_seconds(MAX_UNIX), Date::MAX);
    }

    #[test]
    fn date_range_requires_end_not_before_start() {
        let err = DateRange::new(d("2024-01-02"), d("2024-01-01")).unwrap_err();
        assert_eq!(err.code, "invalid_date_range");
        assert!(err.message.contains("date de fin"));
        let one_day = DateRange::new(d("2024-01-01"), d("2024-01-01")).unwrap();
        assert_eq!(one_day.days_inclusive(), 1);
        assert_eq!(
            (one_day.start(), one_day.end()),
            (d("2024-01-01"), d("2024-01-01"))
        );
    }

    #[test]
    fn date_range_includes_both_ends() {
        let r = DateRange::new(d("2024-02-01"), d("2024-02-29")).unwrap();
        assert!(r.contains(d("2024-02-01")));
        assert!(r.contains(d("2024-02-15")));
        assert!(r.contains(d("2024-02-29")));
        assert!(!r.contains(d("2024-01-31")));
        assert!(!r.contains(d("2024-03-01")));
        assert_eq!(r.days_inclusive(), 29);
        // R-PASS-2: start + 729 days spans 730 days.
        let pass = DateRange::new(d("2024-03-01"), d("2024-03-01").add_days(729)).unwrap();
        assert_eq!(pass.days_inclusive(), 730);
    }

    #[test]
    fn date_range_overlaps_when_sharing_a_day() {
        let jan = DateRange::new(d("2024-01-01"), d("2024-01-31")).unwrap();
        let touching = DateRange::new(d("2024-01-31"), d("2024-02-10")).unwrap();
        let next = DateRange::new(d("2024-02-01"), d("2024-02-10")).unwrap();
        let inside = DateRange::new(d("2024-01-10"), d("2024-01-11")).unwrap();
        assert!(jan.overlaps(&touching) && touching.overlaps(&jan));
        assert!(!jan.overlaps(&next) && !next.overlaps(&jan));
        assert!(jan.overlaps(&inside) && inside.overlaps(&jan));
        assert!(jan.overlaps(&jan));
    }

    #[test]
    fn clock_uses_paris_date_unless_overridden() {
        let now = utc("2024-07-14T22:30:00Z");
        let clock = Clock::new(now, None);
        assert_eq!(clock.today(), d("2024-07-15"));
        assert_eq!(clock.now_unix(), now);
        assert_eq!(clock.now_rfc3339(), "2024-07-14T22:30:00Z");

        let demo = Clock::new(now, Some(d("2024-02-29")));
        assert_eq!(demo.today(), d("2024-02-29"));
        assert_eq!(demo.now_unix(), now);
        assert_eq!(demo.now_rfc3339(), "2024-07-14T22:30:00Z");
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (MIN_DAYS..=MAX_DAYS).prop_map(Date::from_days)
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = Date::parse(&s);
            let _ = parse_rfc3339_utc(&s);
        }

        #[test]
        fn parse_never_panics_on_near_misses(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?") {
            let _ = Date::parse(&s);
            let _ = parse_rfc3339_utc(&s);
        }

        #[test]
        fn display_parse_round_trips(date in any_date()) {
            prop_assert_eq!(Date::parse(&date.to_string()).unwrap(), date);
            let json = serde_json::to_string(&date).unwrap();
            prop_assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), date);
        }

        #[test]
        fn days_round_trip(days in MIN_DAYS..=MAX_DAYS) {
            prop_assert_eq!(Date::from_days(days).to_days(), days);
        }

        #[test]
        fn next_day_is_the_calendar_successor(date in any_date()) {
            prop_assume!(date != Date::MAX);
            let next = date.add_days(1);
            prop_assert!(next > date);
            let expected = if date.day() < days_in_month(date.year(), date.month()) {
                (date.year(), date.month(), date.day() + 1)
            } else if date.month() < 12 {
                (date.year(), date.month() + 1, 1)
            } else {
                (date.year() + 1, 1, 1)
            };
            prop_assert_eq!((next.year(), next.month(), next.day()), expected);
        }

        #[test]
        fn add_days_and_days_until_agree(date in any_date(), n in -1_000_000i64..1_000_000) {
            let later = date.add_days(n);
            let target = date.to_days() + n;
            if (MIN_DAYS..=MAX_DAYS).contains(&target) {
                prop_assert_eq!(date.days_until(later), n);
                prop_assert_eq!(later.add_days(-n), date);
            }
        }

        #[test]
        fn arithmetic_never_panics(date in any_date(), days in any::<i64>(), n in any::<i32>()) {
            let _ = date.add_days(days);
            let _ = date.add_months(n);
            let _ = date.add_years(n);
        }

        #[test]
        fn add_months_clamps_only_the_day(date in any_date(), n in -1200i32..1200) {
            let moved = date.add_months(n);
            let months = |x: Date| i64::from(x.year()) * 12 + i64::from(x.month());
            if moved != Date::MIN && moved != Date::MAX {
                prop_assert_eq!(months(moved) - months(date), i64::from(n));
                prop_assert_eq!(moved.day(), date.day().min(days_in_month(moved.year(), moved.month())));
            }
        }

        #[test]
        fn rfc3339_round_trips(t in MIN_UNIX..=MAX_UNIX) {
            prop_assert_eq!(parse_rfc3339_utc(&format_rfc3339_utc(t)).unwrap(), t);
        }

        #[test]
        fn paris_date_is_the_utc_date_or_the_next_one(t in any::<i64>()) {
            let paris = Date::from_unix_seconds(t);
            let utc_date = Date::from_days(t.clamp(MIN_UNIX, MAX_UNIX).div_euclid(SECONDS_PER_DAY));
            prop_assert!(paris == utc_date || paris == utc_date.add_days(1));
        }

        #[test]
        fn paris_offset_is_one_or_two_hours(t in MIN_UNIX..=MAX_UNIX) {
            let offset = paris_offset(t);
            prop_assert!(offset == 3600 || offset == 7200);
        }

        #[test]
        fn range_contains_exactly_its_days(a in any_date(), b in any_date(), x in any_date()) {
            let (start, end) = if a <= b { (a, b) } else { (b, a) };
            let r = DateRange::new(start, end).unwrap();
            prop_assert_eq!(r.contains(x), start <= x && x <= end);
            prop_assert_eq!(r.days_inclusive(), start.days_until(end) + 1);
            if start < end {
                prop_assert!(DateRange::new(end, start).is_err());
            }
        }
    }
}
