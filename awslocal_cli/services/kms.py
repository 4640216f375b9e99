"""KMS: all 56 operations of the API, with real keys, lifecycle, key policies and an audit trail.

Every public function named after an API operation (`create_key`, `encrypt`, ...) takes the
Context and the request members as keyword arguments and returns the API-shaped response
(services/__init__.py). Each one, successful or not, appends one event to the audit trail
(`ctx.record_event`, event source kms.amazonaws.com), without plaintext, key material or
other secrets in it.

Before any operation looks a key up, due housekeeping happens lazily against the local clock:
keys whose DeletionDate has passed are destroyed with all their material (their ciphertexts are
lost for good), keys whose NextRotationDate has passed get new key material, and imported key
material past its ValidTo is deleted (the key goes to PendingImport).

Helpers for the SQS and SNS layers (they go through the same key policy checks, key state
checks and audit trail as a user's request):

- Call the operations themselves with a derived Context. A service acting for the user:
  `generate_data_key(ctx.via("sqs"), KeyId=kms_master_key_id, KeySpec="AES_256",
  EncryptionContext={"aws:sqs:arn": queue_arn})` and
  `decrypt(ctx.via("sqs"), CiphertextBlob=wrapped, EncryptionContext={...})`.
  A service acting as itself: `ctx.as_service("sns.amazonaws.com", source_arn=topic_arn)`.
  `KeyId` may be a key id, key ARN, alias name or alias ARN; `alias/aws/<service>` names the
  AWS managed key, which is created on first use whenever the caller is a service (a Context
  made by `via()` or `as_service()`), or by DescribeKey, as in AWS (for the services in
  MANAGED_SERVICES). Errors are the `awslocal_cli.errors.kms` classes (AccessDeniedException,
  DisabledException, KMSInvalidStateException, NotFoundException, ...); SQS/SNS map them to
  their own KMS.* errors as AWS does.
- `resolve_key_arn(ctx, key_id, create_managed=True) -> str`: the key ARN a KmsMasterKeyId
  names (for queue/topic attributes), creating an `alias/aws/<service>` key if needed. Raises
  NotFoundException like the operations do. Makes no policy check and logs no event.
- `ensure_managed_key(ctx, service) -> str`: the ARN of the AWS managed key `alias/aws/<service>`
  of ctx's account and region, created (KeyManager AWS, AWS managed key policy) if missing.
- Message bodies are then sealed with the plaintext data key: `awslocal_cli.crypto.seal(data_key,
  body, aad)` / `open_sealed(data_key, blob, aad)` (one error, `crypto.InvalidCiphertext`).

Departures from AWS are noted in the docstrings of the functions concerned; the main ones:
asynchronous work (replica creation, on-demand rotation, custom key store connection) completes
at once; custom key stores are records (no CloudHSM cluster or XKS proxy is contacted, keys in
them use local material); Recipient (Nitro Enclaves attestation) is not supported. A
symmetric ciphertext blob names `<account>:<key id>` and the key material version (format in
awslocal_cli/crypto/envelope.py), so Decrypt needs no KeyId, also across accounts.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import kms as err
from awslocal_cli.store import kms as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

EVENT_SOURCE = "kms.amazonaws.com"
Row = dict[str, Any]

# -- key specs ------------------------------------------------------------------------------------

_RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
]
_ECDSA = {"ECC_NIST_P256": "ECDSA_SHA_256", "ECC_NIST_P384": "ECDSA_SHA_384",
          "ECC_NIST_P521": "ECDSA_SHA_512", "ECC_SECG_P256K1": "ECDSA_SHA_256"}
# Key spec -> the key usages AWS allows for it (the first is what CreateKey defaults to).
_USAGES: dict[str, tuple[str, ...]] = {
    "SYMMETRIC_DEFAULT": ("ENCRYPT_DECRYPT",),
    "RSA_2048": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "RSA_3072": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "RSA_4096": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "ECC_NIST_P256": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_NIST_P384": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_NIST_P521": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_SECG_P256K1": ("SIGN_VERIFY",),
    "ECC_NIST_EDWARDS25519": ("SIGN_VERIFY",),
    "HMAC_224": ("GENERATE_VERIFY_MAC",),
    "HMAC_256": ("GENERATE_VERIFY_MAC",),
    "HMAC_384": ("GENERATE_VERIFY_MAC",),
    "HMAC_512": ("GENERATE_VERIFY_MAC",),
    "SM2": ("ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"),
    "ML_DSA_44": ("SIGN_VERIFY",),
    "ML_DSA_65": ("SIGN_VERIFY",),
    "ML_DSA_87": ("SIGN_VERIFY",),
    "ML_KEM_512": ("ENCAPSULATE_DECAPSULATE",),
    "ML_KEM_768": ("ENCAPSULATE_DECAPSULATE",),
    "ML_KEM_1024": ("ENCAPSULATE_DECAPSULATE",),
}
_LEGACY_SPECS = {"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384",
                 "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224",
                 "HMAC_256", "HMAC_384", "HMAC_512", "SM2"}


def _encryption_algorithms(spec: str, usage: str) -> list[str] | None:
    if usage != "ENCRYPT_DECRYPT":
        return None
    if spec == "SYMMETRIC_DEFAULT":
        return ["SYMMETRIC_DEFAULT"]
    if spec.startswith("RSA_"):
        return ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    if spec == "SM2":
        return ["SM2PKE"]
    return None


def _signing_algorithms(spec: str, usage: str) -> list[str] | None:
    if usage != "SIGN_VERIFY":
        return None
    if spec.startswith("RSA_"):
        return list(_RSA_SIGNING)
    if spec in _ECDSA:
        return [_ECDSA[spec]]
    if spec == "ECC_NIST_EDWARDS25519":
        return ["ED25519_SHA_512", "ED25519_PH_SHA_512"]
    if spec.startswith("ML_DSA_"):
        return ["ML_DSA_SHAKE_256"]
    if spec == "SM2":
        return ["SM2DSA"]
    return None


def _mac_algorithms(spec: str) -> list[str] | None:
    return ["HMAC_SHA_" + spec[5:]] if spec.startswith("HMAC_") else None


def _agreement_algorithms(usage: str) -> list[str] | None:
    return ["ECDH"] if usage == "KEY_AGREEMENT" else None


def _encapsulation_algorithms(usage: str) -> list[str] | None:
    return ["ML_KEM"] if usage == "ENCAPSULATE_DECAPSULATE" else None


# -- time, ids, names -----------------------------------------------------------------------------

DAY = 86400.0
_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MRK_RE = re.compile(r"^mrk-[0-9a-fA-F]{32}$")
_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)/(.+)$")


def _dt(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=timezone.utc)


def _epoch(value: Any) -> float:
    from awslocal_cli.clock import to_epoch

    try:
        return to_epoch(value)
    except ValueError:
        raise err.ValidationException(f"Invalid timestamp {value!r}.") from None


def key_arn(region: str, account: str, key_id: str) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def alias_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:kms:{region}:{account}:{name}"


def _new_material_id() -> str:
    return os.urandom(32).hex()


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


# -- request validation from the model ------------------------------------------------------------


_REDACTED = "*** Sensitive Data Redacted ***"
_SECRET_PATHS = {"keyStorePassword", "rawSecretAccessKey", "plaintext", "trustAnchorCertificate"}


@functools.cache
def _model() -> dict[str, Any]:
    from awslocal_cli import model

    return model.load("kms")


def _check_value(shape_name: str, value: Any, path: str, problems: list[str]) -> None:
    shapes = _model()["shapes"]
    shape = shapes[shape_name]
    kind = shape["type"]
    shown = _REDACTED if shape.get("sensitive") or path.rsplit(".", 1)[-1] in _SECRET_PATHS \
        else value
    if kind == "string":
        if not isinstance(value, str):
            problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                            "Member must be a string")
            return
        if "min" in shape and len(value) < shape["min"]:
            problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: Member "
                            f"must have length greater than or equal to {shape['min']}")
        elif "max" in shape and len(value) > shape["max"]:
            problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: Member "
                            f"must have length less than or equal to {shape['max']}")
        elif "enum" in shape and value not in shape["enum"]:
            problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: Member "
                            f"must satisfy enum value set: [{', '.join(shape['enum'])}]")
        elif "pattern" in shape:
            try:
                ok = re.fullmatch(shape["pattern"], value) is not None
            except re.error:  # pragma: no cover - a pattern Python cannot read
                ok = True
            if not ok:
                problems.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                                f"Member must satisfy regular expression pattern: "
                                f"{shape['pattern']}")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be an integer")
            return
        if "min" in shape and value < shape["min"]:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have value greater than or equal to {shape['min']}")
        elif "max" in shape and value > shape["max"]:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have value less than or equal to {shape['max']}")
    elif kind == "blob":
        if not isinstance(value, (bytes, bytearray)):
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must be "
                            "binary")
            return
        # Blob values are never echoed: they may be plaintext.
        if "min" in shape and len(value) < shape["min"]:
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must have "
                            f"length greater than or equal to {shape['min']}")
        elif "max" in shape and len(value) > shape["max"]:
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must have "
                            f"length less than or equal to {shape['max']}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be a boolean")
    elif kind == "list":
        if not isinstance(value, (list, tuple)):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be a list")
            return
        if "min" in shape and len(value) < shape["min"]:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have length greater than or equal to {shape['min']}")
        elif "max" in shape and len(value) > shape["max"]:
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                            f"must have length less than or equal to {shape['max']}")
        for i, item in enumerate(value):
            _check_value(shape["member"]["shape"], item, f"{path}.{i + 1}.member", problems)
    elif kind == "map":
        if not isinstance(value, Mapping):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be a map")
            return
        for k, v in value.items():
            _check_value(shape["key"]["shape"], k, f"{path}.key", problems)
            _check_value(shape["value"]["shape"], v, f"{path}.value", problems)
    elif kind == "structure":
        if not isinstance(value, Mapping):
            problems.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                            "Member must be a structure")
            return
        _check_structure(shape_name, value, path + ".", problems)


def _check_structure(shape_name: str, value: Mapping[str, Any], prefix: str,
                     problems: list[str]) -> None:
    shape = _model()["shapes"][shape_name]
    members = shape.get("members", {})
    for name in value:
        if name not in members:
            problems.append(f"Unknown parameter '{prefix}{name}'")
    for name in shape.get("required", []):
        if value.get(name) is None:
            problems.append(f"Value null at '{prefix}{_camel(name)}' failed to satisfy "
                            "constraint: Member must not be null")
    for name, member in members.items():
        if value.get(name) is not None:
            _check_value(member["shape"], value[name], f"{prefix}{_camel(name)}", problems)


def _validate(operation: str, request: Mapping[str, Any]) -> None:
    """ValidationException in AWS's words for what the model's constraints reject."""
    op = _model()["operations"][operation]
    problems: list[str] = []
    if "input" in op:
        _check_structure(op["input"]["shape"], request, "", problems)
    elif request:
        problems.extend(f"Unknown parameter '{k}'" for k in request)
    if problems:
        n = len(problems)
        raise err.ValidationException(
            f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(problems))


# -- the audit trail and the operation wrapper ----------------------------------------------------

_SECRET_MEMBERS = {"Plaintext", "CiphertextBlob", "Message", "Signature", "Mac", "PublicKey",
                   "ImportToken", "EncryptedKeyMaterial", "GrantTokens", "GrantToken",
                   "KeyStorePassword", "XksProxyAuthenticationCredential",
                   "TrustAnchorCertificate", "Recipient"}


def _public_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """requestParameters as CloudTrail logs them: camelCase, without secrets or blobs."""
    out: dict[str, Any] = {}
    for name, value in request.items():
        if name in _SECRET_MEMBERS or isinstance(value, (bytes, bytearray)):
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        out[_camel(name)] = value
    return out


class _Audit:
    """What the event of one request names: the keys it touched, extra response details."""

    def __init__(self) -> None:
        self.resources: list[dict[str, str]] = []

    def key(self, arn: str) -> None:
        entry = {"ResourceType": "AWS::KMS::Key", "ResourceName": arn}
        if entry not in self.resources:
            self.resources.append(entry)


_READ_ONLY = {"DescribeKey", "DescribeCustomKeyStores", "GetKeyPolicy", "GetKeyRotationStatus",
              "GetPublicKey", "ListAliases", "ListGrants", "ListKeyPolicies", "ListKeyRotations",
              "ListKeys", "ListResourceTags", "ListRetirableGrants", "GetKeyLastUsage",
              "GetParametersForImport", "GenerateRandom"}


def _operation(name: str) -> Callable[[Callable[..., dict[str, Any]]],
                                      Callable[..., dict[str, Any]]]:
    """Validate the request, sweep due lifecycle work, run, and log one event either way."""

    def decorate(impl: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def run(ctx: Context, **request: Any) -> dict[str, Any]:
            audit = _Audit()
            try:
                _validate(name, request)
                _housekeeping(ctx)
                result = impl(ctx, audit, **request)
            except AwsError as exc:
                ctx.record_event(EVENT_SOURCE, name, resources=audit.resources,
                                 request=_public_request(request), error_code=exc.code,
                                 error_message=exc.message, read_only=name in _READ_ONLY)
                raise
            ctx.record_event(EVENT_SOURCE, name, resources=audit.resources,
                             request=_public_request(request), read_only=name in _READ_ONLY)
            return result

        # Not functools.wraps: the public signature is (ctx, **members), without `audit`.
        run.__name__ = impl.__name__
        run.__qualname__ = impl.__qualname__
        run.__doc__ = impl.__doc__
        run.__module__ = impl.__module__
        run.operation = name  # type: ignore[attr-defined]

        return run

    return decorate


# -- lazy lifecycle: deletion, rotation, expiry ---------------------------------------------------


def _housekeeping(ctx: Context) -> None:
    """Destroy keys past their DeletionDate, rotate keys past NextRotationDate, expire material."""
    now = ctx.time()
    conn = ctx.db
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


def _rotate(ctx: Context, key: Row, rotation_type: str, when: float) -> str:
    """New key material for a symmetric key (and its multi-Region copies); returns its id."""
    from awslocal_cli import crypto

    material = crypto.generate(key["key_spec"])
    material_id = _new_material_id()
    _store_material(ctx, key, material_id, material, created=when, rotation_date=when,
                    rotation_type=rotation_type)
    return material_id


def _store_material(ctx: Context, key: Row, material_id: str, material: bytes, *,
                    created: float, rotation_date: float | None = None,
                    rotation_type: str | None = None, imported: bool = False,
                    valid_to: float | None = None, expiration_model: str | None = None,
                    description: str | None = None, make_current: bool = True) -> None:
    from awslocal_cli import crypto

    wrapped = crypto.wrap_material(ctx.store.root_key(), key["key_id"], material_id, material)
    copies = db.key_regions(ctx.db, key["account"], key["key_id"]) if key["multi_region"] \
        else [key]
    for copy in copies:
        existing = db.get_material(ctx.db, copy["account"], copy["region"], key["key_id"],
                                   material_id)
        row = {"wrapped": wrapped, "imported": 1 if imported else 0,
               "import_state": "IMPORTED" if imported else None, "valid_to": valid_to,
               "expiration_model": expiration_model, "description": description}
        if existing is None:
            db.insert_material(ctx.db, copy["account"], copy["region"], key["key_id"],
                               {"material_id": material_id, "created": created,
                                "rotation_date": rotation_date, "rotation_type": rotation_type,
                                **row})
        else:
            db.update_material(ctx.db, copy["account"], copy["region"], key["key_id"],
                               material_id, **row)
        if make_current:
            db.update_key(ctx.db, copy["account"], copy["region"], key["key_id"],
                          current_material_id=material_id)
    if make_current:
        key["current_material_id"] = material_id


def _material(ctx: Context, key: Row, material_id: str | None = None) -> tuple[str, bytes]:
    """(material id, unwrapped key material): the current version unless one is named."""
    from awslocal_cli import crypto

    mid = material_id or key["current_material_id"]
    row = db.get_material(ctx.db, key["account"], key["region"], key["key_id"], mid) \
        if mid else None
    if row is None or row["wrapped"] is None:
        raise err.InvalidCiphertextException("")
    try:
        return mid, crypto.unwrap_material(ctx.store.root_key(), key["key_id"], mid,
                                           row["wrapped"])
    except crypto.InvalidCiphertext:
        raise err.KMSInternalException("The key material could not be unwrapped: the root key "
                                       "does not match this state.") from None


# -- finding keys ---------------------------------------------------------------------------------


def _not_found_key(arn: str) -> err.NotFoundException:
    return err.NotFoundException(f"Key '{arn}' does not exist")


def _not_found_alias(arn: str) -> err.NotFoundException:
    return err.NotFoundException(f"Alias {arn} is not found.")


def _split_key_ref(ctx: Context, ref: str) -> tuple[str, str, str, str]:
    """(kind 'key'|'alias', account, region, key id or alias name) of a KeyId parameter."""
    m = _ARN_RE.match(ref)
    if m:
        region, account, kind, rest = m.groups()
        return kind, account, region, rest if kind == "key" else "alias/" + rest
    if ref.startswith("arn:"):
        raise err.InvalidArnException(f"Invalid arn {ref}")
    if ref.startswith("alias/"):
        return "alias", ctx.account, ctx.region, ref
    return "key", ctx.account, ctx.region, ref


def _resolve(ctx: Context, ref: str, *, aliases: bool = True,
             create_managed: bool | None = None, audit: _Audit | None = None) -> Row:
    """The key a KeyId parameter names (id, ARN, and where allowed alias name or alias ARN)."""
    kind, account, region, name = _split_key_ref(ctx, ref)
    key: Row | None
    if kind == "alias":
        if not aliases:
            if ref.startswith("arn:"):
                raise err.InvalidArnException("Key Aliases are not supported for this operation.")
            raise err.NotFoundException(f"Invalid keyId '{ref}'")
        if region != ctx.region:
            raise _not_found_alias(alias_arn(region, account, name))
        row = db.get_alias(ctx.db, account, region, name)
        if row is None:
            if create_managed is None:
                create_managed = ctx.is_service or ctx.via_service is not None
            if (create_managed and name.startswith("alias/aws/") and account == ctx.account
                    and name[len("alias/aws/"):] in MANAGED_SERVICES):
                key = _ensure_managed(ctx, name[len("alias/aws/"):])
                if audit is not None:
                    audit.key(key["arn"])
                key["_request_alias"] = name
                return key
            raise _not_found_alias(alias_arn(region, account, name))
        key = db.get_key(ctx.db, account, region, row["key_id"])
    else:
        if not (_UUID_RE.match(name) or _MRK_RE.match(name)):
            raise err.NotFoundException(f"Invalid keyId '{ref}'")
        key = db.get_key(ctx.db, account, region, name) if region == ctx.region else None
        if key is None:
            raise _not_found_key(key_arn(region, account, name))
    if key is None:
        raise _not_found_alias(alias_arn(region, account, name))
    if audit is not None:
        audit.key(key["arn"])
    key["_request_alias"] = name if kind == "alias" else None
    return key


# Services whose AWS managed key (alias/aws/<service>) KMS creates on first use.
MANAGED_SERVICES = frozenset({
    "sqs", "sns", "s3", "ebs", "rds", "lambda", "dynamodb", "secretsmanager", "ssm", "kinesis",
    "logs", "glue", "backup", "elasticfilesystem", "redshift", "es", "acm", "codecommit",
    "kafka", "timestream", "fsx", "cloud9", "connect", "lightsail", "xray", "events",
})


def resolve_key_arn(ctx: Context, key_id: str, create_managed: bool = True) -> str:
    """The ARN of the key a KmsMasterKeyId names; creates `alias/aws/<service>` keys if needed.

    For SQS and SNS attribute handling: no policy check, no event.
    """
    _housekeeping(ctx)
    return str(_resolve(ctx, key_id, create_managed=create_managed)["arn"])


def ensure_managed_key(ctx: Context, service: str) -> str:
    """The ARN of the AWS managed key `alias/aws/<service>`, created on first use."""
    _housekeeping(ctx)
    return str(_ensure_managed(ctx, service)["arn"])


def _ensure_managed(ctx: Context, service: str) -> Row:
    import uuid

    from awslocal_cli import crypto, policy

    if service not in MANAGED_SERVICES:
        raise _not_found_alias(alias_arn(ctx.region, ctx.account, f"alias/aws/{service}"))
    alias = f"alias/aws/{service}"
    existing = db.get_alias(ctx.db, ctx.account, ctx.region, alias)
    if existing is not None:
        key = db.get_key(ctx.db, ctx.account, ctx.region, existing["key_id"])
        if key is not None:
            return key
    now = ctx.time()
    key_id = str(uuid.uuid4())
    doc = policy.aws_managed_key_policy(ctx.account, service, ctx.region)
    row: Row = {
        "key_id": key_id, "arn": key_arn(ctx.region, ctx.account, key_id),
        "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS",
        "key_state": "Enabled", "key_manager": "AWS", "managed_service": service,
        "description": f"Default key that protects my {service.upper()} data when no other key "
                       "is defined",
        "creation_date": now, "policy": _pretty_policy(doc), "multi_region": 0,
        # AWS managed keys rotate every year (AWS KMS developer guide, "Rotating keys").
        "rotation_enabled": 1, "rotation_period_days": 365, "next_rotation_date": now + 365 * DAY,
    }
    db.insert_key(ctx.db, ctx.account, ctx.region, row)
    key = db.get_key(ctx.db, ctx.account, ctx.region, key_id)
    assert key is not None
    _store_material(ctx, key, _new_material_id(), crypto.generate("SYMMETRIC_DEFAULT"),
                    created=now)
    db.insert_alias(ctx.db, ctx.account, ctx.region, alias, key_id, now)
    return key


def _effective_state(ctx: Context, key: Row) -> str:
    """The key state, Unavailable while its custom key store is not connected."""
    state = str(key["key_state"])
    if key.get("custom_key_store_id") and state in ("Enabled", "Disabled"):
        store = db.get_key_store(ctx.db, key["account"], key["region"],
                                 key["custom_key_store_id"])
        if store is None or store["connection_state"] != "CONNECTED":
            return "Unavailable"
    return state


_STATE_WORDS = {"PendingDeletion": "pending deletion", "PendingImport": "pending import",
                "Unavailable": "unavailable", "Creating": "creating", "Updating": "updating",
                "PendingReplicaDeletion": "pending replica deletion", "Disabled": "disabled",
                "Enabled": "enabled"}


def _invalid_state(key: Row, state: str) -> err.KMSInvalidStateException:
    return err.KMSInvalidStateException(f"{key['arn']} is {_STATE_WORDS.get(state, state)}.")


def _require_usable(ctx: Context, key: Row) -> None:
    """Cryptographic operations need an Enabled key (DisabledException, else invalid state)."""
    state = _effective_state(ctx, key)
    if state == "Enabled":
        return
    if state == "Disabled":
        raise err.DisabledException(f"{key['arn']} is disabled.")
    if state == "Unavailable":
        raise err.KeyUnavailableException(f"{key['arn']} is unavailable.")
    raise _invalid_state(key, state)


def _require_not(key: Row, *states: str) -> None:
    if key["key_state"] in states:
        raise _invalid_state(key, key["key_state"])


def _require_customer_managed(key: Row, action: str) -> None:
    """What the AWS managed key policy would refuse anyway, refused with AWS's wording."""
    if key["key_manager"] == "AWS":
        raise err.UnsupportedOperationException(
            f"{key['arn']} is an AWS managed key. You cannot perform {action} on it.")


