-- 0004 login throttle: fixed windows gave way to a sliding limit (GCRA, see
-- tremplin_domain::throttle). One row per key (a hashed e-mail, client address or e-mail and
-- address pair) holding the instant its counted attempts will have leaked out; rows already
-- drained are purged on every count, so the table holds only the keys of the last 15 minutes.
-- Counters are transient: the old rows are dropped, not converted.
DROP TABLE login_throttle;
-- ;
CREATE TABLE login_throttle (
    key_hash TEXT PRIMARY KEY,
    drained_at_ms INTEGER NOT NULL
) STRICT;
-- ;
CREATE INDEX login_throttle_drained ON login_throttle (drained_at_ms);
