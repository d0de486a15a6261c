-- 0006 the apply workflow (issue 7): candidates, who may see them, socio-professional diagnoses,
-- CVs, applications and their job descriptions, candidate invitations and registrations.
-- R-CAND-1: the NIR is stored uppercase without spaces (2A/2B kept) and unique when present;
-- instead of it a reason. R-CAND-4: a France Travail id or its reason.
CREATE TABLE candidates (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL CHECK (title IN ('M', 'MME')),
    first_name TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 150),
    last_name TEXT NOT NULL CHECK (length(last_name) BETWEEN 1 AND 150),
    -- `tremplin_domain::search::normalize` of "last first", for "my candidates" by name.
    search_name TEXT NOT NULL,
    birthdate TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
    phone TEXT,
    nir TEXT UNIQUE CHECK (nir IS NULL OR length(nir) = 15),
    lack_of_nir_reason TEXT CHECK (lack_of_nir_reason IN ('NO_NIR', 'NIR_ASSOCIATED_TO_OTHER')),
    france_travail_id TEXT,
    lack_of_france_travail_id_reason TEXT
        CHECK (lack_of_france_travail_id_reason IN ('FORGOTTEN', 'NOT_REGISTERED')),
    address TEXT,
    post_code TEXT,
    city_insee TEXT,
    -- The candidate's own account, once they registered or accepted an invitation.
    user_id TEXT UNIQUE REFERENCES users (id),
    is_synthetic INTEGER NOT NULL DEFAULT 0 CHECK (is_synthetic IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    CHECK ((nir IS NULL) <> (lack_of_nir_reason IS NULL)),
    CHECK ((france_travail_id IS NULL) <> (lack_of_france_travail_id_reason IS NULL))
) STRICT;
-- ;
-- The organizations that know a candidate: the one that registered them, those that found them
-- with matching identity data, those that sent or received one of their applications. Only
-- they (and the candidate) read the candidate (R-CAND-6); `sees_nir` marks the ones R-PASS-10
-- entitles to the full NIR (a structure that received an application, an authorized
-- prescriber that sent one).
CREATE TABLE candidate_organizations (
    candidate_id TEXT NOT NULL REFERENCES candidates (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    sees_nir INTEGER NOT NULL DEFAULT 0 CHECK (sees_nir IN (0, 1)),
    since TEXT NOT NULL,
    PRIMARY KEY (organization_id, candidate_id)
) STRICT, WITHOUT ROWID;
-- ;
CREATE INDEX candidate_organizations_candidate ON candidate_organizations (candidate_id);
-- ;
-- R-ELIG-1..3: `made_on` and `expires_at` are dates (expires_at = the first invalid day);
-- an employer diagnosis belongs to the structure that made it and is visible only to it.
CREATE TABLE diagnoses (
    id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL REFERENCES candidates (id),
    author_kind TEXT NOT NULL CHECK (author_kind IN ('prescriber', 'employer')),
    author_organization_id TEXT NOT NULL REFERENCES organizations (id),
    author_user_id TEXT NOT NULL REFERENCES users (id),
    grid TEXT CHECK (grid IS NULL OR json_valid(grid)),
    administrative_criteria TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(administrative_criteria)),
    situation TEXT,
    obstacles TEXT,
    objectives TEXT,
    made_on TEXT NOT NULL,
    expires_at TEXT NOT NULL CHECK (expires_at >= made_on),
    created_at TEXT NOT NULL,
    CHECK (author_kind = 'employer' OR grid IS NOT NULL)
) STRICT;
-- ;
CREATE INDEX diagnoses_candidate ON diagnoses (candidate_id, author_kind, expires_at);
-- ;
-- R-APPLY-1: a CV is uploaded first (a PDF, at most 1 MB), then attached to one application.
CREATE TABLE cvs (
    id TEXT PRIMARY KEY,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes BETWEEN 1 AND 1000000),
    -- Last: reading the other columns never walks the file's overflow pages.
    content BLOB NOT NULL
) STRICT;
-- ;
CREATE INDEX cvs_uploader ON cvs (uploaded_by);
-- ;
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL REFERENCES candidates (id),
    structure_id TEXT NOT NULL REFERENCES organizations (id),
    sender_kind TEXT NOT NULL
        CHECK (sender_kind IN ('prescriber', 'orienteur', 'employer', 'job_seeker')),
    sender_user_id TEXT NOT NULL REFERENCES users (id),
    -- NULL for a candidate applying for themselves.
    sender_organization_id TEXT REFERENCES organizations (id),
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'processing', 'postponed',
        'accepted', 'refused', 'cancelled', 'obsolete', 'pool')),
    message TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
    -- R-APPLY-4: the candidate's consent to share the diagnosis with the structure.
    diagnosis_shared INTEGER NOT NULL CHECK (diagnosis_shared IN (0, 1)),
    -- R-ELIG-5 at sending: the diagnosis the consent was given for, shown to the structure.
    diagnosis_id TEXT REFERENCES diagnoses (id),
    cv_id TEXT UNIQUE REFERENCES cvs (id),
    -- Unix seconds, for R-APPLY-3's 24 hours and the boxes' order; `created_at` is RFC 3339.
    created_unix INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    is_synthetic INTEGER NOT NULL DEFAULT 0 CHECK (is_synthetic IN (0, 1)),
    CHECK ((sender_kind = 'job_seeker') = (sender_organization_id IS NULL))
) STRICT;
-- ;
-- The boxes (newest first) and the monthly export: each read walks one of these in order and
-- stops at the page; a state filter walks the same index and skips the other states.
CREATE INDEX applications_sent ON applications (sender_organization_id, created_unix DESC, id DESC);
-- ;
CREATE INDEX applications_received ON applications (structure_id, created_unix DESC, id DESC);
-- ;
-- R-APPLY-3's previous application, and a candidate's own box.
CREATE INDEX applications_candidate
    ON applications (candidate_id, structure_id, created_unix DESC);
-- ;
CREATE TABLE application_jobs (
    application_id TEXT NOT NULL REFERENCES applications (id),
    job_id TEXT NOT NULL REFERENCES job_descriptions (id),
    PRIMARY KEY (application_id, job_id)
) STRICT, WITHOUT ROWID;
-- ;
-- A code e-mailed to a candidate: by a prescriber for a known candidate (`candidate_id`), or by
-- self-registration (`candidate_id` NULL). Accepting sets the password of a new candidate
-- account. Stored hashed, like organization invitations.
CREATE TABLE candidate_invitations (
    id TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    candidate_id TEXT REFERENCES candidates (id),
    email TEXT NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT REFERENCES users (id)
) STRICT;
-- ;
CREATE INDEX candidate_invitations_candidate ON candidate_invitations (candidate_id, accepted_at);
