"""Filter policy matching as a table of cases, and policy validation."""

from __future__ import annotations

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services import sns_filter


def S(v):
    return {"DataType": "String", "StringValue": v}


def N(v):
    return {"DataType": "Number", "StringValue": str(v)}


CASES = [
    ({"a": ["x"]}, {"a": S("x")}, True),
    ({"a": ["x"]}, {"a": S("y")}, False),
    ({"a": ["x"]}, {}, False),
    ({"a": [{"prefix": "ab"}]}, {"a": S("abc")}, True),
    ({"a": [{"suffix": "bc"}]}, {"a": S("abc")}, True),
    ({"a": [{"suffix": "x"}]}, {"a": S("abc")}, False),
    ({"a": [{"equals-ignore-case": "ABC"}]}, {"a": S("abc")}, True),
    ({"a": [{"anything-but": "x"}]}, {"a": S("y")}, True),
    ({"a": [{"anything-but": ["x", "y"]}]}, {"a": S("y")}, False),
    ({"a": [{"anything-but": "x"}]}, {}, False),
    ({"a": [{"anything-but": {"prefix": "in"}}]}, {"a": S("internal")}, False),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": N(5)}, True),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": N(6)}, False),
    ({"a": [{"numeric": ["=", 3.0]}]}, {"a": N(3)}, True),
    ({"a": [3]}, {"a": N("3.0")}, True),
    ({"a": [{"exists": True}]}, {"a": S("z")}, True),
    ({"a": [{"exists": False}]}, {"a": S("z")}, False),
    ({"a": [{"exists": False}]}, {}, True),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": S("10.0.0.7")}, True),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": S("10.0.1.7")}, False),
    ({"a": ["x"], "b": ["y"]}, {"a": S("x"), "b": S("z")}, False),
    ({"$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"b": S("y")}, True),
    ({"$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"b": S("n")}, False),
    ({"a": ["x"]}, {"a": {"DataType": "String.Array", "StringValue": '["w", "x"]'}}, True),
]


@pytest.mark.parametrize(("policy", "attributes", "expected"), CASES)
def test_attribute_matching(policy, attributes, expected):
    assert sns_filter.matches(policy, attributes) is expected


def test_body_scope_nested():
    policy = {"order": {"kind": ["book"], "total": [{"numeric": [">", 10]}]}}
    assert sns_filter.matches(policy, body={"order": {"kind": "book", "total": 12}},
                              scope="MessageBody")
    assert not sns_filter.matches(policy, body={"order": {"kind": "book", "total": 2}},
                                  scope="MessageBody")


@pytest.mark.parametrize("text", [
    "not json", "[]", '{"a": "x"}', '{"a": []}', '{"a": [{"bogus": 1}]}',
    '{"a": [{"numeric": [">", "x"]}]}', '{"a": [{"cidr": "nope"}]}',
    '{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1], "f": [1]}',
])
def test_invalid_policies(text):
    with pytest.raises(AwsError) as exc:
        sns_filter.parse(text)
    assert exc.value.code == "InvalidParameter"
