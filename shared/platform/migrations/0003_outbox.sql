-- 0003 e-mail outbox: a message is written in the transaction of the act that causes it, then
-- delivered through the HTTP e-mail API (right after that act's answer, or by the scheduled
-- delivery endpoint). `pending` waits for `next_attempt_at`; `sending` is claimed by one deliverer
-- until `lease_until`; `sent` and `failed` are final. The text is dropped once sent or abandoned:
-- it may carry a one-time link (an invitation code) that the database otherwise keeps only hashed.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT,
    organization_id TEXT,
    kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
    recipient TEXT NOT NULL CHECK (recipient = lower(recipient) AND recipient LIKE '%_@_%'),
    subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    body_text TEXT CHECK ((body_text IS NULL) = (state IN ('sent', 'failed'))),
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    lease_token TEXT CHECK ((lease_token IS NULL) = (state <> 'sending')),
    lease_until INTEGER CHECK ((lease_until IS NULL) = (state <> 'sending')),
    last_error TEXT,
    sent_at TEXT CHECK ((sent_at IS NULL) = (state <> 'sent'))
) STRICT;
-- ;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
