"""Server-side encryption of message bodies: SSE-SQS and SSE-KMS envelope encryption.

A queue holds a current data key per (kind, KmsMasterKeyId, producing principal) in
`sqs_data_keys`. While it is younger than KmsDataKeyReusePeriodSeconds, that caller's sends
reuse it and no KMS call is made; past it, a new one is generated (SSE-KMS: GenerateDataKey
through KMS as the caller via SQS, logged in the KMS audit trail). On receive, a data key is
decrypted through KMS as the consumer (Decrypt, logged) unless that same consuming principal
decrypted it within the reuse period (`sqs_data_key_consumers`). Reuse is per caller because
AWS's is (the SQS guide counts producers and consumers apart, R = B / D x (2P + C)), so a key
policy's Deny is always evaluated for a caller before any data key serves it (issue 25). The
plaintext data key is kept between invocations only wrapped by root.key (the local stand-in for
the SQS hosts' memory).

SSE-SQS encrypts for real too, with data keys that belong to the service (wrapped by root.key
only, no KMS key and no KMS call), as SQS-owned keys are invisible to the account in AWS.

Bodies are sealed with AES-GCM; the AAD names the queue the body was sealed for and the message
id, so a blob copied to another message or queue fails to open.
"""

from __future__ import annotations

from awslocal_cli import ids
from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sqs as err
from awslocal_cli.store import sqs as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

NONE, SSE_SQS, SSE_KMS = "NONE", "SSE-SQS", "SSE-KMS"
SQS_OWNED_REUSE = 300
_CACHE_KEY_ID = "sqs-data-key"

# KMS error code -> the SQS error AWS answers with (SendMessage/ReceiveMessage errors).
_KMS_ERRORS: dict[str, type[AwsError]] = {
    "DisabledException": err.KmsDisabled,
    "KMSInvalidStateException": err.KmsInvalidState,
    "KeyUnavailableException": err.KmsInvalidState,
    "NotFoundException": err.KmsNotFound,
    "AccessDeniedException": err.KmsAccessDenied,
    "InvalidKeyUsageException": err.KmsInvalidKeyUsage,
    "IncorrectKeyException": err.KmsInvalidKeyUsage,
    "InvalidCiphertextException": err.KmsInvalidState,
    "InvalidArnException": err.KmsNotFound,
    "ValidationException": err.KmsNotFound,
    "ThrottlingException": err.KmsThrottled,
}


def kind_of(attributes: dict[str, str]) -> str:
    """The encryption a queue's attributes ask for new messages."""
    if attributes.get("KmsMasterKeyId"):
        return SSE_KMS
    if attributes.get("SqsManagedSseEnabled", "false") == "true":
        return SSE_SQS
    return NONE


def _kms_error(exc: AwsError) -> AwsError:
    """SQS's wrapping of a KMS failure: the KMS message with AWS's service suffix."""
    cls = _KMS_ERRORS.get(exc.code, err.KmsInvalidState)
    return cls(f"{exc.message} (Service: AWSKMS; Status Code: 400; Error Code: {exc.code}; "
               f"Request ID: {ids.uuid4()}; Proxy: null)")


def _wrap_cache(ctx: Context, key_row_tag: str, data_key: bytes) -> bytes:
    from awslocal_cli import crypto

    return crypto.wrap_material(ctx.store.root_key(), _CACHE_KEY_ID, key_row_tag, data_key)


def _unwrap_cache(ctx: Context, key_row_tag: str, blob: bytes) -> bytes:
    from awslocal_cli import crypto

    return crypto.unwrap_material(ctx.store.root_key(), _CACHE_KEY_ID, key_row_tag, blob)


def _tag(row: dict[str, Any]) -> str:
    return f"{row['account']}:{row['region']}:{row['id']}:{row['generated_at']!r}"


def _data_key_for_send(ctx: Context, queue: dict[str, Any], kind: str) -> tuple[int, bytes]:
    """(data key row id, plaintext data key) to seal a new message with."""
    attrs = queue["attributes"]
    master = attrs.get("KmsMasterKeyId") if kind == SSE_KMS else None
    reuse = int(attrs.get("KmsDataKeyReusePeriodSeconds", "300")) if kind == SSE_KMS \
        else SQS_OWNED_REUSE
    now = ctx.time()
    producer = ctx.principal if kind == SSE_KMS else None
    row = db.current_data_key(ctx.db, queue["id"], kind, master, producer)
    if row is not None and row["generated_at"] + min(reuse, row["reuse_period"]) > now \
            and row["cached"] is not None:
        return int(row["id"]), _unwrap_cache(ctx, _tag(row), row["cached"])
    wrapped = kms_arn = None
    if kind == SSE_KMS:
        from awslocal_cli.services import kms

        try:
            out = kms.generate_data_key(
                ctx.via("sqs"), KeyId=master, KeySpec="AES_256",
                EncryptionContext={"aws:sqs:arn": queue["arn"]})
        except AwsError as exc:
            raise _kms_error(exc) from None
        data_key, wrapped, kms_arn = out["Plaintext"], out["CiphertextBlob"], out["KeyId"]
    else:
        from awslocal_cli import crypto

        data_key = crypto.random_bytes(32)
    new = {"account": queue["account"], "region": queue["region"], "queue_id": queue["id"],
           "queue_arn": queue["arn"], "kind": kind, "master_key": master,
           "kms_key_arn": kms_arn, "wrapped": wrapped, "reuse_period": reuse,
           "generated_at": now, "decrypted_at": None, "principal": producer}
    new["id"] = db.insert_data_key(ctx.db, new)
    db.update_data_key(ctx.db, new["id"], cached=_wrap_cache(ctx, _tag(new), data_key))
    return int(new["id"]), data_key


