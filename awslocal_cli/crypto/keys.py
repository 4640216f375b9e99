"""Key material for every KMS key spec, and what each kind of key does.

Private keys travel as PKCS#8 DER bytes and public keys as DER SubjectPublicKeyInfo (what
GetPublicKey returns); symmetric and HMAC material as raw bytes. Anything `cryptography` cannot
do (SM2, Ed25519ph, ML-DSA external mu) raises `Unsupported`.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _chmac
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from awslocal_cli.crypto.envelope import SYMMETRIC_KEY_BYTES, InvalidCiphertext

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any


class _Deferred:
    """A module imported on first use of one of its names.

    cryptography's `serialization` package imports its SSH module, which imports dataclasses
    (and so inspect, ast, tokenize): more than all the rest of this module together. Signing an
    SNS message or a KMS Sign needs only the DER loader below; key generation, public keys and
    imports take the package when they run. `keywrap` likewise (it pulls in the cipher classes).
    """

    def __init__(self, load: Any) -> None:
        self._load = load

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)


def _serialization() -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization


def _keywrap() -> Any:
    from cryptography.hazmat.primitives import keywrap

    return keywrap


serialization: Any = _Deferred(_serialization)
keywrap: Any = _Deferred(_keywrap)

# serialization.load_der_private_key is a function of the compiled binding (a test holds them to
# the same object). Taking it from there skips the serialization package when signing. Not a
# public API, so it is checked by what it does, not by version: on first use it must load a
# known PKCS#8 key (P-256, private value 1, so its public point is the curve's base point);
# otherwise the public loader serves.
_P256_ONE = bytes.fromhex(
    "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420" + "00" * 31
    + "01a144034200046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe"
      "1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
_P256_GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
_der_loader: Any = None


def binding_der_loader() -> Any:
    """The binding's DER private-key loader if it loads the known key correctly, else None."""
    try:
        from cryptography.hazmat.bindings._rust import openssl as _rust_openssl

        load = _rust_openssl.keys.load_der_private_key
        key = load(_P256_ONE, password=None, unsafe_skip_rsa_key_validation=True)
        if (isinstance(key, ec.EllipticCurvePrivateKey)
                and key.private_numbers().private_value == 1
                and key.public_key().public_numbers().x == _P256_GX):
            return load
    except (ImportError, AttributeError, TypeError, ValueError):
        pass
    return None


def _load_der_private_key() -> Any:
    global _der_loader
    if _der_loader is None:
        _der_loader = binding_der_loader() or serialization.load_der_private_key
    return _der_loader


class Unsupported(Exception):
    """A key spec or algorithm that this build of `cryptography` cannot do."""


_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA_1": hashes.SHA1,
    "SHA_224": hashes.SHA224,
    "SHA_256": hashes.SHA256,
    "SHA_384": hashes.SHA384,
    "SHA_512": hashes.SHA512,
}
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}
_HMAC_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}
SYMMETRIC_BYTES = SYMMETRIC_KEY_BYTES


def _pq(spec: str) -> Any:
    """The private key class of an ML-DSA or ML-KEM spec (cryptography >= 47)."""
    try:
        from cryptography.hazmat.primitives.asymmetric import mldsa, mlkem
    except ImportError:  # pragma: no cover - older cryptography
        raise Unsupported(spec) from None
    module: Any = mldsa if spec.startswith("ML_DSA_") else mlkem
    cls = getattr(module, spec.replace("_", "").replace("MLDSA", "MLDSA").upper()
                  + "PrivateKey", None)
    if cls is None:
        raise Unsupported(spec)
    return cls


def _pkcs8(key: Any) -> bytes:
    return bytes(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))


def generate(spec: str) -> bytes:
    """New key material for a KMS key spec (raw bytes, or PKCS#8 DER for key pairs)."""
    if spec == "SYMMETRIC_DEFAULT":
        return os.urandom(SYMMETRIC_BYTES)
    if spec in _HMAC_BYTES:
        return os.urandom(_HMAC_BYTES[spec])
    if spec.startswith("RSA_"):
        return _pkcs8(rsa.generate_private_key(65537, int(spec[4:])))
    if spec in _CURVES:
        return _pkcs8(ec.generate_private_key(_CURVES[spec]()))
    if spec == "ECC_NIST_EDWARDS25519":
        return _pkcs8(ed25519.Ed25519PrivateKey.generate())
    if spec.startswith(("ML_DSA_", "ML_KEM_")):
        try:
            return _pkcs8(_pq(spec).generate())
        except UnsupportedAlgorithm as exc:  # an OpenSSL without ML-DSA / ML-KEM
            raise Unsupported(spec) from exc
    raise Unsupported(spec)


