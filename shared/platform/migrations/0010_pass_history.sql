-- 0010 a PASS's history is its audit rows (issued, reused, moved, cancelled; issue 9 adds its
-- suspensions and prolongations): a partial index, so only those rows pay for it.
CREATE INDEX audit_of_passes ON audit_log (entity_id, id) WHERE entity = 'pass';
