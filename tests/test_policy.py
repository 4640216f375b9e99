"""Resource policy grammar and evaluation: key, queue and topic policies."""

from __future__ import annotations

import fnmatch
import json
import re
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awslocal_cli import policy
from awslocal_cli.policy import PolicyError

A = "123456789012"
OTHER = "210987654321"
ROOT = f"arn:aws:iam::{A}:root"
ALICE = f"arn:aws:iam::{A}:user/alice"
BOB = f"arn:aws:iam::{A}:user/bob"
ROLE = f"arn:aws:iam::{A}:role/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/app/worker-1"
EVE = f"arn:aws:iam::{OTHER}:user/eve"
SNS = "sns.amazonaws.com"
SQS = "sqs.amazonaws.com"
KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
QUEUE = f"arn:aws:sqs:us-east-1:{A}:orders"
TOPIC = f"arn:aws:sns:us-east-1:{A}:events"
VIA_SQS = {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}

ALLOW, DENY, IMPLICIT = "Allow", "Deny", "ImplicitDeny"


def stmt(effect: str = "Allow", principal: Any = None, action: Any = "kms:*",
         resource: Any = "*", condition: dict | None = None, **extra: Any) -> dict:
    s: dict[str, Any] = {"Effect": effect}
    if "not_principal" in extra:
        s["NotPrincipal"] = extra.pop("not_principal")
    else:
        s["Principal"] = {"AWS": ROOT} if principal is None else principal
    if "not_action" in extra:
        s["NotAction"] = extra.pop("not_action")
    else:
        s["Action"] = action
    if "not_resource" in extra:
        s["NotResource"] = extra.pop("not_resource")
    elif resource is not None:
        s["Resource"] = resource
    if condition is not None:
        s["Condition"] = condition
    assert not extra, extra
    return s


def doc(*statements: dict, version: str | None = "2012-10-17") -> dict:
    d: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        d["Version"] = version
    return d


def ev(p: dict, principal: str = ALICE, action: str = "kms:Encrypt", resource: str = KEY,
       context: dict | None = None) -> str:
    return policy.evaluate(p, principal=principal, action=action, resource=resource,
                           context=context, account=A)


# -- principals ---------------------------------------------------------------------------------

PRINCIPAL_CASES = [
    # The account root (or the bare account id) stands for every IAM principal of the account.
    ("root-user", {"AWS": ROOT}, ALICE, ALLOW),
    ("root-role", {"AWS": ROOT}, ROLE, ALLOW),
    ("root-session", {"AWS": ROOT}, SESSION, ALLOW),
    ("root-itself", {"AWS": ROOT}, ROOT, ALLOW),
    ("root-not-a-service", {"AWS": ROOT}, SNS, IMPLICIT),
    ("root-other-account", {"AWS": ROOT}, EVE, IMPLICIT),
    ("account-id", {"AWS": A}, BOB, ALLOW),
    ("account-id-other", {"AWS": OTHER}, BOB, IMPLICIT),
    ("account-id-list", {"AWS": [OTHER, A]}, BOB, ALLOW),
    # Named users: exactly that ARN, case-sensitive.
    ("user", {"AWS": ALICE}, ALICE, ALLOW),
    ("user-other", {"AWS": ALICE}, BOB, IMPLICIT),
    ("user-case", {"AWS": f"arn:aws:iam::{A}:user/Alice"}, ALICE, IMPLICIT),
    ("user-not-root", {"AWS": ALICE}, ROOT, IMPLICIT),
    ("user-list", {"AWS": [ALICE, BOB]}, BOB, ALLOW),
    # Roles match their sessions (whose ARNs drop the role's path).
    ("role-session", {"AWS": ROLE}, SESSION, ALLOW),
    ("role-itself", {"AWS": ROLE}, ROLE, ALLOW),
    ("role-with-path", {"AWS": f"arn:aws:iam::{A}:role/team/app"}, SESSION, ALLOW),
    ("role-other", {"AWS": f"arn:aws:iam::{A}:role/other"}, SESSION, IMPLICIT),
    ("session", {"AWS": SESSION}, SESSION, ALLOW),
    ("session-other", {"AWS": f"arn:aws:sts::{A}:assumed-role/app/worker-2"}, SESSION, IMPLICIT),
    ("session-not-role", {"AWS": SESSION}, ROLE, IMPLICIT),
    # Everyone.
    ("star", "*", SNS, ALLOW),
    ("star-outsider", "*", EVE, ALLOW),
    ("aws-star-service", {"AWS": "*"}, SQS, ALLOW),
    ("aws-star-user", {"AWS": "*"}, EVE, ALLOW),
    # Service principals.
    ("service", {"Service": SNS}, SNS, ALLOW),
    ("service-other", {"Service": SNS}, SQS, IMPLICIT),
    ("service-not-user", {"Service": SNS}, ALICE, IMPLICIT),
    ("service-list", {"Service": [SQS, SNS]}, SQS, ALLOW),
    ("mixed", {"AWS": BOB, "Service": SNS}, SNS, ALLOW),
    ("federated", {"Federated": "cognito-identity.amazonaws.com"}, ALICE, IMPLICIT),
]


@pytest.mark.parametrize(("principal_element", "caller", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in PRINCIPAL_CASES])
def test_principal(principal_element, caller, expected):
    assert ev(doc(stmt(principal=principal_element)), principal=caller) == expected


NOT_PRINCIPAL_CASES = [
    # Deny everyone but the listed identities; AWS checks the account, then the user (or the
    # role, then the session), so the account must be listed too.
    ("listed-with-account", [ROOT, ALICE], ALICE, ALLOW),
    ("not-listed", [ROOT, ALICE], BOB, DENY),
    ("user-without-account", [ALICE], ALICE, DENY),
    ("account-only", [ROOT], BOB, DENY),
    ("account-id-only", [A], ROOT, ALLOW),
    ("session-needs-all-three", [ROOT, ROLE], SESSION, DENY),
    ("session-all-three", [ROOT, ROLE, SESSION], SESSION, ALLOW),
    ("outsider", [ROOT, ALICE], EVE, DENY),
]


@pytest.mark.parametrize(("listed", "caller", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in NOT_PRINCIPAL_CASES])
def test_not_principal_deny(listed, caller, expected):
    p = doc(stmt(principal="*"), stmt("Deny", not_principal={"AWS": listed}))
    assert ev(p, principal=caller) == expected


def test_not_principal_service():
    p = doc(stmt(principal="*"), stmt("Deny", not_principal={"Service": SNS}))
    assert ev(p, principal=SNS) == ALLOW
    assert ev(p, principal=SQS) == DENY
    assert ev(p, principal=ALICE) == DENY
    assert ev(doc(stmt("Deny", not_principal="*"), stmt(principal="*")), principal=EVE) == ALLOW


def test_not_principal_allow_inverts():
    p = doc(stmt(not_principal={"AWS": [ROOT, ALICE]}))
    assert ev(p, principal=ALICE) == IMPLICIT
    assert ev(p, principal=SNS) == ALLOW


# -- actions and resources ----------------------------------------------------------------------

