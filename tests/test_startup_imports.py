"""Start-up guard (issue 13): each common command, in a fresh interpreter, imports nothing it
does not need.

Start-up is the product (a command is a fresh process), and the cheapest way to keep it is to
notice the import that creeps back. Each command runs in its own `python -c` through
`awslocal_cli.cli.main.run`, with ~/.aws/config holding the profile it uses, and the test fails
on any module of the command's deny-list in `sys.modules` afterwards. Not timed, so it cannot
flake; benchmarks/startup.py measures the time.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

# The harness imports nothing of its own beyond what the interpreter already holds (sys, io).
HARNESS = """\
import io, sys
argv = sys.argv[1:]
sys.stdout = io.StringIO()
code = run(argv)
out = sys.stdout.getvalue()
sys.stdout = sys.__stdout__
print(code)
print(" ".join(sorted(sys.modules)))
print(out)
"""

# What no listed command needs: each costs milliseconds on every run.
NEVER = (
    "uuid",  # ids.uuid4() is os.urandom as a version-4 UUID
    "pathlib",  # the store opens with os.path
    "typing",  # annotations only
    "configparser",  # a plain ~/.aws/config is read without it
    "platform",
    "urllib",
    "ipaddress",
    "jmespath",
    "yaml",
    "tabulate",
    "botocore",
    "awslocal_cli.sdk",  # the in-process boto3 route
    "awslocal_cli.testing",  # mock_aws: registers a botocore handler when imported
    "platformdirs",  # the state directory is given
    "hashlib",  # SQS's MD5s use CPython's _md5, not OpenSSL's libcrypto
    "dataclasses",  # cryptography's serialization package (via its SSH module): not to sign
    "inspect",
    "shutil",
    "textwrap",  # only to lay out a help page
)
CRYPTO = ("cryptography", "awslocal_cli.crypto")
CLICK = ("click", "awslocal_cli.cli.tree")
# The policy evaluator: KMS evaluates the key policy on every request (and validates the default
# one on create-key), SQS and SNS only when a service delivers or a policy is set.
POLICY = ("awslocal_cli.policy",)
HELP_ALLOWED = ("pathlib", "urllib", "ipaddress", "shutil", "textwrap")


def _run(env: dict[str, str], argv: list[str]) -> tuple[set[str], str]:
    code = "from awslocal_cli.cli.main import run\n" + HARNESS
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    exit_code, modules, out = proc.stdout.split("\n", 2)
    assert exit_code == "0", (argv, proc.stdout, proc.stderr)
    return set(modules.split()), out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A state with a queue holding messages, a key, a topic with a queue subscribed."""
    import json

    tmp = tmp_path_factory.mktemp("startup")
    config = tmp / "config"
    config.write_text("[default]\nregion = us-east-1\n\n[profile guard]\nregion = us-east-1\n"
                      "output = json\n")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp),
        "AWSLOCAL_STATE_DIR": str(tmp / "state"),
        "AWS_CONFIG_FILE": str(config),
        "AWS_PROFILE": "guard",
    }

    def call(*argv: str) -> dict:
        return json.loads(_run(env, list(argv))[1] or "{}")

    queue = call("sqs", "create-queue", "--queue-name", "guard")["QueueUrl"]
    sink = call("sqs", "create-queue", "--queue-name", "guard-sink")["QueueUrl"]
    sink_arn = call("sqs", "get-queue-attributes", "--queue-url", sink,
                    "--attribute-names", "QueueArn")["Attributes"]["QueueArn"]
    key = call("kms", "create-key")["KeyMetadata"]["KeyId"]
    blob = call("kms", "encrypt", "--key-id", key, "--plaintext",
                base64.b64encode(b"guard").decode())["CiphertextBlob"]
    topic = call("sns", "create-topic", "--name", "guard")["TopicArn"]
    call("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
         "--notification-endpoint", sink_arn)
    # The first publish makes the topic's signing key and certificate (RSA, X.509); a command
    # after it signs with the stored key.
    call("sns", "publish", "--topic-arn", topic, "--message", "first")
    for body in ("one", "two", "three"):
        call("sqs", "send-message", "--queue-url", queue, "--message-body", body)
    handle = call("sqs", "receive-message", "--queue-url", queue)["Messages"][0]["ReceiptHandle"]
    return {"env": env, "queue": queue, "sink_arn": sink_arn, "key": key, "blob": blob,
            "topic": topic, "handle": handle}


