"""Random identifiers: version-4 UUIDs made from os.urandom, without importing `uuid`.

`uuid.uuid4()` is os.urandom(16) with the version and variant bits set; this is the same thing.
The `uuid` module costs start-up time on every command that makes an id (it imports
`platform` and probes for libuuid), and a command is a fresh process.
"""

from __future__ import annotations

import os


def uuid4_bytes() -> bytes:
    """16 random bytes with the RFC 4122 version (4) and variant (10xx) bits set."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return bytes(raw)


def uuid4_hex() -> str:
    """A version-4 UUID as 32 hex digits (`uuid.uuid4().hex`)."""
    return uuid4_bytes().hex()


def uuid4() -> str:
    """A version-4 UUID in its canonical form (`str(uuid.uuid4())`)."""
    h = uuid4_bytes().hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
