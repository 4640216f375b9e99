"""KMS behaviour pinned against responses recorded from AWS (issue 11)."""

from __future__ import annotations

import pytest

from awslocal_cli.errors import kms as err
from awslocal_cli.services import kms
from tests.services.kms.kms_util import make_key

# -- regions are partitions ----------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda inv, ref: inv(kms.describe_key, KeyId=ref, region="us-east-1"),
    lambda inv, ref: inv(kms.encrypt, KeyId=ref, Plaintext=b"x", region="us-east-1"),
    lambda inv, ref: inv(kms.generate_data_key, KeyId=ref, KeySpec="AES_256",
                         region="us-east-1"),
    lambda inv, ref: inv(kms.disable_key, KeyId=ref, region="us-east-1"),
    lambda inv, ref: inv(kms.schedule_key_deletion, KeyId=ref, region="us-east-1"),
    lambda inv, ref: inv(kms.tag_resource, KeyId=ref, region="us-east-1",
                         Tags=[{"TagKey": "a", "TagValue": "b"}]),
    lambda inv, ref: inv(kms.get_key_policy, KeyId=ref, region="us-east-1"),
    lambda inv, ref: inv(kms.create_grant, KeyId=ref, region="us-east-1",
                         GranteePrincipal="arn:aws:iam::123456789012:role/r",
                         Operations=["Decrypt"]),
    lambda inv, ref: inv(kms.create_alias, AliasName="alias/x", TargetKeyId=ref,
                         region="us-east-1"),
], ids=["describe", "encrypt", "data-key", "disable", "schedule-deletion", "tag", "policy",
        "grant", "alias"])
def test_a_key_arn_of_another_region_is_an_invalid_arn(inv, call) -> None:
    md = inv(kms.create_key, region="us-west-2")["KeyMetadata"]
    with pytest.raises(err.NotFoundException) as exc:
        call(inv, md["Arn"])
    assert exc.value.message == "Invalid arn us-west-2"
    # The key itself is untouched in its own region.
    assert inv(kms.describe_key, KeyId=md["Arn"], region="us-west-2")["KeyMetadata"][
        "KeyState"] == "Enabled"
    # A bare key id of another region's key is simply not found there.
    with pytest.raises(err.NotFoundException, match="does not exist"):
        inv(kms.describe_key, KeyId=md["KeyId"], region="us-east-1")


def test_an_alias_arn_of_another_region_is_an_invalid_arn(inv) -> None:
    md = inv(kms.create_key, region="us-west-2")["KeyMetadata"]
    inv(kms.create_alias, AliasName="alias/app", TargetKeyId=md["KeyId"], region="us-west-2")
    with pytest.raises(err.NotFoundException) as exc:
        inv(kms.encrypt, KeyId="arn:aws:kms:us-west-2:123456789012:alias/app", Plaintext=b"x")
    assert exc.value.message == "Invalid arn us-west-2"


# -- timestamps ----------------------------------------------------------------------------------


