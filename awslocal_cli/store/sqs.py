"""SQS queries: queues, messages, data keys, deduplication, receive attempts, move tasks.

Tables are created by migrations/0003_sqs.sql. Rows come back as plain dicts keyed by column
name. Receive never scans a queue: it reads the (queue_id, visible_at) index, and FIFO group
heads come from the (queue_id, group_id, id) index.
"""

from __future__ import annotations

import json
import sqlite3

from awslocal_cli.store import sqs_activity as activity

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from collections.abc import Iterable, Sequence
    from typing import Any

Row = dict[str, "Any"]

_MESSAGE_COLUMNS = (
    "account", "region", "queue_id", "message_id", "body", "encryption", "data_key_id",
    "origin_arn", "md5_body", "attributes", "md5_attributes", "system_attributes", "md5_system",
    "size", "sent_at", "visible_at", "expires_at", "receive_count", "first_receive_at",
    "received_at", "receipt", "group_id", "dedup_id", "sequence_number", "sender_id",
    "dlq_source_arn",
)
_INSERT_MESSAGE = (
    f"INSERT INTO sqs_messages ({', '.join(_MESSAGE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_MESSAGE_COLUMNS))})"
)


def _all(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> list[Row]:
    cur = db.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _one(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> Row | None:
    cur = db.execute(sql, args)
    r = cur.fetchone()
    if r is None:
        return None
    return dict(zip([d[0] for d in cur.description], r, strict=True))


def _queue(row: Row | None) -> Row | None:
    if row is not None:
        row["attributes"] = json.loads(row["attributes"])
        row["tags"] = json.loads(row["tags"])
    return row


# -- queues -----------------------------------------------------------------------------------


def get_queue(db: sqlite3.Connection, account: str, region: str, name: str) -> Row | None:
    return _queue(_one(db, "SELECT * FROM sqs_queues WHERE account = ? AND region = ? "
                           "AND name = ?", (account, region, name)))


def get_queue_by_arn(db: sqlite3.Connection, arn: str) -> Row | None:
    return _queue(_one(db, "SELECT * FROM sqs_queues WHERE arn = ?", (arn,)))


def list_queues(db: sqlite3.Connection, account: str, region: str, prefix: str = "") -> list[Row]:
    rows = _all(db, "SELECT * FROM sqs_queues WHERE account = ? AND region = ? "
                    "AND substr(name, 1, ?) = ? ORDER BY name", (account, region, len(prefix),
                                                                 prefix))
    return [r for r in map(_queue, rows) if r is not None]


def insert_queue(db: sqlite3.Connection, account: str, region: str, name: str, arn: str,
                 fifo: bool, attributes: dict[str, str], tags: dict[str, str],
                 now: float) -> int:
    cur = db.execute(
        "INSERT INTO sqs_queues (account, region, name, arn, fifo, attributes, tags, created, "
        "modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (account, region, name, arn, int(fifo), json.dumps(attributes), json.dumps(tags), now,
         now),
    )
    return int(cur.lastrowid or 0)


def update_queue(db: sqlite3.Connection, queue_id: int, **fields: Any) -> None:
    for k in ("attributes", "tags"):
        if k in fields:
            fields[k] = json.dumps(fields[k])
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE sqs_queues SET {sets} WHERE id = ?", (*fields.values(), queue_id))


def delete_queue(db: sqlite3.Connection, queue: Row, now: float) -> None:
    qid = queue["id"]
    for table in ("sqs_messages", "sqs_dedup", "sqs_receive_attempts"):
        db.execute(f"DELETE FROM {table} WHERE queue_id = ?", (qid,))
    db.execute("DELETE FROM sqs_queues WHERE id = ?", (qid,))
    db.execute(
        "INSERT INTO sqs_deleted_queues (account, region, name, deleted_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (account, region, name) DO UPDATE SET deleted_at = excluded.deleted_at",
        (queue["account"], queue["region"], queue["name"], now),
    )


def deleted_at(db: sqlite3.Connection, account: str, region: str, name: str) -> float | None:
    r = db.execute("SELECT deleted_at FROM sqs_deleted_queues WHERE account = ? AND region = ? "
                   "AND name = ?", (account, region, name)).fetchone()
    return None if r is None else float(r[0])


# -- messages ---------------------------------------------------------------------------------


def insert_message(db: sqlite3.Connection, row: Row) -> int:
    cur = db.execute(_INSERT_MESSAGE, [row.get(c) for c in _MESSAGE_COLUMNS])
    return int(cur.lastrowid or 0)


def insert_messages(db: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """Bulk insert (benchmarks and fixtures)."""
    db.executemany(_INSERT_MESSAGE, ([r.get(c) for c in _MESSAGE_COLUMNS] for r in rows))


def expire(db: sqlite3.Connection, queue_id: int, now: float) -> None:
    """Drop messages past their retention period (indexed on expires_at), logging them."""
    gone = activity.leaving(db, queue_id, "expires_at <= ?", (now,))
    if gone:
        db.execute("DELETE FROM sqs_messages WHERE queue_id = ? AND expires_at <= ?",
                   (queue_id, now))
        activity.record(db, queue_id, now, "expire", gone)


def visible(db: sqlite3.Connection, queue_id: int, now: float, limit: int) -> list[Row]:
    """Visible messages, oldest visibility first; reads the (queue_id, visible_at) index."""
    return _all(db, "SELECT * FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? "
                    "ORDER BY visible_at LIMIT ?", (queue_id, now, limit))


def ready_count(db: sqlite3.Connection, queue_id: int, now: float, limit: int) -> int:
    """How many messages are visible now, counting at most `limit` (the index, no scan)."""
    return int(db.execute("SELECT count(*) FROM (SELECT 1 FROM sqs_messages WHERE queue_id = ? "
                          "AND visible_at <= ? LIMIT ?)", (queue_id, now, limit)).fetchone()[0])


def data_version(db: sqlite3.Connection) -> int:
    """SQLite's data_version: changes when another connection (or process) has committed."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def next_visible_at(db: sqlite3.Connection, queue_id: int) -> float | None:
    r = db.execute("SELECT min(visible_at) FROM sqs_messages WHERE queue_id = ?",
                   (queue_id,)).fetchone()
    return None if r is None or r[0] is None else float(r[0])


def group_heads(db: sqlite3.Connection, queue_id: int) -> list[Row]:
    """The oldest message of each FIFO group (the only one that may be delivered next)."""
    return _all(db, "SELECT group_id, min(id) AS id FROM sqs_messages WHERE queue_id = ? "
                    "GROUP BY group_id ORDER BY id", (queue_id,))


def group_messages(db: sqlite3.Connection, queue_id: int, group_id: str, limit: int) -> list[Row]:
    return _all(db, "SELECT * FROM sqs_messages WHERE queue_id = ? AND group_id = ? "
                    "ORDER BY id LIMIT ?", (queue_id, group_id, limit))


def get_message(db: sqlite3.Connection, row_id: int) -> Row | None:
    return _one(db, "SELECT * FROM sqs_messages WHERE id = ?", (row_id,))


def peek(db: sqlite3.Connection, queue_id: int, limit: int) -> list[Row]:
    """Up to `limit` messages of a queue in arrival order, whatever their visibility."""
    return _all(db, "SELECT * FROM sqs_messages WHERE queue_id = ? ORDER BY id LIMIT ?",
                (queue_id, limit))


def find_message(db: sqlite3.Connection, queue_id: int, message_id: str) -> Row | None:
    return _one(db, "SELECT * FROM sqs_messages WHERE queue_id = ? AND message_id = ?",
                (queue_id, message_id))


def update_message(db: sqlite3.Connection, row_id: int, **fields: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE sqs_messages SET {sets} WHERE id = ?", (*fields.values(), row_id))


def delete_message(db: sqlite3.Connection, row_id: int) -> None:
    db.execute("DELETE FROM sqs_messages WHERE id = ?", (row_id,))


def purge(db: sqlite3.Connection, queue_id: int) -> None:
    db.execute("DELETE FROM sqs_messages WHERE queue_id = ?", (queue_id,))


def counts(db: sqlite3.Connection, queue_id: int, now: float) -> tuple[int, int, int]:
    """(visible, in flight, delayed)."""
    r = db.execute(
        "SELECT coalesce(sum(visible_at <= ?), 0), "
        "coalesce(sum(visible_at > ? AND receive_count > 0), 0), "
        "coalesce(sum(visible_at > ? AND receive_count = 0), 0) "
        "FROM sqs_messages WHERE queue_id = ?", (now, now, now, queue_id)).fetchone()
    return int(r[0]), int(r[1]), int(r[2])


def movable(db: sqlite3.Connection, queue_id: int, now: float, up_to: int,
            limit: int) -> list[Row]:
    return _all(db, "SELECT * FROM sqs_messages WHERE queue_id = ? AND id <= ? "
                    "AND visible_at <= ? ORDER BY id LIMIT ?", (queue_id, up_to, now, limit))


def max_message_row(db: sqlite3.Connection, queue_id: int) -> tuple[int, int]:
    r = db.execute("SELECT coalesce(max(id), 0), count(*) FROM sqs_messages WHERE queue_id = ?",
                   (queue_id,)).fetchone()
    return int(r[0]), int(r[1])


# -- data keys --------------------------------------------------------------------------------


def current_data_key(db: sqlite3.Connection, queue_id: int, kind: str,
                     master_key: str | None, principal: str | None) -> Row | None:
    """The newest data key of (queue, kind, KMS key) generated for `principal` (None for the
    service-owned SSE-SQS keys)."""
    return _one(db, "SELECT * FROM sqs_data_keys WHERE queue_id = ? AND kind = ? "
                    "AND master_key IS ? AND principal IS ? "
                    "ORDER BY generated_at DESC, id DESC LIMIT 1",
                (queue_id, kind, master_key, principal))


def consumer_decrypted_at(db: sqlite3.Connection, key_id: int, principal: str) -> float | None:
    """When `principal` last decrypted data key `key_id` through SQS (None: never)."""
    r = db.execute("SELECT decrypted_at FROM sqs_data_key_consumers "
                   "WHERE data_key_id = ? AND principal = ?", (key_id, principal)).fetchone()
    return None if r is None else float(r[0])


def record_consumer(db: sqlite3.Connection, key_id: int, principal: str, now: float) -> None:
    db.execute("INSERT INTO sqs_data_key_consumers (data_key_id, principal, decrypted_at) "
               "VALUES (?, ?, ?) ON CONFLICT (data_key_id, principal) "
               "DO UPDATE SET decrypted_at = excluded.decrypted_at", (key_id, principal, now))


def get_data_key(db: sqlite3.Connection, key_id: int) -> Row | None:
    return _one(db, "SELECT * FROM sqs_data_keys WHERE id = ?", (key_id,))


def insert_data_key(db: sqlite3.Connection, row: Row) -> int:
    cols = list(row)
    cur = db.execute(f"INSERT INTO sqs_data_keys ({', '.join(cols)}) "
                     f"VALUES ({', '.join('?' * len(cols))})", list(row.values()))
    return int(cur.lastrowid or 0)


def update_data_key(db: sqlite3.Connection, key_id: int, **fields: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE sqs_data_keys SET {sets} WHERE id = ?", (*fields.values(), key_id))


# -- FIFO deduplication and receive attempts --------------------------------------------------


def dedup_lookup(db: sqlite3.Connection, queue_id: int, scope_key: str, now: float) -> Row | None:
    db.execute("DELETE FROM sqs_dedup WHERE queue_id = ? AND expires_at <= ?", (queue_id, now))
    return _one(db, "SELECT * FROM sqs_dedup WHERE queue_id = ? AND scope_key = ?",
                (queue_id, scope_key))


def dedup_insert(db: sqlite3.Connection, account: str, region: str, queue_id: int,
                 scope_key: str, message_id: str, sequence_number: str | None,
                 expires_at: float) -> None:
    db.execute("INSERT OR REPLACE INTO sqs_dedup (account, region, queue_id, scope_key, "
               "message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (account, region, queue_id, scope_key, message_id, sequence_number, expires_at))


def attempt_lookup(db: sqlite3.Connection, queue_id: int, attempt_id: str,
                   now: float) -> list[list[Any]] | None:
    db.execute("DELETE FROM sqs_receive_attempts WHERE queue_id = ? AND expires_at <= ?",
               (queue_id, now))
    r = db.execute("SELECT messages FROM sqs_receive_attempts WHERE queue_id = ? "
                   "AND attempt_id = ?", (queue_id, attempt_id)).fetchone()
    return None if r is None else list(json.loads(r[0]))


def attempt_insert(db: sqlite3.Connection, account: str, region: str, queue_id: int,
                   attempt_id: str, messages: list[list[Any]], expires_at: float) -> None:
    db.execute("INSERT OR REPLACE INTO sqs_receive_attempts (account, region, queue_id, "
               "attempt_id, messages, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
               (account, region, queue_id, attempt_id, json.dumps(messages), expires_at))


# -- message move tasks -----------------------------------------------------------------------


def insert_task(db: sqlite3.Connection, row: Row) -> None:
    cols = list(row)
    db.execute(f"INSERT INTO sqs_move_tasks ({', '.join(cols)}) "
               f"VALUES ({', '.join('?' * len(cols))})", list(row.values()))


def running_tasks(db: sqlite3.Connection) -> list[Row]:
    return _all(db, "SELECT * FROM sqs_move_tasks WHERE status = 'RUNNING'")


def tasks_for_source(db: sqlite3.Connection, account: str, region: str, source_arn: str,
                     limit: int) -> list[Row]:
    return _all(db, "SELECT * FROM sqs_move_tasks WHERE account = ? AND region = ? AND "
                    "source_arn = ? ORDER BY started DESC, rowid DESC LIMIT ?",
                (account, region, source_arn, limit))


def get_task(db: sqlite3.Connection, handle: str) -> Row | None:
    return _one(db, "SELECT * FROM sqs_move_tasks WHERE task_handle = ?", (handle,))


def update_task(db: sqlite3.Connection, handle: str, **fields: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE sqs_move_tasks SET {sets} WHERE task_handle = ?",
               (*fields.values(), handle))
