-- 0007 the boxes' totals: how many applications each box holds, per state, kept in the
-- transaction of every change of an application, so that a box's page 1 never counts the
-- box (the busiest organizations hold tens of thousands). Filled from what is there.
CREATE TABLE application_counts (
    owner_id TEXT NOT NULL,
    box TEXT NOT NULL CHECK (box IN ('sent', 'received', 'candidate')),
    state TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (owner_id, box, state)
) STRICT, WITHOUT ROWID;
-- ;
INSERT INTO application_counts (owner_id, box, state, n)
SELECT sender_organization_id, 'sent', state, COUNT(*) FROM applications
WHERE sender_organization_id IS NOT NULL GROUP BY sender_organization_id, state;
-- ;
INSERT INTO application_counts (owner_id, box, state, n)
SELECT structure_id, 'received', state, COUNT(*) FROM applications GROUP BY structure_id, state;
-- ;
INSERT INTO application_counts (owner_id, box, state, n)
SELECT candidate_id, 'candidate', state, COUNT(*) FROM applications GROUP BY candidate_id, state;