# -- key policies and grants ----------------------------------------------------------------------


def _condition_context(ctx: Context, key: Row, extra: Mapping[str, Any] | None = None,
                       encryption_context: Mapping[str, str] | None = None) -> dict[str, Any]:
    cond: dict[str, Any] = {
        "aws:RequestedRegion": ctx.region,
        "kms:KeySpec": key["key_spec"],
        "kms:KeyUsage": key["key_usage"],
        "kms:KeyOrigin": key["origin"],
        "kms:MultiRegion": bool(key["multi_region"]),
        "kms:ResourceAliases": [a["alias_name"] for a in db.list_aliases(
            ctx.db, key["account"], key["region"], key["key_id"])],
    }
    if not ctx.is_service:
        # A service principal has no account: a policy granting kms:CallerAccount must not
        # admit sns.amazonaws.com.
        cond["kms:CallerAccount"] = ctx.account
        cond["aws:PrincipalAccount"] = ctx.account
        cond["aws:PrincipalArn"] = ctx.principal
    if key["multi_region"]:
        cond["kms:MultiRegionKeyType"] = "PRIMARY" if key["primary_region"] == key["region"] \
            else "REPLICA"
    if ctx.via_service:
        cond["kms:ViaService"] = ctx.via_service
    if ctx.source_arn:
        cond["aws:SourceArn"] = ctx.source_arn
    if ctx.source_account:
        cond["aws:SourceAccount"] = ctx.source_account
    if key.get("_request_alias"):
        cond["kms:RequestAlias"] = key["_request_alias"]
    if encryption_context is not None:
        for k, v in encryption_context.items():
            cond[f"kms:EncryptionContext:{k}"] = v
        cond["kms:EncryptionContextKeys"] = sorted(encryption_context)
    if extra:
        cond.update({k: v for k, v in extra.items() if v is not None})
    return cond


