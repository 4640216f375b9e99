"""Checkpoints: `awslocal local snapshot save|restore|list|delete NAME`.

A snapshot is a consistent copy of state.db (SQLite's online backup, safe while other awslocal
processes run), kept as `snapshots/NAME.db` inside the state directory: the directory 0700,
the files 0600, like the state itself. Snapshots hold what state.db holds (key material
wrapped by root.key), so they restore into the directory they were taken in (or a copy of it
with the same root.key). A snapshot of an older schema is migrated on restore (a copy of it,
in a scratch folder beside it); one from a newer awslocal is refused, and so is one whose key
material another root key wrapped (it would restore keys that no longer decrypt).

Like every file of the state directory, a snapshot is never reached through a symbolic link:
`snapshots/` and `snapshots/NAME.db` must be the folder and the file themselves, this user's
and private (restore opens the file with O_NOFOLLOW and copies it before reading it), so a link
planted there cannot make another file's bytes become the state. `list` shows only real files.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
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
    from awslocal_cli.store import trust

    path = store.directory / SNAPSHOT_DIR
    trust.check_subdirectory(path, create=create)  # ours, 0700, not a link
    return path


def _path(store: Store, name: str) -> Path:
    return store.directory / SNAPSHOT_DIR / f"{_check_name(name)}.db"


def _describe(name: str, path: Path, version: int | None = None) -> dict[str, Any]:
    from datetime import datetime, timezone

    from awslocal_cli.store import snapshots as db

    info = path.lstat()
    return {"Name": name, "Path": str(path), "SizeBytes": info.st_size,
            "CreatedAt": datetime.fromtimestamp(info.st_mtime, timezone.utc),
            "SchemaVersion": db.schema_version(path) if version is None else version}


def save(store: Store, name: str, *, overwrite: bool = False) -> dict[str, Any]:
    """Copy the live state into snapshots/NAME.db (atomically: a temporary file, renamed)."""
    from awslocal_cli.store import snapshots as db

    target = _path(store, name)
    folder = _directory(store, create=True)
    if os.path.lexists(target) and not overwrite:
        raise ParamValidationError(
            f"A snapshot named {name} already exists; delete it first or pass --overwrite.")
    store.commit()  # the backup reads committed pages; hold no write lock while it runs
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        os.close(fd)
        db.backup(store.conn, tmp)
        os.chmod(tmp, 0o600)
        version = db.schema_version(tmp)
        os.replace(tmp, target)  # a link at the target is replaced, never written through
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise ConfigurationError(
            f"The snapshot {name} could not be written in {folder}: {reason}; nothing was "
            "saved.") from exc
    finally:
        if os.path.lexists(tmp):
            tmp.unlink()
    return {"Snapshot": _describe(name, target, version)}


def _copy_private(source: Path, name: str, staged: Path) -> None:
    """Copy snapshots/NAME.db to `staged`, refusing a link, a non-file, another user's or a
    loosely moded file (checked on the opened file, so it cannot be swapped in between)."""
    import shutil

    from awslocal_cli.store import trust

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(source, flags)
    except FileNotFoundError:
        raise ParamValidationError(f"There is no snapshot named {name} in "
                                   f"{source.parent.parent}.") from None
    except OSError as exc:
        import errno

        if exc.errno == errno.ELOOP:  # O_NOFOLLOW on a symbolic link
            trust.check_file(source, what="snapshot")
        raise ConfigurationError(f"The snapshot {source} cannot be read: "
                                 f"{exc.strerror or exc}.") from None
    with os.fdopen(fd, "rb") as src:
        info = os.fstat(src.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ConfigurationError(f"The snapshot {source} is not a regular file.")
        trust.check_stat(source, info, "snapshot")
        out = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _same_root_key(store: Store, staged: Path, name: str) -> None:
    """Refuse a snapshot whose key material another root key wrapped."""
    from awslocal_cli import crypto
    from awslocal_cli.store import root_key_fingerprint
    from awslocal_cli.store import snapshots as db

    fingerprint, sample = db.wrapped_samples(staged)
    if fingerprint is None and sample is None:
        return  # nothing in it is wrapped by any root key
    root = store._read_root_key()
    if root is not None and fingerprint is not None:
        if fingerprint == root_key_fingerprint(root):
            return
    elif root is not None and sample is not None:
        try:
            crypto.unwrap_material(root, sample[0], sample[1], sample[2])
            return
        except crypto.InvalidCiphertext:
            pass
    raise ConfigurationError(
        f"The snapshot {name} holds key material wrapped by another root key than "
        f"{store.directory / 'root.key'}: its keys would not decrypt here, so nothing was "
        "restored. Restore it in the state directory it was taken in.")


def restore(store: Store, name: str, *, timeout: float) -> dict[str, Any]:
    """Put the live state back to snapshots/NAME.db, in one transaction."""
    import tempfile

    from awslocal_cli.store import Store as StoreClass
    from awslocal_cli.store import snapshots as db

    source = _path(store, name)
    folder = _directory(store, create=False)
    if not os.path.lexists(source):
        raise ParamValidationError(f"There is no snapshot named {name} in {store.directory}.")
    store.commit()
    ours = store.schema_version()
    with tempfile.TemporaryDirectory(dir=folder, prefix=".restore-") as scratch:
        # Restored from a private copy: the snapshot is opened once, without following links.
        staged = Path(scratch) / "state.db"
        _copy_private(source, name, staged)
        try:
            theirs = db.schema_version(staged)
        except sqlite3.Error as exc:
            raise ConfigurationError(f"The snapshot {name} is not an awslocal state ({exc}); "
                                     "nothing was restored.") from None
        if theirs > ours:
            raise ConfigurationError(
                f"The snapshot {name} has schema version {theirs}, newer than this awslocal "
                f"knows ({ours}). Upgrade awslocal.")
        if theirs < ours:
            # An older snapshot: migrate the copy, never the snapshot itself. The copy has no
            # root key beside it; which root key wrapped it is checked next, against ours.
            StoreClass.open(Path(scratch), check_root_key=False).close()
        _same_root_key(store, staged, name)
        try:
            rows = db.restore(store.conn, staged, timeout=timeout)
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
            # Only the files themselves: a link is not followed (restore refuses it).
            if path.suffix == ".db" and _NAME.match(path.stem) and \
                    stat.S_ISREG(path.lstat().st_mode):
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