ACTION_CASES = [
    ("exact", "kms:Encrypt", "kms:Encrypt", ALLOW),
    ("other", "kms:Encrypt", "kms:Decrypt", IMPLICIT),
    ("case", "KMS:encrypt", "kms:Encrypt", ALLOW),
    ("service-star", "kms:*", "kms:ScheduleKeyDeletion", ALLOW),
    ("service-star-other-service", "kms:*", "sqs:SendMessage", IMPLICIT),
    ("star", "*", "sns:Publish", ALLOW),
    ("suffix", "kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", ALLOW),
    ("suffix-empty", "kms:GenerateDataKey*", "kms:GenerateDataKey", ALLOW),
    ("suffix-no", "kms:GenerateDataKey*", "kms:GenerateRandom", IMPLICIT),
    ("prefix", "kms:*crypt", "kms:ReEncrypt", ALLOW),
    ("sqs-send", "sqs:Send*", "sqs:SendMessageBatch", ALLOW),
    ("sqs-send-no", "sqs:Send*", "sqs:ReceiveMessage", IMPLICIT),
    ("question", "kms:?ncrypt", "kms:Encrypt", ALLOW),
    ("question-no", "kms:?ncrypt", "kms:ReEncrypt", IMPLICIT),
    ("list", ["kms:Decrypt", "kms:Encrypt"], "kms:Encrypt", ALLOW),
    ("sns-upper", "SNS:Publish", "sns:Publish", ALLOW),
    ("no-partial", "kms:Encrypt", "kms:EncryptX", IMPLICIT),
]


@pytest.mark.parametrize(("pattern", "action", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in ACTION_CASES])
def test_action(pattern, action, expected):
    assert ev(doc(stmt(action=pattern)), action=action) == expected


def test_not_action():
    p = doc(stmt(not_action=["kms:Decrypt", "kms:Schedule*"]))
    assert ev(p, action="kms:Encrypt") == ALLOW
    assert ev(p, action="kms:Decrypt") == IMPLICIT
    assert ev(p, action="kms:ScheduleKeyDeletion") == IMPLICIT
    # NotAction reaches other services' actions too.
    assert ev(p, action="sqs:SendMessage") == ALLOW


RESOURCE_CASES = [
    ("star", "*", QUEUE, ALLOW),
    ("exact", QUEUE, QUEUE, ALLOW),
    ("other", QUEUE, f"arn:aws:sqs:us-east-1:{A}:payments", IMPLICIT),
    ("case-sensitive", f"arn:aws:sqs:us-east-1:{A}:Orders", QUEUE, IMPLICIT),
    ("wildcards", f"arn:aws:sqs:*:{A}:*", QUEUE, ALLOW),
    ("wildcards-other-account", f"arn:aws:sqs:*:{OTHER}:*", QUEUE, IMPLICIT),
    ("question", f"arn:aws:sqs:us-east-?:{A}:orders", QUEUE, ALLOW),
    ("list", [TOPIC, QUEUE], QUEUE, ALLOW),
    ("missing", None, QUEUE, ALLOW),
]


@pytest.mark.parametrize(("pattern", "resource", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in RESOURCE_CASES])
def test_resource(pattern, resource, expected):
    p = doc(stmt(action="sqs:*", resource=pattern))
    assert ev(p, action="sqs:SendMessage", resource=resource) == expected


def test_not_resource():
    p = doc(stmt(action="sqs:*", not_resource=QUEUE))
    assert ev(p, action="sqs:SendMessage", resource=QUEUE) == IMPLICIT
    assert ev(p, action="sqs:SendMessage", resource=QUEUE + "-dlq") == ALLOW


# -- effects ------------------------------------------------------------------------------------

EFFECT_CASES = [
    ("allow", [stmt()], ALLOW),
    ("deny-only", [stmt("Deny")], DENY),
    ("nothing-matches", [stmt(action="sqs:*")], IMPLICIT),
    ("deny-beats-allow", [stmt(), stmt("Deny", principal={"AWS": ALICE})], DENY),
    ("deny-first", [stmt("Deny", principal={"AWS": ALICE}), stmt()], DENY),
    ("deny-other-action", [stmt(), stmt("Deny", action="kms:Decrypt")], ALLOW),
    ("deny-other-user", [stmt(), stmt("Deny", principal={"AWS": BOB})], ALLOW),
    ("deny-condition-false", [stmt(), stmt("Deny", condition={
        "Bool": {"aws:SecureTransport": "false"}})], ALLOW),
    ("allow-condition-false", [stmt(condition={
        "StringEquals": {"kms:EncryptionContext:app": "x"}})], IMPLICIT),
]


@pytest.mark.parametrize(("statements", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in EFFECT_CASES])
def test_effects(statements, expected):
    assert ev(doc(*statements)) == expected


def test_single_statement_object_and_text():
    p = {"Version": "2012-10-17", "Statement": stmt()}
    assert ev(p) == ALLOW
    assert ev(json.dumps(p)) == ALLOW
    assert ev(p, principal=SNS) == IMPLICIT
    assert ev(doc(stmt(condition={"StringEquals": {"aws:SourceArn": TOPIC}})),
              context={"aws:SourceArn": TOPIC}) == ALLOW


def test_empty_statement_list_is_implicit_deny():
    assert ev({"Statement": []}) == IMPLICIT


# -- conditions ---------------------------------------------------------------------------------

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

