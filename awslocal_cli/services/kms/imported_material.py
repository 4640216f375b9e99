"""Imported key material (Origin EXTERNAL): wrapping parameters, import, expiry, deletion."""

from __future__ import annotations

import os

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.access import _authorize
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.lookup import _resolve
from awslocal_cli.services.kms.material import _store_material
from awslocal_cli.services.kms.names import DAY, Row, _dt, _epoch
from awslocal_cli.services.kms.states import _require_not
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


IMPORT_TOKEN_SECONDS = 24 * 3600


def _require_external(key: Row, operation: str) -> None:
    if key["origin"] != "EXTERNAL":
        raise err.UnsupportedOperationException(
            f"{key['arn']} origin is {key['origin']} which is not valid for this operation.")


@_operation("GetParametersForImport")
def get_parameters_for_import(ctx: Context, audit: _Audit, *, KeyId: str,
                              WrappingAlgorithm: str, WrappingKeySpec: str) -> dict[str, Any]:
    """A fresh RSA wrapping public key and an import token, both valid for 24 hours."""
    import hashlib

    from awslocal_cli import crypto

    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "GetParametersForImport", extra={
        "kms:WrappingAlgorithm": WrappingAlgorithm, "kms:WrappingKeySpec": WrappingKeySpec})
    _require_external(key, "GetParametersForImport")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion")
    if WrappingKeySpec == "SM2" or WrappingAlgorithm == "SM2PKE":
        raise err.UnsupportedOperationException("SM2 is not supported in this region.")
    if WrappingAlgorithm == "RSAES_PKCS1_V1_5":
        raise err.UnsupportedOperationException(
            "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported.")
    # Any wrapping algorithm is answered whatever the key spec, as AWS answers it (recorded:
    # RSAES_OAEP_SHA_256 for an ECC_NIST_P256 key). RSAES_OAEP wraps ECC material; material it
    # cannot carry (an RSA private key) or that does not fit the key spec is refused at
    # ImportKeyMaterial.
    private = crypto.generate_wrapping_key(WrappingKeySpec)
    token = b"\x01" + os.urandom(63)
    token_hash = hashlib.sha256(token).hexdigest()
    now = ctx.time()
    db.insert_import_token(ctx.db, key["account"], key["region"], {
        "token_hash": token_hash, "key_id": key["key_id"],
        "wrapping_algorithm": WrappingAlgorithm, "wrapping_key_spec": WrappingKeySpec,
        "wrapped_private": crypto.wrap_material(ctx.store.root_key(), "import:" + token_hash,
                                                "0" * 64, private),
        "created": now, "valid_to": now + IMPORT_TOKEN_SECONDS,
    })
    return {"KeyId": key["arn"], "ImportToken": token,
            "PublicKey": crypto.public_key_der(private),
            "ParametersValidTo": _dt(now + IMPORT_TOKEN_SECONDS)}


def _imported_material_id(ctx: Context, key: Row, material: bytes) -> str:
    import hashlib
    import hmac

    # Derived from the material, so re-importing the same material names the same version (as
    # AWS derives KeyMaterialId); keyed by the root key so it reveals nothing about it.
    return hmac.new(ctx.store.root_key(), key["key_id"].encode() + b"\x00" + material,
                    hashlib.sha256).hexdigest()


