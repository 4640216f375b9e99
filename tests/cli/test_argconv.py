"""Option values -> request values, as the AWS CLI v2 converts them (awscli/argprocess.py)."""

from __future__ import annotations

import base64
import json
import string
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awslocal_cli import model as models
from awslocal_cli.cli import argconv
from awslocal_cli.cli.argconv import (
    cli_name,
    convert,
    supports_shorthand,
    to_cli_input_skeleton,
    to_output_skeleton,
)
from awslocal_cli.cli.paramfile import ParamError, load_param_file

SERVICES = ("kms", "sqs", "sns", "sts")
KMS = models.load("kms")
SQS = models.load("sqs")
SNS = models.load("sns")
STS = models.load("sts")


def member_shape(model: dict[str, Any], operation: str, member: str) -> str:
    """The shape of one input member of an operation, from the real model."""
    input_shape = model["operations"][operation]["input"]["shape"]
    return str(model["shapes"][input_shape]["members"][member]["shape"])


def conv(model: dict[str, Any], operation: str, member: str, raw: Any, **kw: Any) -> Any:
    shape = member_shape(model, operation, member)
    return convert(model, shape, raw, param_name=cli_name(member), member=member, **kw)


def error(model: dict[str, Any], operation: str, member: str, raw: Any, **kw: Any) -> ParamError:
    with pytest.raises(ParamError) as info:
        conv(model, operation, member, raw, **kw)
    return info.value


# -- option names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "option"),
    [
        ("QueueUrl", "queue-url"),
        ("KeyId", "key-id"),
        ("SSEKMSKeyId", "ssekms-key-id"),
        ("KMSKeyId", "kms-key-id"),
        ("KmsMasterKeyId", "kms-master-key-id"),
        ("MD5OfBody", "md5-of-body"),
        ("MD5OfMessageAttributes", "md5-of-message-attributes"),
        ("DryRun", "dry-run"),
        ("TTL", "ttl"),
        ("AWSAccountIds", "aws-account-ids"),
        ("ListARNs", "list-arns"),
        ("PolicyArns", "policy-arns"),
        ("EC2Instances", "ec2-instances"),
        ("Ipv6CidrBlock", "ipv6-cidr-block"),
        ("AssumeRoleWithSAML", "assume-role-with-saml"),
        ("SMSSandboxPhoneNumbers", "sms-sandbox-phone-numbers"),
        ("tags", "tags"),
        ("ABCs", "-abcs"),  # botocore's own quirk
        ("already-dashed", "already-dashed"),
    ],
)
def test_cli_name(member: str, option: str) -> None:
    assert cli_name(member) == option


def _botocore() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip("botocore")


def _all_member_names() -> list[str]:
    names: set[str] = set()
    for service in SERVICES:
        model = models.load(service)
        names.update(model["operations"])
        for shape in model["shapes"].values():
            names.update(shape.get("members", {}))
    return sorted(names)


def test_cli_name_matches_botocore_for_every_member_of_every_model() -> None:
    botocore = _botocore()
    names = _all_member_names()
    assert len(names) > 300
    mismatches = {
        name: (cli_name(name), botocore.xform_name(name, "-", _xform_cache={}))
        for name in names
        if cli_name(name) != botocore.xform_name(name, "-", _xform_cache={})
    }
    assert mismatches == {}


@settings(max_examples=300)
@given(st.text(alphabet=string.ascii_letters + string.digits + "_", min_size=1, max_size=16))
def test_cli_name_matches_botocore_for_any_identifier(name: str) -> None:
    botocore = _botocore()
    assert cli_name(name) == botocore.xform_name(name, "-", _xform_cache={})


# -- scalars ----------------------------------------------------------------------------------


def test_strings_pass_through() -> None:
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
    assert conv(SQS, "SendMessage", "QueueUrl", url) == url
    assert conv(SQS, "SendMessage", "MessageBody", "") == ""
    assert conv(SQS, "SendMessage", "MessageBody", "a=b,c") == "a=b,c"  # never shorthand
    assert conv(SQS, "SendMessage", "MessageBody", '{"json": 1}') == '{"json": 1}'


def test_http_urls_are_plain_strings() -> None:
    assert conv(SNS, "Subscribe", "Endpoint", "https://example.com/hook") == (
        "https://example.com/hook"
    )


def test_integers() -> None:
    assert conv(SQS, "ReceiveMessage", "MaxNumberOfMessages", "10") == 10
    assert conv(SQS, "ReceiveMessage", "WaitTimeSeconds", " 20 ") == 20
    assert conv(SQS, "ReceiveMessage", "VisibilityTimeout", "-1") == -1
    assert conv(KMS, "GenerateRandom", "NumberOfBytes", ["32"]) == 32