def _grant_allows(grant: Row, operation: str,
                  encryption_context: Mapping[str, str] | None) -> bool:
    if operation not in grant["operations"]:
        return False
    constraints = grant.get("constraints") or {}
    ec = dict(encryption_context or {})
    subset = constraints.get("EncryptionContextSubset")
    if subset is not None and any(ec.get(k) != v for k, v in subset.items()):
        return False
    equals = constraints.get("EncryptionContextEquals")
    return equals is None or ec == dict(equals)


def _authorize(ctx: Context, key: Row, operation: str, *,
               encryption_context: Mapping[str, str] | None = None,
               grant_tokens: Iterable[str] | None = None,
               extra: Mapping[str, Any] | None = None, grants: bool = True) -> None:
    """Key policy (explicit Deny wins), then grants; AccessDeniedException in AWS's words."""
    from awslocal_cli import policy

    action = f"kms:{operation}"
    try:
        doc = policy.parse(key["policy"])
    except policy.PolicyError:
        doc = {"Statement": []}
    decision = policy.evaluate(
        doc, principal=ctx.principal, action=action, resource=key["arn"],
        context=_condition_context(ctx, key, extra, encryption_context),
        account=key["account"])
    if decision == "Allow":
        return
    who = ctx.principal
    if decision == "Deny":
        raise err.AccessDeniedException(
            f"User: {who} is not authorized to perform: {action} on resource: {key['arn']} "
            "with an explicit deny in a resource-based policy")
    candidates = [g for g in db.list_grants(ctx.db, key["account"], key["region"], key["key_id"])
                  if g["grantee"] == who] if grants else []
    for token in (grant_tokens or ()) if grants else ():
        g = db.grant_by_token(ctx.db, token)
        if g is not None and g["key_id"] == key["key_id"] and g["grantee"] == who:
            candidates.append(g)
    if any(_grant_allows(g, operation, encryption_context) for g in candidates):
        return
    raise err.AccessDeniedException(
        f"User: {who} is not authorized to perform: {action} on resource: {key['arn']} "
        f"because no resource-based policy allows the {action} action")


def _check_grant_tokens(tokens: Iterable[str] | None) -> None:
    for token in tokens or ():
        if not token or len(token) > 8192:
            raise err.InvalidGrantTokenException("Grant token is not valid.")


def _dry_run(flag: bool | None) -> None:
    if flag:
        raise err.DryRunOperationException(
            "The request would have succeeded, but the DryRun option is set.")


def _no_recipient(recipient: Any) -> None:
    if recipient:
        raise err.UnsupportedOperationException(
            "Recipient (AWS Nitro Enclaves attestation) is not supported by awslocal.")


def _parse_policy(text: str, *, bypass: bool, principal: str, account: str) -> None:
    """MalformedPolicyDocumentException for bad policies and for ones that lock the caller out."""
    from awslocal_cli import policy

    try:
        doc = policy.parse(text)
    except policy.PolicyError as exc:
        raise err.MalformedPolicyDocumentException(str(exc) or "The policy document is "
                                                   "malformed.") from None
    if not bypass and not policy.lockout_safety_ok(doc, principal, account):
        raise err.MalformedPolicyDocumentException(
            "The new key policy will not allow you to update the key policy in the future.")


def _pretty_policy(value: Any, level: int = 0) -> str:
    """JSON as KMS returns the policies it writes itself (Jackson's default pretty printer)."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        pad = "  " * (level + 1)
        items = [f"{pad}{json.dumps(k)} : {_pretty_policy(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(_pretty_policy(v, level) for v in value) + " ]"
    return json.dumps(value)


def _default_policy(account: str) -> str:
    from awslocal_cli import policy

    return _pretty_policy(policy.default_key_policy(account))


# -- response shapes ------------------------------------------------------------------------------


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
    if spec == "SYMMETRIC_DEFAULT" and key["current_material_id"]:
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
    except Exception:
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


# -- tags -----------------------------------------------------------------------------------------

_TAG_CHARS = re.compile(r"^[\w\s.:/=+\-@]*$", re.UNICODE)
MAX_TAGS = 50


def _check_tags(tags: list[dict[str, str]], existing: Iterable[str] = ()) -> None:
    seen: set[str] = set()
    for tag in tags:
        k, v = tag["TagKey"], tag["TagValue"]
        if k.lower().startswith("aws:"):
            raise err.TagException("Tags beginning with aws: are reserved.")
        if not _TAG_CHARS.match(k) or not _TAG_CHARS.match(v):
            raise err.TagException("The tag key or value contains invalid characters.")
        if k in seen:
            raise err.TagException(f"Duplicate tag keys: {k}")
        seen.add(k)
    if len(seen | set(existing)) > MAX_TAGS:
        raise err.LimitExceededException(f"A KMS key can have at most {MAX_TAGS} tags.")


def _tags(ctx: Context, key: Row) -> list[dict[str, str]]:
    return [{"TagKey": t["tag_key"], "TagValue": t["tag_value"]}
            for t in db.get_tags(ctx.db, key["account"], key["region"], key["key_id"])]


# -- keys -----------------------------------------------------------------------------------------


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
    import uuid

    if KeySpec and CustomerMasterKeySpec:
        raise err.ValidationException(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
            "CustomerMasterKeySpec is deprecated.")
    spec = KeySpec or CustomerMasterKeySpec or "SYMMETRIC_DEFAULT"
    usage = KeyUsage or "ENCRYPT_DECRYPT"
    if usage not in _USAGES[spec]:
        raise err.ValidationException(
            f"KeyUsage {usage} is not compatible with KeySpec {spec}")
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
    if Policy is not None:
        _parse_policy(Policy, bypass=bool(BypassPolicyLockoutSafetyCheck),
                      principal=ctx.principal, account=ctx.account)
    _check_tags(Tags or [])
    material: bytes | None = None
    if origin != "EXTERNAL":
        from awslocal_cli import crypto

        try:
            material = crypto.generate(spec)
        except crypto.Unsupported:
            raise err.UnsupportedOperationException(
                f"KeySpec {spec} is not supported in this region.") from None
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
    db.insert_key(ctx.db, ctx.account, ctx.region, row)
    key = db.get_key(ctx.db, ctx.account, ctx.region, key_id)
    assert key is not None
    audit.key(key["arn"])
    if material is not None:
        _store_material(ctx, key, _new_material_id(), material, created=now)
    for tag in Tags or []:
        db.put_tag(ctx.db, ctx.account, ctx.region, key_id, tag["TagKey"], tag["TagValue"])
    return {"KeyMetadata": _metadata(ctx, key)}


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
              Marker: str | None = None) -> dict[str, Any]:
    """The keys of the caller's account in the region (IAM is not modelled: no policy check)."""
    rows = db.list_keys(ctx.db, ctx.account, ctx.region)
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
                f"{key['arn']} is a multi-Region primary key with replica keys. Delete its "
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


