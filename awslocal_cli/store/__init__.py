"""The state directory: SQLite (WAL) with numbered forward migrations, and the root key.

This package is the only place that speaks SQL: `store.Store` owns the connection and the one
transaction of an invocation; the per-service modules beside it (events.py, kms.py, ...) hold
the queries. Layout and tables are documented in state/README.md.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat

from awslocal_cli import __version__
from awslocal_cli.errors import ConfigurationError

TYPE_CHECKING = False
if TYPE_CHECKING:  # pathlib costs start-up time (it pulls in urllib and ipaddress)
    from collections.abc import Iterator
    from pathlib import Path

DB_NAME = "state.db"
ROOT_KEY_NAME = "root.key"
ROOT_KEY_BYTES = 32
MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")
# The number of the last file in migrations/ (a test holds them together): an up-to-date state
# is recognised from its user_version alone, without listing the directory.
SCHEMA_VERSION = 6
BUSY_TIMEOUT_MS = 60_000

_README = """\
This directory holds the state of awslocal (https://pypi.org/project/awslocal-cli/):

  state.db   SQLite database (WAL mode): keys, aliases, queues, messages, topics, the event log.
             Key material and encrypted message bodies in it are wrapped by root.key.
  root.key   32 random bytes: the local stand-in for the HSMs that protect KMS key material.
             Without it nothing in state.db can be decrypted. Keep it private (mode 0600).

Point awslocal elsewhere with --state-dir DIR or AWSLOCAL_STATE_DIR. `awslocal local reset`
empties it.
"""


def default_state_dir() -> Path:
    """The per-user data directory (platformdirs), e.g. ~/.local/share/awslocal."""
    from pathlib import Path

    import platformdirs

    return Path(platformdirs.user_data_dir("awslocal", appauthor=False))


def resolve_state_dir(explicit: str | None, environ: os._Environ[str] | dict[str, str]) -> Path:
    """--state-dir, then AWSLOCAL_STATE_DIR, then the platform default."""
    from pathlib import Path

    return Path(state_dir_path(explicit, environ))


def state_dir_path(explicit: str | None, environ: os._Environ[str] | dict[str, str]) -> str:
    """`resolve_state_dir` as a string, for the hot path (no pathlib)."""
    if explicit:
        return os.path.expanduser(explicit)
    env = environ.get("AWSLOCAL_STATE_DIR")
    if env:
        return os.path.expanduser(env)
    return str(default_state_dir())


def migration_files() -> list[tuple[int, Path]]:
    from pathlib import Path

    found = []
    for path in Path(MIGRATIONS).iterdir():
        if path.suffix == ".sql" and path.name[:4].isdigit():
            found.append((int(path.name[:4]), path))
    found.sort()
    return found


def _statements(sql: str) -> Iterator[str]:
    """Split a migration script into complete statements (trigger bodies stay whole)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
    if buf.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()
    ):
        raise ValueError("migration ends with an incomplete statement")


