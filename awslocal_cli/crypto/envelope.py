"""Symmetric formats: root-key wrapping, the KMS ciphertext blob, and the generic seal/open.

Every format starts with a version byte and uses AES-256-GCM with a fresh random 96-bit nonce.
The nonce source is injectable (`nonce=`) so tests can be deterministic. Any failure to open
anything raises `InvalidCiphertext` and nothing else, never saying which check failed
(as cryptography's Fernet raises one InvalidToken).

Formats (all integers big-endian):

Wrapped key material (root key over KMS key material), `wrap_material`:
    0x01 | nonce (12) | AES-GCM(root key, material, aad) (len(material) + 16)
    aad = b"awslocal/material/v1" 0x00 | key id | 0x00 | key material id

KMS ciphertext blob (Encrypt / GenerateDataKey output for symmetric keys), `encrypt_blob`:
    0x01 | len(key ref) (1) | key ref (ascii, 1..255) | key material id (32 raw bytes; 64 hex
    chars in the API) | nonce (12) | AES-GCM(key material, plaintext, aad) (len(plaintext) + 16)
    aad = the header above (everything before the nonce) | canonical(encryption context)
    The key ref is opaque here; services/kms/crypto_ops.py writes `<account>:<key id>`.

Canonical encryption context, `canonical_context`: count (2) then, by sorted key,
    len(key utf-8) (2) | key | len(value utf-8) (2) | value
Length prefixes keep {"a": "bc"} and {"ab": "c"} apart (plain concatenation would not).

Sealed envelope (SQS/SNS message bodies under a data key), `seal`:
    0x01 | nonce (12) | AES-GCM(data key, plaintext, 0x01 | aad) (len(plaintext) + 16)
"""

from __future__ import annotations

import os
import struct

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# AESGCM is a class of cryptography's compiled binding; its public home,
# cryptography.hazmat.primitives.ciphers.aead, first imports the `ciphers` package (the Python
# cipher classes, cryptography.utils, typing, enum), which costs start-up time on every SSE
# send, receive and KMS call. The binding is not a public API, so it is not trusted by version:
# it is used when it is there and answers a published AES-256-GCM vector (NIST's GCM test case
# 14: zero key, zero nonce, one zero block), and any release that moves, renames or changes it
# takes the public import instead. tests/test_crypto.py holds the class to the public one.
_GCM_VECTOR = bytes.fromhex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919")


def _binding_aesgcm() -> type | None:
    """The binding's AESGCM if it encrypts the known vector correctly, else None."""
    try:
        from cryptography.hazmat.bindings._rust import openssl as _rust_openssl

        cls = _rust_openssl.aead.AESGCM
        if cls(bytes(32)).encrypt(bytes(12), bytes(16), None) == _GCM_VECTOR:
            return cls
    except (ImportError, AttributeError, TypeError, ValueError):
        pass
    return None


BINDING_AESGCM = _binding_aesgcm()
if BINDING_AESGCM is not None:
    AESGCM = BINDING_AESGCM
else:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def _invalid_tag() -> type[Exception]:
    """cryptography's InvalidTag, imported when a failure is being handled (the binding
    imports it to raise it; its module pulls in typing, so not at start-up)."""
    from cryptography.exceptions import InvalidTag

    return InvalidTag

BLOB_VERSION = 1
WRAP_VERSION = 1
SEAL_VERSION = 1
NONCE_BYTES = 12
SYMMETRIC_KEY_BYTES = 32  # AES-256: KMS SYMMETRIC_DEFAULT key material, data keys
TAG_BYTES = 16
MATERIAL_ID_BYTES = 32
_WRAP_LABEL = b"awslocal/material/v1\x00"


class InvalidCiphertext(Exception):
    """Anything that fails to open: wrong key, wrong context, tampering, truncation."""

    def __init__(self) -> None:
        super().__init__("invalid ciphertext")


def _nonce(nonce: bytes | None) -> bytes:
    if nonce is None:
        return os.urandom(NONCE_BYTES)
    if len(nonce) != NONCE_BYTES:
        raise ValueError("nonce must be 12 bytes")
    return nonce


def _aead(key: bytes) -> AESGCM:
    if len(key) not in (16, 24, 32):
        raise ValueError("AES keys are 16, 24 or 32 bytes")
    return AESGCM(key)


def canonical_context(context: Mapping[str, str] | None) -> bytes:
    """The encryption context as bytes: sorted keys, every key and value length-prefixed."""
    items = sorted((context or {}).items())
    out = [struct.pack(">H", len(items))]
    for key, value in items:
        k = key.encode("utf-8")
        v = value.encode("utf-8")
        out.append(struct.pack(">H", len(k)) + k + struct.pack(">H", len(v)) + v)
    return b"".join(out)


