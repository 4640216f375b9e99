"""The topic page's delivery outcomes a tutorial runs into: an HTTP endpoint that fails (the
"waiting for a retry" list), and an SSE-KMS queue whose key is disabled (a refused delivery)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("jinja2")

from awslocal_cli.wire.wsgi import App
from tests.console.test_pages import get
from tests.services.sns.util import Endpoint

ACCOUNT = "123456789012"


@pytest.fixture
def run(awslocal):
    def run(*args: str) -> str:
        result = awslocal(*args)
        assert result.exit_code == 0, result
        return result.stdout.strip()

    return run


@pytest.fixture
def endpoint():
    server = Endpoint()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=timezone.utc)


def test_failing_http_endpoint_waits_for_a_retry_with_its_reason(run, endpoint, isolated_state):
    # A local clock far from the system's: the next attempt must be read on it.
    run("local", "clock", "advance", "400d")
    topic = run("sns", "create-topic", "--name", "webhooks", "--query", "TopicArn", "--output",
                "text")
    run("sns", "subscribe", "--topic-arn", topic, "--protocol", "http",
        "--notification-endpoint", endpoint.url)
    token = endpoint.messages()[-1]["Token"]
    run("sns", "confirm-subscription", "--topic-arn", topic, "--token", token)
    endpoint.codes = [503] * 10
    message_id = json.loads(run("sns", "publish", "--topic-arn", topic, "--message", "hi"))[
        "MessageId"]
    published = datetime.now(timezone.utc) + timedelta(days=400)

    text = get(App(isolated_state), "/_awslocal/sns/topics/webhooks").text
    assert "Waiting for a retry" in text
    row = re.search(rf'<tr class="pending-retry" data-message-id="{message_id}">(.*?)</tr>',
                    text, re.S)
    assert row, text
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[1] == endpoint.url and cells[2] == "1"
    assert cells[3].startswith("The endpoint answered HTTP 503; retry 1 of 3 due at ")
    # The default policy retries 20 s later, on the local clock (400 days ahead).
    next_attempt = _stamp(cells[4])
    assert abs((next_attempt - published).total_seconds() - 20) < 120
    # The attempt itself is in the publish's deliveries, with the same reason.
    assert 'class="delivery status-retrying"' in text

    endpoint.codes = []  # the endpoint is back
    run("local", "clock", "advance", "25s")
    run("sns", "list-topics")  # the next command runs the retries that fell due
    text = get(App(isolated_state), "/_awslocal/sns/topics/webhooks").text
    assert "Waiting for a retry" not in text
    assert 'class="delivery status-delivered"' in text


def test_delivery_to_a_queue_whose_key_is_disabled_is_refused(run, isolated_state):
    key = run("kms", "create-key", "--query", "KeyMetadata.KeyId", "--output", "text")
    run("kms", "put-key-policy", "--key-id", key, "--policy-name", "default", "--policy",
        json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
             "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}))
    topic = run("sns", "create-topic", "--name", "orders", "--query", "TopicArn", "--output",
                "text")
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:locked"
    url = run("sqs", "create-queue", "--queue-name", "locked", "--attributes",
              f"KmsMasterKeyId={key}", "--query", "QueueUrl", "--output", "text")
    run("sqs", "set-queue-attributes", "--queue-url", url, "--attributes", json.dumps(
        {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})}))
    run("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
        "--notification-endpoint", queue_arn)
    first = json.loads(run("sns", "publish", "--topic-arn", topic, "--message", "ok"))
    run("kms", "disable-key", "--key-id", key)
    # The queue's data key outlives the key's state for its reuse period (300 s), as in AWS.
    run("local", "clock", "advance", "6m")
    second = json.loads(run("sns", "publish", "--topic-arn", topic, "--message", "no"))

    text = get(App(isolated_state), "/_awslocal/sns/topics/orders").text
    publishes = dict(re.findall(r'<li class="publish" data-message-id="([^"]+)">(.*?)</li>\s*'
                                r'</ul>', text, re.S))
    assert 'status-delivered' in publishes[first["MessageId"]]
    refused = publishes[second["MessageId"]]
    assert 'class="delivery status-refused"' in refused
    assert (f"KMS.DisabledException: arn:aws:kms:us-east-1:{ACCOUNT}:key/{key} is disabled"
            in refused)
    # The queue holds the first message only; its page and the topology say why.
    queue = get(App(isolated_state), "/_awslocal/sqs/queues/locked").text
    assert "Disabled" in queue
    topology = get(App(isolated_state), "/_awslocal/topology").text
    assert 'class="node queue broken" data-node="locked"' in topology
