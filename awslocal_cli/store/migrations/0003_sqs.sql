-- SQS: queues, messages, data keys, FIFO deduplication, message move tasks.
-- Every table carries (account, region): queues are regional, as in AWS.

CREATE TABLE sqs_queues (
    id             INTEGER PRIMARY KEY,           -- internal; messages point at it
    account        TEXT NOT NULL,
    region         TEXT NOT NULL,
    name           TEXT NOT NULL,
    arn            TEXT NOT NULL,
    fifo           INTEGER NOT NULL DEFAULT 0,
    attributes     TEXT NOT NULL,                 -- JSON: the settable attributes, as strings
    tags           TEXT NOT NULL DEFAULT '{}',    -- JSON map
    created        REAL NOT NULL,                 -- epoch seconds, local clock
    modified       REAL NOT NULL,
    last_purge     REAL,                          -- PurgeQueue once per 60 s
    last_sequence  TEXT NOT NULL DEFAULT '0',     -- FIFO: last 128-bit sequence number (decimal)
    UNIQUE (account, region, name)
);
CREATE UNIQUE INDEX sqs_queues_by_arn ON sqs_queues (arn);

-- Names deleted recently: CreateQueue of the same name fails for 60 s (QueueDeletedRecently).
CREATE TABLE sqs_deleted_queues (
    account    TEXT NOT NULL,
    region     TEXT NOT NULL,
    name       TEXT NOT NULL,
    deleted_at REAL NOT NULL,
    PRIMARY KEY (account, region, name)
);

-- Data keys protecting message bodies. `wrapped` is what KMS returned (SSE-KMS; NULL for
-- SSE-SQS); `cached` is the plaintext data key wrapped by root.key, the local stand-in for the
-- data key SQS keeps in memory during the reuse period. Neither reveals anything without
-- root.key (or the KMS key).
CREATE TABLE sqs_data_keys (
    id            INTEGER PRIMARY KEY,
    account       TEXT NOT NULL,
    region        TEXT NOT NULL,
    queue_id      INTEGER NOT NULL,               -- the queue that generated it (may be deleted)
    queue_arn     TEXT NOT NULL,                  -- the encryption context aws:sqs:arn
    kind          TEXT NOT NULL,                  -- SSE-SQS | SSE-KMS
    master_key    TEXT,                           -- KmsMasterKeyId as configured
    kms_key_arn   TEXT,                           -- the key ARN KMS reported
    wrapped       BLOB,                           -- KMS CiphertextBlob of the data key
    cached        BLOB,                           -- data key wrapped by root.key
    reuse_period  INTEGER NOT NULL,
    generated_at  REAL NOT NULL,                  -- last GenerateDataKey (send side)
    decrypted_at  REAL                            -- last Decrypt (receive side)
);
CREATE INDEX sqs_data_keys_current ON sqs_data_keys (queue_id, generated_at);

CREATE TABLE sqs_messages (
    id                 INTEGER PRIMARY KEY,       -- arrival order
    account            TEXT NOT NULL,
    region             TEXT NOT NULL,
    queue_id           INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
    message_id         TEXT NOT NULL,
    body               BLOB NOT NULL,             -- UTF-8 body, or sealed ciphertext (encryption)
    encryption         TEXT NOT NULL DEFAULT 'NONE',  -- NONE | SSE-SQS | SSE-KMS
    data_key_id        INTEGER REFERENCES sqs_data_keys (id),
    origin_arn         TEXT NOT NULL,             -- queue the body was sealed for (AAD)
    md5_body           TEXT NOT NULL,
    attributes         TEXT,                      -- JSON message attributes (not encrypted, as AWS)
    md5_attributes     TEXT,
    system_attributes  TEXT,                      -- JSON (AWSTraceHeader)
    md5_system         TEXT,
    size               INTEGER NOT NULL,
    sent_at            REAL NOT NULL,
    visible_at         REAL NOT NULL,             -- delay, then visibility timeouts
    expires_at         REAL NOT NULL,             -- retention
    receive_count      INTEGER NOT NULL DEFAULT 0,
    first_receive_at   REAL,
    received_at        REAL,                      -- latest receive (12-hour visibility limit)
    receipt            TEXT,                      -- token of the latest receive
    group_id           TEXT,
    dedup_id           TEXT,
    sequence_number    TEXT,
    sender_id          TEXT NOT NULL,
    dlq_source_arn     TEXT
);
CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at);
CREATE INDEX sqs_messages_expiry ON sqs_messages (queue_id, expires_at);
CREATE INDEX sqs_messages_group ON sqs_messages (queue_id, group_id, id);
CREATE INDEX sqs_messages_by_id ON sqs_messages (queue_id, message_id);

-- FIFO deduplication: 5 minutes per (queue, scope, deduplication id).
CREATE TABLE sqs_dedup (
    account     TEXT NOT NULL,
    region      TEXT NOT NULL,
    queue_id    INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
    scope_key   TEXT NOT NULL,                    -- dedup id, or group id + dedup id
    message_id  TEXT NOT NULL,
    sequence_number TEXT,
    expires_at  REAL NOT NULL,
    PRIMARY KEY (queue_id, scope_key)
);

-- FIFO ReceiveRequestAttemptId: the messages a receive attempt returned, for 5 minutes.
CREATE TABLE sqs_receive_attempts (
    account     TEXT NOT NULL,
    region      TEXT NOT NULL,
    queue_id    INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
    attempt_id  TEXT NOT NULL,
    messages    TEXT NOT NULL,                    -- JSON [[row id, receipt token], ...]
    expires_at  REAL NOT NULL,
    PRIMARY KEY (queue_id, attempt_id)
);

CREATE TABLE sqs_move_tasks (
    task_handle      TEXT PRIMARY KEY,
    account          TEXT NOT NULL,
    region           TEXT NOT NULL,
    source_arn       TEXT NOT NULL,
    destination_arn  TEXT,
    max_per_second   INTEGER,
    status           TEXT NOT NULL,               -- RUNNING | COMPLETED | CANCELLED | FAILED
    moved            INTEGER NOT NULL DEFAULT 0,
    to_move          INTEGER NOT NULL,
    last_id          INTEGER NOT NULL,            -- messages up to this row id are moved
    started          REAL NOT NULL,
    failure_reason   TEXT
);
CREATE INDEX sqs_move_tasks_by_source ON sqs_move_tasks (account, region, source_arn, started);
CREATE INDEX sqs_move_tasks_running ON sqs_move_tasks (status);
