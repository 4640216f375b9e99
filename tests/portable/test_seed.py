"""`awslocal local seed` and AWSLOCAL_SEED: fixed ids, idempotence, one transaction."""

from __future__ import annotations

import base64
import json
import textwrap
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "state" / "examples"
KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
MATERIAL = base64.b64encode(bytes(range(32))).decode()


def _write(tmp_path: Path, text: str, name: str = "seed.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


SEED = f"""\
    kms:
      keys:
        - KeyId: {KEY}
          Description: Example key
          KeyMaterial: {MATERIAL}
          EnableKeyRotation: true
          RotationPeriodInDays: 90
          Tags: [{{TagKey: Purpose, TagValue: Test}}]
        - KeyId: 0987dcba-09fe-87dc-65ba-ab0987654321
          Enabled: false
      aliases:
        - AliasName: alias/ExampleAlias
          TargetKeyId: {KEY}
    sqs:
      queues:
        - QueueName: MyQueue
          Attributes: {{KmsMasterKeyId: alias/ExampleAlias, VisibilityTimeout: 60}}
          Messages:
            - Hello
            - MessageBody: World
              MessageAttributes: {{City: {{DataType: String, StringValue: Any}}}}
    sns:
      topics:
        - Name: my-topic
          Tags: [{{Key: Team, Value: Alpha}}]
      subscriptions:
        - TopicArn: my-topic
          Protocol: sqs
          Endpoint: MyQueue
    """


def _snapshot(awslocal) -> dict:
    """What a user sees of the seeded resources."""
    out = {}
    for args in (("kms", "list-keys"), ("kms", "list-aliases"),
                 ("kms", "describe-key", "--key-id", KEY),
                 ("kms", "get-key-rotation-status", "--key-id", KEY),
                 ("kms", "list-resource-tags", "--key-id", KEY),
                 ("sqs", "list-queues"),
                 ("sqs", "get-queue-attributes", "--queue-url",
                  "https://sqs.us-east-1.amazonaws.com/123456789012/MyQueue",
                  "--attribute-names", "All"),
                 ("sns", "list-topics"), ("sns", "list-subscriptions")):
        result = awslocal(*args)
        assert result.exit_code == 0, result
        out[" ".join(args)] = result.json
    return out


def test_seed_creates_what_it_declares(awslocal, tmp_path):
    seed = _write(tmp_path, SEED)
    result = awslocal("local", "seed", str(seed))
    assert result.exit_code == 0, result
    report = result.json
    assert [c["Type"] for c in report["Created"]] == [
        "AWS::KMS::Key", "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::SQS::Queue",
        "AWS::SNS::Topic", "AWS::SNS::Subscription"]
    assert report["MessagesSent"] == 2
    meta = awslocal("kms", "describe-key", "--key-id", "alias/ExampleAlias").json["KeyMetadata"]
    assert meta["KeyId"] == KEY and meta["Description"] == "Example key"
    other = awslocal("kms", "describe-key", "--key-id", "0987dcba-09fe-87dc-65ba-ab0987654321")
    assert other.json["KeyMetadata"]["KeyState"] == "Disabled"
    rotation = awslocal("kms", "get-key-rotation-status", "--key-id", KEY).json
    assert rotation["KeyRotationEnabled"] is True and rotation["RotationPeriodInDays"] == 90
    tags = awslocal("kms", "list-resource-tags", "--key-id", KEY).json["Tags"]
    assert tags == [{"TagKey": "Purpose", "TagValue": "Test"}]
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/MyQueue"
    attrs = awslocal("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                     "All").json["Attributes"]
    assert attrs["KmsMasterKeyId"] == "alias/ExampleAlias"
    assert attrs["VisibilityTimeout"] == "60"
    got = awslocal("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages",
                   "10", "--message-attribute-names", "All").json["Messages"]
    assert sorted(m["Body"] for m in got) == ["Hello", "World"]
    subs = awslocal("sns", "list-subscriptions").json["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [
        ("sqs", "arn:aws:sqs:us-east-1:123456789012:MyQueue")]
    assert subs[0]["SubscriptionArn"].startswith("arn:aws:sns:us-east-1:123456789012:my-topic:")


def test_seeding_twice_changes_nothing(awslocal, tmp_path):
    seed = _write(tmp_path, SEED)
    assert awslocal("local", "seed", str(seed)).exit_code == 0
    before = _snapshot(awslocal)
    again = awslocal("local", "seed", str(seed))
    assert again.exit_code == 0, again
    assert again.json["Created"] == [] and again.json["MessagesSent"] == 0
    assert len(again.json["Unchanged"]) == 6
    assert _snapshot(awslocal) == before


def test_a_ciphertext_decrypts_in_every_state_made_from_the_seed(awslocal, tmp_path):
    seed = _write(tmp_path, SEED)
    first, second = tmp_path / "one", tmp_path / "two"
    assert awslocal("local", "seed", str(seed), "--state-dir", str(first)).exit_code == 0
    blob = awslocal("kms", "encrypt", "--key-id", "alias/ExampleAlias", "--plaintext",
                    base64.b64encode(b"made once").decode(), "--state-dir", str(first),
                    "--query", "CiphertextBlob", "--output", "text").stdout.strip()
    assert awslocal("local", "seed", str(seed), "--state-dir", str(second)).exit_code == 0
    (tmp_path / "blob").write_bytes(base64.b64decode(blob))
    out = awslocal("kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'blob'}",
                   "--state-dir", str(second))
    assert out.exit_code == 0, out
    assert base64.b64decode(out.json["Plaintext"]) == b"made once"
    assert out.json["KeyId"].endswith(KEY)


def test_a_failing_seed_changes_nothing_and_names_file_and_line(awslocal, tmp_path):
    seed = _write(tmp_path, f"""\
        kms:
          keys:
            - KeyId: {KEY}
        sqs:
          queues:
            - QueueName: Good
            - QueueName: Bad
              Attributes:
                VisibilityTimeout: 60
                Colour: blue
        """)
    result = awslocal("local", "seed", str(seed))
    assert result.exit_code == 254
    assert result.stderr.strip() == (
        "awslocal: [ERROR]: An error occurred (InvalidAttributeName) when calling the "
        f"CreateQueue operation: Unknown Attribute Colour. ({seed}, line 10: sqs.queues[1])")
    assert awslocal("kms", "list-keys").json == {"Keys": []}
    assert awslocal("sqs", "list-queues").stdout.strip() in ("", "{}")


@pytest.mark.parametrize(("text", "message"), [
    ("kms:\n  keys:\n    - KeyId: nope\n", "KeyId 'nope' is not valid"),
    (f"kms:\n  keys:\n    - KeyId: {KEY}\n      KeySpec: RSA_9\n",
     "Value 'RSA_9' at 'keySpec' failed to satisfy constraint"),
    (f"kms:\n  keys:\n    - KeyId: {KEY}\n      KeyMaterial: AAAA\n",
     "KeyMaterial does not fit KeySpec SYMMETRIC_DEFAULT."),
])
def test_kms_entries_are_checked_as_create_key_checks(awslocal, tmp_path, text, message):
    seed = _write(tmp_path, text)
    result = awslocal("local", "seed", str(seed))
    assert result.exit_code == 254, result
    assert message in result.stderr
    line = 4 if text.count("\n") == 4 else 3
    assert f"({seed}, line {line}: kms.keys[0])" in result.stderr
    assert awslocal("kms", "list-keys").json == {"Keys": []}


@pytest.mark.parametrize(("text", "where"), [
    ("sqs:\n  queues: [\n", "line 3: not valid YAML"),
    ("ec2:\n  instances: []\n", "line 1: unknown section 'ec2'"),
    ("sqs:\n  topics: []\n", "line 2: unknown list sqs.'topics'"),
    ("sqs:\n  queues:\n    - just-a-name\n", "line 3: each entry of sqs.queues is a mapping"),
    # The model's checks, as the AWS CLI makes them on a --generate-cli-skeleton request.
    (f"kms:\n  keys:\n    - KeyId: {KEY}\n      Frob: 1\n",
     'line 4: kms.keys[0])'),
    ("sqs:\n  queues:\n    - QueueName: A\n      Messages:\n        - MessageBody: 5\n",
     "line 5: sqs.queues[0].Messages[0])"),
    ("sqs:\n  queues:\n    - QueueName: A\n      Attributes: [1, 2]\n",
     "line 4: sqs.queues[0])"),
])
def test_malformed_seeds_are_usage_errors(awslocal, tmp_path, text, where):
    seed = _write(tmp_path, text)
    result = awslocal("local", "seed", str(seed))
    assert result.exit_code == 252, result
    assert f"{seed}, {where}" in result.stderr
    assert "_List" not in result.stderr and "_Map" not in result.stderr


def test_asymmetric_material_from_pem(awslocal, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    seed = _write(tmp_path, "kms:\n  keys:\n    - KeyId: " + KEY + "\n      KeySpec: "
                  "ECC_NIST_P256\n      KeyUsage: SIGN_VERIFY\n      KeyMaterial: |\n"
                  + textwrap.indent(pem, "        "))
    assert awslocal("local", "seed", str(seed)).exit_code == 0
    public = awslocal("kms", "get-public-key", "--key-id", KEY).json["PublicKey"]
    assert base64.b64decode(public) == private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_awslocal_seed_applies_when_the_state_is_first_created(awslocal, tmp_path,
                                                               monkeypatch):
    seed = _write(tmp_path, SEED)
    monkeypatch.setenv("AWSLOCAL_SEED", str(seed))
    first = awslocal("sqs", "list-queues")
    assert first.exit_code == 0, first
    assert first.json["QueueUrls"] == ["https://sqs.us-east-1.amazonaws.com/123456789012/MyQueue"]
    # A state that exists is not seeded again: what the user deleted stays deleted.
    url = first.json["QueueUrls"][0]
    assert awslocal("sqs", "delete-queue", "--queue-url", url).exit_code == 0
    assert awslocal("sqs", "list-queues").stdout.strip() in ("", "{}")


def test_region_of_the_seed_file(awslocal, tmp_path):
    seed = _write(tmp_path, "Region: eu-west-1\nsqs:\n  queues:\n    - QueueName: Q\n")
    assert awslocal("local", "seed", str(seed)).json["Region"] == "eu-west-1"
    listed = awslocal("sqs", "list-queues", "--region", "eu-west-1").json
    assert listed["QueueUrls"] == ["https://sqs.eu-west-1.amazonaws.com/123456789012/Q"]


# -- the AWS CLI's documented examples, run as written against state/examples/aws-docs.yaml --

# (example file, the command exactly as the AWS CLI's documentation prints it, less `aws` and
# any shell redirection after it). Run in order: some change what later ones see.
DOC_EXAMPLES = [
    ("kms/describe-key.rst", "kms describe-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("kms/get-key-rotation-status.rst",
     "kms get-key-rotation-status --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("kms/list-resource-tags.rst",
     "kms list-resource-tags --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("kms/list-key-policies.rst",
     "kms list-key-policies --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("kms/get-key-policy.rst", "kms get-key-policy --policy-name default --key-id "
     "1234abcd-12ab-34cd-56ef-1234567890ab --query Policy --output text"),
    ("kms/generate-data-key.rst",
     "kms generate-data-key --key-id alias/ExampleAlias --key-spec AES_256"),
    ("kms/generate-data-key.rst", "kms generate-data-key --key-id "
     "1234abcd-12ab-34cd-56ef-1234567890ab --number-of-bytes 64"),
    ("kms/list-aliases.rst", "kms list-aliases --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("kms/tag-resource.rst", "kms tag-resource --key-id 1234abcd-12ab-34cd-56ef-1234567890ab "
     "--tags TagKey='Purpose',TagValue='Test' TagKey='Dept',TagValue='IT'"),
    ("kms/disable-key.rst", "kms disable-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("kms/enable-key.rst", "kms enable-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("kms/update-alias.rst", "kms update-alias --alias-name alias/test-key --target-key-id "
     "1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("sqs/get-queue-url.rst", "sqs get-queue-url --queue-name MyQueue"),
    ("sqs/tag-queue.rst", "sqs tag-queue --queue-url "
     "https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue --tags Priority=Highest"),
    ("sqs/list-queue-tags.rst",
     "sqs list-queue-tags --queue-url https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue"),
    ("sqs/untag-queue.rst", "sqs untag-queue --queue-url "
     "https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue --tag-keys \"Priority\""),
    ("sns/get-topic-attributes.rst",
     "sns get-topic-attributes --topic-arn \"arn:aws:sns:us-west-2:123456789012:my-topic\""),
    ("sns/list-subscriptions-by-topic.rst", "sns list-subscriptions-by-topic --topic-arn "
     "\"arn:aws:sns:us-west-2:123456789012:my-topic\""),
    ("sns/set-topic-attributes.rst", "sns set-topic-attributes --topic-arn "
     "arn:aws:sns:us-west-2:123456789012:MyTopic --attribute-name DisplayName "
     "--attribute-value MyTopicDisplayName"),
    ("sns/tag-resource.rst", "sns tag-resource --resource-arn "
     "arn:aws:sns:us-west-2:123456789012:MyTopic --tags Key=Team,Value=Alpha"),
    ("sns/list-tags-for-resource.rst",
     "sns list-tags-for-resource --resource-arn arn:aws:sns:us-west-2:123456789012:MyTopic"),
    ("sns/subscribe.rst", "sns subscribe --topic-arn arn:aws:sns:us-west-2:123456789012:my-topic "
     "--protocol email --notification-endpoint my-email@example.com"),
]
DOCS = Path(__file__).resolve().parents[3] / "shared/tools/aws-cli-v2/awscli/examples"


@pytest.mark.needs_aws_v2
@pytest.mark.parametrize(("doc", "command"), DOC_EXAMPLES)
def test_the_sampled_commands_are_the_documented_ones(doc, command):
    text = " ".join((DOCS / doc).read_text().replace("\\\n", " ").split())
    assert "aws " + command in text


def test_documented_examples_run_against_the_example_seed(awslocal, monkeypatch):
    import shlex

    monkeypatch.setenv("AWS_REGION", "us-west-2")
    seeded = awslocal("local", "seed", str(EXAMPLES / "aws-docs.yaml"))
    assert seeded.exit_code == 0, seeded
    for doc, command in DOC_EXAMPLES:
        result = awslocal(*shlex.split(command))
        assert result.exit_code == 0, (doc, result)
    tags = awslocal("kms", "list-resource-tags", "--key-id", KEY).json["Tags"]
    assert {"TagKey": "Dept", "TagValue": "IT"} in tags
    aliases = awslocal("kms", "list-aliases", "--key-id", KEY).json["Aliases"]
    assert sorted(a["AliasName"] for a in aliases) == ["alias/ExampleAlias", "alias/test-key"]
    subs = awslocal("sns", "list-subscriptions-by-topic", "--topic-arn",
                    "arn:aws:sns:us-west-2:123456789012:my-topic").json["Subscriptions"]
    assert sorted(s["Protocol"] for s in subs) == ["email", "sqs"]
    # The seeded queue holds the documented message, and the topic delivers to it.
    url = "https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue"
    assert awslocal("sns", "publish", "--topic-arn", "arn:aws:sns:us-west-2:123456789012:my-topic",
                    "--message", "Hello world!").exit_code == 0
    got = awslocal("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages",
                   "10").json["Messages"]
    bodies = [m["Body"] for m in got]
    assert "Information about the largest city in Any Region." in bodies
    assert any(json.loads(b).get("Message") == "Hello world!" for b in bodies
               if b.startswith("{"))


def test_a_failing_awslocal_seed_fails_the_command_that_created_the_state(awslocal, tmp_path,
                                                                         monkeypatch):
    seed = _write(tmp_path, "sqs:\n  queues:\n    - QueueName: A\n      Attributes: {Colour: b}\n")
    monkeypatch.setenv("AWSLOCAL_SEED", str(seed))
    result = awslocal("sqs", "list-queues")
    assert result.exit_code == 254
    assert f"Unknown Attribute Colour. ({seed}, line 4: sqs.queues[0])" in result.stderr
    # The state exists, empty; it is not seeded again (fix the seed, then `local seed` it).
    assert awslocal("sqs", "list-queues").stdout.strip() in ("", "{}")