def aad(origin_arn: str, message_id: str) -> bytes:
    o, m = origin_arn.encode(), message_id.encode()
    return len(o).to_bytes(2, "big") + o + len(m).to_bytes(2, "big") + m


def seal_body(ctx: Context, queue: dict[str, Any], body: str,
              message_id: str) -> tuple[bytes, str, int | None]:
    """(stored body, encryption kind, data key id) for a new message of `queue`."""
    kind = kind_of(queue["attributes"])
    if kind == NONE:
        return body.encode("utf-8"), NONE, None
    from awslocal_cli import crypto

    key_id, data_key = _data_key_for_send(ctx, queue, kind)
    return crypto.seal(data_key, body.encode("utf-8"), aad(queue["arn"], message_id)), kind, key_id


def _data_key_for_receive(ctx: Context, row: dict[str, Any]) -> bytes:
    now = ctx.time()
    if row["kind"] == SSE_SQS:
        return _unwrap_cache(ctx, _tag(row), row["cached"])
    last = db.consumer_decrypted_at(ctx.db, int(row["id"]), ctx.principal)
    if last is not None and last + row["reuse_period"] > now and row["cached"] is not None:
        return _unwrap_cache(ctx, _tag(row), row["cached"])
    from awslocal_cli.services import kms

    try:
        out = kms.decrypt(ctx.via("sqs"), CiphertextBlob=row["wrapped"],
                          KeyId=row["kms_key_arn"],
                          EncryptionContext={"aws:sqs:arn": row["queue_arn"]})
    except AwsError as exc:
        raise _kms_error(exc) from None
    data_key = bytes(out["Plaintext"])
    db.update_data_key(ctx.db, row["id"], decrypted_at=now,
                       cached=row["cached"] or _wrap_cache(ctx, _tag(row), data_key))
    db.record_consumer(ctx.db, int(row["id"]), ctx.principal, now)
    row["decrypted_at"] = now
    return data_key


def open_body(ctx: Context, message: dict[str, Any],
              keys: dict[int, bytes] | None = None) -> str:
    """The plaintext body of a stored message (KMS errors as SQS's Kms* errors)."""
    if message["encryption"] == NONE:
        return bytes(message["body"]).decode("utf-8")
    from awslocal_cli import crypto

    keys = {} if keys is None else keys
    key_id = int(message["data_key_id"])
    data_key = keys.get(key_id)
    if data_key is None:
        row = db.get_data_key(ctx.db, key_id)
        if row is None:
            raise err.KmsInvalidState("The data key of this message no longer exists.")
        data_key = keys[key_id] = _data_key_for_receive(ctx, row)
    try:
        plain = crypto.open_sealed(data_key, bytes(message["body"]),
                                   aad(message["origin_arn"], message["message_id"]))
    except crypto.InvalidCiphertext:
        raise err.KmsInvalidState(
            "The message body could not be decrypted (Service: AWSKMS; Status Code: 400; "
            "Error Code: InvalidCiphertextException; Proxy: null)") from None
    return plain.decode("utf-8")


def describe(ctx: Context, message: dict[str, Any]) -> dict[str, Any]:
    """What is stored for a message's encryption (for `awslocal local inspect-message`)."""
    out: dict[str, Any] = {"Encryption": message["encryption"]}
    if message["encryption"] == NONE:
        return out
    row = db.get_data_key(ctx.db, int(message["data_key_id"]))
    if row is None:
        return out
    if row["kind"] == SSE_KMS:
        out["KmsMasterKeyId"] = row["master_key"]
        out["KmsKeyArn"] = row["kms_key_arn"]
        out["WrappedDataKey"] = bytes(row["wrapped"])
    else:
        out["KmsKeyArn"] = None
        out["WrappedDataKey"] = bytes(row["cached"])
        out["DataKeyWrappedBy"] = "SQS owned key (root.key)"
    out["DataKeyId"] = f"{row['kind'].lower()}-{row['id']}"
    out["DataKeyGeneratedAt"] = row["generated_at"]
    out["DataKeyReusePeriodSeconds"] = row["reuse_period"]
    return out
