"""Multi-Region keys: ReplicateKey (the replica is Creating for a moment) and
UpdatePrimaryRegion (completes at once)."""

from __future__ import annotations

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.access import _authorize
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.lookup import _resolve
from awslocal_cli.services.kms.names import key_arn
from awslocal_cli.services.kms.policy_docs import _default_policy, _parse_policy
from awslocal_cli.services.kms.shapes import _metadata
from awslocal_cli.services.kms.states import _effective_state, _require_not
from awslocal_cli.services.kms.tags import _check_tags, _tags
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


@_operation("ReplicateKey")
def replicate_key(ctx: Context, audit: _Audit, *, KeyId: str, ReplicaRegion: str,
                  Policy: str | None = None, BypassPolicyLockoutSafetyCheck: bool = False,
                  Description: str | None = None,
                  Tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """A replica of a multi-Region primary key in another region of the same local state.

    As in AWS, the replica starts Creating (Enabled false, no CurrentKeyMaterialId) and
    becomes Enabled (PendingImport for imported material) a moment later on the local clock
    (housekeeping.REPLICA_CREATION_SECONDS; AWS takes seconds to minutes). Its Description is
    its own, empty unless given, not the primary's.
    """
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ReplicateKey", extra={"kms:ReplicaRegion": ReplicaRegion})
    if not key["multi_region"]:
        raise err.UnsupportedOperationException(
            f"{key['arn']} is not a multi-region key.")
    if key["primary_region"] != key["region"]:
        raise err.UnsupportedOperationException(
            f"{key['arn']} is not a multi-region primary key.")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion", "Creating", "Updating")
    if ReplicaRegion == key["region"]:
        raise err.ValidationException(
            f"The replica region {ReplicaRegion} must differ from the primary key's region.")
    if db.get_key(ctx.db, key["account"], ReplicaRegion, key["key_id"]) is not None:
        raise err.AlreadyExistsException(
            f"Key '{key_arn(ReplicaRegion, key['account'], key['key_id'])}' already exists")
    if Policy is not None:
        _parse_policy(Policy, bypass=bool(BypassPolicyLockoutSafetyCheck),
                      principal=ctx.principal, account=key["account"])
    _check_tags(Tags or [])
    replica_arn = key_arn(ReplicaRegion, key["account"], key["key_id"])
    row = {c: key[c] for c in (
        "key_id", "key_spec", "key_usage", "origin", "key_manager", "multi_region",
        "primary_region", "valid_to", "expiration_model", "rotation_enabled",
        "rotation_period_days", "next_rotation_date", "current_material_id")}
    row.update({
        "arn": replica_arn,
        "key_state": "Creating",
        "description": Description or "",
        "creation_date": ctx.time(),
        "policy": Policy if Policy is not None else _default_policy(key["account"]),
    })
    db.insert_key(ctx.db, key["account"], ReplicaRegion, row)
    for m in db.list_material(ctx.db, key["account"], key["region"], key["key_id"]):
        copy = {c: m[c] for c in ("material_id", "wrapped", "created", "rotation_date",
                                  "rotation_type", "imported", "import_state", "valid_to",
                                  "expiration_model", "description")}
        db.insert_material(ctx.db, key["account"], ReplicaRegion, key["key_id"], copy)
    for tag in Tags or []:
        db.put_tag(ctx.db, key["account"], ReplicaRegion, key["key_id"], tag["TagKey"],
                   tag["TagValue"])
    replica = db.get_key(ctx.db, key["account"], ReplicaRegion, key["key_id"])
    assert replica is not None
    audit.key(replica_arn)
    out = {"ReplicaKeyMetadata": _metadata(ctx, replica), "ReplicaPolicy": replica["policy"]}
    tags = _tags(ctx, replica)
    if tags:  # AWS leaves ReplicaTags out when the replica has none (recorded)
        out["ReplicaTags"] = tags
    return out


@_operation("UpdatePrimaryRegion")
def update_primary_region(ctx: Context, audit: _Audit, *, KeyId: str,
                          PrimaryRegion: str) -> dict[str, Any]:
    """Make the replica in PrimaryRegion the primary key (the old primary becomes a replica)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "UpdatePrimaryRegion", extra={"kms:PrimaryRegion": PrimaryRegion})
    if not key["multi_region"]:
        raise err.UnsupportedOperationException(f"{key['arn']} is not a multi-region key.")
    if key["primary_region"] != key["region"]:
        raise err.UnsupportedOperationException(
            f"{key['arn']} is not a multi-region primary key.")
    if _effective_state(ctx, key) == "Disabled":
        raise err.DisabledException(f"{key['arn']} is disabled.")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion", "Creating", "Updating",
                 "PendingImport")
    copies = db.key_regions(ctx.db, key["account"], key["key_id"])
    target = next((c for c in copies if c["region"] == PrimaryRegion), None)
    if target is None:
        raise err.NotFoundException(
            f"Key '{key_arn(PrimaryRegion, key['account'], key['key_id'])}' does not exist")
    if PrimaryRegion == key["region"]:
        return {}
    _require_not(target, "PendingDeletion", "PendingReplicaDeletion", "Creating", "Updating")
    for c in copies:
        db.update_key(ctx.db, c["account"], c["region"], c["key_id"],
                      primary_region=PrimaryRegion)
    return {}
