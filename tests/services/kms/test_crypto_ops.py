"""KMS cryptographic operations through the service layer."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awslocal_cli.errors import kms as err
from awslocal_cli.services import kms
from tests.services.kms.kms_util import make_key


def test_encrypt_decrypt_with_context(inv) -> None:
    md = make_key(inv)
    out = inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"hello",
              EncryptionContext={"purpose": "test"})
    assert out["KeyId"] == md["Arn"] and out["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    ct = out["CiphertextBlob"]
    assert ct[0] == 1 and b"hello" not in ct
    dec = inv(kms.decrypt, CiphertextBlob=ct, EncryptionContext={"purpose": "test"})
    assert dec == {"KeyId": md["Arn"], "Plaintext": b"hello",
                   "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
                   "KeyMaterialId": md["CurrentKeyMaterialId"]}
    for bad_context in (None, {"purpose": "other"}, {"purpose": "test", "x": "y"}):
        kw = {"EncryptionContext": bad_context} if bad_context else {}
        with pytest.raises(err.InvalidCiphertextException) as e:
            inv(kms.decrypt, CiphertextBlob=ct, **kw)
        assert e.value.message == ""


def test_decrypt_tampering_and_wrong_key(inv) -> None:
    a = make_key(inv)
    b = make_key(inv)
    ct = inv(kms.encrypt, KeyId=a["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    for i in (0, 5, len(ct) // 2, len(ct) - 1):
        tampered = ct[:i] + bytes([ct[i] ^ 0x40]) + ct[i + 1:]
        with pytest.raises((err.InvalidCiphertextException, err.AccessDeniedException)):
            inv(kms.decrypt, CiphertextBlob=tampered)
    with pytest.raises(err.InvalidCiphertextException):
        inv(kms.decrypt, CiphertextBlob=ct[:-3])
    with pytest.raises(err.IncorrectKeyException) as e:
        inv(kms.decrypt, CiphertextBlob=ct, KeyId=b["KeyId"])
    assert "does not identify a CMK" in e.value.message


def test_encrypt_size_limits(inv) -> None:
    key = make_key(inv)["KeyId"]
    inv(kms.encrypt, KeyId=key, Plaintext=b"x" * 4096)
    with pytest.raises(err.ValidationException, match="less than or equal to 4096"):
        inv(kms.encrypt, KeyId=key, Plaintext=b"x" * 4097)
    with pytest.raises(err.ValidationException, match="greater than or equal to 1"):
        inv(kms.encrypt, KeyId=key, Plaintext=b"")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plaintext=st.binary(min_size=1, max_size=4096),
       context=st.dictionaries(st.text(min_size=1, max_size=5), st.text(max_size=5),
                               max_size=3))
def test_round_trip_property(inv, plaintext, context) -> None:
    ctx = inv.context()
    try:
        key = kms.create_key(ctx)["KeyMetadata"]["KeyId"]
        other = kms.create_key(ctx)["KeyMetadata"]["KeyId"]
        ct = kms.encrypt(ctx, KeyId=key, Plaintext=plaintext,
                         EncryptionContext=context)["CiphertextBlob"]
        assert kms.decrypt(ctx, CiphertextBlob=ct, EncryptionContext=context)[
            "Plaintext"] == plaintext
        re = kms.re_encrypt(ctx, CiphertextBlob=ct, SourceEncryptionContext=context,
                            DestinationKeyId=other)
        assert kms.decrypt(ctx, CiphertextBlob=re["CiphertextBlob"])["Plaintext"] == plaintext
    finally:
        ctx.session.finish(False)
        ctx.session.close()


def test_re_encrypt(inv) -> None:
    a = make_key(inv)
    b = make_key(inv)
    ct = inv(kms.encrypt, KeyId=a["KeyId"], Plaintext=b"data",
             EncryptionContext={"k": "v"})["CiphertextBlob"]
    out = inv(kms.re_encrypt, CiphertextBlob=ct, SourceEncryptionContext={"k": "v"},
              DestinationKeyId=b["Arn"], DestinationEncryptionContext={"n": "1"})
    assert out["SourceKeyId"] == a["Arn"] and out["KeyId"] == b["Arn"]
    assert out["SourceKeyMaterialId"] == a["CurrentKeyMaterialId"]
    assert inv(kms.decrypt, CiphertextBlob=out["CiphertextBlob"],
               EncryptionContext={"n": "1"})["Plaintext"] == b"data"


def test_generate_data_key(inv) -> None:
    md = make_key(inv)
    out = inv(kms.generate_data_key, KeyId=md["KeyId"], KeySpec="AES_256")
    assert len(out["Plaintext"]) == 32 and out["KeyId"] == md["Arn"]
    assert inv(kms.decrypt, CiphertextBlob=out["CiphertextBlob"])["Plaintext"] == \
        out["Plaintext"]
    assert len(inv(kms.generate_data_key, KeyId=md["KeyId"], KeySpec="AES_128")["Plaintext"]) \
        == 16
    assert len(inv(kms.generate_data_key, KeyId=md["KeyId"], NumberOfBytes=1)["Plaintext"]) == 1
    with pytest.raises(err.ValidationException, match="either number of bytes or key spec"):
        inv(kms.generate_data_key, KeyId=md["KeyId"])
    with pytest.raises(err.ValidationException, match="either number of bytes or key spec"):
        inv(kms.generate_data_key, KeyId=md["KeyId"], KeySpec="AES_256", NumberOfBytes=32)
    with pytest.raises(err.ValidationException):
        inv(kms.generate_data_key, KeyId=md["KeyId"], NumberOfBytes=1025)
    wp = inv(kms.generate_data_key_without_plaintext, KeyId=md["KeyId"], KeySpec="AES_256",
             EncryptionContext={"a": "b"})
    assert "Plaintext" not in wp
    assert len(inv(kms.decrypt, CiphertextBlob=wp["CiphertextBlob"],
                   EncryptionContext={"a": "b"})["Plaintext"]) == 32
    rsa = make_key(inv, KeySpec="RSA_2048")["KeyId"]
    with pytest.raises(err.InvalidKeyUsageException):
        inv(kms.generate_data_key, KeyId=rsa, KeySpec="AES_256")


def test_generate_data_key_pair(inv) -> None:
    key = make_key(inv)["KeyId"]
    out = inv(kms.generate_data_key_pair, KeyId=key, KeyPairSpec="ECC_NIST_P256")
    private = inv(kms.decrypt, CiphertextBlob=out["PrivateKeyCiphertextBlob"])["Plaintext"]
    assert private == out["PrivateKeyPlaintext"]
    loaded = serialization.load_der_private_key(private, None)
    assert loaded.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == out["PublicKey"]
    wp = inv(kms.generate_data_key_pair_without_plaintext, KeyId=key, KeyPairSpec="RSA_2048")
    assert "PrivateKeyPlaintext" not in wp and wp["KeyPairSpec"] == "RSA_2048"
    with pytest.raises(err.UnsupportedOperationException):
        inv(kms.generate_data_key_pair, KeyId=key, KeyPairSpec="SM2")


def test_generate_random(inv) -> None:
    assert len(inv(kms.generate_random, NumberOfBytes=1024)["Plaintext"]) == 1024
    with pytest.raises(err.ValidationException):
        inv(kms.generate_random, NumberOfBytes=0)


def test_rsa_encryption(inv) -> None:
    md = make_key(inv, KeySpec="RSA_2048")
    key = md["KeyId"]
    with pytest.raises(err.InvalidKeyUsageException):
        inv(kms.encrypt, KeyId=key, Plaintext=b"x")  # SYMMETRIC_DEFAULT is not offered
    ct = inv(kms.encrypt, KeyId=key, Plaintext=b"x" * 190,
             EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
    assert len(ct) == 256
    assert inv(kms.decrypt, CiphertextBlob=ct, KeyId=key,
               EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"] == b"x" * 190
    with pytest.raises(err.ValidationException):
        inv(kms.encrypt, KeyId=key, Plaintext=b"x" * 191,
            EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    with pytest.raises(err.ValidationException, match="KeyId is required"):
        inv(kms.decrypt, CiphertextBlob=ct, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    # A ciphertext made outside KMS with the exported public key decrypts inside.
    pub = serialization.load_der_public_key(inv(kms.get_public_key, KeyId=key)["PublicKey"])
    outside = pub.encrypt(b"from openssl", padding.OAEP(padding.MGF1(hashes.SHA1()),
                                                        hashes.SHA1(), None))
    assert inv(kms.decrypt, CiphertextBlob=outside, KeyId=key,
               EncryptionAlgorithm="RSAES_OAEP_SHA_1")["Plaintext"] == b"from openssl"


@pytest.mark.parametrize(("spec", "alg"), [("RSA_2048", "RSASSA_PSS_SHA_256"),
                                           ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_512"),
                                           ("ECC_NIST_P256", "ECDSA_SHA_256"),
                                           ("ECC_NIST_P521", "ECDSA_SHA_512"),
                                           ("ECC_SECG_P256K1", "ECDSA_SHA_256")])
def test_sign_verify(inv, spec, alg) -> None:
    key = make_key(inv, KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyId"]
    sig = inv(kms.sign, KeyId=key, Message=b"msg", SigningAlgorithm=alg)["Signature"]
    out = inv(kms.verify, KeyId=key, Message=b"msg", Signature=sig, SigningAlgorithm=alg)
    assert out["SignatureValid"] is True
    with pytest.raises(err.KMSInvalidSignatureException):
        inv(kms.verify, KeyId=key, Message=b"msh", Signature=sig, SigningAlgorithm=alg)
    h = "sha" + alg.rsplit("_", 1)[-1]
    digest = hashlib.new(h, b"msg").digest()
    dsig = inv(kms.sign, KeyId=key, Message=digest, MessageType="DIGEST",
               SigningAlgorithm=alg)["Signature"]
    inv(kms.verify, KeyId=key, Message=b"msg", Signature=dsig, SigningAlgorithm=alg)
    with pytest.raises(err.ValidationException, match="Digest is invalid length"):
        inv(kms.sign, KeyId=key, Message=digest[:-1], MessageType="DIGEST",
            SigningAlgorithm=alg)
    # The exported public key verifies the signature with standard tools.
    pub = serialization.load_der_public_key(inv(kms.get_public_key, KeyId=key)["PublicKey"])
    hh = getattr(hashes, h.upper())()
    if alg.startswith("ECDSA"):
        pub.verify(sig, b"msg", ec.ECDSA(hh))
    elif "PSS" in alg:
        pub.verify(sig, b"msg", padding.PSS(padding.MGF1(hh), hh.digest_size), hh)
    else:
        pub.verify(sig, b"msg", padding.PKCS1v15(), hh)


def test_sign_wrong_algorithm_and_usage(inv) -> None:
    key = make_key(inv, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
    with pytest.raises(err.InvalidKeyUsageException):
        inv(kms.sign, KeyId=key, Message=b"m", SigningAlgorithm="ECDSA_SHA_384")
    with pytest.raises(err.InvalidKeyUsageException):
        inv(kms.encrypt, KeyId=key, Plaintext=b"m")
    sym = make_key(inv)["KeyId"]
    with pytest.raises(err.InvalidKeyUsageException):
        inv(kms.sign, KeyId=sym, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    with pytest.raises(err.UnsupportedOperationException):
        inv(kms.get_public_key, KeyId=sym)


@pytest.mark.parametrize("spec,alg", [("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"),
                                      ("ML_DSA_44", "ML_DSA_SHAKE_256")])
def test_ed25519_and_ml_dsa(inv, spec, alg) -> None:
    key = make_key(inv, KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyId"]
    sig = inv(kms.sign, KeyId=key, Message=b"m", SigningAlgorithm=alg)["Signature"]
    out = inv(kms.verify, KeyId=key, Message=b"m", Signature=sig, SigningAlgorithm=alg)
    assert out["SignatureValid"] is True and out["SigningAlgorithm"] == alg
    tampered = bytes([sig[0] ^ 1]) + sig[1:]
    for message, signature in ((b"m", tampered), (b"n", sig)):
        with pytest.raises(err.KMSInvalidSignatureException) as exc:
            inv(kms.verify, KeyId=key, Message=message, Signature=signature,
                SigningAlgorithm=alg)
        assert exc.value.code == "KMSInvalidSignatureException"


def test_hmac(inv) -> None:
    key = make_key(inv, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    mac = inv(kms.generate_mac, KeyId=key, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert len(mac) == 32
    assert inv(kms.verify_mac, KeyId=key, Message=b"m", Mac=mac,
               MacAlgorithm="HMAC_SHA_256")["MacValid"] is True
    with pytest.raises(err.KMSInvalidMacException):
        inv(kms.verify_mac, KeyId=key, Message=b"n", Mac=mac, MacAlgorithm="HMAC_SHA_256")
    with pytest.raises(err.InvalidKeyUsageException):
        inv(kms.generate_mac, KeyId=key, Message=b"m", MacAlgorithm="HMAC_SHA_512")


def test_derive_shared_secret(inv) -> None:
    key = make_key(inv, KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyId"]
    peer = ec.generate_private_key(ec.SECP256R1())
    peer_pub = peer.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    out = inv(kms.derive_shared_secret, KeyId=key, KeyAgreementAlgorithm="ECDH",
              PublicKey=peer_pub)
    kms_pub = serialization.load_der_public_key(inv(kms.get_public_key, KeyId=key)["PublicKey"])
    assert out["SharedSecret"] == peer.exchange(ec.ECDH(), kms_pub)
    with pytest.raises(err.ValidationException) as exc:
        inv(kms.derive_shared_secret, KeyId=key, KeyAgreementAlgorithm="ECDH",
            PublicKey=b"junk")
    assert exc.value.message == ""  # as AWS answers: no message


def test_encapsulate_decapsulate(inv) -> None:
    key = make_key(inv, KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE")["KeyId"]
    out = inv(kms.encapsulate, KeyId=key, EncapsulationAlgorithm="ML_KEM")
    back = inv(kms.decapsulate, KeyId=key, EncapsulationAlgorithm="ML_KEM",
               SharedSecretCiphertextBlob=out["SharedSecretCiphertextBlob"])
    assert back["SharedSecret"] == out["SharedSecret"]


def test_dry_run(inv) -> None:
    key = make_key(inv)["KeyId"]
    with pytest.raises(err.DryRunOperationException):
        inv(kms.encrypt, KeyId=key, Plaintext=b"x", DryRun=True)


@pytest.mark.skipif(__import__("shutil").which("openssl") is None, reason="needs openssl")
@pytest.mark.parametrize(("spec", "alg", "digest"), [("ECC_NIST_P256", "ECDSA_SHA_256", "sha256"),
                                                     ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256",
                                                      "sha256")])
def test_openssl_verifies_signatures(inv, tmp_path, spec, alg, digest) -> None:
    import subprocess

    key = make_key(inv, KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyId"]
    (tmp_path / "pub.der").write_bytes(inv(kms.get_public_key, KeyId=key)["PublicKey"])
    (tmp_path / "msg").write_bytes(b"signed by awslocal")
    (tmp_path / "sig").write_bytes(inv(kms.sign, KeyId=key, Message=b"signed by awslocal",
                                       SigningAlgorithm=alg)["Signature"])
    out = subprocess.run(
        ["openssl", "dgst", f"-{digest}", "-verify", str(tmp_path / "pub.der"), "-keyform",
         "DER", "-signature", str(tmp_path / "sig"), str(tmp_path / "msg")],
        capture_output=True, text=True)
    assert out.returncode == 0 and "Verified OK" in out.stdout, out.stderr


def test_missing_or_malformed_members_are_validation_errors(inv) -> None:
    key = make_key(inv)["KeyId"]
    with pytest.raises(err.ValidationException, match="ciphertextBlob"):
        inv(kms.decrypt)
    with pytest.raises(err.ValidationException, match="ciphertextBlob"):
        inv(kms.re_encrypt, DestinationKeyId=key)
    with pytest.raises(err.ValidationException, match="Member must not be null"):
        inv(kms.encrypt, KeyId=key)
    with pytest.raises(err.ValidationException, match="enum value set"):
        inv(kms.encrypt, KeyId=key, Plaintext=b"x", EncryptionAlgorithm="AES")
    with pytest.raises(err.ValidationException) as e:
        inv(kms.encrypt, KeyId=key, Plaintext=b"secret" * 1000)
    assert "secret" not in e.value.message
    with pytest.raises(err.InvalidArnException):
        inv(kms.describe_key, KeyId="arn:aws:kms:us-east-1:1:key/x")
    with pytest.raises(err.InvalidArnException):
        inv(kms.enable_key, KeyId="arn:aws:kms:us-east-1:123456789012:alias/x")
