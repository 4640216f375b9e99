-- SNS delivery to endpoints: the message signing key of each region, and the HTTP/HTTPS
-- requests waiting for their first attempt or a retry. A request of an encrypted topic is
-- held only as ciphertext: its body is sealed with the topic's data key, which is kept as the
-- CiphertextBlob KMS returned and decrypted through KMS when the request is attempted.

CREATE TABLE sns_signing (
    account     TEXT NOT NULL,
    region      TEXT NOT NULL,
    private_key BLOB NOT NULL,                           -- PKCS#8 DER, wrapped by root.key
    certificate TEXT NOT NULL,                           -- PEM, also written to sns/<region>.pem
    created     REAL NOT NULL,
    PRIMARY KEY (account, region)
);

CREATE TABLE sns_pending (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    account          TEXT NOT NULL,                      -- the topic's account and region
    region           TEXT NOT NULL,
    topic_arn        TEXT NOT NULL,
    subscription_arn TEXT NOT NULL,
    endpoint         TEXT NOT NULL,                      -- the URL to POST to
    message_id       TEXT NOT NULL,
    message_type     TEXT NOT NULL,                      -- Notification | SubscriptionConfirmation | UnsubscribeConfirmation
    headers          TEXT NOT NULL,                      -- JSON: the request headers
    body             BLOB NOT NULL,                      -- the request body, sealed if kms_key_arn
    kms_key_arn      TEXT,                               -- the topic's KMS key, for encrypted topics
    wrapped_key      BLOB,                               -- the data key's CiphertextBlob
    principal        TEXT,                               -- the publisher: Decrypt is made as it
    retry_policy     TEXT NOT NULL,                      -- JSON: the effective healthyRetryPolicy
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt     REAL NOT NULL,
    claimed_until    REAL NOT NULL DEFAULT 0,            -- wall-clock lease of the process attempting it
    created          REAL NOT NULL
);
CREATE INDEX sns_pending_due ON sns_pending (next_attempt);

-- When the current confirmation token of a pending subscription was sent (tokens last 2 days).
ALTER TABLE sns_subscriptions ADD COLUMN token_issued REAL;

-- Outbox payloads of encrypted topics are kept wrapped by root.key (sealed = 1).
ALTER TABLE sns_deliveries ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;

-- FIFO topics with an ArchivePolicy keep what they publish for MessageRetentionPeriod days, so
-- a subscription's ReplayPolicy can deliver it again. Bodies of encrypted topics are sealed
-- with the topic's data key, kept as the CiphertextBlob KMS returned (as in sns_pending).
ALTER TABLE sns_topics ADD COLUMN archive_since REAL;    -- when the ArchivePolicy was set

CREATE TABLE sns_archive (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,   -- publishing order
    topic_arn       TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    sequence_number TEXT NOT NULL,
    published       REAL NOT NULL,
    group_id        TEXT NOT NULL,
    dedup_id        TEXT NOT NULL,
    subject         TEXT,
    structured      INTEGER NOT NULL DEFAULT 0,          -- MessageStructure json
    attributes      TEXT NOT NULL,                       -- JSON: the message attributes
    body            BLOB NOT NULL,                       -- the message, sealed if kms_key_arn
    kms_key_arn     TEXT,
    wrapped_key     BLOB,
    expires_at      REAL NOT NULL
);
CREATE INDEX sns_archive_by_topic ON sns_archive (topic_arn, published, seq);

-- HTTP/S subscriptions removed by Unsubscribe, kept for the two days their
-- UnsubscribeConfirmation token can restore them with ConfirmSubscription.
CREATE TABLE sns_unsubscribed (
    token        TEXT PRIMARY KEY,
    topic_arn    TEXT NOT NULL,
    subscription TEXT NOT NULL,                          -- JSON: the sns_subscriptions row
    issued       REAL NOT NULL
);
