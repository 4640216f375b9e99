"""Issue 25 hole 3: an import authenticates the whole document (format 2, with a passphrase),
binds each secret to its row, and checks every row against the model before writing anything,
with or without a passphrase; `local check` checks the model too."""

from __future__ import annotations

import base64
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portable.test_export import KEY, OTHER, _build, _decrypt, _ok

EXPORTED = ("kms_keys", "kms_key_material", "kms_aliases", "sqs_queues", "sns_topics")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One built state and its exports (with a passphrase, and without secrets)."""
    from click.testing import CliRunner

    from tests.conftest import cli

    tmp = tmp_path_factory.mktemp("integrity")
    runner = CliRunner()

    def awslocal(*args):
        r = runner.invoke(cli, list(args), catch_exceptions=False,
                          env={"AWS_CONFIG_FILE": str(tmp / "c"),
                               "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "cr")})
        from tests.conftest import Result
        return Result(r.exit_code, r.stdout, r.stderr)

    pw = tmp / "pw.txt"
    pw.write_text("correct horse battery staple\n")
    source = tmp / "source"
    info = _build(awslocal, source)
    full = _ok(awslocal("local", "export", "--include-messages", "--passphrase-file", str(pw),
                        "--state-dir", str(source)))
    bare = _ok(awslocal("local", "export", "--no-secrets", "--state-dir", str(source)))
    return {"full": full, "bare": bare, "blob": info["blob"], "passphrase": pw}


def _import(awslocal, tmp_path, doc, passphrase=None, *, text=None, name="target"):
    path = tmp_path / f"{name}.json"
    path.write_text(text if text is not None else json.dumps(doc))
    args = ["local", "import", str(path), "--state-dir", str(tmp_path / name)]
    if passphrase is not None:
        args += ["--passphrase-file", str(passphrase)]
    return awslocal(*args)


def _empty(tmp_path, name="target"):
    db = tmp_path / name / "state.db"
    if not db.exists():
        return True
    conn = sqlite3.connect(db)
    try:
        return all(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0
                   for t in EXPORTED)
    finally:
        conn.close()


def _refused(result, *fragments):
    assert result.exit_code == 253, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "Nothing was imported" in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def _first(doc, table, **match):
    for i, row in enumerate(doc["Tables"][table]):
        if all(row.get(k) == v for k, v in match.items()):
            return i, row
    raise AssertionError(f"no {table} row {match}")


def test_a_passphrase_export_is_format_2_with_a_mac(made):
    doc = made["full"]
    assert doc["FormatVersion"] == 2
    assert doc["Secrets"]["Mac"]["Algorithm"] == "HMAC-SHA256"
    assert len(base64.b64decode(doc["Secrets"]["Mac"]["Value"])) == 32
    assert "Mac" not in made["bare"]["Secrets"]


@pytest.mark.parametrize("edit", ["rename_key", "key_state", "queue_attribute", "clock",
                                  "description", "drop_row"])
def test_any_edit_of_an_authenticated_export_is_refused(awslocal, tmp_path, made, edit):
    doc = json.loads(json.dumps(made["full"]))
    if edit == "rename_key":
        _, row = _first(doc, "kms_keys", key_id=KEY)
        row["key_id"] = KEY[:-1] + "c"
        row["arn"] = row["arn"][:-1] + "c"
    elif edit == "key_state":
        _first(doc, "kms_keys", key_id=KEY)[1]["key_state"] = "Disabled"
    elif edit == "queue_attribute":
        _first(doc, "sqs_queues", name="MyQueue")[1]["attributes"] = json.dumps(
            {"VisibilityTimeout": "31"})
    elif edit == "clock":
        doc["ClockOffsetSeconds"] = 7200.0
    elif edit == "description":
        _first(doc, "kms_keys", key_id=KEY)[1]["description"] = "changed"
    else:
        doc["Tables"]["kms_grants"].pop()
    result = _import(awslocal, tmp_path, doc, made["passphrase"])
    _refused(result, "its MAC (Secrets.Mac) does not match")
    assert _empty(tmp_path)


def test_a_document_claiming_format_1_without_its_mac_is_refused(awslocal, tmp_path, made):
    doc = json.loads(json.dumps(made["full"]))
    doc["FormatVersion"] = 1
    del doc["Secrets"]["Mac"]
    _first(doc, "kms_keys", key_id=KEY)[1]["key_state"] = "Disabled"
    result = _import(awslocal, tmp_path, doc, made["passphrase"])
    assert result.exit_code == 252 and "does not open this export" in result.stderr, result
    assert _empty(tmp_path)


def _remac(doc, passphrase: bytes):
    """What someone holding the passphrase could do: recompute the MAC after an edit."""
    from awslocal_cli.crypto import portable
    from awslocal_cli.portable import export

    key = export._derive(doc["Secrets"]["Kdf"], passphrase)
    doc["Secrets"]["Mac"]["Value"] = base64.b64encode(
        portable.document_mac(key, export._canonical(doc))).decode()


def test_swapped_key_material_does_not_open_even_under_a_valid_mac(awslocal, tmp_path, made):
    doc = json.loads(json.dumps(made["full"]))
    rows = doc["Tables"]["kms_key_material"]
    i, a = _first(doc, "kms_key_material", key_id=KEY)
    j, b = _first(doc, "kms_key_material", key_id=OTHER)
    a["wrapped"], b["wrapped"] = b["wrapped"], a["wrapped"]
    assert rows[i] is a and rows[j] is b
    _remac(doc, b"correct horse battery staple")
    result = _import(awslocal, tmp_path, doc, made["passphrase"])
    _refused(result, f"Tables.kms_key_material[{min(i, j)}].wrapped: the secret does not open")
    assert _empty(tmp_path)


def test_the_untouched_export_still_imports_and_decrypts(awslocal, tmp_path, made):
    report = _ok(_import(awslocal, tmp_path, made["full"], made["passphrase"]))
    assert report["Authenticated"] is True
    got = _decrypt(awslocal, tmp_path / "target", made["blob"], tmp_path)
    assert base64.b64decode(got.json["Plaintext"]) == b"before the export"


def _edit_attributes(doc, change):
    row = _first(doc, "sqs_queues", name="MyQueue")[1]
    row["attributes"] = json.dumps(change(json.loads(row["attributes"])))


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: _first(d, "kms_keys", key_id=KEY)[1].update(key_state="Enabldd"),
     "kms_keys[{kms_keys}].key_state: 'Enabldd' is not a KeyState"),
    (lambda d: _edit_attributes(d, lambda a: {
        k.replace("VisibilityTimeout", "VisibiltyTimeout"): v for k, v in a.items()}),
     "sqs_queues[{sqs_queues}].attributes.VisibiltyTimeout: is not a queue attribute"),
    (lambda d: _edit_attributes(d, lambda a: {**a, "DelaySeconds": "901"}),
     "sqs_queues[{sqs_queues}].attributes.DelaySeconds: '901' is not an integer from 0 to 900"),
    (lambda d: d.update(ClockOffsetSeconds=1e12), "ClockOffsetSeconds: 1000000000000.0"),
    (lambda d: _first(d, "kms_aliases", alias_name="alias/ExampleAlias")[1].update(
        key_id="00000000-0000-0000-0000-000000000000"),
     "kms_aliases[{kms_aliases}].key_id: '00000000-0000-0000-0000-000000000000' names no KMS"),
    (lambda d: _first(d, "kms_keys", key_id=KEY)[1].update(key_id="renamed"),
     "kms_keys[{kms_keys}].arn:"),
    (lambda d: _first(d, "kms_keys", key_id=KEY)[1].update(creation_date="yesterday"),
     "kms_keys[{kms_keys}].creation_date: 'yesterday' is not a finite number"),
    (lambda d: _first(d, "kms_keys", key_id=KEY)[1].update(colour="blue"),
     "kms_keys[{kms_keys}].colour: is not a column of kms_keys"),
    (lambda d: _first(d, "kms_keys", key_id=KEY)[1].pop("key_spec"),
     "kms_keys[{kms_keys}].key_spec: is missing"),
    # Found by fuzzing: an object or a list where a name belongs is refused, not a crash.
    (lambda d: _first(d, "sns_topics", name="my-topic")[1].update(arn={"a": 1}),
     "sns_topics[{sns_topics}].arn: {{'a': 1}} is not a string"),
    (lambda d: _first(d, "kms_aliases", alias_name="alias/ExampleAlias")[1].update(
        key_id=[KEY]), "kms_aliases[{kms_aliases}].key_id: ['"),
])
def test_rows_the_model_does_not_allow_are_refused_without_a_passphrase(
        awslocal, tmp_path, made, edit, field):
    doc = json.loads(json.dumps(made["bare"]))
    index = {"kms_keys": _first(doc, "kms_keys", key_id=KEY)[0],
             "sqs_queues": _first(doc, "sqs_queues", name="MyQueue")[0],
             "kms_aliases": _first(doc, "kms_aliases", alias_name="alias/ExampleAlias")[0],
             "sns_topics": _first(doc, "sns_topics", name="my-topic")[0]}
    edit(doc)
    result = _import(awslocal, tmp_path, doc)
    _refused(result, field.format(**index))
    assert _empty(tmp_path)


def test_a_grant_on_a_missing_key_is_refused_with_a_passphrase_too(awslocal, tmp_path, made):
    doc = json.loads(json.dumps(made["full"]))
    doc["Tables"]["kms_grants"][0]["operations"] = json.dumps(["Decrypt", "Teleport"])
    _remac(doc, b"correct horse battery staple")
    result = _import(awslocal, tmp_path, doc, made["passphrase"])
    _refused(result, "Tables.kms_grants[0].operations:", "GrantOperation")
    assert _empty(tmp_path)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True),
       bit=st.integers(min_value=0, max_value=6))
def test_a_flipped_byte_never_imports_a_different_state(awslocal, tmp_path_factory, made,
                                                         position, bit):
    tmp = tmp_path_factory.mktemp("flip")
    text = json.dumps(made["full"], indent=1)
    at = int(position * len(text))
    flipped = text[:at] + chr(ord(text[at]) ^ (1 << bit)) + text[at + 1:]
    result = _import(awslocal, tmp, None, made["passphrase"], text=flipped)
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        # Only a change JSON does not see (whitespace, an escape of the same character).
        assert json.loads(flipped) == made["full"]
    else:
        assert result.exit_code in (252, 253), result
        assert _empty(tmp)


def test_local_check_reports_what_the_model_does_not_allow(awslocal, tmp_path):
    state = tmp_path / "s"
    _ok(awslocal("kms", "create-key", "--state-dir", str(state)))
    _ok(awslocal("sqs", "create-queue", "--queue-name", "q", "--state-dir", str(state)))
    conn = sqlite3.connect(state / "state.db")
    with conn:
        conn.execute("UPDATE kms_keys SET key_state = 'Enabldd'")
        conn.execute("UPDATE sqs_queues SET attributes = json_set(json_remove(attributes, "
                     "'$.VisibilityTimeout'), '$.VisibiltyTimeout', '30')")
    conn.close()
    result = awslocal("local", "check", "--state-dir", str(state))
    assert result.exit_code == 1, result
    (model,) = [c for c in result.json["Checks"] if c["Name"] == "Model"]
    assert model["Status"] == "failed" and model["ProblemCount"] == 3
    text = "\n".join(model["Problems"])
    assert ".key_state: 'Enabldd' is not a KeyState" in text
    assert "sqs_queues (123456789012, us-east-1, q).attributes.VisibiltyTimeout: is not a " \
           "queue attribute" in text
    assert ".attributes.VisibilityTimeout: is missing" in text
