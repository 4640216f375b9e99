"""First steps: confirming email subscriptions, tables that fit, the clock note, the names."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from awslocal_cli.cli import localtable


@pytest.fixture
def topic(awslocal):
    return awslocal("sns", "create-topic", "--name", "alerts", "--query", "TopicArn",
                    "--output", "text").stdout.strip()


def _subscribe(awslocal, topic, protocol, endpoint):
    result = awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", protocol,
                      "--notification-endpoint", endpoint)
    assert result.json == {"SubscriptionArn": "pending confirmation"}


def _listed(awslocal, topic):
    subs = awslocal("sns", "list-subscriptions-by-topic", "--topic-arn", topic).json
    return {s["Endpoint"]: s["SubscriptionArn"] for s in subs["Subscriptions"]}


def test_outbox_shows_the_token_and_the_command_that_confirms(awslocal, topic):
    _subscribe(awslocal, topic, "email", "someone@example.com")
    _subscribe(awslocal, topic, "email-json", "robot@example.com")
    messages = awslocal("local", "outbox").json["Messages"]
    assert {m["Protocol"] for m in messages} == {"email", "email-json"}
    for message in messages:
        assert len(message["Token"]) > 20 and message["Token"] in message["Payload"]
        assert message["ConfirmCommand"] == (
            f"awslocal sns confirm-subscription --topic-arn {topic} --token {message['Token']} "
            "--region us-east-1")
    email = next(m for m in messages if m["Protocol"] == "email")
    args = shlex.split(email["ConfirmCommand"])
    assert awslocal(*args[1:]).json == {"SubscriptionArn": email["SubscriptionArn"]}
    listed = _listed(awslocal, topic)
    assert listed["someone@example.com"] == email["SubscriptionArn"]
    assert listed["robot@example.com"] == "PendingConfirmation"


def test_published_mail_carries_no_token(awslocal, topic):
    _subscribe(awslocal, topic, "email", "someone@example.com")
    awslocal("local", "confirm-subscription", "--all-pending")
    awslocal("sns", "publish", "--topic-arn", topic, "--message", "disk full")
    last = awslocal("local", "outbox").json["Messages"][-1]
    assert "disk full" in last["Payload"] and "Token" not in last


def test_local_confirm_subscription_as_the_link_would(awslocal, topic):
    _subscribe(awslocal, topic, "email", "one@example.com")
    _subscribe(awslocal, topic, "email", "two@example.com")
    _subscribe(awslocal, topic, "email-json", "three@example.com")
    arns = {m["Endpoint"]: m["SubscriptionArn"]
            for m in awslocal("local", "outbox").json["Messages"]}
    one = awslocal("local", "confirm-subscription", "--subscription-arn",
                   arns["one@example.com"])
    assert one.exit_code == 0, one
    assert one.json == {"Confirmed": [arns["one@example.com"]]}
    assert _listed(awslocal, topic)["two@example.com"] == "PendingConfirmation"
    rest = awslocal("local", "confirm-subscription", "--all-pending").json
    assert sorted(rest["Confirmed"]) == sorted([arns["two@example.com"],
                                                arns["three@example.com"]])
    assert "PendingConfirmation" not in _listed(awslocal, topic).values()
    assert awslocal("local", "confirm-subscription", "--all-pending").json == {"Confirmed": []}


def test_confirm_subscription_needs_one_choice_and_a_real_subscription(awslocal, topic):
    neither = awslocal("local", "confirm-subscription")
    assert neither.exit_code == 252
    assert "--subscription-arn ARN or --all-pending" in neither.stderr
    missing = awslocal("local", "confirm-subscription", "--subscription-arn",
                       f"{topic}:00000000-0000-0000-0000-000000000000")
    assert missing.exit_code == 254
    assert "NotFound" in missing.stderr


def test_confirm_subscription_honours_the_token_lifetime(awslocal, topic):
    _subscribe(awslocal, topic, "email", "late@example.com")
    awslocal("local", "clock", "advance", "3d")  # confirmation tokens last two days
    late = awslocal("local", "confirm-subscription", "--all-pending")
    assert late.exit_code == 254
    assert "Invalid parameter: Token" in late.stderr


def test_sandbox_sms_shows_its_one_time_password(awslocal):
    awslocal("sns", "create-sms-sandbox-phone-number", "--phone-number", "+15555550100")
    [sms] = awslocal("local", "outbox", "--protocol", "sms").json["Messages"]
    assert sms["OneTimePassword"].isdigit() and sms["OneTimePassword"] in sms["Payload"]
    done = awslocal("sns", "verify-sms-sandbox-phone-number", "--phone-number", "+15555550100",
                    "--one-time-password", sms["OneTimePassword"])
    assert done.exit_code == 0, done


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_local_tables_fit_the_terminal(awslocal, topic, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    _subscribe(awslocal, topic, "email", "someone-with-a-long-address@example.com")
    awslocal("sns", "publish", "--topic-arn", topic, "--message", "x" * 300)
    for args in (["local", "outbox"], ["local", "deliveries"], ["local", "info"]):
        result = awslocal(*args, "--output", "table")
        assert result.exit_code == 0, result
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= columns, result.stdout
        assert "+--" in result.stdout
    outbox = awslocal("local", "outbox", "--output", "table").stdout
    assert localtable.MARK in outbox  # the 300-character payload is cut, visibly


def test_fit_shrinks_the_widest_columns_first():
    assert localtable.fit([10, 50, 20], 60) == [10, 25, 20] or sum(
        localtable.fit([10, 50, 20], 60)) == 60
    widths = localtable.fit([10, 50, 20], 60)
    assert widths[0] == 10 and sum(widths) == 60


def test_a_moved_clock_says_it_persists(awslocal):
    assert "Note" not in awslocal("local", "clock", "show").json
    assert "ClockNote" not in awslocal("local", "info").json
    awslocal("local", "clock", "advance", "8d")
    shown = awslocal("local", "clock", "show").json
    assert "stored in this state directory" in shown["Note"]
    info = awslocal("local", "info").json
    assert info["ClockOffsetSeconds"] == 8 * 86400
    assert "awslocal local clock reset" in info["ClockNote"]
    awslocal("local", "clock", "reset")
    assert "Note" not in awslocal("local", "clock", "show").json


def test_the_second_console_script_is_declared():
    import tomllib

    root = Path(__file__).resolve().parents[2]
    scripts = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["awslocal-cli"] == scripts["awslocal"] == "awslocal_cli.cli.main:console"


def test_version_names_this_project(awslocal_proc):
    result = awslocal_proc("--version")
    assert result.stdout.startswith("awslocal-cli/")
    assert sys.version.split()[0] in result.stdout
