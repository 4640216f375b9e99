"""Every operation the CLI serves answers through boto3 in process, and botocore parses it.

The requests are generated from the service models: the required members (plus a few optional
ones a useful call needs) with valid values, resource names pointing at resources made fresh
for each call. An error answer is fine where the state makes it the right one (a grant token
that does not exist, an SMS sandbox); a 500, an unknown operation or an unparsed body is not.
The operations in SUCCEEDS must succeed.
"""

from __future__ import annotations

import itertools
import json

import pytest
from botocore.exceptions import ClientError

from awslocal_cli import model as models
from awslocal_cli.cli.operation import implemented_operations

ACCOUNT = "123456789012"
_counter = itertools.count()

SERVICES = ("kms", "sqs", "sns", "sts", "cloudtrail")
OPERATIONS = [
    (service, op) for service in SERVICES for op in sorted(implemented_operations(service).values())
]

SUCCEEDS = {
    "kms": {
        "CancelKeyDeletion", "CreateAlias", "CreateGrant", "CreateKey", "Decrypt", "DeleteAlias",
        "DescribeKey", "DisableKey", "DisableKeyRotation", "EnableKey", "EnableKeyRotation",
        "Encrypt", "GenerateDataKey", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext",
        "GenerateMac", "GenerateRandom", "GetKeyPolicy", "GetKeyRotationStatus",
        "GetPublicKey", "ListAliases", "ListGrants", "ListKeyPolicies", "ListKeyRotations",
        "ListKeys", "ListResourceTags", "ListRetirableGrants", "PutKeyPolicy", "ReEncrypt",
        "RetireGrant", "RevokeGrant", "ScheduleKeyDeletion", "Sign", "TagResource",
        "UntagResource", "UpdateAlias", "UpdateKeyDescription", "Verify", "VerifyMac",
        "DeriveSharedSecret", "RotateKeyOnDemand", "DescribeCustomKeyStores",
        "GetKeyLastUsage",
    },
    "sqs": set(implemented_operations("sqs").values()) - {"StartMessageMoveTask",
                                                          "CancelMessageMoveTask"},
    "sns": {
        "AddPermission", "CreateTopic", "DeleteTopic", "GetSubscriptionAttributes",
        "GetTopicAttributes", "ListSubscriptions", "ListSubscriptionsByTopic",
        "ListTagsForResource", "ListTopics", "Publish", "PublishBatch", "RemovePermission",
        "SetSubscriptionAttributes", "SetTopicAttributes", "Subscribe", "TagResource",
        "Unsubscribe", "UntagResource", "GetDataProtectionPolicy", "PutDataProtectionPolicy",
        "CreatePlatformApplication", "ListPlatformApplications", "GetSMSAttributes",
        "SetSMSAttributes", "CheckIfPhoneNumberIsOptedOut", "ListPhoneNumbersOptedOut",
        "ListSMSSandboxPhoneNumbers", "GetSMSSandboxAccountStatus", "ListOriginationNumbers",
        "CreateSMSSandboxPhoneNumber", "OptInPhoneNumber",
    },
    "sts": {"GetCallerIdentity"},
    "cloudtrail": {"LookupEvents"},
}

