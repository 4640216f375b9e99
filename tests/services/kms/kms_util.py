"""Helpers the KMS service tests share."""

from __future__ import annotations

from typing import Any

from awslocal_cli.services import kms


def make_key(inv: Any, **kw: Any) -> dict[str, Any]:
    """KeyMetadata of a new key (CreateKey with the given members)."""
    return inv(kms.create_key, **kw)["KeyMetadata"]
