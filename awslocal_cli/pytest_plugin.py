"""pytest fixtures for KMS, SQS and SNS on a temporary state directory (entry point pytest11).

    def test_orders(awslocal_client):
        sqs = awslocal_client("sqs")
        url = sqs.create_queue(QueueName="orders")["QueueUrl"]

- `awslocal_state_dir`: a fresh state directory (a pathlib.Path) for the test; point the CLI at
  it with `awslocal --state-dir` to inspect what the test left behind.
- `awslocal_session`: a boto3 Session on it (awslocal_cli.sdk.session), region us-east-1.
- `awslocal_client`: `awslocal_client("sqs", region=..., profile=...)` makes clients on it.
- `awslocal_mock_aws`: awslocal_cli.testing.mock_aws active for the test (moto's mock_aws as a
  fixture): plain boto3.client(...) calls answer from a fresh state; its `state_dir` names it.

An SNS delivery that a queue policy refuses issues awslocal_cli.sdk.DeliveryRefusedWarning
through these fixtures (the call that delivered raises it under `filterwarnings = error`).

boto3 is imported only when a test asks for a session or a client.
"""

from __future__ import annotations

import pytest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
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

    return sdk.session(awslocal_state_dir, region="us-east-1", warn_refusals=True)


@pytest.fixture
def awslocal_client(awslocal_state_dir: Path) -> Callable[..., Any]:
    """A factory of boto3 clients on `awslocal_state_dir`."""
    from awslocal_cli import sdk

    def make(service: str, **kwargs: Any) -> Any:
        region = kwargs.pop("region", None)
        region = region or kwargs.pop("region_name", None) or "us-east-1"
        profile = kwargs.pop("profile", None)
        return sdk.session(awslocal_state_dir, region, profile, warn_refusals=True).client(
            service, **kwargs)

    return make


@pytest.fixture
def awslocal_mock_aws() -> Iterator[Any]:
    """awslocal_cli.testing.mock_aws, active for one test."""
    from awslocal_cli.testing import mock_aws

    with mock_aws() as mock:
        yield mock
