//! The clock every rule reads: real time, with "today" replaced by the Spin variable `today`
//! (`YYYY-MM-DD`, empty in production) so demos and tests run at fixed dates (API.md).

use std::time::{SystemTime, UNIX_EPOCH};
use tremplin_domain::{Clock, Date, Error};

pub fn current() -> Result<Clock, Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| Error::internal(format!("clock before 1970: {e}")))?
        .as_secs() as i64;
    let configured = spin_sdk::variables::get("today")
        .map_err(|e| Error::internal(format!("variable today: {e:?}")))?;
    let today_override = match configured.trim() {
        "" => None,
        value => Some(
            Date::parse(value)
                .map_err(|_| Error::internal(format!("variable today is not a date: {value}")))?,
        ),
    };
    Ok(Clock::new(now, today_override))
}
