"""Properties of the filter policy matcher and validator."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns import filter as sns_filter

SCOPES = st.sampled_from(["MessageAttributes", "MessageBody"])
NAMES = st.text(min_size=1, max_size=8)
STRINGS = st.text(max_size=12)
# The documented numbers: -10^9..10^9 with five digits after the decimal point.
DECIMALS = st.integers(-10**14, 10**14).map(lambda n: Decimal(n) / 100000)
NUMBERS = DECIMALS.map(float)
SCALARS = st.one_of(STRINGS, NUMBERS, st.booleans(), st.none())
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), STRINGS),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(STRINGS, children,
                                                                      max_size=4),
    max_leaves=20)


def attribute(value):
    """A Publish message attribute carrying `value` (a string, a number or a String.Array)."""
    if isinstance(value, str):
        return {"DataType": "String", "StringValue": value}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"DataType": "Number", "StringValue": repr(value)}
    return {"DataType": "String.Array", "StringValue": json.dumps(value)}


def passes(policy, message, scope):
    """The policy matched against `message` ({name: value}) as attributes or as a body."""
    if scope == "MessageBody":
        return sns_filter.matches(policy, body=message, scope=scope)
    return sns_filter.matches(policy, {k: attribute(v) for k, v in message.items()})


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(NAMES, SCALARS, min_size=1, max_size=5), SCOPES)
def test_exact_values_match_the_message_that_carries_them(values, scope):
    policy = {name: [value] for name, value in values.items()}
    sns_filter.parse(json.dumps(policy), scope)
    # Attributes carry no lone true, false or null: those travel in a String.Array.
    def carried(v):
        lone = isinstance(v, bool) or v is None
        return [v] if lone and scope == "MessageAttributes" else v

    message = {k: carried(v) for k, v in values.items()}
    assert passes(policy, message, scope)


@settings(max_examples=200, deadline=None)
@given(NAMES, st.one_of(STRINGS, NUMBERS), st.lists(st.one_of(STRINGS, NUMBERS), max_size=3),
       st.booleans(), SCOPES)
def test_anything_but_never_matches_what_it_excludes(name, excluded, others, as_list, scope):
    same_type = [o for o in others if isinstance(o, type(excluded))]
    condition = [excluded, *same_type] if as_list else excluded
    policy = {name: [{"anything-but": condition}]}
    sns_filter.parse(json.dumps(policy), scope)
    assert not passes(policy, {name: excluded}, scope)
    assert not passes(policy, {name: [excluded, *others]}, scope)


@settings(max_examples=300, deadline=None)
@given(DECIMALS, DECIMALS, DECIMALS, SCOPES)
def test_numeric_range_matches_exactly_its_values(low, high, value, scope):
    assume(low < high)
    policy = {"n": [{"numeric": [">=", float(low), "<", float(high)]}]}
    sns_filter.parse(json.dumps(policy), scope)
    assert passes(policy, {"n": float(value)}, scope) is (low <= value < high)
    equal = {"n": [{"numeric": ["=", float(low)]}]}
    assert passes(equal, {"n": float(value)}, scope) is (value == low)


@settings(max_examples=200, deadline=None)
@given(NAMES, STRINGS, STRINGS, SCOPES)
def test_prefix_and_suffix_match_any_extension(name, fixed, rest, scope):
    assert passes({name: [{"prefix": fixed}]}, {name: fixed + rest}, scope)
    assert passes({name: [{"suffix": fixed}]}, {name: rest + fixed}, scope)
    assert passes({name: [{"prefix": rest + "!"}]}, {name: fixed + rest}, scope) is (
        (fixed + rest).startswith(rest + "!"))


def _recase(text, flips):
    out = []
    for ch, flip in zip(text, flips, strict=False):
        other = ch.upper() if flip else ch.lower()
        out.append(other if len(other) == 1 else ch)
    return "".join(out) + text[len(flips):]


@settings(max_examples=200, deadline=None)
@given(NAMES, STRINGS, st.lists(st.booleans(), max_size=12), SCOPES)
def test_equals_ignore_case_ignores_case(name, text, flips, scope):
    policy = {name: [{"equals-ignore-case": text}]}
    assert passes(policy, {name: _recase(text, flips)}, scope)
    assert passes(policy, {name: text.upper() if len(text.upper()) == len(text) else text}, scope)
    assert not passes(policy, {name: text + "x"}, scope)


CONDITIONS = st.one_of(
    SCALARS,
    st.builds(lambda s: {"prefix": s}, STRINGS),
    st.builds(lambda s: {"suffix": s}, STRINGS),
    st.builds(lambda s: {"equals-ignore-case": s}, STRINGS),
    st.builds(lambda s: {"anything-but": s}, st.one_of(STRINGS, NUMBERS)),
    st.builds(lambda s: {"anything-but": {"prefix": s}}, st.text(min_size=1, max_size=4)),
    # A one-sided range ends at the limit, and must not be empty ("Bottom must be less than top").
    st.builds(lambda n: {"numeric": [">", n]}, NUMBERS.filter(lambda n: n < 1e9)),
    st.builds(lambda n: {"numeric": ["<=", n]}, NUMBERS.filter(lambda n: n > -1e9)),
    st.builds(lambda e: {"exists": e}, st.booleans()),
    st.sampled_from([{"cidr": "10.0.0.0/8"}, {"cidr": "2001:db8::/32"}]),
)
KEYS = st.sampled_from(["a", "b", "c"])
LEAVES = st.dictionaries(KEYS, st.lists(CONDITIONS, min_size=1, max_size=3), min_size=1,
                         max_size=2)
MESSAGES = st.dictionaries(KEYS, st.one_of(
    SCALARS, st.lists(st.one_of(STRINGS, NUMBERS), max_size=3),
    st.sampled_from(["10.1.2.3", "2001:db8::1", "10.0.0.256"])), max_size=3)


@settings(max_examples=300, deadline=None)
@given(LEAVES, LEAVES, MESSAGES, SCOPES)
def test_or_matches_when_either_side_does(left, right, message, scope):
    either = {"$or": [left, right]}
    sns_filter.parse(json.dumps(either), scope)
    assert passes(either, message, scope) is (
        passes(left, message, scope) or passes(right, message, scope))
    both = {**left, **{k: v for k, v in right.items() if k not in left}}
    assert passes(both, message, scope) <= passes(left, message, scope)


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON, LEAVES, st.dictionaries(st.sampled_from(
    ["a", "$or", "prefix", "numeric", "anything-but", "exists", "cidr", "suffix"]), JSON,
    max_size=3)), SCOPES, st.booleans())
def test_parse_only_ever_raises_invalid_parameter(value, scope, subscribe):
    text = json.dumps(value)
    try:
        policy = sns_filter.parse(text, scope, subscribe=subscribe)
    except err.InvalidParameterException as exc:
        assert exc.message.startswith("Invalid parameter: ")
    else:
        assert policy == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), SCOPES)
def test_parse_only_ever_raises_invalid_parameter_on_any_text(text, scope):
    try:
        policy = sns_filter.parse(text, scope)
    except err.InvalidParameterException as exc:
        assert exc.code == "InvalidParameter"
    else:
        assert policy == json.loads(text)


ATTRIBUTES = st.dictionaries(st.one_of(KEYS, STRINGS), st.one_of(
    st.fixed_dictionaries({"DataType": st.sampled_from(
        ["String", "Number", "String.Array", "Binary", "Number.x", "Bogus"]),
        "StringValue": st.one_of(STRINGS, JSON.map(json.dumps))}),
    st.fixed_dictionaries({"DataType": st.just("Binary"), "BinaryValue": st.binary()}),
    JSON), max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.one_of(LEAVES, JSON), ATTRIBUTES, JSON)
def test_matching_never_raises(policy, attributes, body):
    assert sns_filter.matches(policy, attributes) in (True, False)
    assert sns_filter.matches(policy, body=body, scope="MessageBody") in (True, False)
