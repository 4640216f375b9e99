"""Issue 11 through the command line: regions on the data path, AWS's wording, exit codes."""

from __future__ import annotations

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


def test_sqs_queue_url_of_another_region(awslocal):
    assert awslocal("sqs", "create-queue", "--queue-name", "q").exit_code == 0
    r = awslocal("sqs", "send-message", "--queue-url", URL, "--message-body", "hi",
                 "--region", "eu-west-1")
    assert r.exit_code == 254, r
    assert r.stdout == ""
    assert "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the " \
        "SendMessage operation: The specified queue does not exist." in r.stderr
    r = awslocal("sqs", "receive-message", "--queue-url", URL)
    assert (r.exit_code, r.stdout) == (0, "")  # the us-east-1 queue got nothing


def test_sqs_receive_attribute_prefix(awslocal):
    assert awslocal("sqs", "create-queue", "--queue-name", "q").exit_code == 0
    r = awslocal("sqs", "send-message", "--queue-url", URL, "--message-body", "hi",
                 "--message-attributes", "Hello={DataType=String,StringValue=w}")
    assert r.exit_code == 0, r
    r = awslocal("sqs", "receive-message", "--queue-url", URL,
                 "--message-attribute-names", "Hel.*")
    assert r.exit_code == 0, r
    message = r.json["Messages"][0]
    assert message["MessageAttributes"] == {"Hello": {"StringValue": "w",
                                                      "DataType": "String"}}
    assert message["MD5OfMessageAttributes"] == r.json["Messages"][0]["MD5OfMessageAttributes"]


def test_sns_topic_of_another_region(awslocal):
    topic = awslocal("sns", "create-topic", "--name", "t").json["TopicArn"]
    for args in (("publish", "--topic-arn", topic, "--message", "m"),
                 ("get-topic-attributes", "--topic-arn", topic),
                 ("delete-topic", "--topic-arn", topic)):
        r = awslocal("sns", *args, "--region", "eu-west-1")
        assert r.exit_code == 254, r
        assert "(InvalidParameter) when calling the " in r.stderr
        assert r.stderr.rstrip().endswith("Invalid parameter: TopicArn")
    r = awslocal("sns", "list-topics")
    assert r.json == {"Topics": [{"TopicArn": topic}]}  # DeleteTopic deleted nothing


def test_sns_unsubscribe_twice_succeeds(awslocal):
    topic = awslocal("sns", "create-topic", "--name", "t").json["TopicArn"]
    sub = awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                   "--notification-endpoint", "arn:aws:sqs:us-east-1:123456789012:q"
                   ).json["SubscriptionArn"]
    for _ in range(2):
        r = awslocal("sns", "unsubscribe", "--subscription-arn", sub)
        assert (r.exit_code, r.stdout, r.stderr) == (0, "", ""), r


def test_kms_describe_key_arn_of_another_region(awslocal):
    md = awslocal("kms", "create-key", "--region", "us-west-2").json["KeyMetadata"]
    r = awslocal("kms", "describe-key", "--key-id", md["Arn"], "--region", "us-east-1")
    assert r.exit_code == 254, r
    assert "An error occurred (NotFoundException) when calling the DescribeKey operation: " \
        "Invalid arn us-west-2" in r.stderr


def test_kms_dates_print_with_milliseconds(awslocal):
    r = awslocal("kms", "create-key", env={"AWSLOCAL_NOW": "2026-03-01T10:11:58.394567Z"})
    assert r.exit_code == 0, r
    assert r.json["KeyMetadata"]["CreationDate"] == "2026-03-01T10:11:58.394000+00:00"
    r = awslocal("kms", "schedule-key-deletion", "--key-id", r.json["KeyMetadata"]["KeyId"],
                 "--pending-window-in-days", "7",
                 env={"AWSLOCAL_NOW": "2026-03-01T10:11:58.394567Z"})
    assert r.exit_code == 0, r
    assert r.json["DeletionDate"] == "2026-03-08T10:11:58.394000+00:00"
