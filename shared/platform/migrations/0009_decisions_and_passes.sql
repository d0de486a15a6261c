-- 0009 the structure's decisions (R-APPLY-5..9) and the PASS IAE (R-PASS-1..7).
-- A PASS is never deleted: cancelling the only hire that used it (R-PASS-7) sets `cancelled_at`,
-- and its counter stays taken, so the next number is the highest ever issued + 1 (R-PASS-1).
CREATE TABLE passes (
    id TEXT PRIMARY KEY,
    counter INTEGER NOT NULL UNIQUE CHECK (counter BETWEEN 1 AND 9999999),
    number TEXT NOT NULL UNIQUE CHECK (number = '99999' || printf('%07d', counter)),
    candidate_id TEXT NOT NULL REFERENCES candidates (id),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL CHECK (end_at >= start_at),
    created_at TEXT NOT NULL,
    created_by TEXT,
    cancelled_at TEXT
) STRICT;
-- ;
CREATE INDEX passes_candidate ON passes (candidate_id, end_at DESC) WHERE cancelled_at IS NULL;
-- ;
ALTER TABLE applications ADD COLUMN hiring_start_at TEXT;
-- ;
ALTER TABLE applications ADD COLUMN hiring_end_at TEXT;
-- ;
ALTER TABLE applications ADD COLUMN refusal_reason TEXT;
-- ;
-- R-APPLY-6: the structure's comment, required with the reason `other`.
ALTER TABLE applications ADD COLUMN refusal_comment TEXT;
-- ;
ALTER TABLE applications ADD COLUMN reason_shared INTEGER NOT NULL DEFAULT 0
    CHECK (reason_shared IN (0, 1));
-- ;
-- The answer to the candidate (postpone, refuse, accept) and the private one to the sender.
ALTER TABLE applications ADD COLUMN answer TEXT;
-- ;
ALTER TABLE applications ADD COLUMN answer_to_prescriber TEXT;
-- ;
ALTER TABLE applications ADD COLUMN pass_id TEXT REFERENCES passes (id);
-- ;
-- What the last accept did about the PASS (`issued`, `reused`, `not_iae`, `in_prison`).
ALTER TABLE applications ADD COLUMN pass_status TEXT;
-- ;
CREATE INDEX applications_pass ON applications (pass_id) WHERE pass_id IS NOT NULL;
