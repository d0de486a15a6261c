-- 0012 statistics (R-STAT-1, issue 10): counters kept by the database in the statements of the
-- acts themselves (as 0008's boxes), so that a national or departmental figure reads a few
-- hundred counter rows, never the applications.
--
-- What is counted where, defined once in the `*_stat_keys` views: each row of a view is one
-- counter key a fact contributes 1 to. The triggers add a fact's keys after it is written and
-- take its old keys away before it changes (BEFORE triggers only write the counters, never the
-- row being changed); the `*_recomputed` views count the same keys from the raw rows, which is
-- how this migration fills the counters and how `GET /api/v1/admin/stats/check` compares them.
--
-- Our readings (written in shared/domain/src/stats.rs too):
-- * applications are counted in the month they were sent (a cohort: of those sent in the
--   period, how many are now accepted, refused, pending), in the calendar month of their
--   `created_unix` (UTC);
-- * the territory of an application is its structure's department; of a PASS act, the
--   department of the organization that acted (the hiring structure, the suspending
--   organization, the prolonging structure); a region is the sum of its departments;
-- * the first answer is the structure's first act on an application (study, postpone, pool,
--   refuse, accept), at the rules' instant (`answered_unix`, set by the act);
-- * a PASS is counted issued in the month its hire starts, suspended and prolonged in the
--   month the suspension or prolongation starts.
-- ;
ALTER TABLE applications ADD COLUMN answered_unix INTEGER;
-- ;
-- Applications answered before this column: their last change is the closest we know.
UPDATE applications SET answered_unix = max(created_unix, CAST(strftime('%s', updated_at) AS INTEGER))
WHERE state NOT IN ('new', 'cancelled', 'obsolete');
-- ;
CREATE VIEW application_facts AS
SELECT a.id, a.structure_id, a.sender_organization_id, s.department, s.kind AS structure_kind,
    strftime('%Y-%m', a.created_unix, 'unixepoch') AS month, a.state,
    CASE WHEN a.state = 'refused' THEN coalesce(a.refusal_reason, '') ELSE '' END AS refusal_reason,
    CAST(julianday(date(a.answered_unix, 'unixepoch'))
        - julianday(date(a.created_unix, 'unixepoch')) AS INTEGER) AS answer_days,
    CASE WHEN a.pass_status = 'issued' THEN substr(a.hiring_start_at, 1, 7) END AS issued_month
FROM applications a JOIN organizations s ON s.id = a.structure_id;
-- ;
-- scope: national (code ''), department (code), sender (the sending organization), structure.
CREATE VIEW application_stat_keys AS
SELECT id, structure_id, 'national' AS scope, '' AS code, month, structure_kind, state,
    refusal_reason FROM application_facts
UNION ALL SELECT id, structure_id, 'department', department, month, structure_kind, state,
    refusal_reason FROM application_facts WHERE department IS NOT NULL
UNION ALL SELECT id, structure_id, 'sender', sender_organization_id, month, structure_kind, state,
    refusal_reason FROM application_facts WHERE sender_organization_id IS NOT NULL
UNION ALL SELECT id, structure_id, 'structure', structure_id, month, structure_kind, state,
    refusal_reason FROM application_facts;
-- ;
CREATE VIEW first_answer_stat_keys AS
SELECT id, structure_id, 'national' AS scope, '' AS code, month, answer_days AS days
    FROM application_facts WHERE answer_days IS NOT NULL
UNION ALL SELECT id, structure_id, 'department', department, month, answer_days
    FROM application_facts WHERE answer_days IS NOT NULL AND department IS NOT NULL
UNION ALL SELECT id, structure_id, 'sender', sender_organization_id, month, answer_days
    FROM application_facts WHERE answer_days IS NOT NULL AND sender_organization_id IS NOT NULL
UNION ALL SELECT id, structure_id, 'structure', structure_id, month, answer_days
    FROM application_facts WHERE answer_days IS NOT NULL;
-- ;
-- A PASS act's keys; `id` is the application, suspension or prolongation, `organization_id`
-- the organization that acted. scope: national, department, organization (that acted), sender
-- (the organization whose application led to the PASS, `issued` only).
CREATE VIEW pass_act_facts AS
SELECT 'issued' AS event, f.id, f.structure_id AS organization_id, f.sender_organization_id,
    f.department, f.issued_month AS month FROM application_facts f WHERE f.issued_month IS NOT NULL
UNION ALL SELECT 'suspended', s.id, s.organization_id, NULL, o.department, substr(s.start_at, 1, 7)
    FROM suspensions s JOIN organizations o ON o.id = s.organization_id
UNION ALL SELECT 'prolonged', p.id, p.structure_id, NULL, o.department, substr(p.start_at, 1, 7)
    FROM prolongations p JOIN organizations o ON o.id = p.structure_id;
-- ;
CREATE VIEW pass_stat_keys AS
SELECT event, id, organization_id, 'national' AS scope, '' AS code, month FROM pass_act_facts
UNION ALL SELECT event, id, organization_id, 'department', department, month FROM pass_act_facts
    WHERE department IS NOT NULL