# -- aliases --------------------------------------------------------------------------------------

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
    page, tail = _page(rows, lambda r: r["alias_name"], Limit, Marker, default=50)
    return {"Aliases": [{
        "AliasName": r["alias_name"],
        "AliasArn": alias_arn(ctx.region, ctx.account, r["alias_name"]),
        "TargetKeyId": r["key_id"],
        "CreationDate": _dt(r["creation_date"]),
        "LastUpdatedDate": _dt(r["last_updated"]),
    } for r in page], **tail}


# -- key policies ---------------------------------------------------------------------------------


def _check_policy_name(name: str | None) -> str:
    name = name or "default"
    if name != "default":
        raise err.NotFoundException(f"Policy {name} does not exist. Its only policy is "
                                    "named default.")
    return name


@_operation("GetKeyPolicy")
def get_key_policy(ctx: Context, audit: _Audit, *, KeyId: str,
                   PolicyName: str | None = None) -> dict[str, Any]:
    """The key policy (its only name is `default`)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "GetKeyPolicy")
    name = _check_policy_name(PolicyName)
    return {"Policy": key["policy"], "PolicyName": name}


@_operation("PutKeyPolicy")
def put_key_policy(ctx: Context, audit: _Audit, *, KeyId: str, Policy: str,
                   PolicyName: str | None = None,
                   BypassPolicyLockoutSafetyCheck: bool = False) -> dict[str, Any]:
    """Replace the key policy (malformed ones and ones that lock the caller out are refused)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "PutKeyPolicy")
    _check_policy_name(PolicyName)
    _require_customer_managed(key, "PutKeyPolicy")
    # Allowed in every key state, PendingDeletion included (KMS Developer Guide, "Key states").
    _parse_policy(Policy, bypass=bool(BypassPolicyLockoutSafetyCheck), principal=ctx.principal,
                  account=key["account"])
    db.update_key(ctx.db, key["account"], key["region"], key["key_id"], policy=Policy)
    return {}


@_operation("ListKeyPolicies")
def list_key_policies(ctx: Context, audit: _Audit, *, KeyId: str, Limit: int | None = None,
                      Marker: str | None = None) -> dict[str, Any]:
    """Always ["default"]."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ListKeyPolicies")
    page, tail = _page(["default"], str, Limit, Marker)
    return {"PolicyNames": page, **tail}


# -- tags -----------------------------------------------------------------------------------------


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
            raise err.TagException("Tags beginning with aws: are reserved.")
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


# -- cryptographic operations ---------------------------------------------------------------------


def _require_usage(key: Row, usage: str, operation: str) -> None:
    if key["key_usage"] != usage:
        raise err.InvalidKeyUsageException(
            f"{key['arn']} key usage is {key['key_usage']} which is not valid for {operation}.")


def _blob_key_ref(key: Row) -> str:
    """How a ciphertext blob names its key: `<account>:<key id>` (the region is the caller's,
    so a multi-Region key's ciphertext decrypts under any of its replicas)."""
    return f"{key['account']}:{key['key_id']}"


def _encrypt_with(ctx: Context, key: Row, plaintext: bytes, context: Mapping[str, str] | None,
                  algorithm: str | None, operation: str) -> tuple[bytes, str, str | None]:
    """(ciphertext, algorithm, material id) under a key; usage and algorithm checked."""
    from awslocal_cli import crypto

    _require_usage(key, "ENCRYPT_DECRYPT", operation)
    algorithms = _encryption_algorithms(key["key_spec"], key["key_usage"]) or []
    algorithm = algorithm or "SYMMETRIC_DEFAULT"
    if algorithm not in algorithms:
        raise err.InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key['key_spec']}.")
    if algorithm == "SYMMETRIC_DEFAULT":
        mid, material = _material(ctx, key)
        return crypto.encrypt_blob(material, _blob_key_ref(key), mid, plaintext, context), \
            algorithm, mid
    if algorithm == "SM2PKE":
        raise err.UnsupportedOperationException("SM2PKE is not supported in this region.")
    if context:
        raise err.ValidationException(
            "EncryptionContext is not supported with asymmetric KMS keys.")
    _, private = _material(ctx, key)
    limit = crypto.rsa_max_plaintext(private, algorithm, public=False)
    if len(plaintext) > limit:
        raise err.ValidationException(
            f"Plaintext size {len(plaintext)} bytes exceeds maximum size {limit} bytes for "
            f"{algorithm} with {key['key_spec']}.")
    return crypto.rsa_encrypt(private, algorithm, plaintext), algorithm, None


def _decrypt_with(ctx: Context, blob: bytes | None, *, key_ref: str | None,
                  context: Mapping[str, str] | None, algorithm: str | None, operation: str,
                  grant_tokens: list[str] | None, audit: _Audit,
                  authorize_as: str) -> tuple[Row, bytes, str, str | None]:
    """(key, plaintext, algorithm, material id) of a ciphertext; the key checked and authorized."""
    from awslocal_cli import crypto

    if blob is None:
        raise err.ValidationException(
            "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy "
            "constraint: Member must not be null")
    key: Row | None = None
    if key_ref is not None:
        key = _resolve(ctx, key_ref, audit=audit)
    algorithm = algorithm or "SYMMETRIC_DEFAULT"
    blob_key_id = blob_mid = None
    if algorithm == "SYMMETRIC_DEFAULT":
        try:
            blob_ref, blob_mid = crypto.parse_blob(blob)
            blob_account, _, blob_key_id = blob_ref.rpartition(":")
        except crypto.InvalidCiphertext:
            if key is not None:
                _authorize(ctx, key, authorize_as, encryption_context=context,
                           grant_tokens=grant_tokens,
                           extra={"kms:EncryptionAlgorithm": algorithm})
            raise err.InvalidCiphertextException("") from None
        if key is None:
            key = db.get_key(ctx.db, blob_account or ctx.account, ctx.region, blob_key_id)
            if key is None:
                raise err.AccessDeniedException(
                    "The ciphertext refers to a customer master key that does not exist, does "
                    "not exist in this region, or you are not allowed to access.")
            audit.key(key["arn"])
            key["_request_alias"] = None
        elif key["key_id"] != blob_key_id or key["account"] != (blob_account or ctx.account):
            _authorize(ctx, key, authorize_as, encryption_context=context,
                       grant_tokens=grant_tokens, extra={"kms:EncryptionAlgorithm": algorithm})
            raise err.IncorrectKeyException(
                "The key ID in the request does not identify a CMK that can perform this "
                "operation.")
    elif key is None:
        raise err.ValidationException(
            f"KeyId is required when EncryptionAlgorithm is {algorithm}.")
    _authorize(ctx, key, authorize_as, encryption_context=context, grant_tokens=grant_tokens,
               extra={"kms:EncryptionAlgorithm": algorithm})
    _require_usable(ctx, key)
    _require_usage(key, "ENCRYPT_DECRYPT", operation)
    if algorithm not in (_encryption_algorithms(key["key_spec"], key["key_usage"]) or []):
        raise err.InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key['key_spec']}.")
    if algorithm == "SYMMETRIC_DEFAULT":
        mid, material = _material(ctx, key, blob_mid)
        try:
            return key, crypto.decrypt_blob(material, blob, context), algorithm, mid
        except crypto.InvalidCiphertext:
            raise err.InvalidCiphertextException("") from None
    if algorithm == "SM2PKE":
        raise err.UnsupportedOperationException("SM2PKE is not supported in this region.")
    _, private = _material(ctx, key)
    try:
        return key, crypto.rsa_decrypt(private, algorithm, blob), algorithm, None
    except crypto.InvalidCiphertext:
        raise err.InvalidCiphertextException("") from None


@_operation("Encrypt")
def encrypt(ctx: Context, audit: _Audit, *, KeyId: str, Plaintext: bytes,
            EncryptionContext: dict[str, str] | None = None,
            GrantTokens: list[str] | None = None, EncryptionAlgorithm: str | None = None,
            DryRun: bool | None = None) -> dict[str, Any]:
    """Up to 4096 bytes under a symmetric key (context bound as AAD) or RSA OAEP."""
    _check_grant_tokens(GrantTokens)
    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, "Encrypt", encryption_context=EncryptionContext,
               grant_tokens=GrantTokens,
               extra={"kms:EncryptionAlgorithm": EncryptionAlgorithm or "SYMMETRIC_DEFAULT"})
    _require_usable(ctx, key)
    _require_usage(key, "ENCRYPT_DECRYPT", "Encrypt")
    _dry_run(DryRun)
    blob, algorithm, _ = _encrypt_with(ctx, key, Plaintext, EncryptionContext,
                                       EncryptionAlgorithm, "Encrypt")
    return {"CiphertextBlob": blob, "KeyId": key["arn"], "EncryptionAlgorithm": algorithm}


