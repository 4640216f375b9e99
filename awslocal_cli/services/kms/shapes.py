"""Response shapes: KeyMetadata and the opaque Marker paging of the List operations."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.names import Row, _dt, key_arn
from awslocal_cli.services.kms.specs import (
    _LEGACY_SPECS,
    _agreement_algorithms,
    _encapsulation_algorithms,
    _encryption_algorithms,
    _mac_algorithms,
    _signing_algorithms,
)
from awslocal_cli.services.kms.states import _effective_state
from awslocal_cli.store import kms as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context


def _metadata(ctx: Context, key: Row) -> dict[str, Any]:
    state = _effective_state(ctx, key)
    spec, usage = key["key_spec"], key["key_usage"]
    md: dict[str, Any] = {
        "AWSAccountId": key["account"],
        "KeyId": key["key_id"],
        "Arn": key["arn"],
        "CreationDate": _dt(key["creation_date"]),
        "Enabled": state == "Enabled",
        "Description": key["description"],
        "KeyUsage": usage,
        "KeyState": state,
    }
    if state == "PendingDeletion":
        md["DeletionDate"] = _dt(key["deletion_date"])
    if key["origin"] == "EXTERNAL" and key["valid_to"] is not None:
        md["ValidTo"] = _dt(key["valid_to"])
    md["Origin"] = key["origin"]
    if key["custom_key_store_id"]:
        md["CustomKeyStoreId"] = key["custom_key_store_id"]
        store = db.get_key_store(ctx.db, key["account"], key["region"],
                                 key["custom_key_store_id"])
        if store and store["config"].get("CloudHsmClusterId"):
            md["CloudHsmClusterId"] = store["config"]["CloudHsmClusterId"]
    if key["origin"] == "EXTERNAL" and key["expiration_model"]:
        md["ExpirationModel"] = key["expiration_model"]
    md["KeyManager"] = key["key_manager"]
    if spec in _LEGACY_SPECS:
        md["CustomerMasterKeySpec"] = spec
    md["KeySpec"] = spec
    for name, value in (("EncryptionAlgorithms", _encryption_algorithms(spec, usage)),
                        ("SigningAlgorithms", _signing_algorithms(spec, usage)),
                        ("KeyAgreementAlgorithms", _agreement_algorithms(usage)),
                        ("EncapsulationAlgorithms", _encapsulation_algorithms(usage))):
        if value:
            md[name] = value
    md["MultiRegion"] = bool(key["multi_region"])
    if key["multi_region"]:
        copies = db.key_regions(ctx.db, key["account"], key["key_id"])
        primary = next((c for c in copies if c["region"] == key["primary_region"]), None)
        md["MultiRegionConfiguration"] = {
            "MultiRegionKeyType": "PRIMARY" if key["primary_region"] == key["region"]
            else "REPLICA",
            "PrimaryKey": {"Arn": key_arn(key["primary_region"], key["account"],
                                          key["key_id"]), "Region": key["primary_region"]},
            "ReplicaKeys": [{"Arn": c["arn"], "Region": c["region"]} for c in copies
                            if primary is None or c["region"] != primary["region"]],
        }
    macs = _mac_algorithms(spec)
    if macs:
        md["MacAlgorithms"] = macs
    if key["xks_key_id"]:
        md["XksKeyConfiguration"] = {"Id": key["xks_key_id"]}
    if spec == "SYMMETRIC_DEFAULT" and key["current_material_id"] and state != "Creating":
        md["CurrentKeyMaterialId"] = key["current_material_id"]
    return md


def _encode_marker(value: str) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps({"after": value}).encode()).decode()


def _decode_marker(marker: str) -> str:
    import base64

    try:
        data = json.loads(base64.urlsafe_b64decode(marker.encode()))
        return str(data["after"])
    except (ValueError, KeyError, TypeError):
        # Not base64 or not JSON (binascii.Error, JSONDecodeError and UnicodeDecodeError are
        # ValueErrors), or JSON without an "after" member.
        raise err.InvalidMarkerException("Provided marker is invalid.") from None


def _page(items: list[Any], ident: Callable[[Any], str], limit: int | None,
          marker: str | None, *, default: int = 100) -> tuple[list[Any], dict[str, Any]]:
    """One page of items after an opaque Marker: (page, {NextMarker?, Truncated})."""
    start = 0
    if marker is not None:
        after = _decode_marker(marker)
        ids = [ident(i) for i in items]
        if after in ids:
            start = ids.index(after) + 1
        else:
            # The item the marker names is gone: continue after where it would sort.
            start = sum(1 for i in ids if i <= after) if ids == sorted(ids) else len(ids)
    n = limit or default
    page = items[start : start + n]
    truncated = start + n < len(items)
    tail: dict[str, Any] = {}
    if truncated:
        tail["NextMarker"] = _encode_marker(ident(page[-1]))
    tail["Truncated"] = truncated
    return page, tail


def _seq_ident(row: Row) -> str:
    return f"{row['seq']:012d}"
