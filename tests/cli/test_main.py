"""The command line's conventions: global options, help, usage errors and exit codes."""

from __future__ import annotations

import json
import os
import stat

import pytest

from awslocal_cli import model
from awslocal_cli.cli.options import SERVICES, USAGE, split_globals
from awslocal_cli.errors import UsageError

IDENTITY_ARN = "arn:aws:iam::123456789012:user/default"


def test_the_commands_are_the_modelled_services(awslocal):
    assert SERVICES == model.SERVICES
    result = awslocal("help")
    assert result.exit_code == 0, result
    commands = result.stdout.split("\nAVAILABLE SERVICES\n")[1].split("\nEXAMPLES\n")[0]
    listed = [line.split()[1].rstrip(":") for line in commands.splitlines() if line.split()]
    assert listed == [*SERVICES, "local", "serve"]


def test_get_caller_identity_json(awslocal):
    result = awslocal("sts", "get-caller-identity")
    assert result.exit_code == 0, result
    body = result.json
    assert list(body) == ["UserId", "Account", "Arn"]
    assert body["Account"] == "123456789012"
    assert body["Arn"] == IDENTITY_ARN
    assert body["UserId"].startswith("AIDA") and len(body["UserId"]) == 21
    assert result.stdout.startswith('{\n    "UserId"')  # 4-space indent, as the AWS CLI
    assert result.stderr == ""


def _profiles(*names):
    """Named profiles must exist in the config files, as for the AWS CLI."""
    with open(os.environ["AWS_CONFIG_FILE"], "a") as f:
        f.writelines(f"[profile {name}]\n" for name in names)


def test_profile_and_account_name_the_caller(awslocal, monkeypatch):
    _profiles("alice", "bob")
    monkeypatch.setenv("AWSLOCAL_ACCOUNT_ID", "111122223333")
    result = awslocal("sts", "get-caller-identity", "--profile", "alice")
    assert result.json["Arn"] == "arn:aws:iam::111122223333:user/alice"
    monkeypatch.setenv("AWS_PROFILE", "bob")
    assert awslocal("sts", "get-caller-identity").json["Arn"].endswith(":user/bob")


def test_user_id_is_stable_per_principal(awslocal):
    _profiles("x")
    first = awslocal("sts", "get-caller-identity").json["UserId"]
    assert awslocal("sts", "get-caller-identity").json["UserId"] == first
    assert awslocal("sts", "get-caller-identity", "--profile", "x").json["UserId"] != first


@pytest.mark.parametrize(
    "args",
    [
        ["--output", "text", "sts", "get-caller-identity"],
        ["sts", "--output", "text", "get-caller-identity"],
        ["sts", "get-caller-identity", "--output", "text"],
        ["sts", "get-caller-identity", "--output=text"],
    ],
)
def test_global_options_anywhere(awslocal, args):
    result = awslocal(*args)
    assert result.exit_code == 0, result
    # The text format prints a dict's scalars in sorted key order: Account, Arn, UserId.
    account, arn, user_id = result.stdout.rstrip("\n").split("\t")
    assert (account, arn) == ("123456789012", IDENTITY_ARN)
    assert user_id.startswith("AIDA")


def test_query_and_compat_options_are_accepted(awslocal):
    result = awslocal(
        "--endpoint-url",
        "http://localhost:4566",
        "sts",
        "get-caller-identity",
        "--no-verify-ssl",
        "--no-sign-request",
        "--cli-read-timeout",
        "5",
        "--cli-connect-timeout",
        "5",
        "--ca-bundle",
        "/nonexistent",
        "--no-cli-pager",
        "--color",
        "off",
        "--query",
        "Account",
        "--output",
        "text",
    )
    assert result.exit_code == 0, result
    assert result.stdout == "123456789012\n"