# (id, operator, key, policy value(s), context value (None = key absent), expected)
CONDITION_CASES = [
    # Strings.
    ("streq", "StringEquals", "kms:EncryptionContext:dept", "it", "it", ALLOW),
    ("streq-case", "StringEquals", "kms:EncryptionContext:dept", "it", "IT", IMPLICIT),
    ("streq-missing", "StringEquals", "kms:EncryptionContext:dept", "it", None, IMPLICIT),
    ("streq-or", "StringEquals", "kms:EncryptionContext:dept", ["it", "hr"], "hr", ALLOW),
    ("streq-number", "StringEquals", "aws:SourceAccount", 123456789012, A, ALLOW),
    ("strne", "StringNotEquals", "kms:EncryptionContext:dept", "it", "hr", ALLOW),
    ("strne-equal", "StringNotEquals", "kms:EncryptionContext:dept", "it", "it", IMPLICIT),
    ("strne-missing", "StringNotEquals", "kms:EncryptionContext:dept", "it", None, ALLOW),
    ("strne-nor", "StringNotEquals", "kms:EncryptionContext:dept", ["it", "hr"], "hr", IMPLICIT),
    ("strne-nor-none", "StringNotEquals", "kms:EncryptionContext:dept", ["it", "hr"], "ops",
     ALLOW),
    ("streqic", "StringEqualsIgnoreCase", "kms:EncryptionContext:dept", "IT", "it", ALLOW),
    ("streqic-no", "StringEqualsIgnoreCase", "kms:EncryptionContext:dept", "IT", "hr", IMPLICIT),
    ("strneic", "StringNotEqualsIgnoreCase", "kms:EncryptionContext:dept", "IT", "it", IMPLICIT),
    ("strneic-missing", "StringNotEqualsIgnoreCase", "kms:EncryptionContext:dept", "IT", None,
     ALLOW),
    ("strlike", "StringLike", "aws:SourceArn", f"arn:aws:sns:*:{A}:*", TOPIC, ALLOW),
    ("strlike-question", "StringLike", "kms:EncryptionContext:env", "prod-??", "prod-01", ALLOW),
    ("strlike-question-no", "StringLike", "kms:EncryptionContext:env", "prod-??", "prod-001",
     IMPLICIT),
    ("strlike-case", "StringLike", "kms:EncryptionContext:env", "prod-*", "PROD-1", IMPLICIT),
    ("strlike-missing", "StringLike", "kms:EncryptionContext:env", "*", None, IMPLICIT),
    ("strnotlike", "StringNotLike", "kms:EncryptionContext:env", "prod-*", "dev-1", ALLOW),
    ("strnotlike-match", "StringNotLike", "kms:EncryptionContext:env", "prod-*", "prod-1",
     IMPLICIT),
    ("strnotlike-missing", "StringNotLike", "kms:EncryptionContext:env", "prod-*", None, ALLOW),
    ("streq-ifexists-missing", "StringEqualsIfExists", "kms:ViaService",
     "sqs.us-east-1.amazonaws.com", None, ALLOW),
    ("streq-ifexists-present", "StringEqualsIfExists", "kms:ViaService",
     "sqs.us-east-1.amazonaws.com", "sns.us-east-1.amazonaws.com", IMPLICIT),
    ("strne-ifexists-missing", "StringNotEqualsIfExists", "kms:ViaService", "x", None, ALLOW),
    ("strlike-ifexists-match", "StringLikeIfExists", "kms:ViaService", "sqs.*",
     "sqs.us-east-1.amazonaws.com", ALLOW),
    ("key-case-insensitive", "StringEquals", "KMS:encryptioncontext:DEPT", "it", "it", ALLOW),
    ("operator-case-insensitive", "stringequals", "kms:EncryptionContext:dept", "it", "it",
     ALLOW),
    # Numbers.
    ("numeq", "NumericEquals", "sqs:DelaySeconds", "5", 5, ALLOW),
    ("numeq-float", "NumericEquals", "sqs:DelaySeconds", 5, "5.0", ALLOW),
    ("numeq-no", "NumericEquals", "sqs:DelaySeconds", "5", 6, IMPLICIT),
    ("numeq-not-a-number", "NumericEquals", "sqs:DelaySeconds", "5", "five", IMPLICIT),
    ("numne", "NumericNotEquals", "sqs:DelaySeconds", "5", 6, ALLOW),
    ("numne-equal", "NumericNotEquals", "sqs:DelaySeconds", "5", 5, IMPLICIT),
    ("numne-missing", "NumericNotEquals", "sqs:DelaySeconds", "5", None, ALLOW),
    ("numlt", "NumericLessThan", "aws:MultiFactorAuthAge", "3600", 100, ALLOW),
    ("numlt-edge", "NumericLessThan", "aws:MultiFactorAuthAge", "3600", 3600, IMPLICIT),
    ("numlt-missing", "NumericLessThan", "aws:MultiFactorAuthAge", "3600", None, IMPLICIT),
    ("numle-edge", "NumericLessThanEquals", "aws:MultiFactorAuthAge", "3600", "3600", ALLOW),
    ("numgt", "NumericGreaterThan", "aws:MultiFactorAuthAge", "10", 11, ALLOW),
    ("numgt-edge", "NumericGreaterThan", "aws:MultiFactorAuthAge", "10", 10, IMPLICIT),
    ("numge-edge", "NumericGreaterThanEquals", "aws:MultiFactorAuthAge", "10", 10, ALLOW),
    ("numge-ifexists-missing", "NumericGreaterThanEqualsIfExists", "aws:MultiFactorAuthAge",
     "10", None, ALLOW),
    ("numlt-or", "NumericLessThan", "aws:MultiFactorAuthAge", ["1", "100"], 50, ALLOW),
    # Dates.
    ("datelt", "DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z",
     "2026-01-01T00:00:00Z", ALLOW),
    ("datelt-datetime", "DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", NOW, ALLOW),
    ("datelt-epoch", "DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z",
     NOW.timestamp(), ALLOW),
    ("datelt-past", "DateLessThan", "aws:CurrentTime", "2020-01-01", NOW, IMPLICIT),
    ("datelt-missing", "DateLessThan", "aws:CurrentTime", "2030-01-01", None, IMPLICIT),
    ("dategt", "DateGreaterThan", "aws:CurrentTime", "2025-12-31T23:59:59Z", NOW, ALLOW),
    ("dategt-no", "DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00+00:00", NOW,
     IMPLICIT),
    ("dateeq-epoch-vs-iso", "DateEquals", "aws:CurrentTime", str(int(NOW.timestamp())),
     "2026-01-01T00:00:00Z", ALLOW),
    ("dateeq-offset", "DateEquals", "aws:CurrentTime", "2026-01-01T01:00:00+01:00", NOW, ALLOW),
    ("datene", "DateNotEquals", "aws:CurrentTime", "2026-01-02", NOW, ALLOW),
    ("datene-missing", "DateNotEquals", "aws:CurrentTime", "2026-01-02", None, ALLOW),
    ("datele-edge", "DateLessThanEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", NOW, ALLOW),
    ("datege-edge", "DateGreaterThanEquals", "aws:CurrentTime", "2026-01-01", NOW, ALLOW),
    ("datege-after", "DateGreaterThanEquals", "aws:CurrentTime", "2026-01-02", NOW, IMPLICIT),
    ("datelt-ifexists-missing", "DateLessThanIfExists", "aws:TokenIssueTime", "2026-01-02",
     None, ALLOW),
    # Booleans.
    ("bool-true", "Bool", "kms:GrantIsForAWSResource", "true", True, ALLOW),
    ("bool-string", "Bool", "kms:GrantIsForAWSResource", "true", "true", ALLOW),
    ("bool-json", "Bool", "kms:GrantIsForAWSResource", True, "TRUE", ALLOW),
    ("bool-false", "Bool", "kms:GrantIsForAWSResource", "true", False, IMPLICIT),
    ("bool-missing", "Bool", "kms:GrantIsForAWSResource", "false", None, IMPLICIT),
    ("bool-ifexists-missing", "BoolIfExists", "kms:GrantIsForAWSResource", "false", None, ALLOW),
    ("bool-securetransport-default", "Bool", "aws:SecureTransport", "true", None, ALLOW),
    ("bool-securetransport-given", "Bool", "aws:SecureTransport", "false", False, ALLOW),
    # Binary (base64 in the policy).
    ("binary", "BinaryEquals", "aws:SomeBinary", "aGVsbG8=", b"hello", ALLOW),
    ("binary-text", "BinaryEquals", "aws:SomeBinary", "aGVsbG8=", "aGVsbG8=", ALLOW),
    ("binary-no", "BinaryEquals", "aws:SomeBinary", "aGVsbG8=", b"bye", IMPLICIT),
    ("binary-missing", "BinaryEquals", "aws:SomeBinary", "aGVsbG8=", None, IMPLICIT),
    # IP addresses.
    ("ip", "IpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.7", ALLOW),
    ("ip-outside", "IpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.1", IMPLICIT),
    ("ip-host", "IpAddress", "aws:SourceIp", "203.0.113.7", "203.0.113.7", ALLOW),
    ("ip-v6", "IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db8::1", ALLOW),
    ("ip-v4-vs-v6", "IpAddress", "aws:SourceIp", "2001:db8::/32", "203.0.113.7", IMPLICIT),
    ("ip-list", "IpAddress", "aws:SourceIp", ["10.0.0.0/8", "203.0.113.0/24"], "10.1.2.3",
     ALLOW),
    ("ip-garbage", "IpAddress", "aws:SourceIp", "203.0.113.0/24", "nope", IMPLICIT),
    ("ip-missing", "IpAddress", "aws:SourceIp", "203.0.113.0/24", None, IMPLICIT),
    ("notip", "NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.1", ALLOW),
    ("notip-inside", "NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.9", IMPLICIT),
    ("notip-missing", "NotIpAddress", "aws:SourceIp", "203.0.113.0/24", None, ALLOW),
    # ARNs.
    ("arneq", "ArnEquals", "aws:SourceArn", TOPIC, TOPIC, ALLOW),
    ("arneq-wildcard", "ArnEquals", "aws:SourceArn", f"arn:aws:sns:us-east-1:{A}:*", TOPIC,
     ALLOW),
    ("arnlike", "ArnLike", "aws:SourceArn", f"arn:aws:sns:*:{A}:ev*", TOPIC, ALLOW),
    ("arnlike-other-account", "ArnLike", "aws:SourceArn", f"arn:aws:sns:*:{OTHER}:*", TOPIC,
     IMPLICIT),
    ("arnlike-case", "ArnLike", "aws:SourceArn", f"arn:aws:sns:*:{A}:Events", TOPIC, IMPLICIT),
    # Each of the six parts is matched on its own: "us-*" cannot swallow the account.
    ("arnlike-per-part", "ArnLike", "aws:SourceArn", f"arn:aws:sns:us-*:{A}:events",
     f"arn:aws:sns:us-east-1:999:{A}:events", IMPLICIT),
    ("arnlike-resource-colons", "ArnLike", "aws:SourceArn",
     f"arn:aws:sns:us-east-1:{A}:events:*", f"{TOPIC}:7d3f-subscription", ALLOW),
    ("arnlike-not-an-arn", "ArnLike", "aws:SourceArn", f"arn:aws:sns:*:{A}:*", "events",
     IMPLICIT),
    ("arnlike-star", "ArnLike", "aws:SourceArn", "*", TOPIC, ALLOW),
    ("arnlike-missing", "ArnLike", "aws:SourceArn", "*", None, IMPLICIT),
    ("arnne", "ArnNotEquals", "aws:SourceArn", TOPIC, TOPIC + "-2", ALLOW),
    ("arnne-equal", "ArnNotEquals", "aws:SourceArn", TOPIC, TOPIC, IMPLICIT),
    ("arnnotlike-missing", "ArnNotLike", "aws:SourceArn", TOPIC, None, ALLOW),
    ("arnlike-ifexists-missing", "ArnLikeIfExists", "aws:SourceArn", TOPIC, None, ALLOW),
    # Null.
    ("null-true-missing", "Null", "aws:SourceArn", "true", None, ALLOW),
    ("null-true-present", "Null", "aws:SourceArn", "true", TOPIC, IMPLICIT),
    ("null-false-present", "Null", "aws:SourceArn", "false", TOPIC, ALLOW),
    ("null-false-missing", "Null", "aws:SourceArn", False, None, IMPLICIT),
    ("null-empty-list", "Null", "kms:EncryptionContextKeys", "true", [], ALLOW),
    # Set operators on multivalued keys.
    ("any", "ForAnyValue:StringEquals", "kms:EncryptionContextKeys", ["dept", "team"],
     ["dept", "x"], ALLOW),
    ("any-none", "ForAnyValue:StringEquals", "kms:EncryptionContextKeys", ["dept", "team"],
     ["x"], IMPLICIT),
    ("any-empty", "ForAnyValue:StringEquals", "kms:EncryptionContextKeys", "dept", [], IMPLICIT),
    ("any-missing", "ForAnyValue:StringEquals", "kms:EncryptionContextKeys", "dept", None,
     IMPLICIT),
    ("any-single-value", "ForAnyValue:StringEquals", "kms:EncryptionContextKeys", "dept",
     "dept", ALLOW),
    ("any-like", "ForAnyValue:StringLike", "kms:ResourceAliases", "alias/prod-*",
     ["alias/x", "alias/prod-a"], ALLOW),
    ("any-not", "ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys", "secret",
     ["secret", "a"], ALLOW),
    ("any-not-only-listed", "ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys",
     "secret", ["secret"], IMPLICIT),
    ("all", "ForAllValues:StringEquals", "kms:EncryptionContextKeys", ["dept", "team"],
     ["dept"], ALLOW),
    ("all-extra", "ForAllValues:StringEquals", "kms:EncryptionContextKeys", ["dept", "team"],
     ["dept", "x"], IMPLICIT),
    ("all-empty", "ForAllValues:StringEquals", "kms:EncryptionContextKeys", "dept", [], ALLOW),
    ("all-missing", "ForAllValues:StringEquals", "kms:EncryptionContextKeys", "dept", None,
     ALLOW),
    ("all-not", "ForAllValues:StringNotEquals", "kms:EncryptionContextKeys", "secret",
     ["a", "b"], ALLOW),
    ("all-not-one-listed", "ForAllValues:StringNotEquals", "kms:EncryptionContextKeys",
     "secret", ["a", "secret"], IMPLICIT),
    ("all-like", "ForAllValues:StringLike", "kms:GrantOperations", ["Encrypt", "*crypt"],
     ["Decrypt", "Encrypt", "ReEncrypt"], ALLOW),
    ("all-like-no", "ForAllValues:StringLike", "kms:GrantOperations", ["Encrypt", "*crypt"],
     ["Decrypt", "CreateGrant"], IMPLICIT),
    ("all-ifexists-missing", "ForAllValues:StringEqualsIfExists", "kms:GrantOperations",
     "Decrypt", None, ALLOW),
    ("any-ifexists-missing", "ForAnyValue:StringEqualsIfExists", "kms:GrantOperations",
     "Decrypt", None, ALLOW),
    ("any-arnlike", "ForAnyValue:ArnLike", "aws:SourceArn", f"arn:aws:sns:*:{A}:*", [TOPIC],
     ALLOW),
    ("tuple-is-a-list", "ForAllValues:StringEquals", "kms:EncryptionContextKeys", "a",
     ("a", "a"), ALLOW),
    # A multivalued key without a set operator: any value may match; negated: none may.
    ("list-no-qualifier", "StringEquals", "kms:EncryptionContextKeys", "dept", ["x", "dept"],
     ALLOW),
    ("list-no-qualifier-negated", "StringNotEquals", "kms:EncryptionContextKeys", "dept",
     ["x", "dept"], IMPLICIT),
    ("list-no-qualifier-empty-negated", "StringNotEquals", "kms:EncryptionContextKeys", "dept",
     [], ALLOW),
]


