"""Envelope encryption, the ciphertext-blob format, key wrapping, signing: all the cryptography.

This package is the only importer of `cryptography`; importing it costs ~25 ms, so callers
import it inside the functions that need it. Shaped like Fernet: few small functions, one
error for everything that fails to open (`InvalidCiphertext`), nonces injectable for tests.

- envelope.py: root-key wrapping of key material, the versioned KMS ciphertext blob, the
  canonical encryption-context encoding, `seal`/`open_sealed` for SQS and SNS message bodies.
- certs.py: self-signed X.509 certificates for local signing keys (SNS message signatures).
- keys.py: key generation for every KMS key spec, RSA OAEP, sign/verify, HMAC, ECDH, data key
  pairs, ML-KEM encapsulation, and unwrapping imported key material.
"""

from awslocal_cli.crypto.envelope import (
    SYMMETRIC_KEY_BYTES,
    InvalidCiphertext,
    canonical_context,
    decrypt_blob,
    encrypt_blob,
    open_sealed,
    parse_blob,
    random_bytes,
    seal,
    unwrap_material,
    wrap_material,
)

__all__ = [
    "InvalidCiphertext",
    "Unsupported",
    "canonical_context",
    "decapsulate",
    "decrypt_blob",
    "derive_shared_secret",
    "digest_size",
    "encapsulate",
    "encrypt_blob",
    "generate",
    "generate_pair",
    "generate_wrapping_key",
    "mac",
    "mac_valid",
    "material_matches",
    "open_sealed",
    "parse_blob",
    "public_key_der",
    "random_bytes",
    "rsa_decrypt",
    "rsa_encrypt",
    "rsa_max_plaintext",
    "seal",
    "self_signed_certificate",
    "sign",
    "unwrap_import",
    "unwrap_material",
    "verify",
    "wrap_for_import",
    "wrap_material",
]


# keys.py pulls in RSA, EC, ML-KEM and serialization (about 25 ms); envelope-only callers
# (SQS and SNS message bodies) should not pay for it, so its names load on first use.
_KEYS_NAMES = frozenset({
    "Unsupported",
    "decapsulate",
    "derive_shared_secret",
    "digest_size",
    "encapsulate",
    "generate_pair",
    "generate_wrapping_key",
    "mac",
    "mac_valid",
    "material_matches",
    "public_key_der",
    "rsa_decrypt",
    "rsa_encrypt",
    "rsa_max_plaintext",
    "sign",
    "unwrap_import",
    "verify",
    "wrap_for_import",
})


def generate(spec: str) -> bytes:
    """New key material for a KMS key spec (keys.generate), SYMMETRIC_DEFAULT without keys.py."""
    if spec == "SYMMETRIC_DEFAULT":  # the usual `create-key`: 32 bytes from the OS CSPRNG
        return random_bytes(SYMMETRIC_KEY_BYTES)
    from awslocal_cli.crypto import keys

    return keys.generate(spec)


def __getattr__(name: str) -> object:
    if name == "self_signed_certificate":
        from awslocal_cli.crypto import certs

        return certs.self_signed_certificate
    if name in _KEYS_NAMES:
        from awslocal_cli.crypto import keys

        return getattr(keys, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