def test_version(awslocal):
    result = awslocal("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("awslocal-cli/0.1.0 Python/")


def test_split_globals_keeps_operation_arguments():
    opts, rest = split_globals(
        [
            "sqs",
            "receive-message",
            "--region",
            "eu-west-1",
            "--queue-url",
            "u",
            "--attribute-names",
            "All",
            "--output",
            "table",
            "--debug",
            "--no-paginate",
        ],
        environ={},
    )
    assert rest == ["sqs", "receive-message", "--queue-url", "u", "--attribute-names", "All"]
    assert (opts.region, opts.output, opts.debug, opts.paginate) == (
        "eu-west-1",
        "table",
        True,
        False,
    )


def test_split_globals_rejects_bad_choice():
    with pytest.raises(UsageError, match="argument --output: Found invalid choice 'xml'"):
        split_globals(["--output", "xml"], environ={})
    with pytest.raises(UsageError, match="expected one argument"):
        split_globals(["sts", "get-caller-identity", "--region"], environ={})


def test_env_default_output(awslocal, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_OUTPUT", "text")
    assert awslocal("sts", "get-caller-identity").stdout.startswith("123456789012\t")


# -- usage errors: exit 252 -------------------------------------------------------------------


def test_no_command_is_a_usage_error(awslocal):
    result = awslocal()
    assert result.exit_code == 252
    assert result.stderr == (
        "\nawslocal: [ERROR]: An error occurred (ParamValidation): the following arguments are "
        f"required: command\n\nusage: {USAGE.strip()}\n"
    )


def test_unknown_service(awslocal):
    result = awslocal("s3", "ls")
    assert result.exit_code == 252
    assert "argument command: Found invalid choice 's3'" in result.stderr
    assert "usage: awslocal [options] <command> <subcommand>" in result.stderr


def test_unknown_operation_suggests(awslocal):
    result = awslocal("sts", "get-caller-identty")
    assert result.exit_code == 252
    assert "argument operation: Found invalid choice 'get-caller-identty'" in result.stderr
    assert "* get-caller-identity" in result.stderr


def test_unknown_option(awslocal):
    result = awslocal("sts", "get-caller-identity", "--bogus", "x")
    assert result.exit_code == 252
    assert result.stderr.startswith("\nusage: awslocal [options]")
    assert result.stderr.endswith("\nawslocal: [ERROR]: Unknown options: --bogus, x\n")
    assert result.stdout == ""


def test_legacy_and_json_error_formats(awslocal):
    legacy = awslocal(
        "sts", "get-caller-identity", "--output", "xml", "--cli-error-format", "legacy"
    )
    assert legacy.exit_code == 252
    assert legacy.stderr.startswith(
        "\nawslocal: [ERROR]: argument --output: Found invalid choice 'xml'"
    )
    structured = awslocal("--cli-error-format", "json", "sts", "nope")
    assert structured.exit_code == 252
    body = json.loads(structured.stderr)
    assert body["Code"] == "ParamValidation"
    assert "Found invalid choice 'nope'" in body["Message"]


# -- help ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["help"],
        ["--help"],
        ["sts", "help"],
        ["sts", "get-caller-identity", "help"],
        ["sts", "get-caller-identity", "--help"],
        ["local", "--help"],
        ["local", "clock", "--help"],
    ],
)
def test_help_everywhere(awslocal, args):
    result = awslocal(*args)
    assert result.exit_code == 0, result
    examples = result.stdout.split("\nEXAMPLES\n")[1]
    assert examples.lstrip().startswith("awslocal") or "\n          awslocal" in examples


def test_operation_help_names_the_api_operation(awslocal, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "botocore", None)  # our own text, not AWS's
    monkeypatch.setattr("awslocal_cli.cli.help._docs", {})
    result = awslocal("sts", "get-caller-identity", "help")
    assert "Calls the GetCallerIdentity operation" in result.stdout
    assert "--cli-input-json" in result.stdout
    assert "--generate-cli-skeleton" in result.stdout


def test_service_help_lists_only_implemented_operations(awslocal):
    result = awslocal("sts", "help")
    assert "get-caller-identity" in result.stdout
    assert "assume-role" not in result.stdout


# -- configuration and state errors: exit 253 ----------------------------------------------------


