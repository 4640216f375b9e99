"""SNS queries: topics, tags, subscriptions, data keys, FIFO deduplication and the archive."""

from __future__ import annotations

import json
import sqlite3

from awslocal_cli.store.sns.rows import fetch_all, fetch_one, insert

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

Row = dict[str, "Any"]


# -- topics -----------------------------------------------------------------------------------


def get_topic(db: sqlite3.Connection, arn: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_topics WHERE arn = ?", (arn,))


def list_topics(db: sqlite3.Connection, account: str, region: str, after: int = 0,
                limit: int = 100) -> list[Row]:
    return fetch_all(db, "SELECT * FROM sns_topics WHERE account = ? AND region = ? AND seq > ? "
                         "ORDER BY seq LIMIT ?", (account, region, after, limit))


def count_topics(db: sqlite3.Connection, account: str, region: str, fifo: bool) -> int:
    return int(db.execute("SELECT COUNT(*) FROM sns_topics WHERE account = ? AND region = ? "
                          "AND fifo = ?", (account, region, int(fifo))).fetchone()[0])


def insert_topic(db: sqlite3.Connection, account: str, region: str, name: str, arn: str,
                 fifo: bool, attributes: dict[str, str], created: float) -> None:
    db.execute("INSERT INTO sns_topics (account, region, name, arn, fifo, attributes, created) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)",
               (account, region, name, arn, int(fifo), json.dumps(attributes), created))


def set_archive_since(db: sqlite3.Connection, arn: str, since: float | None) -> None:
    db.execute("UPDATE sns_topics SET archive_since = ? WHERE arn = ?", (since, arn))


def update_topic(db: sqlite3.Connection, arn: str, *, attributes: dict[str, str] | None = None,
                 last_sequence: str | None = None) -> None:
    if attributes is not None:
        db.execute("UPDATE sns_topics SET attributes = ? WHERE arn = ?",
                   (json.dumps(attributes), arn))
    if last_sequence is not None:
        db.execute("UPDATE sns_topics SET last_sequence = ? WHERE arn = ?", (last_sequence, arn))


def delete_topic(db: sqlite3.Connection, arn: str) -> None:
    for table, column in (("sns_topics", "arn"), ("sns_tags", "topic_arn"),
                          ("sns_subscriptions", "topic_arn"), ("sns_data_keys", "topic_arn"),
                          ("sns_dedup", "topic_arn"), ("sns_pending", "topic_arn"),
                          ("sns_archive", "topic_arn"), ("sns_unsubscribed", "topic_arn")):
        db.execute(f"DELETE FROM {table} WHERE {column} = ?", (arn,))


# -- tags -------------------------------------------------------------------------------------


def get_tags(db: sqlite3.Connection, arn: str) -> dict[str, str]:
    rows = db.execute("SELECT tag_key, tag_value FROM sns_tags WHERE topic_arn = ? "
                      "ORDER BY rowid", (arn,)).fetchall()
    return {k: v for k, v in rows}


def put_tag(db: sqlite3.Connection, account: str, region: str, arn: str, key: str,
            value: str) -> None:
    db.execute("INSERT INTO sns_tags (account, region, topic_arn, tag_key, tag_value) "
               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, region, topic_arn, tag_key) "
               "DO UPDATE SET tag_value = excluded.tag_value", (account, region, arn, key, value))


def delete_tag(db: sqlite3.Connection, arn: str, key: str) -> None:
    db.execute("DELETE FROM sns_tags WHERE topic_arn = ? AND tag_key = ?", (arn, key))


# -- subscriptions ----------------------------------------------------------------------------


