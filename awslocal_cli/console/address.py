"""Where a running `awslocal serve` answers, recorded in its state directory.

`awslocal serve` writes `serve.json` (0600: its process id and address) into the state
directory once it listens and removes it when it stops; `awslocal local console` reads it to
find the server of a state before starting one. A record whose process is gone is stale.
"""

from __future__ import annotations

import contextlib
import json
import os

FILE = "serve.json"
PREFIX = "/_awslocal"  # where the console is mounted on the server
PATH = PREFIX + "/"


def record(state_dir: str, url: str) -> str:
    """Write the record of this process's server; its path."""
    path = os.path.join(state_dir, FILE)
    data = json.dumps({"pid": os.getpid(), "url": url, "console": url + PATH}).encode()
    temp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(temp, path)
    return path


def forget(state_dir: str) -> None:
    """Remove the record, if it is this process's."""
    found = read(state_dir, check_alive=False)
    if found is not None and found.get("pid") == os.getpid():
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(state_dir, FILE))


def read(state_dir: str, *, check_alive: bool = True) -> dict[str, object] | None:
    """The record of the state's running server, or None."""
    try:
        with open(os.path.join(state_dir, FILE), "rb") as f:
            found = json.loads(f.read())
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or not isinstance(found.get("pid"), int):
        return None
    if check_alive:
        try:
            os.kill(found["pid"], 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass  # alive, another user's (the state directory's trust checks refuse that)
    return found
