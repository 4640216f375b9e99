"""Cryptographic operations: encrypt, decrypt, data keys, random, sign, verify, MACs, ECDH,
public keys and ML-KEM encapsulation."""

from __future__ import annotations

from awslocal_cli.errors import kms as err
from awslocal_cli.services.kms.access import _authorize
from awslocal_cli.services.kms.audit import _operation
from awslocal_cli.services.kms.lookup import _resolve
from awslocal_cli.services.kms.material import _material
from awslocal_cli.services.kms.names import Row
from awslocal_cli.services.kms.specs import (
    _LEGACY_SPECS,
    _agreement_algorithms,
    _encapsulation_algorithms,
    _encryption_algorithms,
    _mac_algorithms,
    _signing_algorithms,
)
from awslocal_cli.services.kms.states import _require_usable
from awslocal_cli.services.kms.validation import _check_grant_tokens, _dry_run, _no_recipient
from awslocal_cli.store import kms as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, NoReturn

    from awslocal_cli.context import Context
    from awslocal_cli.services.kms.audit import _Audit


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
            f"Algorithm {algorithm} and key spec {key['key_spec']} cannot encrypt data larger "
            f"than {limit} bytes.")
    return crypto.rsa_encrypt(private, algorithm, plaintext), algorithm, None


def _no_such_key(ctx: Context, account: str, key_id: str) -> NoReturn:
    """A blob naming no key of this state: tampered with, or made by another state directory,
    so it fails to open (InvalidCiphertextException, as state/README.md promises). A key this
    state deleted answers as AWS does for one: AccessDeniedException."""
    from awslocal_cli.services.kms.names import key_arn

    arn = key_arn(ctx.region, account, key_id)
    if db.key_deleted(ctx.db, account, ctx.region, arn) or any(
            e["event_name"] == "DeleteKey" and e["principal"] == "kms.amazonaws.com"
            and any(r.get("ResourceName") == arn for r in e["resources"])
            for e in ctx.session.pending_events):
        raise err.AccessDeniedException(
            "The ciphertext refers to a customer master key that does not exist, does "
            "not exist in this region, or you are not allowed to access.")
    raise err.InvalidCiphertextException("")


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
                _no_such_key(ctx, blob_account or ctx.account, blob_key_id)
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


def _signing_key(ctx: Context, audit: _Audit, action: str, key_id: str, message: bytes,
                 algorithm: str, message_type: str | None, grant_tokens: list[str] | None,
                 dry_run: bool | None) -> tuple[Row, bytes, str]:
    """What Sign and Verify check alike, in AWS's order; the key, its private material and the
    message type."""
    _check_grant_tokens(grant_tokens)
    message_type = message_type or "RAW"
    key = _resolve(ctx, key_id, audit=audit)
    _authorize(ctx, key, action, grant_tokens=grant_tokens,
               extra={"kms:SigningAlgorithm": algorithm, "kms:MessageType": message_type})
    _require_usable(ctx, key)
    _require_usage(key, "SIGN_VERIFY", action)
    _check_signing(key, algorithm, message, message_type)
    _dry_run(dry_run)
    _, private = _material(ctx, key)
    return key, private, message_type


@_operation("Sign")
def sign(ctx: Context, audit: _Audit, *, KeyId: str, Message: bytes, SigningAlgorithm: str,
         MessageType: str | None = None, GrantTokens: list[str] | None = None,
         DryRun: bool | None = None) -> dict[str, Any]:
    """A signature with the private key of a SIGN_VERIFY key pair (RAW ≤ 4096 bytes or DIGEST)."""
    from awslocal_cli import crypto

    key, private, message_type = _signing_key(
        ctx, audit, "Sign", KeyId, Message, SigningAlgorithm, MessageType, GrantTokens, DryRun)
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

    key, private, message_type = _signing_key(
        ctx, audit, "Verify", KeyId, Message, SigningAlgorithm, MessageType, GrantTokens, DryRun)
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
        # AWS's ValidationException here carries no message (recorded as empty).
        raise err.ValidationException("") from None
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
