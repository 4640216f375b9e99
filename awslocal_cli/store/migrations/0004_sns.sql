-- SNS: topics, their tags, subscriptions, the current data key of encrypted topics, FIFO
-- deduplication, the signing key, and the delivery log. Partitioned by account and region.
-- Times are epoch seconds of the local clock. No message body of an encrypted topic is stored.

CREATE TABLE sns_topics (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,     -- listing order
    account       TEXT NOT NULL,
    region        TEXT NOT NULL,
    name          TEXT NOT NULL,
    arn           TEXT NOT NULL,
    fifo          INTEGER NOT NULL DEFAULT 0,
    attributes    TEXT NOT NULL DEFAULT '{}',            -- JSON: the settable attributes
    last_sequence TEXT NOT NULL DEFAULT '0',             -- FIFO SequenceNumber
    created       REAL NOT NULL,
    UNIQUE (account, region, name)
);

CREATE TABLE sns_tags (
    account   TEXT NOT NULL,
    region    TEXT NOT NULL,
    topic_arn TEXT NOT NULL,
    tag_key   TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (account, region, topic_arn, tag_key)
);

CREATE TABLE sns_subscriptions (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    account    TEXT NOT NULL,                            -- the topic's account and region
    region     TEXT NOT NULL,
    arn        TEXT NOT NULL UNIQUE,
    topic_arn  TEXT NOT NULL,
    protocol   TEXT NOT NULL,
    endpoint   TEXT NOT NULL,
    owner      TEXT NOT NULL,
    principal  TEXT NOT NULL,                            -- who subscribed
    confirmed  INTEGER NOT NULL DEFAULT 0,
    token      TEXT,                                     -- the confirmation token, if pending
    attributes TEXT NOT NULL DEFAULT '{}',               -- JSON: the settable attributes
    created    REAL NOT NULL
);
CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_arn);
CREATE INDEX sns_subscriptions_by_token ON sns_subscriptions (token);

-- The current data key of an encrypted topic (reused for 5 minutes, as SNS does).
CREATE TABLE sns_data_keys (
    account      TEXT NOT NULL,
    region       TEXT NOT NULL,
    topic_arn    TEXT NOT NULL,
    master_key   TEXT NOT NULL,                          -- KmsMasterKeyId as set
    kms_key_arn  TEXT NOT NULL,
    wrapped      BLOB NOT NULL,                          -- CiphertextBlob from GenerateDataKey
    cached       BLOB NOT NULL,                          -- plaintext data key wrapped by root.key
    generated_at REAL NOT NULL,
    PRIMARY KEY (account, region, topic_arn)
);

-- FIFO topics: deduplication ids seen in the last 5 minutes.
CREATE TABLE sns_dedup (
    topic_arn       TEXT NOT NULL,
    dedup_id        TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    sequence_number TEXT,
    expires_at      REAL NOT NULL,
    PRIMARY KEY (topic_arn, dedup_id)
);

-- Every delivery attempt: delivered, refused (with the reason), or written to the outbox.
CREATE TABLE sns_deliveries (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    account          TEXT NOT NULL,
    region           TEXT NOT NULL,
    time             REAL NOT NULL,
    message_id       TEXT NOT NULL,
    topic_arn        TEXT NOT NULL,
    subscription_arn TEXT,
    protocol         TEXT NOT NULL,
    endpoint         TEXT NOT NULL,
    status           TEXT NOT NULL,                      -- delivered | refused | outbox
    reason           TEXT,
    payload          TEXT                                -- outbox only: what AWS would send
);
CREATE INDEX sns_deliveries_by_topic ON sns_deliveries (account, region, topic_arn, seq);
