-- 0008 what an application's insert, changes and deletion imply, kept by the database in the
-- statement itself, so that no act can forget it (issue 8's transitions included) and no
-- request pays a round trip per box:
-- * the boxes' totals (0007): one more in the sender organization's `sent`, the structure's
--   `received` and the candidate's `candidate` box for the application's state; a change of
--   state or of any of those three moves one from the old boxes and state to the new; a
--   deletion takes one away;
-- * R-CAND-6 / R-PASS-10: the receiving structure knows the candidate and sees the NIR; so does
--   the sending organization, which sees it if it sent as an authorized prescriber. Knowing
--   never narrows (`sees_nir` only turns on); `since` is the first application's time.
CREATE TRIGGER applications_counted AFTER INSERT ON applications BEGIN
    INSERT INTO application_counts (owner_id, box, state, n)
    SELECT NEW.sender_organization_id, 'sent', NEW.state, 1
        WHERE NEW.sender_organization_id IS NOT NULL
    UNION ALL SELECT NEW.structure_id, 'received', NEW.state, 1
    UNION ALL SELECT NEW.candidate_id, 'candidate', NEW.state, 1 WHERE true
    ON CONFLICT (owner_id, box, state) DO UPDATE SET n = n + 1;
    INSERT INTO candidate_organizations (candidate_id, organization_id, sees_nir, since)
    SELECT NEW.candidate_id, NEW.structure_id, 1, NEW.created_at
    UNION ALL SELECT NEW.candidate_id, NEW.sender_organization_id,
        NEW.sender_kind = 'prescriber', NEW.created_at
        WHERE NEW.sender_organization_id IS NOT NULL
    ON CONFLICT (organization_id, candidate_id) DO UPDATE
        SET sees_nir = max(sees_nir, excluded.sees_nir), since = min(since, excluded.since);
END;
-- ;
CREATE TRIGGER applications_recounted
AFTER UPDATE OF state, structure_id, sender_organization_id, candidate_id ON applications
WHEN OLD.state IS NOT NEW.state OR OLD.structure_id IS NOT NEW.structure_id
    OR OLD.sender_organization_id IS NOT NEW.sender_organization_id
    OR OLD.candidate_id IS NOT NEW.candidate_id BEGIN
    UPDATE application_counts SET n = n - 1 WHERE state = OLD.state AND (
        (box = 'sent' AND owner_id = OLD.sender_organization_id)
        OR (box = 'received' AND owner_id = OLD.structure_id)
        OR (box = 'candidate' AND owner_id = OLD.candidate_id));
    -- applications_counted's statement again, for NEW.state: triggers cannot share one.
    INSERT INTO application_counts (owner_id, box, state, n)
    SELECT NEW.sender_organization_id, 'sent', NEW.state, 1
        WHERE NEW.sender_organization_id IS NOT NULL
    UNION ALL SELECT NEW.structure_id, 'received', NEW.state, 1
    UNION ALL SELECT NEW.candidate_id, 'candidate', NEW.state, 1 WHERE true
    ON CONFLICT (owner_id, box, state) DO UPDATE SET n = n + 1;
END;
-- ;
CREATE TRIGGER applications_uncounted AFTER DELETE ON applications BEGIN
    UPDATE application_counts SET n = n - 1 WHERE state = OLD.state AND (
        (box = 'sent' AND owner_id = OLD.sender_organization_id)
        OR (box = 'received' AND owner_id = OLD.structure_id)
        OR (box = 'candidate' AND owner_id = OLD.candidate_id));
END;
