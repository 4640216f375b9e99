"""Lazy lifecycle: before a request, destroy keys past DeletionDate, rotate keys past
NextRotationDate and delete imported material past ValidTo, as events by KMS itself; finish
creating multi-Region replicas a moment after ReplicateKey."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awslocal_cli.services.kms.material import _rotate
from awslocal_cli.services.kms.names import DAY, EVENT_SOURCE, Row
from awslocal_cli.store import kms as db

# How long a replica stays Creating on the local clock (AWS takes seconds to minutes).
REPLICA_CREATION_SECONDS = 2.0

if TYPE_CHECKING:
    from awslocal_cli.context import Context


def _housekeeping(ctx: Context) -> None:
    """Destroy keys past their DeletionDate, rotate keys past NextRotationDate, expire material."""
    now = ctx.time()
    conn = ctx.db
    for key in db.due_creations(conn, now - REPLICA_CREATION_SECONDS):
        # A replica of imported material waits for its own import, as in AWS.
        ready = "PendingImport" if key["origin"] == "EXTERNAL" and \
            not key["current_material_id"] else "Enabled"
        db.update_key(conn, key["account"], key["region"], key["key_id"], key_state=ready)
    for key in db.due_deletions(conn, now):
        db.delete_key(conn, key["account"], key["region"], key["key_id"])
        _service_event(ctx, key, "DeleteKey", key["deletion_date"])
    for mat in db.expired_material(conn, now):
        db.update_material(conn, mat["account"], mat["region"], mat["key_id"],
                           mat["material_id"], wrapped=None, import_state="PENDING_IMPORT")
        owner = db.get_key(conn, mat["account"], mat["region"], mat["key_id"])
        if owner is not None and owner["current_material_id"] == mat["material_id"]:
            key = owner
            fields: dict[str, Any] = {"current_material_id": None, "valid_to": None}
            if key["key_state"] in ("Enabled", "Disabled"):
                fields["key_state"] = "PendingImport"
            elif key["key_state"] == "PendingDeletion":
                fields["state_before_deletion"] = "PendingImport"
            db.update_key(conn, key["account"], key["region"], key["key_id"], **fields)
            _service_event(ctx, key, "DeleteExpiredKeyMaterial", mat["valid_to"])
    for key in db.due_rotations(conn, now):
        if key["key_state"] != "Enabled" or not key["rotation_enabled"]:
            # A disabled key is rotated when it is enabled again and the date has passed.
            continue
        if key["multi_region"] and key["primary_region"] != key["region"]:
            continue  # replicas get their primary's new material
        due = key["next_rotation_date"]
        period = (key["rotation_period_days"] or 365) * DAY
        # Several periods may have passed while the clock jumped: rotate once per period.
        for _ in range(64):
            _rotate(ctx, key, "AUTOMATIC", due)
            _service_event(ctx, key, "RotateKey", due)
            due += period
            if due > now:
                break
        for copy in db.key_regions(conn, key["account"], key["key_id"]):
            db.update_key(conn, copy["account"], copy["region"], key["key_id"],
                          next_rotation_date=due)


def _service_event(ctx: Context, key: Row, name: str, when: float | None) -> None:
    """An event KMS itself makes (DeleteKey, RotateKey, ...), as CloudTrail shows them."""
    import uuid

    when = when if when is not None else ctx.time()
    if db.service_event_logged(ctx.db, key["account"], key["region"], name, key["arn"], when) \
            or any(e["event_name"] == name and e["event_time"] == when
                   and e["principal"] == EVENT_SOURCE and e["resources"][0]["ResourceName"]
                   == key["arn"] for e in ctx.session.pending_events):
        return
    ctx.session.pending_events.append({
        "event_id": str(uuid.uuid4()),
        "account": key["account"],
        "region": key["region"],
        "event_time": when,
        "event_source": EVENT_SOURCE,
        "event_name": name,
        "username": EVENT_SOURCE,
        "principal": EVENT_SOURCE,
        "invoked_by": None,
        "resources": [{"ResourceType": "AWS::KMS::Key", "ResourceName": key["arn"]}],
        "request": {"keyId": key["arn"]},
        "error_code": None,
        "error_message": None,
        "read_only": False,
    })