@_operation("ImportKeyMaterial")
def import_key_material(ctx: Context, audit: _Audit, *, KeyId: str, ImportToken: bytes,
                        EncryptedKeyMaterial: bytes, ValidTo: Any = None,
                        ExpirationModel: str | None = None, ImportType: str | None = None,
                        KeyMaterialDescription: str | None = None,
                        KeyMaterialId: str | None = None) -> dict[str, Any]:
    """Unwrap key material with the token's wrapping key; honours ValidTo and ExpirationModel.

    Departure from AWS: with neither ExpirationModel nor ValidTo the material does not expire;
    AWS takes KEY_MATERIAL_EXPIRES then and asks for a ValidTo (recorded responses). Kept so
    that scripts and tests written against awslocal keep working; pass ExpirationModel.
    """
    import hashlib

    from awslocal_cli import crypto

    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    model = ExpirationModel or ("KEY_MATERIAL_EXPIRES" if ValidTo is not None
                                else "KEY_MATERIAL_DOES_NOT_EXPIRE")
    _authorize(ctx, key, "ImportKeyMaterial", extra={"kms:ExpirationModel": model})
    _require_external(key, "ImportKeyMaterial")
    _require_not(key, "PendingReplicaDeletion")
    now = ctx.time()
    valid_to: float | None = None
    if model == "KEY_MATERIAL_EXPIRES":
        if ValidTo is None:
            raise err.ValidationException(  # AWS's wording (recorded), no final period
                "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
        valid_to = _epoch(ValidTo)
        if valid_to <= now:
            raise err.ValidationException("ValidTo must be a time in the future.")
        if valid_to > now + 365 * DAY:
            raise err.ValidationException("ValidTo must be no more than 365 days from now.")
    elif ValidTo is not None:
        raise err.ValidationException(
            "ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.")
    row = db.get_import_token(ctx.db, hashlib.sha256(ImportToken).hexdigest())
    if row is None or row["account"] != key["account"] or row["region"] != key["region"] \
            or row["key_id"] != key["key_id"]:
        raise err.InvalidImportTokenException("The import token is not valid for this key.")
    if row["valid_to"] <= now:
        raise err.ExpiredImportTokenException("The import token has expired.")
    private = crypto.unwrap_material(ctx.store.root_key(), "import:" + row["token_hash"],
                                     "0" * 64, row["wrapped_private"])
    try:
        material = crypto.unwrap_import(private, row["wrapping_algorithm"],
                                        EncryptedKeyMaterial)
    except crypto.InvalidCiphertext:
        raise err.InvalidCiphertextException("") from None
    if not crypto.material_matches(key["key_spec"], material):
        raise err.IncorrectKeyMaterialException(
            f"The key material is not valid for a key of key spec {key['key_spec']}.")
    mid = _imported_material_id(ctx, key, material)
    if KeyMaterialId is not None and KeyMaterialId != mid:
        raise err.IncorrectKeyMaterialException(
            "The key material does not match the KeyMaterialId in the request.")
    previous = db.list_material(ctx.db, key["account"], key["region"], key["key_id"])
    known = {m["material_id"] for m in previous}
    new_material = (ImportType or "EXISTING_KEY_MATERIAL") == "NEW_KEY_MATERIAL"
    if previous and not new_material and mid not in known:
        raise err.IncorrectKeyMaterialException(
            "The key material does not match the key material previously imported into this "
            "KMS key.")
    if new_material and mid in known:
        raise err.IncorrectKeyMaterialException(
            "This key material was already imported into this KMS key.")
    make_current = not previous or not new_material or key["current_material_id"] is None
    _store_material(ctx, key, mid, material, created=now, imported=True, valid_to=valid_to,
                    expiration_model=model, description=KeyMaterialDescription,
                    rotation_date=now if (previous and new_material) else None,
                    rotation_type="ON_DEMAND" if (previous and new_material) else None,
                    make_current=make_current)
    fields: dict[str, Any] = {}
    if make_current:
        fields.update(valid_to=valid_to, expiration_model=model)
    if key["key_state"] == "PendingImport":
        fields["key_state"] = "Enabled"
    elif key["key_state"] == "PendingDeletion" and key["state_before_deletion"] == \
            "PendingImport":
        fields["state_before_deletion"] = "Disabled"
    if fields:
        db.update_key(ctx.db, key["account"], key["region"], key["key_id"], **fields)
    return {"KeyId": key["arn"], "KeyMaterialId": mid}


@_operation("DeleteImportedKeyMaterial")
def delete_imported_key_material(ctx: Context, audit: _Audit, *, KeyId: str,
                                 KeyMaterialId: str | None = None) -> dict[str, Any]:
    """Delete imported material: the key becomes PendingImport (its ciphertexts wait for it)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "DeleteImportedKeyMaterial")
    _require_external(key, "DeleteImportedKeyMaterial")
    _require_not(key, "PendingReplicaDeletion")
    mid = KeyMaterialId or key["current_material_id"]
    materials = {m["material_id"]: m for m in db.list_material(
        ctx.db, key["account"], key["region"], key["key_id"])}
    if KeyMaterialId is not None and KeyMaterialId not in materials:
        raise err.NotFoundException(f"Key material {KeyMaterialId} does not exist for "
                                    f"{key['arn']}.")
    if mid is not None:
        db.update_material(ctx.db, key["account"], key["region"], key["key_id"], mid,
                           wrapped=None, import_state="PENDING_IMPORT", valid_to=None)
    if mid is None or mid == key["current_material_id"]:
        fields: dict[str, Any] = {"current_material_id": None, "valid_to": None}
        if key["key_state"] == "PendingDeletion":
            fields["state_before_deletion"] = "PendingImport"
        else:
            fields["key_state"] = "PendingImport"
        db.update_key(ctx.db, key["account"], key["region"], key["key_id"], **fields)
    return {"KeyId": key["arn"], "KeyMaterialId": mid or ""}