def _private(der: bytes) -> Any:
    # Our own key material comes out of an authenticated (AES-GCM) wrapping, so OpenSSL's RSA
    # consistency check, which costs ~0.5 s for a 4096-bit key, buys nothing here. Imported
    # material is checked in full by material_matches().
    return _load_der_private_key()(der, password=None, unsafe_skip_rsa_key_validation=True)


def _public(der: bytes) -> Any:
    return serialization.load_der_public_key(der)


def public_key_der(private_der: bytes) -> bytes:
    """The DER SubjectPublicKeyInfo of a PKCS#8 private key."""
    return bytes(_private(private_der).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def generate_pair(spec: str) -> tuple[bytes, bytes]:
    """(PKCS#8 private key DER, SubjectPublicKeyInfo DER) for a data key pair spec."""
    private = generate(spec)
    return private, public_key_der(private)


def material_matches(spec: str, material: bytes) -> bool:
    """Whether imported key material fits the key spec (size, key type, curve)."""
    if spec == "SYMMETRIC_DEFAULT":
        return len(material) == SYMMETRIC_BYTES
    if spec in _HMAC_BYTES:
        return len(material) == _HMAC_BYTES[spec]
    try:
        key = serialization.load_der_private_key(material, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # Not DER, an encrypted key (TypeError: no password given), or a key type OpenSSL lacks.
        return False
    if spec.startswith("RSA_"):
        return isinstance(key, rsa.RSAPrivateKey) and key.key_size == int(spec[4:])
    if spec in _CURVES:
        return isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(
            key.curve, _CURVES[spec])
    if spec == "ECC_NIST_EDWARDS25519":
        return isinstance(key, ed25519.Ed25519PrivateKey)
    return False


# -- RSA encryption -------------------------------------------------------------------------------


def _oaep(algorithm: str) -> padding.OAEP:
    digest = {"RSAES_OAEP_SHA_1": hashes.SHA1, "RSAES_OAEP_SHA_256": hashes.SHA256}[algorithm]
    return padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)


def rsa_max_plaintext(private_or_public_der: bytes, algorithm: str, *, public: bool) -> int:
    """The largest plaintext RSA OAEP takes for this key and algorithm."""
    key = _public(private_or_public_der) if public else _private(private_or_public_der)
    h = 20 if algorithm == "RSAES_OAEP_SHA_1" else 32
    return int(key.key_size // 8 - 2 * h - 2)


def rsa_encrypt(private_der: bytes, algorithm: str, plaintext: bytes) -> bytes:
    """RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 with the public half of a key pair."""
    return bytes(_private(private_der).public_key().encrypt(plaintext, _oaep(algorithm)))


def rsa_decrypt(private_der: bytes, algorithm: str, ciphertext: bytes) -> bytes:
    """The plaintext of an RSA OAEP ciphertext; InvalidCiphertext on any failure."""
    try:
        return bytes(_private(private_der).decrypt(ciphertext, _oaep(algorithm)))
    except ValueError:  # cryptography's one "Decryption failed" for any bad ciphertext
        raise InvalidCiphertext() from None


# -- signing --------------------------------------------------------------------------------------


def digest_size(algorithm: str) -> int:
    """Bytes of the digest a DIGEST-type message must have for a signing algorithm."""
    return {"256": 32, "384": 48, "512": 64}[algorithm.rsplit("_", 1)[-1]]


def _sig_hash(algorithm: str) -> hashes.HashAlgorithm:
    return _HASHES["SHA_" + algorithm.rsplit("_", 1)[-1]]()


def _sign_args(algorithm: str, message_type: str) -> tuple[Any, ...]:
    h = _sig_hash(algorithm)
    prehashed: Any = utils.Prehashed(h) if message_type == "DIGEST" else h
    if algorithm.startswith("RSASSA_PSS_"):
        # KMS uses a salt as long as the digest (RSASSA-PSS with MGF1 of the same hash).
        return (padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), prehashed)
    if algorithm.startswith("RSASSA_PKCS1_V1_5_"):
        return (padding.PKCS1v15(), prehashed)
    if algorithm.startswith("ECDSA_"):
        return (ec.ECDSA(prehashed),)
    raise Unsupported(algorithm)


def sign(private_der: bytes, algorithm: str, message: bytes, message_type: str = "RAW") -> bytes:
    """A signature (DER for ECDSA, as KMS returns it)."""
    key = _private(private_der)
    if algorithm == "ED25519_SHA_512" and message_type == "RAW":
        return bytes(key.sign(message))
    if algorithm == "ML_DSA_SHAKE_256" and message_type == "RAW":
        return bytes(key.sign(message))
    if algorithm.startswith(("ED25519", "ML_DSA", "SM2")):
        raise Unsupported(algorithm)
    return bytes(key.sign(message, *_sign_args(algorithm, message_type)))


def verify(private_der: bytes, algorithm: str, message: bytes, signature: bytes,
           message_type: str = "RAW") -> bool:
    """Whether `signature` is valid for the message under the key pair's public key."""
    public = _private(private_der).public_key()
    try:
        if algorithm in ("ED25519_SHA_512", "ML_DSA_SHAKE_256") and message_type == "RAW":
            public.verify(signature, message)
        elif algorithm.startswith(("ED25519", "ML_DSA", "SM2")):
            raise Unsupported(algorithm)
        else:
            public.verify(signature, message, *_sign_args(algorithm, message_type))
    except InvalidSignature:
        return False
    except ValueError:
        return False
    return True


# -- key encapsulation (ML-KEM) -------------------------------------------------------------------


def encapsulate(private_der: bytes) -> tuple[bytes, bytes]:
    """(shared secret, ciphertext) for the public half of an ML-KEM key pair."""
    secret, ciphertext = _private(private_der).public_key().encapsulate()
    return bytes(secret), bytes(ciphertext)


def decapsulate(private_der: bytes, ciphertext: bytes) -> bytes:
    """The shared secret in an ML-KEM ciphertext; InvalidCiphertext if it is malformed."""
    try:
        return bytes(_private(private_der).decapsulate(ciphertext))
    except ValueError:  # a ciphertext of the wrong length (ML-KEM rejects implicitly otherwise)
        raise InvalidCiphertext() from None


# -- HMAC -----------------------------------------------------------------------------------------


def mac(key: bytes, algorithm: str, message: bytes) -> bytes:
    """HMAC_SHA_224/256/384/512 of a message."""
    h = _chmac.HMAC(key, _HASHES[algorithm[len("HMAC_"):]]())
    h.update(message)
    return bytes(h.finalize())


def mac_valid(key: bytes, algorithm: str, message: bytes, tag: bytes) -> bool:
    """Constant-time check of an HMAC tag."""
    import hmac as _hmac  # here: it imports hashlib, whose import loads OpenSSL's libcrypto

    return _hmac.compare_digest(mac(key, algorithm, message), tag)


# -- key agreement --------------------------------------------------------------------------------


def derive_shared_secret(private_der: bytes, peer_public_der: bytes) -> bytes:
    """ECDH: the raw shared secret with a peer's DER SubjectPublicKeyInfo.

    Raises ValueError when the peer key is malformed or on another curve.
    """
    key = _private(private_der)
    try:
        peer = _public(peer_public_der)
    except (ValueError, UnsupportedAlgorithm):
        raise ValueError("malformed public key") from None
    if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != key.curve.name:
        raise ValueError("public key on another curve")
    return bytes(key.exchange(ec.ECDH(), peer))


# -- importing key material -----------------------------------------------------------------------


def generate_wrapping_key(spec: str) -> bytes:
    """An RSA key pair (PKCS#8 DER) for GetParametersForImport."""
    if not spec.startswith("RSA_"):
        raise Unsupported(spec)
    return _pkcs8(rsa.generate_private_key(65537, int(spec[4:])))


def wrap_for_import(public_der: bytes, algorithm: str, material: bytes) -> bytes:
    """What a client does with GetParametersForImport's public key (openssl pkeyutl / AES-KWP)."""
    public = _public(public_der)
    if algorithm in ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"):
        return bytes(public.encrypt(material, _oaep(algorithm)))
    if algorithm in ("RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"):
        aes = os.urandom(32)
        oaep = _oaep("RSAES_OAEP_" + algorithm[len("RSA_AES_KEY_WRAP_"):])
        return bytes(public.encrypt(aes, oaep)) + keywrap.aes_key_wrap_with_padding(aes, material)
    raise Unsupported(algorithm)


def unwrap_import(private_der: bytes, algorithm: str, encrypted: bytes) -> bytes:
    """The key material a client wrapped; InvalidCiphertext on any failure."""
    key = _private(private_der)
    try:
        if algorithm in ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"):
            return bytes(key.decrypt(encrypted, _oaep(algorithm)))
        if algorithm in ("RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"):
            n = key.key_size // 8
            oaep = _oaep("RSAES_OAEP_" + algorithm[len("RSA_AES_KEY_WRAP_"):])
            aes = key.decrypt(encrypted[:n], oaep)
            return bytes(keywrap.aes_key_unwrap_with_padding(aes, encrypted[n:]))
    except (ValueError, keywrap.InvalidUnwrap):
        raise InvalidCiphertext() from None
    raise Unsupported(algorithm)