@pytest.mark.parametrize(("operator", "key", "values", "given", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in CONDITION_CASES])
def test_condition_operator(operator, key, values, given, expected):
    p = doc(stmt(condition={operator: {key: values}}))
    policy.validate(p)  # every case is a valid policy
    # The request context spells the key in lower case: condition keys ignore case.
    context = {} if given is None else {key.lower(): given}
    assert ev(p, context=context) == expected


def test_conditions_and_across_keys_and_operators():
    p = doc(stmt(condition={
        "StringEquals": {"kms:CallerAccount": A, "kms:ViaService": "sqs.us-east-1.amazonaws.com"},
        "Bool": {"aws:SecureTransport": "true"},
    }))
    assert ev(p, context=VIA_SQS) == ALLOW
    assert ev(p, context={"kms:ViaService": "sns.us-east-1.amazonaws.com"}) == IMPLICIT
    assert ev(p, context={**VIA_SQS, "aws:SecureTransport": False}) == IMPLICIT
    assert ev(p, context={**VIA_SQS, "kms:CallerAccount": OTHER}) == IMPLICIT
    assert ev({"Statement": [stmt(condition={})]}) == ALLOW


def test_encryption_context_policy():
    """Key users may decrypt only with the app's encryption context; deny without it."""
    p = doc(
        stmt(principal={"AWS": ALICE}),
        stmt(principal={"AWS": BOB}, action=["kms:Encrypt", "kms:Decrypt"], condition={
            "StringEquals": {"kms:EncryptionContext:app": "billing"}}),
        stmt("Deny", principal="*", action="kms:Decrypt", condition={
            "Null": {"kms:EncryptionContext:app": "true"}}),
    )
    good = {"kms:EncryptionContext:app": "billing", "kms:EncryptionContextKeys": ["app"]}
    assert ev(p, principal=BOB, action="kms:Decrypt", context=good) == ALLOW
    assert ev(p, principal=BOB, action="kms:Decrypt",
              context={"kms:EncryptionContext:app": "hr"}) == IMPLICIT
    assert ev(p, principal=BOB, action="kms:Decrypt", context={}) == DENY
    assert ev(p, principal=ALICE, action="kms:Decrypt", context={}) == DENY
    assert ev(p, principal=ALICE, action="kms:Encrypt", context={}) == ALLOW
    # The context key part is case-insensitive like the rest of the condition key name.
    assert ev(p, principal=BOB, action="kms:Encrypt",
              context={"kms:encryptioncontext:APP": "billing"}) == ALLOW


