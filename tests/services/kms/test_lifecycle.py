"""Rotation, imported key material, multi-Region keys, custom key stores, audit trail."""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timezone

import pytest

from awslocal_cli import crypto
from awslocal_cli.errors import kms as err
from awslocal_cli.services import cloudtrail, kms
from tests.services.kms.kms_util import make_key

# -- rotation -------------------------------------------------------------------------------------


def test_automatic_rotation_with_the_clock(inv) -> None:
    md = make_key(inv)
    key = md["KeyId"]
    old = inv(kms.encrypt, KeyId=key, Plaintext=b"old")
    with pytest.raises(err.ValidationException, match="greater than or equal to 90"):
        inv(kms.enable_key_rotation, KeyId=key, RotationPeriodInDays=30)
    inv(kms.enable_key_rotation, KeyId=key, RotationPeriodInDays=90)
    status = inv(kms.get_key_rotation_status, KeyId=key)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90
    assert status["NextRotationDate"].timestamp() == pytest.approx(inv.now() + 90 * 86400)
    assert inv(kms.list_key_rotations, KeyId=key)["Rotations"] == []
    inv.advance(days=91)
    rotations = inv(kms.list_key_rotations, KeyId=key)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"]
    assert rotations[0]["KeyMaterialState"] == "CURRENT"
    new_mid = rotations[0]["KeyMaterialId"]
    assert new_mid != md["CurrentKeyMaterialId"]
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"] == new_mid
    # Old ciphertexts still decrypt with the old material; new ones use the new material.
    dec = inv(kms.decrypt, CiphertextBlob=old["CiphertextBlob"])
    assert dec["Plaintext"] == b"old" and dec["KeyMaterialId"] == md["CurrentKeyMaterialId"]
    new = inv(kms.encrypt, KeyId=key, Plaintext=b"new")["CiphertextBlob"]
    assert inv(kms.decrypt, CiphertextBlob=new)["KeyMaterialId"] == new_mid
    # Two more periods later: two more rotations.
    inv.advance(days=180)
    assert len(inv(kms.list_key_rotations, KeyId=key)["Rotations"]) == 3
    all_material = inv(kms.list_key_rotations, KeyId=key, IncludeKeyMaterial="ALL_KEY_MATERIAL")
    assert len(all_material["Rotations"]) == 4
    inv(kms.disable_key_rotation, KeyId=key)
    assert inv(kms.get_key_rotation_status, KeyId=key)["KeyRotationEnabled"] is False