@_operation("Decrypt")
def decrypt(ctx: Context, audit: _Audit, *, CiphertextBlob: bytes | None = None,
            EncryptionContext: dict[str, str] | None = None,
            GrantTokens: list[str] | None = None, KeyId: str | None = None,
            EncryptionAlgorithm: str | None = None, Recipient: dict[str, Any] | None = None,
            DryRun: bool | None = None,
            DryRunModifiers: list[str] | None = None) -> dict[str, Any]:
    """The plaintext; symmetric ciphertext names its key, so KeyId is optional for it."""
    _check_grant_tokens(GrantTokens)
    _no_recipient(Recipient)
    key, plaintext, algorithm, mid = _decrypt_with(
        ctx, CiphertextBlob, key_ref=KeyId, context=EncryptionContext,
        algorithm=EncryptionAlgorithm, operation="Decrypt", grant_tokens=GrantTokens,
        audit=audit, authorize_as="Decrypt")
    _dry_run(DryRun)
    out = {"KeyId": key["arn"], "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}
    if mid:
        out["KeyMaterialId"] = mid
    return out


@_operation("ReEncrypt")
def re_encrypt(ctx: Context, audit: _Audit, *, DestinationKeyId: str,
               CiphertextBlob: bytes | None = None,
               SourceEncryptionContext: dict[str, str] | None = None,
               SourceKeyId: str | None = None,
               DestinationEncryptionContext: dict[str, str] | None = None,
               SourceEncryptionAlgorithm: str | None = None,
               DestinationEncryptionAlgorithm: str | None = None,
               GrantTokens: list[str] | None = None, DryRun: bool | None = None,
               DryRunModifiers: list[str] | None = None) -> dict[str, Any]:
    """Decrypt under the source key and encrypt under the destination, inside KMS."""
    _check_grant_tokens(GrantTokens)
    source, plaintext, src_alg, src_mid = _decrypt_with(
        ctx, CiphertextBlob, key_ref=SourceKeyId, context=SourceEncryptionContext,
        algorithm=SourceEncryptionAlgorithm, operation="ReEncrypt", grant_tokens=GrantTokens,
        audit=audit, authorize_as="ReEncryptFrom")
    dest = _resolve(ctx, DestinationKeyId, audit=audit)
    _authorize(ctx, dest, "ReEncryptTo", encryption_context=DestinationEncryptionContext,
               grant_tokens=GrantTokens,
               extra={"kms:ReEncryptOnSameKey": dest["key_id"] == source["key_id"]})
    _require_usable(ctx, dest)
    _dry_run(DryRun)
    blob, dst_alg, dst_mid = _encrypt_with(ctx, dest, plaintext, DestinationEncryptionContext,
                                           DestinationEncryptionAlgorithm, "ReEncrypt")
    out = {"CiphertextBlob": blob, "SourceKeyId": source["arn"], "KeyId": dest["arn"],
           "SourceEncryptionAlgorithm": src_alg, "DestinationEncryptionAlgorithm": dst_alg}
    if src_mid:
        out["SourceKeyMaterialId"] = src_mid
    if dst_mid:
        out["DestinationKeyMaterialId"] = dst_mid
    return out


def _data_key_bytes(KeySpec: str | None, NumberOfBytes: int | None) -> int:
    if (KeySpec is None) == (NumberOfBytes is None):
        raise err.ValidationException("Please specify either number of bytes or key spec.")
    if KeySpec is not None:
        return 32 if KeySpec == "AES_256" else 16
    assert NumberOfBytes is not None
    return NumberOfBytes


def _symmetric_key_for_data_keys(ctx: Context, audit: _Audit, key_ref: str, operation: str,
                                 context: Mapping[str, str] | None,
                                 grant_tokens: list[str] | None,
                                 extra: Mapping[str, Any] | None = None) -> Row:
    _check_grant_tokens(grant_tokens)
    key = _resolve(ctx, key_ref, audit=audit)
    _authorize(ctx, key, operation, encryption_context=context, grant_tokens=grant_tokens,
               extra=extra)
    _require_usable(ctx, key)
    if key["key_spec"] != "SYMMETRIC_DEFAULT" or key["key_usage"] != "ENCRYPT_DECRYPT":
        raise err.InvalidKeyUsageException(
            f"{key['arn']} key usage is {key['key_usage']} and key spec is {key['key_spec']}, "
            f"which is not valid for {operation}.")
    return key


@_operation("GenerateDataKey")
def generate_data_key(ctx: Context, audit: _Audit, *, KeyId: str,
                      EncryptionContext: dict[str, str] | None = None,
                      NumberOfBytes: int | None = None, KeySpec: str | None = None,
                      GrantTokens: list[str] | None = None,
                      Recipient: dict[str, Any] | None = None,
                      DryRun: bool | None = None) -> dict[str, Any]:
    """A data key, in plaintext and encrypted under a symmetric KMS key."""
    from awslocal_cli import crypto

    _no_recipient(Recipient)
    n = _data_key_bytes(KeySpec, NumberOfBytes)
    key = _symmetric_key_for_data_keys(ctx, audit, KeyId, "GenerateDataKey", EncryptionContext,
                                       GrantTokens)
    _dry_run(DryRun)
    plaintext = crypto.random_bytes(n)
    blob, _, mid = _encrypt_with(ctx, key, plaintext, EncryptionContext, None, "GenerateDataKey")
    return {"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": key["arn"],
            "KeyMaterialId": mid}


@_operation("GenerateDataKeyWithoutPlaintext")
def generate_data_key_without_plaintext(
        ctx: Context, audit: _Audit, *, KeyId: str,
        EncryptionContext: dict[str, str] | None = None, KeySpec: str | None = None,
        NumberOfBytes: int | None = None, GrantTokens: list[str] | None = None,
        DryRun: bool | None = None) -> dict[str, Any]:
    """A data key encrypted under a symmetric KMS key, without its plaintext."""
    from awslocal_cli import crypto

    n = _data_key_bytes(KeySpec, NumberOfBytes)
    key = _symmetric_key_for_data_keys(ctx, audit, KeyId, "GenerateDataKeyWithoutPlaintext",
                                       EncryptionContext, GrantTokens)
    _dry_run(DryRun)
    blob, _, mid = _encrypt_with(ctx, key, crypto.random_bytes(n), EncryptionContext, None,
                                 "GenerateDataKeyWithoutPlaintext")
    return {"CiphertextBlob": blob, "KeyId": key["arn"], "KeyMaterialId": mid}


def _data_key_pair(ctx: Context, audit: _Audit, operation: str, KeyId: str,
                   KeyPairSpec: str, EncryptionContext: dict[str, str] | None,
                   GrantTokens: list[str] | None, DryRun: bool | None,
                   ) -> tuple[Row, bytes, bytes, bytes, str | None]:
    from awslocal_cli import crypto

    key = _symmetric_key_for_data_keys(ctx, audit, KeyId, operation, EncryptionContext,
                                       GrantTokens, extra={"kms:DataKeyPairSpec": KeyPairSpec})
    _dry_run(DryRun)
    try:
        private, public = crypto.generate_pair(KeyPairSpec)
    except crypto.Unsupported:
        raise err.UnsupportedOperationException(
            f"KeyPairSpec {KeyPairSpec} is not supported in this region.") from None
    blob, _, mid = _encrypt_with(ctx, key, private, EncryptionContext, None, operation)
    return key, private, public, blob, mid


@_operation("GenerateDataKeyPair")
def generate_data_key_pair(ctx: Context, audit: _Audit, *, KeyId: str, KeyPairSpec: str,
                           EncryptionContext: dict[str, str] | None = None,
                           GrantTokens: list[str] | None = None,
                           Recipient: dict[str, Any] | None = None,
                           DryRun: bool | None = None) -> dict[str, Any]:
    """An asymmetric data key pair: PKCS#8 private key (plain and encrypted) and public key."""
    _no_recipient(Recipient)
    key, private, public, blob, mid = _data_key_pair(
        ctx, audit, "GenerateDataKeyPair", KeyId, KeyPairSpec, EncryptionContext, GrantTokens,
        DryRun)
    return {"PrivateKeyCiphertextBlob": blob, "PrivateKeyPlaintext": private,
            "PublicKey": public, "KeyId": key["arn"], "KeyPairSpec": KeyPairSpec,
            "KeyMaterialId": mid}


@_operation("GenerateDataKeyPairWithoutPlaintext")
def generate_data_key_pair_without_plaintext(
        ctx: Context, audit: _Audit, *, KeyId: str, KeyPairSpec: str,
        EncryptionContext: dict[str, str] | None = None, GrantTokens: list[str] | None = None,
        DryRun: bool | None = None) -> dict[str, Any]:
    """An asymmetric data key pair without the plaintext private key."""
    key, _, public, blob, mid = _data_key_pair(
        ctx, audit, "GenerateDataKeyPairWithoutPlaintext", KeyId, KeyPairSpec,
        EncryptionContext, GrantTokens, DryRun)
    return {"PrivateKeyCiphertextBlob": blob, "PublicKey": public, "KeyId": key["arn"],
            "KeyPairSpec": KeyPairSpec, "KeyMaterialId": mid}


@_operation("GenerateRandom")
def generate_random(ctx: Context, audit: _Audit, *, NumberOfBytes: int | None = None,
                    CustomKeyStoreId: str | None = None,
                    Recipient: dict[str, Any] | None = None) -> dict[str, Any]:
    """1..1024 random bytes (from the OS CSPRNG, also for a CloudHSM key store)."""
    from awslocal_cli import crypto

    _no_recipient(Recipient)
    if NumberOfBytes is None:
        raise err.ValidationException("NumberOfBytes is required.")
    if CustomKeyStoreId is not None:
        store = db.get_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId)
        if store is None:
            raise err.CustomKeyStoreNotFoundException(
                f"Custom key store {CustomKeyStoreId} does not exist.")
        if store["store_type"] != "AWS_CLOUDHSM":
            raise err.UnsupportedOperationException(
                "GenerateRandom is not supported for external key stores.")
        if store["connection_state"] != "CONNECTED":
            raise err.CustomKeyStoreInvalidStateException(
                f"Custom key store {CustomKeyStoreId} is not connected.")
    return {"Plaintext": crypto.random_bytes(NumberOfBytes)}


def _check_signing(key: Row, algorithm: str, message: bytes, message_type: str) -> None:
    from awslocal_cli import crypto

    algorithms = _signing_algorithms(key["key_spec"], key["key_usage"]) or []
    if algorithm not in algorithms:
        raise err.InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key['key_spec']}.")
    if message_type == "EXTERNAL_MU" and algorithm != "ML_DSA_SHAKE_256":
        raise err.ValidationException(
            f"MessageType EXTERNAL_MU is not valid with algorithm {algorithm}.")
    if message_type == "EXTERNAL_MU" or algorithm in ("SM2DSA", "ED25519_PH_SHA_512"):
        raise err.UnsupportedOperationException(
            f"{algorithm} with MessageType {message_type} is not supported in this region.")
    if algorithm == "ED25519_SHA_512" and message_type != "RAW":
        raise err.ValidationException("ED25519_SHA_512 requires MessageType RAW.")
    if algorithm == "ML_DSA_SHAKE_256" and message_type == "DIGEST":
        raise err.ValidationException("ML_DSA_SHAKE_256 does not support MessageType DIGEST.")
    if message_type == "DIGEST" and len(message) != crypto.digest_size(algorithm):
        raise err.ValidationException(
            f"Digest is invalid length for algorithm {algorithm}.")


