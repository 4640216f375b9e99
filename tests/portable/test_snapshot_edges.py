"""Issue 25 hole 4: snapshots with a relative state dir, an older-schema snapshot holding key
material (a real schema-6 state, tests/golden/schema6), a symlinked snapshot file."""

from __future__ import annotations

import base64
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests import schema6

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/"


def _ok(result):
    assert result.exit_code == 0, result
    return result.json if result.stdout.strip() else None


def test_a_relative_state_dir_saves_lists_and_restores(awslocal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWSLOCAL_STATE_DIR", "rel/state")
    _ok(awslocal("sqs", "create-queue", "--queue-name", "A"))
    saved = _ok(awslocal("local", "snapshot", "save", "one"))
    assert saved["Snapshot"]["SchemaVersion"] >= 8
    assert [s["Name"] for s in _ok(awslocal("local", "snapshot", "list"))["Snapshots"]] == \
        ["one"]
    _ok(awslocal("sqs", "create-queue", "--queue-name", "B"))
    _ok(awslocal("local", "snapshot", "restore", "one"))
    assert _ok(awslocal("sqs", "list-queues"))["QueueUrls"] == [URL + "A"]
    # The same with --state-dir given relative.
    monkeypatch.delenv("AWSLOCAL_STATE_DIR")
    _ok(awslocal("local", "snapshot", "save", "two", "--state-dir", "rel/state"))


def test_a_failed_save_leaves_no_file_and_a_retry_works(awslocal, isolated_state, monkeypatch):
    from awslocal_cli.store import snapshots

    _ok(awslocal("sqs", "create-queue", "--queue-name", "A"))
    real = snapshots.backup

    def failing(conn, target):
        real(conn, target)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(snapshots, "backup", failing)
    failed = awslocal("local", "snapshot", "save", "one")
    assert failed.exit_code == 253, failed
    assert failed.stdout == "" and "Traceback" not in failed.stderr
    assert "one" in failed.stderr and "nothing was saved" in failed.stderr
    assert os.listdir(isolated_state / "snapshots") == []
    monkeypatch.setattr(snapshots, "backup", real)
    _ok(awslocal("local", "snapshot", "save", "one"))


def _schema6_directory(state: Path) -> dict:
    """A state directory as a user of a schema-6 awslocal left it, with the state.db of then
    also kept as snapshots/then.db; the current awslocal has since migrated state.db."""
    schema6.make_state(state)
    schema6.write_private(state / "snapshots" / "then.db", schema6.database_bytes())
    os.chmod(state / "snapshots", 0o700)
    return schema6.manifest()


def test_a_schema_6_snapshot_with_key_material_restores(awslocal, isolated_state, tmp_path):
    facts = _schema6_directory(isolated_state)
    listed = _ok(awslocal("local", "snapshot", "list"))["Snapshots"]
    assert [(s["Name"], s["SchemaVersion"]) for s in listed] == [("then", 6)]
    # Work after the upgrade: a new key, a new queue, the clock reset.
    _ok(awslocal("kms", "create-key", "--description", "after"))
    _ok(awslocal("sqs", "create-queue", "--queue-name", "later"))
    _ok(awslocal("local", "clock", "reset"))
    restored = _ok(awslocal("local", "snapshot", "restore", "then"))
    assert restored["Restored"] == "then"
    assert _ok(awslocal("sqs", "list-queues"))["QueueUrls"] == [URL + facts["QueueName"]]
    keys = _ok(awslocal("kms", "list-keys"))["Keys"]
    assert [k["KeyId"] for k in keys] == [facts["KeyId"]]
    blob = tmp_path / "ct"
    blob.write_bytes(base64.b64decode(facts["CiphertextBlob"]))
    plain = _ok(awslocal("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}"))
    assert base64.b64decode(plain["Plaintext"]).decode() == facts["Plaintext"]
    got = _ok(awslocal("sqs", "receive-message", "--queue-url", URL + facts["QueueName"]))
    assert got["Messages"][0]["Body"] == facts["MessageBody"]
    clock = _ok(awslocal("local", "clock", "show"))
    assert clock["OffsetSeconds"] == pytest.approx(facts["ClockOffsetSeconds"])
    report = awslocal("local", "check")
    assert report.exit_code == 0, report
    # The snapshot file itself was not migrated.
    assert _ok(awslocal("local", "snapshot", "list"))["Snapshots"][0]["SchemaVersion"] == 6


def test_a_snapshot_wrapped_by_another_root_key_is_refused(awslocal, isolated_state):
    _ok(awslocal("kms", "create-key", "--description", "mine"))
    schema6.write_private(isolated_state / "snapshots" / "foreign.db", schema6.database_bytes())
    before = _ok(awslocal("kms", "list-keys"))
    refused = awslocal("local", "snapshot", "restore", "foreign")
    assert refused.exit_code == 253, refused
    assert "root key" in refused.stderr and "nothing was restored" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _ok(awslocal("kms", "list-keys")) == before


def test_a_symlinked_snapshot_is_refused_not_followed(awslocal, isolated_state, tmp_path):
    _ok(awslocal("sqs", "create-queue", "--queue-name", "Mine"))
    _ok(awslocal("local", "snapshot", "save", "real"))
    elsewhere = tmp_path / "elsewhere.db"
    shutil.copyfile(isolated_state / "snapshots" / "real.db", elsewhere)
    conn = sqlite3.connect(elsewhere)
    with conn:
        conn.execute("UPDATE sqs_queues SET name = 'Planted', "
                     "arn = 'arn:aws:sqs:us-east-1:123456789012:Planted'")
    conn.close()
    os.symlink(elsewhere, isolated_state / "snapshots" / "link.db")
    refused = awslocal("local", "snapshot", "restore", "link")
    assert refused.exit_code == 253, refused
    assert "symbolic link" in refused.stderr and "Traceback" not in refused.stderr
    assert _ok(awslocal("sqs", "list-queues"))["QueueUrls"] == [URL + "Mine"]
    names = [s["Name"] for s in _ok(awslocal("local", "snapshot", "list"))["Snapshots"]]
    assert names == ["real"]
    # Deleting it removes the link only.
    _ok(awslocal("local", "snapshot", "delete", "link"))
    assert elsewhere.exists()


def test_a_symlinked_snapshots_folder_is_refused(awslocal, isolated_state, tmp_path):
    _ok(awslocal("sqs", "create-queue", "--queue-name", "Mine"))
    (tmp_path / "away").mkdir(mode=0o700)
    os.symlink(tmp_path / "away", isolated_state / "snapshots")
    refused = awslocal("local", "snapshot", "save", "x")
    assert refused.exit_code == 253, refused
    assert "symbolic link" in refused.stderr
    assert os.listdir(tmp_path / "away") == []


def test_restore_brings_back_the_clock_offset_saved_with_it(awslocal, isolated_state):
    # Issue 25 item 6: a restore that skipped the meta table passed when saved at offset 0.
    _ok(awslocal("sqs", "create-queue", "--queue-name", "A"))
    _ok(awslocal("local", "clock", "advance", "2d"))
    _ok(awslocal("sqs", "send-message", "--queue-url", URL + "A", "--message-body", "m",
                 "--delay-seconds", "900"))
    _ok(awslocal("local", "snapshot", "save", "at-2d"))
    _ok(awslocal("local", "clock", "advance", "1d"))
    assert _ok(awslocal("local", "clock", "show"))["OffsetSeconds"] == 3 * 86400
    _ok(awslocal("local", "snapshot", "restore", "at-2d"))
    assert _ok(awslocal("local", "clock", "show"))["OffsetSeconds"] == 2 * 86400
    # The message's delay is measured on the restored clock: still delayed.
    assert _ok(awslocal("sqs", "receive-message", "--queue-url", URL + "A")) is None
    _ok(awslocal("local", "clock", "advance", "15m"))
    got = _ok(awslocal("sqs", "receive-message", "--queue-url", URL + "A"))
    assert got["Messages"][0]["Body"] == "m"
    # And back to a snapshot taken at offset 0 resets it.
    _ok(awslocal("local", "clock", "reset"))
    _ok(awslocal("local", "snapshot", "save", "at-0"))
    _ok(awslocal("local", "clock", "advance", "5d"))
    _ok(awslocal("local", "snapshot", "restore", "at-0"))
    assert _ok(awslocal("local", "clock", "show"))["OffsetSeconds"] == 0
