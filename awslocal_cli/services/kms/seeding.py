"""Internal entry point for seeds: CreateKey with a fixed KeyId and, optionally, given material.

Not an API operation and not on the face's operation list: no front door reaches it, only
`awslocal local seed` (awslocal_cli/portable/seed.py). AWS has no way to choose a key's id or
to hand it symmetric material outside of imported (EXTERNAL) keys; tutorials and exercises need
both, so that the documentation's key id works and a ciphertext made once decrypts in every
fresh state made from the same seed. The request members are CreateKey's, checked exactly as
CreateKey checks them, and the audit trail records a CreateKey event.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.audit import _public_request
from awslocal_cli.services.kms.housekeeping import _housekeeping
from awslocal_cli.services.kms.keys import (
    _check_origin_rules,
    _generate_material,
    _insert_key,
    _origin,
    _spec_and_usage,
)
from awslocal_cli.services.kms.material import _store_material
from awslocal_cli.services.kms.names import EVENT_SOURCE, _new_material_id
from awslocal_cli.services.kms.policy_docs import _parse_policy
from awslocal_cli.services.kms.shapes import _metadata
from awslocal_cli.services.kms.tags import _check_tags
from awslocal_cli.services.kms.validation import _validate
from awslocal_cli.store import kms as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_MRK = re.compile(r"^mrk-[0-9a-f]{32}$")


def seeded_material_id(key_id: str, material: bytes) -> str:
    """The KeyMaterialId of given material: derived from it, so every state made from the same
    seed names the same version (ciphertext blobs carry it)."""
    return hashlib.sha256(b"awslocal/seed-material\x00" + key_id.encode() + b"\x00"
                          + material).hexdigest()


def create_seeded_key(ctx: Context, *, key_id: str, key_material: bytes | None = None,
                      **request: Any) -> dict[str, Any]:
    """CreateKey with the id `key_id` and, if given, `key_material` (raw bytes for symmetric and
    HMAC keys, PKCS#8 DER for key pairs); AlreadyExistsException if the id is taken."""
    audit_resources: list[dict[str, str]] = []
    try:
        result = _create(ctx, key_id, key_material, request, audit_resources)
    except AwsError as exc:
        ctx.record_event(EVENT_SOURCE, "CreateKey", resources=audit_resources,
                         request=_public_request(request), error_code=exc.code,
                         error_message=exc.message)
        raise
    ctx.record_event(EVENT_SOURCE, "CreateKey", resources=audit_resources,
                     request=_public_request(request))
    return result


def _create(ctx: Context, key_id: str, key_material: bytes | None, request: dict[str, Any],
            audit_resources: list[dict[str, str]]) -> dict[str, Any]:
    _validate("CreateKey", request)
    _housekeeping(ctx)
    multi = bool(request.get("MultiRegion"))
    if not (_MRK if multi else _UUID).match(key_id):
        shape = "mrk- and 32 lowercase hex digits" if multi else "a lowercase UUID"
        raise err.ValidationException(f"KeyId {key_id!r} is not valid: a seeded "
                                      f"{'multi-Region ' if multi else ''}key id is {shape}.")
    if db.get_key(ctx.db, ctx.account, ctx.region, key_id) is not None:
        raise err.AlreadyExistsException(f"Key {key_id} already exists.")
    spec, usage = _spec_and_usage(request.get("KeySpec"), request.get("CustomerMasterKeySpec"),
                                  request.get("KeyUsage"))
    origin = _origin(ctx, request.get("Origin"), request.get("CustomKeyStoreId"))
    _check_origin_rules(ctx, origin, spec, CustomKeyStoreId=request.get("CustomKeyStoreId"),
                        MultiRegion=request.get("MultiRegion"),
                        XksKeyId=request.get("XksKeyId"))
    if request.get("Policy") is not None:
        _parse_policy(request["Policy"],
                      bypass=bool(request.get("BypassPolicyLockoutSafetyCheck")),
                      principal=ctx.principal, account=ctx.account)
    tags = request.get("Tags") or []
    _check_tags(tags)
    if key_material is not None:
        from awslocal_cli import crypto

        if origin == "EXTERNAL":
            raise err.ValidationException(
                "KeyMaterial cannot be given for a key with Origin EXTERNAL: import it with "
                "ImportKeyMaterial.")
        if not crypto.material_matches(spec, key_material):
            raise err.ValidationException(f"KeyMaterial does not fit KeySpec {spec}.")
        material: bytes | None = key_material
        material_id = seeded_material_id(key_id, key_material)
    else:
        material = None if origin == "EXTERNAL" else _generate_material(spec)
        material_id = _new_material_id()
    key = _insert_key(ctx, spec, usage, origin, Policy=request.get("Policy"),
                      Description=request.get("Description"),
                      MultiRegion=request.get("MultiRegion"),
                      CustomKeyStoreId=request.get("CustomKeyStoreId"),
                      XksKeyId=request.get("XksKeyId"), fixed_key_id=key_id)
    audit_resources.append({"ResourceType": "AWS::KMS::Key", "ResourceName": key["arn"]})
    if material is not None:
        _store_material(ctx, key, material_id, material, created=key["creation_date"])
    for tag in tags:
        db.put_tag(ctx.db, ctx.account, ctx.region, key["key_id"], tag["TagKey"], tag["TagValue"])
    return {"KeyMetadata": _metadata(ctx, key)}
