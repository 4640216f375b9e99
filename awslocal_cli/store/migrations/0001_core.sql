-- Core tables: bookkeeping and the event log shared by every service.

-- Free-form settings of the state itself: schema_version, written_by, created_at,
-- clock_offset (seconds added to the system time by `awslocal local clock`).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The audit trail (CloudTrail-shaped): one row per request a user made or a service made on a
-- user's behalf, successful or not. Never holds key material or plaintext.
CREATE TABLE events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id      TEXT NOT NULL UNIQUE,          -- a UUID
    account       TEXT NOT NULL,
    region        TEXT NOT NULL,
    event_time    REAL NOT NULL,                 -- epoch seconds, local clock
    event_source  TEXT NOT NULL,                 -- e.g. kms.amazonaws.com
    event_name    TEXT NOT NULL,                 -- the API operation, e.g. Encrypt
    username      TEXT NOT NULL,                 -- IAM user name, or the service principal
    principal     TEXT NOT NULL,                 -- caller ARN, or the service principal
    invoked_by    TEXT,                          -- service principal acting for the user
    resources     TEXT NOT NULL DEFAULT '[]',    -- JSON [{"ResourceType":..,"ResourceName":..}]
    request       TEXT NOT NULL DEFAULT '{}',    -- JSON request parameters, secrets removed
    error_code    TEXT,
    error_message TEXT,
    read_only     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_by_time ON events (account, region, event_time);
CREATE INDEX events_by_name ON events (account, region, event_name, event_time);