UNION ALL SELECT event, id, organization_id, 'organization', organization_id, month
    FROM pass_act_facts
UNION ALL SELECT event, id, organization_id, 'sender', sender_organization_id, month
    FROM pass_act_facts WHERE sender_organization_id IS NOT NULL;
-- ;
-- No CHECK (n >= 0): a key's old count is taken away by adding -1 in an upsert, whose row is
-- checked before its conflict is found. A negative count would be drift, which the check
-- command reports.
CREATE TABLE application_stats (
    scope TEXT NOT NULL, code TEXT NOT NULL, month TEXT NOT NULL, structure_kind TEXT NOT NULL,
    state TEXT NOT NULL, refusal_reason TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (scope, code, month, structure_kind, state, refusal_reason)
) STRICT, WITHOUT ROWID;
-- ;
CREATE TABLE first_answer_stats (
    scope TEXT NOT NULL, code TEXT NOT NULL, month TEXT NOT NULL, days INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (scope, code, month, days)
) STRICT, WITHOUT ROWID;
-- ;
CREATE TABLE pass_stats (
    scope TEXT NOT NULL, code TEXT NOT NULL, month TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('issued', 'suspended', 'prolonged')), n INTEGER NOT NULL,
    PRIMARY KEY (scope, code, month, event)
) STRICT, WITHOUT ROWID;
-- ;
CREATE VIEW application_stats_recomputed AS
SELECT scope, code, month, structure_kind, state, refusal_reason, COUNT(*) AS n
FROM application_stat_keys GROUP BY scope, code, month, structure_kind, state, refusal_reason;
-- ;
CREATE VIEW first_answer_stats_recomputed AS
SELECT scope, code, month, days, COUNT(*) AS n FROM first_answer_stat_keys
GROUP BY scope, code, month, days;
-- ;
CREATE VIEW pass_stats_recomputed AS
SELECT scope, code, month, event, COUNT(*) AS n FROM pass_stat_keys
GROUP BY scope, code, month, event;
-- ;
INSERT INTO application_stats SELECT * FROM application_stats_recomputed;
-- ;
INSERT INTO first_answer_stats SELECT * FROM first_answer_stats_recomputed;
-- ;
INSERT INTO pass_stats SELECT * FROM pass_stats_recomputed;
-- ;
-- The triggers. Each adds (+1) or takes away (-1) the keys of one fact; "WHERE true" resolves
-- the upsert's parsing ambiguity after a SELECT.
CREATE TRIGGER application_stats_added AFTER INSERT ON applications BEGIN
    INSERT INTO application_stats SELECT scope, code, month, structure_kind, state,
        refusal_reason, 1 FROM application_stat_keys WHERE id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO first_answer_stats SELECT scope, code, month, days, 1
        FROM first_answer_stat_keys WHERE id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO pass_stats SELECT scope, code, month, event, 1 FROM pass_stat_keys
        WHERE event = 'issued' AND id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER application_stats_left
BEFORE UPDATE OF state, refusal_reason, structure_id, sender_organization_id, created_unix
ON applications
WHEN OLD.state IS NOT NEW.state OR OLD.refusal_reason IS NOT NEW.refusal_reason
    OR OLD.structure_id IS NOT NEW.structure_id
    OR OLD.sender_organization_id IS NOT NEW.sender_organization_id
    OR OLD.created_unix IS NOT NEW.created_unix BEGIN
    INSERT INTO application_stats SELECT scope, code, month, structure_kind, state,
        refusal_reason, -1 FROM application_stat_keys WHERE id = OLD.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER application_stats_entered
AFTER UPDATE OF state, refusal_reason, structure_id, sender_organization_id, created_unix
ON applications
WHEN OLD.state IS NOT NEW.state OR OLD.refusal_reason IS NOT NEW.refusal_reason
    OR OLD.structure_id IS NOT NEW.structure_id
    OR OLD.sender_organization_id IS NOT NEW.sender_organization_id
    OR OLD.created_unix IS NOT NEW.created_unix BEGIN
    INSERT INTO application_stats SELECT scope, code, month, structure_kind, state,
        refusal_reason, 1 FROM application_stat_keys WHERE id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER first_answer_stats_left
BEFORE UPDATE OF answered_unix, structure_id, sender_organization_id, created_unix ON applications
WHEN OLD.answered_unix IS NOT NEW.answered_unix OR OLD.structure_id IS NOT NEW.structure_id
    OR OLD.sender_organization_id IS NOT NEW.sender_organization_id
    OR OLD.created_unix IS NOT NEW.created_unix BEGIN
    INSERT INTO first_answer_stats SELECT scope, code, month, days, -1
        FROM first_answer_stat_keys WHERE id = OLD.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER first_answer_stats_entered
AFTER UPDATE OF answered_unix, structure_id, sender_organization_id, created_unix ON applications
WHEN OLD.answered_unix IS NOT NEW.answered_unix OR OLD.structure_id IS NOT NEW.structure_id
    OR OLD.sender_organization_id IS NOT NEW.sender_organization_id
    OR OLD.created_unix IS NOT NEW.created_unix BEGIN
    INSERT INTO first_answer_stats SELECT scope, code, month, days, 1
        FROM first_answer_stat_keys WHERE id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER pass_issued_stats_left
