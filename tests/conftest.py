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
from hypothesis import HealthCheck, settings

from awslocal_cli import store
from awslocal_cli.cli.main import run as run_awslocal

# Property tests run on shared 2-core machines, CI included, where one example may take a second
# under load: no per-example deadline, and slow data generation is not a failure. What a property
# finds is reported with the blob that reproduces it.
SLOW_MACHINE = [HealthCheck.too_slow]
settings.register_profile("awslocal", deadline=None, suppress_health_check=SLOW_MACHINE,
                          print_blob=True)
settings.load_profile("awslocal")

# The reference AWS CLI v2 and its source (see the developers' guide). Tests marked
# `needs_aws_v2` compare with them: they skip where they are absent, except in CI (CI=true),
# where their absence fails them.
AWS_V2 = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "aws-v2"
AWS_V2_SOURCE = AWS_V2.parent / "aws-cli-v2"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_aws_v2: compares with the reference AWS CLI v2 at ../shared/tools/aws-v2"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_aws_v2"):
        missing = [str(p) for p in (AWS_V2, AWS_V2_SOURCE) if not p.exists()]
        if missing and in_ci():
            pytest.fail(f"CI=true but the reference AWS CLI v2 is missing: {', '.join(missing)}",
                        pytrace=False)
        if missing:
            pytest.skip(f"the reference AWS CLI v2 is not at {', '.join(missing)}")
        _warm_aws_v2()


_warmed: list[bool] = []


def _warm_aws_v2() -> None:
    """Run the reference once before any test compares with it: its first run builds its
    virtual environment and prints pip's notes on stderr, which no comparison expects."""
    if not _warmed:
        _warmed.append(True)
        subprocess.run([str(AWS_V2), "--version"], capture_output=True, timeout=900)


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
