"""The shared config files and the environment, as AWS CLI v2 (2.36.7) reads them, and
`awslocal configure` over the same files (issue 11, item 4)."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
from pathlib import Path

import pytest

from awslocal_cli.config import ConfigParseError, SharedConfig, parse_ini

AWS_V2 = Path(__file__).resolve().parents[2] / ".." / "shared" / "tools" / "aws-v2"


@pytest.fixture
def config():
    path = Path(os.environ["AWS_CONFIG_FILE"])

    def write(text):
        path.write_text(text)
        return path

    return write


def _credentials():
    return Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])


# -- reading -----------------------------------------------------------------------------------


def test_the_reader_follows_configparser_and_botocore():
    text = ("# comment\n[default]\nregion = eu-west-1\nOutput: text\ns3 =\n"
            "    max_concurrent_requests = 10\n; another\n[profile dev]\nregion=us-west-2\n")
    assert parse_ini(text, "f") == {
        "default": {"region": "eu-west-1", "output": "text",
                    "s3": {"max_concurrent_requests": "10"}},
        "profile dev": {"region": "us-west-2"},
    }
    for bad in ("region = x\n", "[default]\nnovalue\n", "[a]\n[a]\n", "[a]\nx=1\nx=2\n"):
        with pytest.raises(ConfigParseError, match="Unable to parse config file: f"):
            parse_ini(bad, "f")


def test_profiles_come_from_both_files(config, tmp_path):
    config("[default]\nregion = eu-west-1\n[profile dev]\noutput = text\n[ops]\nregion = x\n")
    _credentials().write_text("[dev]\naws_access_key_id = A\n[ci]\nregion = ap-south-1\n")
    profiles = SharedConfig(os.environ).profiles()
    # `[ops]` in the config file is no profile; `[ci]` in the credentials file is.
    assert set(profiles) == {"default", "dev", "ci"}
    assert profiles["dev"] == {"output": "text", "aws_access_key_id": "A"}


def test_output_binary_format_and_region_from_the_profile(awslocal, config, tmp_path):
    config("[default]\nregion = eu-west-1\noutput = text\n"
           "cli_binary_format = raw-in-base64-out\n")
    created = awslocal("kms", "create-key", "--query", "KeyMetadata.Arn")
    assert created.exit_code == 0, created
    assert created.stdout.startswith("arn:aws:kms:eu-west-1:")
    key = created.stdout.strip()
    # raw-in-base64-out: the text is the plaintext, as migrated v1 scripts expect.
    encrypted = awslocal("kms", "encrypt", "--key-id", key, "--plaintext", "hello",
                         "--query", "CiphertextBlob")
    assert encrypted.exit_code == 0, encrypted
    blob = tmp_path / "blob"
    blob.write_bytes(base64.b64decode(encrypted.stdout.strip()))
    decrypted = awslocal("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}",
                         "--query", "Plaintext")
    assert base64.b64decode(decrypted.stdout.strip()) == b"hello"
    # Options and the environment come first.
    assert awslocal("kms", "list-keys", "--output", "json").stdout.startswith("{")
    result = awslocal("kms", "list-keys", "--query", "length(Keys)",
                      env={"AWS_DEFAULT_OUTPUT": "json", "AWS_REGION": "us-west-2"})
    assert result.stdout == "0\n"


def test_a_named_profile_has_its_own_settings(awslocal, config, monkeypatch):
    config("[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n")
    arn = ["kms", "create-key", "--query", "KeyMetadata.Arn", "--output", "text"]
    assert awslocal(*arn, "--profile", "dev").stdout.startswith("arn:aws:kms:ap-south-1:")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "dev")
    assert awslocal(*arn).stdout.startswith("arn:aws:kms:ap-south-1:")
    # AWS_PROFILE before AWS_DEFAULT_PROFILE.
    monkeypatch.setenv("AWS_PROFILE", "default")
    assert awslocal(*arn).stdout.startswith("arn:aws:kms:eu-west-1:")


def test_timestamps_on_the_wire(awslocal, config):
    config("[default]\ncli_timestamp_format = wire\n")
    result = awslocal("kms", "create-key", "--query", "KeyMetadata.CreationDate")
    assert result.exit_code == 0, result
    assert isinstance(result.json, float)
    config("[default]\ncli_timestamp_format = iso8601\n")
    assert "T" in awslocal("kms", "create-key", "--query", "KeyMetadata.CreationDate").json
    config("[default]\ncli_timestamp_format = bogus\n")
    result = awslocal("kms", "list-keys")
    assert (result.exit_code, result.stdout) == (253, "")
    assert result.stderr == (
        "\nawslocal: [ERROR]: An error occurred (Configuration): Unknown cli_timestamp_format "
        'value: bogus, valid values are "wire" or "iso8601"\n'
    )


def test_error_format_from_the_profile(awslocal, config):
    config("[default]\ncli_error_format = json\n")
    result = awslocal("kms", "describe-key", "--key-id", "nope")
    assert result.exit_code == 254
    assert result.stderr.startswith('{\n    "Message": "Invalid keyId')
    # Usage errors too, and the option wins over the file.
    assert awslocal("kms", "describe-key").stderr.startswith('{\n    "Code": "ParamValidation"')
    legacy = awslocal("kms", "describe-key", "--key-id", "nope", "--cli-error-format", "legacy")
    assert legacy.stderr.startswith("\nawslocal: [ERROR]: An error occurred (NotFoundException)")


@pytest.mark.parametrize("where", ["env", "config"])
def test_an_unknown_output_fails_after_the_call(awslocal, config, where):
    env = {"AWS_DEFAULT_OUTPUT": "xml"} if where == "env" else {}
    if where == "config":
        config("[default]\noutput = xml\n")
    result = awslocal("sqs", "create-queue", "--queue-name", "made", env=env)
    assert (result.exit_code, result.stdout) == (255, "")
    assert result.stderr == "\nawslocal: [ERROR]: Unknown output type: xml\n"
    assert awslocal("sqs", "list-queues", "--output", "json").json["QueueUrls"][0].endswith("/made")


def test_a_named_profile_must_exist(awslocal, config, monkeypatch):
    for args, env in [(["--profile", "ghost"], {}), ([], {"AWS_PROFILE": "ghost"}),
                      ([], {"AWS_DEFAULT_PROFILE": "ghost"}), (["--profile", "default"], {})]:
        result = awslocal("sqs", "list-queues", *args, env=env)
        name = "default" if "default" in args else "ghost"
        assert (result.exit_code, result.stdout) == (255, ""), (args, env)
        assert result.stderr == (
            f"\nawslocal: [ERROR]: The config profile ({name}) could not be found\n"
        )
    # Options are parsed first; an input skeleton needs no profile.
    assert awslocal("kms", "describe-key", "--profile", "ghost").exit_code == 252
    assert awslocal("kms", "list-keys", "--profile", "ghost",
                    "--generate-cli-skeleton").exit_code == 0
    # No profile named: `default` needs no file.
    assert awslocal("sqs", "list-queues").exit_code == 0
    _credentials().write_text("[ghost]\naws_access_key_id = A\n")
    assert awslocal("sqs", "list-queues", "--profile", "ghost").exit_code == 0


def test_an_unparsable_config_file(awslocal, config):
    path = config("[default\nregion = x\n")
    result = awslocal("sqs", "list-queues")
    assert result.exit_code == 255
    assert result.stderr == f"\nawslocal: [ERROR]: Unable to parse config file: {path}\n"


def test_no_region_anywhere_is_us_east_1(awslocal):
    result = awslocal("kms", "create-key", "--query", "KeyMetadata.Arn", "--output", "text")
    assert result.stdout.startswith("arn:aws:kms:us-east-1:")


# -- configure ---------------------------------------------------------------------------------


def test_configure_interactive_writes_both_files(awslocal):
    result = awslocal("configure", input="AKIAEXAMPLE1234\nsecret123\neu-west-1\njson\n")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "\nTip: You can deliver temporary credentials to the AWS CLI using your AWS Console "
        "session by running the command 'aws login'.\n\n"
        "AWS Access Key ID [None]: AWS Secret Access Key [None]: Default region name [None]: "
        "Default output format [None]: "
    )
    config = Path(os.environ["AWS_CONFIG_FILE"])
    assert config.read_text() == "[default]\nregion = eu-west-1\noutput = json\n"
    assert _credentials().read_text() == (
        "[default]\naws_access_key_id = AKIAEXAMPLE1234\naws_secret_access_key = secret123\n"
    )
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(_credentials().stat().st_mode) == 0o600
    # Run again: the current values are offered (credentials masked); Enter keeps them.
    again = awslocal("configure", input="\n\n\n\n")
    assert again.stdout == (
        "AWS Access Key ID [****************1234]: AWS Secret Access Key [****************t123]: "
        "Default region name [eu-west-1]: Default output format [json]: "
    )
    # And commands use the region.
    arn = awslocal("kms", "create-key", "--query", "KeyMetadata.Arn").json
    assert arn.startswith("arn:aws:kms:eu-west-1:")


def test_configure_a_named_profile(awslocal):
    result = awslocal("configure", "--profile", "dev", input="AKIADEV\nsec\n\ntext\n")
    assert result.exit_code == 0, result
    assert Path(os.environ["AWS_CONFIG_FILE"]).read_text() == "[profile dev]\noutput = text\n"
    assert _credentials().read_text() == (
        "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = sec\n"
    )
    assert awslocal("configure", "list-profiles").stdout == "dev\n"


def test_configure_list(awslocal, config):
    empty = awslocal("configure", "list")
    assert empty.stdout == (
        "NAME       : VALUE                    : TYPE             : LOCATION\n"
        "profile    : <not set>                : None             : None\n"
        "access_key : <not set>                : None             : None\n"
        "secret_key : <not set>                : None             : None\n"
        "region     : <not set>                : None             : None\n"
    )
    path = config("[profile dev]\nregion = us-west-2\n")
    _credentials().write_text("[dev]\naws_access_key_id = AKIADEV1\naws_secret_access_key = s\n")
    listed = awslocal("configure", "list", "--profile", "dev")
    assert listed.stdout == (
        "NAME       : VALUE                    : TYPE             : LOCATION\n"
        "profile    : dev                      : manual           : --profile\n"
        "access_key : ****************DEV1     : shared-credentials-file : \n"
        "secret_key : ****************s        : shared-credentials-file : \n"
        f"region     : us-west-2                : config-file      : {path}\n"
    )
    env = awslocal("configure", "list", env={"AWS_REGION": "ap-south-1",
                                             "AWS_ACCESS_KEY_ID": "AKIAENV9",
                                             "AWS_SECRET_ACCESS_KEY": "x"})
    assert "region     : ap-south-1               : env              : ['AWS_REGION', " \
        "'AWS_DEFAULT_REGION']\n" in env.stdout
    assert "access_key : ****************ENV9     : env              : \n" in env.stdout
    ghost = awslocal("configure", "list", "--profile", "ghost")
    assert ghost.exit_code == 255
    assert ghost.stdout.endswith("profile    : ghost                    : manual           : "
                                 "--profile\n")
    assert ghost.stderr == "\nawslocal: [ERROR]: The config profile (ghost) could not be found\n"


def test_configure_get_and_set(awslocal):
    assert awslocal("configure", "set", "region", "eu-west-1").exit_code == 0
    assert awslocal("configure", "set", "region", "us-west-2", "--profile", "dev").exit_code == 0
    assert awslocal("configure", "set", "aws_access_key_id", "AKIA1").exit_code == 0
    assert awslocal("configure", "set", "default.s3.max_concurrent_requests", "20").exit_code == 0
    assert Path(os.environ["AWS_CONFIG_FILE"]).read_text() == (
        "[default]\nregion = eu-west-1\ns3 =\n    max_concurrent_requests = 20\n"
        "[profile dev]\nregion = us-west-2\n"
    )
    assert _credentials().read_text() == "[default]\naws_access_key_id = AKIA1\n"
    assert awslocal("configure", "set", "region", "eu-west-3").exit_code == 0
    assert "region = eu-west-3\n" in Path(os.environ["AWS_CONFIG_FILE"]).read_text()
    assert awslocal("configure", "get", "region").stdout == "eu-west-3\n"
    assert awslocal("configure", "get", "region", "--profile", "dev").stdout == "us-west-2\n"
    assert awslocal("configure", "get", "dev.region").stdout == "us-west-2\n"
    assert awslocal("configure", "get", "profile.dev.region").stdout == "us-west-2\n"
    assert awslocal("configure", "get", "s3.max_concurrent_requests").stdout == "20\n"
    assert awslocal("configure", "get", "aws_access_key_id").stdout == "AKIA1\n"
    missing = awslocal("configure", "get", "output")
    assert (missing.exit_code, missing.stdout, missing.stderr) == (1, "", "")
    section = awslocal("configure", "get", "s3")
    assert section.exit_code == 1
    assert section.stderr == "varname (s3) must reference a value, not a section or sub-section."
    ghost = awslocal("configure", "get", "region", "--profile", "ghost")
    assert ghost.exit_code == 255


def test_configure_usage_errors(awslocal):
    result = awslocal("configure", "set", "region")
    assert result.exit_code == 252
    assert "the following arguments are required: value" in result.stderr
    result = awslocal("configure", "bogus")
    assert result.exit_code == 252
    assert "argument subcommand: Found invalid choice 'bogus'" in result.stderr


@pytest.mark.needs_aws_v2
def test_configure_writes_what_the_aws_cli_v2_writes(awslocal, tmp_path):
    steps = [
        ("AKIAEXAMPLE1234\nsecret123\neu-west-1\njson\n", ["configure"]),
        (None, ["configure", "set", "region", "us-west-2", "--profile", "dev"]),
        (None, ["configure", "set", "cli_binary_format", "raw-in-base64-out"]),
        (None, ["configure", "set", "dev.output", "text"]),
        ("AKIADEV\nsec\n\ntext\n", ["configure", "--profile", "dev2"]),
        (None, ["configure", "get", "output", "--profile", "dev2"]),
        (None, ["configure", "list-profiles"]),
    ]
    outputs = {}
    for who in ("aws", "awslocal"):
        files = tmp_path / who
        files.mkdir()
        env = {"AWS_CONFIG_FILE": str(files / "config"),
               "AWS_SHARED_CREDENTIALS_FILE": str(files / "credentials")}
        seen = []
        for stdin, args in steps:
            if who == "aws":
                proc = subprocess.run([str(AWS_V2), *args], input=stdin, capture_output=True,
                                      text=True, env={**os.environ, **env}, timeout=120)
                seen.append((proc.returncode, proc.stdout.replace(str(files), "F")))
            else:
                ours = awslocal(*args, input=stdin, env=env)
                seen.append((ours.exit_code, ours.stdout.replace(str(files), "F")))
        seen.append((files / "config").read_text())
        seen.append((files / "credentials").read_text())
        outputs[who] = seen
    assert outputs["awslocal"] == outputs["aws"]


@pytest.mark.needs_aws_v2
def test_configure_set_edits_an_existing_file_as_the_aws_cli_v2(awslocal, tmp_path):
    original = ("# top\n[default]\nregion = eu-west-1\ns3 =\n    max_concurrent_requests = 10\n\n"
                "; c\n[profile dev]\noutput = json\n\n\n[profile other]\nregion=x")
    sets = [["default.s3.max_concurrent_requests", "30"], ["default.s3.new_key", "v"],
            ["region", "us-east-2", "--profile", "dev"], ["output", "text", "--profile", "other"],
            ["cli_pager", ""], ["profile.third.region", "r3"]]
    results = {}
    for who in ("aws", "awslocal"):
        path = tmp_path / f"{who}-config"
        path.write_text(original)
        env = {"AWS_CONFIG_FILE": str(path),
               "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / f"{who}-credentials")}
        for args in sets:
            if who == "aws":
                subprocess.run([str(AWS_V2), "configure", "set", *args], check=True,
                               env={**os.environ, **env}, timeout=120)
            else:
                assert awslocal("configure", "set", *args, env=env).exit_code == 0
        results[who] = path.read_text()
    assert results["awslocal"] == results["aws"]
    assert "    max_concurrent_requests = 30\n" in results["awslocal"]
