"""Encrypted SNS topics (KmsMasterKeyId): the data key and the message at rest.

A publish makes GenerateDataKey through KMS as the publisher via SNS, reusing the data key
for 5 minutes for that same publishing principal only (a data key generated for one caller
never serves another, so a key policy's Deny on GenerateDataKey always bites; issue 25), seals
the message with it, and Decrypts it for delivery; KMS errors come back as SNS's KMS* errors.
"""

from __future__ import annotations

from awslocal_cli import ids
from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sns as err
from awslocal_cli.store.sns import topics as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

DATA_KEY_REUSE = 300  # SNS reuses a data key for 5 minutes (Amazon SNS encryption at rest)
_KMS_ERRORS: dict[str, type[AwsError]] = {
    "DisabledException": err.KMSDisabledException,
    "KMSInvalidStateException": err.KMSInvalidStateException,
    "KeyUnavailableException": err.KMSInvalidStateException,
    "NotFoundException": err.KMSNotFoundException,
    "InvalidArnException": err.KMSNotFoundException,
    "AccessDeniedException": err.KMSAccessDeniedException,
    "ThrottlingException": err.KMSThrottlingException,
    "InvalidKeyUsageException": err.KMSInvalidStateException,
}


def kms_error(exc: AwsError) -> AwsError:
    cls = _KMS_ERRORS.get(exc.code, err.KMSInvalidStateException)
    return cls(f"{exc.message} (Service: AWSKMS; Status Code: 400; Error Code: {exc.code}; "
               f"Request ID: {ids.uuid4()}; Proxy: null)")


def topic_data_key(ctx: Context, topic: Row) -> dict[str, Any] | None:
    """The encrypted topic's data key (Plaintext, CiphertextBlob, KeyId), under 5 minutes old.

    A new one comes from GenerateDataKey, made as the publisher through SNS; in between, the
    plaintext key is cached wrapped by root.key, as SNS reuses a data key for 5 minutes.
    """
    master = topic["attributes"].get("KmsMasterKeyId")
    if not master:
        return None
    from awslocal_cli import crypto

    now = ctx.time()
    row = db.get_data_key(ctx.db, topic["arn"], ctx.principal)
    label = cache_label(topic["arn"], ctx.principal)
    if row is not None and row["master_key"] == master and row["generated_at"] + \
            DATA_KEY_REUSE > now:
        plaintext = crypto.unwrap_material(ctx.store.root_key(), "sns-data-key", label,
                                           row["cached"])
        return {"Plaintext": plaintext, "CiphertextBlob": row["wrapped"],
                "KeyId": row["kms_key_arn"]}
    from awslocal_cli.services import kms

    try:
        out = kms.generate_data_key(ctx.via("sns"), KeyId=master, KeySpec="AES_256",
                                    EncryptionContext=key_context(topic))
    except AwsError as exc:
        raise kms_error(exc) from None
    cached = crypto.wrap_material(ctx.store.root_key(), "sns-data-key", label,
                                  out["Plaintext"])
    db.put_data_key(ctx.db, {
        "account": topic["account"], "region": topic["region"], "topic_arn": topic["arn"],
        "principal": ctx.principal,
        "master_key": master, "kms_key_arn": out["KeyId"], "wrapped": out["CiphertextBlob"],
        "cached": cached, "generated_at": now})
    return {"Plaintext": out["Plaintext"], "CiphertextBlob": out["CiphertextBlob"],
            "KeyId": out["KeyId"]}


def cache_label(topic_arn: str, principal: str) -> str:
    """What a cached topic data key is wrapped for: the topic and the publisher it serves."""
    return f"{topic_arn}\n{principal}"


def key_context(topic: Row) -> dict[str, str]:
    return {"aws:sns:topicArn": topic["arn"]}


def at_rest(ctx: Context, topic: Row, data_key: dict[str, Any], message_id: str,
            message: str) -> str:
    """Encrypt the message as SNS stores it, then decrypt it for delivery (KMS Decrypt).

    The Decrypt is made as the publisher through SNS, so a key policy that grants
    GenerateDataKey but not Decrypt refuses the publish, as the SNS docs require both.
    """
    from awslocal_cli import crypto
    from awslocal_cli.services import kms

    aad = f"{topic['arn']}\n{message_id}".encode()
    stored = crypto.seal(data_key["Plaintext"], message.encode("utf-8"), aad)
    try:
        out = kms.decrypt(ctx.via("sns"), CiphertextBlob=data_key["CiphertextBlob"],
                          EncryptionContext=key_context(topic))
    except AwsError as exc:
        raise kms_error(exc) from None
    return crypto.open_sealed(out["Plaintext"], stored, aad).decode("utf-8")
