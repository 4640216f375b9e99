-- SNS records: mobile push platform applications and their endpoints, the account's SMS
-- settings and SMS sandbox, and the phone numbers opted out of SMS. Partitioned by account and
-- region. Nothing here is ever sent to a push service or a phone. Times are epoch seconds of
-- the local clock.

CREATE TABLE sns_platform_applications (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,       -- listing order
    account     TEXT NOT NULL,
    region      TEXT NOT NULL,
    platform    TEXT NOT NULL,                           -- ADM | APNS | APNS_SANDBOX | GCM | ...
    name        TEXT NOT NULL,
    arn         TEXT NOT NULL UNIQUE,                    -- ...:app/<platform>/<name>
    attributes  TEXT NOT NULL DEFAULT '{}',              -- JSON: the attributes Get... returns
    credentials TEXT NOT NULL DEFAULT '{}',              -- JSON {"sealed": ...}: secrets, wrapped
    created     REAL NOT NULL,
    UNIQUE (account, region, platform, name)
);

CREATE TABLE sns_platform_endpoints (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,   -- listing order
    account         TEXT NOT NULL,
    region          TEXT NOT NULL,
    arn             TEXT NOT NULL UNIQUE,                -- ...:endpoint/<platform>/<app>/<uuid>
    application_arn TEXT NOT NULL,
    token           TEXT NOT NULL,                       -- the device token (also in attributes)
    attributes      TEXT NOT NULL DEFAULT '{}',          -- JSON: CustomUserData, Enabled, Token
    created         REAL NOT NULL
);
CREATE INDEX sns_platform_endpoints_by_token ON sns_platform_endpoints (application_arn, token);

-- The account's SMS settings in a region (SetSMSAttributes) and whether it is in the SMS
-- sandbox. No row means the defaults: no attributes set, in the sandbox.
CREATE TABLE sns_sms_settings (
    account    TEXT NOT NULL,
    region     TEXT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',               -- JSON: the attributes set
    in_sandbox INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (account, region)
);

-- Destination phone numbers of the SMS sandbox and the one-time password last sent to each.
CREATE TABLE sns_sandbox_numbers (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,     -- listing order
    account       TEXT NOT NULL,
    region        TEXT NOT NULL,
    phone_number  TEXT NOT NULL,
    status        TEXT NOT NULL,                         -- Pending | Verified
    language_code TEXT NOT NULL,
    otp           TEXT,                                  -- the last one-time password sent
    sends         TEXT NOT NULL DEFAULT '[]',            -- JSON: times the password was sent
    last_attempt  REAL NOT NULL,                         -- last send, verification or attempt
    verified_at   REAL,
    UNIQUE (account, region, phone_number)
);

-- Phone numbers that opted out of SMS (a STOP reply in AWS), and when each was last opted in.
CREATE TABLE sns_phone_numbers (
    account      TEXT NOT NULL,
    region       TEXT NOT NULL,
    phone_number TEXT NOT NULL,                          -- E.164, with the +
    opted_out    INTEGER NOT NULL DEFAULT 0,
    opted_out_at REAL,
    opted_in_at  REAL,                                   -- last OptInPhoneNumber that applied
    PRIMARY KEY (account, region, phone_number)
);
