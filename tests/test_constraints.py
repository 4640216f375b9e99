"""awslocal_cli.constraints: the model's constraints in the words of AWS's endpoints."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from awslocal_cli import constraints
from awslocal_cli import model as models

KMS = models.load("kms")
SNS = models.load("sns")


def _check(model, operation, request, rules=constraints.ALL):
    shape = model["operations"][operation]["input"]["shape"]
    return constraints.check_request(model, shape, request, rules)


def test_one_and_several_violations_are_summed_up():
    assert constraints.summary(["a"]) == "1 validation error detected: a"
    assert constraints.summary(["a", "b"]) == "2 validation errors detected: a; b"


def test_member_paths_are_camel_case_and_nested_as_aws_writes_them():
    assert _check(KMS, "GenerateRandom", {"NumberOfBytes": 0}) == [
        "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value "
        "greater than or equal to 1"]
    assert _check(KMS, "CreateKey", {"Tags": [{"TagKey": "k", "TagValue": "v"}, {}]}) == [
        "Value null at 'tags.2.member.tagKey' failed to satisfy constraint: Member must not "
        "be null",
        "Value null at 'tags.2.member.tagValue' failed to satisfy constraint: Member must not "
        "be null"]
    # A structure held in a map: <map>.<key>.member (recorded from SNS).
    assert _check(SNS, "Publish", {"Message": "m", "MessageAttributes": {"attr1": {}}}) == [
        "Value null at 'messageAttributes.attr1.member.dataType' failed to satisfy "
        "constraint: Member must not be null"]


def test_lists_are_echoed_as_the_services_java_writes_them():
    problems = _check(KMS, "Encrypt", {"KeyId": "k", "Plaintext": b"p",
                                       "GrantTokens": [f"t{i}" for i in range(11)]})
    assert problems == [
        "Value '[t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10]' at 'grantTokens' failed to "
        "satisfy constraint: Member must have length less than or equal to 10"]


def test_secrets_and_blobs_are_never_echoed():
    problems = _check(KMS, "Encrypt", {"KeyId": "k", "Plaintext": b"x" * 4097})
    assert problems == ["Value at 'plaintext' failed to satisfy constraint: Member must have "
                        "length less than or equal to 4096"]
    problems = _check(KMS, "CreateCustomKeyStore", {"CustomKeyStoreName": "s",
                                                    "KeyStorePassword": "short"})
    assert problems == ["Value '*** Sensitive Data Redacted ***' at 'keyStorePassword' failed "
                        "to satisfy constraint: Member must have length greater than or equal "
                        "to 7"]


def test_rules_choose_what_a_service_checks():
    sns_rules = constraints.Rules(top_scalars=False, limits=False, enums=False,
                                  patterns=False)
    assert _check(SNS, "Unsubscribe", {}, sns_rules) == []
    assert _check(SNS, "Unsubscribe", {}) == [
        "Value null at 'subscriptionArn' failed to satisfy constraint: Member must not be null"]
    assert _check(SNS, "CreatePlatformApplication", {"Name": "n", "Platform": "ADM"},
                  sns_rules) == [
        "Value null at 'attributes' failed to satisfy constraint: Member must not be null"]
    assert _check(KMS, "ListAliases", {"Nope": 1}, constraints.Rules(unknown=True)) == [
        "Unknown parameter 'Nope'"]


def test_patterns_python_cannot_read_are_not_checked():
    sts = models.load("sts")
    shape = {"shapes": {"T": {"type": "string", "pattern": "[\\p{L}]+"}}}
    problems: list[str] = []
    constraints.check_value(shape, "T", "!!", "t", problems)
    assert problems == []
    assert sts["shapes"]["tagKeyType"]["pattern"].startswith("[\\p{L}")


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_a_number_breaks_a_range_exactly_when_it_is_outside(n):
    problems = _check(KMS, "GenerateRandom", {"NumberOfBytes": n})
    assert bool(problems) == (not 1 <= n <= 1024)
    if problems:
        bound = "greater than or equal to 1" if n < 1 else "less than or equal to 1024"
        assert problems == [f"Value '{n}' at 'numberOfBytes' failed to satisfy constraint: "
                            f"Member must have value {bound}"]


@given(st.text(max_size=300))
def test_an_alias_name_breaks_length_or_pattern_exactly_when_aws_would(name):
    import re

    problems = _check(KMS, "DeleteAlias", {"AliasName": name})
    ok = 1 <= len(name) <= 256 and re.fullmatch(r"[a-zA-Z0-9:/_-]+", name) is not None
    assert bool(problems) == (not ok)
    assert len(problems) <= 1  # the first constraint broken, as AWS reports one per member
