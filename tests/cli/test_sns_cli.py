"""SNS through the command line: topics, subscriptions, publishing into a queue."""

from __future__ import annotations

import json


def test_topic_subscribe_publish_receive(awslocal):
    topic = awslocal("sns", "create-topic", "--name", "events").json["TopicArn"]
    url = awslocal("sqs", "create-queue", "--queue-name", "q").json["QueueUrl"]
    queue_arn = "arn:aws:sqs:us-east-1:123456789012:q"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})
    r = awslocal("sqs", "set-queue-attributes", "--queue-url", url, "--attributes",
                 json.dumps({"Policy": policy}))
    assert r.exit_code == 0, r
    r = awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                 "--notification-endpoint", queue_arn)
    assert r.exit_code == 0, r
    r = awslocal("sns", "publish", "--topic-arn", topic, "--message", "hello")
    assert r.exit_code == 0, r
    message_id = r.json["MessageId"]
    body = json.loads(awslocal("sqs", "receive-message", "--queue-url", url).json[
        "Messages"][0]["Body"])
    assert body["MessageId"] == message_id
    assert body["Message"] == "hello"
    listed = awslocal("sns", "list-subscriptions").json["Subscriptions"]
    assert listed[0]["Endpoint"] == queue_arn


def test_missing_topic_is_254(awslocal):
    r = awslocal("sns", "get-topic-attributes", "--topic-arn",
                 "arn:aws:sns:us-east-1:123456789012:nope")
    assert r.exit_code == 254
    assert "(NotFound)" in r.stderr
    assert "Topic does not exist" in r.stderr


def _ok(result):
    assert result.exit_code == 0, result
    return result.json if result.stdout.strip() else None


def test_topic_operations(awslocal):
    arns = [_ok(awslocal("sns", "create-topic", "--name", f"t{i}", "--tags",
                         f"Key=team,Value=t{i}"))["TopicArn"] for i in range(3)]
    listed = _ok(awslocal("sns", "list-topics"))["Topics"]
    assert [t["TopicArn"] for t in listed] == arns
    text = awslocal("sns", "list-topics", "--query", "Topics[].TopicArn", "--output", "text")
    assert text.stdout.split() == arns
    _ok(awslocal("sns", "set-topic-attributes", "--topic-arn", arns[0], "--attribute-name",
                 "DisplayName", "--attribute-value", "Alerts"))
    attrs = _ok(awslocal("sns", "get-topic-attributes", "--topic-arn", arns[0]))["Attributes"]
    assert attrs["DisplayName"] == "Alerts"
    bad = awslocal("sns", "set-topic-attributes", "--topic-arn", arns[0], "--attribute-name",
                   "Nonsense", "--attribute-value", "x")
    assert bad.exit_code == 254 and "(InvalidParameter)" in bad.stderr

    _ok(awslocal("sns", "add-permission", "--topic-arn", arns[0], "--label", "share",
                 "--aws-account-id", "111122223333", "--action-name", "Publish"))
    policy = json.loads(_ok(awslocal("sns", "get-topic-attributes", "--topic-arn",
                                     arns[0]))["Attributes"]["Policy"])
    assert any(st.get("Sid") == "share" for st in policy["Statement"])
    _ok(awslocal("sns", "remove-permission", "--topic-arn", arns[0], "--label", "share"))
    policy = json.loads(_ok(awslocal("sns", "get-topic-attributes", "--topic-arn",
                                     arns[0]))["Attributes"]["Policy"])
    assert not any(st.get("Sid") == "share" for st in policy["Statement"])

    _ok(awslocal("sns", "tag-resource", "--resource-arn", arns[1], "--tags",
                 "Key=env,Value=dev"))
    _ok(awslocal("sns", "untag-resource", "--resource-arn", arns[1], "--tag-keys", "team"))
    tags = _ok(awslocal("sns", "list-tags-for-resource", "--resource-arn", arns[1]))["Tags"]
    assert tags == [{"Key": "env", "Value": "dev"}]

    _ok(awslocal("sns", "delete-topic", "--topic-arn", arns[2]))
    assert len(_ok(awslocal("sns", "list-topics"))["Topics"]) == 2
    gone = awslocal("sns", "list-tags-for-resource", "--resource-arn", arns[2])
    assert gone.exit_code == 254 and "(ResourceNotFound)" in gone.stderr


def test_subscription_operations(awslocal):
    topic = _ok(awslocal("sns", "create-topic", "--name", "subs"))["TopicArn"]
    queue = "arn:aws:sqs:us-east-1:123456789012:q"
    sub = _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                       "--notification-endpoint", queue))["SubscriptionArn"]
    pending = _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
                           "--notification-endpoint", "me@example.com",
                           "--return-subscription-arn"))["SubscriptionArn"]
    assert pending.startswith(topic + ":")
    listed = _ok(awslocal("sns", "list-subscriptions-by-topic", "--topic-arn", topic))[
        "Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == [sub, "PendingConfirmation"]
    _ok(awslocal("sns", "set-subscription-attributes", "--subscription-arn", sub,
                 "--attribute-name", "FilterPolicy", "--attribute-value",
                 '{"color": ["red"]}'))
    attrs = _ok(awslocal("sns", "get-subscription-attributes", "--subscription-arn", sub))[
        "Attributes"]
    assert attrs["FilterPolicy"] == '{"color": ["red"]}'
    assert attrs["FilterPolicyScope"] == "MessageAttributes"
    assert attrs["PendingConfirmation"] == "false"
    bad = awslocal("sns", "set-subscription-attributes", "--subscription-arn", sub,
                   "--attribute-name", "FilterPolicy", "--attribute-value", '{"color": []}')
    assert bad.exit_code == 254 and "(InvalidParameter)" in bad.stderr
    _ok(awslocal("sns", "unsubscribe", "--subscription-arn", sub))
    missing = awslocal("sns", "get-subscription-attributes", "--subscription-arn", sub)
    assert missing.exit_code == 254 and "(NotFound)" in missing.stderr


def test_publish_batch_through_the_cli(awslocal):
    topic = _ok(awslocal("sns", "create-topic", "--name", "batch"))["TopicArn"]
    out = _ok(awslocal("sns", "publish-batch", "--topic-arn", topic,
                       "--publish-batch-request-entries",
                       "Id=a,Message=one", "Id=b,Message=two",
                       "Id=c,Message=three,MessageDeduplicationId=nope"))
    assert [s["Id"] for s in out["Successful"]] == ["a", "b"]
    [failed] = out["Failed"]
    assert (failed["Id"], failed["Code"], failed["SenderFault"]) == ("c", "InvalidParameter",
                                                                     True)
    empty = awslocal("sns", "publish-batch", "--topic-arn", topic,
                     "--publish-batch-request-entries", "[]")
    assert empty.exit_code == 254
    assert "(EmptyBatchRequest)" in empty.stderr
