"""The state directory: SQLite (WAL) with numbered forward migrations, and the root key.

This package is the only place that speaks SQL: `store.Store` owns the connection and the one
transaction of an invocation; the per-service modules beside it (events.py, kms.py, ...) hold
the queries. Layout and tables are documented in state/README.md.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3

from awslocal_cli import __version__
from awslocal_cli.errors import ConfigurationError

TYPE_CHECKING = False
if TYPE_CHECKING:  # pathlib costs start-up time (it pulls in urllib and ipaddress)
    import threading
    from collections.abc import Iterator
    from pathlib import Path

DB_NAME = "state.db"
ROOT_KEY_NAME = "root.key"
ROOT_KEY_BYTES = 32
MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")
# The number of the last file in migrations/ (a test holds them together): an up-to-date state
# is recognised from its user_version alone, without listing the directory.
SCHEMA_VERSION = 9
BUSY_TIMEOUT_MS = 60_000
# Free pages a command may leave before the file is shrunk (4 KiB pages: 1 MiB).
FREE_PAGES_TO_VACUUM = 256

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
        self._root_key: bytes | None = None
        # What the files were when this store was opened (see `current`).
        self._identity = _identity(self.path)

    @property
    def directory(self) -> Path:
        from pathlib import Path

        return Path(self.path)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: str | Path, *, check_root_key: bool = True) -> Store:
        """Open (creating if needed) the state in `directory`, applying pending migrations.

        Refused (ConfigurationError, exit 253): a directory or file another user owns or could
        read or write, a symbolic link inside, an empty database next to a root key, and a
        missing or different root key next to material wrapped by the one the state was made
        with. `check_root_key=False` skips the last two, for `awslocal local check` and `reset`.
        """
        from awslocal_cli.store import trust

        # Absolute, so that what the state says of itself (`local info`, `local check`, errors)
        # names the directory wherever the reader stands.
        directory = os.path.abspath(os.fspath(directory))
        # Every file SQLite creates here later (the WAL and its index too) is private.
        os.umask(0o077)
        db_path = os.path.join(directory, DB_NAME)
        try:
            created = _ensure_directory(directory)
            for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", ROOT_KEY_NAME, "README"):
                trust.check_file(os.path.join(directory, name), what=_WHAT.get(name, "state file"))
            if check_root_key:
                _refuse_empty_database(directory)
            if os.path.exists(db_path) and not os.access(db_path, os.R_OK | os.W_OK):
                raise ConfigurationError(
                    f"The state file {db_path} is not readable and writable by this user. "
                    f"Fix it with `chmod 600 {db_path}`."
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
            if created:
                # Takes effect on a new database only (before its first table); older states
                # are switched once by a VACUUM after migration 0007 (see _migrate). Not on
                # every open: setting it writes the header, ~10 ms of fsync per command.
                conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store._migrate()
            if check_root_key:
                store._check_root_key()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _open_error(directory, db_path, exc) from exc
        except BaseException:
            conn.close()
            raise
        if created:
            _write_private(os.path.join(directory, "README"), _README.encode())
        return store

    def _migrate(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current == SCHEMA_VERSION:
            return
        files = migration_files()
        latest = files[-1][0] if files else 0
        if current == latest:
            return
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
        if self.conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 0:
            # A state made before 0007: switch it to incremental auto-vacuum, which takes a
            # VACUUM (outside any transaction). If another process holds the state or the disk
            # is too full to rebuild it, the next migration-free open does not retry;
            # `awslocal local reset` and `local check` mention it.
            with contextlib.suppress(sqlite3.OperationalError):
                self.conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
                self.conn.execute("VACUUM")

    def current(self) -> bool:
        """Whether the files are still the ones this store opened and checked: the same
        state.db (device and inode: an open file's inode cannot be reused, so a database
        removed and made anew always differs) and the same root.key (inode, size, times).

        Two `stat` calls: cheap enough for every request of a long-lived front door. Changes
        made through SQLite (a reset's deletes, a restore, an import) need no check: this
        connection reads them at its next transaction.
        """
        return _identity(self.path) == self._identity

    # -- transactions ------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    # The stores of one StorePool take turns at writing through this lock first: a waiting
    # thread is woken the moment the writer before it commits, where SQLite's busy handler
    # would poll with sleeps of up to 100 ms (the tail of a busy server's latencies).
    _writers: threading.Lock | None = None
    _holding = False

    def begin(self) -> None:
        """Take the write lock up front (waiting on a busy database rather than failing)."""
        if not self.conn.in_transaction:
            writers = self._writers
            if writers is not None and not self._holding:
                writers.acquire()
                self._holding = True
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._let_go()
                raise

    def _let_go(self) -> None:
        if self._holding:
            self._holding = False
            assert self._writers is not None
            self._writers.release()

    def commit(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")
        finally:
            if not self.conn.in_transaction:
                self._let_go()

    def give_back_space(self, *, threshold: int = FREE_PAGES_TO_VACUUM) -> int:
        """After a command: shrink the file when it left many free pages (large deletes,
        purges); the number of pages returned. One cheap PRAGMA when there is nothing to do.

        Outside any transaction. Best effort: a busy or full database keeps its free pages
        (later writes reuse them) and the next command tries again.
        """
        conn = self.conn
        try:
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
            if free < threshold or conn.in_transaction:
                return 0
            # executescript steps the pragma to completion; execute() would free one page.
            conn.executescript("PRAGMA incremental_vacuum;")
            # In WAL mode the shrunk pages reach the file at a checkpoint; truncate the WAL.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            return int(free)
        except sqlite3.Error:
            return 0

    def rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        finally:
            if not self.conn.in_transaction:
                self._let_go()

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

    def _read_root_key(self) -> bytes | None:
        from awslocal_cli.store import trust

        path = os.path.join(self.path, ROOT_KEY_NAME)
        try:
            data = trust.read_private(path, what="root key")
        except OSError as exc:
            raise ConfigurationError(
                f"The root key {path} is not readable: {exc.strerror}."
            ) from exc
        if data is not None and len(data) != ROOT_KEY_BYTES:
            raise ConfigurationError(
                f"The root key {path} is damaged (expected {ROOT_KEY_BYTES} bytes, found "
                f"{len(data)}). Restore it from a backup or reset the state."
            )
        return data

    def _check_root_key(self) -> None:
        """Refuse a missing or different root.key next to material wrapped by the original.

        The fingerprint in the `root_key` table is recorded the first time the key is used;
        a state from before migration 0007 is fingerprinted once its key is shown to unwrap
        its own KMS key material.
        """
        path = os.path.join(self.path, ROOT_KEY_NAME)
        data = self._read_root_key()
        row = self.conn.execute("SELECT fingerprint FROM root_key WHERE id = 1").fetchone()
        if data is None:
            if row is not None or self._holds_wrapped_material():
                raise ConfigurationError(
                    f"The root key {path} is missing, but {os.path.join(self.path, DB_NAME)} holds "
                    "key material wrapped by it. Restore root.key from a backup of this state "
                    "directory; awslocal will not make a new one, which would leave the stored "
                    "keys, data keys and messages undecryptable. To discard the state instead, "
                    "run `awslocal local reset --yes`."
                )
            return
        fingerprint = root_key_fingerprint(data)
        if row is None:
            if not self._unwraps_own_material(data):
                raise _wrong_root_key(path)
            self._record_fingerprint(fingerprint)
        elif row[0] != fingerprint:
            raise _wrong_root_key(path)
        self._root_key = data

    def _holds_wrapped_material(self) -> bool:
        return bool(self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM kms_key_material WHERE wrapped IS NOT NULL) "
            "OR EXISTS (SELECT 1 FROM kms_import_tokens) "
            "OR EXISTS (SELECT 1 FROM sqs_data_keys WHERE cached IS NOT NULL) "
            "OR EXISTS (SELECT 1 FROM sns_data_keys) OR EXISTS (SELECT 1 FROM sns_signing)"
        ).fetchone()[0])

    def _unwraps_own_material(self, data: bytes) -> bool:
        row = self.conn.execute(
            "SELECT key_id, material_id, wrapped FROM kms_key_material "
            "WHERE wrapped IS NOT NULL LIMIT 1"
        ).fetchone()
        if row is None:
            return True
        from awslocal_cli import crypto

        try:
            crypto.unwrap_material(data, row[0], row[1], row[2])
        except crypto.InvalidCiphertext:
            return False
        return True

    def _record_fingerprint(self, fingerprint: str) -> None:
        import time

        def write() -> None:
            self.conn.execute(
                "INSERT INTO root_key (id, fingerprint, recorded) VALUES (1, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                (fingerprint, time.time()),
            )

        if self.conn.in_transaction:
            write()
        else:
            with self.transaction():
                write()

    def root_key(self) -> bytes:
        """The 32-byte root key, created (atomically, 0600) on first use."""
        if self._root_key is not None:
            return self._root_key
        data = self._read_root_key()
        if data is None:
            if self._holds_wrapped_material():
                self._check_root_key()  # raises: the key is missing
            data = _create_root_key(os.path.join(self.path, ROOT_KEY_NAME))
            self._record_fingerprint(root_key_fingerprint(data))
            self._identity = _identity(self.path)  # this store made it: still current
        else:
            row = self.conn.execute("SELECT fingerprint FROM root_key WHERE id = 1").fetchone()
            if row is None:
                self._record_fingerprint(root_key_fingerprint(data))
            elif row[0] != root_key_fingerprint(data):
                raise _wrong_root_key(self.directory / ROOT_KEY_NAME)
        self._root_key = data
        return data

    # -- inspection --------------------------------------------------------------------------


def _identity(directory: str) -> tuple[object, object]:
    def of(name: str, full: bool) -> object:
        try:
            st = os.stat(os.path.join(directory, name))
        except OSError:
            return None
        if full:
            return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        return (st.st_dev, st.st_ino)

    return of(DB_NAME, False), of(ROOT_KEY_NAME, True)


class StorePool:
    """Open stores of one state directory kept across invocations (serve's workers, an SDK
    session): opened, migrated and checked once, handed out one invocation at a time.

    `acquire()` gives an idle store that is still `current()` (two `stat` calls), else opens
    one; `release()` ends any transaction left open and keeps the store for the next
    invocation. A store whose files were replaced underneath (a database removed and made
    anew, another root.key) is closed and never handed out again. `close()` closes them all.
    """

    def __init__(self, directory: str | Path, *, size: int = 64) -> None:
        import threading

        self.path = os.fspath(directory)
        self.size = size
        self._idle: list[Store] = []
        self._lock = threading.Lock()
        self._writers = threading.Lock()  # see Store._writers
        import weakref

        # Close what is left when the pool goes away unclosed (an SDK session dropped).
        self._finalizer = weakref.finalize(self, _close_all, self._idle)

    def acquire(self) -> Store:
        while True:
            with self._lock:
                store = self._idle.pop() if self._idle else None
            if store is None:
                store = Store.open(self.path)
                store._writers = self._writers
                return store
            if store.current():
                return store
            with contextlib.suppress(sqlite3.Error):
                store.close()

    def release(self, store: Store) -> None:
        try:
            store.rollback()
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                store.conn.close()
            return
        with self._lock:
            if len(self._idle) < self.size and self._finalizer.alive:
                self._idle.append(store)
                return
        with contextlib.suppress(sqlite3.Error):
            store.close()

    def close(self) -> None:
        self._finalizer()


def _close_all(stores: list[Store]) -> None:
    while stores:
        with contextlib.suppress(sqlite3.Error):
            stores.pop().conn.close()


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


def _mount_point(path: str) -> str:
    """The mount point of the file system holding `path` (walking up while st_dev stays)."""
    path = os.path.abspath(path)
    try:
        dev = os.stat(path).st_dev
    except OSError:
        return path
    while True:
        parent = os.path.dirname(path)
        if parent == path:
            return path
        try:
            if os.stat(parent).st_dev != dev:
                return path
        except OSError:
            return path
        path = parent


def disk_full(directory: str) -> str | None:
    """Names the disk holding `directory` ("the file system mounted at /x (N bytes free)") when
    it has no room left for SQLite to grow the database, its WAL or its index; else None."""
    try:
        st = os.statvfs(directory)
    except (OSError, AttributeError):  # no statvfs on Windows
        return None
    free = st.f_bavail * st.f_frsize
    if free >= 64 * 1024 and st.f_favail != 0:
        return None
    return f"the file system mounted at {_mount_point(directory)} ({free} bytes free)"


def _open_error(directory: str, db_path: str, exc: sqlite3.DatabaseError) -> ConfigurationError:
    """What opening the state failed on, in words: a full disk names the disk (SQLite reports
    it as "database or disk is full", or as a "disk I/O error" when the WAL index cannot
    grow), an I/O error is not called corruption, and only damage advises moving the file."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    damaged = name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or \
        "malformed" in str(exc) or "not a database" in str(exc)
    full = None if damaged else disk_full(directory)
    if full is not None or "FULL" in name or "full" in str(exc):
        where = full or f"the disk holding {directory}"
        return ConfigurationError(
            f"The state in {directory} cannot be opened: {where} is full ({exc}). Free some "
            "space there; `awslocal local reset --yes` works on a full disk."
        )
    if not damaged and (name.startswith("SQLITE_IOERR") or "disk I/O error" in str(exc)):
        return ConfigurationError(
            f"The state in {directory} cannot be read or written: the disk reported an I/O "
            f"error ({exc}). Check the disk holding {directory}, then try again."
        )
    return ConfigurationError(
        f"The state in {directory} is corrupt or not an awslocal state "
        f"({exc}). Move {db_path} aside or run `awslocal local reset --yes`."
    )


def _ensure_directory(directory: str) -> bool:
    """Create the directory 0700, or check an existing one is ours; True when its state is new."""
    from awslocal_cli.store import trust

    try:
        os.lstat(directory)
    except FileNotFoundError:
        try:
            os.makedirs(directory, mode=0o700)
        except FileExistsError:  # another process made it first
            pass
        else:
            os.chmod(directory, 0o700)
    fresh = not any(
        os.path.lexists(os.path.join(directory, name)) for name in (DB_NAME, ROOT_KEY_NAME)
    )
    trust.check_directory(directory, fresh=fresh)
    if not os.access(directory, os.R_OK | os.W_OK | os.X_OK):
        raise ConfigurationError(
            f"The state directory {directory} is not readable and writable by this user."
        )
    return not os.path.lexists(os.path.join(directory, DB_NAME))


def _refuse_empty_database(directory: str) -> None:
    """An empty state.db next to a root key is damage, not a new state."""
    db_path = os.path.join(directory, DB_NAME)
    try:
        size = os.lstat(db_path).st_size
    except FileNotFoundError:
        return
    if size:
        return
    try:
        wal = os.lstat(os.path.join(directory, DB_NAME + "-wal")).st_size
    except FileNotFoundError:
        wal = 0
    root_key = os.path.join(directory, ROOT_KEY_NAME)
    if wal == 0 and os.path.lexists(root_key):
        raise ConfigurationError(
            f"The state database {db_path} is empty, but {root_key} shows this "
            "state existed: the database was truncated or replaced. Restore state.db from a "
            "backup of this directory, or start over with `awslocal local reset --yes`."
        )


_WHAT = {ROOT_KEY_NAME: "root key", "README": "state file", DB_NAME: "state database",
         DB_NAME + "-wal": "state database's write-ahead log",
         DB_NAME + "-shm": "state database's shared-memory index"}
_FINGERPRINT_LABEL = b"awslocal/root-key-fingerprint/v1"


def root_key_fingerprint(root_key: bytes) -> str:
    """A MAC of a constant under the root key (BLAKE2b-256 keyed): names it, reveals nothing."""
    try:
        # hashlib.blake2b is this very class; importing hashlib would also load OpenSSL's
        # libcrypto (_hashlib), on every command.
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b

    return blake2b(_FINGERPRINT_LABEL, key=root_key, digest_size=32).hexdigest()


def _wrong_root_key(path: str | Path) -> ConfigurationError:
    return ConfigurationError(
        f"The root key {path} is not the one this state was made with (its fingerprint does "
        "not match the one recorded in state.db): the key material in the state would not "
        "open. Put the original root.key back, or start over with `awslocal local reset --yes`."
    )


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
