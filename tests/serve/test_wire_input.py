"""Bad input on the wire gets AWS's 4xx, never a 500 (which SDKs retry) nor a traceback.

The WSGI app in process, with signatures verified as `awslocal serve` verifies them; the fuzz
test at the end throws random bodies, content types, targets, nestings and credentials at it.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# -- bad input that used to be a 500 -------------------------------------------------------------


def test_a_json_body_that_is_not_utf8_is_a_serialization_exception(app):
    for service, target in (("kms", "TrentService.ListKeys"), ("sqs", "AmazonSQS.ListQueues")):
        environ = _signed_raw(service, target, b'{"Limit": "\xff\xfe"}',
                              "application/x-amz-json-1.1")
        status, headers, answer = call(app, environ)
        assert status == 400, answer
        code = _code(headers, answer)
        assert code == "SerializationException", code  # SQS's JSON protocol too (recorded)


def test_json_nested_a_thousand_deep_is_a_4xx(app):
    deep = b'{"Limit": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    deeper = b'{"Limit": ' + b'{"a":' * 100000 + b"1" + b"}" * 100000 + b"}"
    for body in (deep, deeper):
        environ = _signed_raw("kms", "TrentService.ListKeys", body, "application/x-amz-json-1.1")
        status, headers, answer = call(app, environ)
        assert status == 400, answer
        assert _code(headers, answer) == "SerializationException"


def test_a_malformed_region_in_the_scope_is_a_4xx_without_verification(isolated_state):
    """As AWS answers it (and as serve does when verifying): the scope names no valid region."""
    app = App(isolated_state, verify_signatures=False)
    for region in ("not a region", "us_east_1", "-"):
        request = aws_request("sns", "ListTopics")
        request.headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential=alice/20261207/{region}/sns/aws4_request, "
            "SignedHeaders=host, Signature=00")
        status, headers, answer = call(app, environ_of(request))
        assert (status, _code(headers, answer)) == (403, "SignatureDoesNotMatch"), answer
        assert b"Credential should be scoped to a valid region." in answer
    request = aws_request("kms", "ListKeys")
    request.headers["Authorization"] = (
        "AWS4-HMAC-SHA256 Credential=alice/20261207/bad region/kms/aws4_request, "
        "SignedHeaders=host, Signature=00")
    status, headers, answer = call(app, environ_of(request))
    assert (status, _code(headers, answer)) == (400, "InvalidSignatureException")


# -- the fuzz test --------------------------------------------------------------------------------

TARGETS = st.one_of(
    st.none(),
    st.sampled_from(["TrentService.Encrypt", "TrentService.ListKeys", "TrentService.CreateKey",
                     "AmazonSQS.SendMessage", "AmazonSQS.CreateQueue", "AmazonSQS.ListQueues",
                     "TrentService.", "AmazonSQS", "Nope.Nope", "",
                     "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"]),
    st.text(max_size=30),
)
CONTENT_TYPES = st.one_of(
    st.sampled_from(["application/x-amz-json-1.0", "application/x-amz-json-1.1",
                     "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; "
                     "charset=utf-8", "text/plain", "", "multipart/form-data; boundary=x"]),
    st.text(max_size=20),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["KeyId", "Plaintext", "QueueName", "QueueUrl", "MessageBody",
                         "Attributes", "Limit", "Tags", "x"]) | st.text(max_size=8),
        inner, max_size=4),
    max_leaves=20,
)


def _nested(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b'{"KeyId": ' + b"[" * depth + b"]" * depth + b"}"
    return b'{"KeyId": ' + b'{"a":' * depth + b"0" + b"}" * depth + b"}"


FORM_BODIES = st.lists(
    st.tuples(st.sampled_from(["Action", "Version", "QueueName", "Name", "TopicArn",
                               "Attributes.entry.1.key", "Tags.member.1.Key", "MaxResults",
                               "X-Amz-Credential", "AttributeName.1"]) | st.text(max_size=10),
              st.text(max_size=20)), max_size=6,
).map(lambda pairs: urlencode(pairs).encode())

BODIES = st.one_of(
    st.binary(max_size=200),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.builds(_nested, st.integers(1, 3000), st.sampled_from(["list", "object"])),
    FORM_BODIES,
)

CREDENTIALS = st.one_of(
    st.just("good"), st.just("wrong-secret"), st.just("unknown-key"), st.just("none"),
    st.text(max_size=60).map(lambda t: "raw:" + t),
    st.sampled_from(["garbage-scope", "bad-region", "stale"]),
)


@pytest.fixture(params=[True, False], ids=["verified", "unverified"])
def either_app(request, isolated_state, tmp_path):
    """serve's app, and the one of `serve --no-verify-signatures` (the old identity parsing)."""
    write_credentials(tmp_path / "aws-credentials")
    return App(isolated_state, verify_signatures=request.param)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(body=BODIES, content_type=CONTENT_TYPES, target=TARGETS, credential=CREDENTIALS,
       method=st.sampled_from(["POST", "GET", "PUT"]), query=st.one_of(
           st.just(""), FORM_BODIES.map(bytes.decode), st.text(max_size=30)))
def test_wire_fuzz_never_answers_5xx(either_app, body, content_type, target, credential, method,
                                    query):
    from datetime import datetime, timedelta, timezone

    from botocore.awsrequest import AWSRequest

    headers = {"Content-Type": content_type}
    if target is not None:
        headers["X-Amz-Target"] = target
    url = "http://127.0.0.1:4566/" + (f"?{query}" if query else "")
    try:
        request = AWSRequest(method=method, url=url, data=body, headers=headers)
        request.prepare()
    except Exception:
        return  # not a request an HTTP client can send
    service = "kms" if (target or "").startswith("Trent") else "sqs"
    if credential in ("good", "stale", "bad-region", "wrong-secret", "unknown-key"):
        sign(request, service,
             secret="nope" if credential == "wrong-secret" else "secret",
             key="stranger" if credential == "unknown-key" else "alice",
             region="bad region" if credential == "bad-region" else "us-east-1",
             when=(datetime.now(timezone.utc) - timedelta(hours=1))
             if credential == "stale" else None)
    elif credential == "garbage-scope":
        request.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=a/b, Signature=zz"
    elif credential.startswith("raw:"):
        try:
            request.headers["Authorization"] = credential[4:]
        except Exception:
            return
    try:
        environ = environ_of(request)
    except Exception:
        return
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    status, headers, answer = call(either_app, environ)
    assert 200 <= status < 500, (status, answer[:500])
    assert b"Traceback" not in answer
