"""Crypto for state that leaves its directory: passphrase keys for exports, PEM key material.

- `derive_key`: scrypt (RFC 7914) over a passphrase, parameters named by the export document
  (state/README.md, "Export format"), so a later release reads them rather than assuming them.
- `seal_secret` / `open_secret`: AES-256-GCM under that key (the `seal` envelope of
  envelope.py), the AAD naming where in the document the secret sits, so a secret moved to
  another field fails to open. Any failure is `InvalidCiphertext`.
- `document_mac`: HMAC-SHA256 over the canonical form of a whole export document (format 2),
  under a subkey of the passphrase key, so a changed byte anywhere (not only in a secret) is
  refused before anything is imported.
- `private_der_from_pem`: asymmetric key material as a seed gives it (PEM, PKCS#1 or PKCS#8,
  unencrypted), as the PKCS#8 DER bytes KMS key material is kept in.
"""

from __future__ import annotations

from awslocal_cli.crypto.envelope import InvalidCiphertext, open_sealed, seal

SCRYPT_DEFAULTS = {"N": 2**15, "r": 8, "p": 1, "Length": 32}
_EXPORT_LABEL = b"awslocal/export/v1\x00"


def derive_key(passphrase: bytes, salt: bytes, *, N: int, r: int, p: int, Length: int) -> bytes:
    """The export key: scrypt(passphrase, salt, N, r, p), `Length` bytes."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if Length != 32:
        raise ValueError("the export key must be 32 bytes (AES-256)")
    # 128 * r * N bytes of memory; OpenSSL's default cap is 32 MiB, too tight for N = 2**15.
    return Scrypt(salt=salt, length=Length, n=N, r=r, p=p).derive(passphrase)


def seal_secret(key: bytes, plaintext: bytes, where: str) -> bytes:
    """Encrypt a secret of the export, bound to `where` (e.g. "kms_key_material.wrapped")."""
    return seal(key, plaintext, _EXPORT_LABEL + where.encode())


def open_secret(key: bytes, blob: bytes, where: str) -> bytes:
    """The plaintext of `seal_secret`; InvalidCiphertext for a wrong key, field or tampering."""
    return open_sealed(key, blob, _EXPORT_LABEL + where.encode())


_MAC_SUBKEY = b"awslocal/export/v2/document-mac"


def document_mac(key: bytes, canonical: bytes) -> bytes:
    """The MAC of an export document's canonical bytes under the passphrase key `key`."""
    import hashlib
    import hmac

    # A subkey: the AES-GCM key itself never keys anything else.
    mac_key = hmac.new(key, _MAC_SUBKEY, hashlib.sha256).digest()
    return hmac.new(mac_key, canonical, hashlib.sha256).digest()


def mac_matches(key: bytes, canonical: bytes, mac: bytes) -> bool:
    """Whether `mac` is the document's MAC (compared in constant time)."""
    import hmac

    return hmac.compare_digest(document_mac(key, canonical), mac)


def private_der_from_pem(pem: str | bytes) -> bytes:
    """PKCS#8 DER of an unencrypted PEM private key; ValueError if it is not one."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError("not an unencrypted PEM private key") from exc
    return bytes(key.private_bytes(serialization.Encoding.DER,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))


__all__ = ["SCRYPT_DEFAULTS", "InvalidCiphertext", "derive_key", "document_mac", "mac_matches",
           "open_secret", "private_der_from_pem", "seal_secret"]
