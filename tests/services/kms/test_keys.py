"""KMS keys: create/describe/list, identifiers, lifecycle and deletion, aliases, tags."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from awslocal_cli.errors import kms as err
from awslocal_cli.services import kms
from awslocal_cli.services.kms.specs import _RSA_SIGNING as RSA_SIGNING
from tests.services.kms.kms_util import make_key

ARN_PREFIX = "arn:aws:kms:us-east-1:123456789012:key/"


def test_create_key_defaults(inv) -> None:
    md = make_key(inv, Description="tutorial key")
    assert md["Arn"] == ARN_PREFIX + md["KeyId"]
    assert md["AWSAccountId"] == "123456789012"
    assert md["KeyState"] == "Enabled" and md["Enabled"] is True
    assert md["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert md["KeySpec"] == md["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert md["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert md["KeyManager"] == "CUSTOMER" and md["Origin"] == "AWS_KMS"
    assert md["MultiRegion"] is False
    assert md["Description"] == "tutorial key"
    assert isinstance(md["CreationDate"], datetime)
    assert len(md["CurrentKeyMaterialId"]) == 64
    assert "DeletionDate" not in md and "SigningAlgorithms" not in md
    assert list(md)[:8] == ["AWSAccountId", "KeyId", "Arn", "CreationDate", "Enabled",
                            "Description", "KeyUsage", "KeyState"]


@pytest.mark.parametrize(("spec", "usage", "field", "value"), [
    ("RSA_2048", "SIGN_VERIFY", "SigningAlgorithms", RSA_SIGNING),
    ("RSA_3072", "ENCRYPT_DECRYPT", "EncryptionAlgorithms",
     ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
    ("ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_384"]),
    ("ECC_NIST_P256", "KEY_AGREEMENT", "KeyAgreementAlgorithms", ["ECDH"]),
    ("ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
    ("HMAC_384", "GENERATE_VERIFY_MAC", "MacAlgorithms", ["HMAC_SHA_384"]),
    ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY", "SigningAlgorithms",
     ["ED25519_SHA_512", "ED25519_PH_SHA_512"]),
    ("ML_DSA_65", "SIGN_VERIFY", "SigningAlgorithms", ["ML_DSA_SHAKE_256"]),
    ("ML_KEM_768", "ENCAPSULATE_DECAPSULATE", "EncapsulationAlgorithms", ["ML_KEM"]),
])
def test_create_key_specs(inv, spec, usage, field, value) -> None:
    md = make_key(inv, KeySpec=spec, KeyUsage=usage)
    assert md["KeySpec"] == spec and md[field] == value
    assert "CurrentKeyMaterialId" not in md


def test_create_key_bad_combinations(inv) -> None:
    with pytest.raises(err.ValidationException, match="not compatible"):
        make_key(inv, KeySpec="HMAC_256", KeyUsage="ENCRYPT_DECRYPT")
    # Without KeyUsage AWS asks for one (issue 11, recorded responses).
    with pytest.raises(err.ValidationException, match="You must specify a KeyUsage value"):
        make_key(inv, KeySpec="HMAC_256")
    with pytest.raises(err.ValidationException, match="CustomerMasterKeySpec is deprecated"):
        make_key(inv, KeySpec="RSA_2048", CustomerMasterKeySpec="RSA_2048")
    with pytest.raises(err.UnsupportedOperationException):
        make_key(inv, KeySpec="SM2", KeyUsage="SIGN_VERIFY")
    with pytest.raises(err.ValidationException, match="enum value set"):
        make_key(inv, KeySpec="AES_256")
    assert inv(kms.list_keys)["Keys"] == []


@pytest.mark.parametrize("form", ["id", "arn", "alias", "alias_arn"])
def test_describe_key_by_every_identifier(inv, form) -> None:
    md = make_key(inv)
    inv(kms.create_alias, AliasName="alias/app", TargetKeyId=md["KeyId"])
    ref = {"id": md["KeyId"], "arn": md["Arn"], "alias": "alias/app",
           "alias_arn": "arn:aws:kms:us-east-1:123456789012:alias/app"}[form]
    assert inv(kms.describe_key, KeyId=ref)["KeyMetadata"]["KeyId"] == md["KeyId"]
    ct = inv(kms.encrypt, KeyId=ref, Plaintext=b"hi")["CiphertextBlob"]
    assert inv(kms.decrypt, CiphertextBlob=ct, KeyId=ref)["Plaintext"] == b"hi"


def test_not_found_messages(inv) -> None:
    missing = "1234abcd-12ab-34cd-56ef-1234567890ab"
    with pytest.raises(err.NotFoundException) as e:
        inv(kms.describe_key, KeyId=missing)
    assert e.value.message == f"Key '{ARN_PREFIX}{missing}' does not exist"
    with pytest.raises(err.NotFoundException) as e:
        inv(kms.describe_key, KeyId="alias/nope")
    assert e.value.message == "Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found."
    with pytest.raises(err.NotFoundException, match="Invalid keyId"):
        inv(kms.describe_key, KeyId="not-a-key")
    md = make_key(inv)
    inv(kms.create_alias, AliasName="alias/x", TargetKeyId=md["KeyId"])
    with pytest.raises(err.NotFoundException):
        inv(kms.enable_key, KeyId="alias/x")  # management operations take key ids only


def test_keys_are_partitioned_by_region(inv) -> None:
    md = make_key(inv)
    with pytest.raises(err.NotFoundException):
        inv(kms.describe_key, KeyId=md["KeyId"], region="eu-west-1")
    assert inv(kms.list_keys, region="eu-west-1")["Keys"] == []


def test_list_keys_pagination(inv) -> None:
    ids = [make_key(inv)["KeyId"] for _ in range(5)]
    seen = []
    marker = None
    while True:
        kw = {"Limit": 2} | ({"Marker": marker} if marker else {})
        page = inv(kms.list_keys, **kw)
        seen += [k["KeyId"] for k in page["Keys"]]
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    assert seen == ids
    with pytest.raises(err.InvalidMarkerException):
        inv(kms.list_keys, Marker="garbage!")
    with pytest.raises(err.ValidationException) as e:
        inv(kms.list_keys, Limit=0)
    assert e.value.message == ("1 validation error detected: Value '0' at 'limit' failed to "
                               "satisfy constraint: Member must have value greater than or "
                               "equal to 1")


def test_tutorial_lifecycle(inv) -> None:
    """Seed 000: create a key with administrators and users, use, disable, delete."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*",
             "Resource": "*"},
            {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::123456789012:user/nick"},
             "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*",
                        "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*",
                        "kms:Delete*", "kms:TagResource", "kms:UntagResource",
                        "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"],
             "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::123456789012:user/nick"},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                        "kms:GenerateDataKey*", "kms:DescribeKey"],
             "Resource": "*"},
        ],
    }
    md = inv(kms.create_key, Description="ADGU Nova Key", Policy=json.dumps(policy),
             profile="nick")["KeyMetadata"]
    key = md["KeyId"]
    inv(kms.create_alias, AliasName="alias/adgu-nova", TargetKeyId=key, profile="nick")
    ct = inv(kms.encrypt, KeyId="alias/adgu-nova", Plaintext=b"secret",
             profile="nick")["CiphertextBlob"]
    assert inv(kms.decrypt, CiphertextBlob=ct, profile="nick")["Plaintext"] == b"secret"

    inv(kms.disable_key, KeyId=key, profile="nick")
    with pytest.raises(err.DisabledException) as e:
        inv(kms.encrypt, KeyId=key, Plaintext=b"x", profile="nick")
    assert e.value.message == f"{md['Arn']} is disabled."
    with pytest.raises(err.ValidationException, match="greater than or equal to 7"):
        inv(kms.schedule_key_deletion, KeyId=key, PendingWindowInDays=6)
    out = inv(kms.schedule_key_deletion, KeyId=key, PendingWindowInDays=7, profile="nick")
    assert out["KeyState"] == "PendingDeletion" and out["PendingWindowInDays"] == 7
    assert out["DeletionDate"].timestamp() == pytest.approx(inv.now() + 7 * 86400)
    with pytest.raises(err.KMSInvalidStateException) as e:
        inv(kms.decrypt, CiphertextBlob=ct)
    assert e.value.message == f"{md['Arn']} is pending deletion."
    with pytest.raises(err.KMSInvalidStateException):
        inv(kms.enable_key, KeyId=key)
    assert inv(kms.cancel_key_deletion, KeyId=key)["KeyId"] == md["Arn"]
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(err.KMSInvalidStateException, match="not pending deletion"):
        inv(kms.cancel_key_deletion, KeyId=key)
    inv(kms.schedule_key_deletion, KeyId=key)  # default window: 30 days
    inv.advance(days=29)
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    inv.advance(days=1, seconds=1)
    with pytest.raises(err.NotFoundException):
        inv(kms.describe_key, KeyId=key)
    with pytest.raises(err.AccessDeniedException, match="does not exist"):
        inv(kms.decrypt, CiphertextBlob=ct)
    assert inv(kms.list_keys)["Keys"] == []
    assert all("TargetKeyId" not in a for a in inv(kms.list_aliases)["Aliases"])
    # Nothing of the key is left: no material, no alias.
    assert inv.sql("SELECT count(*) FROM kms_key_material")[0][0] == 0
    names = [r[0] for r in inv.sql("SELECT event_name FROM events WHERE principal = ?",
                                   "kms.amazonaws.com")]
    assert names == ["DeleteKey"]