@_operation("Sign")
def sign(ctx: Context, audit: _Audit, *, KeyId: str, Message: bytes, SigningAlgorithm: str,
         MessageType: str | None = None, GrantTokens: list[str] | None = None,
         DryRun: bool | None = None) -> dict[str, Any]:
    """A signature with the private key of a SIGN_VERIFY key pair (RAW ≤ 4096 bytes or DIGEST)."""
    from awslocal_cli import crypto

    _check_grant_tokens(GrantTokens)
    message_type = MessageType or "RAW"
    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, "Sign", grant_tokens=GrantTokens,
               extra={"kms:SigningAlgorithm": SigningAlgorithm,
                      "kms:MessageType": message_type})
    _require_usable(ctx, key)
    _require_usage(key, "SIGN_VERIFY", "Sign")
    _check_signing(key, SigningAlgorithm, Message, message_type)
    _dry_run(DryRun)
    _, private = _material(ctx, key)
    try:
        signature = crypto.sign(private, SigningAlgorithm, Message, message_type)
    except crypto.Unsupported:
        raise err.UnsupportedOperationException(
            f"{SigningAlgorithm} is not supported in this region.") from None
    return {"KeyId": key["arn"], "Signature": signature, "SigningAlgorithm": SigningAlgorithm}


@_operation("Verify")
def verify(ctx: Context, audit: _Audit, *, KeyId: str, Message: bytes, Signature: bytes,
           SigningAlgorithm: str, MessageType: str | None = None,
           GrantTokens: list[str] | None = None, DryRun: bool | None = None) -> dict[str, Any]:
    """SignatureValid true, or KMSInvalidSignatureException (as AWS answers a bad signature)."""
    from awslocal_cli import crypto

    _check_grant_tokens(GrantTokens)
    message_type = MessageType or "RAW"
    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, "Verify", grant_tokens=GrantTokens,
               extra={"kms:SigningAlgorithm": SigningAlgorithm,
                      "kms:MessageType": message_type})
    _require_usable(ctx, key)
    _require_usage(key, "SIGN_VERIFY", "Verify")
    _check_signing(key, SigningAlgorithm, Message, message_type)
    _dry_run(DryRun)
    _, private = _material(ctx, key)
    try:
        valid = crypto.verify(private, SigningAlgorithm, Message, Signature, message_type)
    except crypto.Unsupported:
        raise err.UnsupportedOperationException(
            f"{SigningAlgorithm} is not supported in this region.") from None
    if not valid:
        raise err.KMSInvalidSignatureException("")
    return {"KeyId": key["arn"], "SignatureValid": True, "SigningAlgorithm": SigningAlgorithm}


def _mac_key(ctx: Context, audit: _Audit, KeyId: str, MacAlgorithm: str, operation: str,
             GrantTokens: list[str] | None) -> Row:
    _check_grant_tokens(GrantTokens)
    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, operation, grant_tokens=GrantTokens,
               extra={"kms:MacAlgorithm": MacAlgorithm})
    _require_usable(ctx, key)
    _require_usage(key, "GENERATE_VERIFY_MAC", operation)
    if MacAlgorithm not in (_mac_algorithms(key["key_spec"]) or []):
        raise err.InvalidKeyUsageException(
            f"Algorithm {MacAlgorithm} is incompatible with key spec {key['key_spec']}.")
    return key


@_operation("GenerateMac")
def generate_mac(ctx: Context, audit: _Audit, *, Message: bytes, KeyId: str,
                 MacAlgorithm: str, GrantTokens: list[str] | None = None,
                 DryRun: bool | None = None) -> dict[str, Any]:
    """An HMAC tag with an HMAC key."""
    from awslocal_cli import crypto

    key = _mac_key(ctx, audit, KeyId, MacAlgorithm, "GenerateMac", GrantTokens)
    _dry_run(DryRun)
    _, material = _material(ctx, key)
    return {"Mac": crypto.mac(material, MacAlgorithm, Message), "MacAlgorithm": MacAlgorithm,
            "KeyId": key["arn"]}


@_operation("VerifyMac")
def verify_mac(ctx: Context, audit: _Audit, *, Message: bytes, KeyId: str, MacAlgorithm: str,
               Mac: bytes, GrantTokens: list[str] | None = None,
               DryRun: bool | None = None) -> dict[str, Any]:
    """MacValid true, or KMSInvalidMacException."""
    from awslocal_cli import crypto

    key = _mac_key(ctx, audit, KeyId, MacAlgorithm, "VerifyMac", GrantTokens)
    _dry_run(DryRun)
    _, material = _material(ctx, key)
    if not crypto.mac_valid(material, MacAlgorithm, Message, Mac):
        raise err.KMSInvalidMacException("")
    return {"KeyId": key["arn"], "MacValid": True, "MacAlgorithm": MacAlgorithm}


@_operation("DeriveSharedSecret")
def derive_shared_secret(ctx: Context, audit: _Audit, *, KeyId: str,
                         KeyAgreementAlgorithm: str, PublicKey: bytes,
                         GrantTokens: list[str] | None = None, DryRun: bool | None = None,
                         Recipient: dict[str, Any] | None = None) -> dict[str, Any]:
    """ECDH between a KEY_AGREEMENT key pair and a peer's DER SubjectPublicKeyInfo."""
    from awslocal_cli import crypto

    _check_grant_tokens(GrantTokens)
    _no_recipient(Recipient)
    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, "DeriveSharedSecret", grant_tokens=GrantTokens,
               extra={"kms:KeyAgreementAlgorithm": KeyAgreementAlgorithm})
    _require_usable(ctx, key)
    _require_usage(key, "KEY_AGREEMENT", "DeriveSharedSecret")
    _dry_run(DryRun)
    _, private = _material(ctx, key)
    try:
        secret = crypto.derive_shared_secret(private, PublicKey)
    except ValueError:
        raise err.ValidationException(
            "PublicKey is not a valid DER-encoded SubjectPublicKeyInfo for the key's curve "
            f"({key['key_spec']}).") from None
    return {"KeyId": key["arn"], "SharedSecret": secret,
            "KeyAgreementAlgorithm": KeyAgreementAlgorithm, "KeyOrigin": key["origin"]}


@_operation("GetPublicKey")
def get_public_key(ctx: Context, audit: _Audit, *, KeyId: str,
                   GrantTokens: list[str] | None = None) -> dict[str, Any]:
    """The DER SubjectPublicKeyInfo of an asymmetric key (verifiable with openssl)."""
    from awslocal_cli import crypto

    _check_grant_tokens(GrantTokens)
    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, "GetPublicKey", grant_tokens=GrantTokens)
    _require_usable(ctx, key)
    spec, usage = key["key_spec"], key["key_usage"]
    if spec == "SYMMETRIC_DEFAULT" or spec.startswith("HMAC_"):
        raise err.UnsupportedOperationException(
            f"{key['arn']} key spec is {spec} which is not valid for GetPublicKey.")
    _, private = _material(ctx, key)
    out: dict[str, Any] = {"KeyId": key["arn"], "PublicKey": crypto.public_key_der(private)}
    if spec in _LEGACY_SPECS:
        out["CustomerMasterKeySpec"] = spec
    out["KeySpec"] = spec
    out["KeyUsage"] = usage
    for name, value in (("EncryptionAlgorithms", _encryption_algorithms(spec, usage)),
                        ("SigningAlgorithms", _signing_algorithms(spec, usage)),
                        ("KeyAgreementAlgorithms", _agreement_algorithms(usage)),
                        ("EncapsulationAlgorithms", _encapsulation_algorithms(usage))):
        if value:
            out[name] = value
    return out


@_operation("Encapsulate")
def encapsulate(ctx: Context, audit: _Audit, *, KeyId: str, EncapsulationAlgorithm: str,
                GrantTokens: list[str] | None = None,
                DryRun: bool | None = None) -> dict[str, Any]:
    """ML-KEM: a fresh shared secret and its ciphertext under an ENCAPSULATE_DECAPSULATE key."""
    from awslocal_cli import crypto

    _check_grant_tokens(GrantTokens)
    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, "Encapsulate", grant_tokens=GrantTokens,
               extra={"kms:EncapsulationAlgorithm": EncapsulationAlgorithm})
    _require_usable(ctx, key)
    _require_usage(key, "ENCAPSULATE_DECAPSULATE", "Encapsulate")
    _dry_run(DryRun)
    _, private = _material(ctx, key)
    secret, ciphertext = crypto.encapsulate(private)
    return {"KeyId": key["arn"], "SharedSecret": secret,
            "SharedSecretCiphertextBlob": ciphertext,
            "EncapsulationAlgorithm": EncapsulationAlgorithm}


@_operation("Decapsulate")
def decapsulate(ctx: Context, audit: _Audit, *, KeyId: str, SharedSecretCiphertextBlob: bytes,
                EncapsulationAlgorithm: str, GrantTokens: list[str] | None = None,
                DryRun: bool | None = None) -> dict[str, Any]:
    """ML-KEM: the shared secret in a ciphertext Encapsulate (or a client) made."""
    from awslocal_cli import crypto

    _check_grant_tokens(GrantTokens)
    key = _resolve(ctx, KeyId, audit=audit)
    _authorize(ctx, key, "Decapsulate", grant_tokens=GrantTokens,
               extra={"kms:EncapsulationAlgorithm": EncapsulationAlgorithm})
    _require_usable(ctx, key)
    _require_usage(key, "ENCAPSULATE_DECAPSULATE", "Decapsulate")
    _dry_run(DryRun)
    _, private = _material(ctx, key)
    try:
        secret = crypto.decapsulate(private, SharedSecretCiphertextBlob)
    except crypto.InvalidCiphertext:
        raise err.InvalidCiphertextException("") from None
    return {"KeyId": key["arn"], "SharedSecret": secret,
            "EncapsulationAlgorithm": EncapsulationAlgorithm}


