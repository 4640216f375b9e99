"""Giving space back, and starting over: incremental vacuum, database size, reset.

New states use `PRAGMA auto_vacuum = INCREMENTAL` (older ones are switched once after
migration 0007), so pages freed by large deletes and purges are returned to the file system
when a command leaves many of them (`Store.give_back_space`, after each invocation commits).
`reset` works on a full disk and on a damaged database: when deleting rows cannot be written,
it removes the database files instead (the directory and its trust checks stay).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from awslocal_cli.store import DB_NAME, ROOT_KEY_NAME, Store

DB_FILES = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")


def size_on_disk(directory: Path) -> dict[str, int]:
    """Bytes of the database and its WAL and index (what `local info` shows)."""
    out: dict[str, int] = {}
    total = 0
    for name, label in zip(DB_FILES, ("Database", "WriteAheadLog", "SharedMemory"), strict=True):
        try:
            size = os.lstat(directory / name).st_size
        except FileNotFoundError:
            size = 0
        out[f"{label}Bytes"] = size
        total += size
    out["TotalBytes"] = total
    return out


def reset(directory: Path) -> dict[str, Any]:
    """Delete every row (keep the state's identity), or remove the database files when the
    disk is full or the database is damaged. The trust checks of Store.open still apply."""
    from awslocal_cli.errors import ConfigurationError
    from awslocal_cli.store import _ensure_directory, trust

    directory = Path(directory)
    try:
        _ensure_directory(directory)
    except OSError as exc:
        raise ConfigurationError(
            f"The state directory {directory} cannot be created: "
            f"{exc.strerror or exc}{f' ({exc.filename})' if exc.filename else ''}. Nothing was "
            "reset.") from None
    for name in (*DB_FILES, ROOT_KEY_NAME, "README"):
        trust.check_file(directory / name)
    counted = 0
    try:
        store = Store.open(directory, check_root_key=False)
    except ConfigurationError:
        # A damaged or unreadable database (the trust checks above passed): start over.
        return _remove_database(directory, None)
    try:
        conn = store.conn
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'meta'")]
        counted = sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
        try:
            store.begin()
            for table in tables:
                conn.execute(f'DELETE FROM "{table}"')
            conn.execute("DELETE FROM meta WHERE key = 'clock_offset'")
            store.commit()
        except sqlite3.DatabaseError:  # "database or disk is full", or damage found now
            with contextlib.suppress(sqlite3.Error):
                store.close()
            return _remove_database(directory, counted)
        if conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 0:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
                conn.execute("VACUUM")  # also switches an older state to incremental vacuum
        store.give_back_space(threshold=1)
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            store.close()
        raise
    store.close()
    return {"StateDirectory": str(directory), "RowsDeleted": counted}


def _remove_database(directory: Path, counted: int | None) -> dict[str, Any]:
    for name in DB_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(directory / name)
    out: dict[str, Any] = {"StateDirectory": str(directory), "DatabaseFilesRemoved": True}
    if counted is not None:
        out["RowsDeleted"] = counted
    return out


def regions_in_use(conn: sqlite3.Connection, account: str) -> dict[str, int]:
    """Region -> how many rows of the account's resources (keys, queues, topics, events ...)
    it holds, for every region that holds any (the console's overview)."""
    found: dict[str, int] = {}
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        if not {"account", "region"} <= columns:
            continue
        for region, n in conn.execute(
                f'SELECT region, count(*) FROM "{table}" WHERE account = ? GROUP BY region',
                (account,)):
            found[region] = found.get(region, 0) + n
    return dict(sorted(found.items()))