def test_on_demand_rotation(inv) -> None:
    key = make_key(inv)["KeyId"]
    ct = inv(kms.encrypt, KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    for _ in range(10):
        inv(kms.rotate_key_on_demand, KeyId=key)
    with pytest.raises(err.LimitExceededException):
        inv(kms.rotate_key_on_demand, KeyId=key)
    page = inv(kms.list_key_rotations, KeyId=key, Limit=4)
    assert page["Truncated"] is True and len(page["Rotations"]) == 4
    rest = inv(kms.list_key_rotations, KeyId=key, Marker=page["NextMarker"], Limit=100)
    assert len(rest["Rotations"]) == 6 and rest["Truncated"] is False
    assert inv(kms.decrypt, CiphertextBlob=ct)["Plaintext"] == b"x"
    rsa = make_key(inv, KeySpec="RSA_2048")["KeyId"]
    with pytest.raises(err.UnsupportedOperationException):
        inv(kms.enable_key_rotation, KeyId=rsa)


def test_disabled_key_rotates_when_enabled_again(inv) -> None:
    key = make_key(inv)["KeyId"]
    inv(kms.enable_key_rotation, KeyId=key, RotationPeriodInDays=90)
    inv(kms.disable_key, KeyId=key)
    inv.advance(days=100)
    assert inv(kms.list_key_rotations, KeyId=key)["Rotations"] == []
    inv(kms.enable_key, KeyId=key)
    inv(kms.describe_key, KeyId=key)
    assert len(inv(kms.list_key_rotations, KeyId=key)["Rotations"]) == 1


# -- imported key material ------------------------------------------------------------------------


def _import(inv, key, material, **kw):
    params = inv(kms.get_parameters_for_import, KeyId=key,
                 WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    wrapped = crypto.wrap_for_import(params["PublicKey"], "RSAES_OAEP_SHA_256", material)
    return inv(kms.import_key_material, KeyId=key, ImportToken=params["ImportToken"],
               EncryptedKeyMaterial=wrapped, **kw)


def test_imported_key_material(inv) -> None:
    md = make_key(inv, Origin="EXTERNAL")
    key = md["KeyId"]
    assert md["KeyState"] == "PendingImport" and md["Enabled"] is False
    with pytest.raises(err.KMSInvalidStateException, match="pending import"):
        inv(kms.encrypt, KeyId=key, Plaintext=b"x")
    material = os.urandom(32)
    valid_to = datetime.fromtimestamp(inv.now() + 10 * 86400, tz=timezone.utc)
    out = _import(inv, key, material, ValidTo=valid_to, ExpirationModel="KEY_MATERIAL_EXPIRES")
    md = inv(kms.describe_key, KeyId=key)["KeyMetadata"]
    assert md["KeyState"] == "Enabled" and md["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert md["ValidTo"] == valid_to and md["CurrentKeyMaterialId"] == out["KeyMaterialId"]
    ct = inv(kms.encrypt, KeyId=key, Plaintext=b"imported")["CiphertextBlob"]
    # The ciphertext is AES-GCM under exactly the imported material.
    assert crypto.decrypt_blob(material, ct) == b"imported"
    inv.advance(days=11)
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(err.KMSInvalidStateException):
        inv(kms.decrypt, CiphertextBlob=ct)
    with pytest.raises(err.IncorrectKeyMaterialException):
        _import(inv, key, os.urandom(32))
    _import(inv, key, material)  # the same material again: does not expire this time
    assert inv(kms.decrypt, CiphertextBlob=ct)["Plaintext"] == b"imported"
    inv(kms.delete_imported_key_material, KeyId=key)
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["KeyState"] == "PendingImport"
    aws = make_key(inv)["KeyId"]
    with pytest.raises(err.UnsupportedOperationException):
        inv(kms.get_parameters_for_import, KeyId=aws, WrappingAlgorithm="RSAES_OAEP_SHA_256",
            WrappingKeySpec="RSA_2048")


def test_import_token_rules(inv) -> None:
    key = make_key(inv, Origin="EXTERNAL")["KeyId"]
    other = make_key(inv, Origin="EXTERNAL")["KeyId"]
    params = inv(kms.get_parameters_for_import, KeyId=key,
                 WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256", WrappingKeySpec="RSA_3072")
    assert params["ParametersValidTo"].timestamp() == pytest.approx(inv.now() + 86400)
    wrapped = crypto.wrap_for_import(params["PublicKey"], "RSA_AES_KEY_WRAP_SHA_256",
                                     os.urandom(32))
    with pytest.raises(err.InvalidImportTokenException):
        inv(kms.import_key_material, KeyId=other, ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrapped)
    with pytest.raises(err.InvalidCiphertextException):
        inv(kms.import_key_material, KeyId=key, ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrapped[:-1] + b"\x00")
    inv.advance(days=1, seconds=1)
    with pytest.raises(err.ExpiredImportTokenException):
        inv(kms.import_key_material, KeyId=key, ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrapped)


# -- multi-Region keys ----------------------------------------------------------------------------


def test_multi_region_keys(inv) -> None:
    md = make_key(inv, MultiRegion=True)
    key = md["KeyId"]
    assert key.startswith("mrk-") and md["MultiRegion"] is True
    assert md["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    with pytest.raises(err.UnsupportedOperationException):
        inv(kms.replicate_key, KeyId=make_key(inv)["KeyId"], ReplicaRegion="eu-west-1")
    rep = inv(kms.replicate_key, KeyId=key, ReplicaRegion="eu-west-1", Description="replica")
    inv.advance(seconds=5)  # the replica is Creating for a moment, as in AWS
    rmd = rep["ReplicaKeyMetadata"]
    assert rmd["Arn"] == f"arn:aws:kms:eu-west-1:123456789012:key/{key}"
    assert rmd["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    with pytest.raises(err.AlreadyExistsException):
        inv(kms.replicate_key, KeyId=key, ReplicaRegion="eu-west-1")
    ct = inv(kms.encrypt, KeyId=key, Plaintext=b"everywhere")["CiphertextBlob"]
    assert inv(kms.decrypt, CiphertextBlob=ct, region="eu-west-1")["Plaintext"] == b"everywhere"
    primary = inv(kms.describe_key, KeyId=key)["KeyMetadata"]["MultiRegionConfiguration"]
    assert primary["ReplicaKeys"] == [{"Arn": rmd["Arn"], "Region": "eu-west-1"}]
    # Rotation at the primary reaches the replica.
    inv(kms.rotate_key_on_demand, KeyId=key)
    ct2 = inv(kms.encrypt, KeyId=key, Plaintext=b"rotated")["CiphertextBlob"]
    assert inv(kms.decrypt, CiphertextBlob=ct2, region="eu-west-1")["Plaintext"] == b"rotated"
    with pytest.raises(err.KMSInvalidStateException, match="replica"):
        inv(kms.schedule_key_deletion, KeyId=key)
    inv(kms.update_primary_region, KeyId=key, PrimaryRegion="eu-west-1")
    md = inv(kms.describe_key, KeyId=key)["KeyMetadata"]
    assert md["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    inv(kms.schedule_key_deletion, KeyId=key, PendingWindowInDays=7)
    inv.advance(days=8)
    with pytest.raises(err.NotFoundException):
        inv(kms.describe_key, KeyId=key)
    assert inv(kms.describe_key, KeyId=key, region="eu-west-1")["KeyMetadata"]["KeyState"] \
        == "Enabled"


# -- custom key stores ----------------------------------------------------------------------------


def test_custom_key_stores(inv) -> None:
    sid = inv(kms.create_custom_key_store, CustomKeyStoreName="hsm",
              CloudHsmClusterId="cluster-2a3b4cdefgh", TrustAnchorCertificate="-----BEGIN",
              KeyStorePassword="secret-password")["CustomKeyStoreId"]
    with pytest.raises(err.CustomKeyStoreNameInUseException):
        inv(kms.create_custom_key_store, CustomKeyStoreName="hsm",
            CloudHsmClusterId="cluster-3a3b4cdefgh", TrustAnchorCertificate="x",
            KeyStorePassword="secret-password")
    store = inv(kms.describe_custom_key_stores, CustomKeyStoreId=sid)["CustomKeyStores"][0]
    assert store["ConnectionState"] == "DISCONNECTED" and store["CustomKeyStoreType"] == \
        "AWS_CLOUDHSM"
    assert "secret-password" not in json.dumps(store, default=str)
    with pytest.raises(err.CustomKeyStoreInvalidStateException):
        make_key(inv, CustomKeyStoreId=sid)
    inv(kms.connect_custom_key_store, CustomKeyStoreId=sid)
    md = make_key(inv, CustomKeyStoreId=sid)
    assert md["Origin"] == "AWS_CLOUDHSM" and md["CloudHsmClusterId"] == "cluster-2a3b4cdefgh"
    inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x")
    with pytest.raises(err.CustomKeyStoreInvalidStateException):
        inv(kms.delete_custom_key_store, CustomKeyStoreId=sid)
    inv(kms.disconnect_custom_key_store, CustomKeyStoreId=sid)
    assert inv(kms.describe_key, KeyId=md["KeyId"])["KeyMetadata"]["KeyState"] == "Unavailable"
    with pytest.raises(err.KeyUnavailableException):
        inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x")
    with pytest.raises(err.CustomKeyStoreHasCMKsException):
        inv(kms.delete_custom_key_store, CustomKeyStoreId=sid)
    inv(kms.update_custom_key_store, CustomKeyStoreId=sid, NewCustomKeyStoreName="renamed")
    assert inv(kms.describe_custom_key_stores, CustomKeyStoreName="renamed")[
        "CustomKeyStores"][0]["CustomKeyStoreId"] == sid
    with pytest.raises(err.CustomKeyStoreNotFoundException):
        inv(kms.connect_custom_key_store, CustomKeyStoreId="cks-1234567890abcdefg")
    xks = inv(kms.create_custom_key_store, CustomKeyStoreName="xks",
              CustomKeyStoreType="EXTERNAL_KEY_STORE",
              XksProxyUriEndpoint="https://xks.example.com", XksProxyUriPath="/kms/xks/v1",
              XksProxyConnectivity="PUBLIC_ENDPOINT",
              XksProxyAuthenticationCredential={
                  "AccessKeyId": "ABCDEFGHIJKLMNOPQRST",
                  "RawSecretAccessKey": "a" * 43})["CustomKeyStoreId"]
    entry = inv(kms.describe_custom_key_stores, CustomKeyStoreId=xks)["CustomKeyStores"][0]
    assert entry["XksProxyConfiguration"]["UriEndpoint"] == "https://xks.example.com"
    assert "a" * 43 not in json.dumps(entry, default=str)


# -- audit trail ----------------------------------------------------------------------------------


def test_audit_trail_has_no_secrets(inv) -> None:
    key = make_key(inv)["KeyId"]
    secret = b"correct horse battery staple"
    inv(kms.encrypt, KeyId=key, Plaintext=secret, EncryptionContext={"a": "b"})
    dk = inv(kms.generate_data_key, KeyId=key, KeySpec="AES_256")
    with pytest.raises(err.ValidationException):
        inv(kms.encrypt, KeyId=key, Plaintext=secret * 200)
    rows = inv.sql("SELECT * FROM events")
    dump = json.dumps([list(map(str, r)) for r in rows])
    for needle in (secret, dk["Plaintext"]):
        assert needle.decode("latin-1") not in dump
        assert base64.b64encode(needle).decode() not in dump
    # Nor is key material anywhere in the database unwrapped.
    raw = (inv.state_dir / "state.db").read_bytes()
    assert dk["Plaintext"] not in raw and secret not in raw


def test_cloudtrail_lookup_events(inv) -> None:
    key = make_key(inv)
    inv(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    with pytest.raises(err.DisabledException):
        inv(kms.disable_key, KeyId=key["KeyId"])
        inv(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    out = inv(cloudtrail.lookup_events, LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "Encrypt"}])
    assert [e["EventName"] for e in out["Events"]] == ["Encrypt", "Encrypt"]
    newest = json.loads(out["Events"][0]["CloudTrailEvent"])
    assert newest["errorCode"] == "DisabledException"
    assert newest["userIdentity"]["arn"] == "arn:aws:iam::123456789012:user/default"
    assert newest["resources"][0]["ARN"] == key["Arn"]
    assert newest["requestParameters"]["keyId"] == key["KeyId"]
    by_resource = inv(cloudtrail.lookup_events, LookupAttributes=[
        {"AttributeKey": "ResourceName", "AttributeValue": key["Arn"]}], MaxResults=2)
    assert len(by_resource["Events"]) == 2 and "NextToken" in by_resource
    rest = inv(cloudtrail.lookup_events, LookupAttributes=[
        {"AttributeKey": "ResourceName", "AttributeValue": key["Arn"]}],
        NextToken=by_resource["NextToken"])
    assert [e["EventName"] for e in rest["Events"]] == ["Encrypt", "CreateKey"]
    usage = inv(kms.get_key_last_usage, KeyId=key["KeyId"])
    assert usage["KeyLastUsage"]["Operation"] == "Encrypt"
    with pytest.raises(cloudtrail.InvalidMaxResultsException):
        inv(cloudtrail.lookup_events, MaxResults=51)


def test_multi_region_automatic_rotation_reaches_replicas_once(inv) -> None:
    key = make_key(inv, MultiRegion=True)["KeyId"]
    inv(kms.replicate_key, KeyId=key, ReplicaRegion="us-west-2")
    inv(kms.enable_key_rotation, KeyId=key, RotationPeriodInDays=90)
    inv.advance(days=91)
    inv(kms.list_keys)
    primary = inv(kms.list_key_rotations, KeyId=key)["Rotations"]
    replica = inv(kms.list_key_rotations, KeyId=key, region="us-west-2")["Rotations"]
    assert len(primary) == 1
    assert [r["KeyMaterialId"] for r in replica] == [r["KeyMaterialId"] for r in primary]
    ct = inv(kms.encrypt, KeyId=key, Plaintext=b"x", region="us-west-2")["CiphertextBlob"]
    assert inv(kms.decrypt, CiphertextBlob=ct)["KeyMaterialId"] == primary[0]["KeyMaterialId"]


def test_import_new_key_material_rotates(inv) -> None:
    key = make_key(inv, Origin="EXTERNAL")["KeyId"]
    first = os.urandom(32)
    a = _import(inv, key, first)["KeyMaterialId"]
    ct = inv(kms.encrypt, KeyId=key, Plaintext=b"one")["CiphertextBlob"]
    second = os.urandom(32)
    b = _import(inv, key, second, ImportType="NEW_KEY_MATERIAL",
                KeyMaterialDescription="second")["KeyMaterialId"]
    assert a != b
    # New material imported is pending rotation; the current material stays until then.
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"] == a
    with pytest.raises(err.IncorrectKeyMaterialException):
        _import(inv, key, first, ImportType="NEW_KEY_MATERIAL")
    every = inv(kms.list_key_rotations, KeyId=key, IncludeKeyMaterial="ALL_KEY_MATERIAL")
    assert {r["KeyMaterialId"] for r in every["Rotations"]} == {a, b}
    assert inv(kms.decrypt, CiphertextBlob=ct)["Plaintext"] == b"one"
    inv(kms.delete_imported_key_material, KeyId=key, KeyMaterialId=b)
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"


def test_generate_random_in_a_key_store(inv) -> None:
    sid = inv(kms.create_custom_key_store, CustomKeyStoreName="hsm",
              CloudHsmClusterId="cluster-2a3b4cdefgh", TrustAnchorCertificate="x",
              KeyStorePassword="secret-password")["CustomKeyStoreId"]
    with pytest.raises(err.CustomKeyStoreInvalidStateException):
        inv(kms.generate_random, NumberOfBytes=8, CustomKeyStoreId=sid)
    inv(kms.connect_custom_key_store, CustomKeyStoreId=sid)
    assert len(inv(kms.generate_random, NumberOfBytes=8, CustomKeyStoreId=sid)["Plaintext"]) == 8
    with pytest.raises(err.CustomKeyStoreInvalidStateException):
        inv(kms.update_custom_key_store, CustomKeyStoreId=sid, KeyStorePassword="another-pass")
    with pytest.raises(err.ValidationException) as e:
        inv(kms.update_custom_key_store, CustomKeyStoreId=sid, KeyStorePassword="short")
    assert "short" not in e.value.message  # secrets are never echoed


def test_cloudtrail_shows_service_on_behalf_of_user(inv) -> None:
    inv(kms.generate_data_key, KeyId="alias/aws/sqs", KeySpec="AES_256",
        as_ctx=lambda c: c.via("sqs"), profile="alice")
    out = inv(cloudtrail.lookup_events, LookupAttributes=[
        {"AttributeKey": "Username", "AttributeValue": "alice"}])
    record = json.loads(out["Events"][0]["CloudTrailEvent"])
    assert record["eventName"] == "GenerateDataKey"
    assert record["userIdentity"]["invokedBy"] == "sqs.amazonaws.com"
    assert record["userIdentity"]["arn"] == "arn:aws:iam::123456789012:user/alice"
    assert record["sourceIPAddress"] == "sqs.amazonaws.com"
    assert record["requestParameters"] == {"keyId": "alias/aws/sqs", "keySpec": "AES_256"}


@pytest.mark.parametrize("spec,usage", [("RSA_2048", "SIGN_VERIFY"),
                                        ("HMAC_256", "GENERATE_VERIFY_MAC")])
def test_rotate_key_on_demand_refuses_a_non_symmetric_key_with_no_message(inv, spec, usage):
    key = make_key(inv, KeySpec=spec, KeyUsage=usage)["KeyId"]
    with pytest.raises(err.UnsupportedOperationException) as exc:
        inv(kms.rotate_key_on_demand, KeyId=key)
    assert exc.value.message == ""
