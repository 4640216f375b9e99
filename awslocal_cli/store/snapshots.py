"""The SQL of snapshots: an online backup of state.db, and a restore in one write transaction.

Saving uses SQLite's online backup API (`sqlite3.Connection.backup`), which copies a
consistent read snapshot of the database while other processes keep writing (WAL readers do
not block writers). Restoring copies every table back inside one BEGIN IMMEDIATE transaction
of the live database, so other awslocal processes see the state from before or from after the
restore, never a mix, and a restore waits for a busy database (up to a timeout) rather than
pulling it from under a writer. Tables that belong to the directory rather than to its
contents (the root key's fingerprint) are left as they are.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Rows that describe the directory (its root key, its schema), not what is stored in it.
_DIRECTORY_TABLES = {"root_key"}
_DIRECTORY_META = ("schema_version", "written_by", "created_at")


class Busy(Exception):
    """The live database stayed locked by another process for the whole timeout."""


def backup(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the database of `conn` into a new file `target` (which must not exist)."""
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
        # A snapshot is a file at rest: no -wal/-shm beside it.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


def schema_version(path: Path) -> int:
    """PRAGMA user_version of a database file, opened read-only."""
    # as_uri() needs an absolute path (a relative --state-dir gives a relative one).
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def wrapped_samples(path: Path) -> tuple[str | None, tuple[str, str, bytes] | None]:
    """What tells which root key a (migrated) snapshot was made with: its recorded root-key
    fingerprint (schema 7 on), and one wrapped key material (key id, material id, blob)."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                             "'table'")}
        fingerprint = None
        if "root_key" in tables:
            row = conn.execute("SELECT fingerprint FROM root_key WHERE id = 1").fetchone()
            fingerprint = row[0] if row else None
        sample = None
        if "kms_key_material" in tables:
            row = conn.execute("SELECT key_id, material_id, wrapped FROM kms_key_material "
                               "WHERE wrapped IS NOT NULL LIMIT 1").fetchone()
            sample = (row[0], row[1], bytes(row[2])) if row else None
        return fingerprint, sample
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection, schema: str) -> list[str]:
    return [r[0] for r in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA {schema}.table_info("{table}")')]


def restore(conn: sqlite3.Connection, source: Path, *, timeout: float) -> int:
    """Replace every row of the live database with the rows of `source`; returns the number
    of rows restored. Raises Busy if the write lock is not free within `timeout` seconds."""
    conn.execute("PRAGMA foreign_keys = OFF")  # rows come back in table order, not key order
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    conn.execute("ATTACH DATABASE ? AS snap", (str(source),))
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise Busy() from None
            raise
        try:
            restored = _copy(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("DETACH DATABASE snap")
        conn.execute("PRAGMA foreign_keys = ON")
    return restored


def _copy(conn: sqlite3.Connection) -> int:
    restored = 0
    theirs = set(_tables(conn, "snap"))
    for table in _tables(conn, "main"):
        if table in _DIRECTORY_TABLES:
            continue
        if table == "meta":
            marks = ", ".join("?" for _ in _DIRECTORY_META)
            conn.execute(f"DELETE FROM main.meta WHERE key NOT IN ({marks})", _DIRECTORY_META)
            if "meta" in theirs:
                conn.execute(f"INSERT INTO main.meta (key, value) SELECT key, value FROM "
                             f"snap.meta WHERE key NOT IN ({marks})", _DIRECTORY_META)
            continue
        conn.execute(f'DELETE FROM main."{table}"')
        if table not in theirs:
            continue
        cols = ", ".join(f'"{c}"' for c in _columns(conn, "main", table)
                         if c in set(_columns(conn, "snap", table)))
        restored += conn.execute(f'INSERT INTO main."{table}" ({cols}) '
                                 f'SELECT {cols} FROM snap."{table}"').rowcount
    if "sqlite_sequence" in {r[0] for r in conn.execute(
            "SELECT name FROM snap.sqlite_master WHERE type = 'table'")}:
        conn.execute("DELETE FROM main.sqlite_sequence")
        conn.execute("INSERT INTO main.sqlite_sequence (name, seq) "
                     "SELECT name, seq FROM snap.sqlite_sequence")
    return restored