def test_context_filled_from_the_principal():
    def allowed(key, value, principal=ALICE, action="kms:Encrypt", context=None):
        p = doc(stmt(principal="*", action="*", condition={"StringEquals": {key: value}}))
        return ev(p, principal=principal, action=action, context=context) == ALLOW

    assert allowed("aws:PrincipalArn", ALICE)
    assert allowed("aws:PrincipalArn", ROLE, principal=SESSION)
    assert allowed("aws:PrincipalAccount", A, principal=SESSION)
    assert allowed("aws:PrincipalType", "User")
    assert allowed("aws:PrincipalType", "AssumedRole", principal=SESSION)
    assert allowed("aws:PrincipalType", "Account", principal=ROOT)
    assert allowed("aws:username", "alice")
    assert not allowed("aws:username", "app", principal=SESSION)
    assert allowed("aws:ResourceAccount", A, principal=EVE)
    assert allowed("kms:CallerAccount", OTHER, principal=EVE)
    assert not allowed("kms:CallerAccount", A, principal=EVE, action="sqs:SendMessage")
    assert not allowed("kms:CallerAccount", A, principal=SNS)
    assert not allowed("aws:PrincipalAccount", A, principal=SNS)
    assert allowed("aws:PrincipalServiceName", SNS, principal=SNS)
    assert allowed("aws:PrincipalIsAWSService", "true", principal=SNS)
    # The caller's own values win over the derived ones.
    assert allowed("aws:PrincipalAccount", OTHER, context={"AWS:PrincipalAccount": OTHER})
    assert allowed("aws:EpochTime", str(int(NOW.timestamp())),
                   context={"aws:CurrentTime": NOW})


POLICY_VARIABLE_CASES = [
    ("username", "StringEquals", "aws:PrincipalArn", f"arn:aws:iam::{A}:user/${{aws:username}}",
     {}, ALLOW, "2012-10-17"),
    ("username-2008-is-text", "StringEquals", "aws:PrincipalArn",
     f"arn:aws:iam::{A}:user/${{aws:username}}", {}, IMPLICIT, "2008-10-17"),
    ("account", "StringEquals", "aws:SourceAccount", "${aws:PrincipalAccount}",
     {"aws:SourceAccount": A}, ALLOW, "2012-10-17"),
    ("substituted-star-is-literal", "StringLike", "aws:RequestTag/team",
     "${aws:PrincipalTag/team}", {"aws:PrincipalTag/team": "a*", "aws:RequestTag/team": "abc"},
     IMPLICIT, "2012-10-17"),
    ("substituted-star-matches-star", "StringLike", "aws:RequestTag/team",
     "${aws:PrincipalTag/team}-*",
     {"aws:PrincipalTag/team": "a*", "aws:RequestTag/team": "a*-x"}, ALLOW, "2012-10-17"),
    ("default", "StringEquals", "aws:RequestTag/team", "${aws:PrincipalTag/team, 'none'}",
     {"aws:RequestTag/team": "none"}, ALLOW, "2012-10-17"),
    ("unresolved", "StringEquals", "aws:RequestTag/team", "${aws:PrincipalTag/team}",
     {"aws:RequestTag/team": ""}, IMPLICIT, "2012-10-17"),
    ("unresolved-negated", "StringNotEquals", "aws:RequestTag/team", "${aws:PrincipalTag/team}",
     {"aws:RequestTag/team": "x"}, ALLOW, "2012-10-17"),
    ("escaped-star", "StringEquals", "kms:EncryptionContext:k", "a${*}b${?}${$}",
     {"kms:EncryptionContext:k": "a*b?$"}, ALLOW, "2012-10-17"),
    ("arn-variable", "ArnLike", "aws:SourceArn", "arn:aws:sns:*:${aws:PrincipalAccount}:*",
     {"aws:SourceArn": TOPIC}, ALLOW, "2012-10-17"),
]


@pytest.mark.parametrize(("operator", "key", "value", "context", "expected", "version"),
                         [pytest.param(*c[1:], id=c[0]) for c in POLICY_VARIABLE_CASES])
def test_policy_variables(operator, key, value, context, expected, version):
    p = doc(stmt(condition={operator: {key: value}}), version=version)
    assert ev(p, context=context) == expected


def test_policy_variable_in_resource():
    p = doc(stmt(action="sqs:*", resource=f"arn:aws:sqs:*:{A}:${{aws:username}}-*"))
    assert ev(p, action="sqs:SendMessage", resource=f"arn:aws:sqs:us-east-1:{A}:alice-in") \
        == ALLOW
    assert ev(p, action="sqs:SendMessage", resource=f"arn:aws:sqs:us-east-1:{A}:bob-in") \
        == IMPLICIT
    # A service has no user name: the resource matches nothing.
    assert ev(doc(stmt(principal="*", action="sqs:*",
                       resource=f"arn:aws:sqs:*:{A}:${{aws:username}}-*")),
              principal=SNS, action="sqs:SendMessage",
              resource=f"arn:aws:sqs:us-east-1:{A}:-in") == IMPLICIT


def test_unknown_operator_in_an_unchecked_policy():
    with pytest.raises(PolicyError, match="Unknown condition operator"):
        ev({"Statement": [stmt(condition={"StringEqualz": {"aws:SourceArn": "x"}})]})


# -- SNS to SQS and topic policies --------------------------------------------------------------

QUEUE_POLICY = {
    "Version": "2012-10-17",
    "Id": f"{QUEUE}/SQSDefaultPolicy",
    "Statement": [{
        "Sid": "topic-subscription",
        "Effect": "Allow",
        "Principal": {"Service": SNS},
        "Action": "sqs:SendMessage",
        "Resource": QUEUE,
        "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}},
    }],
}
QUEUE_POLICY_STAR = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": "*",
        "Action": "SQS:SendMessage",
        "Resource": QUEUE,
        "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:*"}},
    }],
}
TOPIC_POLICY = {
    "Version": "2008-10-17",
    "Id": "__default_policy_ID",
    "Statement": [{
        "Sid": "__default_statement_ID",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                   "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                   "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
        "Resource": TOPIC,
        "Condition": {"StringEquals": {"AWS:SourceOwner": A}},
    }],
}

