"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases."""

from __future__ import annotations

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.access import _authorize
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.lookup import PREDEFINED_ALIASES, _not_found_alias, _resolve
from awslocal_cli.services.kms.names import _dt, alias_arn
from awslocal_cli.services.kms.shapes import _page
from awslocal_cli.services.kms.states import _require_customer_managed, _require_not
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


_ALIAS_DOC = "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"


def _check_alias_name(name: str, *, reserved_ok: bool = False) -> None:
    if not name.startswith("alias/") or name == "alias/":
        raise err.ValidationException(
            f'Alias must start with the prefix "alias/". Please see {_ALIAS_DOC}')
    if name.startswith("alias/aws/") and not reserved_ok:
        raise err.NotAuthorizedException(
            f"Cannot perform this operation on the reserved alias name {name}: names beginning "
            "with alias/aws/ are reserved for AWS managed keys.")


@_operation("CreateAlias")
def create_alias(ctx: Context, audit: _Audit, *, AliasName: str,
                 TargetKeyId: str) -> dict[str, Any]:
    """A new alias (alias/..., not alias/aws/...) for a customer managed key."""
    _check_alias_name(AliasName)
    if ":" in AliasName:
        # The model's pattern lets ":" through; AliasName's documented character set does not,
        # and AWS refuses it in these words (moto's test, run against AWS).
        raise err.ValidationException(f"{AliasName} contains invalid characters for an alias")
    key = _resolve(ctx, TargetKeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "CreateAlias")
    _require_customer_managed(key, "CreateAlias")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion")
    if db.get_alias(ctx.db, ctx.account, ctx.region, AliasName) is not None:
        raise err.AlreadyExistsException(
            f"An alias with the name {alias_arn(ctx.region, ctx.account, AliasName)} already "
            "exists")
    db.insert_alias(ctx.db, ctx.account, ctx.region, AliasName, key["key_id"], ctx.time())
    return {}


@_operation("UpdateAlias")
def update_alias(ctx: Context, audit: _Audit, *, AliasName: str,
                 TargetKeyId: str) -> dict[str, Any]:
    """Point an alias at another key of the same type and usage."""
    _check_alias_name(AliasName)
    row = db.get_alias(ctx.db, ctx.account, ctx.region, AliasName)
    if row is None:
        raise _not_found_alias(alias_arn(ctx.region, ctx.account, AliasName))
    key = _resolve(ctx, TargetKeyId, aliases=False, audit=audit)
    old = db.get_key(ctx.db, ctx.account, ctx.region, row["key_id"])
    if old is not None:
        audit.key(old["arn"])
        _authorize(ctx, old, "UpdateAlias")
    _authorize(ctx, key, "UpdateAlias")
    _require_customer_managed(key, "UpdateAlias")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion")
    if old is not None and (old["key_usage"] != key["key_usage"] or (
            old["key_spec"] == "SYMMETRIC_DEFAULT") != (key["key_spec"] == "SYMMETRIC_DEFAULT")):
        raise err.ValidationException(
            f"{key['arn']} is not the same key type and key usage as the alias's current key "
            f"{old['arn']}.")
    db.retarget_alias(ctx.db, ctx.account, ctx.region, AliasName, key["key_id"], ctx.time())
    return {}


@_operation("DeleteAlias")
def delete_alias(ctx: Context, audit: _Audit, *, AliasName: str) -> dict[str, Any]:
    """Remove an alias (the key is untouched)."""
    _check_alias_name(AliasName)
    row = db.get_alias(ctx.db, ctx.account, ctx.region, AliasName)
    if row is None:
        raise _not_found_alias(alias_arn(ctx.region, ctx.account, AliasName))
    key = db.get_key(ctx.db, ctx.account, ctx.region, row["key_id"])
    if key is not None:
        audit.key(key["arn"])
        _authorize(ctx, key, "DeleteAlias")
    db.delete_alias(ctx.db, ctx.account, ctx.region, AliasName)
    return {}


@_operation("ListAliases")
def list_aliases(ctx: Context, audit: _Audit, *, KeyId: str | None = None,
                 Limit: int | None = None, Marker: str | None = None) -> dict[str, Any]:
    """Aliases of the region, or of one key (key id or key ARN)."""
    key_id = None
    if KeyId is not None:
        key = _resolve(ctx, KeyId, aliases=False, audit=audit)
        key_id = key["key_id"]
    rows = db.list_aliases(ctx.db, ctx.account, ctx.region, key_id)
    if key_id is None:
        # The predefined AWS aliases of every account and region, listed without TargetKeyId
        # until their AWS managed key exists (botocore's ListAliases documentation).
        present = {r["alias_name"] for r in rows}
        rows = sorted(rows + [{"alias_name": name} for name in PREDEFINED_ALIASES
                              if name not in present], key=lambda r: r["alias_name"])
    page, tail = _page(rows, lambda r: r["alias_name"], Limit, Marker, default=50)
    return {"Aliases": [_alias_entry(ctx, r) for r in page], **tail}


def _alias_entry(ctx: Context, row: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "AliasName": row["alias_name"],
        "AliasArn": alias_arn(ctx.region, ctx.account, row["alias_name"]),
    }
    if "key_id" in row:
        entry["TargetKeyId"] = row["key_id"]
        entry["CreationDate"] = _dt(row["creation_date"])
        entry["LastUpdatedDate"] = _dt(row["last_updated"])
    return entry
