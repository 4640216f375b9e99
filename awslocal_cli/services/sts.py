"""STS: only what awslocal's callers need, GetCallerIdentity."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


_unique_ids: dict[tuple[str, str], str] = {}


def _unique_id(prefix: str, seed: str) -> str:
    """A stable IAM-style unique id (AIDA + 17 characters) for a principal.

    Two 64-bit FNV-1a hashes of the seed, in base32: stable and well spread, and cheaper to
    start than hashlib (this runs on the start-up path that benchmarks/startup.py measures).
    Remembered per principal: a server computes it for every request.
    """
    known = _unique_ids.get((prefix, seed))
    if known is not None:
        return known
    if len(_unique_ids) > 10_000:
        _unique_ids.clear()
    _unique_ids[(prefix, seed)] = _compute_unique_id(prefix, seed)
    return _unique_ids[(prefix, seed)]


def _compute_unique_id(prefix: str, seed: str) -> str:
    value = 0
    for salt in (0, 1):
        h = 0xCBF29CE484222325 ^ salt
        for byte in seed.encode():
            h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        value = (value << 64) | h
    chars = []
    for _ in range(17):
        value, digit = divmod(value, 32)
        chars.append(_BASE32[digit])
    return prefix + "".join(chars)


def get_caller_identity(ctx: Context) -> dict[str, Any]:
    """The caller: `arn:aws:iam::<account>:user/<profile>`.

    Departs from AWS: IAM is not modelled, so every profile is an IAM user of the one local
    account and no credentials are checked.
    """
    return {
        "UserId": _unique_id("AIDA", f"{ctx.account}:{ctx.principal}"),
        "Account": ctx.account,
        "Arn": ctx.principal,
    }
