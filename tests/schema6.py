"""A real schema-6 state (made by the code before migration 0007; tests/golden/schema6)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden" / "schema6"


def manifest() -> dict[str, Any]:
    return json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8"))


def database_bytes() -> bytes:
    return gzip.decompress((GOLDEN / "state.db.gz").read_bytes())


def root_key_bytes() -> bytes:
    return (GOLDEN / "root.key").read_bytes()


def write_private(path: Path, data: bytes) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def make_state(directory: Path) -> Path:
    """`directory` holding the schema-6 state.db and its root.key, as that awslocal left them."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private(directory / "state.db", database_bytes())
    write_private(directory / "root.key", root_key_bytes())
    return directory
