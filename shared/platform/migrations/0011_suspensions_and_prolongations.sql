-- 0011 suspensions (R-SUSP-1..6) and prolongations (R-PROL-1..4) of a PASS IAE. The PASS's
-- `end_at` is its current end: each act moves it in the same transaction (R-SUSP-4, R-PROL-2).
-- A deleted suspension leaves no row; its history is the PASS's audit rows (entity 'pass').
CREATE TABLE suspensions (
    id TEXT PRIMARY KEY,
    pass_id TEXT NOT NULL REFERENCES passes (id),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL CHECK (end_at >= start_at),
    reason TEXT NOT NULL CHECK (reason IN ('CONTRACT_SUSPENDED', 'CONTRACT_BROKEN',
        'FINISHED_CONTRACT', 'APPROVAL_BETWEEN_CTA_MEMBERS', 'CONTRAT_PASSERELLE')),
    explanation TEXT CHECK (length(explanation) BETWEEN 1 AND 5000),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT,
    updated_by TEXT
) STRICT;
-- ;
CREATE INDEX suspensions_of_pass ON suspensions (pass_id, start_at);
-- ;
-- R-PROL-4: `created_on` is the rules' date of the request, from which its reminders count;
-- `reminders_sent` how many of the three went out.
CREATE TABLE prolongation_requests (
    id TEXT PRIMARY KEY,
    pass_id TEXT NOT NULL REFERENCES passes (id),
    structure_id TEXT NOT NULL REFERENCES organizations (id),
    reason TEXT NOT NULL CHECK (reason IN ('RQTH', 'SENIOR', 'PARTICULAR_DIFFICULTIES')),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL CHECK (end_at > start_at),
    explanation TEXT NOT NULL CHECK (length(explanation) BETWEEN 1 AND 5000),
    prescriber_organization_id TEXT NOT NULL REFERENCES organizations (id),
    assigned_to TEXT NOT NULL REFERENCES users (id),
    -- `withdrawn`: by the structure that asked, before any answer.
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'granted', 'denied', 'withdrawn')),
    created_at TEXT NOT NULL,
    created_on TEXT NOT NULL,
    created_by TEXT,
    reminders_sent INTEGER NOT NULL DEFAULT 0 CHECK (reminders_sent BETWEEN 0 AND 3),
    decided_at TEXT CHECK ((decided_at IS NULL) = (state = 'pending')),
    decided_by TEXT,
    deny_reason TEXT CHECK ((deny_reason IS NULL) = (state <> 'denied')
        AND (deny_reason IS NULL OR deny_reason IN ('IAE', 'SIAE', 'DURATION', 'REASON'))),
    deny_explanation TEXT CHECK ((deny_explanation IS NULL) = (state <> 'denied')),
    -- A JSON array of R-PROL-4's actions.
    proposed_actions TEXT
) STRICT;
-- ;
-- R-PROL-3: at most one pending request per PASS, decided by the database.
CREATE UNIQUE INDEX one_pending_request_per_pass ON prolongation_requests (pass_id)
    WHERE state = 'pending';
-- ;
CREATE INDEX prolongation_requests_to ON prolongation_requests
    (prescriber_organization_id, state, created_at DESC);
-- ;
CREATE INDEX prolongation_requests_from ON prolongation_requests
    (structure_id, state, created_at DESC);
-- ;
CREATE INDEX prolongation_requests_reminders ON prolongation_requests (created_on)
    WHERE state = 'pending' AND reminders_sent < 3;
-- ;
CREATE TABLE prolongations (
    id TEXT PRIMARY KEY,
    pass_id TEXT NOT NULL REFERENCES passes (id),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL CHECK (end_at > start_at),
    reason TEXT NOT NULL CHECK (reason IN ('SENIOR_CDI', 'COMPLETE_TRAINING', 'RQTH', 'SENIOR',
        'PARTICULAR_DIFFICULTIES')),
    explanation TEXT CHECK (length(explanation) BETWEEN 1 AND 5000),
    structure_id TEXT NOT NULL REFERENCES organizations (id),
    -- The granted request, for the three reasons decided by an authorized prescriber.
    request_id TEXT UNIQUE REFERENCES prolongation_requests (id),
    created_at TEXT NOT NULL,
    created_by TEXT
) STRICT;
-- ;
CREATE INDEX prolongations_of_pass ON prolongations (pass_id, start_at);
