"""Issue 25, bad input that escaped: `local export --output-file` writes atomically without
following links, a full disk at open names the disk, `local reset --yes` on a path that cannot
be made says so (exit 253)."""

from __future__ import annotations

import contextlib
import json
import os
import stat

import pytest

from tests.test_store_maintenance import small_disk  # noqa: F401  (a fixture)

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


def _export(awslocal, target, *extra):
    return awslocal("local", "export", "--no-secrets", "--output-file", str(target), *extra)


def test_export_replaces_an_existing_file_with_a_private_one(awslocal, tmp_path):
    assert awslocal("sqs", "create-queue", "--queue-name", "q").exit_code == 0
    target = tmp_path / "export.json"
    target.write_text("old export, world-readable\n")
    os.chmod(target, 0o644)
    before = os.stat(target).st_ino
    result = _export(awslocal, target)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", ""), result
    info = os.lstat(target)
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_ino != before  # a new file renamed over the old one, not rewritten in place
    assert json.loads(target.read_text())["Format"] == "awslocal-state-export"
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".export.json")]


def test_export_does_not_write_through_a_symlink(awslocal, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours to overwrite\n")
    link = tmp_path / "export.json"
    os.symlink(victim, link)
    result = _export(awslocal, link)
    assert result.exit_code == 0, result
    assert victim.read_text() == "not yours to overwrite\n"
    assert not os.path.islink(link) and stat.S_IMODE(os.lstat(link).st_mode) == 0o600
    assert json.loads(link.read_text())["Format"] == "awslocal-state-export"


def test_export_to_a_directory_or_missing_folder_is_one_sentence(awslocal, tmp_path):
    (tmp_path / "adir").mkdir()
    for target in (tmp_path / "no" / "such" / "export.json", tmp_path / "adir"):
        result = _export(awslocal, target)
        assert result.exit_code == 252, result
        first = result.stderr.strip().splitlines()[0]
        assert first.startswith("awslocal: [ERROR]: ") and str(target) in first
        assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path / "adir") == []


def _fill(mount):
    with contextlib.suppress(OSError), open(mount / "filler", "wb") as f:
        while True:
            f.write(b"\0" * 65536)
            f.flush()


def test_a_full_disk_keeps_the_old_export_and_leaves_no_temporary(awslocal, small_disk,  # noqa: F811
                                                                  tmp_path, monkeypatch):
    assert awslocal("sqs", "create-queue", "--queue-name", "q").exit_code == 0
    for i in range(30):  # an export larger than what the full disk has left
        assert awslocal("sqs", "create-queue", "--queue-name", f"queue-{i}", "--attributes",
                        json.dumps({"Policy": json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                             "Resource": "*", "Sid": "x" * 500}]})})).exit_code == 0
    target = small_disk / "export.json"
    target.write_text("the previous export\n")
    _fill(small_disk)
    result = _export(awslocal, target)
    assert result.exit_code == 252, result
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == "the previous export\n"
    assert sorted(os.listdir(small_disk)) == ["export.json", "filler"]


def test_a_full_disk_at_open_names_the_disk_not_a_corrupt_state(awslocal_proc, small_disk):  # noqa: F811
    env = {"AWSLOCAL_STATE_DIR": str(small_disk / "state")}
    assert awslocal_proc("sqs", "create-queue", "--queue-name", "q", env=env).exit_code == 0
    _fill(small_disk)
    for args in (("sqs", "list-queues"), ("sqs", "send-message", "--queue-url", URL,
                                          "--message-body", "hi")):
        result = awslocal_proc(*args, env=env)
        assert result.exit_code == 253, result
        assert "corrupt" not in result.stderr and "Move " not in result.stderr, result.stderr
        assert "full" in result.stderr and str(small_disk) in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    os.unlink(small_disk / "filler")
    assert awslocal_proc("sqs", "list-queues", env=env).json["QueueUrls"] == [URL]


@pytest.mark.parametrize("where", ["under-a-file", "under-proc"])
def test_reset_on_a_path_that_cannot_be_made_is_253_with_a_sentence(awslocal, tmp_path, where):
    if where == "under-a-file":
        (tmp_path / "afile").write_text("x")
        path = tmp_path / "afile" / "state"
    else:
        path = "/proc/no-such-process/state"
    result = awslocal("local", "reset", "--yes", "--state-dir", str(path))
    assert result.exit_code == 253, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "awslocal: [ERROR]: An error occurred (Configuration): "), lines
    assert str(path) in lines[0] and "--debug" not in lines[0]
