"""SNS data protection through the command line: a denied publish, de-identified delivery,
audit findings in `awslocal local findings`."""

from __future__ import annotations

import json

ACCOUNT = "123456789012"
ID = "arn:aws:dataprotection::aws:data-identifier/"


def _setup(awslocal, *statements):
    policy = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": list(statements)})
    topic = awslocal("sns", "create-topic", "--name", "t", "--data-protection-policy",
                     policy).json["TopicArn"]
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:inbox"
    queue_policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})
    url = awslocal("sqs", "create-queue", "--queue-name", "inbox", "--attributes",
                   json.dumps({"Policy": queue_policy})).json["QueueUrl"]
    r = awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                 "--notification-endpoint", queue_arn, "--attributes",
                 '{"RawMessageDelivery": "true"}')
    assert r.exit_code == 0, r
    return topic, url


def test_denied_publish_exits_254_with_authorization_error(awslocal):
    topic, url = _setup(awslocal, {
        "DataDirection": "Inbound", "Principal": ["*"],
        "DataIdentifier": [ID + "AwsSecretKey"], "Operation": {"Deny": {}}})
    r = awslocal("sns", "publish", "--topic-arn", topic, "--message",
                 "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert r.exit_code == 254, r
    assert r.stdout == ""
    assert r.stderr.strip().endswith(
        "An error occurred (AuthorizationError) when calling the Publish operation: The "
        f"topic's data protection policy prohibits this message from being published to "
        f"{topic}"), r.stderr
    r = awslocal("sqs", "receive-message", "--queue-url", url)
    assert (r.exit_code, r.stdout) == (0, "")


def test_masked_delivery_and_findings(awslocal):
    topic, url = _setup(awslocal, {
        "DataDirection": "Inbound", "Principal": ["*"], "DataIdentifier": [ID + "IpAddress"],
        "Operation": {"Audit": {"SampleRate": "99", "FindingsDestination": {
            "S3": {"Bucket": "audit-bucket"}}}}}, {
        "DataDirection": "Inbound", "Principal": ["*"], "DataIdentifier": [ID + "IpAddress"],
        "Operation": {"Deidentify": {"MaskConfig": {"MaskWithCharacter": "#"}}}})
    ids = []
    for _ in range(5):
        r = awslocal("sns", "publish", "--topic-arn", topic, "--message", "from 10.0.0.7")
        assert r.exit_code == 0, r
        ids.append(r.json["MessageId"])
    r = awslocal("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10")
    assert {m["Body"] for m in r.json["Messages"]} == {"from ########"}
    r = awslocal("local", "findings", "--topic-arn", topic)
    assert r.exit_code == 0, r
    found = r.json["Findings"]
    assert found and {f["messageId"] for f in found} <= set(ids)
    assert found[0]["dataIdentifiers"] == [
        {"name": "IpAddress", "count": 1, "detections": [{"start": 5, "end": 13}]}]
    assert found[0]["Destination"] == "S3:audit-bucket"
    r = awslocal("local", "deliveries", "--status", "audit", "--query",
                 "Deliveries[0].Reason", "--output", "text")
    assert (r.exit_code, r.stdout.strip()) == (0, "Findings: IpAddress x1"), r
