"""The WSGI adapter on its own: environ in, wire request out, deferred work after the body."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest

from awslocal_cli.wire import shapes
from awslocal_cli.wire.wsgi import App, endpoint_of, request_of


def _environ(body: bytes = b"", *, target: str = "AmazonSQS.ListQueues",
             host: str = "srv:4566", **extra):
    """A request signed as alice (serve's owner holds her key: the `credentials` fixture)."""
    from botocore.awsrequest import AWSRequest

    from .signing import environ_of, sign

    request = AWSRequest(method="POST", url=f"http://{host}/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target})
    environ = environ_of(sign(request, "sqs"))
    environ.update(extra)
    return environ


@pytest.fixture(autouse=True)
def credentials(tmp_path):
    from .conftest import write_credentials

    write_credentials(tmp_path / "aws-credentials")


def test_the_endpoint_is_what_the_client_addressed():
    assert endpoint_of({"wsgi.url_scheme": "http", "HTTP_HOST": "localhost:9000"}) == (
        "http://localhost:9000")
    assert endpoint_of({"wsgi.url_scheme": "https", "SERVER_NAME": "h",
                        "SERVER_PORT": "443"}) == "https://h"
    assert endpoint_of({"wsgi.url_scheme": "http", "SERVER_NAME": "h",
                        "SERVER_PORT": "4566"}) == "http://h:4566"


def test_request_headers_and_body_reach_the_wire_layer():
    request = request_of(_environ(b"{}", host="example:1", QUERY_STRING="a=b"))
    assert request.headers["x-amz-target"] == "AmazonSQS.ListQueues"
    assert request.headers["content-type"] == "application/x-amz-json-1.0"
    assert (request.body, request.query, request.endpoint) == (b"{}", "a=b", "http://example:1")
    # A de-chunked body without a Content-Length is read whole.
    request = request_of(_environ(b"xyz", CONTENT_LENGTH="", **{"wsgi.input_terminated": True}))
    assert request.body == b"xyz"


def test_queue_urls_follow_the_host_header(isolated_state):
    app = App(isolated_state)
    statuses = []
    body = app(_environ(b'{"QueueName": "q"}', host="127.0.0.1:4599",
                        target="AmazonSQS.CreateQueue"),
               lambda status, headers: statuses.append((status, dict(headers))))
    data = b"".join(body)
    body.close()
    [(status, headers)] = statuses
    assert status == "200 OK"
    assert headers["Content-Length"] == str(len(data))
    assert json.loads(data) == {"QueueUrl": "http://127.0.0.1:4599/123456789012/q"}


def test_close_runs_the_deferred_work_once(isolated_state):
    calls = []
    app = App(isolated_state)
    body = app(_environ(b"{}"), lambda status, headers: None)
    body._after = lambda: calls.append(1)  # what an SNS publish would leave to do
    b"".join(body)
    body.close()
    body.close()
    assert calls == [1]


def test_errors_have_their_status_and_a_log_line(isolated_state):
    log = io.StringIO()
    app = App(isolated_state, log=log)
    statuses = []
    body = app(_environ(b'{"QueueName": "missing"}', target="AmazonSQS.GetQueueUrl",
                        REMOTE_ADDR="127.0.0.9"),
               lambda status, headers: statuses.append(status))
    assert statuses == ["400 Bad Request"]
    assert b"QueueDoesNotExist" in b"".join(body)
    assert log.getvalue().startswith(
        "awslocal serve: 127.0.0.9 POST / AmazonSQS.GetQueueUrl 400 ")


def test_wire_timestamps_are_milliseconds_truncated():
    value = datetime(2026, 12, 1, 22, 54, 47, 499792, tzinfo=timezone.utc)
    assert shapes.epoch(value) == 1796165687.499
    assert shapes.iso8601(value) == "2026-12-01T22:54:47.499Z"
    assert shapes.epoch(value.replace(microsecond=0)) == 1796165687


@pytest.mark.parametrize("argv", [["sqs", "list-queues"], ["help"], ["serve", "--help"]])
def test_only_serving_imports_the_server(argv):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from awslocal_cli.cli.main import run\n"
        f"run({argv!r})\n"
        "print([m for m in sys.modules if m.split('.')[0] in "
        "('uvicorn', 'httptools', 'waitress', 'boto3', 'botocore')"
        " or m.startswith('awslocal_cli.wire')])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
