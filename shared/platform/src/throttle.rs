//! Attempts counted per (e-mail, client address) pair, per e-mail and per client address, before
//! any costly or mailing work (README "Login security"): logins, candidate registrations, and
//! the candidate finds whose identity data did not match (R-CAND-5), each on counters of their own.

use crate::db::Db;
use crate::ids::sha256_hex;
use crate::repo::throttle;
use tremplin_domain::throttle::{
    retry_after_seconds, Decision, Limit, LOGIN_PER_ADDRESS, LOGIN_PER_EMAIL, LOGIN_PER_PAIR,
};
use tremplin_domain::{Email, Error};

/// What is being attempted: each has its own counters, so registering never spends the
/// attempts of a login to the same address, nor the reverse.
#[derive(Clone, Copy)]
pub enum Scope {
    Login,
    Registration,
    /// Keyed by the professional's e-mail: a find naming the fields that differ must not become
    /// a way to guess a candidate's birthdate one request at a time.
    CandidateMismatch,
    /// Keyed by the professional's e-mail: a prolongation request naming an address that is no
    /// active member of the organization must not become a way to list who belongs where.
    MemberLookup,
}

impl Scope {
    fn prefix(self) -> &'static str {
        match self {
            // As the counters were named before registrations had their own.
            Scope::Login => "",
            Scope::Registration => "register:",
            Scope::CandidateMismatch => "candidate-mismatch:",
            Scope::MemberLookup => "member-lookup:",
        }
    }
}

/// The counters an attempt is counted on (hashed: the table holds no e-mail or address).
pub struct ThrottleKeys {
    pair: String,
    email: String,
    address: String,
}

/// The limit of each of [`ThrottleKeys::hashes`], in the same order.
const LIMITS: [Limit; 3] = [LOGIN_PER_PAIR, LOGIN_PER_EMAIL, LOGIN_PER_ADDRESS];

/// How many times an attempt is counted again after another attempt on one of its keys was
/// counted between its read and its write; then 503 (retry later).
const COUNT_RACES: usize = 50;

impl ThrottleKeys {
    pub fn new(scope: Scope, email: &Email, address: &str) -> ThrottleKeys {
        let prefix = scope.prefix();
        ThrottleKeys {
            pair: sha256_hex(format!("{prefix}pair:{email}\n{address}").as_bytes()),
            email: sha256_hex(format!("{prefix}email:{email}").as_bytes()),
            address: sha256_hex(format!("{prefix}address:{address}").as_bytes()),
        }
    }

    fn hashes(&self) -> throttle::Keys<'_> {
        [&self.pair, &self.email, &self.address]
    }

    /// The counters once this attempt is counted on every key, or 429 when one key is at its
    /// limit (then nothing is counted anywhere).
    fn count(drained_at: [Option<i64>; 3], now_ms: i64) -> Result<[i64; 3], Error> {
        let mut counted = [0; 3];
        let mut wait_ms = 0;
        for (i, (limit, drained_at)) in LIMITS.iter().zip(drained_at).enumerate() {
            match limit.reserve(drained_at, now_ms) {
                Decision::Allowed { drained_at } => counted[i] = drained_at,
                Decision::Refused { retry_after_ms } => wait_ms = wait_ms.max(retry_after_ms),
            }
        }
        match wait_ms {
            0 => Ok(counted),
            _ => Err(Error::TooManyRequests {
                retry_after_seconds: retry_after_seconds(wait_ms),
            }),
        }
    }

    /// Counts this attempt before the costly work (a password hash, an e-mail), durably, so
    /// that parallel attempts see each other: the count is stored only if no key changed since
    /// it was read, else read and decided again. So at most the limit get through. A refused
    /// attempt writes nothing and counts nowhere: a guesser locked out of one pair cannot push
    /// the e-mail's count up for the account's owner, nor hold the write lock. One statement,
    /// not a transaction: the lock is never held while this component waits for a core, which
    /// Argon2 hashing of parallel logins keeps busy.
    pub fn reserve(&self, db: &Db, now_ms: i64) -> Result<(), Error> {
        for _ in 0..COUNT_RACES {
            let read = throttle::drained_at(db, self.hashes())?;
            let counted = Self::count(read, now_ms)?;
            if throttle::count_if_unchanged(db, self.hashes(), read, counted)? {
                return Ok(());
            }
        }
        Err(crate::db::busy())
    }

    /// 429 when the next attempt would be refused; reads only (the failures themselves are
    /// counted with [`ThrottleKeys::reserve`] once they happened).
    pub fn check(&self, db: &Db, now_ms: i64) -> Result<(), Error> {
        Self::count(throttle::drained_at(db, self.hashes())?, now_ms).map(drop)
    }

    /// A proven password was no guess: its pair starts afresh (the owner's own typos are
    /// forgiven), the e-mail and the address get back the attempt counted for it — earlier
    /// failures there, perhaps from elsewhere, still count.
    pub fn forgive(&self, db: &Db, now_ms: i64) -> Result<(), Error> {
        let [_, email, address] = throttle::drained_at(db, self.hashes())?;
        let refund = |limit: Limit, at: Option<i64>| at.map_or(now_ms, |at| limit.refund(at));
        let forgiven = [
            now_ms,
            refund(LOGIN_PER_EMAIL, email),
            refund(LOGIN_PER_ADDRESS, address),
        ];
        throttle::set_drained_at(db, self.hashes(), forgiven)
    }
}
