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
