"""AWS CLI parameter conventions through the real command tree, on KMS and SQS commands."""

from __future__ import annotations

import base64
import json

import pytest
import yaml


def _key(awslocal, *extra: str) -> str:
    result = awslocal("kms", "create-key", *extra)
    assert result.exit_code == 0, result
    return result.json["KeyMetadata"]["KeyId"]


def _tags(awslocal, key_id: str) -> list[dict]:
    return awslocal("kms", "list-resource-tags", "--key-id", key_id).json["Tags"]


def test_shorthand_list_of_structures(awslocal):
    key = _key(awslocal, "--tags", "TagKey=team,TagValue=blue", "TagKey=env,TagValue=dev")
    assert sorted((t["TagKey"], t["TagValue"]) for t in _tags(awslocal, key)) == [
        ("env", "dev"), ("team", "blue")]


def test_json_list_of_structures(awslocal):
    key = _key(awslocal, "--tags", '[{"TagKey": "a", "TagValue": "b"}]')
    assert _tags(awslocal, key) == [{"TagKey": "a", "TagValue": "b"}]


def test_shorthand_and_json_maps(awslocal):
    url = awslocal("sqs", "create-queue", "--queue-name", "q1", "--attributes",
                   "VisibilityTimeout=45,DelaySeconds=2").json["QueueUrl"]
    attrs = awslocal("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                     "VisibilityTimeout", "DelaySeconds").json["Attributes"]
    assert attrs == {"VisibilityTimeout": "45", "DelaySeconds": "2"}
    url2 = awslocal("sqs", "create-queue", "--queue-name", "q2", "--attributes",
                    '{"MessageRetentionPeriod": "600"}').json["QueueUrl"]
    assert awslocal("sqs", "get-queue-attributes", "--queue-url", url2, "--attribute-names",
                    "MessageRetentionPeriod").json["Attributes"] == {
        "MessageRetentionPeriod": "600"}


def test_bad_shorthand_is_252(awslocal):
    result = awslocal("kms", "create-key", "--tags", "TagKey")
    assert result.exit_code == 252
    assert "Error parsing parameter '--tags'" in result.stderr


def test_file_and_fileb_parameters(awslocal, tmp_path):
    key = _key(awslocal)
    secret = bytes(range(256))
    (tmp_path / "plain.bin").write_bytes(secret)
    (tmp_path / "desc.txt").write_text("from a file", encoding="utf-8")
    enc = awslocal("kms", "encrypt", "--key-id", key, "--plaintext",
                   f"fileb://{tmp_path / 'plain.bin'}")
    assert enc.exit_code == 0, enc
    blob = base64.b64decode(enc.json["CiphertextBlob"])
    (tmp_path / "ct.bin").write_bytes(blob)
    dec = awslocal("kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'ct.bin'}")
    assert base64.b64decode(dec.json["Plaintext"]) == secret
    assert dec.json["KeyId"].endswith(key)
    assert awslocal("kms", "update-key-description", "--key-id", key, "--description",
                    f"file://{tmp_path / 'desc.txt'}").exit_code == 0
    assert awslocal("kms", "describe-key", "--key-id", key, "--query",
                    "KeyMetadata.Description", "--output", "text").stdout == "from a file\n"
    missing = awslocal("kms", "encrypt", "--key-id", key, "--plaintext",
                       f"fileb://{tmp_path / 'nope'}")
    assert missing.exit_code == 252
    assert "Unable to load paramfile" in missing.stderr


def test_binary_formats(awslocal):
    key = _key(awslocal)
    raw = awslocal("kms", "encrypt", "--key-id", key, "--plaintext", "hello",
                   "--cli-binary-format", "raw-in-base64-out")
    blob = raw.json["CiphertextBlob"]
    dec = awslocal("kms", "decrypt", "--ciphertext-blob", blob)
    assert base64.b64decode(dec.json["Plaintext"]) == b"hello"
    bad = awslocal("kms", "encrypt", "--key-id", key, "--plaintext", "not base64!")
    assert bad.exit_code in (252, 255)
    assert "Invalid base64" in bad.stderr


def test_cli_input_json_and_override(awslocal, tmp_path):
    key = _key(awslocal)
    request = {"KeyId": key, "Description": "from json"}
    (tmp_path / "req.json").write_text(json.dumps(request))
    assert awslocal("kms", "update-key-description", "--cli-input-json",
                    f"file://{tmp_path / 'req.json'}").exit_code == 0
    desc = awslocal("kms", "describe-key", "--key-id", key, "--query", "KeyMetadata.Description")
    assert desc.json == "from json"
    assert awslocal("kms", "update-key-description", "--cli-input-json", json.dumps(request),
                    "--description", "line wins").exit_code == 0
    assert awslocal("kms", "describe-key", "--key-id", key, "--query",
                    "KeyMetadata.Description").json == "line wins"
    yaml_req = yaml.safe_dump({"KeyId": key, "Description": "from yaml"})
    assert awslocal("kms", "update-key-description", "--cli-input-yaml", yaml_req).exit_code == 0


def test_cli_input_json_is_validated(awslocal):
    unknown = awslocal("kms", "describe-key", "--cli-input-json", '{"KeyId": "x", "Bogus": 1}')
    assert unknown.exit_code == 252
    assert 'Unknown parameter in input: "Bogus"' in unknown.stderr
    missing = awslocal("kms", "describe-key", "--cli-input-json", "{}")
    assert missing.exit_code == 252
    assert 'Missing required parameter in input: "KeyId"' in missing.stderr
    broken = awslocal("kms", "describe-key", "--cli-input-json", "{nope")
    assert broken.exit_code == 252
    assert "Invalid JSON" in broken.stderr


def test_missing_required_option_is_252(awslocal):
    result = awslocal("kms", "describe-key")
    assert result.exit_code == 252
    assert "the following arguments are required: --key-id" in result.stderr


def test_boolean_flags(awslocal):
    result = awslocal("kms", "create-key", "--multi-region")
    assert result.json["KeyMetadata"]["MultiRegion"] is True
    result = awslocal("kms", "create-key", "--no-multi-region")
    assert result.json["KeyMetadata"]["MultiRegion"] is False


def test_integer_option_errors(awslocal):
    result = awslocal("kms", "generate-random", "--number-of-bytes", "many")
    assert result.exit_code in (252, 255)
    assert "many" in result.stderr


@pytest.mark.parametrize("kind", ["input", "yaml-input", "output"])
def test_generate_cli_skeleton(awslocal, kind):
    # `output` validates the command's inputs first, so it needs the required options.
    required = ["--key-id", "k", "--plaintext", "aGk="] if kind == "output" else []
    result = awslocal("kms", "encrypt", "--generate-cli-skeleton", kind, *required)
    assert result.exit_code == 0, result
    doc = yaml.safe_load(result.stdout) if kind == "yaml-input" else json.loads(result.stdout)
    if kind == "output":
        assert {"CiphertextBlob", "KeyId", "EncryptionAlgorithm"} <= set(doc)
    else:
        assert {"KeyId", "Plaintext", "EncryptionContext", "GrantTokens",
                "EncryptionAlgorithm", "DryRun"} <= set(doc)


def test_skeleton_round_trips_through_cli_input_json(awslocal):
    skeleton = awslocal("kms", "update-key-description", "--generate-cli-skeleton").json
    assert set(skeleton) == {"KeyId", "Description"}
    key = _key(awslocal)
    skeleton.update(KeyId=key, Description="filled in")
    result = awslocal("kms", "update-key-description", "--cli-input-json", json.dumps(skeleton))
    assert (result.exit_code, result.stdout) == (0, ""), result
    described = awslocal("kms", "describe-key", "--key-id", key).json["KeyMetadata"]
    assert described["Description"] == "filled in"


def test_a_filled_skeleton_makes_the_request_the_options_make(awslocal):
    # Nested members too: the skeleton's Attributes and tags maps, filled in and fed back,
    # give the queue that the same values as options give.
    skeleton = awslocal("sqs", "create-queue", "--generate-cli-skeleton").json
    assert skeleton == {"QueueName": "", "Attributes": {"KeyName": ""}, "tags": {"KeyName": ""}}
    skeleton.update(QueueName="from-skeleton", tags={"team": "a", "tier": "1"},
                    Attributes={"DelaySeconds": "5", "MaximumMessageSize": "2048"})
    made = awslocal("sqs", "create-queue", "--cli-input-json", json.dumps(skeleton))
    assert made.exit_code == 0, made
    given = awslocal("sqs", "create-queue", "--queue-name", "from-options",
                     "--attributes", "DelaySeconds=5,MaximumMessageSize=2048",
                     "--tags", "team=a,tier=1")
    assert given.exit_code == 0, given

    def seen(url: str) -> tuple[dict, dict]:
        attributes = awslocal("sqs", "get-queue-attributes", "--queue-url", url,
                              "--attribute-names", "All").json["Attributes"]
        for name in ("QueueArn", "CreatedTimestamp", "LastModifiedTimestamp"):
            attributes.pop(name)
        tags = awslocal("sqs", "list-queue-tags", "--queue-url", url).json["Tags"]
        return attributes, tags

    from_skeleton = seen(made.json["QueueUrl"])
    assert from_skeleton == seen(given.json["QueueUrl"])
    assert from_skeleton[0]["DelaySeconds"] == "5"
    assert from_skeleton[1] == {"team": "a", "tier": "1"}


@pytest.mark.parametrize("fmt", ["json", "text", "table", "yaml", "yaml-stream"])
def test_every_format_on_a_nested_result(awslocal, fmt):
    key = _key(awslocal, "--description", "nested")
    result = awslocal("kms", "describe-key", "--key-id", key, "--output", fmt)
    assert result.exit_code == 0, result
    out = result.stdout
    assert key in out
    if fmt == "json":
        assert result.json["KeyMetadata"]["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    elif fmt == "text":
        assert "ENCRYPTIONALGORITHMS\tSYMMETRIC_DEFAULT" in out
    elif fmt == "table":
        assert out.splitlines()[1].strip("| ").startswith("DescribeKey")
        assert "KeyMetadata" in out
    else:
        data = yaml.safe_load(out)
        data = data[0] if fmt == "yaml-stream" else data
        assert data["KeyMetadata"]["KeyId"] == key


def test_output_off_prints_nothing(awslocal):
    result = awslocal("kms", "create-key", "--output", "off")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_empty_response_prints_nothing(awslocal):
    key = _key(awslocal)
    result = awslocal("kms", "enable-key-rotation", "--key-id", key)
    assert result.exit_code == 0
    assert result.stdout == ""


def test_auto_pagination_and_max_items(awslocal):
    keys = {_key(awslocal) for _ in range(5)}
    listed = awslocal("kms", "list-keys", "--page-size", "2").json
    assert set(listed) == {"Keys"}
    assert {k["KeyId"] for k in listed["Keys"]} == keys
    first = awslocal("kms", "list-keys", "--max-items", "3").json
    assert len(first["Keys"]) == 3 and "NextToken" in first
    rest = awslocal("kms", "list-keys", "--max-items", "3", "--starting-token",
                    first["NextToken"]).json
    assert "NextToken" not in rest
    assert {k["KeyId"] for k in first["Keys"] + rest["Keys"]} == keys
    raw = awslocal("kms", "list-keys", "--limit", "2").json
    assert len(raw["Keys"]) == 2 and raw["Truncated"] is True and "NextMarker" in raw
    conflict = awslocal("kms", "list-keys", "--no-paginate", "--max-items", "1")
    assert conflict.exit_code == 252
    assert "Cannot specify --no-paginate along with pagination arguments" in conflict.stderr


def test_service_error_format_and_details(awslocal):
    result = awslocal("kms", "describe-key", "--key-id", "alias/missing")
    assert result.exit_code == 254
    assert result.stderr.startswith(
        "\nawslocal: [ERROR]: An error occurred (NotFoundException) when calling the "
        "DescribeKey operation: ")
    structured = awslocal("kms", "describe-key", "--key-id", "alias/missing",
                          "--cli-error-format", "json")
    assert json.loads(structured.stderr)["Code"] == "NotFoundException"
