"""The pip command that adds an optional extra to this very installation.

awslocal is not on a package index: it is installed from a checkout (`pip install -e .`), from a
directory, or from a wheel built with `python -m build`. A hint that said
`pip install 'awslocal-cli[serve]'` would send pip to an index that has no such project, so the
command is built from how this copy was installed (PEP 610's direct_url.json) and names this
interpreter, so that the extra lands in the environment that runs awslocal.

Only error paths call this: importlib.metadata stays out of start-up.
"""

from __future__ import annotations

import json
import shlex
import sys

DISTRIBUTION = "awslocal-cli"


def _direct_url() -> dict:
    from importlib import metadata

    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return {}
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def _local_path(url: str) -> str | None:
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    return unquote(parts.path) if parts.scheme == "file" else None


def requirement(extra: str, direct_url: dict | None = None) -> list[str]:
    """pip's arguments (after `install`) for this installation with `extra`."""
    info = _direct_url() if direct_url is None else direct_url
    url = info.get("url", "")
    path = _local_path(url) if url else None
    if path and "dir_info" in info:
        target = f"{path}[{extra}]"
        return ["-e", target] if info["dir_info"].get("editable") else [target]
    if url:  # a wheel or an archive, local or not
        return [f"{DISTRIBUTION}[{extra}] @ {url}"]
    return [f"{DISTRIBUTION}[{extra}]"]


def pip_command(extra: str, direct_url: dict | None = None) -> str:
    """The shell command that installs `extra` beside this awslocal, quoted to paste."""
    args = [sys.executable, "-m", "pip", "install", *requirement(extra, direct_url)]
    return shlex.join(args)