# -- root-key wrapping of key material ------------------------------------------------------------


def _wrap_aad(key_id: str, material_id: str) -> bytes:
    return _WRAP_LABEL + key_id.encode() + b"\x00" + material_id.encode()


def wrap_material(root_key: bytes, key_id: str, material_id: str, material: bytes,
                  *, nonce: bytes | None = None) -> bytes:
    """Encrypt key material under the root key, bound to its key id and material id."""
    n = _nonce(nonce)
    body = _aead(root_key).encrypt(n, material, _wrap_aad(key_id, material_id))
    return bytes([WRAP_VERSION]) + n + body


def unwrap_material(root_key: bytes, key_id: str, material_id: str, wrapped: bytes) -> bytes:
    """The key material `wrap_material` wrapped; InvalidCiphertext if anything is off."""
    if len(wrapped) < 1 + NONCE_BYTES + TAG_BYTES or wrapped[0] != WRAP_VERSION:
        raise InvalidCiphertext()
    try:
        return _aead(root_key).decrypt(
            wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :],
            _wrap_aad(key_id, material_id),
        )
    except (_invalid_tag(), ValueError):
        raise InvalidCiphertext() from None


# -- the KMS ciphertext blob ----------------------------------------------------------------------


def _blob_header(key_id: str, material_id: str) -> bytes:
    kid = key_id.encode("ascii")
    if not 0 < len(kid) < 256:
        raise ValueError("key id too long")
    mid = bytes.fromhex(material_id)
    if len(mid) != MATERIAL_ID_BYTES:
        raise ValueError("key material ids are 32 bytes")
    return bytes([BLOB_VERSION, len(kid)]) + kid + mid


def encrypt_blob(material: bytes, key_id: str, material_id: str, plaintext: bytes,
                 context: Mapping[str, str] | None = None, *, nonce: bytes | None = None) -> bytes:
    """A KMS ciphertext blob naming its key and material version (so Decrypt needs no KeyId)."""
    header = _blob_header(key_id, material_id)
    n = _nonce(nonce)
    body = _aead(material).encrypt(n, plaintext, header + canonical_context(context))
    return header + n + body


def parse_blob(blob: bytes) -> tuple[str, str]:
    """(key id, key material id) named by a blob; InvalidCiphertext if it is not one of ours."""
    try:
        if blob[0] != BLOB_VERSION:
            raise InvalidCiphertext()
        n = blob[1]
        key_id = blob[2 : 2 + n].decode("ascii")
        mid = blob[2 + n : 2 + n + MATERIAL_ID_BYTES]
    except (IndexError, UnicodeDecodeError):
        raise InvalidCiphertext() from None
    if (len(key_id) != n or not key_id or len(mid) != MATERIAL_ID_BYTES
            or len(blob) < 2 + n + MATERIAL_ID_BYTES + NONCE_BYTES + TAG_BYTES):
        raise InvalidCiphertext()
    return key_id, mid.hex()


def decrypt_blob(material: bytes, blob: bytes,
                 context: Mapping[str, str] | None = None) -> bytes:
    """The plaintext of a blob; InvalidCiphertext on any tampering or wrong context."""
    key_id, _ = parse_blob(blob)
    header_len = 2 + len(key_id) + MATERIAL_ID_BYTES
    header = blob[:header_len]
    nonce = blob[header_len : header_len + NONCE_BYTES]
    try:
        return _aead(material).decrypt(
            nonce, blob[header_len + NONCE_BYTES :], header + canonical_context(context)
        )
    except (_invalid_tag(), ValueError):
        raise InvalidCiphertext() from None


# -- generic envelope for SQS / SNS ---------------------------------------------------------------


def seal(data_key: bytes, plaintext: bytes, aad: bytes, *, nonce: bytes | None = None) -> bytes:
    """Encrypt `plaintext` under a data key, binding `aad` (e.g. queue ARN + message id)."""
    n = _nonce(nonce)
    return bytes([SEAL_VERSION]) + n + _aead(data_key).encrypt(
        n, plaintext, bytes([SEAL_VERSION]) + aad
    )


def open_sealed(data_key: bytes, blob: bytes, aad: bytes) -> bytes:
    """The plaintext `seal` sealed; InvalidCiphertext on any failure."""
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[0] != SEAL_VERSION:
        raise InvalidCiphertext()
    try:
        return _aead(data_key).decrypt(
            blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], bytes([SEAL_VERSION]) + aad
        )
    except (_invalid_tag(), ValueError):
        raise InvalidCiphertext() from None


def random_bytes(n: int) -> bytes:
    """n bytes from the OS CSPRNG."""
    return os.urandom(n)
