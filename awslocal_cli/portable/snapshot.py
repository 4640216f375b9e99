"""Checkpoints: `awslocal local snapshot save|restore|list|delete NAME`.

A snapshot is a consistent copy of state.db (SQLite's online backup, safe while other awslocal
processes run), kept as `snapshots/NAME.db` inside the state directory: the directory 0700,
the files 0600, like the state itself. Snapshots hold what state.db holds (key material
wrapped by root.key), so they restore into the directory they were taken in (or a copy of it
with the same root.key). A snapshot of an older schema is migrated on restore; one from a newer
awslocal is refused.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import ConfigurationError, ParamValidationError

if TYPE_CHECKING:
    from awslocal_cli.store import Store

SNAPSHOT_DIR = "snapshots"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _check_name(name: str) -> str:
    if not _NAME.match(name) or name.endswith(".db"):
        raise ParamValidationError(
            f"Invalid snapshot name {name!r}: 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit.")
    return name


def _directory(store: Store, *, create: bool) -> Path:
    path = store.directory / SNAPSHOT_DIR
    if create and not path.is_dir():
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    return path


def _path(store: Store, name: str) -> Path:
    return store.directory / SNAPSHOT_DIR / f"{_check_name(name)}.db"


def _describe(name: str, path: Path) -> dict[str, Any]:
    from datetime import datetime, timezone

    from awslocal_cli.store import snapshots as db

    info = path.stat()
    return {"Name": name, "Path": str(path), "SizeBytes": info.st_size,
            "CreatedAt": datetime.fromtimestamp(info.st_mtime, timezone.utc),
            "SchemaVersion": db.schema_version(path)}


def save(store: Store, name: str, *, overwrite: bool = False) -> dict[str, Any]:
    """Copy the live state into snapshots/NAME.db (atomically: a temporary file, renamed)."""
    from awslocal_cli.store import snapshots as db

    target = _path(store, name)
    _directory(store, create=True)
    if target.exists() and not overwrite:
        raise ParamValidationError(
            f"A snapshot named {name} already exists; delete it first or pass --overwrite.")
    store.commit()  # the backup reads committed pages; hold no write lock while it runs
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        db.backup(store.conn, tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return {"Snapshot": _describe(name, target)}


def restore(store: Store, name: str, *, timeout: float) -> dict[str, Any]:
    """Put the live state back to snapshots/NAME.db, in one transaction."""
    import shutil
    import tempfile

    from awslocal_cli.store import Store as StoreClass
    from awslocal_cli.store import snapshots as db

    source = _path(store, name)
    if not source.is_file():
        raise ParamValidationError(f"There is no snapshot named {name} in {store.directory}.")
    store.commit()
    ours, theirs = store.schema_version(), db.schema_version(source)
    if theirs > ours:
        raise ConfigurationError(
            f"The snapshot {name} has schema version {theirs}, newer than this awslocal knows "
            f"({ours}). Upgrade awslocal.")
    with tempfile.TemporaryDirectory(dir=_directory(store, create=True),
                                     prefix=".restore-") as scratch:
        if theirs < ours:
            # An older snapshot: migrate a copy, never the snapshot itself.
            staged = Path(scratch) / "state.db"
            shutil.copyfile(source, staged)
            StoreClass.open(Path(scratch)).close()
            source = staged
        try:
            rows = db.restore(store.conn, source, timeout=timeout)
        except db.Busy:
            raise ConfigurationError(
                f"The state in {store.directory} stayed busy (another awslocal process held "
                f"its write lock) for {timeout:g} seconds; nothing was restored. Try again, "
                "or pass a longer --wait.") from None
    return {"Restored": name, "RowsRestored": rows, "StateDirectory": str(store.directory)}


def list_snapshots(store: Store) -> dict[str, Any]:
    """The snapshots of the state directory, by name."""
    folder = _directory(store, create=False)
    found = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix == ".db" and _NAME.match(path.stem) and path.is_file():
                found.append(_describe(path.stem, path))
    return {"Snapshots": found}


def delete(store: Store, name: str) -> dict[str, Any]:
    """Remove snapshots/NAME.db."""
    path = _path(store, name)
    try:
        path.unlink()
    except FileNotFoundError:
        raise ParamValidationError(
            f"There is no snapshot named {name} in {store.directory}.") from None
    return {"Deleted": name}
