"""Key policies enforced on every operation, grants, AWS managed keys."""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import kms as err
from awslocal_cli.services import kms

ACCOUNT = "123456789012"
ADMIN = f"arn:aws:iam::{ACCOUNT}:user/admin"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"


def admin_only_policy(*extra: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "admin", "Effect": "Allow", "Principal": {"AWS": ADMIN}, "Action": "kms:*",
         "Resource": "*"}, *extra]})


def admin_key(inv, *extra: dict) -> dict:
    return inv(kms.create_key, Policy=admin_only_policy(*extra), profile="admin")["KeyMetadata"]


def test_default_policy_grants_the_account(inv) -> None:
    md = inv(kms.create_key)["KeyMetadata"]
    text = inv(kms.get_key_policy, KeyId=md["KeyId"])["Policy"]
    assert text.startswith('{\n  "Version" : "2012-10-17",')  # KMS's own formatting
    policy = json.loads(text)
    assert any(s.get("Principal", {}).get("AWS") == f"arn:aws:iam::{ACCOUNT}:root"
               for s in policy["Statement"])
    inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x", profile="anyone")
    assert inv(kms.list_key_policies, KeyId=md["KeyId"])["PolicyNames"] == ["default"]


def test_policy_without_the_caller_denies_with_aws_message(inv) -> None:
    md = admin_key(inv)
    inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x", profile="admin")
    with pytest.raises(err.AccessDeniedException) as e:
        inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x", profile="bob")
    assert e.value.message == (
        f"User: {BOB} is not authorized to perform: kms:Encrypt on resource: {md['Arn']} "
        "because no resource-based policy allows the kms:Encrypt action")
    for fn, kw in ((kms.describe_key, {}), (kms.disable_key, {}),
                   (kms.get_key_policy, {}), (kms.list_grants, {}),
                   (kms.schedule_key_deletion, {}), (kms.list_resource_tags, {})):
        with pytest.raises(err.AccessDeniedException):
            inv(fn, KeyId=md["KeyId"], profile="bob", **kw)
    # Nothing changed, and every refusal is in the audit trail.
    assert inv(kms.describe_key, KeyId=md["KeyId"], profile="admin")["KeyMetadata"][
        "KeyState"] == "Enabled"
    denied = inv.sql("SELECT count(*) FROM events WHERE error_code = 'AccessDeniedException'")
    assert denied[0][0] == 7


def test_explicit_deny_wins(inv) -> None:
    md = admin_key(inv, {"Effect": "Deny", "Principal": {"AWS": ADMIN}, "Action": "kms:Decrypt",
                         "Resource": "*"})
    ct = inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x", profile="admin")["CiphertextBlob"]
    with pytest.raises(err.AccessDeniedException, match="explicit deny"):
        inv(kms.decrypt, CiphertextBlob=ct, profile="admin")


def test_encryption_context_conditions(inv) -> None:
    md = admin_key(inv, {"Effect": "Allow", "Principal": {"AWS": BOB}, "Action": "kms:Encrypt",
                         "Resource": "*", "Condition": {
                             "StringEquals": {"kms:EncryptionContext:dept": "it"}}})
    inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "it"},
        profile="bob")
    with pytest.raises(err.AccessDeniedException):
        inv(kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "hr"},
            profile="bob")


