"""The command line as AWS CLI v2 (2.36.7) reads it: abbreviations, --endpoint-url, error wording.

Each test pins what a user of `aws` sees (exit code, stdout, stderr); a few run the same
command through the real AWS CLI v2 at ../shared/tools/aws-v2 and compare, when it is there.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from awslocal_cli.cli.options import USAGE

AWS_V2 = Path(__file__).resolve().parents[2] / ".." / "shared" / "tools" / "aws-v2"
USAGE_TAIL = f"\n\nusage: {USAGE}"


def _key(awslocal, *args):
    result = awslocal("kms", "create-key", *args)
    assert result.exit_code == 0, result
    return result.json["KeyMetadata"]


def _usage_error(message):
    return f"\nawslocal: [ERROR]: An error occurred (ParamValidation): {message}{USAGE_TAIL}"


# -- 1. abbreviations ------------------------------------------------------------------------


def test_a_unique_prefix_names_an_operation_option(awslocal):
    # `--tag-key` for --tag-keys is the example of the AWS CLI's own documentation.
    key = _key(awslocal, "--tags", "TagKey=Purpose,TagValue=Test")["KeyId"]
    result = awslocal("kms", "untag-resource", "--key-id", key, "--tag-key", "Purpose")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert awslocal("kms", "list-resource-tags", "--key-id", key).json["Tags"] == []
    created = awslocal("sqs", "create-queue", "--queue-n", "abbrev", "--query", "QueueUrl",
                       "--output", "text")
    assert created.exit_code == 0, created
    assert created.stdout.endswith("/abbrev\n")


def test_a_prefix_of_a_flag_and_of_its_negation(awslocal):
    assert _key(awslocal, "--multi")["MultiRegion"] is True
    assert _key(awslocal, "--no-multi")["MultiRegion"] is False


def test_a_unique_prefix_names_a_global_option(awslocal):
    result = awslocal("kms", "create-key", "--reg", "eu-west-1", "--out", "text", "--que",
                      "KeyMetadata.Arn")
    assert result.exit_code == 0, result
    assert result.stdout.startswith("arn:aws:kms:eu-west-1:")
    assert awslocal("--reg=eu-west-2", "sts", "get-caller-identity").exit_code == 0


def test_an_ambiguous_prefix_fails_as_argparse_words_it(awslocal):
    result = awslocal("sqs", "list-queues", "--max", "1")
    assert result.exit_code == 252
    assert result.stderr == _usage_error(
        "ambiguous option: --max could match --max-results, --max-items"
    )
    result = awslocal("sqs", "list-queues", "--max=1")
    assert "ambiguous option: --max=1 could match --max-results, --max-items" in result.stderr
    # Among the global options, in the AWS CLI's order.
    result = awslocal("sqs", "list-queues", "--no-cli")
    assert result.exit_code == 252
    assert result.stderr == _usage_error(
        "ambiguous option: --no-cli could match --no-cli-pager, --no-cli-auto-prompt"
    )


def test_endpoint_is_the_global_endpoint_url_for_sns_subscribe(awslocal):
    # SNS Subscribe's Endpoint member is --notification-endpoint; `--endpoint` is a prefix of
    # the global --endpoint-url, which the AWS CLI's main parser reads first.
    result = awslocal("sns", "subscribe", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:t",
                      "--protocol", "sqs", "--endpoint", "X")
    assert (result.exit_code, result.stdout) == (252, "")
    assert result.stderr == (
        '\nawslocal: [ERROR]: An error occurred (ParamValidation): Bad value for --endpoint-url '
        '"X": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/\n'
    )


def test_version_by_prefix(awslocal):
    result = awslocal("kms", "list-keys", "--vers")
    assert result.exit_code == 0
    assert result.stdout.startswith("awslocal-cli/")


def test_local_commands_keep_their_own_options(awslocal):
    # `local outbox --endpoint` is ours; only full global names are global there.
    result = awslocal("local", "outbox", "--endpoint", "me@example.com")
    assert result.exit_code == 0, result


# -- values that look like options -------------------------------------------------------------


def test_a_value_that_looks_like_an_option_is_not_a_value(awslocal):
    url = awslocal("sqs", "create-queue", "--queue-name", "dash").json["QueueUrl"]
    result = awslocal("sqs", "send-message", "--queue-url", url, "--message-body", "-x")
    assert (result.exit_code, result.stdout) == (252, "")
    assert result.stderr == _usage_error("argument --message-body: expected one argument")
    # A negative number and text with a space are values, as argparse reads them.
    for body in ("-5", "-x y"):
        sent = awslocal("sqs", "send-message", "--queue-url", url, "--message-body", body)
        assert sent.exit_code == 0, sent
    received = awslocal("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages",
                        "10", "--query", "Messages[].Body")
    assert sorted(received.json) == ["-5", "-x y"]


def test_required_options_are_reported_before_unknown_ones(awslocal):
    result = awslocal("kms", "describe-key", "--bogus")
    assert result.exit_code == 252
    assert result.stderr == _usage_error("the following arguments are required: --key-id")


def test_unknown_options_print_the_usage_and_a_blank_line(awslocal):
    result = awslocal("kms", "describe-key", "--key-id", "k", "--bogus",
                      "--cli-error-format", "json")
    assert result.exit_code == 252
    assert result.stderr == f"\nusage: {USAGE}\n\nawslocal: [ERROR]: Unknown options: --bogus\n"


# -- 2. --endpoint-url -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("", 252, 'An error occurred (ParamValidation): Bad value for --endpoint-url "": scheme '
                  "is missing.  Must be of the form http://<hostname>/ or https://<hostname>/"),
        ("localhost:4566", 255, "Invalid endpoint: localhost:4566"),
        ("http://", 255, "Invalid endpoint: http://"),
        ("http://a_b", 255, "Invalid endpoint: http://a_b"),
        ("ftp://localhost", 255,
         "An HTTP Client raised an unhandled exception: Not supported URL scheme ftp"),
    ],
)
def test_a_bad_endpoint_url_fails_as_v2(awslocal, url, code, message):
    result = awslocal("--endpoint-url", url, "sqs", "list-queues")
    assert (result.exit_code, result.stdout) == (code, "")
    assert result.stderr == f"\nawslocal: [ERROR]: {message}\n"


@pytest.mark.parametrize("url", ["http://localhost:4566", "https://sqs.us-east-1.amazonaws.com/",
                                 "http://127.0.0.1:5000", "http://[::1]:4566"])
def test_a_valid_endpoint_url_is_accepted_and_ignored(awslocal, url):
    result = awslocal("--endpoint-url", url, "sqs", "create-queue", "--queue-name", "e")
    assert result.exit_code == 0, result
    assert "amazonaws.com" in result.json["QueueUrl"] or "localhost" in result.json["QueueUrl"]


def test_a_skeleton_makes_no_client_so_the_host_is_not_checked(awslocal):
    result = awslocal("--endpoint-url", "http://", "sqs", "list-queues",
                      "--generate-cli-skeleton")
    assert result.exit_code == 0, result


# -- 5. errors and exit codes --------------------------------------------------------------------


@pytest.mark.parametrize("error_format", ["enhanced", "json", "legacy"])
def test_value_errors_exit_255_with_the_bare_message(awslocal, error_format):
    result = awslocal("kms", "encrypt", "--key-id", "k", "--plaintext", "abc",
                      "--cli-error-format", error_format)
    assert result.exit_code == 255
    assert result.stderr == '\nawslocal: [ERROR]: Invalid base64: "abc"\n'
    result = awslocal("sqs", "send-message", "--queue-url", "q", "--message-body", "x",
                      "--delay-seconds", "x", "--cli-error-format", error_format)
    assert result.exit_code == 255
    assert result.stderr == "\nawslocal: [ERROR]: invalid literal for int() with base 10: 'x'\n"


def test_paging_integers_are_argparse_ints(awslocal):
    result = awslocal("kms", "list-keys", "--page-size", "x")
    assert result.exit_code == 252
    assert result.stderr == _usage_error("argument --page-size: invalid int value: 'x'")
    result = awslocal("kms", "list-keys", "--max-items", "1.5")
    assert "argument --max-items: invalid int value: '1.5'" in result.stderr


def test_page_size_under_the_limit_minimum_is_refused_by_the_cli(awslocal):
    result = awslocal("kms", "list-keys", "--page-size", "0")
    assert (result.exit_code, result.stdout) == (252, "")
    assert result.stderr == (
        "\nawslocal: [ERROR]: An error occurred (ParamValidation): Parameter validation failed:\n"
        "Invalid value for parameter Limit, value: 0, valid min value: 1\n"
    )


def test_an_empty_blob_goes_to_the_service(awslocal, tmp_path):
    key = _key(awslocal)["KeyId"]
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    result = awslocal("kms", "encrypt", "--key-id", key, "--plaintext", f"fileb://{empty}")
    assert result.exit_code == 254
    assert "(ValidationException) when calling the Encrypt operation" in result.stderr
    assert "length greater than or equal to 1" in result.stderr


def test_the_type_error_prints_the_value_as_botocore_does(awslocal):
    result = awslocal("sqs", "send-message", "--cli-input-json",
                      '{"QueueUrl": "q", "MessageBody": "x", "DelaySeconds": "5"}')
    assert result.exit_code == 252
    assert result.stderr.endswith(
        "Invalid type for parameter DelaySeconds, value: 5, type: <class 'str'>, "
        "valid types: <class 'int'>\n"
    )
    result = awslocal("kms", "encrypt", "--cli-input-json", '{"KeyId": "k", "Plaintext": 5}')
    assert result.stderr.endswith(
        "Invalid type for parameter Plaintext, value: 5, type: <class 'int'>, "
        "valid types: <class 'bytes'>, <class 'bytearray'>, file-like object\n"
    )


def test_only_one_cli_input(awslocal):
    result = awslocal("sqs", "list-queues", "--cli-input-json", "{}", "--cli-input-yaml", "{}")
    assert (result.exit_code, result.stdout) == (252, "")
    assert result.stderr == (
        "\nawslocal: [ERROR]: An error occurred (ParamValidation): Only one --cli-input- "
        "parameter may be specified.\n"
    )


def test_output_skeleton_enforces_required_options_and_output(awslocal):
    result = awslocal("sqs", "get-queue-url", "--generate-cli-skeleton", "output")
    assert result.exit_code == 252
    assert result.stderr == _usage_error("the following arguments are required: --queue-name")
    result = awslocal("sqs", "get-queue-url", "--generate-cli-skeleton", "output",
                      "--queue-name", "x", "--output", "text")
    assert (result.exit_code, result.stdout) == (0, "QueueUrl\n")


def test_max_items_not_positive_warns(awslocal):
    awslocal("sqs", "create-queue", "--queue-name", "w")
    result = awslocal("sqs", "list-queues", "--max-items", "0")
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: Non-positive values for --max-items may result in undefined behavior.\n"
    )


# -- against the AWS CLI v2 itself ---------------------------------------------------------------

V2_SAME = [
    ["sqs", "list-queues", "--max", "0"],
    ["sqs", "list-queues", "--cli-input"],
    ["kms", "describe-key", "--bogus"],
    ["sqs", "send-message", "--queue-url", "q", "--message-body", "-x"],
    ["sns", "subscribe", "--topic-arn", "a", "--protocol", "sqs", "--endpoint", "X"],
    ["--endpoint-url", "http://", "sqs", "list-queues"],
    ["kms", "encrypt", "--key-id", "k", "--plaintext", "abc"],
    ["kms", "list-keys", "--page-size", "x"],
    ["sqs", "list-queues", "--cli-input-json", "{}", "--cli-input-yaml", "{}"],
    ["sqs", "get-queue-url", "--generate-cli-skeleton", "output", "--queue-name", "x",
     "--output", "table"],
]


@pytest.mark.needs_aws_v2
@pytest.mark.parametrize("args", V2_SAME, ids=" ".join)
def test_same_as_the_aws_cli_v2(awslocal, args, tmp_path):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    # Nothing here reaches a network: each fails (or answers) before a request is sent.
    v2 = subprocess.run([str(AWS_V2), *args], capture_output=True, text=True, env=env,
                        timeout=120)
    ours = awslocal(*args)
    expected = v2.stderr.replace("aws: [ERROR]", "awslocal: [ERROR]").replace(
        "usage: aws ", "usage: awslocal ").replace("  aws ", "  awslocal ")
    assert (ours.exit_code, ours.stdout, ours.stderr) == (v2.returncode, v2.stdout, expected)


# -- 3. paginated text and yaml-stream ---------------------------------------------------------


def _queues(awslocal, *names):
    return [awslocal("sqs", "create-queue", "--queue-name", n).json["QueueUrl"] for n in names]


def test_text_prints_the_resume_token_as_a_last_line(awslocal):
    q1, q2, _ = _queues(awslocal, "p1", "p2", "p3")
    result = awslocal("sqs", "list-queues", "--max-items", "2", "--output", "text")
    assert result.exit_code == 0, result
    token = "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ=="
    assert result.stdout == f"QUEUEURLS\t{q1}\nQUEUEURLS\t{q2}\nNEXTTOKEN\t{token}\n"
    rest = awslocal("sqs", "list-queues", "--starting-token", token, "--output", "text")
    assert rest.stdout.count("QUEUEURLS\t") == 1


def test_text_applies_the_query_to_each_page_and_to_the_token(awslocal):
    q1, q2, _ = _queues(awslocal, "p1", "p2", "p3")
    token = "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ=="
    result = awslocal("sqs", "list-queues", "--max-items", "2", "--output", "text",
                      "--query", "NextToken")
    assert result.stdout == f"None\n{token}\n"
    result = awslocal("sqs", "list-queues", "--max-items", "2", "--output", "text",
                      "--query", "QueueUrls")
    assert result.stdout == f"{q1}\t{q2}\nNone\n"


def test_an_empty_paginated_result_prints_none_in_text(awslocal):
    result = awslocal("sqs", "list-queues", "--queue-name-prefix", "zz", "--output", "text")
    assert (result.exit_code, result.stdout) == (0, "None\n")
    assert awslocal("sqs", "list-queues", "--queue-name-prefix", "zz").stdout == ""


def test_text_and_yaml_stream_print_page_by_page(awslocal):
    keys = [_key(awslocal)["KeyId"] for _ in range(3)]
    text = awslocal("kms", "list-keys", "--page-size", "2", "--output", "text",
                    "--query", "Keys[].KeyId")
    # One line per page; the query runs on each page.
    assert [len(line.split("\t")) for line in text.stdout.splitlines()] == [2, 1]
    assert sorted(text.stdout.split()) == sorted(keys)
    stream = awslocal("kms", "list-keys", "--page-size", "2", "--output", "yaml-stream")
    pages = yaml.safe_load(stream.stdout)
    # Each whole page, the service's paging members included.
    assert [len(p["Keys"]) for p in pages] == [2, 1]
    assert [p["Truncated"] for p in pages] == [True, False]
    assert "NextMarker" in pages[0]
    # json merges the pages.
    merged = awslocal("kms", "list-keys", "--page-size", "2").json
    assert sorted(k["KeyId"] for k in merged["Keys"]) == sorted(keys)
    assert set(merged) == {"Keys"}


# -- structured errors -------------------------------------------------------------------------


def test_structured_service_errors_are_keyed_as_v2_parses_them(awslocal):
    # JSON protocols (KMS, SQS): Message before Code, then the error shape's own `message`.
    result = awslocal("kms", "describe-key", "--key-id", "nope", "--cli-error-format", "json")
    assert result.exit_code == 254
    body = json.loads(result.stderr)
    assert list(body) == ["Message", "Code", "message"]
    assert body["Code"] == "NotFoundException" and body["message"] == body["Message"]
    # SQS's query-compatible code names no shape: no modeled `message`.
    result = awslocal("sqs", "get-queue-url", "--queue-name", "nope", "--cli-error-format", "json")
    assert result.stderr == (
        '{\n    "Message": "The specified queue does not exist.",\n'
        '    "Code": "AWS.SimpleQueueService.NonExistentQueue"\n}\n'
    )
    # The query protocol (SNS): Code before Message, and no modeled `message`: the error's XML
    # names `Message` only (the AWS CLI v2 against awslocal serve prints the same).
    result = awslocal("sns", "get-topic-attributes", "--topic-arn",
                      "arn:aws:sns:us-east-1:123456789012:nope", "--cli-error-format", "json")
    assert result.stderr == (
        '{\n    "Code": "NotFound",\n    "Message": "Topic does not exist"\n}\n'
    )
    # The enhanced format leaves the duplicate out.
    result = awslocal("kms", "describe-key", "--key-id", "nope")
    assert "Additional error details" not in result.stderr


def test_cli_input_blobs_and_timestamps_fail_as_v2(awslocal):
    result = awslocal("kms", "encrypt", "--cli-input-json", '{"KeyId": "k", "Plaintext": "abc"}')
    assert result.exit_code == 255
    assert result.stderr == '\nawslocal: [ERROR]: Invalid base64: "abc"\n'
    result = awslocal("cloudtrail", "lookup-events", "--start-time", "notatime")
    assert result.exit_code == 252
    assert result.stderr.endswith(
        "Invalid type for parameter StartTime, value: notatime, type: <class 'str'>, "
        "valid types: <class 'datetime.datetime'>, timestamp-string\n"
    )


# -- yaml-input skeletons --------------------------------------------------------------------------


def test_yaml_input_skeleton_carries_comments_and_binary_placeholders(awslocal):
    result = awslocal("kms", "tag-resource", "--generate-cli-skeleton", "yaml-input")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "KeyId: ''  # [REQUIRED] Identifies a customer managed key in the account and Region.\n"
        "Tags: # [REQUIRED] One or more tags.\n"
        "- TagKey: ''  # [REQUIRED] The key of the tag.\n"
        "  TagValue: '' # [REQUIRED] The value of the tag.\n"
    )
    result = awslocal("kms", "encrypt", "--generate-cli-skeleton", "yaml-input")
    assert result.stdout.startswith(
        "KeyId: ''  # [REQUIRED] Identifies the KMS key to use in the encryption operation.\n"
        "Plaintext: !!binary '' # [REQUIRED] Data to be encrypted.\n"
    )
    assert "EncryptionAlgorithm: SYMMETRIC_DEFAULT # Specifies the encryption algorithm that " \
        "KMS will use to encrypt the plaintext message. Valid values are: SYMMETRIC_DEFAULT, " \
        in result.stdout
    # It reads back as the request it describes (a blob is bytes).
    assert yaml.safe_load(result.stdout)["Plaintext"] == b""


@pytest.mark.needs_aws_v2
@pytest.mark.parametrize("args", [["sqs", "send-message"], ["sns", "publish-batch"],
                                  ["cloudtrail", "lookup-events"], ["kms", "create-alias"]],
                         ids=" ".join)
def test_yaml_input_skeleton_is_the_aws_cli_v2s(awslocal, args):
    v2 = subprocess.run([str(AWS_V2), *args, "--generate-cli-skeleton", "yaml-input"],
                        capture_output=True, text=True, timeout=120)
    ours = awslocal(*args, "--generate-cli-skeleton", "yaml-input")
    assert (ours.exit_code, ours.stdout) == (v2.returncode, v2.stdout)


def test_a_foreign_starting_token_goes_to_the_service(awslocal):
    result = awslocal("kms", "list-keys", "--starting-token", "abc")
    assert result.exit_code == 254
    assert "(InvalidMarkerException) when calling the ListKeys operation" in result.stderr
    result = awslocal("kms", "list-keys", "--starting-token", "a___b___c")
    assert (result.exit_code, result.stderr) == (
        255, "\nawslocal: [ERROR]: Bad starting token: a___b___c\n")


def test_double_dash_ends_the_options(awslocal):
    result = awslocal("kms", "list-keys", "--", "--region", "x")
    assert result.exit_code == 252
    assert result.stderr.endswith("\nawslocal: [ERROR]: Unknown options: --region, x\n")


def test_timeouts_are_integers_checked_when_the_client_is_made(awslocal):
    result = awslocal("--cli-read-timeout", "x", "kms", "list-keys")
    assert (result.exit_code, result.stderr) == (
        255, "\nawslocal: [ERROR]: invalid literal for int() with base 10: 'x'\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cli-input-json", "[1]"], "Error parsing parameter '--cli-input-json': Invalid type: "
         "expecting map, received <class 'list'>"),
        (["--cli-input-json", "{bad"],
         "Error parsing parameter 'cli-input-json': Invalid JSON received."),
        (["--cli-input-yaml", "[a"],
         "Error parsing parameter 'cli-input-yaml': Invalid YAML received."),
        (["--cli-input-json", "file:///nonexistent"],
         "Error parsing parameter '--cli-input-json': Unable to load paramfile "
         "file:///nonexistent: [Errno 2] No such file or directory: '/nonexistent'"),
    ],
)
def test_cli_input_errors_are_worded_as_v2(awslocal, args, message):
    result = awslocal("sqs", "list-queues", *args)
    assert result.exit_code == 252
    assert result.stderr == f"\nawslocal: [ERROR]: An error occurred (ParamValidation): {message}\n"