def test_unusable_state_dir_is_a_configuration_error(awslocal, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = awslocal("local", "info", "--state-dir", str(blocker))
    assert result.exit_code == 253
    assert "is not a directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_state_is_a_configuration_error(awslocal, isolated_state):
    isolated_state.mkdir(mode=0o700)
    (isolated_state / "state.db").write_bytes(b"this is not sqlite" * 100)
    result = awslocal("local", "info")
    assert result.exit_code == 253
    assert "corrupt" in result.stderr
    assert (isolated_state / "state.db").read_bytes() == b"this is not sqlite" * 100


def test_bad_account_id_is_a_configuration_error(awslocal, monkeypatch):
    monkeypatch.setenv("AWSLOCAL_ACCOUNT_ID", "12")
    result = awslocal("sts", "get-caller-identity")
    assert result.exit_code == 253
    assert "AWSLOCAL_ACCOUNT_ID must be 12 digits" in result.stderr


def test_bad_region_fails_as_botocore_fails(awslocal):
    # botocore's InvalidRegionError: the AWS CLI v2 prints it bare and exits 255.
    result = awslocal("sts", "get-caller-identity", "--region", "Not A Region")
    assert result.exit_code == 255
    assert result.stderr == (
        "\nawslocal: [ERROR]: Provided region_name 'Not A Region' doesn't match a supported "
        "format.\n"
    )


# -- unexpected errors: 255, one line, traceback only with --debug --------------------------------


def test_unexpected_error_is_one_line_without_debug(awslocal, monkeypatch):
    from awslocal_cli.services import sts

    def boom(ctx):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(sts, "get_caller_identity", boom)
    result = awslocal("sts", "get-caller-identity")
    assert result.exit_code == 255
    assert "RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.stderr
    assert "--debug" in result.stderr
    debug = awslocal("sts", "get-caller-identity", "--debug")
    assert debug.exit_code == 255
    assert "Traceback (most recent call last)" in debug.stderr


def test_ctrl_c_exits_130(awslocal, monkeypatch):
    from awslocal_cli.services import sts

    def interrupted(ctx):
        raise KeyboardInterrupt

    monkeypatch.setattr(sts, "get_caller_identity", interrupted)
    assert awslocal("sts", "get-caller-identity").exit_code == 130


# -- region resolution ---------------------------------------------------------------------------


def test_region_from_profile_config(awslocal, tmp_path, monkeypatch):
    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = eu-west-2\n[profile other]\nregion = ap-south-1\n")
    assert awslocal("local", "info", "--query", "Region", "--output", "text").stdout == (
        "eu-west-2\n"
    )
    assert (
        awslocal(
            "local", "info", "--profile", "other", "--query", "Region", "--output", "text"
        ).stdout
        == "ap-south-1\n"
    )
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-1")
    assert awslocal("local", "info", "--query", "Region", "--output", "text").stdout == (
        "us-west-1\n"
    )
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    assert awslocal("local", "info", "--query", "Region", "--output", "text").stdout == (
        "us-west-2\n"
    )
    assert (
        awslocal(
            "local", "info", "--region", "sa-east-1", "--query", "Region", "--output", "text"
        ).stdout
        == "sa-east-1\n"
    )


# -- the state directory -------------------------------------------------------------------------


def test_state_directory_is_private(awslocal, isolated_state):
    assert awslocal("local", "info").exit_code == 0
    assert stat.S_IMODE(os.stat(isolated_state).st_mode) == 0o700
    for name in os.listdir(isolated_state):
        mode = stat.S_IMODE(os.stat(isolated_state / name).st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_state_dir_option_overrides_env(awslocal, tmp_path, isolated_state):
    other = tmp_path / "elsewhere"
    assert awslocal("local", "info", "--state-dir", str(other)).exit_code == 0
    assert (other / "state.db").exists()
    assert not isolated_state.exists()


def test_real_process_entry_point(awslocal_proc):
    result = awslocal_proc("sts", "get-caller-identity", "--query", "Arn", "--output", "text")
    assert result.exit_code == 0, result
    assert result.stdout == IDENTITY_ARN + "\n"


def test_bad_query_is_252_before_any_call(awslocal, monkeypatch):
    from awslocal_cli.services import sts

    def never(ctx):
        raise AssertionError("the service must not be called with a bad --query")

    monkeypatch.setattr(sts, "get_caller_identity", never)
    result = awslocal("sts", "get-caller-identity", "--query", "Account[")
    assert result.exit_code == 252
    assert "Bad value for --query Account[" in result.stderr


@pytest.mark.parametrize(("args", "keys"), [
    (["sqs", "get-queue-url", "--queue-name", "none"], ["Message", "Code"]),
    (["kms", "describe-key", "--key-id", "alias/none"], ["Message", "Code", "message"]),
    (["sns", "get-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:none"],
     ["Code", "Message"]),
])
def test_structured_errors_follow_the_protocols_parsed_order(awslocal, args, keys):
    # As botocore parses each protocol's errors for the AWS CLI (tests/serve/test_aws_cli_v2.py
    # compares against it through awslocal serve).
    import json

    result = awslocal(*args, "--cli-error-format", "json")
    assert result.exit_code == 254
    assert list(json.loads(result.stderr)) == keys
