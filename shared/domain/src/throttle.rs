//! Login throttling arithmetic: a sliding limit per key with no window boundary (GCRA, the
//! generic cell rate algorithm, i.e. a leaky bucket). A key's whole state is one instant,
//! `drained_at`: when every attempt counted so far will have leaked out. Each attempt adds one
//! interval (`window / attempts`); an attempt is allowed while at most `attempts − 1` intervals
//! are still pending. So `attempts` may go at once, then one per interval: over any span `d`,
//! at most `attempts + d / interval` are allowed — never twice the limit around an instant, as
//! fixed windows allow at their boundary.

/// At most `attempts` per `window_ms`, refilled one by one (one every `window_ms / attempts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub attempts: i64,
    pub window_ms: i64,
}

/// Failed logins are counted per key over 15 minutes.
const LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Per (e-mail, client address) pair: the strictest, so a guesser at one address locks only
/// themselves out of that account, and one typo-prone user only their own address.
pub const LOGIN_PER_PAIR: Limit = Limit {
    attempts: 5,
    window_ms: LOGIN_WINDOW_MS,
};

/// Per e-mail across every address: stops guessing spread over many addresses, and needs at
/// least ten addresses (each spending its pair's 5) to lock the account for everyone.
pub const LOGIN_PER_EMAIL: Limit = Limit {
    attempts: 50,
    window_ms: LOGIN_WINDOW_MS,
};

/// Per client address across every e-mail: one address trying many accounts (credential
/// stuffing), high enough for an office behind one address (NAT) to log in all morning.
pub const LOGIN_PER_ADDRESS: Limit = Limit {
    attempts: 100,
    window_ms: LOGIN_WINDOW_MS,
};

// The pair is the strictest and one address alone cannot reach the e-mail's limit: at least ten
// addresses at their pair's limit are needed to lock an account out for everyone.
const _: () = assert!(
    LOGIN_PER_EMAIL.attempts >= 10 * LOGIN_PER_PAIR.attempts
        && LOGIN_PER_EMAIL.attempts < LOGIN_PER_ADDRESS.attempts
);

/// What a new attempt on a key gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Counted: store this `drained_at` for the key.
    Allowed { drained_at: i64 },
    /// Over the limit: nothing is counted; retry after that many milliseconds.
    Refused { retry_after_ms: i64 },
}

impl Limit {
    /// The time one counted attempt takes to leak out.
    pub fn interval_ms(self) -> i64 {
        (self.window_ms / self.attempts).max(1)
    }

    /// Counts one attempt at `now_ms` against a key last left at `drained_at` (`None`: never
    /// seen, or purged once drained), unless `attempts` are already pending.
    pub fn reserve(self, drained_at: Option<i64>, now_ms: i64) -> Decision {
        let interval = self.interval_ms();
        let start = drained_at.map_or(now_ms, |at| at.max(now_ms));
        let next = start.saturating_add(interval);
        // Allowed while the pending attempts, this one included, fit in `attempts` intervals.
        let excess = next - now_ms - interval * self.attempts;
        if excess > 0 {
            Decision::Refused {
                retry_after_ms: excess,
            }
        } else {
            Decision::Allowed { drained_at: next }
        }
    }

    /// Gives back one counted attempt (a login that proved the password was no guess).
    pub fn refund(self, drained_at: i64) -> i64 {
        drained_at - self.interval_ms()
    }
}

/// Whole seconds for a `Retry-After` header: rounded up, at least 1.
pub fn retry_after_seconds(retry_after_ms: i64) -> u64 {
    (retry_after_ms.max(1) as u64).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MINUTE: i64 = 60_000;

    /// Attempts at each instant of `times` (sorted); returns those allowed.
    fn run(limit: Limit, times: &[i64]) -> Vec<i64> {
        let mut drained_at = None;
        let mut allowed = Vec::new();
        for &now in times {
            if let Decision::Allowed { drained_at: next } = limit.reserve(drained_at, now) {
                drained_at = Some(next);
                allowed.push(now);
            }
        }
        allowed
    }

    #[test]
    fn the_limit_goes_at_once_then_one_attempt_per_interval() {
        let allowed = run(LOGIN_PER_PAIR, &[0; 20]);
        assert_eq!(allowed.len(), 5);
        // The sixth at the same instant waits one interval (15 min / 5 = 3 min).
        let drained_at = 5 * 3 * MINUTE;
        assert_eq!(
            LOGIN_PER_PAIR.reserve(Some(drained_at), 0),
            Decision::Refused {
                retry_after_ms: 3 * MINUTE
            }
        );
        assert_eq!(
            LOGIN_PER_PAIR.reserve(Some(drained_at), 3 * MINUTE),
            Decision::Allowed {
                drained_at: drained_at + 3 * MINUTE
            }
        );
    }

    #[test]
    fn no_burst_of_twice_the_limit_across_what_would_be_a_window_boundary() {
        // Fixed 15-minute windows let 5 go at 14:59 and 5 more at 15:00. Here the second burst
        // gets nothing, and the next attempts come one per 3 minutes.
        let window = LOGIN_PER_PAIR.window_ms;
        let mut times = vec![window - 1_000; 5];
        times.extend([window; 5]);
        times.extend([window + 3 * MINUTE, window + 3 * MINUTE + 1]);
        let allowed = run(LOGIN_PER_PAIR, &times);
        assert_eq!(allowed.len(), 6, "{allowed:?}");
        assert_eq!(allowed[5], window + 3 * MINUTE);
    }

    #[test]
    fn a_key_left_alone_for_a_window_is_fresh_again() {
        let drained_at = 5 * 3 * MINUTE;
        assert_eq!(
            LOGIN_PER_PAIR.reserve(Some(drained_at), drained_at),
            Decision::Allowed {
                drained_at: drained_at + 3 * MINUTE
            }
        );
        assert_eq!(run(LOGIN_PER_PAIR, &[drained_at; 9]).len(), 5);
    }

    #[test]
    fn a_refund_gives_back_exactly_one_attempt() {
        let full = 5 * 3 * MINUTE;
        assert!(matches!(
            LOGIN_PER_PAIR.reserve(Some(full), 0),
            Decision::Refused { .. }
        ));
        let refunded = LOGIN_PER_PAIR.refund(full);
        assert!(matches!(
            LOGIN_PER_PAIR.reserve(Some(refunded), 0),
            Decision::Allowed { drained_at } if drained_at == full
        ));
    }

    #[test]
    fn retry_after_is_whole_seconds_rounded_up() {
        assert_eq!(retry_after_seconds(1), 1);
        assert_eq!(retry_after_seconds(1_000), 1);
        assert_eq!(retry_after_seconds(1_001), 2);
        assert_eq!(retry_after_seconds(0), 1);
    }

    proptest! {
        /// Over any span of `d` ms, at most `attempts + d / interval` are allowed, whatever the
        /// schedule: the sliding bound fixed windows break at their boundaries.
        #[test]
        fn any_span_allows_at_most_the_limit_plus_what_leaked(
            mut times in proptest::collection::vec(0..(3 * LOGIN_WINDOW_MS), 1..200),
            attempts in 1..60i64,
        ) {
            times.sort_unstable();
            let limit = Limit { attempts, window_ms: LOGIN_WINDOW_MS };
            let allowed = run(limit, &times);
            for (i, &from) in allowed.iter().enumerate() {
                for (j, &to) in allowed.iter().enumerate().skip(i) {
                    let count = (j - i + 1) as i64;
                    prop_assert!(count <= attempts + (to - from) / limit.interval_ms());
                }
            }
        }
    }
}
