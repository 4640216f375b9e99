"""SQS through the command line: the tutorials' commands, errors and exit codes."""

from __future__ import annotations

import json

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


def test_a_bare_queue_name_serves_as_queue_url(awslocal):
    assert awslocal("sqs", "create-queue", "--queue-name", "byname").exit_code == 0
    r = awslocal("sqs", "send-message", "--queue-url", "byname", "--message-body", "hi")
    assert r.exit_code == 0, r
    r = awslocal("sqs", "receive-message", "--queue-url", "byname")
    assert r.exit_code == 0, r
    assert [m["Body"] for m in r.json["Messages"]] == ["hi"]
    r = awslocal("sqs", "delete-message", "--queue-url", "byname", "--receipt-handle",
                 r.json["Messages"][0]["ReceiptHandle"])
    assert (r.exit_code, r.stdout) == (0, "")
    r = awslocal("sqs", "get-queue-attributes", "--queue-url", "nosuchqueue")
    assert r.exit_code == 254
    assert r.stderr.endswith("An error occurred (AWS.SimpleQueueService.NonExistentQueue) when "
                             "calling the GetQueueAttributes operation: The specified queue does "
                             "not exist.\n")
    r = awslocal("sqs", "get-queue-attributes", "--queue-url",
                 "http://whatever-incorrect-queue-address")
    assert r.exit_code == 254 and "(AWS.SimpleQueueService.NonExistentQueue)" in r.stderr


def test_tutorial_customer_managed_key(awslocal, monkeypatch):
    advance = _pin_clock(monkeypatch)
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
    r = awslocal("sqs", "send-message", "--queue-url", url, "--message-body", "cached key")
    assert r.exit_code == 0, r  # the data key is reused for 300 s
    advance(301)
    r = awslocal("sqs", "send-message", "--queue-url", url, "--message-body", "x")
    assert r.exit_code == 254 and "(KMS.DisabledException)" in r.stderr


def _pin_clock(monkeypatch, start: str = "2030-01-01T00:00:00"):
    """Pin the local clock (AWSLOCAL_NOW), so that a reuse period never lapses on its own while
    a loaded machine runs the steps; the returned function moves it, as `clock advance` would."""
    from datetime import datetime, timedelta

    now = [datetime.fromisoformat(start)]
    monkeypatch.setenv("AWSLOCAL_NOW", now[0].isoformat() + "Z")

    def advance(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)
        monkeypatch.setenv("AWSLOCAL_NOW", now[0].isoformat() + "Z")

    return advance


def test_tutorial_sse_kms_walkthrough(awslocal, monkeypatch):
    """Seeds 000 and 002, line by line: a customer managed key protecting a queue. The clock is
    pinned: the data key's reuse period ends when the test moves the clock, not on its own."""
    advance = _pin_clock(monkeypatch)
    key = awslocal("kms", "create-key", "--description", "queue key").json["KeyMetadata"]
    assert awslocal("kms", "create-alias", "--alias-name", "alias/queue-key",
                    "--target-key-id", key["KeyId"]).exit_code == 0
    url = awslocal("sqs", "create-queue", "--queue-name", "my-secure-queue").json["QueueUrl"]
    assert awslocal("sqs", "list-queues", "--queue-name-prefix", "my-").json == {
        "QueueUrls": [url]}
    # New queues are SSE-SQS; switch to the customer managed key by alias.
    assert awslocal("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                    "SqsManagedSseEnabled").json["Attributes"] == {"SqsManagedSseEnabled": "true"}
    assert awslocal("sqs", "set-queue-attributes", "--queue-url", url, "--attributes",
                    "KmsMasterKeyId=alias/queue-key,KmsDataKeyReusePeriodSeconds=60,"
                    "MessageRetentionPeriod=1209600"
                    ).exit_code == 0
    attrs = awslocal("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                     "All").json["Attributes"]
    assert attrs["KmsMasterKeyId"] == "alias/queue-key"
    assert attrs["KmsDataKeyReusePeriodSeconds"] == "60"
    assert attrs["SqsManagedSseEnabled"] == "false"

    ids = [awslocal("sqs", "send-message", "--queue-url", url, "--message-body", f"secret body {i}",
                    "--query", "MessageId", "--output", "text").stdout.strip()
           for i in range(3)]
    stored = awslocal("local", "inspect-message", "--queue-url", url, "--message-id", ids[0])
    assert stored.json["Encryption"] == "SSE-KMS"
    assert stored.json["KmsKeyArn"] == key["Arn"]
    assert "secret body" not in stored.stdout  # (a space: never in base64 or hex)

    got = awslocal("sqs", "receive-message", "--queue-url", url).json["Messages"][0]
    assert got["Body"] == "secret body 0"
    assert awslocal("sqs", "delete-message", "--queue-url", url, "--receipt-handle",
                    got["ReceiptHandle"]).exit_code == 0

    # One data key served all three sends: one GenerateDataKey in the trail.
    trail = awslocal("cloudtrail", "lookup-events", "--lookup-attributes",
                     "AttributeKey=EventName,AttributeValue=GenerateDataKey").json["Events"]
    assert len(trail) == 1

    # Disabled key: the cached data key keeps serving until its reuse period lapses.
    assert awslocal("kms", "disable-key", "--key-id", key["KeyId"]).exit_code == 0
    assert awslocal("sqs", "send-message", "--queue-url", url, "--message-body",
                    "still fine").exit_code == 0
    advance(61)
    refused = awslocal("sqs", "send-message", "--queue-url", url, "--message-body", "no")
    assert refused.exit_code == 254
    assert "(KMS.DisabledException)" in refused.stderr

    # Schedule deletion, let the window pass: the stored messages can never be read again.
    assert awslocal("kms", "schedule-key-deletion", "--key-id", key["KeyId"],
                    "--pending-window-in-days", "7").exit_code == 0
    advance(8 * 86400)
    lost = awslocal("sqs", "receive-message", "--queue-url", url)
    assert lost.exit_code == 254
    assert "KMS" in lost.stderr


def test_batch_result_entries_print_in_the_models_member_order(awslocal):
    # botocore builds structures in model order, so the AWS CLI prints Id, MessageId,
    # MD5OfMessageBody (tests/serve/test_aws_cli_v2.py compares against it).
    url = awslocal("sqs", "create-queue", "--queue-name", "ordered").json["QueueUrl"]
    result = awslocal("sqs", "send-message-batch", "--queue-url", url, "--entries",
                      "Id=a,MessageBody=one")
    assert result.exit_code == 0, result
    assert list(result.json) == ["Successful", "Failed"]
    assert list(result.json["Successful"][0]) == ["Id", "MessageId", "MD5OfMessageBody"]


def test_model_order_keeps_maps_and_unmodelled_members():
    from awslocal_cli import model
    from awslocal_cli.cli.operation import in_model_order

    sqs = model.load("sqs")
    value = {"Extra": 1, "Attributes": {"b": "2", "a": "1"}}
    assert list(in_model_order(sqs, "GetQueueAttributesResult", value)) == ["Attributes", "Extra"]
    assert list(in_model_order(sqs, "GetQueueAttributesResult", value)["Attributes"]) == [
        "b", "a"]
