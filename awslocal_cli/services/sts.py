"""STS: only what awslocal's callers need, GetCallerIdentity."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from awslocal_cli.context import Context


def _unique_id(prefix: str, seed: str) -> str:
    """A stable IAM-style unique id (AIDA + 17 characters) for a principal."""
    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode()
    return prefix + digest.replace("=", "")[:17]


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