def test_aliases(inv) -> None:
    a = make_key(inv)["KeyId"]
    b = make_key(inv)["KeyId"]
    inv(kms.create_alias, AliasName="alias/one", TargetKeyId=a)
    with pytest.raises(err.AlreadyExistsException) as e:
        inv(kms.create_alias, AliasName="alias/one", TargetKeyId=b)
    assert e.value.message == ("An alias with the name arn:aws:kms:us-east-1:123456789012:"
                               "alias/one already exists")
    with pytest.raises(err.ValidationException, match='prefix "alias/"'):
        inv(kms.create_alias, AliasName="one", TargetKeyId=a)
    with pytest.raises(err.NotAuthorizedException):
        inv(kms.create_alias, AliasName="alias/aws/mine", TargetKeyId=a)
    with pytest.raises(err.ValidationException, match="pattern"):
        inv(kms.create_alias, AliasName="alias/sp ace", TargetKeyId=a)
    inv(kms.create_alias, AliasName="alias/two", TargetKeyId=a)
    listed = [a for a in inv(kms.list_aliases)["Aliases"] if "TargetKeyId" in a]
    assert [x["AliasName"] for x in listed] == ["alias/one", "alias/two"]
    assert listed[0]["AliasArn"] == "arn:aws:kms:us-east-1:123456789012:alias/one"
    assert listed[0]["TargetKeyId"] == a
    inv(kms.update_alias, AliasName="alias/one", TargetKeyId=b)
    assert [x["AliasName"] for x in inv(kms.list_aliases, KeyId=b)["Aliases"]] == ["alias/one"]
    assert inv(kms.describe_key, KeyId="alias/one")["KeyMetadata"]["KeyId"] == b
    rsa = make_key(inv, KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyId"]
    with pytest.raises(err.ValidationException):
        inv(kms.update_alias, AliasName="alias/one", TargetKeyId=rsa)
    inv(kms.delete_alias, AliasName="alias/one")
    with pytest.raises(err.NotFoundException):
        inv(kms.delete_alias, AliasName="alias/one")
    page = inv(kms.list_aliases, KeyId=a, Limit=1)
    assert page["Truncated"] is False and len(page["Aliases"]) == 1


def test_update_description_and_enable(inv) -> None:
    key = make_key(inv)["KeyId"]
    inv(kms.update_key_description, KeyId=key, Description="new")
    inv(kms.disable_key, KeyId=key)
    inv(kms.enable_key, KeyId=key)
    md = inv(kms.describe_key, KeyId=key)["KeyMetadata"]
    assert md["Description"] == "new" and md["KeyState"] == "Enabled"


def test_tags(inv) -> None:
    key = make_key(inv, Tags=[{"TagKey": "team", "TagValue": "a"}])["KeyId"]
    inv(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "env", "TagValue": "dev"},
                                           {"TagKey": "team", "TagValue": "b"}])
    assert inv(kms.list_resource_tags, KeyId=key)["Tags"] == [
        {"TagKey": "env", "TagValue": "dev"}, {"TagKey": "team", "TagValue": "b"}]
    inv(kms.untag_resource, KeyId=key, TagKeys=["env", "absent"])
    assert inv(kms.list_resource_tags, KeyId=key)["Tags"] == [{"TagKey": "team",
                                                               "TagValue": "b"}]
    with pytest.raises(err.TagException):
        inv(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "aws:x", "TagValue": "y"}])
    with pytest.raises(err.TagException):
        inv(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "d", "TagValue": "1"},
                                               {"TagKey": "d", "TagValue": "2"}])
    with pytest.raises(err.ValidationException):
        inv(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "", "TagValue": "y"}])
    with pytest.raises(err.LimitExceededException):
        inv(kms.tag_resource, KeyId=key,
            Tags=[{"TagKey": f"k{i}", "TagValue": ""} for i in range(50)])


