"""awslocal_cli.crypto: round trips over every spec, tamper detection, standard-tool checks."""

from __future__ import annotations

import functools
import hashlib
import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from hypothesis import given, settings
from hypothesis import strategies as st

from awslocal_cli import crypto

MID = "ab" * 32
contexts = st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=4)


@functools.cache
def material(spec: str) -> bytes:
    return crypto.generate(spec)


def test_canonical_context_is_order_independent_and_collision_free() -> None:
    assert crypto.canonical_context({"a": "1", "b": "2"}) == crypto.canonical_context(
        {"b": "2", "a": "1"})
    assert crypto.canonical_context({"a": "bc"}) != crypto.canonical_context({"ab": "c"})
    assert crypto.canonical_context(None) == crypto.canonical_context({})


@settings(max_examples=50, deadline=None)
@given(plaintext=st.binary(min_size=1, max_size=4096), context=contexts)
def test_blob_round_trip(plaintext: bytes, context: dict[str, str]) -> None:
    key = material("SYMMETRIC_DEFAULT")
    blob = crypto.encrypt_blob(key, "1234abcd-12ab-34cd-56ef-1234567890ab", MID, plaintext,
                               context)
    assert crypto.parse_blob(blob) == ("1234abcd-12ab-34cd-56ef-1234567890ab", MID)
    assert crypto.decrypt_blob(key, blob, context) == plaintext
    assert blob[0] == 1


@settings(max_examples=50, deadline=None)
@given(plaintext=st.binary(min_size=1, max_size=64), data=st.data())
def test_blob_tampering_is_one_error(plaintext: bytes, data: st.DataObject) -> None:
    key = material("SYMMETRIC_DEFAULT")
    blob = crypto.encrypt_blob(key, "k1", MID, plaintext, {"a": "b"})
    i = data.draw(st.integers(0, len(blob) - 1))
    bit = data.draw(st.integers(0, 7))
    tampered = blob[:i] + bytes([blob[i] ^ (1 << bit)]) + blob[i + 1 :]
    with pytest.raises(crypto.InvalidCiphertext):
        # Either the header no longer parses, or the tag fails.
        crypto.decrypt_blob(key, tampered, {"a": "b"})
    with pytest.raises(crypto.InvalidCiphertext):
        crypto.decrypt_blob(key, blob, {"a": "c"})
    with pytest.raises(crypto.InvalidCiphertext):
        crypto.decrypt_blob(key, blob[: data.draw(st.integers(0, len(blob) - 1))], {"a": "b"})


def test_blob_nonce_is_fresh_and_injectable() -> None:
    key = material("SYMMETRIC_DEFAULT")
    a = crypto.encrypt_blob(key, "k", MID, b"x")
    b = crypto.encrypt_blob(key, "k", MID, b"x")
    assert a != b
    n = bytes(12)
    assert crypto.encrypt_blob(key, "k", MID, b"x", nonce=n) == crypto.encrypt_blob(
        key, "k", MID, b"x", nonce=n)


def test_wrap_material_binds_key_and_version() -> None:
    root = os.urandom(32)
    wrapped = crypto.wrap_material(root, "key-1", MID, b"secret material")
    assert b"secret material" not in wrapped
    assert crypto.unwrap_material(root, "key-1", MID, wrapped) == b"secret material"
    for args in [(root, "key-2", MID), (root, "key-1", "cd" * 32), (os.urandom(32), "key-1", MID)]:
        with pytest.raises(crypto.InvalidCiphertext):
            crypto.unwrap_material(*args, wrapped)


@settings(max_examples=30, deadline=None)
@given(plaintext=st.binary(max_size=300), aad=st.binary(max_size=40))
def test_seal_round_trip_and_aad_binding(plaintext: bytes, aad: bytes) -> None:
    key = os.urandom(32)
    blob = crypto.seal(key, plaintext, aad)
    assert crypto.open_sealed(key, blob, aad) == plaintext
    with pytest.raises(crypto.InvalidCiphertext):
        crypto.open_sealed(key, blob, aad + b"x")
    with pytest.raises(crypto.InvalidCiphertext):
        crypto.open_sealed(os.urandom(32), blob, aad)
    with pytest.raises(crypto.InvalidCiphertext):
        crypto.open_sealed(key, blob[:-1], aad)