def get_subscription(db: sqlite3.Connection, arn: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_subscriptions WHERE arn = ?", (arn,))


def find_subscription(db: sqlite3.Connection, topic_arn: str, protocol: str,
                      endpoint: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? "
                         "AND endpoint = ?", (topic_arn, protocol, endpoint))


def subscription_by_token(db: sqlite3.Connection, topic_arn: str, token: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND token = ?",
                     (topic_arn, token))


def list_subscriptions(db: sqlite3.Connection, account: str, region: str, after: int = 0,
                       limit: int = 100, topic_arn: str | None = None) -> list[Row]:
    if topic_arn is not None:
        return fetch_all(db, "SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND seq > ? "
                             "ORDER BY seq LIMIT ?", (topic_arn, after, limit))
    return fetch_all(db, "SELECT * FROM sns_subscriptions WHERE account = ? AND region = ? "
                         "AND seq > ? ORDER BY seq LIMIT ?", (account, region, after, limit))


def count_subscriptions(db: sqlite3.Connection, topic_arn: str) -> int:
    return int(db.execute("SELECT COUNT(*) FROM sns_subscriptions WHERE topic_arn = ?",
                          (topic_arn,)).fetchone()[0])


def count_filter_policies(db: sqlite3.Connection, account: str, region: str,
                          topic_arn: str | None = None) -> int:
    """Subscriptions of the account and region (or of one topic) that have a filter policy."""
    sql = ("SELECT COUNT(*) FROM sns_subscriptions WHERE account = ? AND region = ? AND "
           "json_extract(attributes, '$.FilterPolicy') IS NOT NULL")
    args: list[Any] = [account, region]
    if topic_arn is not None:
        sql += " AND topic_arn = ?"
        args.append(topic_arn)
    return int(db.execute(sql, args).fetchone()[0])


def topic_subscriptions(db: sqlite3.Connection, topic_arn: str) -> list[Row]:
    return fetch_all(db, "SELECT * FROM sns_subscriptions WHERE topic_arn = ? ORDER BY seq",
                     (topic_arn,))


def insert_subscription(db: sqlite3.Connection, row: Row) -> None:
    insert(db, "sns_subscriptions", row)


def update_subscription(db: sqlite3.Connection, arn: str, **fields: Any) -> None:
    if "attributes" in fields:
        fields["attributes"] = json.dumps(fields["attributes"])
    bad = set(fields) - {"attributes", "confirmed", "token", "token_issued"}
    if bad:
        raise KeyError(f"unknown columns {sorted(bad)}")
    sets = ", ".join(f"{c} = ?" for c in fields)
    db.execute(f"UPDATE sns_subscriptions SET {sets} WHERE arn = ?", [*fields.values(), arn])


def delete_subscription(db: sqlite3.Connection, arn: str) -> None:
    db.execute("DELETE FROM sns_subscriptions WHERE arn = ?", (arn,))


def keep_unsubscribed(db: sqlite3.Connection, token: str, sub: Row, issued: float) -> None:
    """Keep a removed subscription that its UnsubscribeConfirmation token may restore."""
    db.execute("INSERT INTO sns_unsubscribed VALUES (?, ?, ?, ?)",
               (token, sub["topic_arn"], json.dumps(sub), issued))


def take_unsubscribed(db: sqlite3.Connection, topic_arn: str, token: str,
                      since: float) -> Row | None:
    """The removed subscription a token issued after `since` restores (removed from here)."""
    found = db.execute("SELECT subscription FROM sns_unsubscribed WHERE token = ? AND "
                       "topic_arn = ? AND issued > ?", (token, topic_arn, since)).fetchone()
    db.execute("DELETE FROM sns_unsubscribed WHERE token = ? OR issued <= ?", (token, since))
    return None if found is None else dict(json.loads(found[0]))


# -- data keys and deduplication --------------------------------------------------------------


def get_data_key(db: sqlite3.Connection, topic_arn: str, principal: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_data_keys WHERE topic_arn = ? AND principal = ?",
                     (topic_arn, principal))


def put_data_key(db: sqlite3.Connection, row: Row) -> None:
    insert(db, "sns_data_keys", row, replace=True)


def dedup_lookup(db: sqlite3.Connection, topic_arn: str, dedup_id: str, now: float) -> Row | None:
    db.execute("DELETE FROM sns_dedup WHERE expires_at <= ?", (now,))
    return fetch_one(db, "SELECT * FROM sns_dedup WHERE topic_arn = ? AND dedup_id = ?",
                     (topic_arn, dedup_id))


def dedup_insert(db: sqlite3.Connection, topic_arn: str, dedup_id: str, message_id: str,
                 sequence: str | None, expires_at: float) -> None:
    db.execute("INSERT OR REPLACE INTO sns_dedup VALUES (?, ?, ?, ?, ?)",
               (topic_arn, dedup_id, message_id, sequence, expires_at))


# -- the message archive of FIFO topics --------------------------------------------------------


def archive_message(db: sqlite3.Connection, row: Row) -> None:
    insert(db, "sns_archive", row)


def archived(db: sqlite3.Connection, topic_arn: str, start: float, end: float,
             now: float) -> list[Row]:
    """Archived messages published in [start, end], oldest first; expired ones are dropped."""
    db.execute("DELETE FROM sns_archive WHERE topic_arn = ? AND expires_at <= ?",
               (topic_arn, now))
    return fetch_all(db, "SELECT * FROM sns_archive WHERE topic_arn = ? AND published >= ? AND "
                         "published <= ? ORDER BY seq", (topic_arn, start, end))


def drop_archive(db: sqlite3.Connection, topic_arn: str) -> None:
    db.execute("DELETE FROM sns_archive WHERE topic_arn = ?", (topic_arn,))
