"""`local check`, `local reset` on damaged and full states, and space given back (issue 12)."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from awslocal_cli.context import Context
from awslocal_cli.dispatch import invoke
from awslocal_cli.services import kms, sqs


def _ctx(directory: Path) -> Context:
    return Context.from_options(state_dir=str(directory), environ={})


def _populated(directory: Path) -> dict[str, str]:
    """A state with a key, an SSE-KMS queue holding a message, and an encrypted topic."""
    from awslocal_cli.services import sns

    key = invoke(_ctx(directory), kms.create_key)["KeyMetadata"]["KeyId"]
    url = invoke(_ctx(directory), sqs.create_queue, QueueName="q",
                                 Attributes={"KmsMasterKeyId": key})["QueueUrl"]
    invoke(_ctx(directory), sqs.send_message, QueueUrl=url, MessageBody="hello")
    topic = invoke(_ctx(directory), sns.create_topic, Name="t",
                                   Attributes={"KmsMasterKeyId": key})["TopicArn"]
    invoke(_ctx(directory), sns.publish, TopicArn=topic, Message="m")
    return {"key": key, "url": url, "topic": topic}


def _sql(directory: Path, statement: str, *args: object) -> None:
    conn = sqlite3.connect(directory / "state.db")
    with conn:
        conn.execute(statement, args)
    conn.close()


def _check(awslocal, directory: Path):
    result = awslocal("local", "check", "--state-dir", str(directory))
    return result, (json.loads(result.stdout) if result.stdout.strip() else None)


def test_a_clean_state_checks_clean(awslocal, tmp_path):
    directory = tmp_path / "s"
    _populated(directory)
    result, report = _check(awslocal, directory)
    assert result.exit_code == 0, result
    assert report["Clean"] is True and report["ProblemCount"] == 0
    by_name = {c["Name"]: c for c in report["Checks"]}
    assert set(by_name) == {"Database", "RootKey", "KeyMaterial", "DataKeys", "OtherSecrets",
                            "Policies", "Model"}
    assert by_name["KeyMaterial"]["Checked"] >= 1 and by_name["DataKeys"]["Checked"] >= 3
    assert all(c["Status"] == "ok" for c in report["Checks"])


def test_check_finds_material_that_does_not_unwrap_and_policies_that_do_not_parse(
        awslocal, tmp_path):
    directory = tmp_path / "s"
    made = _populated(directory)
    _sql(directory, "UPDATE kms_key_material SET wrapped = CAST(x'01' || randomblob(60) AS BLOB)")
    _sql(directory, "UPDATE kms_keys SET policy = '{not json'")
    _sql(directory, "UPDATE sqs_queues SET attributes = json_set(attributes, '$.Policy', "
                    "'{\"Statement\": 5}')")
    _sql(directory, "UPDATE sns_data_keys SET cached = x'00'")
    result, report = _check(awslocal, directory)
    assert result.exit_code == 1, result
    by_name = {c["Name"]: c for c in report["Checks"]}
    assert report["Clean"] is False
    assert by_name["KeyMaterial"]["Status"] == "failed"
    assert made["key"] in by_name["KeyMaterial"]["Problems"][0]
    assert by_name["DataKeys"]["ProblemCount"] >= 2  # the KMS blobs name material that is bad
    policies = by_name["Policies"]["Problems"]
    assert any("key policy" in p for p in policies) and any("queue policy" in p for p in policies)
    assert by_name["Database"]["Status"] == "ok"


def test_check_reports_a_different_root_key_instead_of_refusing(awslocal, tmp_path):
    directory = tmp_path / "s"
    _populated(directory)
    (directory / "root.key").write_bytes(os.urandom(32))
    result, report = _check(awslocal, directory)
    assert result.exit_code == 1, result
    (root,) = [c for c in report["Checks"] if c["Name"] == "RootKey"]
    assert "fingerprint" in root["Problems"][0]


def test_check_finds_a_damaged_database(awslocal, tmp_path):
    directory = tmp_path / "s"
    invoke(_ctx(directory), sqs.create_queue, QueueName="q")
    conn = sqlite3.connect(directory / "state.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    # Overwrite a page of the queues index (not the header): integrity_check notices.
    conn = sqlite3.connect(directory / "state.db")
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                        "'sqs_queues_by_arn'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(directory / "state.db", "r+b") as f:
        f.seek((page - 1) * size)
        f.write(b"\x0d" + b"\xff" * 64)
    result, report = _check(awslocal, directory)
    assert result.exit_code in (1, 253), result
    if result.exit_code == 1:
        (db,) = [c for c in report["Checks"] if c["Name"] == "Database"]
        assert db["Status"] == "failed"
    assert "Traceback" not in result.stderr


def test_info_shows_the_size_and_mentions_check(awslocal, tmp_path):
    info = awslocal("local", "info").json
    assert info["Size"]["DatabaseBytes"] > 0
    assert info["Size"]["TotalBytes"] >= info["Size"]["DatabaseBytes"]
    assert "awslocal local check" in info["Check"]
    assert "local check" in awslocal("local", "info", "--help").stdout


@pytest.mark.parametrize("damage", ["empty-database", "missing-root-key", "corrupt-database"])
def test_reset_starts_over_on_a_damaged_state(awslocal, tmp_path, damage):
    directory = tmp_path / "s"
    _populated(directory)
    if damage == "empty-database":
        for name in ("state.db-wal", "state.db-shm"):
            with contextlib.suppress(FileNotFoundError):
                (directory / name).unlink()
        (directory / "state.db").write_bytes(b"")
    elif damage == "missing-root-key":
        (directory / "root.key").unlink()
    else:
        for name in ("state.db-wal", "state.db-shm"):
            with contextlib.suppress(FileNotFoundError):
                (directory / name).unlink()
        (directory / "state.db").write_bytes(b"\x00garbage" * 512)
    refused = awslocal("kms", "list-keys", "--state-dir", str(directory))
    assert refused.exit_code == 253, refused
    done = awslocal("local", "reset", "--yes", "--state-dir", str(directory))
    assert done.exit_code == 0, done
    after = awslocal("kms", "create-key", "--state-dir", str(directory))
    assert after.exit_code == 0, after
    assert len(awslocal("kms", "list-keys", "--state-dir", str(directory)).json["Keys"]) == 1


def test_reset_keeps_refusing_a_state_of_another_user(awslocal, tmp_path):
    directory = tmp_path / "s"
    _populated(directory)
    os.chmod(directory / "root.key", 0o644)
    result = awslocal("local", "reset", "--yes", "--state-dir", str(directory))
    assert result.exit_code == 253 and "chmod 600" in result.stderr
    assert (directory / "state.db").stat().st_size > 0


def test_large_deletes_and_purges_give_space_back(tmp_path):
    directory = tmp_path / "s"
    url = invoke(_ctx(directory), sqs.create_queue, QueueName="big")["QueueUrl"]
    body = "x" * 100_000
    for batch in range(6):
        invoke(_ctx(directory), sqs.send_message_batch, QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": body} for i in range(10)])
        del batch
    conn = sqlite3.connect(directory / "state.db")
    assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    full = os.path.getsize(directory / "state.db")
    assert full > 5_000_000
    invoke(_ctx(directory), sqs.purge_queue, QueueUrl=url)
    after = sum(os.path.getsize(directory / n) for n in ("state.db", "state.db-wal")
                if (directory / n).exists())
    assert after < full / 4, (full, after)


def test_an_older_state_is_switched_to_incremental_vacuum(tmp_path):
    from awslocal_cli.store import SCHEMA_VERSION, Store
    from tests import schema6

    directory = schema6.make_state(tmp_path / "s")  # made before 0007: auto_vacuum NONE
    conn = sqlite3.connect(directory / "state.db")
    assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
    conn.close()
    s = Store.open(directory)
    assert s.conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    assert s.schema_version() == SCHEMA_VERSION
    s.close()


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("cannot mount a small file system here")
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {proc.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def test_reset_works_on_a_full_disk(small_disk, awslocal_proc):
    directory = small_disk / "state"
    env = {"AWSLOCAL_STATE_DIR": str(directory)}
    assert awslocal_proc("sqs", "create-queue", "--queue-name", "q", env=env).exit_code == 0
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
    ctx_body = "y" * 200_000
    from awslocal_cli.errors import ConfigurationError

    with contextlib.suppress(sqlite3.OperationalError, ConfigurationError):  # the disk is full
        for _ in range(40):
            invoke(_ctx(directory), sqs.send_message, QueueUrl=url, MessageBody=ctx_body)
    # Fill whatever is left, so nothing can grow.
    with contextlib.suppress(OSError), open(small_disk / "filler", "wb") as f:
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    failed = awslocal_proc("sqs", "send-message", "--queue-url", url, "--message-body",
                           "z" * 100_000, env=env)
    assert failed.exit_code != 0 and "Traceback" not in failed.stderr, failed
    done = awslocal_proc("local", "reset", "--yes", env=env)
    assert done.exit_code == 0, done
    assert done.json["RowsDeleted"] >= 1  # the queue and what was sent before the disk filled
    os.unlink(small_disk / "filler")
    again = awslocal_proc("sqs", "create-queue", "--queue-name", "q2", env=env)
    assert again.exit_code == 0, again
    check = awslocal_proc("local", "check", env=env)
    assert check.exit_code == 0, check


@pytest.mark.parametrize("damage", ["different", "missing"])
def test_check_with_a_wrong_root_key_does_not_call_the_material_ok(awslocal, tmp_path, damage):
    # Issue 25 item 6: nothing can be unwrapped without this state's root key, so nothing
    # wrapped may be reported "ok"; each such check says it was not checked, and why.
    directory = tmp_path / "s"
    _populated(directory)
    if damage == "different":
        (directory / "root.key").write_bytes(os.urandom(32))
    else:
        (directory / "root.key").unlink()
    result, report = _check(awslocal, directory)
    assert result.exit_code == 1, result
    assert report["Clean"] is False
    by_name = {c["Name"]: c for c in report["Checks"]}
    assert by_name["RootKey"]["Status"] == "failed"
    assert by_name["OtherSecrets"]["Checked"] == 0 or by_name["OtherSecrets"]["Status"] == \
        "skipped"
    for name in ("KeyMaterial", "DataKeys"):
        check = by_name[name]
        assert check["Status"] == "skipped", check
        assert check["Checked"] == 0
        assert "root key" in check["Reason"]
    assert by_name["Policies"]["Status"] == "ok"  # what needs no root key is still checked
