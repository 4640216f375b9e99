"""`awslocal local console`: starts `awslocal serve` on the state when none runs, and reuses it."""

from __future__ import annotations

import json
import os
import signal
import urllib.request

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("jinja2")


def test_starts_a_server_then_reuses_it(awslocal_proc, isolated_state):
    state = str(isolated_state)
    # serve verifies signatures, so it wants the owner's credentials to exist
    with open(os.environ["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
        f.write("[default]\naws_access_key_id = local\naws_secret_access_key = local-secret\n")
    first = awslocal_proc("--state-dir", state, "local", "console", "--no-browser",
                          "--port", "0")
    assert first.exit_code == 0, first
    record = json.loads((isolated_state / "serve.json").read_text())
    try:
        url = first.stdout.strip()
        assert url == record["console"] and url.endswith("/_awslocal/")
        assert "started awslocal serve" in first.stderr and f"kill {record['pid']}" in first.stderr
        assert oct((isolated_state / "serve.json").stat().st_mode & 0o777) == "0o600"
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200 and b"Overview" in page.read()
        again = awslocal_proc("--state-dir", state, "local", "console", "--no-browser")
        assert again.exit_code == 0, again
        assert again.stdout.strip() == url
        assert f"running on this state (pid {record['pid']})" in again.stderr
    finally:
        os.kill(record["pid"], signal.SIGTERM)
    for _ in range(100):
        if not (isolated_state / "serve.json").exists():
            break
        import time

        time.sleep(0.1)
    assert not (isolated_state / "serve.json").exists()  # the server forgot its address


def test_a_stale_record_is_ignored(awslocal, isolated_state):
    from awslocal_cli.console import address

    awslocal("sqs", "list-queues")  # creates the state
    (isolated_state / "serve.json").write_text(json.dumps(
        {"pid": 2 ** 22 + 12345, "url": "http://127.0.0.1:9", "console": "x"}))
    assert address.read(str(isolated_state)) is None


def test_bad_port(awslocal):
    result = awslocal("local", "console", "--no-browser", "--port", "70000")
    assert result.exit_code == 252 and "--port must be between 0 and 65535" in result.stderr
