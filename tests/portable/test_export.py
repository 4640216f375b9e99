"""`awslocal local export` / `import`: round trips, secrets, merges, and a golden export."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "state" / "examples" / "aws-docs.yaml"
GOLDEN = ROOT / "tests" / "golden" / "export"
KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER = "0987dcba-09fe-87dc-65ba-ab0987654321"
REGION = "us-west-2"
QUEUE = f"https://sqs.{REGION}.amazonaws.com/123456789012/MyQueue"
TOPIC = f"arn:aws:sns:{REGION}:123456789012:my-topic"


@pytest.fixture
def passphrase(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text("correct horse battery staple\n")
    return path


def _ok(result):
    assert result.exit_code == 0, result
    return result.json if result.stdout.strip() else None


def _build(awslocal, state: Path) -> dict:
    """A state with something of everything; returns what the test needs to check later."""
    s = ("--state-dir", str(state), "--region", REGION)
    _ok(awslocal("local", "seed", str(SEED), *s))
    blob = _ok(awslocal("kms", "encrypt", "--key-id", "alias/ExampleAlias", "--plaintext",
                        base64.b64encode(b"before the export").decode(), *s))["CiphertextBlob"]
    _ok(awslocal("kms", "rotate-key-on-demand", "--key-id", KEY, *s))
    rotated = _ok(awslocal("kms", "encrypt", "--key-id", KEY, "--plaintext",
                           base64.b64encode(b"after a rotation").decode(), *s))["CiphertextBlob"]
    _ok(awslocal("kms", "create-grant", "--key-id", KEY, "--grantee-principal",
                 "arn:aws:iam::123456789012:user/bob", "--operations", "Decrypt", "--name",
                 "bob", *s))
    _ok(awslocal("kms", "schedule-key-deletion", "--key-id", OTHER, "--pending-window-in-days",
                 "7", *s))
    _ok(awslocal("kms", "create-key", "--key-spec", "ECC_NIST_P256", "--key-usage",
                 "SIGN_VERIFY", "--description", "signer", *s))
    _ok(awslocal("sqs", "create-queue", "--queue-name", "Encrypted", "--attributes",
                 "KmsMasterKeyId=alias/ExampleAlias", *s))
    sent = _ok(awslocal("sqs", "send-message", "--queue-url", QUEUE.replace("MyQueue",
                        "Encrypted"), "--message-body", "secret body", "--message-attributes",
                        "k={DataType=String,StringValue=v}", *s))
    # One receive, so the message comes back with a receive count of 1.
    _ok(awslocal("sqs", "receive-message", "--queue-url", QUEUE, "--visibility-timeout", "0",
                 *s))
    _ok(awslocal("sns", "tag-resource", "--resource-arn", TOPIC, "--tags", "Key=Team,Value=A",
                 *s))
    _ok(awslocal("local", "clock", "advance", "1h", *s))
    return {"blob": blob, "rotated": rotated, "sent": sent}


def _answers(awslocal, state: Path) -> dict:
    s = ("--state-dir", str(state), "--region", REGION)
    out = {}
    keys = _ok(awslocal("kms", "list-keys", *s))
    out["keys"] = keys
    for k in keys["Keys"]:
        out[k["KeyId"]] = _ok(awslocal("kms", "describe-key", "--key-id", k["KeyId"], *s))
    for args in (("kms", "list-aliases"), ("kms", "list-grants", "--key-id", KEY),
                 ("kms", "get-key-rotation-status", "--key-id", KEY),
                 ("kms", "list-key-rotations", "--key-id", KEY),
                 ("kms", "list-resource-tags", "--key-id", KEY),
                 ("kms", "get-key-policy", "--key-id", KEY),
                 ("sqs", "list-queues"),
                 ("sqs", "get-queue-attributes", "--queue-url", QUEUE, "--attribute-names", "All"),
                 ("sqs", "list-queue-tags", "--queue-url", QUEUE),
                 ("sns", "list-topics"), ("sns", "list-subscriptions"),
                 ("sns", "get-topic-attributes", "--topic-arn", TOPIC),
                 ("sns", "list-tags-for-resource", "--resource-arn", TOPIC)):
        out[" ".join(args)] = _ok(awslocal(*args, *s))
    return out


def _decrypt(awslocal, state: Path, blob: str, tmp_path: Path):
    path = tmp_path / "blob.bin"
    path.write_bytes(base64.b64decode(blob))
    return awslocal("kms", "decrypt", "--ciphertext-blob", f"fileb://{path}", "--state-dir",
                    str(state), "--region", REGION)


def _receive(awslocal, state: Path, url: str) -> list[dict]:
    got = _ok(awslocal("sqs", "receive-message", "--queue-url", url, "--attribute-names", "All",
                       "--message-attribute-names", "All", "--max-number-of-messages", "10",
                       "--state-dir", str(state), "--region", REGION))
    messages = (got or {}).get("Messages", [])
    for m in messages:
        m.pop("ReceiptHandle")
        if m["Attributes"]["ApproximateReceiveCount"] == "1":
            # Set by this very receive, on the system clock: not something an export keeps.
            m["Attributes"].pop("ApproximateFirstReceiveTimestamp")
    return messages


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_round_trip_gives_the_same_answers(awslocal, tmp_path, passphrase, fmt):
    source, target = tmp_path / "source", tmp_path / "target"
    made = _build(awslocal, source)
    export = tmp_path / f"export.{fmt}"
    _ok(awslocal("local", "export", "--include-messages", "--passphrase-file", str(passphrase),
                 "--format", fmt, "--output-file", str(export), "--state-dir", str(source)))
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    report = _ok(awslocal("local", "import", str(export), "--passphrase-file", str(passphrase),
                          "--state-dir", str(target)))
    assert report["Imported"]["kms_keys"] == 3 and report["Imported"]["sqs_messages"] == 2
    assert report["ClockOffsetSeconds"] == pytest.approx(3600)
    assert _answers(awslocal, target) == _answers(awslocal, source)
    for blob, plain in ((made["blob"], b"before the export"), (made["rotated"],
                                                               b"after a rotation")):
        out = _decrypt(awslocal, target, blob, tmp_path)
        assert out.exit_code == 0, out
        assert base64.b64decode(out.json["Plaintext"]) == plain
    received = {}
    for url in (QUEUE, QUEUE.replace("MyQueue", "Encrypted")):
        received[url] = _receive(awslocal, target, url)
        assert received[url] == _receive(awslocal, source, url)
    # The messages came back with their ids, attributes and receive counts.
    [seeded] = received[QUEUE]
    assert seeded["Body"] == "Information about the largest city in Any Region."
    assert seeded["Attributes"]["ApproximateReceiveCount"] == "2"
    assert seeded["MessageAttributes"]["City"]["StringValue"] == "Any City"


def test_exported_message_keeps_its_id_attributes_and_receive_count(awslocal, tmp_path,
                                                                   passphrase):
    source, target = tmp_path / "source", tmp_path / "target"
    made = _build(awslocal, source)
    export = tmp_path / "export.json"
    _ok(awslocal("local", "export", "--include-messages", "--passphrase-file", str(passphrase),
                 "--output-file", str(export), "--state-dir", str(source)))
    _ok(awslocal("local", "import", str(export), "--passphrase-file", str(passphrase),
                 "--state-dir", str(target)))
    [message] = _receive(awslocal, target, QUEUE.replace("MyQueue", "Encrypted"))
    assert message["MessageId"] == made["sent"]["MessageId"]
    assert message["Body"] == "secret body"
    assert message["MD5OfBody"] == made["sent"]["MD5OfMessageBody"]
    assert message["MessageAttributes"] == {"k": {"DataType": "String", "StringValue": "v"}}
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    [seeded] = _receive(awslocal, target, QUEUE)
    assert seeded["Attributes"]["ApproximateReceiveCount"] == "2"


def test_the_export_holds_no_secret_in_the_clear(awslocal, tmp_path, passphrase):
    source = tmp_path / "source"
    _build(awslocal, source)
    out = awslocal("local", "export", "--include-messages", "--passphrase-file", str(passphrase),
                   "--state-dir", str(source))
    assert out.exit_code == 0, out
    text = out.stdout
    assert "secret body" not in text and "largest city" not in text
    assert "YEFDfXKLT0yDNLtQuJGzBFCIIc5Bp2e8e7ufNsS/yV8=" not in text  # the seeded material
    raw = base64.b64decode("YEFDfXKLT0yDNLtQuJGzBFCIIc5Bp2e8e7ufNsS/yV8=")
    assert base64.b64encode(raw).decode() not in text
    doc = json.loads(text)
    assert doc["Format"] == "awslocal-state-export" and doc["FormatVersion"] == 2
    assert doc["Secrets"]["Kdf"]["Name"] == "scrypt"
    assert {"N", "r", "p", "Salt", "Length"} <= set(doc["Secrets"]["Kdf"])
    assert all(set(m["wrapped"]) == {"Secret"} for m in doc["Tables"]["kms_key_material"])
    assert all(set(m["body"]) == {"Secret"} for m in doc["Tables"]["sqs_messages"])
    assert "sqs_messages" not in json.loads(_ok_text(awslocal, "local", "export",
                                                     "--passphrase-file", str(passphrase),
                                                     "--state-dir", str(source)))["Tables"]


def _ok_text(awslocal, *args):
    result = awslocal(*args)
    assert result.exit_code == 0, result
    return result.stdout


def test_wrong_passphrase_is_one_clear_error(awslocal, tmp_path, passphrase):
    source, target = tmp_path / "source", tmp_path / "target"
    _build(awslocal, source)
    export = tmp_path / "export.json"
    _ok(awslocal("local", "export", "--passphrase-file", str(passphrase), "--output-file",
                 str(export), "--state-dir", str(source)))
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("Tr0ub4dor&3\n")
    result = awslocal("local", "import", str(export), "--passphrase-file", str(wrong),
                      "--state-dir", str(target))
    assert result.exit_code == 252
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "awslocal: [ERROR]: An error occurred (ParamValidation): The passphrase does not open "
        "this export; nothing was imported."]
    assert _ok(awslocal("kms", "list-keys", "--state-dir", str(target), "--region",
                        REGION)) == {"Keys": []}


def test_no_secrets_says_which_keys_cannot_be_restored(awslocal, tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    made = _build(awslocal, source)
    out = awslocal("local", "export", "--no-secrets", "--state-dir", str(source))
    assert out.exit_code == 0, out
    doc = json.loads(out.stdout)
    arn = f"arn:aws:kms:{REGION}:123456789012:key/"
    assert set(doc["Secrets"]["KeysWithoutMaterial"]) >= {arn + KEY, arn + OTHER}
    assert doc["Secrets"]["Omitted"] is True
    assert '"Secret":' not in out.stdout
    export = tmp_path / "export.json"
    export.write_text(out.stdout)
    report = _ok(awslocal("local", "import", str(export), "--state-dir", str(target)))
    assert arn + KEY in report["KeysWithoutMaterial"]
    meta = _ok(awslocal("kms", "describe-key", "--key-id", "alias/ExampleAlias", "--state-dir",
                        str(target), "--region", REGION))
    assert meta["KeyMetadata"]["KeyId"] == KEY
    failed = _decrypt(awslocal, target, made["blob"], tmp_path)
    assert failed.exit_code == 254 and "InvalidCiphertextException" in failed.stderr
    both = awslocal("local", "export", "--no-secrets", "--include-messages", "--state-dir",
                    str(source))
    assert both.exit_code == 252 and "--include-messages needs the secrets" in both.stderr


def test_import_needs_an_empty_state_or_a_merge_without_conflicts(awslocal, tmp_path,
                                                                 passphrase):
    source, target = tmp_path / "source", tmp_path / "target"
    _build(awslocal, source)
    export = tmp_path / "export.json"
    _ok(awslocal("local", "export", "--include-messages", "--passphrase-file", str(passphrase),
                 "--output-file", str(export), "--state-dir", str(source)))
    t = ("--state-dir", str(target), "--region", REGION)
    _ok(awslocal("sqs", "create-queue", "--queue-name", "Mine", *t, "--attributes",
                 "KmsMasterKeyId=alias/aws/sqs"))
    _ok(awslocal("sqs", "send-message", "--queue-url", QUEUE.replace("MyQueue", "Mine"),
                 "--message-body", "mine", *t))
    refused = awslocal("local", "import", str(export), "--passphrase-file", str(passphrase), *t)
    assert refused.exit_code == 253 and "is not empty" in refused.stderr
    merged = _ok(awslocal("local", "import", str(export), "--passphrase-file", str(passphrase),
                          "--merge", *t))
    assert merged["Merged"] is True
    urls = _ok(awslocal("sqs", "list-queues", *t))["QueueUrls"]
    assert QUEUE.replace("MyQueue", "Mine") in urls and QUEUE in urls
    # Renumbered rows still find their queue and their data keys.
    assert [m["Body"] for m in _receive(awslocal, target, QUEUE.replace("MyQueue", "Mine"))] \
        == ["mine"]
    assert [m["Body"] for m in _receive(awslocal, target,
                                        QUEUE.replace("MyQueue", "Encrypted"))] == ["secret body"]
    before = _answers(awslocal, target)
    conflict = awslocal("local", "import", str(export), "--passphrase-file", str(passphrase),
                        "--merge", *t)
    assert conflict.exit_code == 253
    assert "conflicts with" in conflict.stderr and f"kms_keys 123456789012/{REGION}/{KEY}" in \
        conflict.stderr and "Nothing was imported" in conflict.stderr
    assert _answers(awslocal, target) == before


def test_not_an_export(awslocal, tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    result = awslocal("local", "import", str(path))
    assert result.exit_code == 252 and "is not an awslocal export" in result.stderr
    path.write_text(json.dumps({"Format": "awslocal-state-export", "FormatVersion": 99}))
    result = awslocal("local", "import", str(path))
    assert result.exit_code == 253 and "format version 99" in result.stderr


# -- the golden export: what release 1 of the format wrote, imported by every later release --

GOLDEN_PASSPHRASE = "golden export passphrase"


@pytest.mark.parametrize("version", [1, 2])
def test_golden_export_still_imports(awslocal, tmp_path, monkeypatch, version):
    """Only compares, whatever the environment says: `python tools/regen_golden.py --export`
    writes the golden files of the current format version."""
    facts = json.loads((GOLDEN / f"v{version}.facts.json").read_text())
    # The local time of the export, a minute on: the messages' retention and the keys'
    # schedules in the golden file are dates of that clock, not of today's.
    from datetime import datetime, timedelta

    doc = json.loads((GOLDEN / f"v{version}.json").read_text())
    assert doc["FormatVersion"] == version
    then = datetime.fromisoformat(doc["ExportedAt"]) + timedelta(
        seconds=doc["ClockOffsetSeconds"] + 60)
    monkeypatch.setenv("AWSLOCAL_NOW", then.isoformat())
    passphrase = tmp_path / "p.txt"
    passphrase.write_text(GOLDEN_PASSPHRASE)
    target = tmp_path / "target"
    report = _ok(awslocal("local", "import", str(GOLDEN / f"v{version}.json"),
                          "--passphrase-file", str(passphrase), "--state-dir", str(target)))
    assert report["Authenticated"] is (version >= 2)
    for blob, plain in facts["Ciphertexts"]:
        out = _decrypt(awslocal, target, blob, tmp_path)
        assert out.exit_code == 0, out
        assert base64.b64decode(out.json["Plaintext"]).decode() == plain
    for url, expected in facts["Messages"].items():
        got = _receive(awslocal, target, url)
        assert sorted((m["MessageId"], m["Body"], m["Attributes"]["ApproximateReceiveCount"])
                      for m in got) == sorted(tuple(e) for e in expected)
    subs = _ok(awslocal("sns", "list-subscriptions", "--state-dir", str(target), "--region",
                        REGION))["Subscriptions"]
    assert [s["SubscriptionArn"] for s in subs] == facts["Subscriptions"]


def regenerate(awslocal, tmp_path: Path) -> None:
    """Write the golden files of the current format version anew; tools/regen_golden.py
    --export calls this (only when the format changes version: a new golden file beside the old
    ones, which must keep importing)."""
    from awslocal_cli.portable.export import FORMAT_VERSION

    name = f"v{FORMAT_VERSION}"
    source = tmp_path / "golden-source"
    made = _build(awslocal, source)
    passphrase = tmp_path / "golden-pass.txt"
    passphrase.write_text(GOLDEN_PASSPHRASE)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    _ok(awslocal("local", "export", "--include-messages", "--passphrase-file", str(passphrase),
                 "--output-file", str(GOLDEN / f"{name}.json"), "--state-dir", str(source)))
    messages = {}
    for url in (QUEUE, QUEUE.replace("MyQueue", "Encrypted")):
        listed = _receive(awslocal, source, url)
        # Receiving counts once more: the import's first receive sees count + 1.
        messages[url] = [(m["MessageId"], m["Body"], m["Attributes"]["ApproximateReceiveCount"])
                         for m in listed]
    subs = _ok(awslocal("sns", "list-subscriptions", "--state-dir", str(source), "--region",
                        REGION))["Subscriptions"]
    facts = {"Ciphertexts": [[made["blob"], "before the export"],
                             [made["rotated"], "after a rotation"]],
             "Messages": messages, "Subscriptions": [s["SubscriptionArn"] for s in subs]}
    (GOLDEN / f"{name}.facts.json").write_text(json.dumps(facts, indent=1) + "\n")


def test_custom_key_stores_and_platform_credentials_travel_encrypted(awslocal, tmp_path,
                                                                     passphrase):
    source, target = tmp_path / "source", tmp_path / "target"
    s = ("--state-dir", str(source))
    secret = "S" * 43
    _ok(awslocal("kms", "create-custom-key-store", "--custom-key-store-name", "xks",
                 "--custom-key-store-type", "EXTERNAL_KEY_STORE", "--xks-proxy-uri-endpoint",
                 "https://xks.example.com", "--xks-proxy-uri-path", "/kms/xks/v1",
                 "--xks-proxy-connectivity", "PUBLIC_ENDPOINT",
                 "--xks-proxy-authentication-credential",
                 f"AccessKeyId=ABCDEFGHIJKLMNOPQRST,RawSecretAccessKey={secret}", *s))
    app = _ok(awslocal("sns", "create-platform-application", "--name", "app", "--platform",
                       "ADM", "--attributes",
                       "PlatformPrincipal=client-id,PlatformCredential=client-secret-value",
                       *s))["PlatformApplicationArn"]
    export = tmp_path / "export.json"
    _ok(awslocal("local", "export", "--passphrase-file", str(passphrase), "--output-file",
                 str(export), *s))
    text = export.read_text()
    assert secret not in text and "client-secret-value" not in text
    _ok(awslocal("local", "import", str(export), "--passphrase-file", str(passphrase),
                 "--state-dir", str(target)))
    for args in (("kms", "describe-custom-key-stores"),
                 ("sns", "get-platform-application-attributes", "--platform-application-arn",
                  app)):
        assert _ok(awslocal(*args, "--state-dir", str(target))) == _ok(awslocal(*args, *s))
    # The credentials were re-wrapped with the new root key: SNS opens them there.
    from awslocal_cli.context import Context
    from awslocal_cli.services.sns import platform
    from awslocal_cli.store.sns import records

    ctx = Context.from_options(state_dir=str(target))
    with ctx.session:
        row = records.get_application(ctx.db, ctx.account, ctx.region, app)
        assert platform._opened(ctx, row) == {"PlatformCredential": "client-secret-value",
                                              "PlatformPrincipal": "client-id"}


def test_a_receipt_handle_from_before_the_export_still_deletes_its_message(awslocal, tmp_path,
                                                                          passphrase):
    source, target = tmp_path / "source", tmp_path / "target"
    s = ("--state-dir", str(source), "--region", REGION)
    _ok(awslocal("local", "seed", str(SEED), *s))
    # Gaps in the queue and message row ids, so that renumbering would show.
    _ok(awslocal("sqs", "create-queue", "--queue-name", "Gone", *s))
    _ok(awslocal("sqs", "create-queue", "--queue-name", "Later", *s))
    _ok(awslocal("sqs", "delete-queue", "--queue-url", QUEUE.replace("MyQueue", "Gone"), *s))
    url = QUEUE.replace("MyQueue", "Later")
    for body in ("one", "two"):
        _ok(awslocal("sqs", "send-message", "--queue-url", url, "--message-body", body, *s))
    _ok(awslocal("sqs", "purge-queue", "--queue-url", QUEUE, *s))  # the seeded message
    got = _ok(awslocal("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages",
                       "10", *s))["Messages"]
    export = tmp_path / "export.json"
    _ok(awslocal("local", "export", "--include-messages", "--passphrase-file", str(passphrase),
                 "--output-file", str(export), *s))
    t = ("--state-dir", str(target), "--region", REGION)
    _ok(awslocal("local", "import", str(export), "--passphrase-file", str(passphrase), *t))
    for message in got:
        _ok(awslocal("sqs", "delete-message", "--queue-url", url, "--receipt-handle",
                     message["ReceiptHandle"], *t))
    attrs = _ok(awslocal("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                         "All", *t))["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"
