"""Auto-pagination, --max-items / --starting-token / --page-size, over a fake service."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awslocal_cli.cli.paginate import decode_token, encode_token, paginate
from awslocal_cli.errors import CliError, ParamValidationError

KMS_STYLE = {"input_token": "Marker", "output_token": "NextMarker", "limit_key": "Limit",
             "more_results": "Truncated", "result_key": "Keys"}
SQS_STYLE = {"input_token": "NextToken", "output_token": "NextToken", "limit_key": "MaxResults",
             "result_key": "QueueUrls"}


def kms_like(items, default_limit=3):
    calls = []

    def list_keys(ctx, Limit=default_limit, Marker=None):
        calls.append((Limit, Marker))
        start = int(Marker) if Marker else 0
        page = items[start:start + Limit]
        end = start + len(page)
        out = {"Keys": page, "Truncated": end < len(items)}
        if end < len(items):
            out["NextMarker"] = str(end)
        return out

    return list_keys, calls


def sqs_like(items, default_limit=2):
    def list_queues(ctx, MaxResults=default_limit, NextToken=None):
        start = int(NextToken) if NextToken else 0
        page = items[start:start + MaxResults]
        out = {}
        if page:
            out["QueueUrls"] = page
        if start + len(page) < len(items):
            out["NextToken"] = str(start + len(page))
        return out

    return list_queues


def test_all_pages_are_merged_and_tokens_dropped():
    fn, calls = kms_like(list(range(10)))
    assert paginate(fn, None, {}, KMS_STYLE) == {"Keys": list(range(10))}
    assert len(calls) == 4


def test_page_size_sets_the_limit():
    fn, calls = kms_like(list(range(10)))
    paginate(fn, None, {}, KMS_STYLE, page_size=5)
    assert calls == [(5, None), (5, "5")]


def test_max_items_cuts_and_resumes_mid_page():
    items = list(range(10))
    fn, _ = kms_like(items)
    first = paginate(fn, None, {}, KMS_STYLE, max_items=4)
    assert first["Keys"] == [0, 1, 2, 3]
    assert decode_token(first["NextToken"]) == {"Marker": "3", "boto_truncate_amount": 1}
    second = paginate(fn, None, {}, KMS_STYLE, max_items=4, starting_token=first["NextToken"])
    assert second["Keys"] == [4, 5, 6, 7]
    third = paginate(fn, None, {}, KMS_STYLE, max_items=4, starting_token=second["NextToken"])
    assert third == {"Keys": [8, 9]}


def test_empty_listing_keeps_the_services_shape():
    fn = sqs_like([])
    assert paginate(fn, None, {}, SQS_STYLE) == {}
    fn, _ = kms_like([])
    assert paginate(fn, None, {}, KMS_STYLE) == {"Keys": []}


@given(st.integers(0, 40), st.integers(1, 7), st.integers(1, 9))
def test_walking_with_max_items_visits_every_item_once(n, page, max_items):
    items = list(range(n))
    fn = sqs_like(items, default_limit=page)
    seen, token = [], None
    for _ in range(n + 2):
        out = paginate(fn, None, {}, SQS_STYLE, max_items=max_items, starting_token=token)
        seen.extend(out.get("QueueUrls", []))
        token = out.get("NextToken")
        if token is None:
            break
    assert seen == items


def test_bad_starting_token():
    # As botocore: a token that is not ours goes to the service as its own marker (the
    # service refuses it: KMS InvalidMarkerException); one with more `___` parts than the
    # operation has tokens is refused here.
    seen = []

    def list_keys(ctx, Marker=None):
        seen.append(Marker)
        return {"Keys": [], "Truncated": False}

    assert paginate(list_keys, None, {}, KMS_STYLE, starting_token="not-a-token!") == {"Keys": []}
    assert seen == ["not-a-token!"]
    assert paginate(list_keys, None, {}, KMS_STYLE, starting_token="m___2") == {"Keys": []}
    assert seen[-1] == "m"
    with pytest.raises(CliError, match="Bad starting token: a___b___c"):
        paginate(list_keys, None, {}, KMS_STYLE, starting_token="a___b___c")
    with pytest.raises(ParamValidationError, match="Bad starting token"):
        decode_token("not-a-token!")
    assert decode_token(encode_token({"Marker": "x"})) == {"Marker": "x"}


def test_tokens_name_every_input_token_as_botocore_does():
    # botocore starts from {"Marker": None} and adds boto_truncate_amount; the AWS CLI prints
    # that JSON's base64 (seen against `awslocal serve` in tests/serve/test_aws_cli_v2.py).
    list_keys, _ = kms_like(list(range(5)))
    out = paginate(list_keys, None, {}, KMS_STYLE, max_items=1)
    assert out["NextToken"] == "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ=="
    assert decode_token(out["NextToken"]) == {"Marker": None, "boto_truncate_amount": 1}
    # Stopping at a page boundary: the next page's marker.
    out = paginate(list_keys, None, {}, KMS_STYLE, max_items=3)
    assert decode_token(out["NextToken"]) == {"Marker": "3"}