@pytest.mark.parametrize("spec", ["RSA_2048", "RSA_3072", "RSA_4096"])
@pytest.mark.parametrize("alg", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
def test_rsa_round_trip(spec: str, alg: str) -> None:
    key = material(spec)
    limit = crypto.rsa_max_plaintext(key, alg, public=False)
    for pt in (b"a", os.urandom(limit)):
        ct = crypto.rsa_encrypt(key, alg, pt)
        assert crypto.rsa_decrypt(key, alg, ct) == pt
    # Ciphertext made by a standard tool with the exported public key decrypts.
    public = serialization.load_der_public_key(crypto.public_key_der(key))
    h = hashes.SHA1() if alg.endswith("_1") else hashes.SHA256()
    ct = public.encrypt(b"hello", padding.OAEP(padding.MGF1(h), h, None))
    assert crypto.rsa_decrypt(key, alg, ct) == b"hello"
    with pytest.raises(crypto.InvalidCiphertext):
        crypto.rsa_decrypt(key, alg, ct[:-1] + bytes([ct[-1] ^ 1]))


SIGNING = [
    (spec, alg)
    for spec in ("RSA_2048", "RSA_3072", "RSA_4096")
    for alg in ("RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
                "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512")
] + [("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384"),
     ("ECC_NIST_P521", "ECDSA_SHA_512"), ("ECC_SECG_P256K1", "ECDSA_SHA_256")]


@pytest.mark.parametrize(("spec", "alg"), SIGNING)
def test_sign_verify_raw_and_digest(spec: str, alg: str) -> None:
    key = material(spec)
    msg = b"message to sign"
    sig = crypto.sign(key, alg, msg, "RAW")
    assert crypto.verify(key, alg, msg, sig, "RAW")
    assert not crypto.verify(key, alg, msg + b"!", sig, "RAW")
    hname = "sha" + alg.rsplit("_", 1)[-1]
    digest = hashlib.new(hname, msg).digest()
    assert len(digest) == crypto.digest_size(alg)
    dsig = crypto.sign(key, alg, digest, "DIGEST")
    # A DIGEST signature verifies as a RAW signature of the original message, and vice versa.
    assert crypto.verify(key, alg, msg, dsig, "RAW")
    assert crypto.verify(key, alg, digest, sig, "DIGEST")
    # ... and with cryptography's own verifier over the exported public key (standard tools).
    public = serialization.load_der_public_key(crypto.public_key_der(key))
    h = getattr(hashes, hname.upper())()
    if alg.startswith("ECDSA"):
        public.verify(sig, msg, ec.ECDSA(h))
        public.verify(dsig, digest, ec.ECDSA(utils.Prehashed(h)))
    elif "PSS" in alg:
        public.verify(sig, msg, padding.PSS(padding.MGF1(h), h.digest_size), h)
    else:
        public.verify(sig, msg, padding.PKCS1v15(), h)


@pytest.mark.parametrize(("spec", "alg"), [("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"),
                                           ("ML_DSA_44", "ML_DSA_SHAKE_256"),
                                           ("ML_DSA_65", "ML_DSA_SHAKE_256"),
                                           ("ML_DSA_87", "ML_DSA_SHAKE_256")])
def test_sign_verify_pure_schemes(spec: str, alg: str) -> None:
    try:
        key = material(spec)
    except crypto.Unsupported:
        pytest.skip(f"{spec} not supported by this OpenSSL")
    sig = crypto.sign(key, alg, b"m", "RAW")
    assert crypto.verify(key, alg, b"m", sig, "RAW")
    assert not crypto.verify(key, alg, b"n", sig, "RAW")


def test_sm2_is_unsupported() -> None:
    with pytest.raises(crypto.Unsupported):
        crypto.generate("SM2")


@pytest.mark.parametrize("spec", ["HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"])
def test_hmac(spec: str) -> None:
    key = material(spec)
    alg = "HMAC_SHA_" + spec[5:]
    tag = crypto.mac(key, alg, b"msg")
    assert len(tag) == int(spec[5:]) // 8
    assert crypto.mac_valid(key, alg, b"msg", tag)
    assert not crypto.mac_valid(key, alg, b"msh", tag)


@pytest.mark.parametrize("spec", ["ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
                                  "ECC_SECG_P256K1"])
def test_ecdh_agrees(spec: str) -> None:
    a, a_pub = crypto.generate_pair(spec)
    b, b_pub = crypto.generate_pair(spec)
    assert crypto.derive_shared_secret(a, b_pub) == crypto.derive_shared_secret(b, a_pub)
    other = crypto.public_key_der(material("ECC_NIST_P384" if spec != "ECC_NIST_P384"
                                           else "ECC_NIST_P256"))
    with pytest.raises(ValueError):
        crypto.derive_shared_secret(a, other)
    with pytest.raises(ValueError):
        crypto.derive_shared_secret(a, b"junk")


@pytest.mark.parametrize("spec", ["SYMMETRIC_DEFAULT", "HMAC_256", "RSA_2048", "ECC_NIST_P256",
                                  "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"])
def test_material_matches(spec: str) -> None:
    assert crypto.material_matches(spec, material(spec))
    assert not crypto.material_matches(spec, b"\x00" * 7)


@pytest.mark.parametrize("alg", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256",
                                 "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"])