DELIVERY_CASES = [
    ("sns-from-topic", QUEUE_POLICY, SNS, "sqs:SendMessage", QUEUE, {"aws:SourceArn": TOPIC},
     ALLOW),
    ("sns-other-topic", QUEUE_POLICY, SNS, "sqs:SendMessage", QUEUE,
     {"aws:SourceArn": TOPIC + "-2"}, IMPLICIT),
    ("sns-no-source", QUEUE_POLICY, SNS, "sqs:SendMessage", QUEUE, {}, IMPLICIT),
    ("sns-other-queue", QUEUE_POLICY, SNS, "sqs:SendMessage", QUEUE + "-2",
     {"aws:SourceArn": TOPIC}, IMPLICIT),
    ("sns-receive", QUEUE_POLICY, SNS, "sqs:ReceiveMessage", QUEUE, {"aws:SourceArn": TOPIC},
     IMPLICIT),
    ("user-not-granted", QUEUE_POLICY, ALICE, "sqs:SendMessage", QUEUE,
     {"aws:SourceArn": TOPIC}, IMPLICIT),
    ("star-any-topic", QUEUE_POLICY_STAR, SNS, "sqs:SendMessage", QUEUE,
     {"aws:SourceArn": TOPIC + "-2"}, ALLOW),
    ("star-other-account-topic", QUEUE_POLICY_STAR, SNS, "sqs:SendMessage", QUEUE,
     {"aws:SourceArn": f"arn:aws:sns:us-east-1:{OTHER}:events"}, IMPLICIT),
    ("topic-owner-publishes", TOPIC_POLICY, ALICE, "sns:Publish", TOPIC,
     {"aws:SourceOwner": A}, ALLOW),
    ("topic-outsider", TOPIC_POLICY, EVE, "sns:Publish", TOPIC, {"aws:SourceOwner": OTHER},
     IMPLICIT),
    ("topic-not-listed-action", TOPIC_POLICY, ALICE, "sns:TagResource", TOPIC,
     {"aws:SourceOwner": A}, IMPLICIT),
]


@pytest.mark.parametrize(("p", "principal", "action", "resource", "context", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in DELIVERY_CASES])
def test_queue_and_topic_policies(p, principal, action, resource, context, expected):
    assert policy.validate(p) is p
    assert ev(p, principal=principal, action=action, resource=resource,
              context=context) == expected


# -- key policies KMS writes --------------------------------------------------------------------


def test_default_key_policy():
    p = policy.default_key_policy(A)
    assert p == {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                       "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}],
    }
    assert policy.parse(json.dumps(p)) == p
    for caller in (ALICE, ROOT, SESSION):
        assert ev(p, principal=caller, action="kms:ScheduleKeyDeletion") == ALLOW
    assert ev(p, principal=SNS) == IMPLICIT
    assert ev(p, principal=EVE) == IMPLICIT
    assert ev(p, action="sqs:SendMessage") == IMPLICIT
    assert policy.lockout_safety_ok(p, ALICE, A)


MANAGED_CASES = [
    ("via-sqs", ALICE, "kms:GenerateDataKey", VIA_SQS, ALLOW),
    ("via-sqs-decrypt", SESSION, "kms:Decrypt", VIA_SQS, ALLOW),
    ("via-sqs-reencrypt", ALICE, "kms:ReEncryptFrom", VIA_SQS, ALLOW),
    ("direct-use", ALICE, "kms:Encrypt", {}, IMPLICIT),
    ("via-other-service", ALICE, "kms:Decrypt",
     {"kms:ViaService": "sns.us-east-1.amazonaws.com"}, IMPLICIT),
    ("via-other-region", ALICE, "kms:Decrypt",
     {"kms:ViaService": "sqs.eu-west-1.amazonaws.com"}, IMPLICIT),
    ("other-account-via-sqs", EVE, "kms:Decrypt", VIA_SQS, IMPLICIT),
    ("describe", ALICE, "kms:DescribeKey", {}, ALLOW),
    ("get-policy", ALICE, "kms:GetKeyPolicy", {}, ALLOW),
    ("list-grants", ALICE, "kms:ListGrants", {}, ALLOW),
    ("revoke-grant", ALICE, "kms:RevokeGrant", {}, ALLOW),
    ("put-policy", ALICE, "kms:PutKeyPolicy", {}, IMPLICIT),
    ("schedule-deletion", ROOT, "kms:ScheduleKeyDeletion", {}, IMPLICIT),
    # The consequence for awslocal: SNS (as itself) cannot use alias/aws/sqs, even when the
    # caller passes the queue owner's account.
    ("sns-service", SNS, "kms:GenerateDataKey", {"kms:CallerAccount": A}, IMPLICIT),
    ("sqs-service", SQS, "kms:Decrypt", {}, IMPLICIT),
    ("sns-describe", SNS, "kms:DescribeKey", {}, IMPLICIT),
]


@pytest.mark.parametrize(("principal", "action", "context", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in MANAGED_CASES])
def test_aws_managed_sqs_key_policy(principal, action, context, expected):
    p = policy.aws_managed_key_policy(A, "sqs", "us-east-1")
    assert ev(p, principal=principal, action=action, context=context) == expected


def test_aws_managed_key_policy_shape():
    p = policy.aws_managed_key_policy(A, "sqs", "us-east-1")
    assert policy.parse(json.dumps(p)) == p
    assert p["Id"] == "auto-sqs-1"
    first, second = p["Statement"]
    assert first["Sid"] == ("Allow access through Simple Queue Service (SQS) for all principals "
                            "in the account that are authorized to use SQS")
    assert first["Principal"] == {"AWS": "*"}
    assert first["Action"] == ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                               "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"]
    assert first["Condition"] == {"StringEquals": {
        "kms:CallerAccount": A, "kms:ViaService": "sqs.us-east-1.amazonaws.com"}}
    assert second == {
        "Sid": "Allow direct access to key metadata to the account", "Effect": "Allow",
        "Principal": {"AWS": ROOT},
        "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
        "Resource": "*"}
    assert not policy.lockout_safety_ok(p, ALICE, A)

    sns = policy.aws_managed_key_policy(A, "sns", "eu-west-2")
    assert sns["Id"] == "auto-sns-1"
    assert sns["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"] == \
        "sns.eu-west-2.amazonaws.com"
    via_sns = {"kms:ViaService": "sns.eu-west-2.amazonaws.com"}
    assert ev(sns, action="kms:Decrypt", context=via_sns) == ALLOW
    assert ev(sns, action="kms:Encrypt", context=via_sns) == IMPLICIT  # not in its list

    china = policy.aws_managed_key_policy(A, "sqs", "cn-north-1")
    assert china["Statement"][1]["Principal"] == {"AWS": f"arn:aws-cn:iam::{A}:root"}
    assert policy.parse(json.dumps(china)) == china


