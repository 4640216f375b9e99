"""SQS activity: the short per-queue log the console's depth chart is drawn from.

Table `sqs_activity` (migrations/0009_sqs_activity.sql). A row moves `n` messages into (n > 0)
or out of (n < 0) a bucket (received flag, visible_at): at a time t the bucket's messages are
visible when visible_at <= t, otherwise in flight when received, delayed when not. The
services write a row or two per change, in the change's transaction; nothing reads the log
but the console. A bucket already visible when the row is written is stored as (0, at), so
rows of visible messages group together.

Bounded: when a queue passes KEEP rows (checked every PRUNE_EVERY inserts, by row id), its
oldest rows are folded into one row per bucket still distinct at the cutoff, so the counts
after the cutoff stay exact and the log keeps about KEEP / 2 rows of detail.
"""

from __future__ import annotations

import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

KEEP = 2048
PRUNE_EVERY = 256

_INSERT = ("INSERT INTO sqs_activity (queue_id, at, kind, n, received, visible_at) "
           "VALUES (?, ?, ?, ?, ?, ?)")


def record(db: sqlite3.Connection, queue_id: int, at: float, kind: str,
           changes: Iterable[tuple[int, int | bool, float]]) -> None:
    """Log `changes` ((n, received, visible_at), ...) of one queue at local time `at`."""
    rows = [(queue_id, at, kind, n, 0, at) if visible_at <= at
            else (queue_id, at, kind, n, 1 if received else 0, visible_at)
            for n, received, visible_at in changes if n]
    if len(rows) > 2:  # a purge or an expiry: one row per bucket
        sums: dict[tuple[int, float], int] = {}
        for row in rows:
            sums[row[4], row[5]] = sums.get((row[4], row[5]), 0) + row[3]
        rows = [(queue_id, at, kind, n, r, v) for (r, v), n in sums.items() if n]
    for row in rows:
        row_id = db.execute(_INSERT, row).lastrowid
        if row_id and row_id % PRUNE_EVERY == 0:
            prune(db, queue_id)


def leaving(db: sqlite3.Connection, queue_id: int, where: str,
            args: tuple[float, ...]) -> list[tuple[int, int, float]]:
    """The removal rows for the messages of a queue matching `where` (before deleting them)."""
    rows = db.execute(
        f"SELECT -count(*), receive_count > 0, visible_at FROM sqs_messages "
        f"WHERE queue_id = ? AND {where} GROUP BY 2, 3", (queue_id, *args)).fetchall()
    return [(int(n), int(r), float(v)) for n, r, v in rows]


def prune(db: sqlite3.Connection, queue_id: int, keep: int = KEEP) -> None:
    """Fold a queue's oldest rows into their sums at the cutoff when it holds over `keep`."""
    count = db.execute("SELECT count(*) FROM sqs_activity WHERE queue_id = ?",
                       (queue_id,)).fetchone()[0]
    if count <= keep:
        return
    cut = db.execute("SELECT id FROM sqs_activity WHERE queue_id = ? ORDER BY id DESC "
                     "LIMIT 1 OFFSET ?", (queue_id, keep // 2)).fetchone()[0]
    at = db.execute("SELECT max(at) FROM sqs_activity WHERE queue_id = ? AND id <= ?",
                    (queue_id, cut)).fetchone()[0]
    db.execute(
        "INSERT INTO sqs_activity (queue_id, at, kind, n, received, visible_at) "
        "SELECT ?, ?, 'earlier', sum(n), r, v FROM ("
        "  SELECT n, CASE WHEN visible_at <= ? THEN 0 ELSE received END AS r, "
        "         max(visible_at, ?) AS v "
        "  FROM sqs_activity WHERE queue_id = ? AND id <= ?) "
        "GROUP BY r, v HAVING sum(n) != 0",
        (queue_id, at, at, at, queue_id, cut))
    db.execute("DELETE FROM sqs_activity WHERE queue_id = ? AND id <= ?", (queue_id, cut))


def history(db: sqlite3.Connection, queue_id: int) -> list[tuple[float, str, int, int, float]]:
    """A queue's rows (at, kind, n, received, visible_at), oldest first."""
    return [(float(a), str(k), int(n), int(r), float(v)) for a, k, n, r, v in db.execute(
        "SELECT at, kind, n, received, visible_at FROM sqs_activity WHERE queue_id = ? "
        "ORDER BY at, id", (queue_id,))]
