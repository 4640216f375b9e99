"""Trust nothing on disk the user did not make: owners, modes and symlinks of the state.

The state directory holds the root key that wraps every KMS key material, so awslocal refuses
(exit 253) a state directory or a file in it that another user owns or could read or write,
the way ssh refuses a private key with loose modes, and says how to fix it. Files inside are
never followed through symbolic links (`lstat`, `O_NOFOLLOW`); the directory itself may be a
link only when the link and its target are both the user's own. Once the directory is known to
be the user's and 0700, nobody else can plant anything in it, so checking each file at open is
enough: the hot path costs one `lstat` per file (no directory walks; `sns/` is checked when
used).
"""

from __future__ import annotations

import contextlib
import os
import stat

from awslocal_cli.errors import ConfigurationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def _uid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def _owned(st: os.stat_result) -> bool:
    return _uid() < 0 or st.st_uid == _uid()


# Windows reports no owner and 0o666-style modes; its ACLs are not modelled, so only POSIX
# systems check owners and modes (links are checked everywhere).
_POSIX = os.name == "posix"


def _loose(st: os.stat_result) -> bool:
    return _POSIX and bool(stat.S_IMODE(st.st_mode) & 0o077)


def _mode(st: os.stat_result) -> str:
    return f"{stat.S_IMODE(st.st_mode):04o}"


def _not_ours(what: str, path: Path | str, st: os.stat_result) -> ConfigurationError:
    return ConfigurationError(
        f"The {what} {path} is owned by another user (uid {st.st_uid}, not {_uid()}); awslocal "
        "does not use state it did not make, since that user could know or replace the root "
        "key. Use a state directory of your own (--state-dir DIR or AWSLOCAL_STATE_DIR), or "
        f"remove {path} if you trust its contents to no one."
    )


def check_directory(directory: Path, *, fresh: bool) -> None:
    """Refuse a state directory another user owns or could read or write.

    `fresh`: the directory holds no state yet (no state.db, no root.key), so loose modes on a
    directory the user owns are tightened to 0700 instead of refused.
    """
    st = os.lstat(directory)
    if stat.S_ISLNK(st.st_mode):
        if not _owned(st):
            raise ConfigurationError(
                f"The state directory {directory} is a symbolic link owned by another user "
                f"(uid {st.st_uid}); awslocal follows it only when the link and its target are "
                "both yours. Remove the link or use another --state-dir."
            )
        st = os.stat(directory)
    if not stat.S_ISDIR(st.st_mode):
        raise ConfigurationError(f"The state directory {directory} is not a directory.")
    if not _owned(st):
        raise _not_ours("state directory", directory, st)
    if _loose(st):
        if fresh:
            os.chmod(directory, 0o700)
            return
        raise ConfigurationError(
            f"The state directory {directory} is readable or writable by group or others (mode "
            f"{_mode(st)}); it holds the root key. Fix it with `chmod 700 {directory}`."
        )


def check_file(path: Path | str, *, what: str = "state file") -> os.stat_result | None:
    """Refuse a file in the state directory that is a link, not ours, or loosely moded.

    Returns its lstat, or None when it does not exist.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    _check_stat(path, st, what)
    return st


def check_stat(path: Path | str, st: os.stat_result, what: str) -> None:
    """Refuse what `st` (an lstat, or the fstat of a file opened with O_NOFOLLOW) describes if
    it is a link, not a regular file, not ours, or loosely moded."""
    _check_stat(path, st, what)


def _check_stat(path: Path | str, st: os.stat_result, what: str) -> None:
    if stat.S_ISLNK(st.st_mode):
        raise ConfigurationError(
            f"The {what} {path} is a symbolic link; awslocal does not follow links inside the "
            "state directory (another file's bytes could become the state). Replace the link "
            "with the file itself, or remove it."
        )
    if not stat.S_ISREG(st.st_mode):
        raise ConfigurationError(f"The {what} {path} is not a regular file.")
    if not _owned(st):
        raise _not_ours(what, path, st)
    if _loose(st):
        raise ConfigurationError(
            f"The {what} {path} is readable or writable by group or others (mode {_mode(st)}). "
            f"Fix it with `chmod 600 {path}`."
        )


def read_private(path: Path | str, *, what: str = "state file") -> bytes | None:
    """The bytes of a private file, opened without following links; None if it is missing."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        import errno

        if exc.errno == errno.ELOOP:  # O_NOFOLLOW on a symbolic link
            _check_stat(path, os.lstat(path), what)
        raise
    try:
        _check_stat(path, os.fstat(fd), what)
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_subdirectory(path: Path, *, create: bool = True) -> None:
    """A private folder inside the state directory (`sns/`): ours, 0700, not a link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
        st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise ConfigurationError(
            f"The state folder {path} is a symbolic link; awslocal does not follow links inside "
            "the state directory. Remove the link."
        )
    if not stat.S_ISDIR(st.st_mode):
        raise ConfigurationError(f"The state folder {path} is not a directory.")
    if not _owned(st):
        raise _not_ours("state folder", path, st)
    if _loose(st):
        raise ConfigurationError(
            f"The state folder {path} is readable or writable by group or others (mode "
            f"{_mode(st)}). Fix it with `chmod 700 {path}`."
        )


def write_private(directory: Path, name: str, data: bytes) -> None:
    """Replace `directory/name` with `data`, 0600, atomically, never writing through a link."""
    check_subdirectory(directory)
    target = directory / name
    check_file(target)
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