LOCKOUT_CASES = [
    ("default", policy.default_key_policy(A), ALICE, True),
    ("only-bob", doc(stmt(principal={"AWS": BOB})), ALICE, False),
    ("only-bob-as-bob", doc(stmt(principal={"AWS": BOB})), BOB, True),
    ("no-put", doc(stmt(action=["kms:Encrypt", "kms:Describe*"])), ALICE, False),
    ("put-star", doc(stmt(action="kms:Put*")), ALICE, True),
    ("denied", doc(stmt(), stmt("Deny", principal={"AWS": ALICE}, action="kms:PutKeyPolicy")),
     ALICE, False),
    ("key-arn-resource", doc(stmt(resource=KEY)), ALICE, True),
    ("not-resource", doc(stmt(not_resource=f"arn:aws:kms:*:{OTHER}:key/*")), ALICE, True),
    ("condition-caller-account", doc(stmt(principal="*", condition={
        "StringEquals": {"kms:CallerAccount": A}})), ALICE, True),
    ("condition-via", doc(stmt(principal="*", condition={
        "StringEquals": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}})), ALICE, False),
]


@pytest.mark.parametrize(("p", "caller", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in LOCKOUT_CASES])
def test_lockout_safety(p, caller, expected):
    assert policy.lockout_safety_ok(p, caller, A) is expected


def test_lockout_safety_with_the_key_arn():
    p = doc(stmt(resource=KEY))
    assert policy.lockout_safety_ok(p, ALICE, A, resource=KEY)
    assert not policy.lockout_safety_ok(p, ALICE, A, resource=KEY.replace("1234abcd", "ffff"))


# -- the grammar --------------------------------------------------------------------------------

GOOD = {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}


def with_statement(**changes: Any) -> str:
    s = {**GOOD, **changes}
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{k: v for k, v in s.items() if v is not ...}]})


def with_condition(condition: Any) -> str:
    return with_statement(Condition=condition)


MALFORMED_CASES = [
    ("not-json", "{not json", "not valid JSON"),
    ("nan", '{"Statement": [], "Id": NaN}', "not valid JSON"),
    ("top-list", "[]", "must be a JSON object"),
    ("top-string", '"policy"', "must be a JSON object"),
    ("unknown-top-key", json.dumps({"Statement": [GOOD], "Statements": []}),
     "Unknown policy element 'Statements'"),
    ("bad-version", json.dumps({"Version": "2020-01-01", "Statement": [GOOD]}), "Version"),
    ("version-number", json.dumps({"Version": 2012, "Statement": [GOOD]}), "Version"),
    ("id-number", json.dumps({"Id": 1, "Statement": [GOOD]}), "Id must be a string"),
    ("no-statement", json.dumps({"Version": "2012-10-17"}), "no Statement"),
    ("empty-statement", json.dumps({"Statement": []}), "empty"),
    ("statement-string", json.dumps({"Statement": "allow all"}), "object or a list"),
    ("statement-not-object", json.dumps({"Statement": [GOOD, 1]}), "Statement 2 must be"),
    ("unknown-statement-key", with_statement(Actions="kms:*"), "unknown element 'Actions'"),
    ("no-effect", with_statement(Effect=...), "no Effect"),
    ("effect-case", with_statement(Effect="allow"), "Effect must be"),
    ("effect-other", with_statement(Effect="Permit"), "Effect must be"),
    ("action-and-notaction", with_statement(NotAction="kms:Decrypt"),
     "both Action and NotAction"),
    ("no-action", with_statement(Action=...), "neither Action nor NotAction"),
    ("principal-and-notprincipal", with_statement(NotPrincipal={"AWS": ROOT}),
     "both Principal and NotPrincipal"),
    ("no-principal", with_statement(Principal=...), "needs a Principal"),
    ("resource-and-notresource", with_statement(NotResource=KEY),
     "both Resource and NotResource"),
    ("principal-string", with_statement(Principal=ALICE), "must be \"*\" or an object"),
    ("principal-list", with_statement(Principal=[ALICE]), "must be \"*\" or an object"),
    ("principal-empty", with_statement(Principal={}), "empty"),
    ("principal-kind", with_statement(Principal={"User": ALICE}), "unknown principal type"),
    ("principal-kind-case", with_statement(Principal={"aws": ALICE}), "unknown principal type"),
    ("principal-empty-list", with_statement(Principal={"AWS": []}), "empty list"),
    ("principal-number", with_statement(Principal={"AWS": 123456789012}),
     "string or a list of strings"),
    ("principal-wildcard", with_statement(Principal={"AWS": f"arn:aws:iam::{A}:user/*"}),
     "invalid principal"),
    ("principal-group", with_statement(Principal={"AWS": f"arn:aws:iam::{A}:group/admins"}),
     "invalid principal"),
    ("principal-short-account", with_statement(Principal={"AWS": "12345"}), "invalid principal"),
    ("principal-name", with_statement(Principal={"AWS": "alice"}), "invalid principal"),
    ("principal-service-star", with_statement(Principal={"Service": "*"}), "invalid principal"),
    ("principal-service-empty", with_statement(Principal={"Service": ""}),
     "string or a list of strings"),
    ("action-no-service", with_statement(Action="Encrypt"), "service:action"),
    ("action-empty-list", with_statement(Action=[]), "empty list"),
    ("action-number", with_statement(Action=[1]), "string or a list of strings"),
    ("action-spaces", with_statement(Action="kms:Encrypt Decrypt"), "service:action"),
    ("resource-not-arn", with_statement(Resource="orders"), "not \"*\" or an ARN"),
    ("resource-object", with_statement(Resource={"arn": KEY}), "string or a list of strings"),
    ("duplicate-sid", json.dumps({"Statement": [{**GOOD, "Sid": "a"}, {**GOOD, "Sid": "a"}]}),
     "unique"),
    ("sid-number", with_statement(Sid=1), "Sid must be a string"),
    ("condition-list", with_condition([]), "Condition must be an object"),
    ("condition-unknown-operator", with_condition({"StringEqualz": {"aws:SourceArn": "x"}}),
     "Unknown condition operator 'StringEqualz'"),
    ("condition-bad-prefix", with_condition({"ForSomeValues:StringEquals": {"a:b": "x"}}),
     "Unknown condition operator"),
    ("condition-null-ifexists", with_condition({"NullIfExists": {"aws:SourceArn": "true"}}),
     "Unknown condition operator"),
    ("condition-block-string", with_condition({"StringEquals": "aws:SourceArn"}),
     "must map condition keys"),
    ("condition-key-no-prefix", with_condition({"StringEquals": {"SourceArn": "x"}}),
     "prefix:name"),
    ("condition-value-object", with_condition({"StringEquals": {"aws:SourceArn": {"a": 1}}}),
     "values must be strings"),
    ("condition-value-null", with_condition({"StringEquals": {"aws:SourceArn": None}}),
     "values must be strings"),
    ("condition-value-nested-list", with_condition({"StringEquals": {"aws:SourceArn": [["x"]]}}),
     "values must be strings"),
    ("condition-value-empty-list", with_condition({"StringEquals": {"aws:SourceArn": []}}),
     "no values"),
    ("condition-numeric", with_condition({"NumericLessThan": {"sqs:DelaySeconds": "ten"}}),
     "not a number"),
    ("condition-date", with_condition({"DateLessThan": {"aws:CurrentTime": "tomorrow"}}),
     "not a date"),
    ("condition-ip", with_condition({"IpAddress": {"aws:SourceIp": "999.1.1.1/8"}}),
     "not an IP address"),
    ("condition-bool", with_condition({"Bool": {"aws:SecureTransport": "yes"}}),
     "not true or false"),
    ("condition-null-value", with_condition({"Null": {"aws:SourceArn": "maybe"}}),
     "not true or false"),
]


