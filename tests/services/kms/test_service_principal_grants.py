"""Grants to service principals (GranteeServicePrincipal, RetiringServicePrincipal), and the
members the model makes optional that the functions once required."""

from __future__ import annotations

import pytest

from awslocal_cli.errors import kms as err
from awslocal_cli.services import kms
from tests.services.kms.kms_util import make_key

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"


def test_a_grant_to_a_service_principal_is_bound_to_its_source_arn(inv) -> None:
    key = make_key(inv)["KeyId"]
    blob = inv(kms.encrypt, KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(err.ValidationException, match="SourceArn"):
        inv(kms.create_grant, KeyId=key, GranteeServicePrincipal="sqs.amazonaws.com",
            RetiringPrincipal="arn:aws:iam::123456789012:user/admin", Operations=["Decrypt"])
    with pytest.raises(err.ValidationException, match="not both"):
        inv(kms.create_grant, KeyId=key, GranteeServicePrincipal="sqs.amazonaws.com",
            GranteePrincipal="arn:aws:iam::123456789012:user/bob", Operations=["Decrypt"],
            Constraints={"SourceArn": QUEUE})
    g = inv(kms.create_grant, KeyId=key, GranteeServicePrincipal="sqs.amazonaws.com",
            RetiringServicePrincipal="sqs.amazonaws.com", Operations=["Decrypt"],
            Constraints={"SourceArn": QUEUE})
    as_queue = lambda c: c.as_service("sqs.amazonaws.com", source_arn=QUEUE)  # noqa: E731
    as_other = lambda c: c.as_service("sqs.amazonaws.com", source_arn=QUEUE + "x")  # noqa: E731
    assert inv(kms.decrypt, CiphertextBlob=blob, as_ctx=as_queue)["Plaintext"] == b"x"
    with pytest.raises(err.AccessDeniedException):
        inv(kms.decrypt, CiphertextBlob=blob, as_ctx=as_other)
    (entry,) = inv(kms.list_grants, KeyId=key)["Grants"]
    assert entry["GranteeServicePrincipal"] == "sqs.amazonaws.com"
    assert entry["RetiringServicePrincipal"] == "sqs.amazonaws.com"
    assert "GranteePrincipal" not in entry and entry["GrantId"] == g["GrantId"]
    assert inv(kms.list_grants, KeyId=key, GranteeServicePrincipal="sqs.amazonaws.com")["Grants"]
    assert inv(kms.list_grants, KeyId=key, GranteePrincipal="sqs.amazonaws.com")["Grants"] == []
    retirable = inv(kms.list_retirable_grants, RetiringServicePrincipal="sqs.amazonaws.com")
    assert [x["GrantId"] for x in retirable["Grants"]] == [g["GrantId"]]
    assert inv(kms.list_retirable_grants, RetiringPrincipal="sqs.amazonaws.com")["Grants"] == []


def test_list_retirable_grants_needs_one_retiring_principal(inv, awslocal) -> None:
    with pytest.raises(err.ValidationException, match="either RetiringPrincipal"):
        inv(kms.list_retirable_grants)
    result = awslocal("kms", "list-retirable-grants")
    assert result.exit_code == 254, result
    assert "ValidationException" in result.stderr and "Traceback" not in result.stderr


def test_list_keys_resource_owners(inv) -> None:
    key = make_key(inv)["KeyId"]
    assert [k["KeyId"] for k in inv(kms.list_keys, ResourceOwners=["SELF"])["Keys"]] == [key]
    assert inv(kms.list_keys, ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM"])["Keys"] == []
