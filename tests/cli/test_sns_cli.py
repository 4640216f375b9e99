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
