"""The AWS CLI v1 (`awscli` from PyPI) against `awslocal serve`: a tutorial flow.

awscli pins a botocore of its own, so it cannot share the test environment: .ci/run installs
it in a virtual environment of its own and names its `aws` in AWSLOCAL_TEST_AWSCLI1.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess

import pytest

AWS_V1 = os.environ.get("AWSLOCAL_TEST_AWSCLI1", "")

pytestmark = pytest.mark.skipif(
    not (AWS_V1 and os.access(AWS_V1, os.X_OK)),
    reason="AWSLOCAL_TEST_AWSCLI1 names no AWS CLI v1 executable (.ci/run sets it)")


@pytest.fixture
def aws(server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS", "PYTHON"))}
    env.update({"AWS_ACCESS_KEY_ID": "alice", "AWS_SECRET_ACCESS_KEY": "secret",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
                "AWS_CONFIG_FILE": str(tmp_path / "cfg"),
                "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "creds")})

    def run(*args: str) -> object:
        proc = subprocess.run([AWS_V1, "--endpoint-url", server.endpoint, *args,
                               "--output", "json"], capture_output=True, text=True, env=env,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    return run


def test_queue_tutorial(aws, awslocal, server):
    url = aws("sqs", "create-queue", "--queue-name", "v1-tutorial")["QueueUrl"]
    assert url == f"{server.endpoint}/123456789012/v1-tutorial"
    sent = aws("sqs", "send-message", "--queue-url", url, "--message-body", "hello v1")
    got = aws("sqs", "receive-message", "--queue-url", url)["Messages"]
    assert [(m["Body"], m["MessageId"]) for m in got] == [("hello v1", sent["MessageId"])]
    aws("sqs", "delete-message", "--queue-url", url, "--receipt-handle", got[0]["ReceiptHandle"])
    assert awslocal("sqs", "receive-message", "--queue-url", url).stdout == ""
    assert aws("sts", "get-caller-identity")["Arn"] == "arn:aws:iam::123456789012:user/alice"


def test_kms_tutorial(aws, tmp_path):
    key_id = aws("kms", "create-key", "--description", "v1")["KeyMetadata"]["KeyId"]
    aws("kms", "create-alias", "--alias-name", "alias/v1-tutorial", "--target-key-id", key_id)
    (tmp_path / "plain.txt").write_bytes(b"secret from v1")
    blob = aws("kms", "encrypt", "--key-id", "alias/v1-tutorial", "--plaintext",
               f"fileb://{tmp_path / 'plain.txt'}")["CiphertextBlob"]
    (tmp_path / "blob.bin").write_bytes(base64.b64decode(blob))
    out = aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'blob.bin'}")
    assert base64.b64decode(out["Plaintext"]) == b"secret from v1"
    assert out["KeyId"].endswith(key_id)