def test_failed_requests_change_nothing_but_are_logged(inv) -> None:
    key = make_key(inv)["KeyId"]
    with pytest.raises(err.ValidationException):
        inv(kms.schedule_key_deletion, KeyId=key, PendingWindowInDays=31)
    assert inv(kms.describe_key, KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"
    rows = inv.sql("SELECT event_name, error_code FROM events WHERE event_name = ?",
                   "ScheduleKeyDeletion")
    assert rows == [("ScheduleKeyDeletion", "ValidationException")]


def test_describe_and_list_do_not_import_cryptography(inv) -> None:
    import subprocess
    import sys

    key = make_key(inv)["KeyId"]
    code = (
        "import sys\n"
        "from awslocal_cli.clock import Clock\n"
        "from awslocal_cli.context import Context\n"
        "from awslocal_cli.services import kms\n"
        f"ctx = Context.from_options(state_dir={str(inv.state_dir)!r}, environ={{}},\n"
        f"                           clock=Clock({inv.offset}, base=lambda: {inv.now()}))\n"
        f"kms.describe_key(ctx, KeyId={key!r})\n"
        "kms.list_keys(ctx)\n"
        "kms.list_aliases(ctx)\n"
        "ctx.session.finish(True)\n"
        "print(any(m.startswith('cryptography') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=str(__import__("pathlib").Path(kms.__file__).parents[3]))
    assert out.stdout.strip() == "False"


def test_create_alias_refuses_a_colon(inv) -> None:
    key = make_key(inv)["KeyId"]
    with pytest.raises(err.ValidationException) as e:
        inv(kms.create_alias, AliasName="alias/my:alias", TargetKeyId=key)
    assert e.value.message == "alias/my:alias contains invalid characters for an alias"
    assert inv(kms.list_aliases, KeyId=key)["Aliases"] == []


def test_a_fresh_account_lists_the_predefined_aws_aliases(inv) -> None:
    listed = inv(kms.list_aliases)["Aliases"]
    assert [a["AliasName"] for a in listed] == [
        f"alias/aws/{s}" for s in ("acm", "dynamodb", "ebs", "elasticfilesystem", "es", "glue",
                                   "kinesisvideo", "lambda", "rds", "redshift", "s3",
                                   "secretsmanager", "ssm", "xray")]
    assert listed[0] == {"AliasName": "alias/aws/acm",
                         "AliasArn": "arn:aws:kms:us-east-1:123456789012:alias/aws/acm"}
    key = make_key(inv)["KeyId"]
    inv(kms.create_alias, AliasName="alias/mine", TargetKeyId=key)
    assert [a["AliasName"] for a in inv(kms.list_aliases, KeyId=key)["Aliases"]] == ["alias/mine"]
    s3 = inv(kms.describe_key, KeyId="alias/aws/s3")["KeyMetadata"]
    by_name = {a["AliasName"]: a for a in inv(kms.list_aliases)["Aliases"]}
    assert by_name["alias/aws/s3"]["TargetKeyId"] == s3["KeyId"]
    assert len(by_name) == 15 and "TargetKeyId" not in by_name["alias/aws/ssm"]
