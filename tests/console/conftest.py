"""`awslocal serve` on the test's own state directory, for the console's tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("jinja2")


class Server:
    """A running `awslocal serve --port 0`; `console` is its console's address."""

    def __init__(self, state_dir, log_path) -> None:
        # The test's own AWS config and credentials files, nothing else of the caller's AWS_*:
        # serve verifies signatures, so the owner's profile must exist (as `awslocal configure`
        # would leave it).
        keep = ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") or k in keep}
        credentials = env.get("AWS_SHARED_CREDENTIALS_FILE")
        if credentials and not os.path.exists(credentials):
            with open(credentials, "w") as f:
                f.write("[default]\naws_access_key_id = local\n"
                        "aws_secret_access_key = local-secret\n")
        env["AWSLOCAL_STATE_DIR"] = str(state_dir)
        with open(log_path, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "awslocal_cli", "--state-dir", str(state_dir), "--debug",
                 "serve", "--port", "0"],
                stdout=subprocess.PIPE, stderr=log, text=True, env=env)
        self.log_path = log_path
        self.lines = [self.proc.stdout.readline().strip(), self.proc.stdout.readline().strip()]
        if not self.lines[0].startswith("awslocal serve: listening on http://"):
            self.stop()
            raise AssertionError(f"server did not start: {self.lines} {log_path.read_text()}")
        self.endpoint = self.lines[0].split(" on ", 1)[1].split(" ", 1)[0]
        self.console = self.lines[1].rsplit(" ", 1)[-1]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        return self.proc.returncode


@pytest.fixture
def server(isolated_state, tmp_path):
    """A server on the state directory the test's `awslocal` fixture uses."""
    started = Server(isolated_state, tmp_path / "server.log")
    yield started
    code = started.stop()
    assert code == 130, started.log_path.read_text()
