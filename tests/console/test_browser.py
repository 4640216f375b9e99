"""The console in a real browser: Debian's chromium driven by Playwright for Python.

The test walks the README's tutorial (an encrypted queue, the key disabled, an SNS fan-out
with a filter policy) with `awslocal` commands on the state a running `awslocal serve`
serves, and after each step asserts what the open page shows, without reloading it (the page
follows the state by itself). Each page is screenshotted into the test's tmp directory; with
AWSLOCAL_CONSOLE_SCREENSHOTS=DIR the README's pictures are written there too:

    AWSLOCAL_CONSOLE_SCREENSHOTS=docs python -m pytest tests/console/test_browser.py

Skipped when chromium is missing, unless CI=true (then it fails: CI must install it).
`playwright install` is never used: the browser is the system's.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is missing: CI installs it (apt-get install -y chromium)",
                    pytrace=False)
    pytest.skip("chromium is not installed (apt-get install -y chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
WAIT = 20_000  # ms: pages update within a poll (1.5 s); the machine is shared and slow


@pytest.fixture
def browser_page(tmp_path):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # A 404 page's own polls answer 404 too (the browser logs each): not an error.
        page.on("console", lambda m: errors.append(m.text)
                if m.type == "error" and "404 (Not Found)" not in m.text else None)
        sync_api.expect.set_options(timeout=WAIT)
        yield page
        context.close()
        browser.close()
        assert errors == [], errors  # no script error, no CSP violation


class Shots:
    def __init__(self, page, tmp_path) -> None:
        self.page, self.dir = page, tmp_path / "screenshots"
        self.dir.mkdir()
        self.readme = os.environ.get("AWSLOCAL_CONSOLE_SCREENSHOTS")
        self.taken: list[str] = []

    def __call__(self, name: str, *, readme: str | None = None) -> None:
        path = self.dir / f"{len(self.taken):02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path.name)
        if readme and self.readme:
            os.makedirs(self.readme, exist_ok=True)
            self.page.screenshot(path=os.path.join(self.readme, readme))


def run(awslocal, *args: str) -> str:
    result = awslocal(*args)
    assert result.exit_code == 0, result
    return result.stdout.strip()


def test_tutorial_in_the_console(awslocal, server, browser_page, tmp_path):
    page, expect = browser_page, sync_api.expect
    shot = Shots(page, tmp_path)
    base = server.console
    assert server.lines[1] == f"awslocal serve: console at {base}"

    page.goto(base)
    expect(page.locator("h1")).to_have_text("Overview")
    expect(page.locator("#count-keys")).to_have_text("0")
    shot("overview-empty")

    # -- an encrypted queue ------------------------------------------------------------------
    key = run(awslocal, "kms", "create-key", "--description", "Example key", "--query",
              "KeyMetadata.KeyId", "--output", "text")
    expect(page.locator("#count-keys")).to_have_text("1")  # the open page followed
    page.goto(f"{base}kms/keys/{key}")
    expect(page.locator("#key-state")).to_have_text("Enabled")
    expect(page.locator("dl.facts")).to_contain_text("Example key")
    expect(page.locator("pre.code").first).to_contain_text('"Version": "2012-10-17"')
    shot("key-enabled")

    queue = run(awslocal, "sqs", "create-queue", "--queue-name", "secure", "--attributes",
                f"KmsMasterKeyId={key},KmsDataKeyReusePeriodSeconds=60", "--query",
                "QueueUrl", "--output", "text")
    expect(page.locator("main")).to_contain_text("queue secure")  # the key's "used by"
    page.goto(f"{base}sqs/queues")
    row = page.locator("tr.queue[data-queue=secure]")
    expect(row.locator("[data-count=visible]")).to_have_text("0")
    expect(row).to_contain_text("SSE-KMS")

    run(awslocal, "sqs", "send-message", "--queue-url", queue, "--message-body", "hello")
    expect(row.locator("[data-count=visible]")).to_have_text("1")
    shot("queues")

    page.goto(f"{base}sqs/queues/secure")
    message = page.locator("li.message").first
    expect(message.locator("pre.body")).to_have_text("hello")
    expect(message.locator(".data-key")).to_contain_text(re.compile(r"sse-kms-\d+"))
    wrapping = message.locator(".wrapping-key")
    expect(wrapping).to_contain_text(f"arn:aws:kms:us-east-1:123456789012:key/{key}")
    expect(wrapping).to_contain_text("Enabled")
    expect(message).to_contain_text('"aws:sqs:arn": "arn:aws:sqs:us-east-1:123456789012:secure"')

    xss = '<script>window.__pwned = 1</script><b id="bold">not bold</b>'
    run(awslocal, "sqs", "send-message", "--queue-url", queue, "--message-body", xss)
    expect(page.locator("#q-visible")).to_have_text("2")
    bodies = page.locator("pre.body")
    expect(bodies.nth(1)).to_have_text(xss)  # shown as text
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#bold").count() == 0
    # Both messages share the data key: sent within its reuse period.
    keys = page.locator(".data-key").all_inner_texts()
    assert keys[0].split()[0] == keys[1].split()[0]
    shot("queue-envelopes", readme="console-queue.png")

    # Peeking changed nothing: a receive still gets the oldest message, received once.
    received = json.loads(run(awslocal, "sqs", "receive-message", "--queue-url", queue,
                              "--attribute-names", "ApproximateReceiveCount"))
    assert received["Messages"][0]["Body"] == "hello"
    assert received["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "1"
    expect(page.locator("#q-inflight")).to_have_text("1")
    expect(page.locator("#q-visible")).to_have_text("1")
    expect(message.locator(".badge.state-InFlight")).to_be_visible()
    # The depth chart is drawn from the recorded activity: two sends, then a receive.
    chart = page.locator("#depth-chart")
    expect(chart).to_contain_text("from the recorded activity")
    expect(chart.locator("text.tick").first).to_have_text("2")  # the deepest it has been
    expect(chart.locator("polyline.series.inflight")).to_have_count(1)

    # -- disable the key -----------------------------------------------------------------------
    page.goto(f"{base}kms/keys/{key}")
    run(awslocal, "kms", "disable-key", "--key-id", key)
    expect(page.locator("#key-state")).to_have_text("Disabled")
    expect(page.locator("p.alert")).to_contain_text("disabled")
    shot("key-disabled")

    run(awslocal, "local", "clock", "advance", "2m")
    failed = awslocal("sqs", "send-message", "--queue-url", queue, "--message-body", "again")
    assert failed.exit_code == 254 and "KMS.DisabledException" in failed.stderr

    page.goto(f"{base}sqs/queues/secure")
    expect(page.locator("#clock-offset")).to_contain_text("2m")
    expect(page.locator(".wrapping-key").first).to_contain_text("Disabled")
    expect(page.locator(".card").nth(3)).to_contain_text("Disabled")

    page.goto(f"{base}trail?operation=GenerateDataKey")
    events = page.locator("tr.event[data-event=GenerateDataKey]")
    expect(events.first).to_contain_text("DisabledException")
    expect(events.first).to_contain_text("via sqs.amazonaws.com")
    expect(events).to_have_count(2)  # the first send's, and the refused one
    expect(events.nth(1)).to_contain_text("ok")
    shot("trail-generate-data-key")
    page.goto(f"{base}trail?error=any")
    expect(page.locator("tr.event")).to_have_count(1)
    page.goto(f"{base}trail?service=sns")
    expect(page.locator("main")).to_contain_text("No events match these filters")

    page.goto(f"{base}topology")
    expect(page.locator("g.node.key")).to_have_class(re.compile(r"\bbroken\b"))
    expect(page.locator("g.node.queue[data-node=secure]")).to_have_class(
        re.compile(r"\bbroken\b"))
    shot("topology-disabled-key")

    # SNS delivering into the queue: the queue policy and the key policy let SNS in, the
    # disabled key refuses it.
    orders = run(awslocal, "sns", "create-topic", "--name", "orders", "--query", "TopicArn",
                 "--output", "text")
    secure_arn = "arn:aws:sqs:us-east-1:123456789012:secure"
    run(awslocal, "sqs", "set-queue-attributes", "--queue-url", queue, "--attributes",
        json.dumps({"Policy": json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": secure_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": orders}}}]})}))
    run(awslocal, "kms", "put-key-policy", "--key-id", key, "--policy-name", "default",
        "--policy", json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
             "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}))
    run(awslocal, "sns", "subscribe", "--topic-arn", orders, "--protocol", "sqs",
        "--notification-endpoint", secure_arn)
    page.goto(f"{base}sns/topics/orders")
    run(awslocal, "sns", "publish", "--topic-arn", orders, "--message", "order 1")
    refused_key = page.locator("li.delivery.status-refused")
    expect(refused_key).to_contain_text("secure")
    expect(refused_key.locator(".reason")).to_contain_text(
        f"KMS.DisabledException: arn:aws:kms:us-east-1:123456789012:key/{key} is disabled")
    shot("topic-refused-disabled-key")
    page.goto(f"{base}topology")
    expect(page.locator("g.edge.subscription.broken")).to_have_count(1)  # orders -> secure
    run(awslocal, "kms", "enable-key", "--key-id", key)
    expect(page.locator("g.node.key")).not_to_have_class(re.compile(r"\bbroken\b"))
    run(awslocal, "local", "clock", "reset")

    # -- SNS fan-out with a filter policy --------------------------------------------------------
    run(awslocal, "local", "reset", "--yes")
    topic = run(awslocal, "sns", "create-topic", "--name", "alerts", "--attributes",
                "KmsMasterKeyId=alias/aws/sns", "--query", "TopicArn", "--output", "text")
    inbox = run(awslocal, "sqs", "create-queue", "--queue-name", "alerts-inbox", "--query",
                "QueueUrl", "--output", "text")
    inbox_arn = "arn:aws:sqs:us-east-1:123456789012:alerts-inbox"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": inbox_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]}
    run(awslocal, "sqs", "set-queue-attributes", "--queue-url", inbox, "--attributes",
        json.dumps({"Policy": json.dumps(policy)}))
    run(awslocal, "sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
        "--notification-endpoint", inbox_arn, "--attributes",
        json.dumps({"FilterPolicy": json.dumps({"severity": ["high"]})}))
    run(awslocal, "sqs", "create-queue", "--queue-name", "alerts-audit")
    run(awslocal, "sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
        "--notification-endpoint", "arn:aws:sqs:us-east-1:123456789012:alerts-audit")

    page.goto(f"{base}sns/topics/alerts")
    expect(page.locator("tr.subscription")).to_have_count(2)
    expect(page.locator("tr.subscription").first).to_contain_text('"severity"')

    def attrs(value: str) -> str:
        return json.dumps({"severity": {"DataType": "String", "StringValue": value}})

    high = json.loads(run(awslocal, "sns", "publish", "--topic-arn", topic, "--message",
                          "disk full", "--message-attributes", attrs("high")))["MessageId"]
    low = json.loads(run(awslocal, "sns", "publish", "--topic-arn", topic, "--message",
                         "disk 80% full", "--message-attributes", attrs("low")))["MessageId"]
    first = page.locator(f"li.publish[data-message-id='{high}']")
    second = page.locator(f"li.publish[data-message-id='{low}']")
    expect(first.locator("li.delivery.status-delivered")).to_contain_text("alerts-inbox")
    refused = first.locator("li.delivery.status-refused")
    expect(refused).to_contain_text("alerts-audit")
    expect(refused.locator(".reason")).to_contain_text(
        "AccessDenied: The queue policy of arn:aws:sqs:us-east-1:123456789012:alerts-audit "
        "does not allow sns.amazonaws.com")
    filtered = second.locator("li.delivery.status-filtered")
    expect(filtered).to_contain_text("alerts-inbox")
    expect(filtered.locator(".reason")).to_contain_text(
        "do not match the subscription's filter policy")
    expect(second.locator("li.delivery.status-refused")).to_contain_text("alerts-audit")
    shot("topic-deliveries", readme="console-topic.png")

    page.goto(f"{base}sqs/queues/alerts-inbox")
    expect(page.locator("#q-visible")).to_have_text("1")
    expect(page.locator("pre.body")).to_contain_text('"Message" : "disk full"')
    expect(page.locator(".enc")).to_have_text("SSE-SQS")
    shot("queue-inbox")

    page.goto(f"{base}topology")
    expect(page.locator("g.node.topic[data-node=alerts]")).to_be_visible()
    expect(page.locator("g.edge.subscription.refused")).to_have_count(1)
    expect(page.locator("g.edge.subscription").first).to_contain_text("filter")
    shot("topology-fan-out", readme="console-topology.png")

    page.goto(base)
    expect(page.locator("#count-topics")).to_have_text("1")
    expect(page.locator("main")).to_contain_text("Filtered out")
    shot("overview")

    # -- an HTTP endpoint that fails: the delivery waits for a retry -------------------------------
    from tests.services.sns.util import Endpoint

    hook = Endpoint()
    try:
        run(awslocal, "sns", "subscribe", "--topic-arn", topic, "--protocol", "http",
            "--notification-endpoint", hook.url)
        run(awslocal, "sns", "confirm-subscription", "--topic-arn", topic, "--token",
            hook.messages()[-1]["Token"])
        hook.codes = [500] * 10
        page.goto(f"{base}sns/topics/alerts")
        run(awslocal, "sns", "publish", "--topic-arn", topic, "--message", "webhook")
        waiting = page.locator("tr.pending-retry")
        expect(waiting).to_have_count(1)
        expect(waiting).to_contain_text(hook.url)
        expect(waiting).to_contain_text("The endpoint answered HTTP 500; retry 1 of 3 due at")
        expect(waiting.locator(".next-attempt")).to_have_text(
            re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"))
        shot("topic-waiting-for-retry")
        run(awslocal, "sns", "unsubscribe", "--subscription-arn", json.loads(run(
            awslocal, "sns", "list-subscriptions-by-topic", "--topic-arn", topic,
            "--query", "Subscriptions[?Protocol=='http'] | [0]"))["SubscriptionArn"])
    finally:
        hook.server.shutdown()
        hook.server.server_close()

    # -- what is not there -------------------------------------------------------------------------
    answer = page.goto(f"{base}sqs/queues/secure")  # gone with the reset
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator(".why")).to_contain_text("The specified queue does not exist.")
    shot("not-found")
    answer = page.goto(f"{base}kms/keys/{key}")
    assert answer is not None and answer.status == 404

    # -- on a phone, in the dark ---------------------------------------------------------------
    def background() -> str:
        return page.evaluate("getComputedStyle(document.body).backgroundColor")

    page.goto(f"{base}sns/topics/alerts")
    light = background()
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("li.delivery.status-filtered").first).to_be_visible()
    dark = background()
    assert dark != light
    assert sum(int(n) for n in re.findall(r"\d+", dark)[:3]) < 150  # a dark background
    # Nothing wider than the phone but the tables' own scrolling boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("phone-dark-topic")
    assert len(shot.taken) == 15
