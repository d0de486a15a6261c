-- 0001 foundation: accounts, organizations, memberships, invitations, API sessions, audit log,
-- idempotency keys and cities. Statements are separated by a line holding only `-- ;`
-- because Spin's SQLite `execute` runs one statement at a time.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
    first_name TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 150),
    last_name TEXT NOT NULL CHECK (length(last_name) BETWEEN 1 AND 150),
    password_hash TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL
) STRICT;
-- ;
CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    category TEXT NOT NULL CHECK (category IN ('prescriber', 'structure', 'administration')),
    kind TEXT NOT NULL,
    siret TEXT CHECK (siret IS NULL OR (length(siret) = 14 AND siret NOT GLOB '*[^0-9]*')),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    brand TEXT,
    address_line_1 TEXT,
    address_line_2 TEXT,
    post_code TEXT,
    city_insee TEXT,
    department TEXT,
    latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    phone TEXT,
    email TEXT,
    website TEXT,
    description TEXT,
    authorization_status TEXT NOT NULL DEFAULT 'NOT_SET'
        CHECK (authorization_status IN ('NOT_SET', 'VALIDATED', 'REFUSED', 'NOT_REQUIRED')),
    authorization_valid_until TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT
) STRICT;
-- ;
-- R-ORG-2: SIRET unique together with kind.
CREATE UNIQUE INDEX organizations_siret_kind ON organizations (siret, kind) WHERE siret IS NOT NULL;
-- ;
CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    -- pending: an access request waiting for an admin (R-ORG-6); inactive: deactivated.
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'inactive')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (user_id, organization_id)
) STRICT;
-- ;
CREATE INDEX memberships_organization ON memberships (organization_id, status);
-- ;
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id)
) STRICT;
-- ;
CREATE INDEX invitations_pending ON invitations (organization_id, accepted_at, expires_at);
-- ;
CREATE TABLE api_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at TEXT
) STRICT;
-- ;
CREATE INDEX api_sessions_user ON api_sessions (user_id);
-- ;
-- Failed logins per e-mail or per client address, one row per key and fixed window: bounded by
-- the keys seen in the current window, older rows are purged on each write.
CREATE TABLE login_throttle (
    key_hash TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    failures INTEGER NOT NULL
) STRICT;
-- ;
CREATE INDEX login_throttle_window ON login_throttle (window_start);
-- ;
-- Append-only: who did what, when, to what (STYLE 10). Never personal data in `details`.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_user_id TEXT,
    organization_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
) STRICT;
-- ;
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;
-- ;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
-- ;
CREATE TABLE cities (
    insee_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    department_code TEXT NOT NULL,
    department_name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    region_name TEXT NOT NULL,
    zone TEXT NOT NULL,
    post_codes TEXT NOT NULL,
    latitude REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    population INTEGER,
    search_name TEXT NOT NULL
) STRICT;
-- ;
CREATE INDEX cities_search_name ON cities (search_name);
