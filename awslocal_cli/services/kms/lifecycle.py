"""Key lifecycle: enable, disable, deletion windows, and rotation (automatic and on demand)."""

from __future__ import annotations

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.access import _authorize
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.lookup import _resolve
from awslocal_cli.services.kms.material import _rotate
from awslocal_cli.services.kms.names import DAY, Row, _dt
from awslocal_cli.services.kms.shapes import _page, _seq_ident
from awslocal_cli.services.kms.states import (
    _require_customer_managed,
    _require_not,
    _require_usable,
)
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


@_operation("EnableKey")
def enable_key(ctx: Context, audit: _Audit, *, KeyId: str) -> dict[str, Any]:
    """Enabled again (a PendingImport or PendingDeletion key cannot be)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "EnableKey")
    _require_not(key, "PendingDeletion", "PendingImport", "PendingReplicaDeletion",
                 "Creating", "Updating")
    db.update_key(ctx.db, key["account"], key["region"], key["key_id"], key_state="Enabled")
    return {}


@_operation("DisableKey")
def disable_key(ctx: Context, audit: _Audit, *, KeyId: str) -> dict[str, Any]:
    """Disabled: no cryptographic operation until EnableKey."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "DisableKey")
    _require_customer_managed(key, "DisableKey")
    _require_not(key, "PendingDeletion", "PendingImport", "PendingReplicaDeletion",
                 "Creating", "Updating")
    db.update_key(ctx.db, key["account"], key["region"], key["key_id"], key_state="Disabled")
    return {}


@_operation("ScheduleKeyDeletion")
def schedule_key_deletion(ctx: Context, audit: _Audit, *, KeyId: str,
                          PendingWindowInDays: int | None = None) -> dict[str, Any]:
    """PendingDeletion for 7..30 days (default 30); then the key and its material are destroyed.

    Destruction happens lazily: the first command after the local clock passes DeletionDate
    performs it (and logs DeleteKey by kms.amazonaws.com).
    """
    days = 30 if PendingWindowInDays is None else PendingWindowInDays
    if not 7 <= days <= 30:
        op = "greater than or equal to 7" if days < 7 else "less than or equal to 30"
        raise err.ValidationException(
            f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
            f"satisfy constraint: Member must have value {op}")
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ScheduleKeyDeletion",
               extra={"kms:ScheduleKeyDeletionPendingWindowInDays": days})
    _require_customer_managed(key, "ScheduleKeyDeletion")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion", "Creating", "Updating")
    if key["multi_region"] and key["primary_region"] == key["region"]:
        replicas = [c for c in db.key_regions(ctx.db, key["account"], key["key_id"])
                    if c["region"] != key["region"]]
        if replicas:
            raise err.KMSInvalidStateException(
                f"{key['arn']} is a multi-region primary key with replica keys. Delete its "
                "replica keys first, or make another key the primary key (UpdatePrimaryRegion).")
    deletion = ctx.time() + days * DAY
    db.update_key(ctx.db, key["account"], key["region"], key["key_id"],
                  key_state="PendingDeletion", deletion_date=deletion, pending_window_days=days,
                  state_before_deletion=key["key_state"])
    return {"KeyId": key["arn"], "DeletionDate": _dt(deletion), "KeyState": "PendingDeletion",
            "PendingWindowInDays": days}


@_operation("CancelKeyDeletion")
def cancel_key_deletion(ctx: Context, audit: _Audit, *, KeyId: str) -> dict[str, Any]:
    """Back from PendingDeletion to Disabled (PendingImport keys go back to PendingImport)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "CancelKeyDeletion")
    if key["key_state"] != "PendingDeletion":
        raise err.KMSInvalidStateException(f"{key['arn']} is not pending deletion.")
    state = "PendingImport" if key["state_before_deletion"] == "PendingImport" else "Disabled"
    db.update_key(ctx.db, key["account"], key["region"], key["key_id"], key_state=state,
                  deletion_date=None, pending_window_days=None, state_before_deletion=None)
    return {"KeyId": key["arn"]}


# -- rotation -------------------------------------------------------------------------------------

MAX_ON_DEMAND_ROTATIONS = 10


def _require_rotatable(key: Row, operation: str) -> None:
    if key["key_spec"] != "SYMMETRIC_DEFAULT":
        raise err.UnsupportedOperationException(
            f"{key['arn']} key spec is {key['key_spec']}, which does not support {operation}.")
    if key["origin"] in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        raise err.UnsupportedOperationException(
            f"{key['arn']} is in a custom key store, which does not support {operation}.")
    if key["multi_region"] and key["primary_region"] != key["region"]:
        raise err.UnsupportedOperationException(
            f"{key['arn']} is a multi-region replica key. Rotate its primary key instead.")


@_operation("EnableKeyRotation")
def enable_key_rotation(ctx: Context, audit: _Audit, *, KeyId: str,
                        RotationPeriodInDays: int | None = None) -> dict[str, Any]:
    """Automatic rotation every 90..2560 days (default 365), checked lazily against the clock."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    period = RotationPeriodInDays or 365
    _authorize(ctx, key, "EnableKeyRotation", extra={"kms:RotationPeriodInDays": period})
    _require_customer_managed(key, "EnableKeyRotation")
    _require_usable(ctx, key)
    _require_rotatable(key, "EnableKeyRotation")
    if key["origin"] == "EXTERNAL":
        raise err.UnsupportedOperationException(
            f"{key['arn']} has imported key material, which does not support automatic "
            "rotation.")
    nxt = ctx.time() + period * DAY
    for copy in db.key_regions(ctx.db, key["account"], key["key_id"]):
        db.update_key(ctx.db, copy["account"], copy["region"], key["key_id"],
                      rotation_enabled=1, rotation_period_days=period,
                      next_rotation_date=nxt)
    return {}


