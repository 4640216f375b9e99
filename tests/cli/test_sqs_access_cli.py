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


def test_bob_denied_by_the_key_policy_cannot_ride_on_alices_data_key(awslocal, tmp_path):
    (tmp_path / "aws-config").write_text("[profile alice]\nregion = us-east-1\n"
                                         "[profile bob]\nregion = us-east-1\n")
    # Issue 25's reproduction: two profiles, a key policy denying bob GenerateDataKey and
    # Decrypt; alice sends and receives; bob's send and receive then fail with the KMS error.
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:user/bob"},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]})
    key = awslocal("kms", "create-key", "--policy", policy, "--profile", "alice").json[
        "KeyMetadata"]["KeyId"]
    assert awslocal("sqs", "create-queue", "--queue-name", "q", "--attributes",
                    f"KmsMasterKeyId={key}", "--profile", "alice").exit_code == 0
    r = awslocal("sqs", "send-message", "--queue-url", URL, "--message-body", "hi",
                 "--profile", "alice")
    assert r.exit_code == 0, r
    r = awslocal("sqs", "receive-message", "--queue-url", URL, "--visibility-timeout", "0",
                 "--profile", "alice")
    assert r.json["Messages"][0]["Body"] == "hi"
    for op, extra, name in (("send-message", ["--message-body", "x"], "SendMessage"),
                            ("receive-message", [], "ReceiveMessage")):
        r = awslocal("sqs", op, "--queue-url", URL, *extra, "--profile", "bob")
        assert (r.exit_code, r.stdout) == (254, ""), r
        assert (f"An error occurred (KMS.AccessDeniedException) when calling the {name} "
                "operation: ") in r.stderr, r.stderr
        assert "user/bob" in r.stderr and "hi" not in r.stderr
