"""A request that breaks the model gets AWS's endpoint answer, never botocore's text (issue 20 §2).

Through botocore clients that do not validate (`parameter_validation=False`), in process and
over `awslocal serve`, and through raw requests on both SQS protocols; the CLI keeps the AWS
CLI's client-side validation (exit 252).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from awslocal_cli import wire

UNCHECKED = Config(parameter_validation=False, retries={"max_attempts": 0})
AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0")


@pytest.fixture(params=["in-process", "serve"])
def aws(request, tmp_path):
    """Non-validating boto3 clients on one door: aws("kms")."""
    if request.param == "serve":
        remote = request.getfixturevalue("remote")
        return lambda service: remote(service, config=UNCHECKED)
    from awslocal_cli import sdk

    state = tmp_path / "state"
    return lambda service: sdk.client(service, state_dir=state, region="us-east-1",
                                      config=UNCHECKED)


@pytest.fixture(params=["in-process", "serve"])
def raw(request, tmp_path):
    """raw(service, body, target=None) -> (status, headers, text): one hand-made request.

    With a target, a JSON request (X-Amz-Target); else a query protocol form.
    """
    endpoint = None
    if request.param == "serve":
        endpoint = request.getfixturevalue("server").endpoint
    state = tmp_path / "state"

    def send(service, body, target=None):
        headers = {"authorization": AUTH.format(service=service)}
        if target is None:
            headers["content-type"] = "application/x-www-form-urlencoded"
            data = urlencode(body).encode()
        else:
            version = "1.0" if service == "sqs" else "1.1"
            headers["content-type"] = f"application/x-amz-json-{version}"
            headers["x-amz-target"] = target
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
        if endpoint is None:
            answer = wire.handle(wire.WireRequest("POST", "/", "", headers, data),
                                 state_dir=state)
            return answer.status, answer.headers, answer.body.decode()
        # Over serve, signed as the owner's profile `test` (serve verifies signatures).
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        from tests.serve.conftest import SECRET

        signed = AWSRequest(method="POST", url=endpoint + "/", data=data,
                            headers={k: v for k, v in headers.items() if k != "authorization"})
        SigV4Auth(Credentials("test", SECRET), service, "us-east-1").add_auth(signed)
        sent = urllib.request.Request(endpoint + "/", data=data, headers=dict(signed.headers),
                                      method="POST")
        try:
            with urllib.request.urlopen(sent, timeout=10) as answer:
                return answer.status, {k.lower(): v for k, v in answer.headers.items()}, \
                    answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, \
                error.read().decode()

    return send


def _error(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response = info.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "Parameter validation failed" not in response["Error"]["Message"]
    return response["Error"]


# -- KMS: every constraint, all at once ----------------------------------------------------------


def test_kms_names_each_violation_in_awss_words(aws):
    kms = aws("kms")
    error = _error(kms.generate_random, NumberOfBytes=0)
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1")
    assert _error(kms.describe_key)["Message"] == (
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: "
        "Member must not be null")
    error = _error(kms.create_key, KeySpec="RSA_1024", Description="d" * 8193)
    head, _, rest = error["Message"].partition(": ")
    assert head == "2 validation errors detected"
    assert set(rest.split("; ")) == {
        f"Value '{'d' * 8193}' at 'description' failed to satisfy constraint: Member must "
        "have length less than or equal to 8192",
        "Value 'RSA_1024' at 'keySpec' failed to satisfy constraint: Member must satisfy enum "
        "value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, "
        "ECC_SECG_P256K1, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2, "
        "ML_DSA_44, ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519, ML_KEM_512, ML_KEM_768, "
        "ML_KEM_1024]"}
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    assert _error(kms.create_alias, AliasName="alias/sp ace", TargetKeyId=key)["Message"] == (
        "1 validation error detected: Value 'alias/sp ace' at 'aliasName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
    # A nested member's path, and a blob is never echoed (it may be plaintext).
    assert _error(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "k"}])["Message"] == (
        "1 validation error detected: Value null at 'tags.1.member.tagValue' failed to "
        "satisfy constraint: Member must not be null")
    secret = b"s" * 4097
    error = _error(kms.encrypt, KeyId=key, Plaintext=secret)
    assert error["Message"] == (
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096")


def test_a_json_member_of_the_wrong_type_is_a_serialization_error(aws):
    error = _error(aws("kms").generate_random, NumberOfBytes="12")
    assert (error["Code"], error["Message"]) == (
        "SerializationException", "STRING_VALUE can not be converted to an Integer")
    error = _error(aws("sqs").receive_message, QueueUrl="q", MaxNumberOfMessages="5")
    assert (error["Code"], error["Message"]) == (
        "SerializationException", "STRING_VALUE can not be converted to an Integer")
    error = _error(aws("cloudtrail").lookup_events, MaxResults=True)
    assert (error["Code"], error["Message"]) == (
        "SerializationException", "BOOLEAN_VALUE can not be converted to an Integer")


def test_raw_json_of_the_wrong_shape(raw):
    status, _, text = raw("kms", {"Tags": "x"}, target="TrentService.CreateKey")
    assert status == 400
    assert json.loads(text) == {"__type": "SerializationException",
                                "message": "STRING_VALUE can not be converted to a List"}
    status, _, text = raw("kms", {"KeyId": {"a": 1}}, target="TrentService.DescribeKey")
    assert (status, json.loads(text)["message"]) == (
        400, "Start of structure or map found where not expected.")
    status, _, text = raw("kms", {"NumberOfBytes": 2048}, target="TrentService.GenerateRandom")
    assert json.loads(text) == {"__type": "ValidationException", "message": (
        "1 validation error detected: Value '2048' at 'numberOfBytes' failed to satisfy "
        "constraint: Member must have value less than or equal to 1024")}


# -- SQS: MissingParameter, on both protocols ------------------------------------------------------


def test_sqs_answers_a_missing_member_as_missing_parameter(aws, request):
    sqs = aws("sqs")
    error = _error(sqs.create_queue)
    assert error == {"Code": "MissingParameter", "Type": "Sender",
                     "QueryErrorCode": "MissingRequiredParameterException",
                     "Message": "The request must contain the parameter QueueName."}
    url = sqs.create_queue(QueueName=f"missing-{request.node.callspec.id}")["QueueUrl"]
    assert _error(sqs.send_message, QueueUrl=url)["Message"] == (
        "The request must contain the parameter MessageBody.")
    assert _error(sqs.receive_message)["Message"] == (
        "The request must contain the parameter QueueUrl.")
    assert _error(sqs.tag_queue, QueueUrl=url)["Message"] == (
        "The request must contain the parameter Tags.")
    # Inside a batch, a missing member is an empty one, answered entry by entry.
    failed = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a"}])["Failed"]
    assert [(f["Id"], f["Code"], f["Message"]) for f in failed] == [
        ("a", "MissingParameter", "The request must contain the parameter MessageBody.")]
    # The service's own checks carry the recorded JSON error type too.
    assert _error(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11) == {
        "Code": "InvalidParameterValue", "Type": "Sender",
        "QueryErrorCode": "InvalidParameterValueException",
        "Message": "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be "
                   "between 1 and 10, if provided."}
    # SQS checks no enum of the model: SenderId is no QueueAttributeName, and AWS takes it.
    sqs.send_message(QueueUrl=url, MessageBody="m")
    got = sqs.receive_message(QueueUrl=url, AttributeNames=["SenderId"])["Messages"]
    assert "SenderId" in got[0]["Attributes"]


def test_sqs_query_protocol_in_its_own_words(raw):
    status, _, text = raw("sqs", {"Action": "CreateQueue", "Version": "2012-11-05"})
    assert status == 400
    assert "<Code>MissingParameter</Code>" in text
    assert "<Message>The request must contain the parameter QueueName.</Message>" in text
    status, _, text = raw("sqs", {"Action": "GetQueueUrl", "Version": "2012-11-05",
                                  "QueueName": "no-such-queue"})
    assert status == 400
    assert "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in text
    assert ("<Message>The specified queue does not exist for this wsdl version.</Message>"
            in text)
    status, headers, text = raw("sqs", {"QueueName": "no-such-queue"},
                                target="AmazonSQS.GetQueueUrl")
    assert (status, json.loads(text)["message"]) == (400, "The specified queue does not exist.")
    assert headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    status, headers, text = raw("sqs", {}, target="AmazonSQS.CreateQueue")
    assert json.loads(text) == {
        "__type": "com.amazonaws.sqs#MissingRequiredParameterException",
        "message": "The request must contain the parameter QueueName."}
    assert headers["x-amzn-query-error"] == "MissingParameter;Sender"
    status, _, text = raw("sqs", {"Action": "AddPermission", "Version": "2012-11-05",
                                  "QueueUrl": "no-such-queue", "Label": "l",
                                  "ActionName.1": "SendMessage"})
    assert ("<Message>The request must contain the parameter AWSAccountId.</Message>"
            in text)


# -- SNS: InvalidParameter for its own members, ValidationError for the framework's -----------


def test_sns_answers_a_missing_member_as_aws_does(aws, request):
    sns = aws("sns")
    error = _error(sns.unsubscribe)
    assert error == {"Type": "Sender", "Code": "InvalidParameter", "Message": (
        "Invalid parameter: SubscriptionArn Reason: no value for required parameter")}
    assert _error(sns.subscribe)["Message"] == (
        "Invalid parameter: TopicArn Reason: no value for required parameter")
    error = _error(sns.create_platform_application, Name="app", Platform="ADM")
    assert (error["Code"], error["Message"]) == (
        "ValidationError", "1 validation error detected: Value null at 'attributes' failed to "
        "satisfy constraint: Member must not be null")
    topic = sns.create_topic(Name=f"checked-{request.node.callspec.id}")["TopicArn"]
    error = _error(sns.publish, TopicArn=topic, Message="m",
                   MessageAttributes={"attr1": {"StringValue": "v"}})
    assert (error["Code"], error["Message"]) == (
        "ValidationError", "1 validation error detected: Value null at "
        "'messageAttributes.attr1.member.dataType' failed to satisfy constraint: Member must "
        "not be null")


def test_sns_raw_query_request(raw):
    status, _, text = raw("sns", {"Action": "GetSubscriptionAttributes",
                                  "Version": "2010-03-31"})
    assert status == 400
    assert "<Code>InvalidParameter</Code>" in text
    assert ("<Message>Invalid parameter: SubscriptionArn Reason: no value for required "
            "parameter</Message>") in text


# -- CloudTrail ------------------------------------------------------------------------------------


def test_cloudtrail_required_nested_member(aws):
    error = _error(aws("cloudtrail").lookup_events,
                   LookupAttributes=[{"AttributeKey": "EventName"}])
    assert (error["Code"], error["Message"]) == (
        "ValidationException", "1 validation error detected: Value null at "
        "'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member must "
        "not be null")


# -- the CLI keeps the AWS CLI's own checks ------------------------------------------------


def test_the_cli_keeps_client_side_validation(awslocal):
    result = awslocal("kms", "generate-random", "--number-of-bytes", "0")
    assert result.exit_code == 252
    assert "Parameter validation failed:" in result.stderr
    assert "Invalid value for parameter NumberOfBytes, value: 0, valid min value: 1" in (
        result.stderr)
    result = awslocal("kms", "generate-random", "--number-of-bytes", "2048")
    assert result.exit_code == 254
    assert ("Value '2048' at 'numberOfBytes' failed to satisfy constraint: Member must have "
            "value less than or equal to 1024") in result.stderr
