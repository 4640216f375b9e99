"""The KMS key lifecycle tutorial, typed as a user would, through `awslocal kms ...`."""

from __future__ import annotations

import base64
import json
import os

ACCOUNT = "123456789012"


def _policy() -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Id": "key-tutorial",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
             "Resource": "*"},
            {"Sid": "Allow administration of the key", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"},
             "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*",
                        "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*",
                        "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion"],
             "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/app"},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                        "kms:GenerateDataKey*", "kms:DescribeKey"],
             "Resource": "*"},
        ],
    })


def _profiles(*names):
    """Named profiles must exist in the config files, as for the AWS CLI."""
    with open(os.environ["AWS_CONFIG_FILE"], "a") as f:
        f.writelines(f"[profile {name}]\n" for name in names)


def test_key_lifecycle_tutorial(awslocal, tmp_path):
    _profiles("admin", "app")
    created = awslocal("kms", "create-key", "--description", "Tutorial key", "--policy",
                       _policy(), "--profile", "admin")
    assert created.exit_code == 0, created
    meta = created.json["KeyMetadata"]
    key_id = meta["KeyId"]
    assert meta["Arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}"
    assert (meta["KeyState"], meta["KeyManager"], meta["Description"]) == (
        "Enabled", "CUSTOMER", "Tutorial key")
    assert awslocal("kms", "create-alias", "--alias-name", "alias/tutorial",
                    "--target-key-id", key_id).exit_code == 0

    # The application user encrypts and decrypts by alias.
    enc = awslocal("kms", "encrypt", "--key-id", "alias/tutorial", "--plaintext",
                   base64.b64encode(b"top secret").decode(), "--profile", "app")
    assert enc.exit_code == 0, enc
    (tmp_path / "ct").write_bytes(base64.b64decode(enc.json["CiphertextBlob"]))
    blob = f"fileb://{tmp_path / 'ct'}"
    dec = awslocal("kms", "decrypt", "--ciphertext-blob", blob, "--profile", "app",
                   "--query", "Plaintext", "--output", "text")
    assert base64.b64decode(dec.stdout.strip()) == b"top secret"

    # Keys are regional: from eu-west-1 the same ciphertext cannot be decrypted.
    stranger = awslocal("kms", "decrypt", "--ciphertext-blob", blob, "--profile", "app",
                        "--region", "eu-west-1")
    assert stranger.exit_code == 254

    # Disable: use fails with DisabledException; enable again.
    assert awslocal("kms", "disable-key", "--key-id", key_id).exit_code == 0
    disabled = awslocal("kms", "encrypt", "--key-id", key_id, "--plaintext", "aGk=")
    assert disabled.exit_code == 254
    assert "(DisabledException)" in disabled.stderr
    assert f"key/{key_id} is disabled." in disabled.stderr

    # Schedule deletion, cancel (back to Disabled), schedule again.
    sched = awslocal("kms", "schedule-key-deletion", "--key-id", key_id,
                     "--pending-window-in-days", "7")
    assert sched.json["KeyState"] == "PendingDeletion"
    assert sched.json["PendingWindowInDays"] == 7
    pending = awslocal("kms", "decrypt", "--ciphertext-blob", blob)
    assert pending.exit_code == 254 and "(KMSInvalidStateException)" in pending.stderr
    cancel = awslocal("kms", "cancel-key-deletion", "--key-id", key_id)
    assert cancel.exit_code == 0
    assert awslocal("kms", "describe-key", "--key-id", key_id, "--query",
                    "KeyMetadata.KeyState").json == "Disabled"
    assert awslocal("kms", "schedule-key-deletion", "--key-id", key_id,
                    "--pending-window-in-days", "7").exit_code == 0

    # Six days later it still exists; after the window it is gone, and so is the data.
    awslocal("local", "clock", "advance", "6d")
    assert awslocal("kms", "describe-key", "--key-id", key_id).exit_code == 0
    awslocal("local", "clock", "advance", "2d")
    gone = awslocal("kms", "describe-key", "--key-id", key_id)
    assert gone.exit_code == 254 and "(NotFoundException)" in gone.stderr
    lost = awslocal("kms", "decrypt", "--ciphertext-blob", blob)
    assert lost.exit_code == 254
    assert awslocal("kms", "list-aliases", "--query",
                    "Aliases[?AliasName=='alias/tutorial']").json == []

    # The audit trail saw all of it, failures included.
    events = awslocal("cloudtrail", "lookup-events", "--lookup-attributes",
                      "AttributeKey=EventName,AttributeValue=Encrypt").json["Events"]
    assert len(events) >= 2
    assert any(json.loads(e["CloudTrailEvent"]).get("errorCode") == "DisabledException"
               for e in events)


def test_access_denied_for_a_principal_outside_the_policy(awslocal):
    _profiles("owner", "mallory")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/owner"},
         "Action": "kms:*", "Resource": "*"}]})
    key = awslocal("kms", "create-key", "--policy", policy, "--profile", "owner",
                   "--bypass-policy-lockout-safety-check").json["KeyMetadata"]["KeyId"]
    denied = awslocal("kms", "encrypt", "--key-id", key, "--plaintext", "aGk=",
                      "--profile", "mallory")
    assert denied.exit_code == 254
    assert "(AccessDeniedException)" in denied.stderr
    assert f"arn:aws:iam::{ACCOUNT}:user/mallory is not authorized to perform: kms:Encrypt" \
        in denied.stderr
    assert awslocal("kms", "encrypt", "--key-id", key, "--plaintext", "aGk=",
                    "--profile", "owner").exit_code == 0


def test_an_error_without_a_message_prints_as_the_aws_cli_prints_it(awslocal):
    # botocore's ClientError ends in "operation: " and the AWS CLI v2 strips the line
    # (awscli/errorformat.py format_error_message).
    r = awslocal("kms", "create-key", "--key-spec", "RSA_2048", "--key-usage", "SIGN_VERIFY",
                 "--query", "KeyMetadata.KeyId", "--output", "text")
    assert r.exit_code == 0, r
    r = awslocal("kms", "rotate-key-on-demand", "--key-id", r.stdout.strip())
    assert r.exit_code == 254
    assert r.stderr.endswith("An error occurred (UnsupportedOperationException) when calling "
                             "the RotateKeyOnDemand operation:\n")