def test_every_kms_timestamp_has_millisecond_precision(inv) -> None:
    inv.advance(seconds=58.3945678)
    md = make_key(inv)
    assert md["CreationDate"].isoformat().endswith(":58.394000+00:00")
    key = md["KeyId"]
    inv(kms.create_alias, AliasName="alias/t", TargetKeyId=key)
    alias = next(a for a in inv(kms.list_aliases)["Aliases"] if a["AliasName"] == "alias/t")
    assert alias["CreationDate"].microsecond == 394000
    inv(kms.create_grant, KeyId=key, GranteePrincipal="arn:aws:iam::123456789012:role/r",
        Operations=["Decrypt"])
    grant = inv(kms.list_grants, KeyId=key)["Grants"][0]
    assert grant["CreationDate"].microsecond == 394000
    inv(kms.enable_key_rotation, KeyId=key)
    status = inv(kms.get_key_rotation_status, KeyId=key)
    assert status["NextRotationDate"].microsecond == 394000
    inv(kms.rotate_key_on_demand, KeyId=key)
    rotation = inv(kms.list_key_rotations, KeyId=key)["Rotations"][0]
    assert rotation["RotationDate"].microsecond == 394000
    deletion = inv(kms.schedule_key_deletion, KeyId=key, PendingWindowInDays=7)
    assert deletion["DeletionDate"].microsecond % 1000 == 0
    md = inv(kms.describe_key, KeyId=key)["KeyMetadata"]
    assert md["DeletionDate"].microsecond % 1000 == 0
    imported = make_key(inv, Origin="EXTERNAL")["KeyId"]
    params = inv(kms.get_parameters_for_import, KeyId=imported,
                 WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    assert params["ParametersValidTo"].microsecond == 394000


# -- tags, key specs, messages -------------------------------------------------------------------


def test_create_key_tag_errors(inv) -> None:
    with pytest.raises(err.TagException) as exc:
        make_key(inv, Tags=[{"TagKey": f"k{i}", "TagValue": "v"} for i in range(51)])
    assert exc.value.message == "Too many tags"
    for key in ("aws:key1", "AWS:key1"):
        with pytest.raises(err.TagException) as exc:
            make_key(inv, Tags=[{"TagKey": key, "TagValue": "v"}])
        assert exc.value.message == "Tags beginning with aws: are reserved"
    assert len(make_key(inv, Tags=[{"TagKey": f"k{i}", "TagValue": "v"}
                                   for i in range(50)])["KeyId"]) == 36
    key = make_key(inv)["KeyId"]
    with pytest.raises(err.TagException) as exc:
        inv(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "tag1", "TagValue": "value1"},
                                               {"TagKey": "tag1", "TagValue": "other"}])
    assert exc.value.message == "Duplicate tag keys"
    with pytest.raises(err.TagException) as exc:
        inv(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "aws:x", "TagValue": "v"}])
    assert exc.value.message == "Tags beginning with aws: are reserved"


