"""Key policy documents: parsed and checked for lockout, and printed as KMS prints its own."""

from __future__ import annotations

import json

from awslocal_cli.errors import kms as err

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any


def _parse_policy(text: str, *, bypass: bool, principal: str, account: str) -> None:
    """MalformedPolicyDocumentException for bad policies and for ones that lock the caller out."""
    from awslocal_cli import policy

    try:
        doc = policy.parse(text)
    except policy.PolicyError as exc:
        raise err.MalformedPolicyDocumentException(str(exc) or "The policy document is "
                                                   "malformed.") from None
    if not bypass and not policy.lockout_safety_ok(doc, principal, account):
        raise err.MalformedPolicyDocumentException(
            "The new key policy will not allow you to update the key policy in the future.")


def _pretty_policy(value: Any, level: int = 0) -> str:
    """JSON as KMS returns the policies it writes itself (Jackson's default pretty printer)."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        pad = "  " * (level + 1)
        items = [f"{pad}{json.dumps(k)} : {_pretty_policy(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(_pretty_policy(v, level) for v in value) + " ]"
    return json.dumps(value)


def _default_policy(account: str) -> str:
    from awslocal_cli import policy

    return _pretty_policy(policy.default_key_policy(account))
