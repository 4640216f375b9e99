"""The signature of SNS messages (Notification, SubscriptionConfirmation, UnsubscribeConfirmation).

Signed as the Amazon SNS Developer Guide ("Verifying the signatures of Amazon SNS messages")
describes: the canonical string is `Name\\nValue\\n` for the signed fields in byte order of
their names, signed with RSA PKCS#1 v1.5 over SHA1 (SignatureVersion 1) or SHA256 (2). The key
is a local RSA key per account and region; SigningCertURL is a `file://` URL naming its
self-signed X.509 certificate, written under the state directory.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from awslocal_cli.store.sns import delivery as delivery_db

if TYPE_CHECKING:
    from pathlib import Path

    from awslocal_cli.context import Context

Row = dict[str, Any]

SIGNING_NAME = "sns.amazonaws.com"

_NOTIFICATION_SIGNED = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
_CONFIRMATION_SIGNED = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token",
                        "TopicArn", "Type")


# -- the signing key and the signature ------------------------------------------------------------


def certificate_path(ctx: Context, account: str, region: str) -> Path:
    """Where the signing certificate of an account and region is written."""
    return ctx.session.state_dir / "sns" / f"SimpleNotificationService-{account}-{region}.pem"


def _signer(ctx: Context, account: str, region: str) -> tuple[bytes, str]:
    """The private key (PKCS#8 DER) and the SigningCertURL, created on first use."""
    memo = ctx.session.memo
    if ("sns-signer", account, region) in memo:
        return memo[("sns-signer", account, region)]
    from awslocal_cli import crypto

    root = ctx.store.root_key()
    material_id = f"{account}:{region}"
    row = delivery_db.get_signing(ctx.db, account, region)
    if row is None:
        private = crypto.generate("RSA_2048")
        pem = crypto.self_signed_certificate(private, SIGNING_NAME, ctx.now()).decode()
        wrapped = crypto.wrap_material(root, "sns-signing", material_id, private)
        delivery_db.put_signing(ctx.db, account, region, wrapped, pem, ctx.time())
    else:
        private = crypto.unwrap_material(root, "sns-signing", material_id, row["private_key"])
        pem = row["certificate"]
    path = certificate_path(ctx, account, region)
    from awslocal_cli.store import trust

    trust.check_subdirectory(path.parent)  # sns/: ours, 0700, not a link (issue 12)
    if trust.read_private(path, what="SNS certificate") != pem.encode():
        trust.write_private(path.parent, path.name, pem.encode())
    memo[("sns-signer", account, region)] = (private, path.resolve().as_uri())
    return memo[("sns-signer", account, region)]


def string_to_sign(message: dict[str, Any]) -> bytes:
    """The canonical string an SNS message's Signature covers."""
    names = _NOTIFICATION_SIGNED if message["Type"] == "Notification" else _CONFIRMATION_SIGNED
    return "".join(f"{name}\n{message[name]}\n" for name in names
                   if message.get(name) is not None).encode("utf-8")


def sign(ctx: Context, topic: Row, message: dict[str, Any]) -> dict[str, Any]:
    """The message with SignatureVersion, Signature and SigningCertURL after its Timestamp."""
    from awslocal_cli import crypto

    version = topic["attributes"].get("SignatureVersion", "1")
    private, url = _signer(ctx, topic["account"], topic["region"])
    algorithm = "RSASSA_PKCS1_V1_5_SHA_256" if version == "2" else "RSASSA_PKCS1_V1_5_SHA_1"
    # A message fanned out to many subscriptions is signed once (UnsubscribeURL is unsigned).
    text = string_to_sign(message)
    key = ("sns-signature", topic["account"], topic["region"], algorithm, text)
    signature = ctx.session.memo.get(key)
    if signature is None:
        signature = ctx.session.memo[key] = crypto.sign(private, algorithm, text)
    out: dict[str, Any] = {}
    for name, value in message.items():
        out[name] = value
        if name == "Timestamp":
            out["SignatureVersion"] = version
            out["Signature"] = base64.b64encode(signature).decode()
            out["SigningCertURL"] = url
    return out
