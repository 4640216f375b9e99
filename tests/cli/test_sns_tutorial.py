"""The encrypted-topic tutorial (seeds/004) through the command line, with its failure modes."""

from __future__ import annotations

import json

ACCOUNT = "123456789012"
REGION = "us-east-1"


def _ok(result):
    assert result.exit_code == 0, result
    return result.json if result.stdout.strip() else None


def _queue_for(awslocal, name, topic, attributes=None):
    url = _ok(awslocal("sqs", "create-queue", "--queue-name", name,
                       *(["--attributes", json.dumps(attributes)] if attributes else [])))[
        "QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]}
    _ok(awslocal("sqs", "set-queue-attributes", "--queue-url", url, "--attributes",
                 json.dumps({"Policy": json.dumps(policy)})))
    return url, arn


def test_encrypted_topic_tutorial_end_to_end(awslocal):
    # A customer managed key whose policy lets the account (the publisher) and the event
    # source the tutorial names use GenerateDataKey* and Decrypt.
    key_policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
         "Resource": "*"},
        {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}]}
    key = _ok(awslocal("kms", "create-key", "--description", "SNS topic key", "--policy",
                       json.dumps(key_policy)))["KeyMetadata"]
    _ok(awslocal("kms", "create-alias", "--alias-name", "alias/MyKey", "--target-key-id",
                 key["KeyId"]))
    topic = _ok(awslocal("sns", "create-topic", "--name", "MyEncryptedTopic", "--attributes",
                         "KmsMasterKeyId=alias/MyKey"))["TopicArn"]
    assert topic == f"arn:aws:sns:{REGION}:{ACCOUNT}:MyEncryptedTopic"
    attrs = _ok(awslocal("sns", "get-topic-attributes", "--topic-arn", topic))["Attributes"]
    assert attrs["KmsMasterKeyId"] == "alias/MyKey"

    # Two queues subscribe, one raw with a filter policy.
    orders_url, orders_arn = _queue_for(awslocal, "orders", topic)
    audit_url, audit_arn = _queue_for(awslocal, "audit", topic)
    _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                 "--notification-endpoint", orders_arn, "--attributes",
                 json.dumps({"RawMessageDelivery": "true",
                             "FilterPolicy": json.dumps({"type": ["order"]})})))
    _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                 "--notification-endpoint", audit_arn))
    published = _ok(awslocal("sns", "publish", "--topic-arn", topic, "--message",
                             "order 17 shipped", "--message-attributes",
                             "type={DataType=String,StringValue=order}"))
    _ok(awslocal("sns", "publish", "--topic-arn", topic, "--message", "refund 3"))

    orders = _ok(awslocal("sqs", "receive-message", "--queue-url", orders_url,
                          "--max-number-of-messages", "10"))["Messages"]
    assert [m["Body"] for m in orders] == ["order 17 shipped"]
    audit = _ok(awslocal("sqs", "receive-message", "--queue-url", audit_url,
                         "--max-number-of-messages", "10"))["Messages"]
    envelopes = [json.loads(m["Body"]) for m in audit]
    assert [e["Message"] for e in envelopes] == ["order 17 shipped", "refund 3"]
    assert envelopes[0]["MessageId"] == published["MessageId"]
    assert envelopes[0]["SigningCertURL"].startswith("file://")

    # SNS called KMS as the publisher: GenerateDataKey once (reused), Decrypt per publish.
    events = _ok(awslocal("cloudtrail", "lookup-events", "--lookup-attributes",
                          "AttributeKey=EventSource,AttributeValue=kms.amazonaws.com"))[
        "Events"]
    names = [e["EventName"] for e in events]
    assert names.count("GenerateDataKey") == 1
    assert names.count("Decrypt") == 2

    deliveries = _ok(awslocal("local", "deliveries", "--topic-arn", topic))["Deliveries"]
    assert sorted(d["Status"] for d in deliveries) == ["delivered"] * 3 + ["filtered"]
    # The refund kept out of orders by its filter policy is logged with the reason (issue 22).
    filtered = next(d for d in deliveries if d["Status"] == "filtered")
    assert filtered["Endpoint"] == orders_arn
    assert filtered["Reason"] == ("Filtered out: the message attributes do not match the "
                                  "subscription's filter policy {\"type\": [\"order\"]}")


def test_managed_key_alias_aws_sns(awslocal):
    topic = _ok(awslocal("sns", "create-topic", "--name", "t", "--attributes",
                         "KmsMasterKeyId=alias/aws/sns"))["TopicArn"]
    _ok(awslocal("sns", "publish", "--topic-arn", topic, "--message", "hi"))
    described = _ok(awslocal("kms", "describe-key", "--key-id", "alias/aws/sns"))
    assert described["KeyMetadata"]["KeyManager"] == "AWS"


