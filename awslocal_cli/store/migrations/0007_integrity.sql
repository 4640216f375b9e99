-- Integrity: the fingerprint of the root key the state was made with; service-principal grants.

-- One row: a MAC of a constant under root.key (BLAKE2b-256 keyed by the 32 root-key bytes over
-- b"awslocal/root-key-fingerprint/v1"), so opening the state with a missing or different
-- root.key is refused before anything is wrapped with the wrong key (exit 253). It reveals
-- nothing about the key. Recorded on first use of the root key; `awslocal local check`
-- compares it too.
CREATE TABLE root_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,                    -- 64 hex
    recorded    REAL NOT NULL                     -- epoch seconds, system time
);

-- The database gives space back after large deletes: new states are created with
-- PRAGMA auto_vacuum = INCREMENTAL and awslocal runs PRAGMA incremental_vacuum when a command
-- leaves many free pages; an older state is switched (PRAGMA auto_vacuum + VACUUM, which cannot
-- run inside a migration's transaction) right after this migration is applied.

-- KMS grants whose grantee or retiring principal was given as a service principal
-- (CreateGrant's GranteeServicePrincipal, RetiringServicePrincipal): listed under those names.
ALTER TABLE kms_grants ADD COLUMN grantee_is_service INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kms_grants ADD COLUMN retiring_is_service INTEGER NOT NULL DEFAULT 0;
