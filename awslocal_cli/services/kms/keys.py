"""Keys: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription and GetKeyLastUsage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.access import _authorize
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.lookup import _resolve
from awslocal_cli.services.kms.material import _store_material
from awslocal_cli.services.kms.names import Row, _dt, _new_material_id, key_arn
from awslocal_cli.services.kms.policy_docs import _default_policy, _parse_policy
from awslocal_cli.services.kms.shapes import _metadata, _page, _seq_ident
from awslocal_cli.services.kms.specs import _USAGES
from awslocal_cli.services.kms.states import _require_not
from awslocal_cli.services.kms.tags import _check_tags
from awslocal_cli.services.kms.validation import _check_grant_tokens
from awslocal_cli.store import kms as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


@_operation("CreateKey")
def create_key(ctx: Context, audit: _Audit, *, Policy: str | None = None,
               Description: str | None = None, KeyUsage: str | None = None,
               CustomerMasterKeySpec: str | None = None, KeySpec: str | None = None,
               Origin: str | None = None, CustomKeyStoreId: str | None = None,
               BypassPolicyLockoutSafetyCheck: bool = False,
               Tags: list[dict[str, str]] | None = None, MultiRegion: bool | None = None,
               XksKeyId: str | None = None) -> dict[str, Any]:
    """A new KMS key of any spec and usage, with its policy, tags and (unless EXTERNAL) material.

    Keys in custom key stores use local key material: no HSM or proxy is contacted.
    """
    spec, usage = _spec_and_usage(KeySpec, CustomerMasterKeySpec, KeyUsage)
    origin = _origin(ctx, Origin, CustomKeyStoreId)
    _check_origin_rules(ctx, origin, spec, CustomKeyStoreId=CustomKeyStoreId,
                        MultiRegion=MultiRegion, XksKeyId=XksKeyId)
    if Policy is not None:
        _parse_policy(Policy, bypass=bool(BypassPolicyLockoutSafetyCheck),
                      principal=ctx.principal, account=ctx.account)
    _check_tags(Tags or [])
    material = None if origin == "EXTERNAL" else _generate_material(spec)
    key = _insert_key(ctx, spec, usage, origin, Policy=Policy, Description=Description,
                      MultiRegion=MultiRegion, CustomKeyStoreId=CustomKeyStoreId,
                      XksKeyId=XksKeyId)
    audit.key(key["arn"])
    if material is not None:
        _store_material(ctx, key, _new_material_id(), material, created=key["creation_date"])
    for tag in Tags or []:
        db.put_tag(ctx.db, ctx.account, ctx.region, key["key_id"], tag["TagKey"], tag["TagValue"])
    return {"KeyMetadata": _metadata(ctx, key)}


def _spec_and_usage(KeySpec: str | None, CustomerMasterKeySpec: str | None,
                    KeyUsage: str | None) -> tuple[str, str]:
    """The key spec and usage a CreateKey request asks for (defaults: a symmetric key)."""
    if KeySpec and CustomerMasterKeySpec:
        raise err.ValidationException(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
            "CustomerMasterKeySpec is deprecated.")
    spec = KeySpec or CustomerMasterKeySpec or "SYMMETRIC_DEFAULT"
    usage = KeyUsage or "ENCRYPT_DECRYPT"
    if KeyUsage is None and usage not in _USAGES.get(spec, (usage,)):
        # A spec that cannot encrypt needs its usage spelled out (recorded for HMAC_256).
        raise err.ValidationException(
            "You must specify a KeyUsage value for all KMS keys except for symmetric "
            "encryption keys.")
    if usage not in _USAGES[spec]:
        raise err.ValidationException(
            f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    return spec, usage


def _origin(ctx: Context, Origin: str | None, CustomKeyStoreId: str | None) -> str:
    """The key's origin; a custom key store must exist, be connected and fit the origin."""
    origin = Origin or "AWS_KMS"
    store = None
    if CustomKeyStoreId is not None:
        store = db.get_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId)
        if store is None:
            raise err.CustomKeyStoreNotFoundException(
                f"Custom key store {CustomKeyStoreId} does not exist.")
        wanted = "AWS_CLOUDHSM" if store["store_type"] == "AWS_CLOUDHSM" else "EXTERNAL_KEY_STORE"
        if Origin is None:
            origin = wanted
        if origin != wanted:
            raise err.UnsupportedOperationException(
                f"Origin {origin} is not valid for a custom key store of type "
                f"{store['store_type']}.")
        if store["connection_state"] != "CONNECTED":
            raise err.CustomKeyStoreInvalidStateException(
                f"Custom key store {CustomKeyStoreId} is not connected.")
    elif origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        raise err.ValidationException(
            f"CustomKeyStoreId is required when Origin is {origin}.")
    return origin


