"""Bad input on the wire gets AWS's 4xx: the query protocol's repeated parameters."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from awslocal_cli.wire.wsgi import App

from .conftest import write_credentials
from .signing import aws_request, call, environ_of, sign


@pytest.fixture
def app(isolated_state, tmp_path):
    write_credentials(tmp_path / "aws-credentials")
    return App(isolated_state)


def _code(headers: dict, body: bytes) -> str:
    if body.lstrip().startswith(b"<"):
        root = ElementTree.fromstring(body)
        return next(e.text for e in root.iter() if e.tag.endswith("Code")) or ""
    document = json.loads(body)
    return headers.get("x-amzn-query-error", document["__type"]).split(";")[0].rpartition("#")[2]


def _signed_raw(service: str, target: str | None, body: bytes, content_type: str,
                **signing) -> dict:
    """A request whose raw body is `body`, correctly signed (so it reaches the parsers)."""
    request = aws_request(service, "ListKeys" if service == "kms" else "ListQueues")
    request.data = body
    del request.headers["Content-Type"], request.headers["X-Amz-Target"]
    request.headers["Content-Type"] = content_type
    if target is not None:
        request.headers["X-Amz-Target"] = target
    return environ_of(sign(request, service, **signing))


# -- hole 5: a repeated parameter of the query protocol ------------------------------------------


def test_a_repeated_action_is_refused_not_run(app):
    sqs = sign(aws_request("sqs", "CreateQueue", {"QueueName": "keep"}, protocol="query"), "sqs")
    assert call(app, environ_of(sqs))[0] == 200
    body = "Action=GetQueueUrl&Version=2012-11-05&QueueName=keep&Action=DeleteQueue" \
           "&QueueUrl=https://sqs.us-east-1.amazonaws.com/123456789012/keep"
    environ = _signed_raw("sqs", None, body.encode(), "application/x-www-form-urlencoded")
    status, headers, answer = call(app, environ)
    assert (status, _code(headers, answer)) == (400, "MalformedQueryString")
    assert b"Action" in answer
    # The queue is still there.
    get = sign(aws_request("sqs", "GetQueueUrl", {"QueueName": "keep"}, protocol="query"), "sqs")
    assert call(app, environ_of(get))[0] == 200


def test_a_parameter_both_in_the_url_and_the_body_is_repeated(app):
    request = aws_request("sns", "CreateTopic", {"Name": "a"},
                          url="http://127.0.0.1:4566/?Name=b")
    status, headers, answer = call(app, environ_of(sign(request, "sns")))
    assert (status, _code(headers, answer)) == (400, "MalformedQueryString")


def test_list_members_are_not_repeats(app):
    request = aws_request("sns", "CreateTopic", {
        "Name": "tagged", "Tags.member.1.Key": "a", "Tags.member.1.Value": "1",
        "Tags.member.2.Key": "b", "Tags.member.2.Value": "2"})
    assert call(app, environ_of(sign(request, "sns")))[0] == 200
