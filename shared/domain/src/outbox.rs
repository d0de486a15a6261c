//! The e-mail outbox's delivery rules: how many tries, how long between them, how long a
//! deliverer holds a message it claimed. The platform crate stores and sends; this decides.

/// A message that failed this many times is abandoned (state `failed`) and logged as such.
pub const MAX_ATTEMPTS: i64 = 8;

/// The first retry waits this long; each next one twice as long, up to [`MAX_RETRY_DELAY_SECONDS`].
pub const FIRST_RETRY_DELAY_SECONDS: i64 = 60;
pub const MAX_RETRY_DELAY_SECONDS: i64 = 6 * 3600;

/// A claimed message belongs to its deliverer for this long. A deliverer that died (its instance
/// stopped mid-send) loses it after that, and the scheduled delivery takes it over.
pub const LEASE_SECONDS: i64 = 120;

/// At most this many messages are claimed by one call of the delivery endpoint, so that one
/// request stays short.
pub const DELIVERY_BATCH: i64 = 20;

/// The most characters a subject holds (the outbox table's CHECK; what mail clients show).
pub const SUBJECT_MAX_CHARS: usize = 255;

/// A subject within [`SUBJECT_MAX_CHARS`]: the names in it (a structure's, each within its own
/// limit) may make it longer; it is then cut with an ellipsis.
pub fn subject_line(subject: &str) -> std::borrow::Cow<'_, str> {
    if subject.chars().count() <= SUBJECT_MAX_CHARS {
        return subject.into();
    }
    let mut cut: String = subject.chars().take(SUBJECT_MAX_CHARS - 1).collect();
    cut.push('…');
    cut.into()
}

/// What to do with a message after a failed try number `attempts` (1 for the first try).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(i64),
    GiveUp,
}

/// Exponential backoff: 1 min, 2 min, 4 min … capped at 6 h; after [`MAX_ATTEMPTS`] tries, give up.
pub fn after_failure(attempts: i64, now_unix: i64) -> AfterFailure {
    if attempts >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    let doublings = attempts.clamp(1, 30) - 1;
    let delay = FIRST_RETRY_DELAY_SECONDS
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_DELAY_SECONDS);
    AfterFailure::RetryAt(now_unix + delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_a_cap() {
        let delays: Vec<_> = (1..MAX_ATTEMPTS)
            .map(|attempt| match after_failure(attempt, 1_000) {
                AfterFailure::RetryAt(at) => at - 1_000,
                AfterFailure::GiveUp => panic!("gave up after {attempt} tries"),
            })
            .collect();
        assert_eq!(delays, [60, 120, 240, 480, 960, 1_920, 3_840]);
        assert!(delays.iter().all(|d| *d <= MAX_RETRY_DELAY_SECONDS));
    }

    #[test]
    fn gives_up_after_the_bounded_number_of_tries() {
        assert_eq!(after_failure(MAX_ATTEMPTS, 0), AfterFailure::GiveUp);
        assert_eq!(after_failure(MAX_ATTEMPTS + 5, 0), AfterFailure::GiveUp);
    }

    #[test]
    fn the_delay_never_overflows() {
        assert!(matches!(
            after_failure(i64::MIN, 0),
            AfterFailure::RetryAt(60)
        ));
    }

    #[test]
    fn a_long_subject_is_cut_to_255_characters_with_an_ellipsis() {
        assert_eq!(
            subject_line("Candidature : Acceptée"),
            "Candidature : Acceptée"
        );
        let long = format!("Candidature auprès de {} : Acceptée", "é".repeat(300));
        let cut = subject_line(&long);
        assert_eq!(cut.chars().count(), SUBJECT_MAX_CHARS);
        assert!(cut.ends_with('…') && cut.starts_with("Candidature auprès de éé"));
        assert_eq!(subject_line(&"a".repeat(255)).chars().count(), 255);
    }
}
