-- SSE data keys are reused per caller (issue 25). AWS keeps a data key per principal: the SQS
-- developer guide's request formula R = B / D x (2P + C) counts producing (P) and consuming (C)
-- principals apart, and SQS "distinguishes between callers based on their AWS credentials".
-- So a Deny in a key policy always bites: a caller is never served a data key that another
-- principal generated or decrypted.

-- The principal that generated an SQS data key (GenerateDataKey through SQS); a send reuses
-- only a data key of its own caller. NULL for SSE-SQS keys (owned by the service) and for
-- SSE-KMS keys generated before this migration (no send reuses those again).
ALTER TABLE sqs_data_keys ADD COLUMN principal TEXT;

-- Which consuming principal decrypted which data key last (Decrypt through SQS): a receive
-- decrypts a data key without a KMS call only when its own caller did within the reuse period.
-- The `decrypted_at` column of sqs_data_keys is left as the last decrypt by anyone.
CREATE TABLE sqs_data_key_consumers (
    data_key_id   INTEGER NOT NULL REFERENCES sqs_data_keys (id),
    principal     TEXT NOT NULL,
    decrypted_at  REAL NOT NULL,
    PRIMARY KEY (data_key_id, principal)
);

-- SNS's topic data key (reused for 5 minutes) is kept per publishing principal too. The old
-- rows are a cache and are dropped: the next publish generates a data key for its caller.
DROP TABLE sns_data_keys;
CREATE TABLE sns_data_keys (
    account      TEXT NOT NULL,
    region       TEXT NOT NULL,
    topic_arn    TEXT NOT NULL,
    principal    TEXT NOT NULL,                          -- the publisher it was generated for
    master_key   TEXT NOT NULL,                          -- KmsMasterKeyId as set
    kms_key_arn  TEXT NOT NULL,
    wrapped      BLOB NOT NULL,                          -- CiphertextBlob from GenerateDataKey
    cached       BLOB NOT NULL,                          -- plaintext data key wrapped by root.key
    generated_at REAL NOT NULL,
    PRIMARY KEY (account, region, topic_arn, principal)
);
