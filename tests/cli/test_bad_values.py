"""Bad values fail cleanly with the AWS CLI's exit codes, never a traceback (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("duration", ["999999999y", "9" * 400 + "s"])
def test_clock_advance_beyond_what_a_clock_can_hold_is_a_parameter_error(awslocal_proc,
                                                                        duration):
    result = awslocal_proc("local", "clock", "advance", duration)
    assert result.exit_code == 252, result
    assert "out of range" in result.stderr or "longer than the local clock" in result.stderr
    assert "Traceback" not in result.stderr and "ValueError" not in result.stderr
    shown = awslocal_proc("local", "clock", "show")
    assert shown.exit_code == 0 and shown.json["OffsetSeconds"] == 0  # nothing moved


def test_clock_set_out_of_range_is_a_parameter_error(awslocal_proc):
    result = awslocal_proc("local", "clock", "set", "99999999999999")
    assert result.exit_code == 252, result
    assert "out of range" in result.stderr


@pytest.mark.parametrize(("value", "args"), [
    ("garbage", ("sqs", "list-queues")), ("99999999999999", ("kms", "list-keys")),
    ("2026-13-45", ("sts", "get-caller-identity")), ("garbage", ("local", "info")),
])
def test_a_garbage_awslocal_now_fails_every_command_up_front(awslocal_proc, value, args):
    result = awslocal_proc(*args, env={"AWSLOCAL_NOW": value})
    assert result.exit_code == 253, result
    assert "AWSLOCAL_NOW" in result.stderr and "Traceback" not in result.stderr


def _run_bytes(*args: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable.encode(), b"-m", b"awslocal_cli", *args],
                          capture_output=True, env=dict(os.environ), timeout=60)


@pytest.mark.parametrize("args", [
    (b"sqs", b"list-queues", b"--queue-name-prefix", b"a\xff"),
    (b"kms", b"create-key", b"--description", b"d\xff"),
    (b"sqs", b"create-queue", b"--queue-name", b"q\xff"),
    (b"sns", b"create-topic", b"--name", b"t\xff"),
    (b"sqs", b"\xffx"),
    (b"\xff",),
    (b"--region", b"\xff", b"sqs", b"list-queues"),
    (b"--output", b"\xff", b"sqs", b"list-queues"),
    (b"sqs", b"list-queues", b"--query", b"\xff"),
    (b"local", b"clock", b"advance", b"\xff"),
    (b"kms", b"encrypt", b"--key-id", b"alias/x", b"--plaintext", b"fileb://\xff"),
])
def test_argv_that_is_not_utf8_fails_cleanly(args):
    proc = _run_bytes(*args)
    # 255 only where the AWS CLI v2 answers 255 too: a region it cannot use.
    assert proc.returncode in ((252, 254, 255) if b"--region" in args else (252, 254)), proc
    assert b"Traceback" not in proc.stderr and b"UnicodeEncodeError" not in proc.stderr
    assert b"[ERROR]" in proc.stderr or b"usage:" in proc.stderr
