"""The console's pages through the WSGI application (no browser, no server): what each page
says, that looking changes nothing, escaping, 404/405/403, and the live fragment."""

from __future__ import annotations

import json
from wsgiref.util import setup_testing_defaults

import pytest

pytest.importorskip("jinja2")

from awslocal_cli.wire.wsgi import App


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = int(status.split()[0])
        self.headers = dict(headers)
        self.text = body.decode("utf-8")


def get(app: App, path: str, *, method: str = "GET", host: str = "127.0.0.1:4566",
        live: bool = False, client: str = "127.0.0.1") -> Answer:
    environ: dict = {}
    setup_testing_defaults(environ)
    path, _, query = path.partition("?")
    environ.update(PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method, HTTP_HOST=host,
                   REMOTE_ADDR=client)
    if live:
        environ["HTTP_X_AWSLOCAL_CONSOLE"] = "live"
    seen: dict = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, headers

    body = b"".join(app(environ, start_response))
    return Answer(seen["status"], seen["headers"], body)


@pytest.fixture
def world(awslocal, isolated_state):
    """The README's encrypted queue with two messages (one an XSS body) and a topic."""

    def run(*args: str) -> str:
        result = awslocal(*args)
        assert result.exit_code == 0, result
        return result.stdout.strip()

    key = run("kms", "create-key", "--description", "<img src=x onerror=alert(1)>", "--query",
              "KeyMetadata.KeyId", "--output", "text")
    run("kms", "create-alias", "--alias-name", "alias/orders", "--target-key-id", key)
    url = run("sqs", "create-queue", "--queue-name", "secure", "--attributes",
              f"KmsMasterKeyId={key},KmsDataKeyReusePeriodSeconds=60", "--query", "QueueUrl",
              "--output", "text")
    run("sqs", "create-queue", "--queue-name", "secure-dlq")
    redrive = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:secure-dlq",
                          "maxReceiveCount": "3"})
    run("sqs", "set-queue-attributes", "--queue-url", url, "--attributes",
        json.dumps({"RedrivePolicy": redrive}))
    run("sqs", "send-message", "--queue-url", url, "--message-body", "hello")
    run("sqs", "send-message", "--queue-url", url, "--message-body", "<script>alert(1)</script>")
    topic = run("sns", "create-topic", "--name", "alerts", "--query", "TopicArn", "--output",
                "text")
    run("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
        "--notification-endpoint", "arn:aws:sqs:us-east-1:123456789012:secure")
    return {"key": key, "url": url, "topic": topic, "app": App(isolated_state), "run": run}


