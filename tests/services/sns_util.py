"""What the SNS service tests share: a queue whose policy lets a topic send to it."""

from __future__ import annotations

import json

from awslocal_cli.services import sqs

ACCOUNT = "123456789012"


def topic_queue(inv, name, topic=None, attributes=None):
    """Create queue `name` (its policy letting `topic` send, if given); (url, arn)."""
    attrs = dict(attributes or {})
    if name.endswith(".fifo"):
        attrs.setdefault("FifoQueue", "true")
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
    if topic:
        attrs["Policy"] = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})
    url = inv(sqs.create_queue, QueueName=name, Attributes=attrs)["QueueUrl"]
    return url, arn
