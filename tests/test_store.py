"""The state directory: creation, permissions, migrations, transactions, the root key."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat

import pytest

from awslocal_cli import store as store_mod
from awslocal_cli.errors import ConfigurationError
from awslocal_cli.store import Store, migration_files


def test_new_state_is_private_and_migrated(tmp_path):
    directory = tmp_path / "s"
    s = Store.open(directory)
    latest = migration_files()[-1][0]
    assert s.schema_version() == latest
    assert s.get_meta("schema_version") == str(latest)
    assert s.get_meta("written_by").startswith("awslocal-cli ")
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    key = s.root_key()
    assert len(key) == 32 and s.root_key() == key
    s.close()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for name in ("state.db", "root.key", "README"):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600, name


def test_reopen_keeps_data_and_does_not_remigrate(tmp_path):
    s = Store.open(tmp_path)
    s.set_meta("marker", "1")
    s.close()
    s = Store.open(tmp_path)
    assert s.get_meta("marker") == "1"
    s.close()


def test_rollback_discards_a_failed_transaction(tmp_path):
    s = Store.open(tmp_path)
    with pytest.raises(RuntimeError), s.transaction() as db:
        db.execute("INSERT INTO meta VALUES ('x', 'y')")
        raise RuntimeError
    assert s.get_meta("x") is None
    s.close()


def test_newer_schema_is_refused(tmp_path):
    s = Store.open(tmp_path)
    s.conn.execute("PRAGMA user_version = 9999")
    s.close()
    with pytest.raises(ConfigurationError, match="newer than this awslocal"):
        Store.open(tmp_path)


def test_corrupt_database_is_a_configuration_error(tmp_path):
    (tmp_path / "state.db").write_bytes(b"\x00garbage" * 512)
    with pytest.raises(ConfigurationError, match="corrupt"):
        Store.open(tmp_path)


def test_damaged_root_key_is_a_configuration_error(tmp_path):
    s = Store.open(tmp_path)
    (tmp_path / "root.key").write_bytes(b"short")
    with pytest.raises(ConfigurationError, match="damaged"):
        s.root_key()
    s.close()


def test_statement_splitter_keeps_trigger_bodies_whole():
    sql = (
        "CREATE TABLE a (x);\n-- comment\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
        "  INSERT INTO a VALUES (1);\n  INSERT INTO a VALUES (2);\nEND;\n"
    )
    parts = list(store_mod._statements(sql))
    assert len(parts) == 2
    assert parts[1].strip().endswith("END;")


def _open_and_write(directory: str, n: int) -> None:
    s = Store.open(directory)  # type: ignore[arg-type]
    for _i in range(n):
        with s.transaction() as db:
            value = int(s.get_meta("counter", "0") or 0)
            db.execute(
                "INSERT INTO meta VALUES ('counter', ?) ON CONFLICT (key) DO UPDATE "
                "SET value = excluded.value",
                (str(value + 1),),
            )
    s.close()


def test_concurrent_processes_migrate_once_and_lose_no_update(tmp_path):
    """Many processes create the same state at once; every increment survives."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_open_and_write, args=(str(tmp_path), 25)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    s = Store.open(tmp_path)
    assert s.get_meta("counter") == "100"
    assert len(s.root_key()) == 32
    s.close()


def test_wal_and_shm_files_are_private(tmp_path):
    s = Store.open(tmp_path)
    s.set_meta("a", "b")
    for name in os.listdir(tmp_path):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) & 0o077 == 0, name
    s.close()


def test_sqlite_errors_inside_are_not_swallowed(tmp_path):
    s = Store.open(tmp_path)
    with pytest.raises(sqlite3.OperationalError):
        s.conn.execute("SELECT * FROM no_such_table")
    s.close()


def test_schema_version_names_the_last_migration():
    # Store.open trusts SCHEMA_VERSION to recognise an up-to-date state without listing
    # migrations/; a new migration file must bump it.
    assert migration_files()[-1][0] == store_mod.SCHEMA_VERSION
