"""The console script leaves with os._exit once the invocation is over (start-up, issue 13):
its output must be whole, its exit code kept, and exit work anyone registered still run."""

from __future__ import annotations

import os
import subprocess
import sys


def _proc(*argv: str, code: str | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", code, *argv] if code else [sys.executable, "-m",
                                                             "awslocal_cli", *argv]
    return subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ))


def test_output_is_whole_and_exit_codes_kept(awslocal) -> None:
    argv = ("sqs", "send-message-batch", "--generate-cli-skeleton")
    done = _proc(*argv)
    assert done.returncode == 0, done.stderr
    assert done.stdout == awslocal(*argv).stdout  # the in-process run, same bytes
    missing = _proc("sqs", "get-queue-url", "--queue-name", "none-such")
    assert missing.returncode == 254
    assert "NonExistentQueue" in missing.stderr
    assert _proc("sqs", "get-queue-url").returncode == 252


def test_exit_work_still_runs() -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran'))\n"
        "from awslocal_cli.cli.main import console\n"
        "sys.argv = ['awslocal', 'sts', 'get-caller-identity']\n"
        "console()\n"
    )
    done = _proc(code=code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("atexit ran")
    assert '"Account": "123456789012"' in done.stdout