PAGES = ["/_awslocal/", "/_awslocal/kms/keys", "/_awslocal/sqs/queues",
         "/_awslocal/sqs/queues/secure", "/_awslocal/sqs/queues/secure-dlq",
         "/_awslocal/sns/topics", "/_awslocal/sns/topics/alerts", "/_awslocal/trail",
         "/_awslocal/trail?service=kms&operation=CreateKey&principal=default&error=",
         "/_awslocal/topology"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_html_under_a_strict_policy(world, path):
    answer = get(world["app"], path)
    assert answer.status == 200, answer.text
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>alert" not in answer.text and "<img src=x" not in answer.text
    assert "https://" not in answer.text.split("<main", 1)[0]  # no CDN in the head


def test_looking_changes_nothing(world, awslocal):
    """No audit event, no receive, no visibility change: every page read is rolled back."""
    before = awslocal("cloudtrail", "lookup-events").json["Events"]
    for path in [*PAGES, f"/_awslocal/kms/keys/{world['key']}"]:
        assert get(world["app"], path).status == 200
    after = awslocal("cloudtrail", "lookup-events").json["Events"]
    assert after == before
    attrs = awslocal("sqs", "get-queue-attributes", "--queue-url", world["url"],
                     "--attribute-names", "All").json["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "2"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"
    got = awslocal("sqs", "receive-message", "--queue-url", world["url"],
                   "--attribute-names", "ApproximateReceiveCount").json["Messages"][0]
    assert got["Body"] == "hello" and got["Attributes"]["ApproximateReceiveCount"] == "1"


def test_queue_page_shows_bodies_as_text_and_each_envelope(world):
    text = get(world["app"], "/_awslocal/sqs/queues/secure").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert f"arn:aws:kms:us-east-1:123456789012:key/{world['key']}" in text
    assert "alias/orders" in text
    assert text.count('class="mono data-key">sse-kms-') == 2
    assert "secure-dlq" in text and "after 3 receives" in text
    assert "Reused until" in text


def test_dead_letter_queue_page_names_its_source(world):
    text = get(world["app"], "/_awslocal/sqs/queues/secure-dlq").text
    assert "Dead-letter queue of" in text and "/_awslocal/sqs/queues/secure\"" in text


def test_key_page_shows_state_policy_users_and_calls_never_material(world):
    run = world["run"]
    run("kms", "enable-key-rotation", "--key-id", world["key"])
    run("kms", "schedule-key-deletion", "--key-id", world["key"], "--pending-window-in-days",
        "7")
    text = get(world["app"], f"/_awslocal/kms/keys/{world['key']}").text
    assert "PendingDeletion" in text and "Deletion completes" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&#34;Version&#34;: &#34;2012-10-17&#34;" in text  # the policy, formatted, escaped
    assert "queue <a href=\"/_awslocal/sqs/queues/secure\">secure</a>" in text
    assert "ScheduleKeyDeletion" in text  # its recent calls
    assert "Plaintext" not in text


def test_topology_marks_what_a_disabled_key_breaks(world):
    world["run"]("kms", "disable-key", "--key-id", world["key"])
    text = get(world["app"], "/_awslocal/topology").text
    assert 'class="node key broken state-Disabled" data-node="alias/orders"' in text
    assert 'class="node queue broken" data-node="secure"' in text
    assert 'class="node queue" data-node="secure-dlq"' in text  # SSE-SQS: not broken
    assert "edge subscription broken" in text  # alerts -> secure delivers into a broken queue


def test_topic_page_groups_deliveries_by_publish_with_reasons(world):
    run = world["run"]
    run("sns", "publish", "--topic-arn", world["topic"], "--message", "one")
    text = get(world["app"], "/_awslocal/sns/topics/alerts").text
    # The topic's own service principal is not let in by the queue's (absent) policy.
    assert "status-refused" in text and "AccessDenied: The queue policy of" in text


def test_trail_filters(world):
    app = world["app"]
    text = get(app, "/_awslocal/trail?operation=CreateAlias").text
    assert text.count('data-event="CreateAlias"') == 1 and 'data-event="CreateKey"' not in text
    assert "No events match" in get(app, "/_awslocal/trail?principal=nobody").text
    assert "No events match" in get(app, "/_awslocal/trail?service=sns").text
    assert 'data-event="CreateKey"' in get(app, "/_awslocal/trail?since=2000-01-01").text
    assert "No events match" in get(app, "/_awslocal/trail?until=2000-01-01").text
    assert get(app, "/_awslocal/trail?since=yesterday-ish").status == 404


@pytest.mark.parametrize("path", ["/_awslocal/sqs/queues/nope", "/_awslocal/kms/keys/nope",
                                  "/_awslocal/sns/topics/nope", "/_awslocal/nowhere",
                                  "/_awslocal/static/../app.py"])
def test_missing_resources_are_404_pages(world, path):
    answer = get(world["app"], path)
    assert answer.status == 404
    assert "Traceback" not in answer.text


def test_region_is_a_partition(world):
    app = world["app"]
    assert get(app, "/_awslocal/sqs/queues/secure?region=eu-west-1").status == 404
    text = get(app, "/_awslocal/?region=eu-west-1").text
    assert 'id="count-queues">0<' in text and "us-east-1" in text  # regions with resources
    assert get(app, "/_awslocal/?region=Not_A_Region").status == 400


def test_read_only_and_loopback_only(world):
    app = world["app"]
    answer = get(app, "/_awslocal/", method="POST")
    assert answer.status == 405 and answer.headers["Allow"] == "GET, HEAD"
    assert get(app, "/_awslocal/", host="evil.example:4566").status == 403
    assert get(app, "/_awslocal/", host="localhost:4566").status == 200
    assert get(app, "/_awslocal/", host="[::1]:4566").status == 200
    # Another machine, even one that names an IP address, is refused: serve may listen on
    # 0.0.0.0, and the console needs no signature.
    assert get(app, "/_awslocal/", host="192.0.2.7:4566", client="192.0.2.9").status == 403
    assert get(app, "/_awslocal/", client="::1").status == 200
    assert get(app, "/_awslocal/", client="::ffff:127.0.0.1").status == 200


def test_live_fragment_is_the_main_block_only(world):
    answer = get(world["app"], "/_awslocal/sqs/queues", live=True)
    assert answer.status == 200
    assert "<html" not in answer.text and 'data-queue="secure"' in answer.text


def test_static_assets_ship_in_the_package(world):
    css = get(world["app"], "/_awslocal/static/console.css")
    assert css.status == 200 and "prefers-color-scheme: dark" in css.text
    js = get(world["app"], "/_awslocal/static/console.js")
    assert js.status == 200 and "X-Awslocal-Console" in js.text


def test_aws_requests_still_reach_the_wire(world):
    """Only /_awslocal/ is the console's: an unsigned AWS request gets AWS's answer."""
    answer = get(world["app"], "/?Action=ListQueues")
    assert answer.status in (400, 403) and "MissingAuthenticationToken" in answer.text


def test_topology_draws_dead_letter_links(world):
    run = world["run"]
    subs = json.loads(run("sns", "list-subscriptions-by-topic", "--topic-arn", world["topic"]))
    arn = subs["Subscriptions"][0]["SubscriptionArn"]
    run("sns", "set-subscription-attributes", "--subscription-arn", arn, "--attribute-name",
        "RedrivePolicy", "--attribute-value", json.dumps(
            {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:secure-dlq"}))
    text = get(world["app"], "/_awslocal/topology").text
    assert text.count('class="edge redrive"') == 2  # the queue's and the subscription's
    assert "after 3 receives" in text and "undeliverable" in text
    # The dead-letter queue sits in a column of its own, right of the queues.
    assert "Dead-letter queues" in text
