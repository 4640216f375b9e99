"""A KMS ciphertext blob that was tampered with, or made elsewhere, is InvalidCiphertextException.

AccessDeniedException stays for a blob naming an existing key whose policy does not let the
caller decrypt (and, as in AWS, for a key this state deleted).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awslocal_cli.errors import kms as err
from awslocal_cli.services import kms
from tests.services.conftest import Invoker
from tests.services.kms.kms_util import make_key

CONTEXT = {"purpose": "tamper-test"}


def _blobs(inv: Invoker) -> dict[str, bytes]:
    """One blob of every symmetric kind, all under keys of this state."""
    a = make_key(inv)["KeyId"]
    b = make_key(inv)["KeyId"]
    enc = inv(kms.encrypt, KeyId=a, Plaintext=b"secret", EncryptionContext=CONTEXT)
    data_key = inv(kms.generate_data_key, KeyId=a, KeySpec="AES_256",
                   EncryptionContext=CONTEXT)
    no_plain = inv(kms.generate_data_key_without_plaintext, KeyId=b, NumberOfBytes=16,
                   EncryptionContext=CONTEXT)
    re = inv(kms.re_encrypt, CiphertextBlob=enc["CiphertextBlob"], DestinationKeyId=b,
             SourceEncryptionContext=CONTEXT, DestinationEncryptionContext=CONTEXT)
    return {"encrypt": enc["CiphertextBlob"], "data-key": data_key["CiphertextBlob"],
            "data-key-without-plaintext": no_plain["CiphertextBlob"],
            "re-encrypted": re["CiphertextBlob"]}


def _flip(blob: bytes, i: int, mask: int) -> bytes:
    return blob[:i] + bytes([blob[i] ^ mask]) + blob[i + 1:]


def test_every_flipped_byte_of_every_kind_of_blob_is_invalid_ciphertext(inv) -> None:
    for kind, blob in _blobs(inv).items():
        assert inv(kms.decrypt, CiphertextBlob=blob, EncryptionContext=CONTEXT)["Plaintext"]
        for i in range(len(blob)):
            mask = 0x01 if i % 2 else 0x80  # low and high bits; the property test tries others
            with pytest.raises(err.InvalidCiphertextException) as e:
                inv(kms.decrypt, CiphertextBlob=_flip(blob, i, mask), EncryptionContext=CONTEXT)
            assert e.value.message == "", (kind, i)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_tampered_blobs_fail_one_way_through_decrypt_and_re_encrypt(inv, data) -> None:
    if not hasattr(inv, "_blobs"):
        inv._blobs = _blobs(inv)
        inv._dest = make_key(inv)["KeyId"]
    kind = data.draw(st.sampled_from(sorted(inv._blobs)))
    blob = inv._blobs[kind]
    i = data.draw(st.integers(0, len(blob) - 1))
    mask = data.draw(st.integers(1, 255))
    tampered = _flip(blob, i, mask)
    with pytest.raises(err.InvalidCiphertextException):
        inv(kms.decrypt, CiphertextBlob=tampered, EncryptionContext=CONTEXT)
    with pytest.raises(err.InvalidCiphertextException):
        inv(kms.re_encrypt, CiphertextBlob=tampered, DestinationKeyId=inv._dest,
            SourceEncryptionContext=CONTEXT)
    cut = data.draw(st.integers(1, len(blob) - 1))  # empty is a ValidationException
    with pytest.raises(err.InvalidCiphertextException):
        inv(kms.decrypt, CiphertextBlob=blob[:cut], EncryptionContext=CONTEXT)


def test_a_blob_of_another_state_directory_is_invalid_ciphertext(tmp_path) -> None:
    here, there = Invoker(tmp_path / "here"), Invoker(tmp_path / "there")
    make_key(here)
    for kind, blob in _blobs(there).items():
        with pytest.raises(err.InvalidCiphertextException):
            here(kms.decrypt, CiphertextBlob=blob, EncryptionContext=CONTEXT)
        assert there(kms.decrypt, CiphertextBlob=blob, EncryptionContext=CONTEXT), kind


def test_access_denied_stays_for_an_existing_key_the_caller_may_not_use(inv) -> None:
    key = make_key(inv)
    blob = inv(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/mallory"},
         "Action": "kms:Decrypt", "Resource": "*"}]}
    inv(kms.put_key_policy, KeyId=key["KeyId"], Policy=json.dumps(policy))
    with pytest.raises(err.AccessDeniedException):
        inv(kms.decrypt, CiphertextBlob=blob, profile="mallory")
    assert inv(kms.decrypt, CiphertextBlob=blob)["Plaintext"] == b"x"
