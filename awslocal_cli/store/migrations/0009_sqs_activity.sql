-- SQS: a short log of what changed each queue's depth, so the console can chart it afterwards.

-- Each row moves `n` messages into (n > 0) or out of (n < 0) one "bucket" of the queue: the
-- messages with this `received` flag and this `visible_at`. Those are all a count needs: at a
-- time t a message is visible when visible_at <= t, otherwise in flight when received, delayed
-- when not (as store/sqs.py `counts` decides). So the queue's visible / in flight / delayed
-- counts at any time t are the sums of `n` over the rows with at <= t, each row classified at
-- t, and a receive, a visibility change, a delete, a purge, an expiry or a dead-letter move is
-- a row or two written in the transaction that makes the change (store/sqs_activity.py).
-- Bounded: past 2,048 rows a queue's oldest rows are folded into their sum at the cutoff.
CREATE TABLE sqs_activity (
    id          INTEGER PRIMARY KEY,
    queue_id    INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
    at          REAL NOT NULL,                    -- epoch seconds, local clock
    kind        TEXT NOT NULL,                    -- send | receive | visibility | delete |
                                                  -- purge | expire | redrive | move |
                                                  -- existing | earlier (folded rows)
    n           INTEGER NOT NULL,
    received    INTEGER NOT NULL,                 -- 0 | 1
    visible_at  REAL NOT NULL
);
CREATE INDEX sqs_activity_by_queue ON sqs_activity (queue_id, id);

-- The messages already stored when this migration runs: each counts from its send.
INSERT INTO sqs_activity (queue_id, at, kind, n, received, visible_at)
SELECT queue_id, sent_at, 'existing', 1, receive_count > 0, visible_at
FROM sqs_messages ORDER BY id;
