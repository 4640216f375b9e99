"""`awslocal local snapshot save|restore|list|delete`: consistent copies, kept private."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/"

# Another process holding state.db's write lock (an awslocal command in the middle of its
# transaction) for a given number of seconds.
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO meta (key, value) VALUES ('held', 'yes')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def _hold(state: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(state / "state.db"), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    with proc.stdout:
        assert proc.stdout.readline().strip() == "locked"
    return proc


def _queues(awslocal) -> list[str]:
    out = awslocal("sqs", "list-queues")
    assert out.exit_code == 0, out
    return out.json["QueueUrls"] if out.stdout.strip() else []


def test_save_restore_list_delete(awslocal, isolated_state):
    assert awslocal("sqs", "create-queue", "--queue-name", "A").exit_code == 0
    assert awslocal("sqs", "send-message", "--queue-url", URL + "A", "--message-body",
                    "step 1").exit_code == 0
    saved = awslocal("local", "snapshot", "save", "after-step-1")
    assert saved.exit_code == 0, saved
    assert saved.json["Snapshot"]["Name"] == "after-step-1"
    path = isolated_state / "snapshots" / "after-step-1.db"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    assert awslocal("sqs", "create-queue", "--queue-name", "B").exit_code == 0
    assert awslocal("sqs", "purge-queue", "--queue-url", URL + "A").exit_code == 0
    assert awslocal("local", "clock", "advance", "2d").exit_code == 0
    restored = awslocal("local", "snapshot", "restore", "after-step-1")
    assert restored.exit_code == 0, restored
    assert _queues(awslocal) == [URL + "A"]
    got = awslocal("sqs", "receive-message", "--queue-url", URL + "A").json["Messages"]
    assert [m["Body"] for m in got] == ["step 1"]
    assert awslocal("local", "clock", "show").json["OffsetSeconds"] == 0
    # Restoring leaves the snapshot in place: an exercise can go back again.
    listed = awslocal("local", "snapshot", "list").json["Snapshots"]
    assert [s["Name"] for s in listed] == ["after-step-1"]
    assert awslocal("local", "snapshot", "delete", "after-step-1").json == {
        "Deleted": "after-step-1"}
    assert awslocal("local", "snapshot", "list").json == {"Snapshots": []}
    gone = awslocal("local", "snapshot", "restore", "after-step-1")
    assert gone.exit_code == 252
    assert "There is no snapshot named after-step-1" in gone.stderr


def test_save_refuses_to_overwrite_unless_asked(awslocal):
    assert awslocal("local", "snapshot", "save", "s").exit_code == 0
    again = awslocal("local", "snapshot", "save", "s")
    assert again.exit_code == 252 and "already exists" in again.stderr
    assert awslocal("local", "snapshot", "save", "s", "--overwrite").exit_code == 0


@pytest.mark.parametrize("name", ["../escape", ".hidden", "a/b", "x" * 65, "name.db"])
def test_snapshot_names_stay_inside_the_state_directory(awslocal, name):
    result = awslocal("local", "snapshot", "save", name)
    assert result.exit_code == 252
    assert "Invalid snapshot name" in result.stderr


def test_save_while_another_process_writes(awslocal, isolated_state):
    assert awslocal("sqs", "create-queue", "--queue-name", "A").exit_code == 0
    holder = _hold(isolated_state, 5)
    try:
        started = time.monotonic()
        saved = awslocal("local", "snapshot", "save", "busy")
        assert saved.exit_code == 0, saved
        assert time.monotonic() - started < 4  # the backup reads; it does not wait for writers
    finally:
        holder.kill()
        holder.wait()
    assert awslocal("local", "snapshot", "restore", "busy").exit_code == 0
    assert _queues(awslocal) == [URL + "A"]


def test_restore_fails_cleanly_while_another_process_holds_the_database(awslocal,
                                                                        isolated_state):
    assert awslocal("sqs", "create-queue", "--queue-name", "A").exit_code == 0
    assert awslocal("local", "snapshot", "save", "s").exit_code == 0
    assert awslocal("sqs", "create-queue", "--queue-name", "B").exit_code == 0
    holder = _hold(isolated_state, 10)
    try:
        result = awslocal("local", "snapshot", "restore", "s", "--wait", "0.3")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 253
    assert result.stdout == ""
    assert "stayed busy" in result.stderr and "nothing was restored" in result.stderr
    assert "Traceback" not in result.stderr
    assert _queues(awslocal) == [URL + "A", URL + "B"]


def test_restore_waits_for_another_process_to_finish(awslocal, isolated_state):
    assert awslocal("sqs", "create-queue", "--queue-name", "A").exit_code == 0
    assert awslocal("local", "snapshot", "save", "s").exit_code == 0
    assert awslocal("sqs", "create-queue", "--queue-name", "B").exit_code == 0
    holder = _hold(isolated_state, 1.0)
    try:
        started = time.monotonic()
        result = awslocal("local", "snapshot", "restore", "s")
        waited = time.monotonic() - started
    finally:
        holder.wait()
    assert result.exit_code == 0, result
    assert waited > 0.5
    assert _queues(awslocal) == [URL + "A"]


def test_a_snapshot_of_an_older_schema_is_migrated_on_restore(awslocal, isolated_state):
    import sqlite3

    from awslocal_cli import store

    assert awslocal("sqs", "create-queue", "--queue-name", "Now").exit_code == 0
    files = store.migration_files()
    older = isolated_state / "snapshots" / "old.db"
    older.parent.mkdir(mode=0o700)
    conn = sqlite3.connect(older, isolation_level=None)
    for number, path in files[:-1]:
        for statement in store._statements(path.read_text()):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute("INSERT INTO sqs_queues (account, region, name, arn, attributes, created, "
                 "modified) VALUES ('123456789012', 'us-east-1', 'Then', "
                 "'arn:aws:sqs:us-east-1:123456789012:Then', '{}', 0, 0)")
    conn.close()
    listed = awslocal("local", "snapshot", "list").json["Snapshots"]
    assert [(s["Name"], s["SchemaVersion"]) for s in listed] == [("old", files[-2][0])]
    assert awslocal("local", "snapshot", "restore", "old").exit_code == 0
    assert _queues(awslocal) == [URL + "Then"]
    assert awslocal("local", "info").json["SchemaVersion"] == files[-1][0]
    # The snapshot itself is left as it was taken.
    assert awslocal("local", "snapshot", "list").json["Snapshots"][0]["SchemaVersion"] == \
        files[-2][0]
