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


_clients: dict = {}


@pytest.fixture
def client():
    """boto3 clients on the test's state directory (AWSLOCAL_STATE_DIR), in process.

    The wire layer reads AWSLOCAL_STATE_DIR on every request, so a client made for one test
    serves the next test's state directory: they are kept (making one costs ~50 ms).
    """
    from awslocal_cli import sdk

    def make(service, **kwargs):
        key = (service, tuple(sorted(kwargs.items())))
        if key not in _clients:
            _clients[key] = sdk.client(service, **kwargs)
        return _clients[key]

    return make