BEFORE UPDATE OF pass_status, hiring_start_at, structure_id, sender_organization_id
ON applications
WHEN OLD.pass_status IS NOT NEW.pass_status OR OLD.hiring_start_at IS NOT NEW.hiring_start_at
    OR OLD.structure_id IS NOT NEW.structure_id
    OR OLD.sender_organization_id IS NOT NEW.sender_organization_id BEGIN
    INSERT INTO pass_stats SELECT scope, code, month, event, -1 FROM pass_stat_keys
        WHERE event = 'issued' AND id = OLD.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER pass_issued_stats_entered
AFTER UPDATE OF pass_status, hiring_start_at, structure_id, sender_organization_id
ON applications
WHEN OLD.pass_status IS NOT NEW.pass_status OR OLD.hiring_start_at IS NOT NEW.hiring_start_at
    OR OLD.structure_id IS NOT NEW.structure_id
    OR OLD.sender_organization_id IS NOT NEW.sender_organization_id BEGIN
    INSERT INTO pass_stats SELECT scope, code, month, event, 1 FROM pass_stat_keys
        WHERE event = 'issued' AND id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER application_stats_removed BEFORE DELETE ON applications BEGIN
    INSERT INTO application_stats SELECT scope, code, month, structure_kind, state,
        refusal_reason, -1 FROM application_stat_keys WHERE id = OLD.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO first_answer_stats SELECT scope, code, month, days, -1
        FROM first_answer_stat_keys WHERE id = OLD.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO pass_stats SELECT scope, code, month, event, -1 FROM pass_stat_keys
        WHERE event = 'issued' AND id = OLD.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER suspension_stats_added AFTER INSERT ON suspensions BEGIN
    INSERT INTO pass_stats SELECT scope, code, month, event, 1 FROM pass_stat_keys
        WHERE event = 'suspended' AND id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER suspension_stats_left BEFORE UPDATE OF start_at, organization_id ON suspensions
WHEN OLD.start_at IS NOT NEW.start_at OR OLD.organization_id IS NOT NEW.organization_id BEGIN
    INSERT INTO pass_stats SELECT scope, code, month, event, -1 FROM pass_stat_keys
        WHERE event = 'suspended' AND id = OLD.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER suspension_stats_entered AFTER UPDATE OF start_at, organization_id ON suspensions
WHEN OLD.start_at IS NOT NEW.start_at OR OLD.organization_id IS NOT NEW.organization_id BEGIN
    INSERT INTO pass_stats SELECT scope, code, month, event, 1 FROM pass_stat_keys
        WHERE event = 'suspended' AND id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER suspension_stats_removed BEFORE DELETE ON suspensions BEGIN
    INSERT INTO pass_stats SELECT scope, code, month, event, -1 FROM pass_stat_keys
        WHERE event = 'suspended' AND id = OLD.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER prolongation_stats_added AFTER INSERT ON prolongations BEGIN
    INSERT INTO pass_stats SELECT scope, code, month, event, 1 FROM pass_stat_keys
        WHERE event = 'prolonged' AND id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
-- An organization moving to another department (a list re-imported) moves what it counts in
-- its department, in every counter.
CREATE TRIGGER organization_stats_left BEFORE UPDATE OF department ON organizations
WHEN OLD.department IS NOT NEW.department BEGIN
    INSERT INTO application_stats SELECT scope, code, month, structure_kind, state,
        refusal_reason, -COUNT(*) FROM application_stat_keys
        WHERE structure_id = OLD.id AND scope = 'department'
        GROUP BY scope, code, month, structure_kind, state, refusal_reason
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO first_answer_stats SELECT scope, code, month, days, -COUNT(*)
        FROM first_answer_stat_keys WHERE structure_id = OLD.id AND scope = 'department'
        GROUP BY scope, code, month, days
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO pass_stats SELECT scope, code, month, event, -COUNT(*) FROM pass_stat_keys
        WHERE organization_id = OLD.id AND scope = 'department' GROUP BY scope, code, month, event
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- ;
CREATE TRIGGER organization_stats_entered AFTER UPDATE OF department ON organizations
WHEN OLD.department IS NOT NEW.department BEGIN
    INSERT INTO application_stats SELECT scope, code, month, structure_kind, state,
        refusal_reason, COUNT(*) FROM application_stat_keys
        WHERE structure_id = NEW.id AND scope = 'department'
        GROUP BY scope, code, month, structure_kind, state, refusal_reason
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO first_answer_stats SELECT scope, code, month, days, COUNT(*)
        FROM first_answer_stat_keys WHERE structure_id = NEW.id AND scope = 'department'
        GROUP BY scope, code, month, days
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO pass_stats SELECT scope, code, month, event, COUNT(*) FROM pass_stat_keys
        WHERE organization_id = NEW.id AND scope = 'department' GROUP BY scope, code, month, event
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
