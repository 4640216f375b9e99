"""Publishing straight to a phone number or a platform endpoint, and the SMS sandbox."""

from __future__ import annotations

import json
import re

PHONE = "+15555550100"


def _ok(result):
    assert result.exit_code == 0, result
    return result.json if result.stdout.strip() else None


def _deliveries(awslocal, status):
    return _ok(awslocal("local", "deliveries", "--status", status))["Deliveries"]


def test_sms_in_the_sandbox_needs_a_verified_number(awslocal):
    assert _ok(awslocal("local", "sms-sandbox"))["IsInSandbox"] is True
    first = _ok(awslocal("sns", "publish", "--phone-number", PHONE, "--message", "code 1"))
    assert "MessageId" in first  # accepted, as AWS accepts it, then not delivered
    [refused] = _deliveries(awslocal, "refused")
    assert refused["MessageId"] == first["MessageId"]
    assert "sandbox" in refused["Reason"]

    _ok(awslocal("sns", "create-sms-sandbox-phone-number", "--phone-number", PHONE))
    [otp_message] = _ok(awslocal("local", "outbox", "--protocol", "sms"))["Messages"]
    otp = re.search(r"\d{6}", otp_message["Payload"]).group(0)
    _ok(awslocal("sns", "verify-sms-sandbox-phone-number", "--phone-number", PHONE,
                 "--one-time-password", otp))
    _ok(awslocal("sns", "publish", "--phone-number", PHONE, "--message", "code 2"))
    texts = [m["Payload"] for m in _ok(awslocal("local", "outbox", "--endpoint", PHONE))[
        "Messages"]]
    assert texts[-1] == "code 2"


def test_opted_out_number_and_leaving_the_sandbox(awslocal):
    assert _ok(awslocal("local", "sms-sandbox", "--leave"))["IsInSandbox"] is False
    _ok(awslocal("sns", "publish", "--phone-number", PHONE, "--message", "hello"))
    assert _ok(awslocal("local", "opt-out", "--phone-number", PHONE))["isOptedOut"] is True
    _ok(awslocal("sns", "publish", "--phone-number", PHONE, "--message", "again"))
    assert [m["Payload"] for m in _ok(awslocal("local", "outbox"))["Messages"]] == ["hello"]
    [refused] = _deliveries(awslocal, "refused")
    assert refused["Reason"] == "Phone number is opted out"
    listed = _ok(awslocal("sns", "list-phone-numbers-opted-out"))["phoneNumbers"]
    assert listed == [PHONE]
    # A topic's sms subscription meets the same rule.
    topic = _ok(awslocal("sns", "create-topic", "--name", "t"))["TopicArn"]
    _ok(awslocal("sns", "subscribe", "--topic-arn", topic, "--protocol", "sms",
                 "--notification-endpoint", PHONE))
    _ok(awslocal("sns", "publish", "--topic-arn", topic, "--message", "via topic"))
    assert len(_deliveries(awslocal, "refused")) == 2
    bad = awslocal("sns", "publish", "--phone-number", "12", "--message", "x")
    assert bad.exit_code == 254 and "(InvalidParameter)" in bad.stderr


def test_publish_to_a_platform_endpoint(awslocal):
    app = _ok(awslocal("sns", "create-platform-application", "--name", "app", "--platform",
                       "GCM", "--attributes", "PlatformCredential=secret-api-key"))[
        "PlatformApplicationArn"]
    endpoint = _ok(awslocal("sns", "create-platform-endpoint", "--platform-application-arn",
                            app, "--token", "device-token-1"))["EndpointArn"]
    message = json.dumps({"default": "plain", "GCM": json.dumps(
        {"notification": {"title": "Hi"}})})
    _ok(awslocal("sns", "publish", "--target-arn", endpoint, "--message-structure", "json",
                 "--message", message))
    [sent] = _ok(awslocal("local", "outbox", "--protocol", "application"))["Messages"]
    assert sent["Endpoint"] == endpoint
    assert json.loads(sent["Payload"]) == {"notification": {"title": "Hi"}}
    _ok(awslocal("sns", "set-endpoint-attributes", "--endpoint-arn", endpoint, "--attributes",
                 "Enabled=false"))
    disabled = awslocal("sns", "publish", "--target-arn", endpoint, "--message", "x")
    assert disabled.exit_code == 254
    assert "(EndpointDisabled)" in disabled.stderr
    _ok(awslocal("sns", "delete-endpoint", "--endpoint-arn", endpoint))
    missing = awslocal("sns", "publish", "--target-arn", endpoint, "--message", "x")
    assert missing.exit_code == 254
    assert "No endpoint found for the target arn specified" in missing.stderr