def test_malformed_policy_and_lockout(inv) -> None:
    with pytest.raises(err.MalformedPolicyDocumentException):
        inv(kms.create_key, Policy="{not json")
    bob_only = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": BOB}, "Action": "kms:*", "Resource": "*"}]})
    with pytest.raises(err.MalformedPolicyDocumentException) as e:
        inv(kms.create_key, Policy=bob_only, profile="admin")
    assert e.value.message == ("The new key policy will not allow you to update the key policy "
                               "in the future.")
    md = inv(kms.create_key, Policy=bob_only, profile="admin",
             BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    with pytest.raises(err.AccessDeniedException):
        inv(kms.describe_key, KeyId=md["KeyId"], profile="admin")
    key = inv(kms.create_key)["KeyMetadata"]["KeyId"]
    with pytest.raises(err.MalformedPolicyDocumentException):
        inv(kms.put_key_policy, KeyId=key, Policy=bob_only)
    inv(kms.put_key_policy, KeyId=key, Policy=admin_only_policy(), profile="admin")
    assert inv(kms.get_key_policy, KeyId=key, profile="admin")["Policy"] == admin_only_policy()


def test_grants(inv) -> None:
    md = admin_key(inv)
    key = md["KeyId"]
    g = inv(kms.create_grant, KeyId=key, GranteePrincipal=BOB, RetiringPrincipal=ADMIN,
            Operations=["Encrypt", "Decrypt"], Name="bob-grant",
            Constraints={"EncryptionContextSubset": {"app": "x"}}, profile="admin")
    assert len(g["GrantId"]) == 64 and g["GrantToken"]
    again = inv(kms.create_grant, KeyId=key, GranteePrincipal=BOB, RetiringPrincipal=ADMIN,
                Operations=["Encrypt", "Decrypt"], Name="bob-grant",
                Constraints={"EncryptionContextSubset": {"app": "x"}}, profile="admin")
    assert again["GrantId"] == g["GrantId"]  # idempotent for the same name and parameters
    ct = inv(kms.encrypt, KeyId=key, Plaintext=b"p", EncryptionContext={"app": "x", "o": "1"},
             profile="bob")["CiphertextBlob"]
    assert inv(kms.decrypt, CiphertextBlob=ct, EncryptionContext={"app": "x", "o": "1"},
               profile="bob")["Plaintext"] == b"p"
    with pytest.raises(err.AccessDeniedException):
        inv(kms.encrypt, KeyId=key, Plaintext=b"p", profile="bob")
    with pytest.raises(err.AccessDeniedException):
        inv(kms.generate_data_key, KeyId=key, KeySpec="AES_256",
            EncryptionContext={"app": "x"}, profile="bob")
    grants = inv(kms.list_grants, KeyId=key, profile="admin")["Grants"]
    assert [x["GrantId"] for x in grants] == [g["GrantId"]]
    assert grants[0]["IssuingAccount"] == f"arn:aws:iam::{ACCOUNT}:root"
    assert grants[0]["Operations"] == ["Encrypt", "Decrypt"]
    assert grants[0]["KeyId"] == md["Arn"]
    assert inv(kms.list_retirable_grants, RetiringPrincipal=ADMIN)["Grants"][0]["GrantId"] == \
        g["GrantId"]
    inv(kms.retire_grant, GrantToken=g["GrantToken"], profile="admin")
    with pytest.raises(err.AccessDeniedException):
        inv(kms.encrypt, KeyId=key, Plaintext=b"p", EncryptionContext={"app": "x"},
            profile="bob")
    g2 = inv(kms.create_grant, KeyId=key, GranteePrincipal=BOB, Operations=["DescribeKey"],
             profile="admin")
    inv(kms.describe_key, KeyId=key, profile="bob")
    inv(kms.revoke_grant, KeyId=key, GrantId=g2["GrantId"], profile="admin")
    with pytest.raises(err.NotFoundException):
        inv(kms.revoke_grant, KeyId=key, GrantId=g2["GrantId"], profile="admin")
    with pytest.raises(err.ValidationException):
        inv(kms.create_grant, KeyId=key, GranteePrincipal=BOB, Operations=["Sign"],
            Constraints={"EncryptionContextEquals": {"a": "b"}}, profile="admin")


def test_aws_managed_key_created_on_first_use_by_a_service(inv) -> None:
    with pytest.raises(err.NotFoundException):
        inv(kms.encrypt, KeyId="alias/aws/sqs", Plaintext=b"x")
    out = inv(kms.generate_data_key, KeyId="alias/aws/sqs", KeySpec="AES_256",
              EncryptionContext={"aws:sqs:arn": "arn:aws:sqs:us-east-1:123456789012:q"},
              as_ctx=lambda c: c.via("sqs"))
    md = inv(kms.describe_key, KeyId="alias/aws/sqs")["KeyMetadata"]
    assert md["KeyManager"] == "AWS" and md["Arn"] == out["KeyId"]
    assert inv(kms.decrypt, CiphertextBlob=out["CiphertextBlob"],
               EncryptionContext={"aws:sqs:arn": "arn:aws:sqs:us-east-1:123456789012:q"},
               as_ctx=lambda c: c.via("sqs"))["Plaintext"] == out["Plaintext"]
    for fn, kw in ((kms.disable_key, {}), (kms.schedule_key_deletion, {}),
                   (kms.put_key_policy, {"Policy": admin_only_policy(),
                                         "BypassPolicyLockoutSafetyCheck": True})):
        with pytest.raises((err.AccessDeniedException, err.UnsupportedOperationException)):
            inv(fn, KeyId=md["KeyId"], **kw)
    with pytest.raises(err.NotAuthorizedException):
        inv(kms.delete_alias, AliasName="alias/aws/sqs")
    # DescribeKey creates AWS managed keys too, as in AWS.
    assert inv(kms.describe_key, KeyId="alias/aws/sns")["KeyMetadata"]["KeyManager"] == "AWS"
    # The helpers for SQS/SNS.
    ctx = inv.context()
    try:
        assert kms.resolve_key_arn(ctx, "alias/aws/sqs") == md["Arn"]
        assert kms.ensure_managed_key(ctx, "sqs") == md["Arn"]
    finally:
        ctx.session.finish(True)
        ctx.session.close()


def test_service_principal_needs_the_key_policy(inv) -> None:
    md = admin_key(inv)
    svc = lambda c: c.as_service("sns.amazonaws.com",  # noqa: E731
                                 source_arn="arn:aws:sns:us-east-1:123456789012:t")
    with pytest.raises(err.AccessDeniedException):
        inv(kms.generate_data_key, KeyId=md["KeyId"], KeySpec="AES_256", as_ctx=svc)
    policy = admin_only_policy({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                                "Resource": "*"})
    inv(kms.put_key_policy, KeyId=md["KeyId"], Policy=policy, profile="admin")
    inv(kms.generate_data_key, KeyId=md["KeyId"], KeySpec="AES_256", as_ctx=svc)
    row = inv.sql("SELECT principal, username FROM events WHERE event_name = 'GenerateDataKey' "
                  "AND error_code IS NULL")
    assert row == [("sns.amazonaws.com", "sns.amazonaws.com")]


def test_retire_grant_by_id_and_who_may_retire(inv) -> None:
    md = admin_key(inv)
    key = md["KeyId"]
    g = inv(kms.create_grant, KeyId=key, GranteePrincipal=BOB,
            Operations=["Encrypt", "RetireGrant"], profile="admin")
    other = inv(kms.create_grant, KeyId=key, GranteePrincipal=BOB, Operations=["Encrypt"],
                profile="admin")
    carol = f"arn:aws:iam::{ACCOUNT}:user/carol"
    inv(kms.create_grant, KeyId=key, GranteePrincipal=carol, Operations=["Decrypt"],
        profile="admin")
    assert len(inv(kms.list_grants, KeyId=key, GranteePrincipal=BOB,
                   profile="admin")["Grants"]) == 2
    assert [x["GrantId"] for x in inv(kms.list_grants, KeyId=key, GrantId=other["GrantId"],
                                      profile="admin")["Grants"]] == [other["GrantId"]]
    with pytest.raises(err.AccessDeniedException):  # bob may not retire a grant without it
        inv(kms.retire_grant, KeyId=key, GrantId=other["GrantId"], profile="bob")
    inv(kms.retire_grant, KeyId=key, GrantId=g["GrantId"], profile="bob")
    with pytest.raises(err.NotFoundException):
        inv(kms.retire_grant, KeyId=key, GrantId=g["GrantId"], profile="admin")
    with pytest.raises(err.InvalidGrantTokenException):
        inv(kms.retire_grant, GrantToken="bogus-token", profile="admin")
    with pytest.raises(err.ValidationException):
        inv(kms.retire_grant, KeyId=key, profile="admin")
    page = inv(kms.list_grants, KeyId=key, Limit=1, profile="admin")
    assert page["Truncated"] is True
    rest = inv(kms.list_grants, KeyId=key, Marker=page["NextMarker"], profile="admin")
    assert len(rest["Grants"]) == 1 and rest["Truncated"] is False


def test_cross_account_decrypt_without_key_id(inv, monkeypatch) -> None:
    other = "210987654321"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}]})
    md = inv(kms.create_key, Policy=policy)["KeyMetadata"]
    as_other = lambda c: c.derive(account=other)  # noqa: E731
    ct = inv(kms.encrypt, KeyId=md["Arn"], Plaintext=b"shared", as_ctx=as_other)
    assert ct["KeyId"] == md["Arn"]
    out = inv(kms.decrypt, CiphertextBlob=ct["CiphertextBlob"], as_ctx=as_other)
    assert out["Plaintext"] == b"shared" and out["KeyId"] == md["Arn"]
    with pytest.raises(err.AccessDeniedException):
        inv(kms.disable_key, KeyId=md["Arn"], as_ctx=as_other)
    third = lambda c: c.derive(account="333333333333")  # noqa: E731
    with pytest.raises(err.AccessDeniedException):
        inv(kms.decrypt, CiphertextBlob=ct["CiphertextBlob"], as_ctx=third)