def test_key_policy_without_the_publisher_refuses_publish(awslocal):
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"},
        "Action": "kms:*", "Resource": "*"}]}
    key = _ok(awslocal("kms", "create-key", "--policy", json.dumps(policy),
                       "--bypass-policy-lockout-safety-check"))["KeyMetadata"]["KeyId"]
    topic = _ok(awslocal("sns", "create-topic", "--name", "locked", "--attributes",
                         f"KmsMasterKeyId={key}"))["TopicArn"]
    result = awslocal("sns", "publish", "--topic-arn", topic, "--message", "hi")
    assert result.exit_code == 254
    assert "(KMSAccessDenied)" in result.stderr
    assert "when calling the Publish operation" in result.stderr


def test_disabled_key_refuses_publish(awslocal):
    key = _ok(awslocal("kms", "create-key"))["KeyMetadata"]["KeyId"]
    topic = _ok(awslocal("sns", "create-topic", "--name", "t", "--attributes",
                         f"KmsMasterKeyId={key}"))["TopicArn"]
    _ok(awslocal("kms", "disable-key", "--key-id", key))
    result = awslocal("sns", "publish", "--topic-arn", topic, "--message", "hi")
    assert result.exit_code == 254
    assert "(KMSDisabled)" in result.stderr


def test_queue_on_alias_aws_sqs_cannot_receive_from_sns(awslocal):
    topic = _ok(awslocal("sns", "create-topic", "--name", "t"))["TopicArn"]
    url, arn = _queue_for(awslocal, "managed", topic, {"KmsMasterKeyId": "alias/aws/sqs"})
    _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                 "--notification-endpoint", arn))
    _ok(awslocal("sns", "publish", "--topic-arn", topic, "--message", "hi"))
    assert "Messages" not in (_ok(awslocal("sqs", "receive-message", "--queue-url", url))
                              or {})
    refused = _ok(awslocal("local", "deliveries", "--status", "refused"))["Deliveries"]
    assert len(refused) == 1
    assert refused[0]["Endpoint"] == arn
    assert "KMS" in refused[0]["Reason"]
    text = awslocal("local", "deliveries", "--status", "refused", "--query",
                    "Deliveries[].Status", "--output", "text")
    assert text.stdout.strip() == "refused"


def test_missing_queue_policy_is_refused_and_visible(awslocal):
    topic = _ok(awslocal("sns", "create-topic", "--name", "t"))["TopicArn"]
    _ok(awslocal("sqs", "create-queue", "--queue-name", "open"))
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:open"
    _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                 "--notification-endpoint", arn))
    _ok(awslocal("sns", "publish", "--topic-arn", topic, "--message", "hi"))
    [row] = _ok(awslocal("local", "deliveries"))["Deliveries"]
    assert row["Status"] == "refused"
    assert "does not allow sns.amazonaws.com" in row["Reason"]


def test_outbox_command(awslocal):
    topic = _ok(awslocal("sns", "create-topic", "--name", "mail"))["TopicArn"]
    _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
                 "--notification-endpoint", "me@example.com"))
    box = _ok(awslocal("local", "outbox", "--protocol", "email"))["Messages"]
    assert len(box) == 1
    body = json.loads(box[0]["Payload"])["Body"]
    token = body.split("Token: ")[1].strip()
    confirmed = _ok(awslocal("sns", "confirm-subscription", "--topic-arn", topic, "--token",
                             token))
    assert confirmed["SubscriptionArn"].startswith(topic + ":")
    _ok(awslocal("sns", "publish", "--topic-arn", topic, "--message", "hello",
                 "--subject", "Hi"))
    box = _ok(awslocal("local", "outbox", "--endpoint", "me@example.com"))["Messages"]
    assert json.loads(box[-1]["Payload"])["Subject"] == "Hi"
    assert _ok(awslocal("local", "outbox", "--protocol", "sms"))["Messages"] == []
    bad = awslocal("local", "outbox", "--protocol", "pigeon")
    assert bad.exit_code == 252


def test_http_endpoint_with_retries_driven_by_the_local_clock(awslocal):
    from tests.services.sns.util import Endpoint

    endpoint = Endpoint()
    try:
        topic = _ok(awslocal("sns", "create-topic", "--name", "hooks"))["TopicArn"]
        out = _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "http",
                           "--notification-endpoint", endpoint.url))
        assert out["SubscriptionArn"] == "pending confirmation"
        token = endpoint.messages()[0]["Token"]
        _ok(awslocal("sns", "confirm-subscription", "--topic-arn", topic, "--token", token))
        endpoint.codes = [500, 502]
        _ok(awslocal("sns", "publish", "--topic-arn", topic, "--message", "ping"))
        pending = _ok(awslocal("local", "deliveries"))["Pending"]
        assert [(p["Type"], p["Attempts"]) for p in pending] == [("Notification", 1)]
        _ok(awslocal("local", "clock", "advance", "20s"))   # the second attempt: 502
        _ok(awslocal("local", "clock", "advance", "20s"))   # the third: delivered
        notes = [m for m in endpoint.messages() if m["Type"] == "Notification"]
        assert [m["Message"] for m in notes] == ["ping"] * 3
        view = _ok(awslocal("local", "deliveries", "--topic-arn", topic))
        assert view["Pending"] == []
        assert [d["Status"] for d in view["Deliveries"]][-3:] == ["retrying", "retrying",
                                                                  "delivered"]
    finally:
        endpoint.server.shutdown()
        endpoint.server.server_close()