def test_import_wrapping(alg: str) -> None:
    wrapping = material("RSA_2048")
    pub = crypto.public_key_der(wrapping)
    secret = os.urandom(32)
    enc = crypto.wrap_for_import(pub, alg, secret)
    assert crypto.unwrap_import(wrapping, alg, enc) == secret
    with pytest.raises(crypto.InvalidCiphertext):
        crypto.unwrap_import(wrapping, alg, enc[:-1] + bytes([enc[-1] ^ 1]))
    if alg.startswith("RSA_AES"):
        big = material("RSA_2048")  # asymmetric material needs the AES key wrap
        assert crypto.unwrap_import(wrapping, alg, crypto.wrap_for_import(pub, alg, big)) == big


def test_data_key_pair_specs() -> None:
    for spec in ("RSA_2048", "ECC_NIST_P256", "ECC_NIST_EDWARDS25519"):
        private, public = crypto.generate_pair(spec)
        assert crypto.public_key_der(private) == public
        serialization.load_der_private_key(private, None)


# Golden vectors: blobs written by this release that every later release must still open.
GOLDEN_KEY = bytes(range(32))
GOLDEN_BLOB = bytes.fromhex(
    "012431323334616263642d313261622d333463642d353665662d313233343536373839306162abababababab"
    "abababababababababababababababababababababababababab000102030405060708090a0b206dba7fa08b"
    "e26be120fee5c58c0019cb584fa7bd456a075e1076d31b0a4f2e")
GOLDEN_SEALED = bytes.fromhex(
    "01000102030405060708090a0b3467b777a081e279e225ee43712623b34abfc01dda31eabcb46b73")
GOLDEN_WRAPPED = bytes.fromhex(
    "01000102030405060708090a0b2a6fbb76a888af76e02cfae6dc841500eebbea599d163211550a88e870046d"
    "df8a26d8174389b369bbc6cf6628abc599")