@pytest.mark.parametrize(("text", "message"),
                         [pytest.param(*c[1:], id=c[0]) for c in MALFORMED_CASES])
def test_malformed(text, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        policy.parse(text)


def test_parse_rejects_non_text():
    with pytest.raises(PolicyError, match="UTF-8"):
        policy.parse(b"\xff\xfe")
    with pytest.raises(PolicyError, match="JSON text"):
        policy.parse(None)  # type: ignore[arg-type]
    with pytest.raises(PolicyError):
        policy.validate([])
    assert issubclass(PolicyError, ValueError)


VALID_DOCUMENTS = [
    ("seed-sqs-statement", {"Version": "2012-10-17", "Statement": [{
        "Sid": "Allow SQS to use the key", "Effect": "Allow",
        "Principal": {"Service": "sqs.amazonaws.com"},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}),
    ("single-statement-object", {"Statement": GOOD}),
    ("no-version", {"Statement": [GOOD]}),
    ("version-2008", {"Version": "2008-10-17", "Id": "x", "Statement": [GOOD]}),
    ("principal-star", {"Statement": [{**GOOD, "Principal": "*"}]}),
    ("principal-mixed", {"Statement": [{**GOOD, "Principal": {
        "AWS": ["*", A, ROOT, ALICE, ROLE, SESSION, f"arn:aws:sts::{A}:federated-user/f",
                f"arn:aws-us-gov:iam::{A}:user/path/x"],
        "Service": [SNS, SQS], "Federated": "cognito-identity.amazonaws.com",
        "CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}}]}),
    ("not-principal", {"Statement": [{**GOOD, "Effect": "Deny", "Principal": ...,
                                      "NotPrincipal": {"AWS": ROOT}}]}),
    ("not-action-not-resource", {"Statement": [{
        "Effect": "Deny", "Principal": "*", "NotAction": ["kms:Describe*"],
        "NotResource": [KEY]}]}),
    ("no-resource", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}),
    ("empty-sids", {"Statement": [{**GOOD, "Sid": ""}, {**GOOD, "Sid": ""}]}),
    ("sns-style-sid", {"Statement": [{**GOOD, "Sid": f"topic-subscription-{TOPIC}"}]}),
    ("condition-json-types", {"Statement": [{**GOOD, "Condition": {
        "Bool": {"aws:SecureTransport": True},
        "NumericLessThan": {"sqs:DelaySeconds": [10, "20.5"]},
        "DateGreaterThan": {"aws:CurrentTime": [1700000000, "2024-01-01T00:00:00Z"]},
        "ForAnyValue:StringLikeIfExists": {"kms:EncryptionContextKeys": ["a*"]},
        "ForAllValues:ArnLike": {"aws:SourceArn": "arn:aws:sns:*"},
        "NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
        "Null": {"aws:SourceVpc": "true"},
        "StringEquals": {"kms:EncryptionContext:Some Key": 42},
        "BinaryEquals": {"aws:x": "aGVsbG8="},
        "StringEquals" + "IfExists": {}}}]}),
]


@pytest.mark.parametrize("document", [pytest.param(c[1], id=c[0]) for c in VALID_DOCUMENTS])
def test_valid_documents(document):
    document = {**document, "Statement": (
        [{k: v for k, v in s.items() if v is not ...} for s in document["Statement"]]
        if isinstance(document["Statement"], list) else document["Statement"])}
    text = json.dumps(document)
    assert policy.parse(text) == document
    assert policy.parse(text.encode()) == document


# -- properties ---------------------------------------------------------------------------------

_ALPHABET = "ab:/-"


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET + "*?", max_size=10), st.text(_ALPHABET, max_size=12))
def test_resource_wildcards_match_like_fnmatch(pattern, text):
    """The wildcard matcher agrees with fnmatch (no [] classes in the alphabet)."""
    p = doc(stmt(action="sqs:*", resource="arn:" + pattern), version="2008-10-17")
    expected = ALLOW if fnmatch.fnmatchcase("arn:" + text, "arn:" + pattern) else IMPLICIT
    assert ev(p, action="sqs:SendMessage", resource="arn:" + text) == expected


_PRINCIPALS = st.sampled_from(["*", {"AWS": "*"}, {"AWS": ROOT}, {"AWS": A}, {"AWS": ALICE},
                               {"AWS": [BOB, ROLE]}, {"Service": SNS}, {"AWS": OTHER}])
_ACTIONS = st.sampled_from(["*", "kms:*", "kms:Encrypt", "kms:Decrypt", "kms:Generate*",
                            ["kms:Encrypt", "sqs:Send*"], "sqs:*"])
_CONDITIONS = st.sampled_from([
    None,
    {"StringEquals": {"kms:EncryptionContext:app": "x"}},
    {"StringNotEquals": {"kms:EncryptionContext:app": "x"}},
    {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app"]}},
    {"ForAnyValue:StringLike": {"kms:EncryptionContextKeys": "a*"}},
    {"Null": {"aws:SourceArn": "true"}},
    {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:{A}:*"}},
    {"StringEqualsIfExists": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}},
])


@st.composite
def _statements(draw, effect=None):
    s: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    if draw(st.booleans()):
        s["Principal"] = draw(_PRINCIPALS)
    else:
        s["NotPrincipal"] = draw(_PRINCIPALS)
    s["Action" if draw(st.booleans()) else "NotAction"] = draw(_ACTIONS)
    s["Resource"] = draw(st.sampled_from(["*", KEY, QUEUE, f"arn:aws:sqs:*:{A}:*"]))
    condition = draw(_CONDITIONS)
    if condition is not None:
        s["Condition"] = condition
    return s


_REQUESTS = st.tuples(
    st.sampled_from([ALICE, BOB, ROOT, SESSION, EVE, SNS, SQS]),
    st.sampled_from(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "sqs:SendMessage"]),
    st.sampled_from([KEY, QUEUE]),
    st.sampled_from([{}, {"kms:EncryptionContext:app": "x", "kms:EncryptionContextKeys": ["app"]},
                     {"kms:EncryptionContextKeys": []}, {"aws:SourceArn": TOPIC},
                     VIA_SQS]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_statements(), min_size=1, max_size=4), _statements(effect="Deny"),
       st.lists(_statements(effect="Allow"), max_size=2), _REQUESTS, st.randoms())
def test_evaluation_properties(statements, deny, allows, request, rnd):
    principal, action, resource, context = request
    p = {"Version": "2012-10-17", "Statement": statements}
    assert policy.parse(json.dumps(p)) == p  # the generator stays inside the grammar
    before = ev(p, principal, action, resource, context)
    # Adding a Deny never grants anything, and a Deny stays a Deny.
    after_deny = ev({**p, "Statement": [*statements, deny]}, principal, action, resource,
                    context)
    assert after_deny in (before, DENY)
    # Adding Allows never takes anything away and never lifts an explicit Deny.
    after_allow = ev({**p, "Statement": [*statements, *allows]}, principal, action, resource,
                     context)
    assert after_allow == before or (before == IMPLICIT and after_allow == ALLOW)
    # The order of statements does not matter.
    shuffled = list(statements)
    rnd.shuffle(shuffled)
    assert ev({**p, "Statement": shuffled}, principal, action, resource, context) == before
