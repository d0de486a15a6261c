-- 0004 login throttle: fixed windows gave way to a sliding limit (GCRA, see
-- tremplin_domain::throttle). One row per key (a hashed e-mail, client address or e-mail and
-- address pair) holding the instant its counted attempts will have leaked out. Counters are
-- transient: the old rows are dropped, not converted.
DROP TABLE login_throttle;
-- ;
CREATE TABLE login_throttle (
    key_hash TEXT PRIMARY KEY,
    drained_at_ms INTEGER NOT NULL
) STRICT;
-- ;
CREATE INDEX login_throttle_drained ON login_throttle (drained_at_ms);
-- ;
-- A drained row counts as absent. Each new key purges them within its own statement, so a
-- counted attempt stays one durable commit and the table holds only the keys of the last window.
CREATE TRIGGER login_throttle_purge AFTER INSERT ON login_throttle BEGIN
    DELETE FROM login_throttle
    WHERE drained_at_ms <= CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
END
