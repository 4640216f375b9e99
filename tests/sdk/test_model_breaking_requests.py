"""Any request a non-validating client can send gets an AWS answer, never a 500 or botocore's text.

Hypothesis writes requests of every implemented operation with members of any JSON type (and,
for the query protocol, any text), which the wire layer must answer as AWS's endpoint would:
a 2xx, or a 4xx in the service's words (issue 20 §2).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awslocal_cli import dispatch, wire
from awslocal_cli import model as models

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0")
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["alias/aws/s3", "arn:aws:sns:us-east-1:123456789012:t", "AQID",
                     "https://sqs.us-east-1.amazonaws.com/123456789012/q", "All"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6)


def _operations(service):
    ops = models.load(service)["operations"]
    return sorted(op for op, spec in ops.items()
                  if "input" in spec and dispatch.operation_function(service, op) is not None)


def _members(service, operation):
    model = models.load(service)
    shape = model["operations"][operation]["input"]["shape"]
    return sorted(model["shapes"][shape].get("members", {}))


@st.composite
def json_requests(draw):
    service = draw(st.sampled_from(["kms", "sqs", "cloudtrail"]))
    operation = draw(st.sampled_from(_operations(service)))
    names = _members(service, operation)
    body = draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names))
                if names else st.just({}))
    return service, operation, body


@st.composite
def query_requests(draw):
    service = draw(st.sampled_from(["sns", "sqs"]))
    operation = draw(st.sampled_from(_operations(service)))
    names = _members(service, operation)
    params = draw(st.dictionaries(st.sampled_from(names), st.text(max_size=12),
                                  max_size=len(names)) if names else st.just({}))
    return service, operation, params


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "state"


def _assert_aws_answer(response):
    assert response.status < 500, (response.body, response.exception)
    assert b"Parameter validation failed" not in response.body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=json_requests())
def test_json_requests_of_any_shape_get_an_aws_answer(state, request):
    service, operation, body = request
    prefix = models.load(service)["metadata"]["targetPrefix"]
    headers = {"authorization": AUTH.format(service=service),
               "x-amz-target": f"{prefix}.{operation}",
               "content-type": "application/x-amz-json-1.1"}
    _assert_aws_answer(wire.handle(
        wire.WireRequest("POST", "/", "", headers, json.dumps(body)), state_dir=state))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=query_requests())
def test_query_requests_of_any_text_get_an_aws_answer(state, request):
    service, operation, params = request
    version = models.load(service)["metadata"]["apiVersion"]
    headers = {"authorization": AUTH.format(service=service),
               "content-type": "application/x-www-form-urlencoded"}
    form = urlencode({"Action": operation, "Version": version, **params})
    _assert_aws_answer(wire.handle(wire.WireRequest("POST", "/", "", headers, form),
                                   state_dir=state))
