"""pytest fixtures for KMS, SQS and SNS on a temporary state directory (entry point pytest11).

    def test_orders(awslocal_client):
        sqs = awslocal_client("sqs")
        url = sqs.create_queue(QueueName="orders")["QueueUrl"]

- `awslocal_state_dir`: a fresh state directory (a pathlib.Path) for the test; point the CLI at
  it with `awslocal --state-dir` to inspect what the test left behind.
- `awslocal_session`: a boto3 Session on it (awslocal_cli.sdk.session), region us-east-1.
- `awslocal_client`: `awslocal_client("sqs", region=..., profile=...)` makes clients on it.

boto3 is imported only when a test asks for a session or a client.
"""

from __future__ import annotations

import pytest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any


@pytest.fixture
def awslocal_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh awslocal state directory for one test."""
    return tmp_path_factory.mktemp("awslocal-state")


@pytest.fixture
def awslocal_session(awslocal_state_dir: Path) -> Any:
    """A boto3 Session answering in process from `awslocal_state_dir`."""
    from awslocal_cli import sdk

    return sdk.session(awslocal_state_dir, region="us-east-1")


@pytest.fixture
def awslocal_client(awslocal_state_dir: Path) -> Callable[..., Any]:
    """A factory of boto3 clients on `awslocal_state_dir`."""
    from awslocal_cli import sdk

    def make(service: str, **kwargs: Any) -> Any:
        kwargs.setdefault("region", "us-east-1")
        return sdk.client(service, state_dir=awslocal_state_dir, **kwargs)

    return make