KEY_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "root", "Effect": "Allow",
                   "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                   "Action": "kms:*", "Resource": "*"}],
})
DATA_PROTECTION_POLICY = json.dumps({
    "Name": "p", "Description": "d", "Version": "2021-06-01",
    "Statement": [{"Sid": "s", "DataDirection": "Inbound", "Principal": ["*"],
                   "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                   "Operation": {"Deny": {}}}],
})


class Fixtures:
    """Fresh resources for one call, made on demand through the same in-process route."""

    def __init__(self, client):
        self.client = client
        self.n = next(_counter)

    def key(self, **kwargs):
        return self.client("kms").create_key(**kwargs)["KeyMetadata"]["KeyId"]

    def queue(self, name=None):
        return self.client("sqs").create_queue(QueueName=name or f"q{self.n}")["QueueUrl"]

    def topic(self):
        return self.client("sns").create_topic(Name=f"t{self.n}")["TopicArn"]

    def receipt(self, url):
        sqs = self.client("sqs")
        sqs.send_message(QueueUrl=url, MessageBody="m")
        return sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]


def request_for(service, op, fx):
    """A valid request for one operation, on fresh resources."""
    model = models.load(service)
    ref = model["operations"][op].get("input")
    if ref is None:
        return {}
    shape = model["shapes"][ref["shape"]]
    members = shape.get("members", {})
    req = {m: generic(model, members[m]["shape"]) for m in shape.get("required", [])}
    special = SPECIAL.get((service, op))
    if special is not None:
        req.update(special(fx))
        return req
    for name in list(req):
        value = by_name(service, op, name, fx, req)
        if value is not None:
            req[name] = value
    return req


def generic(model, shape_name):
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        members = shape.get("members", {})
        return {m: generic(model, members[m]["shape"]) for m in shape.get("required", [])}
    if kind == "list":
        count = max(shape.get("min", 1), 1)
        return [generic(model, shape["member"]["shape"]) for _ in range(count)]
    if kind == "map":
        return {"k": generic(model, shape["value"]["shape"])}
    if kind == "string":
        return shape["enum"][0] if "enum" in shape else "a" * max(shape.get("min", 1), 1)
    if kind in ("integer", "long"):
        return max(shape.get("min", 1), 1)
    if kind == "boolean":
        return False
    if kind == "blob":
        return b"a" * max(shape.get("min", 1), 1)
    raise AssertionError(kind)


def by_name(service, op, name, fx, req):
    if service == "kms":
        return {
            "KeyId": lambda: fx.key(),
            "TargetKeyId": lambda: fx.key(),
            "DestinationKeyId": lambda: fx.key(),
            "AliasName": lambda: f"alias/a{fx.n}",
            "Plaintext": lambda: b"plain",
            "Policy": lambda: KEY_POLICY,
            "GranteePrincipal": lambda: f"arn:aws:iam::{ACCOUNT}:user/bob",
            "Operations": lambda: ["Encrypt"],
            "Tags": lambda: [{"TagKey": "k", "TagValue": "v"}],
            "TagKeys": lambda: ["k"],
            "ReplicaRegion": lambda: "eu-west-1",
            "PrimaryRegion": lambda: "eu-west-1",
            "CiphertextBlob": lambda: b"junk",
        }.get(name, lambda: None)()
    if service == "sqs":
        return {
            "QueueUrl": lambda: fx.queue(),
            "QueueName": lambda: f"q{fx.n}",
            "MessageBody": lambda: "body",
            "ReceiptHandle": lambda: fx.receipt(req.get("QueueUrl") or fx.queue()),
            "VisibilityTimeout": lambda: 1,
            "AWSAccountIds": lambda: [ACCOUNT],
            "Actions": lambda: ["SendMessage"],
            "Attributes": lambda: {"VisibilityTimeout": "10"},
            "Tags": lambda: {"k": "v"},
            "TagKeys": lambda: ["k"],
            "SourceArn": lambda: f"arn:aws:sqs:us-east-1:{ACCOUNT}:q{fx.n}",
        }.get(name, lambda: None)()
    if service == "sns":
        return {
            "TopicArn": lambda: fx.topic(),
            "ResourceArn": lambda: fx.topic(),
            "Name": lambda: f"t{fx.n}",
            "Message": lambda: "hello",
            "AWSAccountId": lambda: [ACCOUNT],
            "ActionName": lambda: ["Publish"],
            "Tags": lambda: [{"Key": "k", "Value": "v"}],
            "TagKeys": lambda: ["k"],
            "PhoneNumber": lambda: "+15555550100",
            "phoneNumber": lambda: "+15555550100",
            "OneTimePassword": lambda: "123456",
            "Platform": lambda: "GCM",
            "Attributes": lambda: {"PlatformCredential": "secret"},
            "attributes": lambda: {"DefaultSMSType": "Transactional"},
            "DataProtectionPolicy": lambda: DATA_PROTECTION_POLICY,
            "Token": lambda: "token",
            "Protocol": lambda: "sqs",
            "PublishBatchRequestEntries": lambda: [{"Id": "1", "Message": "m"}],
        }.get(name, lambda: None)()
    return None


def _subscription(fx):
    url = fx.queue()
    arn = fx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return fx.client("sns").subscribe(TopicArn=fx.topic(), Protocol="sqs", Endpoint=arn,
                                      ReturnSubscriptionArn=True)["SubscriptionArn"]


def _ciphertext(fx, **extra):
    key = fx.key()
    blob = fx.client("kms").encrypt(KeyId=key, Plaintext=b"p")["CiphertextBlob"]
    return {"CiphertextBlob": blob, **extra}


def _grant(fx, field):
    key = fx.key()
    grant = fx.client("kms").create_grant(
        KeyId=key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:user/default",
        RetiringPrincipal=f"arn:aws:iam::{ACCOUNT}:user/default", Operations=["Encrypt"])
    return {"KeyId": key, "GrantId": grant["GrantId"]} if field == "id" else {
        "GrantToken": grant["GrantToken"]}


def _signature(fx):
    kms = fx.client("kms")
    key = fx.key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    sig = kms.sign(KeyId=key, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    return {"KeyId": key, "Message": b"m", "Signature": sig,
            "SigningAlgorithm": "RSASSA_PSS_SHA_256"}


def _mac(fx):
    kms = fx.client("kms")
    key = fx.key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    mac = kms.generate_mac(KeyId=key, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
    return {"KeyId": key, "Message": b"m", "Mac": mac, "MacAlgorithm": "HMAC_SHA_256"}


def _shared_secret(fx):
    kms = fx.client("kms")
    key = fx.key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    other = fx.key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    public = kms.get_public_key(KeyId=other)["PublicKey"]
    return {"KeyId": key, "KeyAgreementAlgorithm": "ECDH", "PublicKey": public}


def _alias(fx):
    alias = f"alias/a{fx.n}"
    fx.client("kms").create_alias(AliasName=alias, TargetKeyId=fx.key())
    return {"AliasName": alias}


def _pending_deletion(fx):
    key = fx.key()
    fx.client("kms").schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    return {"KeyId": key}


def _permission(fx, service):
    if service == "sqs":
        url = fx.queue()
        fx.client("sqs").add_permission(QueueUrl=url, Label="l", AWSAccountIds=[ACCOUNT],
                                        Actions=["SendMessage"])
        return {"QueueUrl": url, "Label": "l"}
    topic = fx.topic()
    fx.client("sns").add_permission(TopicArn=topic, Label="l", AWSAccountId=[ACCOUNT],
                                    ActionName=["Publish"])
    return {"TopicArn": topic, "Label": "l"}


def _batch(fx, kind):
    url = fx.queue()
    handle = fx.receipt(url)
    entry = {"Id": "1", "ReceiptHandle": handle}
    if kind == "visibility":
        entry["VisibilityTimeout"] = 1
    return {"QueueUrl": url, "Entries": [entry]}


SPECIAL = {
    ("kms", "Decrypt"): lambda fx: _ciphertext(fx),
    ("kms", "ReEncrypt"): lambda fx: _ciphertext(fx, DestinationKeyId=fx.key()),
    # Optional in the model, but AWS wants one principal or the other (ValidationException).
    ("kms", "CreateGrant"): lambda fx: {"KeyId": fx.key(), "Operations": ["Encrypt"],
                                        "GranteePrincipal": f"arn:aws:iam::{ACCOUNT}:user/bob"},
    ("kms", "ListRetirableGrants"): lambda fx: {
        "RetiringPrincipal": f"arn:aws:iam::{ACCOUNT}:user/default"},
    ("kms", "RetireGrant"): lambda fx: _grant(fx, "token"),
    ("kms", "RevokeGrant"): lambda fx: _grant(fx, "id"),
    ("kms", "Sign"): lambda fx: {k: v for k, v in _signature(fx).items() if k != "Signature"},
    ("kms", "Verify"): _signature,
    ("kms", "GetPublicKey"): lambda fx: {"KeyId": fx.key(KeySpec="RSA_2048",
                                                         KeyUsage="SIGN_VERIFY")},
    ("kms", "GenerateMac"): lambda fx: {k: v for k, v in _mac(fx).items() if k != "Mac"},
    ("kms", "VerifyMac"): _mac,
    ("kms", "DeriveSharedSecret"): _shared_secret,
    ("kms", "DeleteAlias"): _alias,
    ("kms", "UpdateAlias"): lambda fx: {**_alias(fx), "TargetKeyId": fx.key()},
    ("kms", "CancelKeyDeletion"): _pending_deletion,
    ("kms", "GenerateDataKey"): lambda fx: {"KeyId": fx.key(), "KeySpec": "AES_256"},
    ("kms", "GenerateDataKeyWithoutPlaintext"): lambda fx: {"KeyId": fx.key(),
                                                            "KeySpec": "AES_256"},
    ("kms", "GenerateRandom"): lambda fx: {"NumberOfBytes": 16},
    ("kms", "ScheduleKeyDeletion"): lambda fx: {"KeyId": fx.key(), "PendingWindowInDays": 7},
    ("sqs", "RemovePermission"): lambda fx: _permission(fx, "sqs"),
    ("sqs", "DeleteMessageBatch"): lambda fx: _batch(fx, "delete"),
    ("sqs", "ChangeMessageVisibilityBatch"): lambda fx: _batch(fx, "visibility"),
    ("sqs", "SendMessageBatch"): lambda fx: {
        "QueueUrl": fx.queue(), "Entries": [{"Id": "1", "MessageBody": "b"}]},
    ("sqs", "GetQueueUrl"): lambda fx: {"QueueName": fx.queue().rsplit("/", 1)[1]},
    ("sqs", "ListMessageMoveTasks"): lambda fx: {
        "SourceArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:" + fx.queue().rsplit("/", 1)[1]},
    ("sqs", "ListDeadLetterSourceQueues"): lambda fx: {"QueueUrl": fx.queue()},
    ("sns", "RemovePermission"): lambda fx: _permission(fx, "sns"),
    ("sns", "Subscribe"): lambda fx: {"TopicArn": fx.topic(), "Protocol": "sqs",
                                      "Endpoint": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q{fx.n}"},
    ("sns", "Unsubscribe"): lambda fx: {"SubscriptionArn": _subscription(fx)},
    ("sns", "GetSubscriptionAttributes"): lambda fx: {"SubscriptionArn": _subscription(fx)},
    ("sns", "SetSubscriptionAttributes"): lambda fx: {
        "SubscriptionArn": _subscription(fx), "AttributeName": "RawMessageDelivery",
        "AttributeValue": "true"},
    ("sns", "SetTopicAttributes"): lambda fx: {"TopicArn": fx.topic(),
                                               "AttributeName": "DisplayName",
                                               "AttributeValue": "shown"},
    ("sns", "ListSubscriptionsByTopic"): lambda fx: {"TopicArn": fx.topic()},
    ("sns", "Publish"): lambda fx: {"TopicArn": fx.topic(), "Message": "hello"},
}
# Operations whose generic request is an error in a fresh state, with the error AWS answers.
UNMODELED_OK = {"AccessDeniedException", "ValidationException", "InvalidParameterValue",
                "InvalidParameter", "MissingParameter", "AuthorizationError"}


def _params():
    for service, op in OPERATIONS:
        yield pytest.param(service, op, id=f"{service}-{op}")


@pytest.mark.parametrize(("service", "operation"), list(_params()))
def test_operation_answers_and_parses(client, service, operation):
    fx = Fixtures(client)
    request = request_for(service, operation, fx)
    boto = client(service)
    method = getattr(boto, models.snake_case(operation))
    try:
        response = method(**request)
    except ClientError as exc:
        error = exc.response["Error"]
        status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
        assert operation not in SUCCEEDS[service], (error, request)
        assert status < 500, error
        assert error["Code"] and error["Code"] not in (
            "UnknownOperationException", "InvalidAction", "SerializationException",
        ), error
        modeled = {e["shape"] for e in models.load(service)["operations"][operation].get(
            "errors", [])}
        known = modeled | {models.load(service)["shapes"][s].get("error", {}).get("code")
                           for s in modeled} | UNMODELED_OK
        assert error.get("QueryErrorCode", error["Code"]) in known or error["Code"] in known, (
            error, sorted(modeled))
        return
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert operation in SUCCEEDS[service], f"{operation} succeeded; add it to SUCCEEDS"
    output = models.load(service)["operations"][operation].get("output")
    if output is not None:
        members = models.load(service)["shapes"][output["shape"]].get("members", {})
        assert set(response) - {"ResponseMetadata"} <= set(members)


def test_every_served_operation_is_in_the_table():
    assert len(OPERATIONS) == sum(len(implemented_operations(s)) for s in SERVICES)
    assert {s for s, _ in OPERATIONS} == set(SERVICES)
