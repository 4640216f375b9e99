"""Every test gets its own state directory; nothing touches a real home directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from awslocal_cli import store
from awslocal_cli.cli.main import run as run_awslocal

AWS_ENV = (
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_OUTPUT",
    "AWS_CLI_ERROR_FORMAT", "AWSLOCAL_NOW", "AWSLOCAL_ACCOUNT_ID", "AWSLOCAL_STATE_DIR",
    "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWSLOCAL_REGEN_GOLDEN",
)


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    state = tmp_path / "state"
    monkeypatch.setenv("AWSLOCAL_STATE_DIR", str(state))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))

    def no_default() -> Path:
        raise AssertionError("a test reached for the real default state directory")

    monkeypatch.setattr(store, "default_state_dir", no_default)
    return state


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def json(self) -> object:
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"Result({self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


class _EntryPoint(click.Command):
    """The whole `awslocal` entry point (cli.main.run, exit codes included) as the command
    CliRunner invokes; the click tree under it is reached the way the console script reaches it."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        sys.exit(run_awslocal(list(args or ())))


cli = _EntryPoint("awslocal")


@pytest.fixture
def awslocal():
    """Run `awslocal ARGS...` in-process with CliRunner; returns exit code, stdout, stderr."""
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None, env: dict | None = None) -> Result:
        result = runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def awslocal_proc():
    """Run `python -m awslocal_cli ARGS...` in a real subprocess."""

    def run(*args: str, input: str | None = None, env: dict | None = None,
            timeout: float = 60) -> Result:
        full_env = dict(os.environ)
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "awslocal_cli", *args], input=input, capture_output=True,
            text=True, env=full_env, timeout=timeout,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run
