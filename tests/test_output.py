"""The output layer against what AWS CLI v2 prints (awscli/formatter.py, text.py, table.py).

Every SAMPLES entry is rendered in each format and compared with tests/golden/output/
<sample>.<format>.txt. The goldens were checked against the v2 branch's own formatters fed the
same (normalised) response. Regenerate them with `python tools/regen_golden.py` and review the
diff; the test itself only compares.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from awslocal_cli import output
from awslocal_cli.output import QueryError, dumps_json, normalise, render

GOLDEN = Path(__file__).parent / "golden" / "output"
FORMATS = ("json", "text", "table", "yaml", "yaml-stream")

ACCOUNT = "123456789012"
KEY_1 = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_2 = "0987dcba-09fe-87dc-65ba-ab0987654321"
KEY_3 = "mrk-1234abcd12ab34cd56ef1234567890ab"
CREATED = datetime.datetime(2026, 11, 23, 6, 1, 52, 123000, tzinfo=datetime.timezone.utc)
QUEUE_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders"


def key_arn(key_id: str, region: str = "us-east-1") -> str:
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"


GET_CALLER_IDENTITY = {
    "UserId": "AIDASAMPLEUSERID",
    "Account": ACCOUNT,
    "Arn": f"arn:aws:iam::{ACCOUNT}:user/default",
}
LIST_KEYS = {
    "Keys": [{"KeyId": k, "KeyArn": key_arn(k)} for k in (KEY_1, KEY_2, KEY_3)],
    "Truncated": False,
}
DESCRIBE_KEY = {
    "KeyMetadata": {
        "AWSAccountId": ACCOUNT,
        "KeyId": KEY_3,
        "Arn": key_arn(KEY_3),
        "CreationDate": CREATED,
        "Enabled": True,
        "Description": "orders queue key",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": True,
        "MultiRegionConfiguration": {
            "MultiRegionKeyType": "PRIMARY",
            "PrimaryKey": {"Arn": key_arn(KEY_3), "Region": "us-east-1"},
            "ReplicaKeys": [
                {"Arn": key_arn(KEY_3, "eu-west-1"), "Region": "eu-west-1"},
                {"Arn": key_arn(KEY_3, "ap-northeast-1"), "Region": "ap-northeast-1"},
            ],
        },
    }
}
DESCRIBE_ASYMMETRIC_KEY = {
    "KeyMetadata": {
        "KeyId": KEY_2,
        "Enabled": False,
        "KeyState": "PendingDeletion",
        "DeletionDate": CREATED + datetime.timedelta(days=7),
        "KeyUsage": "SIGN_VERIFY",
        "KeySpec": "ECC_NIST_P256",
        "SigningAlgorithms": ["ECDSA_SHA_256"],
        "PendingDeletionWindowInDays": 7,
    }
}
RECEIVE_MESSAGE = {
    "Messages": [
        {
            "MessageId": "5fea7756-0ea4-451a-a703-a558b933e274",
            "ReceiptHandle": "AQEBaZ+j5qUoOAoxlmrCQPkBm9njMWXqemmIG6shMHCO",
            "MD5OfBody": "fafb00f5732ab283681e124bf8747ed1",
            "Body": "order 1 shipped",
            "Attributes": {
                "SenderId": "AIDASAMPLEUSERID",
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1795413712123",
                "ApproximateFirstReceiveTimestamp": "1795413712456",
            },
            "MD5OfMessageAttributes": "9ae6e4b1e3c2d9a0b0c1d2e3f4a5b6c7",
            "MessageAttributes": {
                "Priority": {"StringValue": "high", "DataType": "String"},
                "Checksum": {"BinaryValue": b"\x00\x01\x02\xff", "DataType": "Binary"},
            },
        },
        {
            "MessageId": "a2b9c9a1-3f6e-4c1e-9d7b-2c8e4f1a0b3d",
            "ReceiptHandle": "AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq2ROs8Fld3i",
            "MD5OfBody": "0d1c5a2f3e4b5c6d7e8f9a0b1c2d3e4f",
            "Body": "Größe: 日本語",
            "Attributes": {"SenderId": "AIDASAMPLEUSERID", "ApproximateReceiveCount": "3"},
        },
    ]
}
ENCRYPT = {
    "CiphertextBlob": bytes(range(48)),
    "KeyId": key_arn(KEY_1),
    "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
}
LIST_QUEUE_TAGS = {"Tags": {"Owner": "Zoë", "Team": "データ基盤", "CostCenter": "42"}}
LIST_ALIASES = {
    "Aliases": [
        {
            "AliasName": "alias/aws/sqs",
            "AliasArn": f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/sqs",
            "TargetKeyId": KEY_2,
        },
        {
            "AliasName": "alias/orders",
            "AliasArn": f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/orders",
            "TargetKeyId": KEY_1,
            "CreationDate": CREATED,
        },
    ],
    "Truncated": False,
}

# name -> (response, operation name, query)
SAMPLES: dict[str, tuple[dict[str, Any], str, str | None]] = {
    # text: scalars on one line in sorted key order; table: three headers, one row
    "get_caller_identity": (GET_CALLER_IDENTITY, "GetCallerIdentity", None),
    # table: the lone scalar member as a "key | value" row; list of dicts under sorted headers;
    # wider than 80 columns, but only single-row sections turn vertical
    "list_keys": (LIST_KEYS, "ListKeys", None),
    # nested sections one level deeper each; datetime -> isoformat(); bools True / true;
    # text: identifiers upper-cased, list of scalars as "IDENTIFIER\tvalue"; yaml sorts keys
    "describe_key": (DESCRIBE_KEY, "DescribeKey", None),
    "describe_key_pending_deletion": (DESCRIBE_ASYMMETRIC_KEY, "DescribeKey", None),
    # maps of structures as nested sections; a dict list element lacking a scalar key gets ""
    # (text and table); bytes -> base64; non-ASCII kept and measured in display columns
    "receive_message": (RECEIVE_MESSAGE, "ReceiveMessage", None),
    # a blob is base64 text in every format
    "encrypt": (ENCRYPT, "Encrypt", None),
    # East Asian wide characters count two columns in table cells
    "list_queue_tags_unicode": (LIST_QUEUE_TAGS, "ListQueueTags", None),
    # list of dicts with a key only some elements have
    "list_aliases": (LIST_ALIASES, "ListAliases", None),
    # an operation without output prints nothing in any format
    "empty": ({}, "DeleteQueue", None),
    # scalar query results: json/yaml quote them, text prints them bare, yaml-stream as "- x",
    # table shows only the title box
    "query_key_id": (LIST_KEYS, "ListKeys", "Keys[0].KeyId"),
    "query_bodies": (RECEIVE_MESSAGE, "ReceiveMessage", "Messages[].Body"),
    "query_account": (GET_CALLER_IDENTITY, "GetCallerIdentity", "Account"),
    # text: each inner list on its own tab-separated line; table: one row per inner list
    "query_list_of_lists": (LIST_KEYS, "ListKeys", "Keys[].[KeyId, KeyArn]"),
    "query_projection": (
        RECEIVE_MESSAGE,
        "ReceiveMessage",
        "Messages[].{Id: MessageId, Count: Attributes.ApproximateReceiveCount}",
    ),
    # timestamps are strings before the query runs, so string comparison filters by date
    "query_date_filter": (
        LIST_ALIASES,
        "ListAliases",
        "Aliases[?CreationDate > '2026-01-01'].AliasName",
    ),
    # null: json "null", text "None", yaml "null", yaml-stream "- null", table nothing
    "query_null": (LIST_KEYS, "ListKeys", "NoSuchMember"),
    # []: json/yaml "[]", text and table nothing
    "query_empty_list": (LIST_KEYS, "ListKeys", "Keys[?KeyId == 'none']"),
    "query_false": (LIST_KEYS, "ListKeys", "Truncated"),
    "query_blob": (ENCRYPT, "Encrypt", "CiphertextBlob"),
}


@pytest.fixture(autouse=True)
def terminal_80(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI sizes tables to the terminal on stdout, or 80 columns when it is not one; pin 80
    # so that `pytest -s` in a wide terminal gives the same tables.
    monkeypatch.setattr(output, "_terminal_width", lambda: 80)


def rendered(response: Any, fmt: str, **kwargs: Any) -> str:
    stream = io.StringIO()
    render(response, output=fmt, stream=stream, **kwargs)
    return stream.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_golden(sample: str, fmt: str) -> None:
    assert golden_text(sample, fmt) == golden_path(sample, fmt).read_bytes().decode("utf-8")


def golden_path(sample: str, fmt: str) -> Path:
    return GOLDEN / f"{sample}.{fmt}.txt"


def golden_text(sample: str, fmt: str) -> str:
    """What the golden file of `sample` in `fmt` must hold (tools/regen_golden.py writes it)."""
    response, operation, query = SAMPLES[sample]
    return rendered(response, fmt, query=query, operation_name=operation, color="off")


# -- json ---------------------------------------------------------------------------------------


def test_json_keeps_member_order_indent_4_and_unicode() -> None:
    # formatter.JSONFormatter: json.dump(indent=4, ensure_ascii=False) + "\n"; no key sorting.
    assert rendered({"B": "ü", "A": [1, {"C": None}]}, "json") == (
        '{\n    "B": "ü",\n    "A": [\n        1,\n        {\n            "C": null\n'
        "        }\n    ]\n}\n"
    )


def test_json_scalar_query_result_is_a_json_string() -> None:
    assert rendered(GET_CALLER_IDENTITY, "json", query="Account") == '"123456789012"\n'


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nope", "null\n"),  # only {} is suppressed ...
        ("Keys[?KeyId == 'x']", "[]\n"),  # ... other falsy values print
        ('`""`', '""\n'),
        ("`{}`", ""),  # a query giving {} prints nothing, like an operation without output
    ],
)
def test_json_empty_results(query: str, expected: str) -> None:
    assert rendered(LIST_KEYS, "json", query=query) == expected


def test_dumps_json_normalises_and_has_no_trailing_newline() -> None:
    assert dumps_json({"Blob": b"hi", "When": CREATED}) == (
        '{\n    "Blob": "aGk=",\n    "When": "2026-11-23T06:01:52.123000+00:00"\n}'
    )


# -- normalise and query -------------------------------------------------------------------------


def test_normalise_blobs_and_timestamps_recursively() -> None:
    local = datetime.timezone(datetime.timedelta(hours=-8))
    value = {"A": [b"\x00\xff", {"T": CREATED.astimezone(local)}], "B": (1, True, None)}
    assert normalise(value) == {
        "A": ["AP8=", {"T": "2026-11-22T22:01:52.123000-08:00"}],  # the tz is kept as given
        "B": [1, True, None],
    }


def test_query_sees_normalised_values() -> None:
    # Timestamps and blobs are strings by the time JMESPath runs, as in the CLI.
    assert rendered(ENCRYPT, "text", query="length(CiphertextBlob)") == "64\n"
    assert rendered(DESCRIBE_KEY, "text", query="KeyMetadata.CreationDate") == (
        "2026-11-23T06:01:52.123000+00:00\n"
    )


def test_render_does_not_mutate_the_response() -> None:
    response = {"Blob": b"x", "ResponseMetadata": {"RequestId": "r"}}
    assert rendered(response, "json") == '{\n    "Blob": "eA=="\n}\n'  # metadata dropped
    assert response == {"Blob": b"x", "ResponseMetadata": {"RequestId": "r"}}


def test_bad_query_message_is_the_cli_wording() -> None:
    with pytest.raises(QueryError) as info:
        rendered(LIST_KEYS, "json", query="Keys[")
    # customizations/globalargs.py: "Bad value for --query %s: %s" % (value, jmespath error)
    assert str(info.value) == (
        "Bad value for --query Keys[: Invalid jmespath expression: Incomplete expression:\n"
        '"Keys["\n      ^'
    )
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("fmt", [*FORMATS, "off"])
def test_bad_query_fails_in_every_format(fmt: str) -> None:
    # The CLI compiles --query while parsing arguments, whatever the output format.
    with pytest.raises(QueryError, match="Bad value for --query "):
        rendered(LIST_KEYS, fmt, query="")


def test_compile_query_reusable() -> None:
    expression = output.compile_query("Keys[].KeyId")
    assert expression.search(LIST_KEYS) == [KEY_1, KEY_2, KEY_3]


# -- text -----------------------------------------------------------------------------------------


def test_text_scalars_of_a_dict_in_sorted_key_order() -> None:
    # text._partition_dict sorts keys: Account, Arn, UserId.
    assert rendered(GET_CALLER_IDENTITY, "text") == (
        f"{ACCOUNT}\tarn:aws:iam::{ACCOUNT}:user/default\tAIDASAMPLEUSERID\n"
    )


def test_text_none_and_booleans_are_python_str() -> None:
    assert rendered({"A": None, "B": True, "C": False}, "text") == "None\tTrue\tFalse\n"
    assert rendered(LIST_KEYS, "text", query="Nope") == "None\n"


def test_text_list_of_dicts_uses_union_of_scalar_keys() -> None:
    response = {"Items": [{"A": "1", "B": "2"}, {"B": "3", "C": "4", "D": ["x"]}]}
    assert rendered(response, "text") == "ITEMS\t1\t2\t\nITEMS\t\t3\t4\nD\tx\n"


def test_text_list_mixing_scalars_and_lists() -> None:
    # text._format_list: scalars first on one line, then each inner list.
    assert rendered({}, "text", query='`[1, [2, 3], "x", [4]]`') == "1\tx\n2\t3\n4\n"


# -- table ----------------------------------------------------------------------------------------


def test_table_scalar_prints_only_the_title_box() -> None:
    # TableFormatter._build_table opens a section for a scalar but adds no row to it.
    assert rendered(
        GET_CALLER_IDENTITY,
        "table",
        query="Account",
        operation_name="GetCallerIdentity",
        color="off",
    ) == (
        "-------------------\n"
        "|GetCallerIdentity|\n"  # width = title + 2 borders; centring starts at column 0
        "+-----------------+\n"
    )


def test_table_wide_terminal_keeps_the_horizontal_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    narrow = rendered(DESCRIBE_KEY, "table", operation_name="DescribeKey", color="off")
    monkeypatch.setattr(output, "_terminal_width", lambda: 400)
    wide = rendered(DESCRIBE_KEY, "table", operation_name="DescribeKey", color="off")
    assert max(map(len, narrow.splitlines())) <= 120 < max(map(len, wide.splitlines()))
    assert "|  AWSAccountId  |" not in wide and "|  AWSAccountId " in narrow


def test_table_color_on_styles_cells_and_indentation() -> None:
    # table.ColorizedStyler: cells bright blue, indentation bars dim yellow, titles plain.
    text = rendered({"A": {"B": "x"}}, "table", operation_name="Op", color="on")
    bar = "\x1b[2m\x1b[33m|\x1b[0m"
    assert text == (
        "--------------\n"
        "|     Op     |\n"
        "+------------+\n"
        f"{bar}|     A    |{bar}\n"
        f"{bar}+----+-----+{bar}\n"
        f"{bar}|  \x1b[1m\x1b[34mB\x1b[0m |  \x1b[1m\x1b[34mx\x1b[0m  |{bar}\n"
        f"{bar}+----+-----+{bar}\n"
    )


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_color_auto_follows_the_stream() -> None:
    plain = io.StringIO()
    render(LIST_KEYS, output="table", operation_name="ListKeys", stream=plain)
    assert "\x1b[" not in plain.getvalue()
    tty = FakeTty()
    render(LIST_KEYS, output="table", operation_name="ListKeys", stream=tty)
    assert "\x1b[1m\x1b[34m" in tty.getvalue()
    assert re.sub("\x1b\\[[0-9]+m", "", tty.getvalue()) == plain.getvalue()


def test_table_rejects_unknown_color() -> None:
    with pytest.raises(ValueError, match="Unknown color option: blue"):
        rendered(LIST_KEYS, "table", color="blue")


def test_table_rows_of_unequal_length_fail_like_the_cli() -> None:
    with pytest.raises(ValueError, match="Row should have 2 elements, instead it has 1"):
        rendered({}, "table", query="`[[1, 2], [3]]`", operation_name="Op")


# -- yaml -----------------------------------------------------------------------------------------


def test_yaml_quotes_only_what_yaml_1_2_would_misread() -> None:
    # ruamel.yaml (YAML 1.2 core schema): "yes"/"on" are strings, "true"/"0123"/dates are not.
    response = {"A": "yes", "B": "true", "C": "0123", "D": "2026-11-23", "E": "on", "F": "1:30"}
    assert rendered(response, "yaml") == (
        "A: yes\nB: 'true'\nC: '0123'\nD: '2026-11-23'\nE: on\nF: 1:30\n"
    )


def test_yaml_scalars_are_written_as_json() -> None:
    # formatter.YAMLDumper writes top-level scalars with json.dump, avoiding "...".
    assert rendered(LIST_KEYS, "yaml", query="Keys[0].KeyId") == f'"{KEY_1}"\n'
    assert rendered(LIST_KEYS, "yaml", query="Truncated") == "false\n"
    assert rendered(LIST_KEYS, "yaml-stream", query="Keys[0].KeyId") == f"- {KEY_1}\n"


def test_yaml_floats_as_yaml_1_2() -> None:
    assert rendered({"A": 1e20, "B": 0.5, "C": float("inf")}, "yaml") == (
        "A: 1e+20\nB: 0.5\nC: .inf\n"
    )


# -- off, defaults, imports ------------------------------------------------------------------------


@pytest.mark.parametrize("response", [LIST_KEYS, {}, None])
def test_off_prints_nothing(response: Any) -> None:
    assert rendered(response, "off", query="Keys") == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_none_response_is_an_empty_response(fmt: str) -> None:
    assert rendered(None, fmt, operation_name="DeleteQueue") == ""


def test_default_is_json_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    render(GET_CALLER_IDENTITY)
    assert capsys.readouterr().out.startswith('{\n    "UserId": "AIDASAMPLEUSERID",\n')


def test_unknown_output_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown output type: xml"):
        rendered(LIST_KEYS, "xml")


def test_import_is_cheap() -> None:
    # The architecture's budget: jmespath, yaml and tabulate only when a format needs them.
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import awslocal_cli.output\n"
        "heavy = {'jmespath', 'yaml', 'tabulate', 'shutil', 'unicodedata'}\n"
        "loaded = heavy & (set(sys.modules) - before)\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


# -- the json-free encoder ----------------------------------------------------------------------

from hypothesis import given as _given  # noqa: E402
from hypothesis import strategies as _st  # noqa: E402

_json_values = _st.recursive(
    _st.none() | _st.booleans() | _st.integers() | _st.floats() | _st.text(),
    lambda children: _st.lists(children, max_size=4)
    | _st.dictionaries(_st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@_given(_json_values)
def test_dumps_json_matches_the_json_module(value):
    import json as _json

    from awslocal_cli.output import dumps_json as _dumps_json

    assert _dumps_json(value) == _json.dumps(value, indent=4, ensure_ascii=False)


def test_timestamps_print_to_the_millisecond_as_the_aws_cli_receives_them():
    # AWS's wire carries milliseconds, so the AWS CLI prints .mmm000 (seen against
    # `awslocal serve` in tests/serve/test_aws_cli_v2.py); a stored microsecond is not shown.
    from datetime import datetime, timezone

    from awslocal_cli.output import normalise

    value = datetime(2026, 12, 1, 22, 54, 47, 499792, tzinfo=timezone.utc)
    assert normalise({"T": value}) == {"T": "2026-12-01T22:54:47.499000+00:00"}
    assert normalise(value.replace(microsecond=0)) == "2026-12-01T22:54:47+00:00"


def test_text_output_of_a_paginated_response_goes_page_by_page():
    # formatter.TextFormatter: each page on its own with --query applied to it, then the
    # NextToken --max-items left; a page without the result key prints None.
    import io

    from awslocal_cli.output import render, render_pages

    pages = [{"Keys": [{"KeyId": "a"}], "Truncated": True}, {"Keys": [{"KeyId": "b"}]}, {}]
    merged = {"Keys": [{"KeyId": "a"}, {"KeyId": "b"}], "NextToken": "tok"}
    out = io.StringIO()
    render_pages(pages, ["Keys"], "tok", output="text", query="Keys[].KeyId", stream=out)
    assert out.getvalue() == "a\nb\nNone\nNone\n"
    out = io.StringIO()
    render_pages(pages, ["Keys"], "tok", output="text", stream=out)
    assert out.getvalue() == "KEYS\ta\nKEYS\tb\nNone\nNEXTTOKEN\ttok\n"
    out = io.StringIO()  # yaml-stream: each whole page, as a document of its own
    render_pages(pages, ["Keys"], "tok", output="yaml-stream", stream=out)
    assert out.getvalue() == (
        "- Keys:\n  - KeyId: a\n  Truncated: true\n- Keys:\n  - KeyId: b\n- {}\n")
    out = io.StringIO()
    render(merged, output="text", query="Keys[].KeyId", stream=out)  # not paginated
    assert out.getvalue() == "a\tb\n"