@pytest.mark.parametrize(("spec", "algorithm", "limit"), [
    ("RSA_2048", "RSAES_OAEP_SHA_1", 214), ("RSA_2048", "RSAES_OAEP_SHA_256", 190),
    ("RSA_3072", "RSAES_OAEP_SHA_1", 342), ("RSA_4096", "RSAES_OAEP_SHA_256", 446),
])
def test_rsa_plaintext_too_large(inv, spec, algorithm, limit) -> None:
    key = make_key(inv, KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")["KeyId"]
    assert inv(kms.encrypt, KeyId=key, Plaintext=b"x" * limit, EncryptionAlgorithm=algorithm)
    with pytest.raises(err.ValidationException) as exc:
        inv(kms.encrypt, KeyId=key, Plaintext=b"x" * (limit + 1), EncryptionAlgorithm=algorithm)
    assert exc.value.message == (f"Algorithm {algorithm} and key spec {spec} cannot encrypt "
                                 f"data larger than {limit} bytes.")


@pytest.mark.parametrize("spec", ["HMAC_256", "HMAC_512", "ECC_NIST_P256", "ML_DSA_44"])
def test_a_key_spec_that_cannot_encrypt_needs_a_key_usage(inv, spec) -> None:
    with pytest.raises(err.ValidationException) as exc:
        make_key(inv, KeySpec=spec)
    assert exc.value.message == ("You must specify a KeyUsage value for all KMS keys except "
                                 "for symmetric encryption keys.")
    # RSA keys may omit it: they default to ENCRYPT_DECRYPT.
    assert make_key(inv, KeySpec="RSA_2048")["KeyUsage"] == "ENCRYPT_DECRYPT"


def test_on_demand_rotation_limit_message(inv) -> None:
    md = make_key(inv)
    for _ in range(10):
        inv(kms.rotate_key_on_demand, KeyId=md["KeyId"])
    with pytest.raises(err.LimitExceededException) as exc:
        inv(kms.rotate_key_on_demand, KeyId=md["KeyId"])
    assert exc.value.message == (
        "The on-demand rotations limit has been reached for the given keyId. No more "
        f"on-demand rotations can be performed for this key: {md['Arn']}")


# -- ReplicateKey --------------------------------------------------------------------------------


def test_replica_starts_creating_and_is_enabled_a_moment_later(inv) -> None:
    md = make_key(inv, MultiRegion=True, Description="primary key")
    key = md["KeyId"]
    rep = inv(kms.replicate_key, KeyId=key, ReplicaRegion="eu-west-1")["ReplicaKeyMetadata"]
    assert (rep["KeyState"], rep["Enabled"], rep["Description"]) == ("Creating", False, "")
    assert "CurrentKeyMaterialId" not in rep
    with pytest.raises(err.KMSInvalidStateException, match="is creating"):
        inv(kms.encrypt, KeyId=key, Plaintext=b"x", region="eu-west-1")
    inv.advance(seconds=3)
    now = inv(kms.describe_key, KeyId=key, region="eu-west-1")["KeyMetadata"]
    assert (now["KeyState"], now["Enabled"], now["Description"]) == ("Enabled", True, "")
    assert now["CurrentKeyMaterialId"] == md["CurrentKeyMaterialId"]
    assert inv(kms.encrypt, KeyId=key, Plaintext=b"x", region="eu-west-1")["KeyId"] == \
        rep["Arn"]
    # The primary keeps its own description; a replica may be given its own.
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["Description"] == "primary key"
    other = inv(kms.replicate_key, KeyId=key, ReplicaRegion="ap-south-1",
                Description="mine")["ReplicaKeyMetadata"]
    assert other["Description"] == "mine"


def test_replicating_a_replica_says_multi_region_primary_key(inv) -> None:
    key = make_key(inv, MultiRegion=True)["KeyId"]
    replica = inv(kms.replicate_key, KeyId=key, ReplicaRegion="eu-west-1")
    inv.advance(seconds=3)
    with pytest.raises(err.UnsupportedOperationException) as exc:
        inv(kms.replicate_key, KeyId=key, ReplicaRegion="ap-south-1", region="eu-west-1")
    assert exc.value.message == \
        f"{replica['ReplicaKeyMetadata']['Arn']} is not a multi-region primary key."


def test_expiring_material_needs_a_valid_to(inv) -> None:
    import os

    from awslocal_cli import crypto

    key = make_key(inv, Origin="EXTERNAL")["KeyId"]
    params = inv(kms.get_parameters_for_import, KeyId=key,
                 WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    wrapped = crypto.wrap_for_import(params["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32))
    with pytest.raises(err.ValidationException) as exc:
        inv(kms.import_key_material, KeyId=key, ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_EXPIRES")
    assert exc.value.message == ("A validTo date must be set if the ExpirationModel is "
                                 "KEY_MATERIAL_EXPIRES")


def test_grant_tokens_stay_in_their_region(inv) -> None:
    import json

    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/default"},
        "Action": "kms:*", "Resource": "*"}]})
    key = make_key(inv, MultiRegion=True, Policy=policy)["KeyId"]
    inv(kms.replicate_key, KeyId=key, ReplicaRegion="eu-west-1", Policy=policy)
    inv.advance(seconds=3)
    grantee = "arn:aws:iam::123456789012:user/app"
    grant = inv(kms.create_grant, KeyId=key, GranteePrincipal=grantee,
                Operations=["Encrypt"])
    # The primary's grant token authorizes the grantee on the primary...
    assert inv(kms.encrypt, KeyId=key, Plaintext=b"x", GrantTokens=[grant["GrantToken"]],
               profile="app")["KeyId"].startswith("arn:aws:kms:us-east-1:")
    # ...not on the replica, which shares the key id but not the grants.
    with pytest.raises(err.AccessDeniedException):
        inv(kms.encrypt, KeyId=key, Plaintext=b"x", GrantTokens=[grant["GrantToken"]],
            profile="app", region="eu-west-1")
    with pytest.raises(err.InvalidGrantTokenException):
        inv(kms.retire_grant, GrantToken=grant["GrantToken"], region="eu-west-1")
    assert inv(kms.retire_grant, GrantToken=grant["GrantToken"]) == {}