@pytest.mark.parametrize("bad", ["abc", "1.5", "", "ten"])
def test_integer_errors(bad: str) -> None:
    exc = error(SQS, "ReceiveMessage", "MaxNumberOfMessages", bad)
    # The AWS CLI lets int()'s ValueError through to its general handler: exit 255.
    assert str(exc) == f"invalid literal for int() with base 10: {bad!r}"
    assert exc.exit_code == 255
    assert not exc.usage


def _synthetic(members: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A one-operation model for types our four services do not use at the top level."""
    shapes: dict[str, Any] = {"Input": {"type": "structure", "members": {}}}
    for name, shape in members.items():
        shapes[f"{name}Shape"] = shape
        shapes["Input"]["members"][name] = {"shape": f"{name}Shape"}
    shapes.update(extra or {})
    return {"metadata": {}, "operations": {"Op": {"input": {"shape": "Input"}}}, "shapes": shapes}


SYNTH = _synthetic(
    {
        "Count": {"type": "long"},
        "Ratio": {"type": "double"},
        "Scale": {"type": "float"},
        "Flag": {"type": "boolean"},
        "When": {"type": "timestamp"},
        "Numbers": {"type": "list", "member": {"shape": "Int"}},
        "Wrapped": {"type": "structure", "members": {"Value": {"shape": "Str"}}},
        "Nested": {"type": "list", "member": {"shape": "StrList"}},
        "Config": {
            "type": "structure",
            "members": {
                "Count": {"shape": "Int"},
                "Ratio": {"shape": "Dbl"},
                "On": {"shape": "Bool"},
                "When": {"shape": "Time"},
                "Names": {"shape": "StrList"},
                "Data": {"shape": "Bytes"},
                "Sizes": {"shape": "IntMap"},
            },
        },
    },
    {
        "Int": {"type": "integer"},
        "Dbl": {"type": "double"},
        "Bool": {"type": "boolean"},
        "Time": {"type": "timestamp"},
        "Str": {"type": "string"},
        "StrList": {"type": "list", "member": {"shape": "Str"}},
        "Bytes": {"type": "blob"},
        "IntMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Int"}},
    },
)


def test_longs_and_floats() -> None:
    assert conv(SYNTH, "Op", "Count", "12345678901") == 12345678901
    assert conv(SYNTH, "Op", "Ratio", "0.25") == 0.25
    assert conv(SYNTH, "Op", "Scale", "3") == 3.0


def test_long_and_float_errors_are_argparse_errors() -> None:
    exc = error(SYNTH, "Op", "Count", "x")
    assert str(exc) == "argument --count: invalid int value: 'x'"
    assert exc.usage and exc.exit_code == 252
    exc = error(SYNTH, "Op", "Ratio", "half")
    assert str(exc) == "argument --ratio: invalid float value: 'half'"
    assert exc.usage


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), (False, False), ("false", False), ("FALSE", False), ("true", True)],
)
def test_booleans(raw: Any, expected: bool) -> None:
    assert conv(SYNTH, "Op", "Flag", raw) is expected
    assert conv(KMS, "CreateKey", "BypassPolicyLockoutSafetyCheck", raw) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("2026-01-02T03:04:05+02:00", datetime(2026, 1, 2, 1, 4, 5, tzinfo=timezone.utc)),
        ("2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("2026-01-02", datetime(2026, 1, 2, tzinfo=timezone.utc)),
        ("1767225600", datetime(2026, 1, 1, tzinfo=timezone.utc)),
        ("1767225600.5", datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=timezone.utc)),
        ("Thu, 01 Jan 2026 00:00:00 GMT", datetime(2026, 1, 1, tzinfo=timezone.utc)),
    ],
)
def test_timestamps(text: str, expected: datetime) -> None:
    value = conv(KMS, "ImportKeyMaterial", "ValidTo", text)
    assert value == expected
    assert value.utcoffset() is not None


def test_timestamp_offsets_are_kept() -> None:
    value = conv(SYNTH, "Op", "When", "2026-01-02T03:04:05-05:00")
    assert value.utcoffset() == timedelta(hours=-5)


def test_bad_timestamp_reads_like_botocore_validation() -> None:
    exc = error(KMS, "ImportKeyMaterial", "ValidTo", "next tuesday")
    assert str(exc) == (
        "Parameter validation failed:\n"
        "Invalid type for parameter ValidTo, value: next tuesday, type: <class 'str'>, "
        "valid types: <class 'datetime.datetime'>, timestamp-string"
    )
    exc = error(SYNTH, "Op", "Config", "When=soon")
    assert "Invalid type for parameter Config.When, value: soon" in str(exc)


def test_validation_path_defaults_to_the_option_name() -> None:
    with pytest.raises(ParamError, match="parameter valid-to,"):
        convert(KMS, "DateType", "x", param_name="valid-to")


# -- blobs ------------------------------------------------------------------------------------


def test_blob_base64() -> None:
    assert conv(KMS, "Encrypt", "Plaintext", "aGVsbG8=") == b"hello"
    assert conv(KMS, "Encrypt", "Plaintext", base64.b64encode(b"\x00\xff").decode()) == b"\x00\xff"


def test_blob_base64_is_lenient_like_the_aws_cli() -> None:
    # base64.b64decode without validate: characters outside the alphabet are skipped.
    assert conv(KMS, "Encrypt", "Plaintext", "aGVs\nbG8=") == b"hello"
    assert conv(KMS, "Encrypt", "Plaintext", "aGVs*bG8=") == b"hello"


@pytest.mark.parametrize("bad", ["hello", "abc", "a"])
def test_blob_bad_base64(bad: str) -> None:
    exc = error(KMS, "Encrypt", "Plaintext", bad)
    assert str(exc) == f'Invalid base64: "{bad}"'
    assert exc.exit_code == 255


def test_blob_raw_in_base64_out() -> None:
    value = conv(KMS, "Encrypt", "Plaintext", "hello é", binary_format="raw-in-base64-out")
    assert value == "hello é".encode()


@pytest.mark.parametrize("binary_format", ["base64", "raw-in-base64-out"])
def test_blob_bytes_from_fileb_are_used_as_is(binary_format: str) -> None:
    raw = b"\x00\x01not base64!"
    assert conv(KMS, "Decrypt", "CiphertextBlob", raw, binary_format=binary_format) == raw


def test_nested_blobs_are_decoded_too() -> None:
    value = conv(
        SQS,
        "SendMessage",
        "MessageAttributes",
        '{"b": {"DataType": "Binary", "BinaryValue": "aGk="}}',
    )
    assert value == {"b": {"DataType": "Binary", "BinaryValue": b"hi"}}
    value = conv(
        SQS,
        "SendMessage",
        "MessageAttributes",
        "b={DataType=Binary,BinaryValue=hi}",
        binary_format="raw-in-base64-out",
    )
    assert value == {"b": {"DataType": "Binary", "BinaryValue": b"hi"}}
    value = conv(
        SQS,
        "SendMessage",
        "MessageAttributes",
        "b={DataType=Binary,BinaryListValues=[aGk=,aGVsbG8=]}",
    )
    assert value == {"b": {"DataType": "Binary", "BinaryListValues": [b"hi", b"hello"]}}


# -- lists of scalars -------------------------------------------------------------------------


def test_list_of_strings() -> None:
    assert conv(SQS, "ReceiveMessage", "AttributeNames", ["All"]) == ["All"]
    assert conv(SQS, "ReceiveMessage", "AttributeNames", ["Policy", "VisibilityTimeout"]) == [
        "Policy",
        "VisibilityTimeout",
    ]
    assert conv(SQS, "ReceiveMessage", "MessageAttributeNames", []) == []
    assert conv(KMS, "Encrypt", "GrantTokens", "one") == ["one"]


def test_list_of_strings_has_no_shorthand() -> None:
    # A comma does not split values of a list of scalars.
    assert conv(SQS, "ReceiveMessage", "AttributeNames", ["All,Policy"]) == ["All,Policy"]
    assert conv(SQS, "ReceiveMessage", "AttributeNames", ["a=b"]) == ["a=b"]


def test_list_of_strings_as_json() -> None:
    assert conv(SQS, "ReceiveMessage", "AttributeNames", ['["All", "Policy"]']) == [
        "All",
        "Policy",
    ]
    assert conv(SQS, "ReceiveMessage", "AttributeNames", ' ["All"]') == ["All"]
    # Several values are taken one by one, even when the first looks like JSON.
    assert conv(SQS, "ReceiveMessage", "AttributeNames", ['["All"]', "Policy"]) == [
        '["All"]',
        "Policy",
    ]


def test_list_of_strings_bad_json() -> None:
    exc = error(SQS, "ReceiveMessage", "AttributeNames", ["[All]"])
    assert str(exc) == (
        "Error parsing parameter '--attribute-names': Invalid JSON: Expecting value: "
        "line 1 column 2 (char 1)\nJSON received: [All]"
    )
    assert exc.exit_code == 252


def test_list_of_integers() -> None:
    assert conv(SYNTH, "Op", "Numbers", ["1", "2"]) == [1, 2]
    assert conv(SYNTH, "Op", "Numbers", ["[1, 2]"]) == [1, 2]
    exc = error(SYNTH, "Op", "Numbers", ["x", "2"])
    assert str(exc) == "Error parsing parameter '--numbers': x"


def test_list_of_lists() -> None:
    assert conv(SYNTH, "Op", "Nested", ["[[1], [2]]"]) == [[1], [2]]
    # A list of lists is complex enough for shorthand, which a bare word is not.
    exc = error(SYNTH, "Op", "Nested", ["x"])
    assert str(exc).startswith("Error parsing parameter '--nested': Expected: '='")


# -- lists of structures ----------------------------------------------------------------------


def test_kms_tags_shorthand() -> None:
    assert conv(KMS, "CreateKey", "Tags", ["TagKey=a,TagValue=b", "TagKey=c,TagValue=d"]) == [
        {"TagKey": "a", "TagValue": "b"},
        {"TagKey": "c", "TagValue": "d"},
    ]


def test_kms_tags_json() -> None:
    text = '[{"TagKey": "a", "TagValue": "b"}, {"TagKey": "c", "TagValue": "d"}]'
    assert conv(KMS, "CreateKey", "Tags", [text]) == [
        {"TagKey": "a", "TagValue": "b"},
        {"TagKey": "c", "TagValue": "d"},
    ]
    # One JSON object per value works too.
    assert conv(KMS, "TagResource", "Tags", ['{"TagKey": "a"}', '{"TagKey": "c"}']) == [
        {"TagKey": "a"},
        {"TagKey": "c"},
    ]


def test_tags_shorthand_and_json_agree() -> None:
    shorthand = conv(SNS, "CreateTopic", "Tags", ["Key=team,Value=core", "Key=env,Value=dev"])
    as_json = conv(
        SNS,
        "CreateTopic",
        "Tags",
        ['[{"Key": "team", "Value": "core"}, {"Key": "env", "Value": "dev"}]'],
    )
    assert shorthand == as_json


def test_shorthand_list_inside_brackets_is_json() -> None:
    # `[{...}]` is taken as JSON (the AWS CLI's rule), so shorthand inside it is an error.
    exc = error(KMS, "CreateKey", "Tags", ["[{TagKey=a,TagValue=b}]"])
    assert str(exc).startswith("Error parsing parameter '--tags': Invalid JSON: ")


def test_json_split_by_the_shell_names_the_first_piece() -> None:
    exc = error(KMS, "CreateKey", "Tags", ["[{", "TagKey:a}]"])
    assert str(exc) == "Error parsing parameter '--tags': Invalid JSON:\n[{"


def test_list_of_structures_with_nested_values() -> None:
    entries = conv(
        SQS,
        "SendMessageBatch",
        "Entries",
        [
            "Id=1,MessageBody=hello,DelaySeconds=5",
            "Id=2,MessageBody=x,MessageAttributes={a={DataType=Number,StringValue=1}}",
        ],
    )
    assert entries == [
        {"Id": "1", "MessageBody": "hello", "DelaySeconds": 5},
        {
            "Id": "2",
            "MessageBody": "x",
            "MessageAttributes": {"a": {"DataType": "Number", "StringValue": "1"}},
        },
    ]
    entries = conv(SQS, "ChangeMessageVisibilityBatch", "Entries", ["Id=a,ReceiptHandle=r"])
    assert entries == [{"Id": "a", "ReceiptHandle": "r"}]


def test_integer_inside_shorthand_errors_like_the_aws_cli() -> None:
    exc = error(SQS, "SendMessageBatch", "Entries", ["Id=1,MessageBody=x,DelaySeconds=soon"])
    assert str(exc) == "invalid literal for int() with base 10: 'soon'"
    assert exc.exit_code == 255


def test_json_keeps_json_types() -> None:
    # No coercion of JSON: a string where an integer belongs stays a string (validation
    # rejects it later, as botocore does for the AWS CLI).
    entries = conv(
        SQS,
        "SendMessageBatch",
        "Entries",
        ['[{"Id": "1", "MessageBody": "x", "DelaySeconds": "5"}]'],
    )
    assert entries == [{"Id": "1", "MessageBody": "x", "DelaySeconds": "5"}]


def test_empty_list_of_structures() -> None:
    assert conv(KMS, "TagResource", "Tags", []) == []


def test_sts_policy_arns_and_tags() -> None:
    assert conv(STS, "AssumeRole", "PolicyArns", ["arn=arn:aws:iam::aws:policy/X"]) == [
        {"arn": "arn:aws:iam::aws:policy/X"}
    ]
    assert conv(STS, "AssumeRole", "Tags", ["Key=k,Value=v"]) == [{"Key": "k", "Value": "v"}]


# -- maps and structures ----------------------------------------------------------------------


def test_sqs_attributes_shorthand() -> None:
    assert conv(SQS, "CreateQueue", "Attributes", "VisibilityTimeout=30,DelaySeconds=0") == {
        "VisibilityTimeout": "30",
        "DelaySeconds": "0",
    }


def test_sqs_attributes_json() -> None:
    assert conv(SQS, "CreateQueue", "Attributes", '{"VisibilityTimeout": "30"}') == {
        "VisibilityTimeout": "30"
    }
    # JSON numbers stay numbers; validation refuses them later.
    assert conv(SQS, "SetQueueAttributes", "Attributes", '{"DelaySeconds": 0}') == {
        "DelaySeconds": 0
    }


def test_sqs_redrive_policy_needs_quotes_in_shorthand() -> None:
    policy = (
        '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":"5"}'
    )
    quoted = "RedrivePolicy='" + policy.replace("'", "\\'") + "'"
    assert conv(SQS, "SetQueueAttributes", "Attributes", quoted) == {"RedrivePolicy": policy}
    nested = json.dumps({"RedrivePolicy": policy})
    assert conv(SQS, "SetQueueAttributes", "Attributes", nested) == {"RedrivePolicy": policy}


def test_sqs_tags_map() -> None:
    assert conv(SQS, "CreateQueue", "tags", "team=core,env=dev") == {"team": "core", "env": "dev"}
    assert conv(SQS, "TagQueue", "Tags", "a=") == {"a": ""}


def test_sqs_message_attributes() -> None:
    expected = {"a": {"DataType": "String", "StringValue": "x"}}
    assert (
        conv(
            SQS, "SendMessage", "MessageAttributes", '{"a":{"DataType":"String","StringValue":"x"}}'
        )
        == expected
    )
    assert (
        conv(SQS, "SendMessage", "MessageAttributes", "a={DataType=String,StringValue=x}")
        == expected
    )


def test_shorthand_makes_lone_values_lists() -> None:
    value = conv(SQS, "SendMessage", "MessageAttributes", "a={DataType=String,StringListValues=x}")
    assert value == {"a": {"DataType": "String", "StringListValues": ["x"]}}
    value = conv(
        SQS, "SendMessage", "MessageAttributes", "a={DataType=String,StringListValues=[x,y]}"
    )
    assert value == {"a": {"DataType": "String", "StringListValues": ["x", "y"]}}


def test_sns_publish_message_attributes() -> None:
    value = conv(
        SNS,
        "Publish",
        "MessageAttributes",
        "color={DataType=String,StringValue=red},n={DataType=Number,StringValue=3}",
    )
    assert value == {
        "color": {"DataType": "String", "StringValue": "red"},
        "n": {"DataType": "Number", "StringValue": "3"},
    }


def test_sns_subscribe_attributes() -> None:
    policy = '{"color": ["red"]}'
    value = conv(SNS, "Subscribe", "Attributes", f"RawMessageDelivery=true,FilterPolicy='{policy}'")
    assert value == {"RawMessageDelivery": "true", "FilterPolicy": policy}
    value = conv(SNS, "Subscribe", "Attributes", '{"RawMessageDelivery": "true"}')
    assert value == {"RawMessageDelivery": "true"}


def test_kms_encryption_context() -> None:
    assert conv(KMS, "Encrypt", "EncryptionContext", "purpose=test,dept=it") == {
        "purpose": "test",
        "dept": "it",
    }
    assert conv(KMS, "Decrypt", "EncryptionContext", '{"purpose": "test"}') == {"purpose": "test"}
    assert conv(KMS, "Encrypt", "EncryptionContext", "aws:cloudformation:stack=s") == {
        "aws:cloudformation:stack": "s"
    }
    # A csv run is a list, which validation refuses for a map of strings (as in the AWS CLI).
    assert conv(KMS, "Encrypt", "EncryptionContext", "k=a,b") == {"k": ["a", "b"]}


def test_kms_grant_constraints() -> None:
    value = conv(KMS, "CreateGrant", "Constraints", "EncryptionContextSubset={Dept=IT}")
    assert value == {"EncryptionContextSubset": {"Dept": "IT"}}


def test_shorthand_scalars_are_typed_by_the_model() -> None:
    value = conv(
        SYNTH,
        "Op",
        "Config",
        "Count=3,Ratio=0.5,On=TRUE,When=2026-01-01T00:00:00Z,Names=a,Data=aGk=,Sizes={x=1}",
    )
    assert value == {
        "Count": 3,
        "Ratio": 0.5,
        "On": True,
        "When": datetime(2026, 1, 1, tzinfo=timezone.utc),
        "Names": ["a"],
        "Data": b"hi",
        "Sizes": {"x": 1},
    }
    # Only true and false become booleans; anything else is left for validation to refuse.
    assert conv(SYNTH, "Op", "Config", "On=yes") == {"On": "yes"}
    # Unknown keys are left alone for validation to name.
    assert conv(SYNTH, "Op", "Config", "Other=1") == {"Other": "1"}


def test_json_structure_keeps_types_but_converts_blobs_and_timestamps() -> None:
    value = conv(SYNTH, "Op", "Config", '{"Count": "3", "Data": "aGk=", "When": 0}')
    assert value == {"Count": "3", "Data": b"hi", "When": datetime(1970, 1, 1, tzinfo=timezone.utc)}


def test_single_value_structure_special_case() -> None:
    assert conv(SYNTH, "Op", "Wrapped", "shutdown") == {"Value": "shutdown"}
    assert conv(SYNTH, "Op", "Wrapped", "Value=stop") == {"Value": "stop"}


def test_structure_bad_shorthand_message() -> None:
    exc = error(SQS, "CreateQueue", "Attributes", "VisibilityTimeout:30")
    assert str(exc) == (
        "Error parsing parameter '--attributes': Expected: '=', received: 'EOF' for input:\n"
        " VisibilityTimeout:30\n"
        "                    ^"
    )
    assert exc.exit_code == 252 and not exc.usage
    exc = error(SQS, "CreateQueue", "Attributes", "")
    assert str(exc).startswith("Error parsing parameter '--attributes': Expected: '='")


def test_structure_bad_json_message() -> None:
    exc = error(SQS, "CreateQueue", "Attributes", "{'DelaySeconds': '0'}")
    assert str(exc) == (
        "Error parsing parameter '--attributes': Invalid JSON: Expecting property name enclosed "
        "in double quotes: line 1 column 2 (char 1)\nJSON received: {'DelaySeconds': '0'}"
    )
    exc = error(SQS, "CreateQueue", "Attributes", "[1]")
    assert str(exc) == "Error parsing parameter '--attributes': Invalid JSON:\n[1]"


def test_structure_from_fileb_is_read_as_text() -> None:
    assert conv(SQS, "CreateQueue", "Attributes", b'{"DelaySeconds": "1"}') == {"DelaySeconds": "1"}


def test_structure_takes_one_value() -> None:
    assert conv(SQS, "CreateQueue", "Attributes", ["DelaySeconds=1"]) == {"DelaySeconds": "1"}
    exc = error(SQS, "CreateQueue", "Attributes", ["a=1", "b=2"])
    assert exc.usage


def test_param_name_may_carry_its_dashes() -> None:
    shape = member_shape(SQS, "CreateQueue", "Attributes")
    for name in ("attributes", "--attributes"):
        with pytest.raises(ParamError, match=r"^Error parsing parameter '--attributes': "):
            convert(SQS, shape, "{", param_name=name)


def test_at_equals_inside_shorthand(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text('{"Version": "2012-10-17"}', encoding="utf-8")
    value = conv(SQS, "SetQueueAttributes", "Attributes", f"Policy@=file://{policy}")
    assert value == {"Policy": '{"Version": "2012-10-17"}'}

    seen: list[str] = []

    def loader(text: str) -> str:
        seen.append(text)
        return "stub"

    value = conv(
        SQS, "SetQueueAttributes", "Attributes", "Policy@=file://x", param_file_loader=loader
    )
    assert value == {"Policy": "stub"} and seen == ["file://x"]


def test_at_equals_missing_file_escapes_like_the_aws_cli(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    exc = error(SQS, "SetQueueAttributes", "Attributes", f"Policy@=file://{missing}")
    assert str(exc) == (
        f"Unable to load paramfile file://{missing}: [Errno 2] No such file or directory: "
        f"'{missing}'"
    )
    assert exc.exit_code == 255


# -- shorthand or JSON ------------------------------------------------------------------------


def test_supports_shorthand() -> None:
    assert supports_shorthand(SQS, member_shape(SQS, "CreateQueue", "Attributes"))
    assert supports_shorthand(KMS, member_shape(KMS, "CreateKey", "Tags"))
    assert supports_shorthand(KMS, member_shape(KMS, "CreateGrant", "Constraints"))
    assert not supports_shorthand(SQS, member_shape(SQS, "ReceiveMessage", "AttributeNames"))
    assert not supports_shorthand(SQS, member_shape(SQS, "SendMessage", "QueueUrl"))
    assert not supports_shorthand(KMS, member_shape(KMS, "Encrypt", "Plaintext"))


def test_shorthand_or_json_is_chosen_by_the_value_and_the_shape() -> None:
    tags = member_shape(KMS, "CreateKey", "Tags")
    # Shorthand: `k=v` pairs become a structure; a JSON value would not parse as shorthand.
    assert convert(KMS, tags, ["TagKey=a,TagValue=b"], param_name="tags") == [
        {"TagKey": "a", "TagValue": "b"}
    ]
    assert convert(KMS, tags, ['[{"TagKey": "a"}]'], param_name="tags") == [{"TagKey": "a"}]
    assert convert(KMS, tags, [' {"TagKey": "a"}'], param_name="tags") == [{"TagKey": "a"}]
    # A list of strings has no shorthand: `Name=x` stays the text it is.
    names = member_shape(SQS, "ReceiveMessage", "AttributeNames")
    assert convert(SQS, names, ["All"], param_name="attribute-names") == ["All"]
    assert convert(SQS, names, ["Name=x"], param_name="attribute-names") == ["Name=x"]


# -- parameter files --------------------------------------------------------------------------


def test_load_text_file(tmp_path: Path) -> None:
    path = tmp_path / "body.txt"
    path.write_bytes("héllo\r\nworld\n".encode())
    assert load_param_file(f"file://{path}") == "héllo\nworld\n"


def test_load_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\xff\r\n")
    assert load_param_file(f"fileb://{path}") == b"\x00\xff\r\n"


def test_load_expands_home_and_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SUBDIR", "d")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("x", encoding="utf-8")
    assert load_param_file("file://~/d/x.txt") == "x"
    assert load_param_file("file://~/$SUBDIR/x.txt") == "x"


@pytest.mark.parametrize(
    "value",
    ["plain", "https://example.com/x", "http://example.com/x", "s3://b/k", "File://x", ""],
)
def test_not_a_param_file(value: str) -> None:
    assert load_param_file(value) is None


def test_non_strings_are_not_param_files() -> None:
    assert load_param_file(b"file://x") is None
    assert load_param_file(True) is None


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(ParamError) as info:
        load_param_file(f"file://{missing}", param_name="cli-input-json")
    assert str(info.value) == (
        f"Error parsing parameter '--cli-input-json': Unable to load paramfile "
        f"file://{missing}: [Errno 2] No such file or directory: '{missing}'"
    )
    assert info.value.exit_code == 252
    with pytest.raises(ParamError) as info:
        load_param_file(f"fileb://{missing}")
    assert str(info.value).startswith(f"Unable to load paramfile fileb://{missing}: [Errno 2]")


def test_binary_content_through_file_prefix(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ParamError) as info:
        load_param_file(f"file://{path}", param_name="--plaintext")
    assert str(info.value) == (
        f"Error parsing parameter '--plaintext': Unable to load paramfile ({path}), text "
        "contents could not be decoded.  If this is a binary file, please use the fileb:// "
        "prefix instead of the file:// prefix."
    )


def test_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ParamError, match=r"Unable to load paramfile file://.*Is a directory"):
        load_param_file(f"file://{tmp_path}")


# -- skeletons --------------------------------------------------------------------------------


def test_input_skeleton_sqs_send_message() -> None:
    skeleton = to_cli_input_skeleton(SQS, "SendMessageRequest")
    assert list(skeleton) == [
        "QueueUrl",
        "MessageBody",
        "DelaySeconds",
        "MessageAttributes",
        "MessageSystemAttributes",
        "MessageDeduplicationId",
        "MessageGroupId",
    ]
    assert skeleton["QueueUrl"] == ""
    assert skeleton["DelaySeconds"] == 0
    assert skeleton["MessageAttributes"] == {
        "KeyName": {
            "StringValue": "",
            "BinaryValue": None,
            "StringListValues": [""],
            "BinaryListValues": [None],
            "DataType": "",
        }
    }


def test_input_skeleton_kms_create_key() -> None:
    skeleton = to_cli_input_skeleton(KMS, "CreateKeyRequest")
    assert skeleton["Tags"] == [{"TagKey": "", "TagValue": ""}]
    assert skeleton["BypassPolicyLockoutSafetyCheck"] is True
    # For an enum the AWS CLI picks a random allowed value; we pick the first.
    usage = KMS["shapes"]["KeyUsageType"]["enum"]
    assert skeleton["KeyUsage"] == usage[0]


def test_input_skeleton_timestamps() -> None:
    assert to_cli_input_skeleton(KMS, "ImportKeyMaterialRequest")["ValidTo"] == (
        "1970-01-01T00:00:00"
    )


def test_output_skeleton_uses_member_names() -> None:
    skeleton = to_output_skeleton(SQS, "ReceiveMessageResult")
    message = skeleton["Messages"][0]
    assert message["MessageId"] == "MessageId"
    assert message["Attributes"] == {"KeyName": ""}
    assert message["MessageAttributes"]["KeyName"]["StringListValues"] == ["String"]
    assert message["MessageAttributes"]["KeyName"]["BinaryValue"] is None
    assert to_output_skeleton(SQS, "ListQueuesResult") == {
        "QueueUrls": ["String"],
        "NextToken": "NextToken",
    }


def test_recursive_structures_stop_on_the_second_visit() -> None:
    model = {
        "shapes": {
            "Node": {
                "type": "structure",
                "members": {"Name": {"shape": "S"}, "Child": {"shape": "Node"}},
            },
            "S": {"type": "string"},
        }
    }
    assert to_cli_input_skeleton(model, "Node") == {"Name": "", "Child": {}}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda o: o.isoformat()))


def _all_operations() -> list[tuple[str, str]]:
    return [(s, op) for s in SERVICES for op in models.load(s)["operations"]]


@pytest.mark.parametrize(("service", "operation"), _all_operations())
def test_skeletons_match_botocore_argument_generator(
    service: str, operation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _botocore()
    import botocore.model  # type: ignore[import-untyped, unused-ignore]
    import botocore.utils  # type: ignore[import-untyped, unused-ignore]

    # botocore picks a random enum value for input skeletons; make it pick the first.
    monkeypatch.setattr(botocore.utils.random, "choice", lambda seq: seq[0])
    model = models.load(service)
    service_model = botocore.model.ServiceModel(model, service_name=service)
    op = service_model.operation_model(operation)
    if op.input_shape is not None:
        expected = botocore.utils.ArgumentGenerator().generate_skeleton(op.input_shape)
        ours = to_cli_input_skeleton(model, model["operations"][operation]["input"]["shape"])
        assert ours == _jsonable(expected)
    if op.output_shape is not None:
        expected = botocore.utils.ArgumentGenerator(use_member_names=True).generate_skeleton(
            op.output_shape
        )
        ours = to_output_skeleton(model, model["operations"][operation]["output"]["shape"])
        assert ours == _jsonable(expected)


# -- errors -----------------------------------------------------------------------------------


def test_param_error() -> None:
    exc = ParamError("Invalid JSON:\nx", param="--tags")
    assert str(exc) == "Error parsing parameter '--tags': Invalid JSON:\nx"
    assert (exc.message, exc.param, exc.exit_code, exc.usage) == (
        "Invalid JSON:\nx",
        "--tags",
        252,
        False,
    )
    assert isinstance(exc, ValueError)
    assert str(ParamError("bare")) == "bare"


# -- properties -------------------------------------------------------------------------------

map_keys = st.text(alphabet=string.ascii_letters + string.digits + "-_.:/", min_size=1, max_size=10)
map_values = st.text(
    alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=20
).filter(lambda s: not s.endswith("\\"))


@settings(max_examples=200)
@given(st.dictionaries(map_keys, map_values, min_size=1, max_size=6))
def test_map_shorthand_and_json_agree(context: dict[str, str]) -> None:
    shorthand = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in context.items()
    )
    as_json = json.dumps(context)
    assert conv(KMS, "Encrypt", "EncryptionContext", shorthand) == context
    assert conv(KMS, "Encrypt", "EncryptionContext", as_json) == context


@settings(max_examples=200)
@given(st.binary(max_size=64))
def test_blob_base64_round_trip(data: bytes) -> None:
    assert conv(KMS, "Encrypt", "Plaintext", base64.b64encode(data).decode()) == data
    assert conv(KMS, "Encrypt", "Plaintext", data) == data


@settings(max_examples=200)
@given(st.lists(st.tuples(map_keys, map_values), min_size=1, max_size=4))
def test_tag_list_shorthand_and_json_agree(pairs: list[tuple[str, str]]) -> None:
    def quoted(v: str) -> str:
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'

    shorthand = [f"Key={quoted(k)},Value={quoted(v)}" for k, v in pairs]
    as_json = [json.dumps([{"Key": k, "Value": v} for k, v in pairs])]
    assert conv(SNS, "TagResource", "Tags", shorthand) == conv(SNS, "TagResource", "Tags", as_json)


def test_module_imports_nothing_heavy() -> None:
    source = Path(argconv.__file__).read_text(encoding="utf-8")
    for heavy in ("botocore", "yaml", "jmespath", "cryptography", "click"):
        assert f"import {heavy}" not in source
