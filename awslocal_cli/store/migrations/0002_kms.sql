-- KMS: keys, their versioned key material (wrapped by root.key), aliases, grants, tags,
-- import tokens and custom key stores. Everything is partitioned by account and region.
-- Times are epoch seconds of the local clock. Key material never appears unwrapped here.

CREATE TABLE kms_keys (
    seq                       INTEGER PRIMARY KEY AUTOINCREMENT,  -- listing order
    account                   TEXT NOT NULL,
    region                    TEXT NOT NULL,
    key_id                    TEXT NOT NULL,            -- UUID, or mrk-<32 hex> (multi-Region)
    arn                       TEXT NOT NULL,
    key_spec                  TEXT NOT NULL,            -- SYMMETRIC_DEFAULT, RSA_2048, ...
    key_usage                 TEXT NOT NULL,            -- ENCRYPT_DECRYPT, SIGN_VERIFY, ...
    origin                    TEXT NOT NULL,            -- AWS_KMS, EXTERNAL, AWS_CLOUDHSM, ...
    key_state                 TEXT NOT NULL,            -- Enabled, Disabled, PendingDeletion, ...
    key_manager               TEXT NOT NULL DEFAULT 'CUSTOMER',
    managed_service           TEXT,                     -- 'sqs' for alias/aws/sqs keys
    description               TEXT NOT NULL DEFAULT '',
    creation_date             REAL NOT NULL,
    deletion_date             REAL,
    pending_window_days       INTEGER,
    state_before_deletion     TEXT,                     -- PendingImport keys go back there
    policy                    TEXT NOT NULL,            -- the key policy named "default"
    multi_region              INTEGER NOT NULL DEFAULT 0,
    primary_region            TEXT,                     -- multi-Region keys: the primary's region
    custom_key_store_id       TEXT,
    xks_key_id                TEXT,
    valid_to                  REAL,                     -- imported material expiry
    expiration_model          TEXT,
    rotation_enabled          INTEGER NOT NULL DEFAULT 0,
    rotation_period_days      INTEGER,
    next_rotation_date        REAL,
    on_demand_rotation_start  REAL,
    current_material_id       TEXT,                     -- 64 hex; NULL while PendingImport
    UNIQUE (account, region, key_id)
);
CREATE INDEX kms_keys_by_deletion ON kms_keys (deletion_date) WHERE deletion_date IS NOT NULL;
CREATE INDEX kms_keys_by_rotation ON kms_keys (next_rotation_date)
    WHERE next_rotation_date IS NOT NULL;

-- Every version of a key's material, kept after rotation so old ciphertexts still decrypt.
CREATE TABLE kms_key_material (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    account          TEXT NOT NULL,
    region           TEXT NOT NULL,
    key_id           TEXT NOT NULL,
    material_id      TEXT NOT NULL,                     -- 64 hex (KeyMaterialId)
    wrapped          BLOB,                              -- crypto.wrap_material(root key, ...)
    created          REAL NOT NULL,
    rotation_date    REAL,                              -- NULL for the original material
    rotation_type    TEXT,                              -- AUTOMATIC | ON_DEMAND
    imported         INTEGER NOT NULL DEFAULT 0,
    import_state     TEXT,                              -- IMPORTED | PENDING_IMPORT
    valid_to         REAL,
    expiration_model TEXT,
    description      TEXT,
    UNIQUE (account, region, key_id, material_id)
);

CREATE TABLE kms_aliases (
    account       TEXT NOT NULL,
    region        TEXT NOT NULL,
    alias_name    TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    creation_date REAL NOT NULL,
    last_updated  REAL NOT NULL,
    PRIMARY KEY (account, region, alias_name)
);
CREATE INDEX kms_aliases_by_key ON kms_aliases (account, region, key_id);

CREATE TABLE kms_grants (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    account           TEXT NOT NULL,
    region            TEXT NOT NULL,
    grant_id          TEXT NOT NULL,
    key_id            TEXT NOT NULL,
    grant_token       TEXT NOT NULL,
    name              TEXT,
    grantee           TEXT NOT NULL,
    retiring          TEXT,
    issuing_account   TEXT NOT NULL,
    operations        TEXT NOT NULL,                    -- JSON list
    constraints       TEXT,                             -- JSON object or NULL
    creation_date     REAL NOT NULL,
    UNIQUE (account, region, grant_id)
);
CREATE INDEX kms_grants_by_key ON kms_grants (account, region, key_id);
CREATE INDEX kms_grants_by_token ON kms_grants (grant_token);

CREATE TABLE kms_tags (
    account   TEXT NOT NULL,
    region    TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    tag_key   TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (account, region, key_id, tag_key)
);

-- GetParametersForImport: the wrapping key pair (wrapped by the root key) behind a token.
CREATE TABLE kms_import_tokens (
    token_hash         TEXT PRIMARY KEY,                -- sha256 hex of the import token
    account            TEXT NOT NULL,
    region             TEXT NOT NULL,
    key_id             TEXT NOT NULL,
    wrapping_algorithm TEXT NOT NULL,
    wrapping_key_spec  TEXT NOT NULL,
    wrapped_private    BLOB NOT NULL,
    created            REAL NOT NULL,
    valid_to           REAL NOT NULL
);

CREATE TABLE kms_custom_key_stores (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    account          TEXT NOT NULL,
    region           TEXT NOT NULL,
    store_id         TEXT NOT NULL,
    name             TEXT NOT NULL,
    store_type       TEXT NOT NULL,                     -- AWS_CLOUDHSM | EXTERNAL_KEY_STORE
    config           TEXT NOT NULL DEFAULT '{}',        -- JSON: cluster, trust anchor, XKS proxy
    connection_state TEXT NOT NULL DEFAULT 'DISCONNECTED',
    creation_date    REAL NOT NULL,
    UNIQUE (account, region, store_id)
);
