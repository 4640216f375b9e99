"""CloudTrail LookupEvents: NextTokens that are not ours are InvalidNextTokenException."""

from __future__ import annotations

import base64
import json

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services import cloudtrail


def _token(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize("token", [
    "not base64 at all!", base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    base64.urlsafe_b64encode(b"not json").decode(), _token([1, 2]), _token("before"),
    _token({"after": 3}), _token({"before": "three"}), _token({"before": None}),
])
def test_a_token_not_ours_is_invalid(inv, token) -> None:
    with pytest.raises(AwsError) as exc:
        inv(cloudtrail.lookup_events, NextToken=token)
    assert exc.value.code == "InvalidNextTokenException"
    assert exc.value.message == "Invalid NextToken."


def test_a_token_of_ours_pages_on(inv) -> None:
    assert inv(cloudtrail.lookup_events, NextToken=_token({"before": 10**9})) == {"Events": []}
