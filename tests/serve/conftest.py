"""`awslocal serve` in a subprocess on a free loopback port, one per test module.

The tests of a module share the server's state directory (a server starts in about a second);
the CLI fixtures of those tests point at the same directory, so every test uses names of its
own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("boto3")

ACCOUNT = "123456789012"


def _default_sigint() -> None:
    """In the child before exec: Ctrl-C as a terminal delivers it. A pytest started with SIGINT
    ignored (`nohup pytest &`, a CI runner's background job) would hand the server an ignored
    SIGINT, and Python installs no KeyboardInterrupt handler for a signal ignored at start-up."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    """A running `awslocal serve --port 0 --debug`; `stop()` sends Ctrl-C (SIGINT)."""

    def __init__(self, state_dir, log_path, env, *extra: str) -> None:
        self.state_dir = state_dir
        self.log_path = log_path
        with open(log_path, "w") as log:  # the server's stderr
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "awslocal_cli", "--state-dir", str(state_dir), "--debug",
                 "serve", "--port", "0", *extra],
                stdout=subprocess.PIPE, stderr=log, text=True, env=env,
                preexec_fn=_default_sigint,
            )
        self.startup_line = self.proc.stdout.readline().strip()
        if not self.startup_line.startswith("awslocal serve: listening on http://"):
            self.proc.kill()
            self.proc.wait()
            self.proc.stdout.close()
            raise AssertionError(f"server did not start: {self.startup_line!r} "
                                 f"{log_path.read_text()}")
        self.endpoint = self.startup_line.split(" on ", 1)[1].split(" ", 1)[0]
        self.port = int(self.endpoint.rsplit(":", 1)[1])

    def log(self) -> str:
        return self.log_path.read_text()

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


# The callers the tests sign as: each a profile of the server owner's credentials file whose
# access key id is its name and whose secret is SECRET (serve verifies every signature).
SECRET = "secret"
CALLERS = ("default", "test", "alice", "bob", "carol", "mallory",
           *(f"producer{n}" for n in range(16)), *(f"consumer{n}" for n in range(16)))


def write_credentials(path, callers=CALLERS, secret=SECRET) -> None:
    path.write_text("".join(
        f"[{name}]\naws_access_key_id = {name}\naws_secret_access_key = {secret}\n"
        for name in callers))
    path.chmod(0o600)


def server_env(tmp, *, credentials: bool = True) -> dict[str, str]:
    """The server's environment: its owner's credentials file holds CALLERS (unless told not)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "AWSLOCAL_"))}
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp / "aws-credentials")
    env["AWS_CONFIG_FILE"] = str(tmp / "aws-config")
    if credentials and not (tmp / "aws-credentials").exists():
        write_credentials(tmp / "aws-credentials")
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    started = Server(tmp / "state", tmp / "server.log", server_env(tmp))
    yield started
    code = started.stop()
    assert code == 130, started.log()


@pytest.fixture(autouse=True)
def on_server_state(request, monkeypatch, tmp_path):
    """The CLI fixtures (and boto3) of a test beside a server use that server's state."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    if "server" in request.fixturenames:
        srv = request.getfixturevalue("server")
        monkeypatch.setenv("AWSLOCAL_STATE_DIR", str(srv.state_dir))


@pytest.fixture
def remote(server):
    """boto3 clients against the server: remote("sqs", key="alice", endpoint=...)."""
    import boto3

    def make(service, *, key="test", secret=SECRET, region="us-east-1", endpoint=None,
             **kwargs):
        session = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                region_name=region)
        return session.client(service, endpoint_url=endpoint or server.endpoint, **kwargs)

    return make


def wait_for(predicate, timeout=10.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