# -- grants ---------------------------------------------------------------------------------------

_PRINCIPAL_RE = re.compile(r"^(arn:aws[a-z-]*:(iam|sts)::\d{12}:.+|\d{12}|[a-z0-9.-]+\.amazonaws"
                           r"\.com(\.cn)?)$")
_CONSTRAINT_OPS = {"Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
                   "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair",
                   "GenerateDataKeyPairWithoutPlaintext", "CreateGrant", "RetireGrant"}
MAX_GRANTS_PER_KEY = 50000


def _grant_entry(key: Row, g: Row) -> dict[str, Any]:
    entry: dict[str, Any] = {"KeyId": key["arn"], "GrantId": g["grant_id"]}
    if g["name"]:
        entry["Name"] = g["name"]
    entry["CreationDate"] = _dt(g["creation_date"])
    entry["GranteePrincipal"] = g["grantee"]
    if g["retiring"]:
        entry["RetiringPrincipal"] = g["retiring"]
    entry["IssuingAccount"] = f"arn:aws:iam::{g['issuing_account']}:root"
    entry["Operations"] = g["operations"]
    if g["constraints"]:
        entry["Constraints"] = g["constraints"]
    return entry


@_operation("CreateGrant")
def create_grant(ctx: Context, audit: _Audit, *, KeyId: str, GranteePrincipal: str,
                 Operations: list[str], RetiringPrincipal: str | None = None,
                 Constraints: dict[str, Any] | None = None,
                 GrantTokens: list[str] | None = None, Name: str | None = None,
                 DryRun: bool | None = None) -> dict[str, Any]:
    """A grant: the grantee may perform Operations on the key (within Constraints)."""
    import base64
    import hashlib

    _check_grant_tokens(GrantTokens)
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "CreateGrant", grant_tokens=GrantTokens, extra={
        "kms:GranteePrincipal": GranteePrincipal, "kms:RetiringPrincipal": RetiringPrincipal,
        "kms:GrantOperations": list(Operations),
        "kms:GrantConstraintType": sorted(Constraints) if Constraints else None,
        "kms:GrantIsForAWSResource": ctx.via_service is not None,
    })
    _require_not(key, "PendingDeletion", "PendingReplicaDeletion", "PendingImport")
    if _effective_state(ctx, key) == "Disabled":
        raise err.DisabledException(f"{key['arn']} is disabled.")
    if not Operations:
        raise err.ValidationException("Operations must not be empty.")
    for p in (GranteePrincipal, RetiringPrincipal):
        if p is not None and not _PRINCIPAL_RE.match(p):
            raise err.ValidationException(f"Invalid principal: {p}")
    if Constraints:
        if set(Constraints) - {"EncryptionContextSubset", "EncryptionContextEquals"}:
            raise err.ValidationException("Invalid grant constraints.")
        bad = [op for op in Operations if op not in _CONSTRAINT_OPS]
        if bad:
            raise err.ValidationException(
                f"Grant constraints are not supported for operations: {', '.join(bad)}.")
    _dry_run(DryRun)
    grants = db.list_grants(ctx.db, key["account"], key["region"], key["key_id"])
    if Name:
        # CreateGrant is idempotent for the same name and parameters.
        for g in grants:
            if (g["name"] == Name and g["grantee"] == GranteePrincipal
                    and g["retiring"] == RetiringPrincipal
                    and sorted(g["operations"]) == sorted(Operations)
                    and (g["constraints"] or None) == (Constraints or None)):
                return {"GrantToken": g["grant_token"], "GrantId": g["grant_id"]}
    if len(grants) >= MAX_GRANTS_PER_KEY:
        raise err.LimitExceededException("The number of grants for this key exceeds the limit.")
    grant_id = hashlib.sha256(os.urandom(32)).hexdigest()
    token = base64.urlsafe_b64encode(os.urandom(96)).decode().rstrip("=")
    db.insert_grant(ctx.db, key["account"], key["region"], {
        "grant_id": grant_id, "key_id": key["key_id"], "grant_token": token, "name": Name,
        "grantee": GranteePrincipal, "retiring": RetiringPrincipal,
        "issuing_account": ctx.account, "operations": list(Operations),
        "constraints": Constraints or None, "creation_date": ctx.time(),
    })
    return {"GrantToken": token, "GrantId": grant_id}


@_operation("ListGrants")
def list_grants(ctx: Context, audit: _Audit, *, KeyId: str, Limit: int | None = None,
                Marker: str | None = None, GrantId: str | None = None,
                GranteePrincipal: str | None = None) -> dict[str, Any]:
    """The key's grants, optionally one grant id or one grantee."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ListGrants")
    grants = db.list_grants(ctx.db, key["account"], key["region"], key["key_id"])
    if GrantId is not None:
        grants = [g for g in grants if g["grant_id"] == GrantId]
    if GranteePrincipal is not None:
        grants = [g for g in grants if g["grantee"] == GranteePrincipal]
    page, tail = _page(grants, _seq_ident, Limit, Marker, default=50)
    return {"Grants": [_grant_entry(key, g) for g in page], **tail}


@_operation("ListRetirableGrants")
def list_retirable_grants(ctx: Context, audit: _Audit, *, RetiringPrincipal: str,
                          Limit: int | None = None, Marker: str | None = None) -> dict[str, Any]:
    """Grants of the caller's account and region whose retiring principal is the one named."""
    grants = db.list_retirable_grants(ctx.db, ctx.account, ctx.region, RetiringPrincipal)
    page, tail = _page(grants, _seq_ident, Limit, Marker, default=50)
    out = []
    for g in page:
        key = db.get_key(ctx.db, ctx.account, ctx.region, g["key_id"])
        if key is not None:
            out.append(_grant_entry(key, g))
    return {"Grants": out, **tail}


@_operation("RetireGrant")
def retire_grant(ctx: Context, audit: _Audit, *, GrantToken: str | None = None,
                 KeyId: str | None = None, GrantId: str | None = None,
                 DryRun: bool | None = None) -> dict[str, Any]:
    """Retire a grant by token, or by key and grant id (retiring principal or grantee)."""
    if GrantToken is not None:
        g = db.grant_by_token(ctx.db, GrantToken)
        if g is None:
            raise err.InvalidGrantTokenException("Grant token is not valid.")
        key = db.get_key(ctx.db, g["account"], g["region"], g["key_id"])
        if key is None:  # pragma: no cover - grants die with their key
            raise err.InvalidGrantTokenException("Grant token is not valid.")
        audit.key(key["arn"])
    elif KeyId is not None and GrantId is not None:
        key = _resolve(ctx, KeyId, aliases=False, audit=audit)
        g = db.get_grant(ctx.db, key["account"], key["region"], key["key_id"], GrantId)
        if g is None:
            raise err.NotFoundException(f"Grant ID {GrantId} not found")
    else:
        raise err.ValidationException(
            "Either GrantToken, or both KeyId and GrantId, must be specified.")
    me = ctx.principal
    allowed = me == g["retiring"] or (me == g["grantee"] and "RetireGrant" in g["operations"])
    if not allowed:
        # A grant's RetireGrant operation lets its grantee retire that grant only.
        _authorize(ctx, key, "RetireGrant", grants=False)
    _dry_run(DryRun)
    db.delete_grant(ctx.db, g["account"], g["region"], g["grant_id"])
    return {}


@_operation("RevokeGrant")
def revoke_grant(ctx: Context, audit: _Audit, *, KeyId: str, GrantId: str,
                 DryRun: bool | None = None) -> dict[str, Any]:
    """Delete a grant (needs kms:RevokeGrant in the key policy)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "RevokeGrant")
    if db.get_grant(ctx.db, key["account"], key["region"], key["key_id"], GrantId) is None:
        raise err.NotFoundException(f"Grant ID {GrantId} not found")
    _dry_run(DryRun)
    db.delete_grant(ctx.db, key["account"], key["region"], GrantId)
    return {}


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
            f"{key['arn']} is a multi-Region replica key. Rotate its primary key instead.")


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
    _require_rotatable(key, "RotateKeyOnDemand")
    if key["origin"] == "EXTERNAL":
        raise err.UnsupportedOperationException(
            f"{key['arn']} has imported key material: import new key material "
            "(ImportType NEW_KEY_MATERIAL) to rotate it.")
    done = sum(1 for m in db.list_material(ctx.db, key["account"], key["region"],
                                           key["key_id"]) if m["rotation_type"] == "ON_DEMAND")
    if done >= MAX_ON_DEMAND_ROTATIONS:
        raise err.LimitExceededException(
            f"{key['arn']} has reached the maximum of {MAX_ON_DEMAND_ROTATIONS} on-demand "
            "rotations.")
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


# -- imported key material ------------------------------------------------------------------------

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
    if WrappingAlgorithm.startswith("RSAES_OAEP") and key["key_spec"] != "SYMMETRIC_DEFAULT" \
            and not key["key_spec"].startswith("HMAC_"):
        raise err.ValidationException(
            f"Wrapping algorithm {WrappingAlgorithm} cannot wrap key material of key spec "
            f"{key['key_spec']}: use RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256.")
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
    """Unwrap key material with the token's wrapping key; honours ValidTo and ExpirationModel."""
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
            raise err.ValidationException(
                "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.")
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


# -- multi-Region keys ----------------------------------------------------------------------------


@_operation("ReplicateKey")
def replicate_key(ctx: Context, audit: _Audit, *, KeyId: str, ReplicaRegion: str,
                  Policy: str | None = None, BypassPolicyLockoutSafetyCheck: bool = False,
                  Description: str | None = None,
                  Tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """A replica of a multi-Region primary key in another region of the same local state.

    Departs from AWS: the replica is usable at once (AWS shows it as Creating for a while).
    """
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "ReplicateKey", extra={"kms:ReplicaRegion": ReplicaRegion})
    if not key["multi_region"]:
        raise err.UnsupportedOperationException(
            f"{key['arn']} is not a multi-Region key.")
    if key["primary_region"] != key["region"]:
        raise err.UnsupportedOperationException(
            f"{key['arn']} is not a multi-Region primary key.")
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
        "key_state": "PendingImport" if key["key_state"] == "PendingImport" else "Enabled",
        "description": Description if Description is not None else key["description"],
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
    return {"ReplicaKeyMetadata": _metadata(ctx, replica), "ReplicaPolicy": replica["policy"],
            "ReplicaTags": _tags(ctx, replica)}