def _check_origin_rules(ctx: Context, origin: str, spec: str, *, CustomKeyStoreId: str | None,
                        MultiRegion: bool | None, XksKeyId: str | None) -> None:
    """What each origin allows: key specs, multi-Region keys, and an unused XKS key id."""
    if origin == "EXTERNAL_KEY_STORE" and not XksKeyId:
        raise err.ValidationException("XksKeyId is required when Origin is EXTERNAL_KEY_STORE.")
    if XksKeyId and origin != "EXTERNAL_KEY_STORE":
        raise err.ValidationException("XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE.")
    if origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE") and spec != "SYMMETRIC_DEFAULT":
        raise err.UnsupportedOperationException(
            f"KeySpec {spec} is not supported in a custom key store.")
    if origin == "EXTERNAL" and spec.startswith(("ML_DSA", "ML_KEM", "SM2")):
        raise err.UnsupportedOperationException(
            f"KeySpec {spec} is not supported for imported key material.")
    if MultiRegion and origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        raise err.UnsupportedOperationException(
            "Multi-Region keys are not supported in custom key stores.")
    if XksKeyId and any(k["xks_key_id"] == XksKeyId and k["custom_key_store_id"] ==
                        CustomKeyStoreId for k in db.list_keys(ctx.db, ctx.account, ctx.region)):
        raise err.XksKeyAlreadyInUseException(
            f"The external key {XksKeyId} is already associated with a KMS key.")


def _generate_material(spec: str) -> bytes:
    from awslocal_cli import crypto

    try:
        return crypto.generate(spec)
    except crypto.Unsupported:
        raise err.UnsupportedOperationException(
            f"KeySpec {spec} is not supported in this region.") from None


def _insert_key(ctx: Context, spec: str, usage: str, origin: str, *, Policy: str | None,
                Description: str | None, MultiRegion: bool | None,
                CustomKeyStoreId: str | None, XksKeyId: str | None,
                fixed_key_id: str | None = None) -> Row:
    """The new key's row, stored (EXTERNAL keys wait for their material in PendingImport)."""
    import uuid

    now = ctx.time()
    key_id = ("mrk-" + uuid.uuid4().hex) if MultiRegion else str(uuid.uuid4())
    row: Row = {
        "key_id": key_id, "arn": key_arn(ctx.region, ctx.account, key_id), "key_spec": spec,
        "key_usage": usage, "origin": origin,
        "key_state": "PendingImport" if origin == "EXTERNAL" else "Enabled",
        "description": Description or "", "creation_date": now,
        "policy": Policy if Policy is not None else _default_policy(ctx.account),
        "multi_region": 1 if MultiRegion else 0,
        "primary_region": ctx.region if MultiRegion else None,
        "custom_key_store_id": CustomKeyStoreId, "xks_key_id": XksKeyId,
    }
    if fixed_key_id is not None:
        # Seeds only (services/kms/seeding.py): CreateKey always draws a new id.
        key_id = row["key_id"] = fixed_key_id
        row["arn"] = key_arn(ctx.region, ctx.account, key_id)
    db.insert_key(ctx.db, ctx.account, ctx.region, row)
    key = db.get_key(ctx.db, ctx.account, ctx.region, key_id)
    assert key is not None
    return key


@_operation("DescribeKey")
def describe_key(ctx: Context, audit: _Audit, *, KeyId: str,
                 GrantTokens: list[str] | None = None) -> dict[str, Any]:
    """KeyMetadata; an `alias/aws/<service>` alias creates its AWS managed key, as in AWS."""
    _check_grant_tokens(GrantTokens)
    key = _resolve(ctx, KeyId, create_managed=True, audit=audit)
    _authorize(ctx, key, "DescribeKey", grant_tokens=GrantTokens)
    return {"KeyMetadata": _metadata(ctx, key)}


@_operation("ListKeys")
def list_keys(ctx: Context, audit: _Audit, *, Limit: int | None = None,
              Marker: str | None = None,
              ResourceOwners: list[str] | None = None) -> dict[str, Any]:
    """The keys of the caller's account in the region (IAM is not modelled: no policy check).

    Departs from AWS: Resource Access Manager is not modelled, so no key is shared with the
    account and ResourceOwners OTHER_ACCOUNTS_VIA_RAM lists nothing.
    """
    rows = db.list_keys(ctx.db, ctx.account, ctx.region) \
        if not ResourceOwners or "SELF" in ResourceOwners else []
    page, tail = _page(rows, _seq_ident, Limit, Marker)
    return {"Keys": [{"KeyId": r["key_id"], "KeyArn": r["arn"]} for r in page], **tail}


@_operation("UpdateKeyDescription")
def update_key_description(ctx: Context, audit: _Audit, *, KeyId: str,
                           Description: str) -> dict[str, Any]:
    """Replace a key's description."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "UpdateKeyDescription")
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion")
    db.update_key(ctx.db, key["account"], key["region"], key["key_id"], description=Description)
    return {}


# -- usage tracking -------------------------------------------------------------------------------

_TRACKED = ("Decrypt", "DeriveSharedSecret", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext",
            "GenerateMac", "ReEncrypt", "Sign", "Verify", "VerifyMac")
# Encapsulate/Decapsulate are not (yet) in KeyLastUsageTrackingOperation.


@_operation("GetKeyLastUsage")
def get_key_last_usage(ctx: Context, audit: _Audit, *, KeyId: str) -> dict[str, Any]:
    """The last successful cryptographic use of a key, read from the local event log."""
    from awslocal_cli.store import events

    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, "GetKeyLastUsage")
    row = events.last_event(ctx.db, account=key["account"], region=key["region"],
                            resource_name=key["arn"], event_names=_TRACKED)
    out: dict[str, Any] = {"KeyId": key["arn"]}
    if row is not None:
        out["KeyLastUsage"] = {"Operation": row["event_name"],
                               "Timestamp": _dt(row["event_time"]),
                               "CloudTrailEventId": row["event_id"],
                               "KmsRequestId": row["event_id"]}
    out["TrackingStartDate"] = _dt(key["creation_date"])
    out["KeyCreationDate"] = _dt(key["creation_date"])
    return out
