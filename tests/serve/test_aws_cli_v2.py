"""The real AWS CLI v2 against `awslocal serve` prints what `awslocal` prints, in every format.

For each command the reference CLI (../shared/tools/aws-v2, pointed at the server with
--endpoint-url) and awslocal run the same request on the same state, one right after the
other. Only what must differ is normalised, and only for the commands that produce it: ids and
timestamps a new resource or message gets (ids and ciphertexts by same-length placeholders;
a timestamp by one placeholder whatever its length, since a time on a whole second prints
without its fraction), and the queue URL's host (the endpoint's against AWS's). Where such a
value's length may differ, a table is compared cell by cell, with its padding removed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The reference AWS CLI v2 beside the checkout (AWSLOCAL_TEST_AWSV2 names it elsewhere, e.g.
# from a git worktree).
AWS_V2 = Path(os.environ.get("AWSLOCAL_TEST_AWSV2") or ROOT.parent / "shared" / "tools" / "aws-v2")
FORMATS = ("json", "text", "table", "yaml", "yaml-stream")
AWS_URL = "https://sqs.us-east-1.amazonaws.com"

pytestmark = pytest.mark.needs_aws_v2


class AwsV2:
    """One AWS CLI v2 interpreter running tests/serve/aws_v2_runner.py."""

    def __init__(self, tmp: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS", "PYTHON"))}
        env.update({
            "AWS_ACCESS_KEY_ID": "default", "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
            "AWS_CONFIG_FILE": str(tmp / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "aws-credentials"),
        })
        # The wrapper builds its virtual environment on first use (about a minute, once).
        subprocess.run([str(AWS_V2), "--version"], env=env, check=True, capture_output=True,
                       timeout=600)
        venv = Path(os.environ.get("AWS_V2_VENV") or Path.home() / ".cache/aws-cli-v2-venv")
        env["PYTHONPATH"] = str(AWS_V2.parent / "aws-cli-v2")
        self.proc = subprocess.Popen(
            [str(venv / "bin" / "python"), str(Path(__file__).with_name("aws_v2_runner.py"))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )

    def __call__(self, *argv: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(list(argv)) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.close()
        self.proc.wait(30)
        self.proc.stdout.close()


@pytest.fixture(scope="module")
def aws(server, tmp_path_factory):
    runner = AwsV2(tmp_path_factory.mktemp("aws-v2"))

    def run(*argv: str) -> dict:
        return runner("--endpoint-url", server.endpoint, *argv)

    yield run
    runner.close()


@pytest.fixture(scope="module")
def state(aws, server, tmp_path_factory):
    """A key, a queue and a topic both CLIs see; a plaintext file to encrypt."""
    def ok(*argv):
        result = aws(*argv, "--output", "json")
        assert result["rc"] == 0, result
        return json.loads(result["stdout"])

    key = ok("kms", "create-key", "--description", "compared")["KeyMetadata"]["KeyId"]
    url = ok("sqs", "create-queue", "--queue-name", "compared", "--attributes",
             "VisibilityTimeout=60")["QueueUrl"]
    # Receives have a queue of their own, holding only the messages sent for them.
    rurl = ok("sqs", "create-queue", "--queue-name", "compared-receive", "--attributes",
              "VisibilityTimeout=600")["QueueUrl"]
    topic = ok("sns", "create-topic", "--name", "compared")["TopicArn"]
    queue_arn = ok("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                   "QueueArn")["Attributes"]["QueueArn"]
    ok("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs", "--notification-endpoint",
       queue_arn)
    assert aws("sqs", "tag-queue", "--queue-url", url, "--tags", "team=blue,env=test")["rc"] == 0
    assert aws("kms", "create-alias", "--alias-name", "alias/compared", "--target-key-id",
               key)["rc"] == 0
    plain_dir = tmp_path_factory.mktemp("plain")
    plaintext = plain_dir / "plain.txt"
    plaintext.write_bytes(b"compare me")
    blob = plain_dir / "blob.bin"
    import base64

    blob.write_bytes(base64.b64decode(ok("kms", "encrypt", "--key-id", key, "--plaintext",
                                         f"fileb://{plaintext}")["CiphertextBlob"]))
    return {"key": key, "url": url, "topic": topic, "plaintext": str(plaintext),
            "blob": str(blob), "queue_arn": queue_arn, "rurl": rurl,
            "aws_url": url.replace(server.endpoint, AWS_URL),
            "aws_rurl": rurl.replace(server.endpoint, AWS_URL)}


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")
TIMESTAMP = "<timestamp>"
_EPOCH_MS = re.compile(r"(?<![\d.])\d{13}(?![\d.])")
_BLOB = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")


def _same_length(pattern: re.Pattern, fill: str):
    return lambda text: pattern.sub(lambda m: re.sub(r"[0-9A-Za-z+/=]", fill, m.group()), text)


GENERATED = [_same_length(_BLOB, "B"), _same_length(_UUID, "0"),
             lambda text: _ISO.sub(TIMESTAMP, text), _same_length(_EPOCH_MS, "0")]

# (id, argv for aws, argv for awslocal (None: the same), what is normalised)
CASES = [
    ("sts-get-caller-identity", ["sts", "get-caller-identity"], None, ()),
    ("kms-create-key", ["kms", "create-key", "--description", "new"], None, ("generated",)),
    ("kms-describe-key", ["kms", "describe-key", "--key-id", "{key}"], None, ()),
    ("kms-list-keys", ["kms", "list-keys"], None, ()),
    ("kms-list-aliases-all", ["kms", "list-aliases"], None, ("generated",)),
    ("kms-encrypt", ["kms", "encrypt", "--key-id", "{key}", "--plaintext",
                     "fileb://{plaintext}"], None, ("generated",)),
    ("sqs-create-queue", ["sqs", "create-queue", "--queue-name", "compared", "--attributes",
                          "VisibilityTimeout=60"], None, ("url",)),
    ("sqs-list-queues", ["sqs", "list-queues"], None, ("url",)),
    ("sqs-get-queue-attributes", ["sqs", "get-queue-attributes", "--queue-url", "{url}",
                                  "--attribute-names", "All"],
     ["sqs", "get-queue-attributes", "--queue-url", "{aws_url}", "--attribute-names", "All"],
     ()),
    ("sqs-send-message", ["sqs", "send-message", "--queue-url", "{url}", "--message-body",
                          "hello"], None, ("generated",)),
    ("sqs-receive-message", ["sqs", "receive-message", "--queue-url", "{rurl}",
                             "--attribute-names", "All"], None, ("generated", "send-first")),
    ("sns-create-topic", ["sns", "create-topic", "--name", "compared"], None, ()),
    ("sns-list-topics", ["sns", "list-topics"], None, ()),
    ("sns-publish", ["sns", "publish", "--topic-arn", "{topic}", "--message", "hi"], None,
     ("generated",)),
    # More of each service: deterministic answers on the shared state.
    ("kms-decrypt", ["kms", "decrypt", "--ciphertext-blob", "fileb://{blob}"], None, ()),
    ("kms-list-aliases", ["kms", "list-aliases", "--key-id", "{key}"], None, ()),
    ("kms-get-key-policy", ["kms", "get-key-policy", "--key-id", "{key}"], None, ()),
    ("kms-get-key-rotation-status", ["kms", "get-key-rotation-status", "--key-id", "{key}"],
     None, ()),
    ("kms-generate-data-key", ["kms", "generate-data-key", "--key-id", "alias/compared",
                               "--key-spec", "AES_256"], None, ("generated",)),
    ("kms-describe-key-query", ["kms", "describe-key", "--key-id", "alias/compared", "--query",
                                "KeyMetadata.[KeyId,KeyState,KeySpec]"], None, ()),
    ("sqs-get-queue-url", ["sqs", "get-queue-url", "--queue-name", "compared"], None, ("url",)),
    ("sqs-list-queue-tags", ["sqs", "list-queue-tags", "--queue-url", "{url}"], None, ()),
    ("sqs-send-message-batch", ["sqs", "send-message-batch", "--queue-url", "{url}",
                                "--entries", "Id=a,MessageBody=one", "Id=b,MessageBody=two"],
     None, ("generated",)),
    ("sns-get-topic-attributes", ["sns", "get-topic-attributes", "--topic-arn", "{topic}"],
     None, ()),
    ("sns-list-subscriptions", ["sns", "list-subscriptions"], None, ()),
    ("sns-list-subscriptions-by-topic", ["sns", "list-subscriptions-by-topic", "--topic-arn",
                                         "{topic}"], None, ()),
    ("sns-subscribe", ["sns", "subscribe", "--topic-arn", "{topic}", "--protocol", "sqs",
                       "--notification-endpoint", "{queue_arn}"], None, ()),
    ("sqs-send-message-attributes", ["sqs", "send-message", "--queue-url", "{url}",
                                     "--message-body", "with attributes", "--message-attributes",
                                     '{{"n": {{"DataType": "Number", "StringValue": "7"}}, '
                                     '"b": {{"DataType": "Binary", "BinaryValue": "AAE="}}}}'],
     None, ("generated",)),
    ("sqs-receive-message-attributes", ["sqs", "receive-message", "--queue-url", "{rurl}",
                                        "--message-attribute-names", "All",
                                        "--max-number-of-messages", "1"], None,
     ("generated", "send-first")),
    # The AWS CLI's own pagination over the service's tokens.
    ("kms-list-keys-max-items", ["kms", "list-keys", "--max-items", "1"], None, ()),
    ("sns-list-topics-max-items", ["sns", "list-topics", "--max-items", "1"], None, ()),
    ("sqs-list-queues-prefix", ["sqs", "list-queues", "--queue-name-prefix", "comp"], None,
     ("url",)),
    ("sqs-list-queues-none", ["sqs", "list-queues", "--queue-name-prefix", "none-such"], None,
     ()),
    ("kms-list-keys-pages-query", ["kms", "list-keys", "--page-size", "1", "--max-items", "2",
                                   "--query", "Keys[].KeyId"], None, ()),
]


def _fill(argv, state):
    return [a.format(**state) for a in argv]


def _normalise(text: str, kinds, fmt: str, endpoint: str) -> str:
    if "url" in kinds:
        text = text.replace(endpoint, AWS_URL)
    if "generated" in kinds:
        for normalise in GENERATED:
            text = normalise(text)
    if fmt == "table" and ("url" in kinds or "generated" in kinds):
        # The cell widths follow the URL's or the timestamp's length: compare the cells.
        text = "\n".join(re.sub(r"-+", "-", line.replace(" ", ""))
                         for line in text.splitlines())
    return text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_timestamp_on_a_whole_second_normalises_as_any_other(fmt):
    """1 in 1,000 times a millisecond timestamp falls on a whole second and prints shorter."""
    whole = "| CreationDate | 2026-12-07T05:40:12+00:00 |\n"
    fraction = "| CreationDate | 2026-12-07T05:40:12.120000+00:00 |\n"
    kinds = ("generated",)
    assert _normalise(whole, kinds, fmt, "x") == _normalise(fraction, kinds, fmt, "x")
    later = "| CreationDate | 2026-12-07T05:40:13 extra |\n"
    assert _normalise(whole, kinds, fmt, "x") != _normalise(later, kinds, fmt, "x")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "aws_argv", "local_argv", "kinds"), CASES,
                         ids=[c[0] for c in CASES])
def test_aws_cli_v2_prints_what_awslocal_prints(aws, awslocal, server, state, fmt, name,
                                                aws_argv, local_argv, kinds):
    if "send-first" in kinds:
        for _ in range(2):  # one message for each CLI to receive, alike but for their ids
            assert awslocal("sqs", "send-message", "--queue-url", state["aws_rurl"],
                            "--message-body", "same body", "--message-attributes",
                            "k={DataType=String,StringValue=v}").exit_code == 0
    theirs = aws(*_fill(aws_argv, state), "--output", fmt)
    ours = awslocal(*_fill(local_argv or aws_argv, state), "--output", fmt)
    assert theirs["rc"] == 0, theirs
    assert ours.exit_code == 0, ours
    assert _normalise(ours.stdout, kinds, fmt, server.endpoint) == _normalise(
        theirs["stdout"], kinds, fmt, server.endpoint)


ERRORS = [
    ["sqs", "get-queue-url", "--queue-name", "no-such-queue"],
    # botocore checks no blob's length: an empty Plaintext reaches KMS, which refuses it (254).
    pytest.param(
        ["kms", "encrypt", "--key-id", "alias/compared", "--plaintext", "fileb:///dev/null"],
        id="kms encrypt empty"),
    ["kms", "schedule-key-deletion", "--key-id", "alias/compared", "--pending-window-in-days",
     "3"],
    ["sqs", "receive-message", "--queue-url",
     "https://sqs.us-east-1.amazonaws.com/123456789012/compared", "--wait-time-seconds", "21"],
    ["sns", "create-topic", "--name", "bad name!"],
    ["kms", "describe-key", "--key-id", "alias/no-such-key"],
    ["sns", "get-topic-attributes", "--topic-arn",
     "arn:aws:sns:us-east-1:123456789012:no-such-topic"],
    # Past botocore's checks, the model's constraints in AWS's words (issue 20).
    pytest.param(["kms", "generate-random", "--number-of-bytes", "2048"], id="kms over max"),
    pytest.param(["kms", "create-key", "--key-spec", "RSA_1024"], id="kms enum"),
    # botocore's own check, before any request (exit 252).
    pytest.param(["kms", "generate-random", "--number-of-bytes", "0"], id="kms under min"),
]


@pytest.mark.parametrize("argv", ERRORS, ids=lambda a: " ".join(a[:2]))
def test_service_errors_read_alike(aws, awslocal, state, argv):
    theirs = aws(*argv)
    ours = awslocal(*argv)
    assert (ours.exit_code, ours.stdout) == (theirs["rc"], theirs["stdout"])
    assert ours.stderr.replace("awslocal: [ERROR]", "aws: [ERROR]") == theirs["stderr"]


@pytest.mark.parametrize("error_format", ["json", "yaml", "text", "table"])
@pytest.mark.parametrize("argv", [
    ["sqs", "get-queue-url", "--queue-name", "no-such-queue"],  # JSON, query-compatible code
    ["kms", "describe-key", "--key-id", "alias/no-such-key"],   # JSON, a modeled exception
    ["sns", "get-topic-attributes", "--topic-arn",              # the query protocol
     "arn:aws:sns:us-east-1:123456789012:no-such-topic"],
], ids=lambda a: " ".join(a[:2]))
def test_structured_errors_read_alike(aws, awslocal, argv, error_format):
    theirs = aws(*argv, "--cli-error-format", error_format)
    ours = awslocal(*argv, "--cli-error-format", error_format)
    assert (ours.exit_code, ours.stdout, ours.stderr) == (
        theirs["rc"], theirs["stdout"], theirs["stderr"])