@_operation("DisableKeyRotation")
def disable_key_rotation(ctx: Context, audit: _Audit, *, KeyId: str) -> dict[str, Any]:
    """No more automatic rotation."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "DisableKeyRotation")
    _require_customer_managed(key, "DisableKeyRotation")
    _require_usable(ctx, key)
    _require_rotatable(key, "DisableKeyRotation")
    for copy in db.key_regions(ctx.db, key["account"], key["key_id"]):
        db.update_key(ctx.db, copy["account"], copy["region"], key["key_id"],
                      rotation_enabled=0, next_rotation_date=None)
    return {}


@_operation("GetKeyRotationStatus")
def get_key_rotation_status(ctx: Context, audit: _Audit, *, KeyId: str) -> dict[str, Any]:
    """Whether automatic rotation is on, its period and the next rotation date."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "GetKeyRotationStatus")
    if key["key_spec"] != "SYMMETRIC_DEFAULT":
        raise err.UnsupportedOperationException(
            f"{key['arn']} key spec is {key['key_spec']}, which does not support rotation.")
    enabled = bool(key["rotation_enabled"]) and key["key_state"] != "PendingDeletion"
    out: dict[str, Any] = {"KeyRotationEnabled": enabled, "KeyId": key["arn"]}
    if enabled:
        out["RotationPeriodInDays"] = key["rotation_period_days"]
        out["NextRotationDate"] = _dt(key["next_rotation_date"])
    if key["on_demand_rotation_start"] is not None:
        out["OnDemandRotationStartDate"] = _dt(key["on_demand_rotation_start"])
    return out


@_operation("RotateKeyOnDemand")
def rotate_key_on_demand(ctx: Context, audit: _Audit, *, KeyId: str) -> dict[str, Any]:
    """New key material now (at most 10 times per key).

    Departs from AWS: the rotation completes at once instead of asynchronously.
    """
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "RotateKeyOnDemand")
    _require_customer_managed(key, "RotateKeyOnDemand")
    _require_usable(ctx, key)
    if key["key_spec"] != "SYMMETRIC_DEFAULT":
        # AWS refuses an asymmetric or HMAC key with no message (recorded as empty).
        raise err.UnsupportedOperationException("")
    _require_rotatable(key, "RotateKeyOnDemand")
    if key["origin"] == "EXTERNAL":
        raise err.UnsupportedOperationException(
            f"{key['arn']} has imported key material: import new key material "
            "(ImportType NEW_KEY_MATERIAL) to rotate it.")
    done = sum(1 for m in db.list_material(ctx.db, key["account"], key["region"],
                                           key["key_id"]) if m["rotation_type"] == "ON_DEMAND")
    if done >= MAX_ON_DEMAND_ROTATIONS:
        raise err.LimitExceededException(
            "The on-demand rotations limit has been reached for the given keyId. No more "
            f"on-demand rotations can be performed for this key: {key['arn']}")
    _rotate(ctx, key, "ON_DEMAND", ctx.time())
    return {"KeyId": key["arn"]}


@_operation("ListKeyRotations")
def list_key_rotations(ctx: Context, audit: _Audit, *, KeyId: str,
                       IncludeKeyMaterial: str | None = None, Limit: int | None = None,
                       Marker: str | None = None) -> dict[str, Any]:
    """Completed rotations (or, with ALL_KEY_MATERIAL, every key material version)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ListKeyRotations")
    if key["key_spec"] != "SYMMETRIC_DEFAULT":
        raise err.UnsupportedOperationException(
            f"{key['arn']} key spec is {key['key_spec']}, which does not support rotation.")
    materials = db.list_material(ctx.db, key["account"], key["region"], key["key_id"])
    if (IncludeKeyMaterial or "ROTATIONS_ONLY") == "ROTATIONS_ONLY":
        materials = [m for m in materials if m["rotation_type"]]
    page, tail = _page(materials, _seq_ident, Limit, Marker)
    rows = []
    for m in page:
        entry: dict[str, Any] = {"KeyId": key["arn"], "KeyMaterialId": m["material_id"]}
        if m["description"]:
            entry["KeyMaterialDescription"] = m["description"]
        if m["imported"]:
            entry["ImportState"] = m["import_state"]
        entry["KeyMaterialState"] = "CURRENT" if m["material_id"] == key["current_material_id"] \
            else "NON_CURRENT"
        if m["expiration_model"]:
            entry["ExpirationModel"] = m["expiration_model"]
        if m["valid_to"] is not None:
            entry["ValidTo"] = _dt(m["valid_to"])
        if m["rotation_date"] is not None:
            entry["RotationDate"] = _dt(m["rotation_date"])
        if m["rotation_type"]:
            entry["RotationType"] = m["rotation_type"]
        rows.append(entry)
    return {"Rotations": rows, **tail}