# name -> (argv with {placeholders}, modules denied beyond NEVER)
COMMANDS = {
    "sts get-caller-identity": (["sts", "get-caller-identity"], CRYPTO + CLICK + POLICY),
    "sqs list-queues": (["sqs", "list-queues"], CRYPTO + CLICK + POLICY),
    "sqs get-queue-url": (["sqs", "get-queue-url", "--queue-name", "guard"],
                          CRYPTO + CLICK + POLICY),
    "sqs get-queue-attributes": (["sqs", "get-queue-attributes", "--queue-url", "{queue}",
                                  "--attribute-names", "All"], CRYPTO + CLICK + POLICY),
    "sqs create-queue": (["sqs", "create-queue", "--queue-name", "guard-new"],
                         CRYPTO + CLICK + POLICY),
    "sqs send-message": (["sqs", "send-message", "--queue-url", "{queue}",
                          "--message-body", "hello"], CLICK + POLICY),
    "sqs send-message-batch": (["sqs", "send-message-batch", "--queue-url", "{queue}",
                                "--entries", "Id=a,MessageBody=one", "Id=b,MessageBody=two"],
                               CLICK + POLICY),
    "sqs receive-message": (["sqs", "receive-message", "--queue-url", "{queue}"], CLICK + POLICY),
    "sqs delete-message": (["sqs", "delete-message", "--queue-url", "{queue}",
                            "--receipt-handle", "{handle}"], CRYPTO + CLICK + POLICY),
    "kms create-key": (["kms", "create-key"], CLICK),
    "kms describe-key": (["kms", "describe-key", "--key-id", "{key}"], CRYPTO + CLICK),
    "kms list-keys": (["kms", "list-keys"], CRYPTO + CLICK + POLICY),
    "kms encrypt": (["kms", "encrypt", "--key-id", "{key}", "--plaintext", "aGk="], CLICK),
    "kms decrypt": (["kms", "decrypt", "--ciphertext-blob", "{blob}"], CLICK),
    "kms generate-data-key": (["kms", "generate-data-key", "--key-id", "{key}",
                               "--key-spec", "AES_256"], CLICK),
    "sns create-topic": (["sns", "create-topic", "--name", "guard-new"], CRYPTO + CLICK + POLICY),
    "sns list-topics": (["sns", "list-topics"], CRYPTO + CLICK + POLICY),
    "sns subscribe": (["sns", "subscribe", "--topic-arn", "{topic}", "--protocol", "sqs",
                       "--notification-endpoint", "{sink_arn}"], CRYPTO + CLICK),
    # Signing the message (RSA PKCS#1 v1.5, as SNS signs) takes cryptography's asymmetric
    # modules, which import typing themselves (cryptography.utils, cryptography.exceptions).
    "sns publish": (["sns", "publish", "--topic-arn", "{topic}", "--message", "hi"], CLICK,
                    ("typing",)),
    # An operation's help page (cli/help.py) never loads click or a service's crypto; it reads
    # AWS's documentation from botocore's JSON when botocore is installed (json, pathlib) and
    # the service function's docstring for the awslocal notes.
    "sqs send-message --help": (["sqs", "send-message", "--help"], CRYPTO + CLICK + POLICY,
                                HELP_ALLOWED),
    "kms encrypt --help": (["kms", "encrypt", "--help"], CRYPTO + CLICK + POLICY, HELP_ALLOWED),
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_imports_only_what_it_needs(world: dict[str, str], name: str) -> None:
    template, denied, *allowed = COMMANDS[name]
    deny = [d for d in (*NEVER, *denied) if d not in (allowed[0] if allowed else ())]
    argv = [arg.format(**world) for arg in template]
    modules, _ = _run(world["env"], argv)
    heavy = sorted(m for m in modules if any(m == d or m.startswith(d + ".") for d in deny))
    assert heavy == [], f"{name} imported {heavy}"


def test_the_guard_sees_an_import(world: dict[str, str]) -> None:
    """The harness itself: a command known to need cryptography is seen importing it."""
    modules, _ = _run(world["env"], ["kms", "encrypt", "--key-id", world["key"],
                                     "--plaintext", "aGk="])
    assert "cryptography" in modules and "awslocal_cli.services.kms" in modules
