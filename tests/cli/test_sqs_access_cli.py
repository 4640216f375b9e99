"""Queue policies through the command line: who may do what, exit codes and stderr."""

from __future__ import annotations

import json

OWNER = "123456789012"
OTHER = "111122223333"
URL = f"https://sqs.us-east-1.amazonaws.com/{OWNER}/q"
ARN = f"arn:aws:sqs:us-east-1:{OWNER}:q"


def _policy(*statements):
    return json.dumps({"Policy": json.dumps({"Version": "2012-10-17",
                                             "Statement": list(statements)})})


def test_deny_all_policy_refuses_send_and_receive(awslocal):
    deny = {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": ARN}
    assert awslocal("sqs", "create-queue", "--queue-name", "q", "--attributes",
                    _policy(deny)).exit_code == 0
    for op, extra in (("send-message", ["--message-body", "x"]), ("receive-message", [])):
        r = awslocal("sqs", op, "--queue-url", URL, *extra)
        assert r.exit_code == 254, r
        assert r.stdout == ""
        name = "SendMessage" if op == "send-message" else "ReceiveMessage"
        assert r.stderr.strip().endswith(
            f"An error occurred (AccessDenied) when calling the {name} operation: "
            f"Access to the resource {URL} is denied."), r.stderr


def test_other_account_is_refused_until_granted(awslocal):
    assert awslocal("sqs", "create-queue", "--queue-name", "q").exit_code == 0
    other = {"AWSLOCAL_ACCOUNT_ID": OTHER}
    r = awslocal("sqs", "send-message", "--queue-url", URL, "--message-body", "x", env=other)
    assert r.exit_code == 254 and "(AccessDenied)" in r.stderr, r
    r = awslocal("sqs", "add-permission", "--queue-url", URL, "--label", "partner",
                 "--aws-account-ids", OTHER, "--actions", "SendMessage")
    assert (r.exit_code, r.stdout) == (0, ""), r
    r = awslocal("sqs", "send-message", "--queue-url", URL, "--message-body", "x", env=other)
    assert r.exit_code == 0, r
    r = awslocal("sqs", "receive-message", "--queue-url", URL, env=other)
    assert r.exit_code == 254 and "(AccessDenied)" in r.stderr, r
    r = awslocal("sqs", "receive-message", "--queue-url", URL)
    assert r.json["Messages"][0]["Body"] == "x"


def test_malformed_policy_is_refused(awslocal):
    r = awslocal("sqs", "create-queue", "--queue-name", "q", "--attributes",
                 json.dumps({"Policy": '{"foo":1}'}))
    assert r.exit_code == 254, r
    assert r.stderr.strip().endswith(
        "An error occurred (InvalidAttributeValue) when calling the CreateQueue operation: "
        "Invalid value for the parameter Policy."), r.stderr
    assert awslocal("sqs", "list-queues").stdout == ""
