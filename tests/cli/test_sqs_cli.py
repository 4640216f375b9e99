"""SQS through the command line: the tutorials' commands, errors and exit codes.

Skipped until the argument conversion layer (awslocal_cli/cli/argconv.py) exists.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("awslocal_cli.cli.argconv")

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/"


def test_queue_round_trip(awslocal):
    r = awslocal("sqs", "create-queue", "--queue-name", "q")
    assert r.exit_code == 0, r
    assert r.json == {"QueueUrl": URL + "q"}
    r = awslocal("sqs", "send-message", "--queue-url", URL + "q", "--message-body", "hello",
                 "--message-attributes", '{"a": {"DataType": "String", "StringValue": "x"}}')
    assert r.exit_code == 0, r
    assert r.json["MD5OfMessageBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert r.json["MD5OfMessageAttributes"] == "a512aac9938034acb0b3c3d965944bf1"
    r = awslocal("sqs", "receive-message", "--queue-url", URL + "q",
                 "--message-attribute-names", "All", "--attribute-names", "All")
    assert r.exit_code == 0, r
    message = r.json["Messages"][0]
    assert message["Body"] == "hello"
    r = awslocal("sqs", "delete-message", "--queue-url", URL + "q", "--receipt-handle",
                 message["ReceiptHandle"])
    assert (r.exit_code, r.stdout) == (0, "")
    r = awslocal("sqs", "list-queues")
    assert r.json == {"QueueUrls": [URL + "q"]}


def test_errors_print_query_codes(awslocal):
    r = awslocal("sqs", "get-queue-url", "--queue-name", "missing")
    assert r.exit_code == 254
    assert "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the " \
        "GetQueueUrl operation: The specified queue does not exist." in r.stderr
    r = awslocal("sqs", "create-queue", "--queue-name", "q", "--attributes",
                 "VisibilityTimeout=99999")
    assert r.exit_code == 254
    assert "(InvalidAttributeValue)" in r.stderr


def test_tutorial_customer_managed_key(awslocal):
    key = awslocal("kms", "create-key", "--description", "ADGU Nova Key").json[
        "KeyMetadata"]["KeyId"]
    url = awslocal("sqs", "create-queue", "--queue-name", "ADGU-Queue", "--attributes",
                   json.dumps({"KmsMasterKeyId": key,
                               "KmsDataKeyReusePeriodSeconds": "300"})).json["QueueUrl"]
    assert awslocal("sqs", "send-message", "--queue-url", url, "--message-body",
                    "hi").exit_code == 0
    got = awslocal("sqs", "receive-message", "--queue-url", url).json["Messages"][0]
    assert got["Body"] == "hi"
    assert awslocal("kms", "disable-key", "--key-id", key).exit_code == 0
    assert awslocal("local", "clock", "advance", "301s").exit_code == 0
    r = awslocal("sqs", "send-message", "--queue-url", url, "--message-body", "x")
    assert r.exit_code == 254 and "(KMS.DisabledException)" in r.stderr
