//! The clock every rule reads: real time, with "today" replaced by the Spin variable `today`
//! (`YYYY-MM-DD`, empty in production) so demos and tests run at fixed dates (API.md). Written
//! as an RFC 3339 UTC instant (`2026-03-02T09:30:00Z`) it fixes the time of day too, for the
//! rules counted in hours (R-APPLY-3's 24 hours).

use std::time::{SystemTime, UNIX_EPOCH};
use tremplin_domain::date::parse_rfc3339_utc;
use tremplin_domain::{Clock, Date, Error};

pub fn current() -> Result<Clock, Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| Error::internal(format!("clock before 1970: {e}")))?
        .as_secs() as i64;
    let configured = spin_sdk::variables::get("today")
        .map_err(|e| Error::internal(format!("variable today: {e:?}")))?;
    let value = configured.trim();
    if value.is_empty() {
        return Ok(Clock::new(now, None));
    }
    if let Ok(instant) = parse_rfc3339_utc(value) {
        return Ok(Clock::at_instant(now, instant));
    }
    let today = Date::parse(value)
        .map_err(|_| Error::internal(format!("variable today is not a date: {value}")))?;
    Ok(Clock::new(now, Some(today)))
}