@_operation("UpdatePrimaryRegion")
def update_primary_region(ctx: Context, audit: _Audit, *, KeyId: str,
                          PrimaryRegion: str) -> dict[str, Any]:
    """Make the replica in PrimaryRegion the primary key (the old primary becomes a replica)."""
    key = _resolve(ctx, KeyId, aliases=False, audit=audit)
    _authorize(ctx, key, "UpdatePrimaryRegion", extra={"kms:PrimaryRegion": PrimaryRegion})
    if not key["multi_region"]:
        raise err.UnsupportedOperationException(f"{key['arn']} is not a multi-Region key.")
    if key["primary_region"] != key["region"]:
        raise err.UnsupportedOperationException(
            f"{key['arn']} is not a multi-Region primary key.")
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


# -- custom key stores (faithful records) ---------------------------------------------------------


def _store_or_raise(ctx: Context, store_id: str) -> Row:
    store = db.get_key_store(ctx.db, ctx.account, ctx.region, store_id)
    if store is None:
        raise err.CustomKeyStoreNotFoundException(
            f"Custom key store {store_id} does not exist.")
    return store


def _xks_config(request: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    import hashlib

    config = dict(base)
    for member, field in (("XksProxyUriEndpoint", "UriEndpoint"),
                          ("XksProxyUriPath", "UriPath"),
                          ("XksProxyVpcEndpointServiceName", "VpcEndpointServiceName"),
                          ("XksProxyVpcEndpointServiceOwner", "VpcEndpointServiceOwner"),
                          ("XksProxyConnectivity", "Connectivity")):
        if request.get(member) is not None:
            config[field] = request[member]
    credential = request.get("XksProxyAuthenticationCredential")
    if credential:
        # The secret access key is a secret: keep only a digest to tell that one was given.
        config["AccessKeyId"] = credential["AccessKeyId"]
        config["SecretDigest"] = hashlib.sha256(
            credential["RawSecretAccessKey"].encode()).hexdigest()
    return config


def _check_store_uniqueness(ctx: Context, store_id: str | None, name: str | None,
                            config: Mapping[str, Any]) -> None:
    for other in db.list_key_stores(ctx.db, ctx.account, ctx.region):
        if other["store_id"] == store_id:
            continue
        if name is not None and other["name"] == name:
            raise err.CustomKeyStoreNameInUseException(
                f"The custom key store name {name} is already in use.")
        oc = other["config"]
        if config.get("CloudHsmClusterId") and oc.get("CloudHsmClusterId") == \
                config["CloudHsmClusterId"]:
            raise err.CloudHsmClusterInUseException(
                f"Cluster {config['CloudHsmClusterId']} is already associated with a custom "
                "key store.")
        if config.get("UriEndpoint") and oc.get("UriEndpoint") == config["UriEndpoint"] and \
                oc.get("UriPath") == config.get("UriPath"):
            raise err.XksProxyUriInUseException(
                "The XKS proxy URI endpoint and path are already used by another custom key "
                "store.")


@_operation("CreateCustomKeyStore")
def create_custom_key_store(ctx: Context, audit: _Audit, *, CustomKeyStoreName: str,
                            CustomKeyStoreType: str | None = None,
                            **request: Any) -> dict[str, Any]:
    """A CloudHSM or external key store record (DISCONNECTED until ConnectCustomKeyStore).

    Departs from AWS: no cluster or proxy exists, so none is contacted or checked.
    """
    kind = CustomKeyStoreType or "AWS_CLOUDHSM"
    if kind == "AWS_CLOUDHSM":
        for member in ("CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword"):
            if not request.get(member):
                raise err.ValidationException(
                    f"{member} is required for a custom key store of type AWS_CLOUDHSM.")
        config: dict[str, Any] = {
            "CloudHsmClusterId": request["CloudHsmClusterId"],
            "TrustAnchorCertificate": request["TrustAnchorCertificate"],
        }
    else:
        for member in ("XksProxyUriEndpoint", "XksProxyUriPath",
                       "XksProxyAuthenticationCredential", "XksProxyConnectivity"):
            if not request.get(member):
                raise err.ValidationException(
                    f"{member} is required for a custom key store of type EXTERNAL_KEY_STORE.")
        if request["XksProxyConnectivity"] == "VPC_ENDPOINT_SERVICE" and not request.get(
                "XksProxyVpcEndpointServiceName"):
            raise err.ValidationException(
                "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is "
                "VPC_ENDPOINT_SERVICE.")
        config = _xks_config(request, {})
    _check_store_uniqueness(ctx, None, CustomKeyStoreName, config)
    store_id = "cks-" + os.urandom(9).hex()[:17]
    db.insert_key_store(ctx.db, ctx.account, ctx.region, {
        "store_id": store_id, "name": CustomKeyStoreName, "store_type": kind,
        "config": config, "connection_state": "DISCONNECTED", "creation_date": ctx.time(),
    })
    return {"CustomKeyStoreId": store_id}


def _store_entry(store: Row) -> dict[str, Any]:
    config = store["config"]
    entry: dict[str, Any] = {"CustomKeyStoreId": store["store_id"],
                             "CustomKeyStoreName": store["name"]}
    if store["store_type"] == "AWS_CLOUDHSM":
        entry["CloudHsmClusterId"] = config.get("CloudHsmClusterId")
        entry["TrustAnchorCertificate"] = config.get("TrustAnchorCertificate")
    entry["ConnectionState"] = store["connection_state"]
    entry["CreationDate"] = _dt(store["creation_date"])
    entry["CustomKeyStoreType"] = store["store_type"]
    if store["store_type"] == "EXTERNAL_KEY_STORE":
        xks = {k: config[k] for k in ("Connectivity", "AccessKeyId", "UriEndpoint", "UriPath",
                                      "VpcEndpointServiceName", "VpcEndpointServiceOwner")
               if config.get(k)}
        entry["XksProxyConfiguration"] = xks
    return entry


@_operation("DescribeCustomKeyStores")
def describe_custom_key_stores(ctx: Context, audit: _Audit, *,
                               CustomKeyStoreId: str | None = None,
                               CustomKeyStoreName: str | None = None, Limit: int | None = None,
                               Marker: str | None = None) -> dict[str, Any]:
    """The custom key stores of the account and region (one, by id or name)."""
    stores = db.list_key_stores(ctx.db, ctx.account, ctx.region)
    if CustomKeyStoreId is not None:
        stores = [s for s in stores if s["store_id"] == CustomKeyStoreId]
        if not stores:
            raise err.CustomKeyStoreNotFoundException(
                f"Custom key store {CustomKeyStoreId} does not exist.")
    if CustomKeyStoreName is not None:
        stores = [s for s in stores if s["name"] == CustomKeyStoreName]
        if not stores:
            raise err.CustomKeyStoreNotFoundException(
                f"Custom key store {CustomKeyStoreName} does not exist.")
    page, tail = _page(stores, _seq_ident, Limit, Marker, default=1000)
    return {"CustomKeyStores": [_store_entry(s) for s in page], **tail}


@_operation("UpdateCustomKeyStore")
def update_custom_key_store(ctx: Context, audit: _Audit, *, CustomKeyStoreId: str,
                            NewCustomKeyStoreName: str | None = None,
                            **request: Any) -> dict[str, Any]:
    """Rename or reconfigure a key store (disconnect it first for anything but the name)."""
    store = _store_or_raise(ctx, CustomKeyStoreId)
    config = dict(store["config"])
    if store["store_type"] == "AWS_CLOUDHSM":
        if any(k.startswith("Xks") and v is not None for k, v in request.items()):
            raise err.ValidationException(
                "XKS proxy settings are not valid for a custom key store of type AWS_CLOUDHSM.")
        if request.get("CloudHsmClusterId"):
            config["CloudHsmClusterId"] = request["CloudHsmClusterId"]
    else:
        if request.get("CloudHsmClusterId") or request.get("KeyStorePassword"):
            raise err.ValidationException(
                "CloudHSM settings are not valid for a custom key store of type "
                "EXTERNAL_KEY_STORE.")
        config = _xks_config(request, config)
    changes_config = config != store["config"] or request.get("KeyStorePassword")
    if changes_config and store["connection_state"] != "DISCONNECTED":
        raise err.CustomKeyStoreInvalidStateException(
            f"Custom key store {CustomKeyStoreId} must be disconnected to change its "
            "configuration.")
    _check_store_uniqueness(ctx, CustomKeyStoreId, NewCustomKeyStoreName, config)
    fields: dict[str, Any] = {"config": config}
    if NewCustomKeyStoreName is not None:
        fields["name"] = NewCustomKeyStoreName
    db.update_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId, **fields)
    return {}


@_operation("DeleteCustomKeyStore")
def delete_custom_key_store(ctx: Context, audit: _Audit, *,
                            CustomKeyStoreId: str) -> dict[str, Any]:
    """Delete a disconnected key store that holds no KMS keys."""
    store = _store_or_raise(ctx, CustomKeyStoreId)
    if store["connection_state"] != "DISCONNECTED":
        raise err.CustomKeyStoreInvalidStateException(
            f"Custom key store {CustomKeyStoreId} must be disconnected before it is deleted.")
    if db.count_keys_in_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId):
        raise err.CustomKeyStoreHasCMKsException(
            f"Custom key store {CustomKeyStoreId} contains KMS keys. Delete them first.")
    db.delete_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId)
    return {}


@_operation("ConnectCustomKeyStore")
def connect_custom_key_store(ctx: Context, audit: _Audit, *,
                             CustomKeyStoreId: str) -> dict[str, Any]:
    """CONNECTED (at once: AWS passes through CONNECTING); its keys become usable."""
    _store_or_raise(ctx, CustomKeyStoreId)
    db.update_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId,
                        connection_state="CONNECTED")
    return {}


@_operation("DisconnectCustomKeyStore")
def disconnect_custom_key_store(ctx: Context, audit: _Audit, *,
                                CustomKeyStoreId: str) -> dict[str, Any]:
    """DISCONNECTED: its keys are Unavailable until it is connected again."""
    store = _store_or_raise(ctx, CustomKeyStoreId)
    if store["connection_state"] == "DISCONNECTED":
        raise err.CustomKeyStoreInvalidStateException(
            f"Custom key store {CustomKeyStoreId} is already disconnected.")
    db.update_key_store(ctx.db, ctx.account, ctx.region, CustomKeyStoreId,
                        connection_state="DISCONNECTED")
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
