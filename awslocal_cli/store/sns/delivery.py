"""SNS queries: the delivery log, the signing key and the HTTP/HTTPS requests waiting."""

from __future__ import annotations

import sqlite3

from awslocal_cli.store.sns.rows import fetch_all, fetch_one, insert

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

Row = dict[str, "Any"]


# -- the delivery log -------------------------------------------------------------------------


def log_delivery(db: sqlite3.Connection, row: Row) -> None:
    insert(db, "sns_deliveries", row)


def list_deliveries(db: sqlite3.Connection, account: str, region: str, *,
                    topic_arn: str | None = None, statuses: tuple[str, ...] = (),
                    protocol: str | None = None, endpoint: str | None = None,
                    message_id: str | None = None) -> list[Row]:
    where, args = ["account = ?", "region = ?"], [account, region]
    for column, value in (("topic_arn", topic_arn), ("protocol", protocol),
                          ("endpoint", endpoint), ("message_id", message_id)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        args.extend(statuses)
    return fetch_all(db, f"SELECT * FROM sns_deliveries WHERE {' AND '.join(where)} ORDER BY seq",
                     args)


# -- the signing key --------------------------------------------------------------------------


def get_signing(db: sqlite3.Connection, account: str, region: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_signing WHERE account = ? AND region = ?",
                     (account, region))


def put_signing(db: sqlite3.Connection, account: str, region: str, private_key: bytes,
                certificate: str, created: float) -> None:
    db.execute("INSERT INTO sns_signing VALUES (?, ?, ?, ?, ?)",
               (account, region, private_key, certificate, created))


# -- HTTP/HTTPS requests waiting for an attempt ------------------------------------------------


def add_pending(db: sqlite3.Connection, row: Row) -> None:
    insert(db, "sns_pending", row)


def has_due(db: sqlite3.Connection, now: float) -> bool:
    return db.execute("SELECT 1 FROM sns_pending WHERE next_attempt <= ? LIMIT 1",
                      (now,)).fetchone() is not None


def claim_due(db: sqlite3.Connection, now: float, wall: float, lease: float,
              limit: int = 50) -> list[Row]:
    """Due requests that no other process is attempting; they are leased to this one."""
    rows = fetch_all(db, "SELECT * FROM sns_pending WHERE next_attempt <= ? AND claimed_until <= ? "
                         "ORDER BY next_attempt, seq LIMIT ?", (now, wall, limit))
    for row in rows:
        db.execute("UPDATE sns_pending SET claimed_until = ? WHERE seq = ?", (wall + lease,
                                                                              row["seq"]))
    return rows


def reschedule_pending(db: sqlite3.Connection, seq: int, attempts: int,
                       next_attempt: float) -> None:
    db.execute("UPDATE sns_pending SET attempts = ?, next_attempt = ?, claimed_until = 0 "
               "WHERE seq = ?", (attempts, next_attempt, seq))


def delete_pending(db: sqlite3.Connection, seq: int) -> None:
    db.execute("DELETE FROM sns_pending WHERE seq = ?", (seq,))


def list_pending(db: sqlite3.Connection, account: str, region: str,
                 topic_arn: str | None = None) -> list[Row]:
    return fetch_all(db, "SELECT seq, topic_arn, subscription_arn, endpoint, message_id, "
                         "message_type, attempts, next_attempt FROM sns_pending "
                         "WHERE account = ? AND region = ? AND (? IS NULL OR topic_arn = ?) "
                         "ORDER BY next_attempt, seq", (account, region, topic_arn, topic_arn))
