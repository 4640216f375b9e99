"""SNS record queries: platform applications and endpoints, SMS settings, the SMS sandbox, opt-outs.

Rows come back as plain dicts keyed by column name, with JSON columns decoded. Tables are
created by migrations/0005_sns_records.sql; every query is scoped by (account, region) or by an
ARN (which names both).
"""

from __future__ import annotations

import sqlite3

from awslocal_cli.store.sns.rows import fetch_all, fetch_one, insert, update

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

Row = dict[str, "Any"]

# -- platform applications --------------------------------------------------------------------


def get_application(db: sqlite3.Connection, account: str, region: str, arn: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_platform_applications WHERE account = ? AND region = ? "
                         "AND arn = ?", (account, region, arn))


def insert_application(db: sqlite3.Connection, row: Row) -> None:
    insert(db, "sns_platform_applications", row)


def update_application(db: sqlite3.Connection, arn: str, **fields: Any) -> None:
    update(db, "sns_platform_applications", {"arn": arn}, {"attributes", "credentials"}, fields)


def delete_application(db: sqlite3.Connection, arn: str) -> None:
    """Delete an application and every endpoint of it."""
    db.execute("DELETE FROM sns_platform_endpoints WHERE application_arn = ?", (arn,))
    db.execute("DELETE FROM sns_platform_applications WHERE arn = ?", (arn,))


def list_applications(db: sqlite3.Connection, account: str, region: str, after: int = 0,
                      limit: int = 100) -> list[Row]:
    return fetch_all(db, "SELECT * FROM sns_platform_applications WHERE account = ? AND region = ? "
                         "AND seq > ? ORDER BY seq LIMIT ?", (account, region, after, limit))


# -- platform endpoints -----------------------------------------------------------------------


def get_endpoint(db: sqlite3.Connection, account: str, region: str, arn: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_platform_endpoints WHERE account = ? AND region = ? "
                         "AND arn = ?", (account, region, arn))


def endpoint_by_token(db: sqlite3.Connection, application_arn: str, token: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_platform_endpoints WHERE application_arn = ? "
                     "AND token = ? ORDER BY seq LIMIT 1", (application_arn, token))


def insert_endpoint(db: sqlite3.Connection, row: Row) -> None:
    insert(db, "sns_platform_endpoints", row)


def update_endpoint(db: sqlite3.Connection, arn: str, **fields: Any) -> None:
    update(db, "sns_platform_endpoints", {"arn": arn}, {"attributes", "token"}, fields)


def delete_endpoint(db: sqlite3.Connection, arn: str) -> None:
    db.execute("DELETE FROM sns_platform_endpoints WHERE arn = ?", (arn,))


def list_endpoints(db: sqlite3.Connection, application_arn: str, after: int = 0,
                   limit: int = 100) -> list[Row]:
    return fetch_all(db, "SELECT * FROM sns_platform_endpoints WHERE application_arn = ? "
                     "AND seq > ? ORDER BY seq LIMIT ?", (application_arn, after, limit))


# -- SMS settings and sandbox status ----------------------------------------------------------


def get_sms_settings(db: sqlite3.Connection, account: str, region: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_sms_settings WHERE account = ? AND region = ?",
                     (account, region))


def put_sms_settings(db: sqlite3.Connection, account: str, region: str, *,
                     attributes: dict[str, str] | None = None,
                     in_sandbox: bool | None = None) -> None:
    """Create the settings row with the defaults if needed, then change what is given."""
    db.execute("INSERT OR IGNORE INTO sns_sms_settings (account, region) VALUES (?, ?)",
               (account, region))
    fields: dict[str, Any] = {}
    if attributes is not None:
        fields["attributes"] = attributes
    if in_sandbox is not None:
        fields["in_sandbox"] = int(in_sandbox)
    update(db, "sns_sms_settings", {"account": account, "region": region},
           {"attributes", "in_sandbox"}, fields)


# -- SMS sandbox destination numbers ----------------------------------------------------------


def get_sandbox_number(db: sqlite3.Connection, account: str, region: str,
                       phone_number: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_sandbox_numbers WHERE account = ? AND region = ? "
                         "AND phone_number = ?", (account, region, phone_number))


def insert_sandbox_number(db: sqlite3.Connection, row: Row) -> None:
    insert(db, "sns_sandbox_numbers", row)


def update_sandbox_number(db: sqlite3.Connection, seq: int, **fields: Any) -> None:
    update(db, "sns_sandbox_numbers", {"seq": seq},
           {"status", "language_code", "otp", "sends", "last_attempt", "verified_at"}, fields)


def delete_sandbox_number(db: sqlite3.Connection, seq: int) -> None:
    db.execute("DELETE FROM sns_sandbox_numbers WHERE seq = ?", (seq,))


def count_sandbox_numbers(db: sqlite3.Connection, account: str, region: str) -> int:
    row = db.execute("SELECT COUNT(*) FROM sns_sandbox_numbers WHERE account = ? AND region = ?",
                     (account, region)).fetchone()
    return int(row[0])


def list_sandbox_numbers(db: sqlite3.Connection, account: str, region: str, after: int = 0,
                         limit: int = 100) -> list[Row]:
    return fetch_all(db, "SELECT * FROM sns_sandbox_numbers WHERE account = ? AND region = ? "
                         "AND seq > ? ORDER BY seq LIMIT ?", (account, region, after, limit))


# -- opted-out phone numbers ------------------------------------------------------------------


def get_phone(db: sqlite3.Connection, account: str, region: str, phone_number: str) -> Row | None:
    return fetch_one(db, "SELECT * FROM sns_phone_numbers WHERE account = ? AND region = ? "
                         "AND phone_number = ?", (account, region, phone_number))


def opt_out(db: sqlite3.Connection, account: str, region: str, phone_number: str,
            now: float) -> None:
    """Record that a phone number opted out (what a STOP reply does in AWS)."""
    db.execute("INSERT INTO sns_phone_numbers (account, region, phone_number, opted_out, "
               "opted_out_at) VALUES (?, ?, ?, 1, ?) ON CONFLICT (account, region, phone_number) "
               "DO UPDATE SET opted_out = 1, opted_out_at = excluded.opted_out_at",
               (account, region, phone_number, now))


def opt_in(db: sqlite3.Connection, account: str, region: str, phone_number: str,
           now: float) -> None:
    db.execute("UPDATE sns_phone_numbers SET opted_out = 0, opted_in_at = ? WHERE account = ? "
               "AND region = ? AND phone_number = ?", (now, account, region, phone_number))


def list_opted_out(db: sqlite3.Connection, account: str, region: str, after: str = "",
                   limit: int = 100) -> list[str]:
    rows = db.execute("SELECT phone_number FROM sns_phone_numbers WHERE account = ? "
                      "AND region = ? AND opted_out = 1 AND phone_number > ? "
                      "ORDER BY phone_number LIMIT ?", (account, region, after, limit)).fetchall()
    return [r[0] for r in rows]
