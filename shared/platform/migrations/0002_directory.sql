-- 0002 directory: reference data (departments, regions, ROME), structure and prescriber
-- details, job descriptions, and the per-cell search index of R-DIR-1..3.
CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    chef_lieu_insee TEXT NOT NULL,
    zone TEXT NOT NULL
) STRICT;
-- ;
CREATE TABLE departments (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    region_name TEXT NOT NULL,
    chef_lieu_insee TEXT NOT NULL,
    zone TEXT NOT NULL
) STRICT;
-- ;
CREATE TABLE rome_codes (
    code TEXT PRIMARY KEY CHECK (length(code) = 5),
    name TEXT NOT NULL
) STRICT;
-- ;
CREATE TABLE rome_appellations (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    rome_code TEXT NOT NULL REFERENCES rome_codes (code),
    search_name TEXT NOT NULL
) STRICT;
-- ;
CREATE INDEX rome_appellations_rome ON rome_appellations (rome_code);
-- ;
CREATE TABLE city_post_codes (
    post_code TEXT NOT NULL,
    insee_code TEXT NOT NULL REFERENCES cities (insee_code),
    PRIMARY KEY (post_code, insee_code)
) STRICT, WITHOUT ROWID;
-- ;
-- R-ORG-2 structure flags; R-PASS-9 "in prison".
ALTER TABLE organizations ADD COLUMN blocks_applications INTEGER NOT NULL DEFAULT 0
    CHECK (blocks_applications IN (0, 1));
-- ;
ALTER TABLE organizations ADD COLUMN spontaneous_applications_open INTEGER NOT NULL DEFAULT 1
    CHECK (spontaneous_applications_open IN (0, 1));
-- ;
ALTER TABLE organizations ADD COLUMN in_prison INTEGER NOT NULL DEFAULT 0 CHECK (in_prison IN (0, 1));
-- ;
ALTER TABLE organizations ADD COLUMN city_name TEXT;
-- ;
ALTER TABLE organizations ADD COLUMN code_safir TEXT;
-- ;
-- Where the row comes from: national_list, demo, synthetic (fictitious, for benchmarks) or NULL.
ALTER TABLE organizations ADD COLUMN source TEXT
    CHECK (source IS NULL OR source IN ('national_list', 'demo', 'synthetic'));
-- ;
-- The directory grid cell of the coordinates (see tremplin_domain::geo), NULL without them.
ALTER TABLE organizations ADD COLUMN cell_row INTEGER;
-- ;
ALTER TABLE organizations ADD COLUMN cell_column INTEGER;
-- ;
CREATE INDEX organizations_cell ON organizations (category, cell_row, cell_column);
-- ;
-- France Travail agencies have no SIRET: their SAFIR code identifies them.
CREATE UNIQUE INDEX organizations_code_safir ON organizations (code_safir) WHERE code_safir IS NOT NULL;
-- ;
CREATE TABLE job_descriptions (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES organizations (id),
    appellation_code TEXT NOT NULL REFERENCES rome_appellations (code),
    rome_code TEXT NOT NULL REFERENCES rome_codes (code),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
    contract_type TEXT NOT NULL,
    open_positions INTEGER NOT NULL CHECK (open_positions BETWEEN 0 AND 999),
    is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
    location_insee TEXT REFERENCES cities (insee_code),
    description TEXT,
    source TEXT CHECK (source IS NULL OR source IN ('demo', 'synthetic')),
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT
) STRICT;
-- ;
CREATE INDEX job_descriptions_structure ON job_descriptions (structure_id, appellation_code);
-- ;
-- One blob per (layer, cell): the organizations located there with what searches filter and sort
-- on (tremplin_domain::directory::encode). Rebuilt in the transaction that changes any of them.
CREATE TABLE directory_cells (
    layer TEXT NOT NULL CHECK (layer IN ('structure', 'prescriber')),
    cell_row INTEGER NOT NULL,
    cell_column INTEGER NOT NULL,
    entries BLOB NOT NULL,
    PRIMARY KEY (layer, cell_row, cell_column)
) STRICT, WITHOUT ROWID;
