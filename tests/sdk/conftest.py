"""boto3 on the in-process route, on the test's state directory (the one the CLI fixture uses)."""

from __future__ import annotations

import pytest

pytest.importorskip("boto3")


@pytest.fixture(autouse=True)
def no_real_credentials(tmp_path, monkeypatch):
    """Neither the wire layer nor boto3 may read the real ~/.aws files."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))


@pytest.fixture
def client():
    """boto3 clients on the test's state directory (AWSLOCAL_STATE_DIR), in process."""
    from awslocal_cli import sdk

    def make(service, **kwargs):
        return sdk.client(service, **kwargs)

    return make
