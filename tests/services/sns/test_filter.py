"""Filter policy matching and validation, as tables of cases.

Reasons marked "AWS" are the responses AWS returned, recorded by LocalStack's AWS-validated tests
(tests/aws/services/sns/test_sns_filter_policy.snapshot.json, test_sns.snapshot.json); the
others follow the same compiler (aws/event-ruler) or the Amazon SNS Developer Guide.
"""

from __future__ import annotations

import json

import pytest

from awslocal_cli.errors import AwsError
from awslocal_cli.services.sns import filter as sns_filter


def S(v):
    return {"DataType": "String", "StringValue": v}


def N(v):
    return {"DataType": "Number", "StringValue": str(v)}


def A(*items):
    return {"DataType": "String.Array", "StringValue": json.dumps(list(items))}


BINARY = {"DataType": "Binary", "BinaryValue": b"\x00"}
OR_FLAT = {"f1": ["v1"], "$or": [{"f2": ["v2"]}, {"f3": ["v3"]}]}
OR_NESTED = {"f1": ["v1"],
             "$or": [{"f2": ["v2", "v3"]}, {"f3": ["v4"], "$or": [{"f4": ["v5"]}, {"f5": ["v7"]}]}]}

# (policy, message attributes, matches?)
CASES = [
    # exact strings; String.Array elements each count
    ({"a": ["x"]}, {"a": S("x")}, True),
    ({"a": ["x"]}, {"a": S("y")}, False),
    ({"a": ["x"]}, {"a": S("X")}, False),
    ({"a": ["x"]}, {}, False),
    ({"a": ["x"]}, {"b": S("x")}, False),
    ({"a": ["x", "y"]}, {"a": S("y")}, True),
    ({"a": ["x"]}, {"a": A("w", "x")}, True),
    ({"a": ["x"]}, {"a": A("w", "v")}, False),
    ({"a": ["x"]}, {"a": {"DataType": "String.Array", "StringValue": "['x']"}}, False),
    ({"a": ["x"]}, {"a": {"DataType": "String.label", "StringValue": "x"}}, True),
    # strings and numbers never match each other
    ({"a": ["3"]}, {"a": N(3)}, False),
    ({"a": [3]}, {"a": S("3")}, False),
    ({"a": [3]}, {"a": N("3.0")}, True),
    ({"a": [301.5]}, {"a": N("3.015e2")}, True),
    ({"a": [5]}, {"a": N("5.0000001")}, True),  # compared to six decimals
    ({"a": [5]}, {"a": N("5.00001")}, False),
    ({"a": [3]}, {"a": A(1, 3)}, True),
    ({"a": [3]}, {"a": {"DataType": "Number.int", "StringValue": "3"}}, True),
    # true, false and null only come in String.Array values
    ({"a": [True]}, {"a": A(True)}, True),
    ({"a": [True]}, {"a": S("true")}, False),
    ({"a": [False]}, {"a": A(True)}, False),
    ({"a": [None]}, {"a": A(None)}, True),
    ({"a": [None]}, {"b": S("x")}, False),
    # prefix, suffix, equals-ignore-case: strings only
    ({"a": [{"prefix": "ab"}]}, {"a": S("abc")}, True),
    ({"a": [{"prefix": "ab"}]}, {"a": S("cab")}, False),
    ({"a": [{"prefix": "1"}]}, {"a": N(12)}, False),
    ({"a": [{"prefix": "soc"}]}, {"a": A("soccer", "rugby")}, True),
    ({"a": [{"suffix": "bc"}]}, {"a": S("abc")}, True),
    ({"a": [{"suffix": "x"}]}, {"a": S("abc")}, False),
    ({"a": [{"suffix": "gby"}]}, {"a": A("soccer", "rugby")}, True),
    ({"a": [{"equals-ignore-case": "ABC"}]}, {"a": S("abc")}, True),
    ({"a": [{"equals-ignore-case": "ABC"}]}, {"a": S("abcd")}, False),
    ({"a": [{"equals-ignore-case": "RuGbY"}]}, {"a": A("soccer", "rugby")}, True),
    # anything-but: never an absent attribute; a String.Array passes only if no element is listed
    ({"a": [{"anything-but": "x"}]}, {"a": S("y")}, True),
    ({"a": [{"anything-but": "x"}]}, {"a": S("x")}, False),
    ({"a": [{"anything-but": "x"}]}, {}, False),
    ({"a": [{"anything-but": "x"}]}, {"b": S("y")}, False),
    ({"a": [{"anything-but": ["x", "y"]}]}, {"a": S("y")}, False),
    ({"a": [{"anything-but": ["x", "y"]}]}, {"a": S("z")}, True),
    ({"a": [{"anything-but": ["rugby", "tennis"]}]}, {"a": A("rugby", "baseball")}, False),
    ({"a": [{"anything-but": ["rugby", "tennis"]}]}, {"a": A("golf", "baseball")}, True),
    ({"a": [{"anything-but": [100, 500]}]}, {"a": N(101)}, True),
    ({"a": [{"anything-but": [100, 500]}]}, {"a": N("100.0")}, False),
    ({"a": [{"anything-but": 100}]}, {"a": N(100)}, False),
    ({"a": [{"anything-but": {"prefix": "in"}}]}, {"a": S("internal")}, False),
    ({"a": [{"anything-but": {"prefix": "order-"}}]}, {"a": S("order_number")}, True),
    ({"a": [{"anything-but": "x"}, {"exists": False}]}, {"b": S("y")}, True),
    ({"a": [None, {"anything-but": "whatever"}]}, {"b": S("y")}, False),  # AWS
    # numeric: Number attributes (and numbers in String.Array), never strings
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": N(5)}, True),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": N(6)}, False),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": N(0)}, False),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": S("3")}, False),
    ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": A(9, 3)}, True),
    ({"a": [{"numeric": [">=", 0, "<", 5]}]}, {"a": N(0)}, True),
    ({"a": [{"numeric": [">=", 0, "<", 5]}]}, {"a": N(5)}, False),
    ({"a": [{"numeric": ["<", 0]}]}, {"a": N(-0.5)}, True),
    ({"a": [{"numeric": ["<=", 0]}]}, {"a": N(0)}, True),
    ({"a": [{"numeric": [">", 100]}]}, {"a": N(100)}, False),
    ({"a": [{"numeric": [">=", 100]}]}, {"a": N(100)}, True),
    ({"a": [{"numeric": ["=", 3.0]}]}, {"a": N(3)}, True),
    ({"a": [{"numeric": ["=", 301.5]}]}, {"a": N("3.015e2")}, True),
    ({"a": [{"numeric": ["=", 3]}]}, {"a": N(4)}, False),
    ({"a": [{"numeric": ["<", 5]}]}, {"a": N("2e9")}, False),  # outside +-10^9: not comparable
    ({"a": [{"numeric": [">", 0]}]}, {"a": N("9" * 5000)}, False),
    ({"a": [{"numeric": ["=", 300]}, {"numeric": ["=", 500]}]}, {"a": N(500)}, True),
    # exists (Binary attributes are ignored; an empty set of attributes matches nothing)
    ({"a": [{"exists": True}]}, {"a": S("z")}, True),
    ({"a": [{"exists": True}]}, {"b": S("z")}, False),
    ({"a": [{"exists": True}]}, {"a": BINARY}, False),
    ({"a": [{"exists": True}]}, {"a": A()}, False),
    ({"a": [{"exists": False}]}, {"a": S("z")}, False),
    ({"a": [{"exists": False}]}, {"b": S("z")}, True),
    ({"a": [{"exists": False}]}, {"a": BINARY, "b": S("z")}, True),
    # The guide: "exists": false "only matches if at least one attribute is present".
    ({"a": [{"exists": False}]}, {}, False),
    ({"a": [{"exists": False}]}, {"b": BINARY}, False),
    ({"a": ["x"]}, {"a": {"DataType": "Binary", "StringValue": "x"}}, False),
    # cidr, and IP literals compared as addresses
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": S("10.0.0.7")}, True),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": S("10.0.0.255")}, True),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": S("10.0.1.7")}, False),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": S("10.0.0.256")}, False),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": S("not an ip")}, False),
    ({"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]},
     {"ip": S("2001:0db8:1234:1a00:0000:0000:0000:0000")}, True),
    ({"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}, {"ip": S("2001:db8:123f:1a01::")}, False),
    ({"ip": [{"cidr": "::/0"}]}, {"ip": S("10.0.0.1")}, False),
    ({"ip": ["2001:db8::1"]}, {"ip": S("2001:0db8:0:0:0:0:0:1")}, True),
    # AND across keys, OR within a key and through $or (top level and nested)
    ({"a": ["x"], "b": ["y"]}, {"a": S("x"), "b": S("y")}, True),
    ({"a": ["x"], "b": ["y"]}, {"a": S("x"), "b": S("z")}, False),
    ({"a": ["x"], "b": ["y"]}, {"a": S("x")}, False),
    ({"$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"b": S("y")}, True),
    ({"$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"b": S("n")}, False),
    (OR_FLAT, {"f1": S("v1"), "f3": S("v3")}, True),
    (OR_FLAT, {"f1": S("v2"), "f3": S("v3")}, False),
    (OR_NESTED, {"f1": S("v1"), "f3": S("v4"), "f5": S("v7")}, True),
    (OR_NESTED, {"f1": S("v1"), "f2": S("v3")}, True),
    (OR_NESTED, {"f1": S("v1"), "f3": S("v4")}, False),
    # "$or" that is not an OR is an attribute name (AND/OR logic)
    ({"$or": [{"prefix": "x"}]}, {"$or": S("xy")}, True),
]


@pytest.mark.parametrize(("policy", "attributes", "expected"), CASES)
def test_attribute_matching(policy, attributes, expected):
    assert sns_filter.matches(policy, attributes) is expected


RECORDS = {"Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}},
                       "eventName": [{"prefix": "ObjectCreated:"}]}}
METRICS = {
    "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2"]}],
    "detail": {"scope": ["Service"],
               "$or": [{"source": ["aws.cloudwatch"]}, {"type": ["CloudWatch Alarm"]}]},
}
NESTED = {"object": {"key": [{"prefix": "auto-"}, "hardcoded"], "nested_key": [{"exists": False}]},
          "test": [{"exists": False}]}

# (policy, message body, matches?)
BODY_CASES = [
    ({"order": {"kind": ["book"], "total": [{"numeric": [">", 10]}]}},
     {"order": {"kind": "book", "total": 12}}, True),
    ({"order": {"kind": ["book"], "total": [{"numeric": [">", 10]}]}},
     {"order": {"kind": "book", "total": 2}}, False),
    ({"order": {"total": [{"numeric": [">", 10]}]}}, {"order": {"total": "12"}}, False),
    # dotted keys reach nested properties and the other way round (AWS)
    ({"object.nested": ["v"]}, {"object": {"nested": "v"}}, True),
    ({"object.nested": ["v"]}, {"object.nested": "v"}, True),
    ({"object.nested": ["v"]}, {"object": {"nested": "w"}}, False),
    ({"object": {"nested": {"test": ["v"]}}}, {"object.nested": {"test": "v"}}, True),
    # arrays: any element; arrays of objects: one element must satisfy the whole policy
    ({"headers": {"route-to": ["queue1"]}}, {"headers": {"route-to": ["queue1", "queue2"]}}, True),
    ({"headers": {"route-to": ["queue1"]}}, {"headers": {"route-to": ["queue3"]}}, False),
    (RECORDS, {"Records": [
        {"eventName": "ObjectCreated:Put", "s3": {"object": [[{"key": "auto-1"}]]}},
        {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "x"}}}]}, True),
    (RECORDS, {"Records": [{"eventName": "ObjectRemoved:Put", "s3": {"object": {"key": "auto-1"}}},
                           {"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "home"}}}]},
     False),
    ({"a": [{"anything-but": ["rugby"]}]}, {"a": ["rugby", "golf"]}, False),
    ({"a": [{"anything-but": ["rugby"]}]}, {"a": ["chess", "golf"]}, True),
    ({"a": [{"anything-but": ["rugby"]}]}, {"b": "golf"}, False),
    # exists works on leaves only; null and [] are no value
    (NESTED, {"object": {"key": "auto-test"}}, True),  # AWS
    (NESTED, {"object": {"key": "hardcoded"}}, True),  # AWS
    (NESTED, {"object": {"key": "test-auto"}}, False),  # AWS
    (NESTED, {"object": {"key": "auto-test"}, "test": "just-exists"}, False),  # AWS
    (NESTED, {"object": {"key": "auto-test", "nested_key": "just-exists"}}, False),  # AWS
    (NESTED, {"test": "auto-test"}, False),  # AWS
    ({"a": [{"exists": True}]}, {"a": {"b": 1}}, False),
    ({"a": [{"exists": True}]}, {"a": None}, False),
    ({"a": [{"exists": True}]}, {"a": []}, False),
    ({"a": [{"exists": False}]}, {"a": None}, True),
    ({"a": [{"exists": False}]}, {}, False),
    ({"detail": {"eventVersion": [""]}},
     {"resources": [], "detail": {"eventVersion": "", "responseElements": None}}, True),  # AWS
    # null and booleans are values in the body
    ({"a": [None]}, {"a": None}, True),
    ({"a": [None]}, {"a": "null"}, False),
    ({"a": [None]}, {"b": 1}, False),
    ({"a": [True]}, {"a": True}, True),
    ({"a": [True]}, {"a": "true"}, False),
    ({"a": [False]}, {"a": [True, False]}, True),
    ({"a": [1]}, {"a": True}, False),
    ({"a": [{"numeric": ["=", 1]}]}, {"a": True}, False),
    # $or, nested (AWS)
    (METRICS, {"metricName": "CPUUtilization", "detail": {"scope": "Service",
                                                          "source": "aws.cloudwatch"}}, True),
    (METRICS, {"namespace": "AWS/EC2", "detail": {"scope": "Service", "type": "CloudWatch Alarm"}},
     True),
    (METRICS, {"metricName": "AWS/EC2", "detail": {"scope": "Service", "source": "aws.cloudwatch"}},
     False),
    (METRICS, {"metricName": "CPUUtilization", "detail": {"scope": "Service"}}, False),
    (METRICS, {"metricName": "CPUUtilization", "scope": "Service"}, False),
    ({"detail": {"$or": [{"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip6": [{"cidr": "2001:db8::/64"}]}]}},
     {"detail": {"ip6": "2001:0db8:0000:0000:0000:0000:0000:0001"}}, True),
    # the body must be a JSON object
    ({"a": ["x"]}, "x", False),
    ({"a": ["x"]}, ["x"], False),
    ({"a": ["x"]}, sns_filter.MISSING, False),
]


@pytest.mark.parametrize(("policy", "body", "expected"), BODY_CASES)
def test_body_matching(policy, body, expected):
    assert sns_filter.matches(policy, body=body, scope="MessageBody") is expected


def test_body_scope_nested():
    policy = {"order": {"kind": ["book"], "total": [{"numeric": [">", 10]}]}}
    assert sns_filter.matches(policy, body={"order": {"kind": "book", "total": 12}},
                              scope="MessageBody")
    assert not sns_filter.matches(policy, body={"order": {"kind": "book", "total": 2}},
                                  scope="MessageBody")


def at(source: str, column: int) -> str:
    return f'\n at [Source: (String)"{source}"; line: 1, column: {column}]'


REDACTED = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
SUB = "Invalid parameter: Attributes Reason: FilterPolicy: "
SET = "Invalid parameter: FilterPolicy: "

# (policy text, scope, through Subscribe?, AWS's message)
INVALID = [
    # JSON (AWS)
    ("{invalidjson}", "MessageAttributes", False,
     SET + "failed to parse JSON. Unexpected character ('i' (code 105)): was expecting "
     f"double-quote to start field name\n at [Source: {REDACTED}; line: 1, column: 2]"),
    ("invalid-json", "MessageAttributes", True,
     SUB + "failed to parse JSON. Unrecognized token 'invalid': was expecting (JSON String, "
     "Number, Array, Object or token 'null', 'true' or 'false')\n"
     f" at [Source: {REDACTED}; line: 1, column: 8]"),
    ('{"a": ["x",]}', "MessageAttributes", False,
     SET + "failed to parse JSON. Unexpected character (']' (code 93)): expected a valid value "
     "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n"
     f" at [Source: {REDACTED}; line: 1, column: 12]"),
    ('{"a": ["x"]', "MessageAttributes", False,
     SET + "failed to parse JSON. Unexpected end-of-input: expected close marker for Object "
     f"(start marker at [Source: {REDACTED}; line: 1, column: 1])\n"
     f" at [Source: {REDACTED}; line: 1, column: 12]"),
    ('{"a": [NaN]}', "MessageAttributes", False,
     SET + "failed to parse JSON. Non-standard token 'NaN': enable "
     "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n"
     f" at [Source: {REDACTED}; line: 1, column: 11]"),
    # The matcher, located in the compact form of the policy (AWS)
    ('{"key": [["value"]]}', "MessageAttributes", True,
     SUB + "Match value must be String, number, true, false, or null"
     + at('{"key":[["value"]]}', 10)),
    ('{"key": [{"wrong-operator": true}]}', "MessageAttributes", True,
     SUB + "Unrecognized match type wrong-operator" + at('{"key":[{"wrong-operator":true}]}', 31)),
    ('{"key": [{"suffix": "value", "prefix": "value2"}]}', "MessageAttributes", True,
     SUB + "Only one key allowed in match expression"
     + at('{"key":[{"suffix":"value","prefix":"value2"}]}', 37)),
    ('{"key": []}', "MessageAttributes", True,
     SUB + "Empty arrays are not allowed" + at('{"key":[]}', 10)),
    ('{"key": [{"suffix": 100}]}', "MessageAttributes", True,
     SUB + "suffix match pattern must be a string" + at('{"key":[{"suffix":100}]}', 22)),
    ('{"key": [{"suffix": null}]}', "MessageAttributes", True,
     SUB + "suffix match pattern must be a string" + at('{"key":[{"suffix":null}]}', 23)),
    ('{"key": [{"suffix": []}]}', "MessageAttributes", True,
     SUB + "suffix match pattern must be a string" + at('{"key":[{"suffix":[]}]}', 20)),
    ('{"key": {"suffix": "value"}}', "MessageAttributes", True,
     SUB + '"suffix" must be an object or an array' + at('{"key":{"suffix":"value"}}', 19)),
    ('{"key": {"not-an-operator": "value"}}', "MessageAttributes", True,
     SUB + '"not-an-operator" must be an object or an array'
     + at('{"key":{"not-an-operator":"value"}}', 28)),
    ('{"key_a": "value_one"}', "MessageBody", False,
     SET + '"key_a" must be an object or an array' + at('{"key_a":"value_one"}', 11)),
    ('{"key": [{"cidr": ["bad-filter"]}]}', "MessageAttributes", True,
     SUB + "prefix match pattern must be a string" + at('{"key":[{"cidr":["bad-filter"]}]}', 18)),
    ('{"key": [{"numeric": []}]}', "MessageAttributes", True,
     SUB + "Invalid member in numeric match: ]" + at('{"key":[{"numeric":[]}]}', 22)),
    ('{"key": [{"numeric": ["operator"]}]}', "MessageAttributes", True,
     SUB + "Unrecognized numeric range operator: operator"
     + at('{"key":[{"numeric":["operator"]}]}', 32)),
    ('{"key": [{"numeric": [1, "<="]}]}', "MessageAttributes", True,
     SUB + "Invalid member in numeric match: 1" + at('{"key":[{"numeric":[1,"<="]}]}', 22)),
    ('{"key": [{"numeric": ["=", "000"]}]}', "MessageAttributes", True,
     SUB + "Value of equals must be numeric" + at('{"key":[{"numeric":["=","000"]}]}', 26)),
    ('{"key": [{"numeric": [">="]}]}', "MessageAttributes", True,
     SUB + "Value of >= must be numeric" + at('{"key":[{"numeric":[">="]}]}', 26)),
    ('{"key": [{"numeric": ["<", 100, ">", 10]}]}', "MessageAttributes", True,
     SUB + "Too many elements in numeric expression"
     + at('{"key":[{"numeric":["<",100,">",10]}]}', 30)),
    ('{"key": [{"numeric": [">=", 1, ">", 2]}]}', "MessageAttributes", True,
     SUB + "Bad numeric range operator: >" + at('{"key":[{"numeric":[">=",1,">",2]}]}', 31)),
    ('{"key": [{"numeric": [">", 3, "<", 1]}]}', "MessageAttributes", True,
     SUB + "Bottom must be less than top" + at('{"key":[{"numeric":[">",3,"<",1]}]}', 33)),
    ('{"key": [{"numeric": [">", 20, "<="]}]}', "MessageAttributes", True,
     SUB + "Value of <= must be numeric" + at('{"key":[{"numeric":[">",20,"<="]}]}', 33)),
    ('{"key": [{"numeric": [">", 20, 30]}]}', "MessageAttributes", True,
     SUB + "Bad value in numeric range: 30" + at('{"key":[{"numeric":[">",20,30]}]}', 30)),
    ('{"key": [{"numeric": [">", 20, "test"]}]}', "MessageAttributes", True,
     SUB + "Bad numeric range operator: test" + at('{"key":[{"numeric":[">",20,"test"]}]}', 34)),
    ('{"key": [{"numeric": [">", "20", "<", "30"]}]}', "MessageAttributes", True,
     SUB + "Value of > must be numeric" + at('{"key":[{"numeric":[">","20","<","30"]}]}', 26)),
    ('{"key": [{"numeric": [">", 20, "<", "30"]}]}', "MessageAttributes", True,
     SUB + "Value of < must be numeric" + at('{"key":[{"numeric":[">",20,"<","30"]}]}', 33)),
    ('{"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]}', "MessageAttributes", True,
     SUB + "Too many terms in numeric range expression"
     + at('{"key":[{"numeric":[">",20,"<",30,"<",50]}]}', 36)),
    ('{"key": [{"exists": null}]}', "MessageAttributes", True,
     SUB + "exists match pattern must be either true or false."
     + at('{"key":[{"exists":null}]}', 23)),
    ('{"key": [{"exists": "no"}]}', "MessageAttributes", True,
     SUB + "exists match pattern must be either true or false."
     + at('{"key":[{"exists":"no"}]}', 20)),
    ('{"key": [{"anything-but": {"wrong-operator": null}}]}', "MessageAttributes", True,
     SUB + "Unsupported anything-but pattern: wrong-operator"
     + at('{"key":[{"anything-but":{"wrong-operator":null}}]}', 47)),
    ('{"key": [{"anything-but": {"suffix": "test"}}]}', "MessageAttributes", True,
     SUB + "Unsupported anything-but pattern: suffix"
     + at('{"key":[{"anything-but":{"suffix":"test"}}]}', 36)),
    ('{"key": [{"anything-but": {"exists": false}}]}', "MessageAttributes", True,
     SUB + "Unsupported anything-but pattern: exists"
     + at('{"key":[{"anything-but":{"exists":false}}]}', 40)),
    ('{"key": [{"anything-but": {"prefix": false}}]}', "MessageAttributes", True,
     SUB + "prefix match pattern must be a string"
     + at('{"key":[{"anything-but":{"prefix":false}}]}', 40)),
    # CIDR reasons carry no location (AWS)
    ('{"key": [{"cidr": "bad-filter"}]}', "MessageAttributes", True,
     SUB + "Malformed CIDR, one '/' required"),
    ('{"key": [{"cidr": "bad-filter/64"}]}', "MessageAttributes", True,
     SUB + "Nonstandard IP address: bad-filter"),
    ('{"key": [{"cidr": "bad-/64filter"}]}', "MessageAttributes", True,
     SUB + "Malformed CIDR, mask bits must be an integer"),
    ('{"key": [{"cidr": "xx.11.xx/8"}]}', "MessageAttributes", True,
     SUB + "Nonstandard IP address: xx.11.xx"),
    ('{"key": [{"cidr": "xxxx:db8:1234:1a00::/64"}]}', "MessageAttributes", True,
     SUB + "Nonstandard IP address: xxxx:db8:1234:1a00::"),
    # SNS's own limits (AWS)
    (json.dumps({f"key{i}": [f"value{i}"] for i in range(1, 7)}), "MessageAttributes", True,
     SUB + "Filter policy can not have more than 5 keys"),
    (json.dumps({f"key_{c}": [f"value_{c}"] for c in "abcdef"}), "MessageBody", False,
     SET + "Filter policy can not have more than 5 keys"),
    (json.dumps({"key": [f"value{i}" for i in range(151)]}), "MessageAttributes", True,
     SUB + "Filter policy is too complex"),
    (json.dumps({"key1": [f"v{i}" for i in range(100)], "key2": [f"v{i}" for i in range(51)]}),
     "MessageAttributes", True, SUB + "Filter policy is too complex"),
    # (4 * 6) + (4 * 4 * 4) + (4 * 4 * 4) = 152
    (json.dumps({"source": ["s1", "s2", "s3", "s4"],
                 "$or": [{"metricName": ["m1", "m2", "m3", "m4", "m5", "m6"]},
                         {"metricType": ["t1", "t2", "t3", "t4"],
                          "$or": [{"metricId": [1, 2, 3, 4]}, {"spaceId": [1, 2, 3, 4]}]}]}),
     "MessageAttributes", True, SUB + "Filter policy is too complex"),
    # nested keys count their depth: (3 * 2 * 2) + ... = 160
    (json.dumps({"$or": [{"metricName": ["a", "b", "c"]}, {"namespace": ["d", "e"]}],
                 "detail": {"scope": ["s", "t"],
                            "$or": [{"source": ["u"]}, {"type": ["v", "w", "x"]}]}}),
     "MessageBody", True, SUB + "Filter policy is too complex"),
    # 3 x 4 x 2 x 3 x 1 x 3 = 216
    (json.dumps({"key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}},
                 "key_d": {"key_e": ["v1", "v2", "v3"]}, "key_f": ["v1", "v2", "v3"]}),
     "MessageBody", False, SET + "Filter policy is too complex"),
    ('{"object": {"key": [{"prefix": "auto-"}]}}', "MessageAttributes", False,
     "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter "
     "policy"),
]

# The same compiler and rules, not recorded from AWS.
INVALID_EXTRAPOLATED = [
    ("[]", "MessageAttributes", False, SET + "Filter is not an object" + at("[]", 2)),
    ("{}", "MessageAttributes", False, SET + "Empty objects are not allowed" + at("{}", 3)),
    ('{"a": {}}', "MessageBody", False,
     SET + "Empty objects are not allowed" + at('{"a":{}}', 8)),
    ('{"a": [{}]}', "MessageAttributes", False,
     SET + "Match expression name not found" + at('{"a":[{}]}', 9)),
    ('{"a": [{"prefix": 1}]}', "MessageAttributes", False,
     SET + "prefix match pattern must be a string" + at('{"a":[{"prefix":1}]}', 18)),
    ('{"a": [{"equals-ignore-case": ["x"]}]}', "MessageAttributes", False,
     SET + "equals-ignore-case match pattern must be a string"
     + at('{"a":[{"equals-ignore-case":["x"]}]}', 30)),
    ('{"a": [{"exists": true, "prefix": "x"}]}', "MessageAttributes", False,
     SET + "Only one key allowed in match expression"
     + at('{"a":[{"exists":true,"prefix":"x"}]}', 32)),
    ('{"a": [{"numeric": ">"}]}', "MessageAttributes", False,
     SET + "Value of numeric must be an array." + at('{"a":[{"numeric":">"}]}', 19)),
    ('{"a": [{"numeric": ["=", 5, 6]}]}', "MessageAttributes", False,
     SET + "Too many elements in numeric expression" + at('{"a":[{"numeric":["=",5,6]}]}', 26)),
    ('{"a": [{"numeric": [">=", 5, "<=", 5]}]}', "MessageAttributes", False,
     SET + "Bottom must be less than top" + at('{"a":[{"numeric":[">=",5,"<=",5]}]}', 33)),
    # bounds: the documented -10^9..10^9, in event-ruler's words; numbers as Java writes them
    ('{"a": [{"numeric": ["=", 2e9]}]}', "MessageAttributes", False,
     SET + "Value must be between -1.0E9 and 1.0E9, inclusive"
     + at('{"a":[{"numeric":["=",2.0E9]}]}', 29)),
    ('{"a": [{"numeric": [">", 2e9]}]}', "MessageAttributes", False,
     SET + "Bottom must be less than top" + at('{"a":[{"numeric":[">",2.0E9]}]}', 29)),
    ('{"a": [{"numeric": [">", -2e9]}]}', "MessageAttributes", False,
     SET + "Value must be between -1.0E9 and 1.0E9, inclusive"
     + at('{"a":[{"numeric":[">",-2.0E9]}]}', 30)),
    ('{"a": [{"anything-but": [2000000000]}]}', "MessageAttributes", False,
     SET + "Value must be between -1.0E9 and 1.0E9, inclusive"
     + at('{"a":[{"anything-but":[2000000000]}]}', 34)),
    ('{"a": [{"anything-but": 2000000000}]}', "MessageAttributes", False,
     SET + "Value must be between -1.0E9 and 1.0E9, inclusive"),
    ('{"a": [{"anything-but": []}]}', "MessageAttributes", False,
     SET + "Inside anything but list, either all values are number or string, mixed type is not "
     "supported" + at('{"a":[{"anything-but":[]}]}', 25)),
    ('{"a": [{"anything-but": ["x", 1]}]}', "MessageAttributes", False,
     SET + "Inside anything but list, either all values are number or string, mixed type is not "
     "supported" + at('{"a":[{"anything-but":["x",1]}]}', 30)),
    # event-ruler reports this one twice over: it catches its own error and raises it again
    ('{"a": [{"anything-but": [null]}]}', "MessageAttributes", False,
     SET + "Inside anything but list, start|null|boolean is not supported."
     + at('{"a":[{"anything-but":[null]}]}', 28) + at('{"a":[{"anything-but":[null]}]}', 28)),
    ('{"a": [{"anything-but": true}]}', "MessageAttributes", False,
     SET + "Value of anything-but must be an array or single string/number value."
     + at('{"a":[{"anything-but":true}]}', 27)),
    ('{"a": [{"anything-but": {"prefix": ""}}]}', "MessageAttributes", False,
     SET + "Null prefix not allowed" + at('{"a":[{"anything-but":{"prefix":""}}]}', 35)),
    ('{"a": [{"anything-but": {"prefix": "x", "suffix": "y"}}]}', "MessageAttributes", False,
     SET + "Only one key allowed in match expression"
     + at('{"a":[{"anything-but":{"prefix":"x","suffix":"y"}}]}', 47)),
    ('{"a": [{"anything-but": {"equals-ignore-case": "x"}}]}', "MessageAttributes", False,
     SET + "Unsupported anything-but pattern: equals-ignore-case"
     + at('{"a":[{"anything-but":{"equals-ignore-case":"x"}}]}', 46)),
    # event-ruler's CIDR rules (an IPv4 mask must be < 32)
    ('{"key": [{"cidr": "10.0.0.0/-1"}]}', "MessageAttributes", False,
     SET + "Malformed CIDR, mask bits must not be negative"),
    ('{"key": [{"cidr": "10.0.0.0/32"}]}', "MessageAttributes", False,
     SET + "IPv4 mask bits must be < 32"),
    ('{"key": [{"cidr": "2001:db8::/128"}]}', "MessageAttributes", False,
     SET + "IPv6 mask bits must be < 128"),
    ('{"key": [{"cidr": "10.0.0.0/' + "1" * 5000 + '"}]}', "MessageAttributes", False,
     SET + "Malformed CIDR, mask bits must be an integer"),
    ('{"key": [{"cidr": "1:2/8"}]}', "MessageAttributes", False,
     SET + "Invalid IP address: 1:2"),
    ('{"a": [{"wildcard": "x*"}]}', "MessageAttributes", False,
     SET + "Unrecognized match type wildcard" + at('{"a":[{"wildcard":"x*"}]}', 20)),
    # "$or" that is not an OR is read again as a key, and that reading's reason is reported
    ('{"$or": [{"a": ["x"]}]}', "MessageAttributes", False,
     SET + "Unrecognized match type a" + at('{"$or":[{"a":["x"]}]}', 15)),
    ('{"$or": [{"a": ["x"]}, "b"]}', "MessageAttributes", False,
     SET + "Unrecognized match type a" + at('{"$or":[{"a":["x"]},"b"]}', 15)),
    ('{"$or": {"a": ["x"]}}', "MessageAttributes", False,
     "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter "
     "policy"),
    ('{"a": ["x"]} {"b": ["y"]}', "MessageAttributes", False,
     SET + "failed to parse JSON. Trailing token (of type START_OBJECT) found after value (bound "
     "as `com.fasterxml.jackson.databind.JsonNode`): not allowed as per "
     f"`DeserializationFeature.FAIL_ON_TRAILING_TOKENS`\n at [Source: {REDACTED}; line: 1, "
     "column: 15]"),
    ('{"a": ["' + "x" * (256 * 1024) + '"]}', "MessageAttributes", False,
     SET + "Filter policy can not be larger than 256 KB"),
]


@pytest.mark.parametrize(("text", "scope", "subscribe", "message"), INVALID + INVALID_EXTRAPOLATED)
def test_invalid_policies_with_aws_reasons(text, scope, subscribe, message):
    with pytest.raises(AwsError) as exc:
        sns_filter.parse(text, scope, subscribe=subscribe)
    assert exc.value.code == "InvalidParameter"
    assert exc.value.message == message


def test_long_policies_are_quoted_up_to_500_characters():
    text = json.dumps({"a": ["x" * 600], "b": [{"bogus": 1}]})
    with pytest.raises(AwsError) as exc:
        sns_filter.parse(text)
    assert exc.value.code == "InvalidParameter"
    compact = text.replace(": ", ":").replace(", ", ",")
    assert exc.value.message == (
        SET + "Unrecognized match type bogus\n"
        f' at [Source: (String)"{compact[:500]}"[truncated {len(compact) - 500} chars]; '
        f"line: 1, column: {len(compact) - 2}]")


@pytest.mark.parametrize("text", [
    "not json", "[]", '{"a": "x"}', '{"a": []}', '{"a": [{"bogus": 1}]}',
    '{"a": [{"numeric": [">", "x"]}]}', '{"a": [{"cidr": "nope"}]}',
    '{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1], "f": [1]}',
])
def test_invalid_policies(text):
    with pytest.raises(AwsError) as exc:
        sns_filter.parse(text)
    assert exc.value.code == "InvalidParameter"


VALID = [
    ({"a": ["x", 1, 2.5, True, False, None]}, "MessageAttributes"),
    ({"a": [{"prefix": ""}, {"suffix": "x"}, {"equals-ignore-case": "X"}]}, "MessageAttributes"),
    ({"a": [{"anything-but": "x"}, {"anything-but": 5}, {"anything-but": ["x", "y"]},
            {"anything-but": [1, 2]}, {"anything-but": {"prefix": "x"}}]}, "MessageAttributes"),
    ({"a": [{"numeric": ["=", 0]}, {"numeric": ["<", -1e9 + 1]}, {"numeric": [">=", 1e9 - 1]},
            {"numeric": [">", -1e9, "<=", 1e9]}]}, "MessageAttributes"),
    ({"a": [{"exists": True}], "b": [{"exists": False}]}, "MessageAttributes"),
    ({"a": [{"cidr": "10.0.0.1/24"}, {"cidr": "2001:db8::/64"}, {"cidr": "0.0.0.0/0"}]},
     "MessageAttributes"),
    ({"a": [1], "b": [1], "c": [1], "d": [1], "e": [1]}, "MessageAttributes"),
    ({"a": [f"v{i}" for i in range(150)]}, "MessageAttributes"),
    # (3 * 6) + (3 * 4 * 4) + (3 * 4 * 7) = 150 (AWS)
    ({"source": ["s1", "s2", "s3"],
      "$or": [{"metricName": ["m1", "m2", "m3", "m4", "m5", "m6"]},
              {"metricType": ["t1", "t2", "t3", "t4"],
               "$or": [{"metricId": [1, 2, 3, 4]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}]}]},
     "MessageAttributes"),
    # payload-based policies count top-level keys only
    ({"a": {"b": ["x"], "c": ["x"], "d": ["x"]}, "e": {"f": ["x"], "g": ["x"], "h": ["x"]}},
     "MessageBody"),
    ({"object": {"key": [{"prefix": "auto-"}]}}, "MessageBody"),  # AWS
    ({"$or": [{"prefix": "x"}]}, "MessageAttributes"),
    ({"$or": {"a": ["x"]}}, "MessageBody"),
]


@pytest.mark.parametrize(("policy", "scope"), VALID)
def test_valid_policies(policy, scope):
    text = json.dumps(policy)
    assert sns_filter.parse(text, scope) == policy


def test_parse_returns_the_policy_as_json_reads_it():
    text = '{"a": ["x"], "a": ["y"], "b": [1.50, 2]}'
    assert sns_filter.parse(text) == json.loads(text)


def test_limits():
    assert sns_filter.MAX_KEYS == 5
    assert sns_filter.MAX_COMBINATIONS == 150
    assert sns_filter.MAX_POLICY_BYTES == 262144
    assert sns_filter.MAX_POLICIES_PER_TOPIC == 200
    assert sns_filter.MAX_POLICIES_PER_ACCOUNT == 10_000
