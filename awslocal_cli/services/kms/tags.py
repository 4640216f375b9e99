"""Tags: TagResource, UntagResource, ListResourceTags and the tag rules CreateKey shares."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.access import _authorize
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.lookup import _resolve
from awslocal_cli.services.kms.names import Row
from awslocal_cli.services.kms.shapes import _page
from awslocal_cli.services.kms.states import _require_customer_managed, _require_not
from awslocal_cli.store import kms as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


_TAG_CHARS = re.compile(r"^[\w\s.:/=+\-@]*$", re.UNICODE)
MAX_TAGS = 50


_RESERVED = "Tags beginning with aws: are reserved"  # AWS's wording, without a final period


def _check_tags(tags: list[dict[str, str]], existing: Iterable[str] | None = None) -> None:
    """AWS's TagException for reserved, invalid, repeated or too many tags (recorded wording).

    `existing` is None for a new key (CreateKey, ReplicateKey): 51 tags there are TagException
    "Too many tags", as recorded. TagResource past 50 tags on a key answers
    LimitExceededException, the error its API reference names (the wording is ours).
    """
    seen: set[str] = set()
    for tag in tags:
        k, v = tag["TagKey"], tag["TagValue"]
        if k.lower().startswith("aws:"):
            raise err.TagException(_RESERVED)
        if not _TAG_CHARS.match(k) or not _TAG_CHARS.match(v):
            raise err.TagException("The tag key or value contains invalid characters.")
        if k in seen:
            raise err.TagException("Duplicate tag keys")
        seen.add(k)
    if existing is None:
        if len(seen) > MAX_TAGS:
            raise err.TagException("Too many tags")
    elif len(seen | set(existing)) > MAX_TAGS:
        raise err.LimitExceededException(f"A KMS key can have at most {MAX_TAGS} tags.")


def _tags(ctx: Context, key: Row) -> list[dict[str, str]]:
    return [{"TagKey": t["tag_key"], "TagValue": t["tag_value"]}
            for t in db.get_tags(ctx.db, key["account"], key["region"], key["key_id"])]


# -- operations -----------------------------------------------------------------------------------


@_operation("TagResource")
def tag_resource(ctx: Context, audit: _Audit, *, KeyId: str,
                 Tags: list[dict[str, str]]) -> dict[str, Any]:
    """Add or overwrite tags (at most 50, no aws: prefix)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "TagResource")
    _require_customer_managed(key, "TagResource")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion")
    existing = [t["tag_key"] for t in db.get_tags(ctx.db, key["account"], key["region"],
                                                  key["key_id"])]
    _check_tags(Tags, existing)
    for tag in Tags:
        db.put_tag(ctx.db, key["account"], key["region"], key["key_id"], tag["TagKey"],
                   tag["TagValue"])
    return {}


@_operation("UntagResource")
def untag_resource(ctx: Context, audit: _Audit, *, KeyId: str,
                   TagKeys: list[str]) -> dict[str, Any]:
    """Remove tags by key (absent keys are ignored)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "UntagResource")
    _require_customer_managed(key, "UntagResource")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion")
    for k in TagKeys:
        if k.lower().startswith("aws:"):
            raise err.TagException(_RESERVED)
        db.delete_tag(ctx.db, key["account"], key["region"], key["key_id"], k)
    return {}


@_operation("ListResourceTags")
def list_resource_tags(ctx: Context, audit: _Audit, *, KeyId: str, Limit: int | None = None,
                       Marker: str | None = None) -> dict[str, Any]:
    """The key's tags, sorted by key."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ListResourceTags")
    page, tail = _page(_tags(ctx, key), lambda t: t["TagKey"], Limit, Marker, default=50)
    return {"Tags": page, **tail}