class Store:
    """One open state directory: a SQLite connection and at most one open transaction."""

    def __init__(self, directory: str | Path, conn: sqlite3.Connection) -> None:
        self.path = os.fspath(directory)  # a string: the hot path stays free of pathlib
        self.conn = conn

    @property
    def directory(self) -> Path:
        from pathlib import Path

        return Path(self.path)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: str | Path) -> Store:
        """Open (creating if needed) the state in `directory`, applying pending migrations."""
        directory = os.fspath(directory)
        # Every file SQLite creates here later (the WAL and its index too) is private.
        os.umask(0o077)
        try:
            created = _ensure_directory(directory)
            db_path = os.path.join(directory, DB_NAME)
            if os.path.exists(db_path) and not os.access(db_path, os.R_OK | os.W_OK):
                raise ConfigurationError(
                    f"The state file {db_path} is not readable and writable by this user."
                )
            conn = sqlite3.connect(
                db_path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except OSError as exc:
            raise ConfigurationError(
                f"The state directory {directory} is not usable: {exc.strerror or exc}."
            ) from exc
        except sqlite3.Error as exc:
            raise ConfigurationError(
                f"The state directory {directory} is not usable: {exc}."
            ) from exc
        store = cls(directory, conn)
        try:
            # (sqlite3.connect's timeout already set the busy timeout.)
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ConfigurationError(
                f"The state in {directory} is corrupt or not an awslocal state "
                f"({exc}). Move {db_path} aside or run `awslocal local reset --yes`."
            ) from exc
        for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
            _make_private(os.path.join(directory, name))
        if created:
            _write_private(os.path.join(directory, "README"), _README.encode())
        return store

    def _migrate(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current == SCHEMA_VERSION:
            return
        files = migration_files()
        latest = files[-1][0] if files else 0
        if current > latest:
            raise ConfigurationError(
                f"The state in {self.directory} has schema version {current}, newer than this "
                f"awslocal ({__version__}) knows ({latest}). Upgrade awslocal."
            )
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            current = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for number, path in files:
                if number <= current:
                    continue
                for statement in _statements(path.read_text(encoding="utf-8")):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")
            if current < latest:
                self._set_meta("schema_version", str(latest))
                self._set_meta("written_by", f"awslocal-cli {__version__}")
                if current == 0:
                    import time

                    self._set_meta("created_at", repr(time.time()))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    # -- transactions ------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def begin(self) -> None:
        """Take the write lock up front (waiting on a busy database rather than failing)."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; commits on success, rolls back on any exception."""
        self.begin()
        try:
            yield self.conn
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def close(self) -> None:
        self.rollback()
        self.conn.close()

    # -- meta --------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._set_meta(key, value)

    def clock_offset(self) -> float:
        return float(self.get_meta("clock_offset", "0") or 0)

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- the root key ------------------------------------------------------------------------

    def root_key(self) -> bytes:
        """The 32-byte root key, created (atomically, 0600) on first use."""
        path = os.path.join(self.path, ROOT_KEY_NAME)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            data = _create_root_key(path)
        except OSError as exc:
            raise ConfigurationError(
                f"The root key {path} is not readable: {exc.strerror}."
            ) from exc
        if len(data) != ROOT_KEY_BYTES:
            raise ConfigurationError(
                f"The root key {path} is damaged (expected {ROOT_KEY_BYTES} bytes, found "
                f"{len(data)}). Restore it from a backup or reset the state."
            )
        return data


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch a new database to WAL mode.

    The switch needs a moment of exclusive access and SQLite may answer "database is locked"
    without waiting when processes create the same state at once, so retry for a while.
    """
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _ensure_directory(directory: str) -> bool:
    """Create the directory 0700; True when it (or its state) is new."""
    db_path = os.path.join(directory, DB_NAME)
    if os.path.exists(directory):
        if not os.path.isdir(directory):
            raise ConfigurationError(f"The state directory {directory} is not a directory.")
        if not os.access(directory, os.R_OK | os.W_OK | os.X_OK):
            raise ConfigurationError(
                f"The state directory {directory} is not readable and writable by this user."
            )
        new = not os.path.exists(db_path)
        if new:
            os.chmod(directory, 0o700)
        return new
    try:
        os.makedirs(directory, mode=0o700)
    except FileExistsError:  # another process made it first
        return not os.path.exists(db_path)
    os.chmod(directory, 0o700)
    return True


def _make_private(path: str) -> None:
    try:
        if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
            os.chmod(path, 0o600)
    except FileNotFoundError:
        pass


def _write_private(path: str, data: bytes) -> None:
    """Write a 0600 file atomically: a temporary name, then a link that fails if it exists."""
    head, name = os.path.split(path)
    tmp = os.path.join(head, f".{name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _create_root_key(path: str) -> bytes:
    _write_private(path, os.urandom(ROOT_KEY_BYTES))
    # Whoever won a race to create it, this is the key now.
    with open(path, "rb") as f:
        return f.read()