def test_a_grant_serves_its_grantee_only_not_a_third_principal(inv) -> None:
    # Issue 25 item 6: a grant made usable by any principal passed every test. Carol is of the
    # same account, not in the key policy, and holds neither the grant nor its grantee's name.
    md = admin_key(inv)
    key = md["KeyId"]
    g = inv(kms.create_grant, KeyId=key, GranteePrincipal=BOB, Operations=["Encrypt", "Decrypt",
            "DescribeKey"], profile="admin")
    ct = inv(kms.encrypt, KeyId=key, Plaintext=b"for bob", profile="bob")["CiphertextBlob"]
    assert inv(kms.decrypt, CiphertextBlob=ct, profile="bob")["Plaintext"] == b"for bob"
    carol = f"arn:aws:iam::{ACCOUNT}:user/carol"
    for call, request in ((kms.decrypt, {"CiphertextBlob": ct}),
                          (kms.encrypt, {"KeyId": key, "Plaintext": b"x"}),
                          (kms.describe_key, {"KeyId": key})):
        for tokens in ([], [g["GrantToken"]]):  # the token does not make carol the grantee
            with pytest.raises(err.AccessDeniedException) as exc:
                extra = {"GrantTokens": tokens} if tokens else {}
                inv(call, **request, **extra, profile="carol")
            assert f"User: {carol} is not authorized" in exc.value.message
    # Nor through a service acting for carol (kms:ViaService), nor a service principal.
    with pytest.raises(err.AccessDeniedException):
        inv(kms.decrypt, CiphertextBlob=ct, profile="carol", as_ctx=lambda c: c.via("sqs"))
    with pytest.raises(err.AccessDeniedException):
        inv(kms.decrypt, CiphertextBlob=ct,
            as_ctx=lambda c: c.as_service("sqs.amazonaws.com"))