def test_golden_vectors_still_open() -> None:
    assert crypto.parse_blob(GOLDEN_BLOB) == ("1234abcd-12ab-34cd-56ef-1234567890ab", "ab" * 32)
    assert crypto.decrypt_blob(GOLDEN_KEY, GOLDEN_BLOB, {"a": "b", "purpose": "golden"}) == \
        b"golden plaintext"
    assert crypto.open_sealed(GOLDEN_KEY, GOLDEN_SEALED,
                              b"arn:aws:sqs:us-east-1:123456789012:q/msg-1") == b"sealed body"
    assert crypto.unwrap_material(GOLDEN_KEY, "key-1", "cd" * 32, GOLDEN_WRAPPED) == b"m" * 32


@pytest.mark.parametrize("spec", ["ML_KEM_768", "ML_KEM_1024"])
def test_ml_kem(spec: str) -> None:
    key = material(spec)
    secret, ciphertext = crypto.encapsulate(key)
    assert crypto.decapsulate(key, ciphertext) == secret
    with pytest.raises(crypto.InvalidCiphertext):
        crypto.decapsulate(key, ciphertext[:-1])


@settings(max_examples=40, deadline=None)
@given(spec=st.sampled_from(["RSA_2048", "RSA_3072", "RSA_4096"]),
       alg=st.sampled_from(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
       plaintext=st.binary(min_size=1, max_size=190))
def test_rsa_round_trip_property(spec: str, alg: str, plaintext: bytes) -> None:
    key = material(spec)
    assert crypto.rsa_decrypt(key, alg, crypto.rsa_encrypt(key, alg, plaintext)) == plaintext


@settings(max_examples=40, deadline=None)
@given(pair=st.sampled_from([*SIGNING, ("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"),
                             ("ML_DSA_65", "ML_DSA_SHAKE_256")]),
       message=st.binary(min_size=1, max_size=4096))
def test_sign_verify_property(pair: tuple[str, str], message: bytes) -> None:
    spec, alg = pair
    key = material(spec)
    sig = crypto.sign(key, alg, message)
    assert crypto.verify(key, alg, message, sig)
    assert not crypto.verify(key, alg, message + b"\x00", sig)
    assert not crypto.verify(key, alg, message, sig[:-1] + bytes([sig[-1] ^ 1]))


def test_envelope_aesgcm_is_the_public_class() -> None:
    # envelope.py takes AESGCM from cryptography's binding to skip the `ciphers` package at
    # start-up; on every release in the tested range it must pass the known-answer check and be
    # the very class the public module exports.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from awslocal_cli.crypto import envelope

    assert envelope.BINDING_AESGCM is AESGCM
    assert envelope.AESGCM is AESGCM


def test_keys_der_loader_is_the_public_function() -> None:
    # keys.py takes the DER private-key loader from the binding to skip the serialization
    # package (SSH, dataclasses) when signing; it must be the function serialization exports.
    from awslocal_cli.crypto import keys

    assert keys.binding_der_loader() is serialization.load_der_private_key
    assert keys._load_der_private_key() is serialization.load_der_private_key


def test_a_binding_that_answers_wrongly_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release whose private binding moved or changed takes the public import: the checks
    look at what the binding does, not at the version number."""
    from cryptography.hazmat.bindings._rust import openssl

    from awslocal_cli.crypto import envelope, keys

    class WrongGCM:
        def __init__(self, key: bytes) -> None:
            pass

        def encrypt(self, nonce: bytes, data: bytes, aad: bytes | None) -> bytes:
            return bytes(len(data) + 16)

    monkeypatch.setattr(openssl.aead, "AESGCM", WrongGCM)
    assert envelope._binding_aesgcm() is None
    monkeypatch.delattr(openssl.aead, "AESGCM")
    assert envelope._binding_aesgcm() is None

    def wrong_loader(data: bytes, password: bytes | None, **kwargs: object) -> object:
        return serialization.load_der_private_key(_other_p256_key(), password=None)

    monkeypatch.setattr(openssl.keys, "load_der_private_key", wrong_loader)
    assert keys.binding_der_loader() is None
    monkeypatch.delattr(openssl.keys, "load_der_private_key")
    assert keys.binding_der_loader() is None


def _other_p256_key() -> bytes:
    key = ec.derive_private_key(2, ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
