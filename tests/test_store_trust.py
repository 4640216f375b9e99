"""The state directory trusts nothing the user did not make: owners, modes, symlinks, damage."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from awslocal_cli.errors import ConfigurationError
from awslocal_cli.store import Store, root_key_fingerprint, trust

OTHER_UID = 65534  # nobody


def _state(directory: Path) -> Path:
    """A state with one KMS key (so root.key wraps material)."""
    from awslocal_cli.context import Context
    from awslocal_cli.dispatch import invoke
    from awslocal_cli.services import kms

    ctx = Context.from_options(state_dir=str(directory), environ={})
    invoke(ctx, kms.create_key)
    return directory


def _chown_or_skip(path: Path, uid: int = OTHER_UID, *, follow: bool = True) -> None:
    try:
        if follow:
            os.chown(path, uid, -1)
        else:
            os.lchown(path, uid, -1)
    except PermissionError:
        pytest.skip("cannot give a file to another user here")


@pytest.mark.parametrize("name", ["", "root.key", "README", "state.db"])
def test_a_file_of_another_user_is_refused(tmp_path, name):
    directory = _state(tmp_path / "s")
    _chown_or_skip(directory / name if name else directory)
    with pytest.raises(ConfigurationError, match="owned by another user") as e:
        Store.open(directory)
    assert "awslocal does not use state it did not make" in e.value.message


@pytest.mark.parametrize(("name", "mode", "fix"), [
    ("", 0o755, "chmod 700"), ("", 0o770, "chmod 700"),
    ("root.key", 0o644, "chmod 600"), ("root.key", 0o620, "chmod 600"),
    ("README", 0o604, "chmod 600"), ("state.db", 0o640, "chmod 600"),
])
def test_modes_loosened_after_creation_are_refused(tmp_path, name, mode, fix):
    directory = _state(tmp_path / "s")
    path = directory / name if name else directory
    os.chmod(path, mode)
    with pytest.raises(ConfigurationError, match="readable or writable by group or others") as e:
        Store.open(directory)
    assert f"`{fix} {path}`" in e.value.message
    assert f"mode {mode:04o}" in e.value.message
    os.chmod(path, 0o700 if not name else 0o600)
    Store.open(directory).close()  # fixed as the message says: usable again


def test_loose_wal_is_refused(tmp_path):
    directory = _state(tmp_path / "s")
    s = Store.open(directory)  # keeps the WAL and its index while open
    s.set_meta("x", "y")
    for name in ("state.db-wal", "state.db-shm"):
        os.chmod(directory / name, 0o644)
        with pytest.raises(ConfigurationError, match="chmod 600"):
            Store.open(directory)
        os.chmod(directory / name, 0o600)
    s.close()


def test_a_new_state_in_an_existing_loose_directory_of_ours_is_tightened(tmp_path):
    directory = tmp_path / "mine"
    directory.mkdir(mode=0o755)
    os.chmod(directory, 0o755)
    Store.open(directory).close()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_a_symlinked_root_key_is_refused_not_followed(tmp_path):
    directory = _state(tmp_path / "s")
    elsewhere = tmp_path / "elsewhere.key"
    elsewhere.write_bytes(os.urandom(32))
    os.chmod(elsewhere, 0o600)
    (directory / "root.key").unlink()
    (directory / "root.key").symlink_to(elsewhere)
    with pytest.raises(ConfigurationError, match=r"root key .* is a symbolic link"):
        Store.open(directory)


@pytest.mark.parametrize(("name", "what"), [
    ("state.db-wal", "write-ahead log"), ("state.db-shm", "shared-memory index"),
    ("state.db", "state database"), ("README", "state file"),
])
def test_a_symlinked_database_file_says_what_it_is(tmp_path, name, what):
    directory = _state(tmp_path / "s")
    target = tmp_path / "target"
    target.write_bytes(b"")
    os.chmod(target, 0o600)
    with __import__("contextlib").suppress(FileNotFoundError):
        (directory / name).unlink()
    (directory / name).symlink_to(target)
    with pytest.raises(ConfigurationError) as e:
        Store.open(directory)
    assert what in e.value.message and "symbolic link" in e.value.message
    assert "corrupt" not in e.value.message


def test_the_state_directory_may_be_our_own_symlink(tmp_path):
    real = _state(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real)
    s = Store.open(link)
    assert len(s.root_key()) == 32
    s.close()


def test_a_state_directory_symlink_planted_by_another_user_is_refused(tmp_path):
    real = _state(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real)
    _chown_or_skip(link, follow=False)
    with pytest.raises(ConfigurationError, match="symbolic link owned by another user"):
        Store.open(link)


def test_a_symlink_to_a_directory_of_another_user_is_refused(tmp_path):
    real = _state(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real)
    _chown_or_skip(real)
    with pytest.raises(ConfigurationError, match="owned by another user"):
        Store.open(link)


# The interpreter may live where an unprivileged user cannot reach it (/root/.pyenv), so the
# child starts as root, imports what the command needs, then drops to the other user and runs.
_AS_NOBODY = f"""
import io, os, sys, tempfile, contextlib
import awslocal_cli.cli.main as main
real = os.environ["AWSLOCAL_STATE_DIR"]
with tempfile.TemporaryDirectory() as warm, contextlib.redirect_stdout(io.StringIO()):
    os.environ["AWSLOCAL_STATE_DIR"] = warm + "/s"  # import what the command needs, as root
    main.run(sys.argv[1:])
os.environ["AWSLOCAL_STATE_DIR"] = real
os.setgroups([])
os.setgid({OTHER_UID})
os.setuid({OTHER_UID})
main.main(sys.argv[1:])
"""


def _run_as_nobody(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _AS_NOBODY, *args], env=env,
                          capture_output=True, text=True, timeout=60, cwd=cwd)


def test_a_planted_state_is_refused_by_a_second_user():
    """Another user (here: root) makes the state in a shared directory with a root key they
    know; the victim (uid 65534) must refuse it, exit 253, and write nothing there."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a second user")
    shared = Path(tempfile.mkdtemp(prefix="awslocal-shared-"))
    try:
        os.chmod(shared, 0o1777)  # like /tmp
        planted = shared / "state"
        planted.mkdir()
        os.chmod(planted, 0o777)
        (planted / "root.key").write_bytes(b"k" * 32)
        os.chmod(planted / "root.key", 0o644)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(shared),
               "AWSLOCAL_STATE_DIR": str(planted), "AWS_CONFIG_FILE": str(shared / "none"),
               "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
               "PYTHONDONTWRITEBYTECODE": "1"}
        proc = _run_as_nobody(["kms", "create-key"], env, shared)
        assert proc.returncode == 253, proc
        assert "owned by another user" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert sorted(os.listdir(planted)) == ["root.key"]  # nothing written
    finally:
        import shutil

        shutil.rmtree(shared)


def test_a_second_users_own_state_works(tmp_path):
    """The same checks let a non-root user use a state of their own."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a second user")
    shared = Path(tempfile.mkdtemp(prefix="awslocal-own-"))
    try:
        os.chmod(shared, 0o1777)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(shared),
               "AWSLOCAL_STATE_DIR": str(shared / "mine"), "AWS_CONFIG_FILE": str(shared / "x"),
               "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
               "PYTHONDONTWRITEBYTECODE": "1"}
        for _ in range(2):
            proc = _run_as_nobody(["kms", "create-key"], env, shared)
            assert proc.returncode == 0, proc
        assert os.stat(shared / "mine").st_uid == OTHER_UID
    finally:
        import shutil

        shutil.rmtree(shared)


def test_private_subdirectory_checks(tmp_path):
    directory = _state(tmp_path / "s")
    sub = directory / "sns"
    trust.write_private(sub, "a.pem", b"pem")
    assert stat.S_IMODE(sub.stat().st_mode) == 0o700
    assert stat.S_IMODE((sub / "a.pem").stat().st_mode) == 0o600
    os.chmod(sub, 0o755)
    with pytest.raises(ConfigurationError, match="chmod 700"):
        trust.write_private(sub, "a.pem", b"pem")
    os.chmod(sub, 0o700)
    os.chmod(sub / "a.pem", 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        trust.write_private(sub, "a.pem", b"pem")
    (sub / "a.pem").unlink()
    (sub / "a.pem").symlink_to(tmp_path / "x")
    with pytest.raises(ConfigurationError, match="symbolic link"):
        trust.write_private(sub, "a.pem", b"pem")
    assert not (tmp_path / "x").exists()


# -- damage ----------------------------------------------------------------------------------


def test_an_empty_database_next_to_a_root_key_is_damage(tmp_path, awslocal_proc):
    directory = _state(tmp_path / "s")
    for name in ("state.db-wal", "state.db-shm"):
        with __import__("contextlib").suppress(FileNotFoundError):
            (directory / name).unlink()
    (directory / "state.db").write_bytes(b"")
    result = awslocal_proc("sqs", "list-queues", env={"AWSLOCAL_STATE_DIR": str(directory)})
    assert result.exit_code == 253, result
    assert "is empty" in result.stderr and "local reset --yes" in result.stderr
    assert (directory / "state.db").stat().st_size == 0  # nothing written


def test_a_missing_root_key_is_refused_and_not_recreated(tmp_path, awslocal_proc):
    directory = _state(tmp_path / "s")
    (directory / "root.key").unlink()
    for args in (("kms", "list-keys"), ("kms", "create-key")):
        result = awslocal_proc(*args, env={"AWSLOCAL_STATE_DIR": str(directory)})
        assert result.exit_code == 253, result
        assert "root key" in result.stderr and "is missing" in result.stderr
        assert "Restore root.key" in result.stderr
    assert not (directory / "root.key").exists()


def test_a_different_root_key_is_refused(tmp_path, awslocal_proc):
    directory = _state(tmp_path / "s")
    original = (directory / "root.key").read_bytes()
    (directory / "root.key").write_bytes(os.urandom(32))
    result = awslocal_proc("kms", "create-key", env={"AWSLOCAL_STATE_DIR": str(directory)})
    assert result.exit_code == 253, result
    assert "not the one this state was made with" in result.stderr
    (directory / "root.key").write_bytes(original)
    result = awslocal_proc("kms", "list-keys", env={"AWSLOCAL_STATE_DIR": str(directory)})
    assert result.exit_code == 0 and len(result.json["Keys"]) == 1  # nothing was added


def test_the_fingerprint_is_recorded_and_an_older_state_is_fingerprinted(tmp_path):
    directory = _state(tmp_path / "s")
    key = (directory / "root.key").read_bytes()
    s = Store.open(directory)
    assert s.conn.execute("SELECT fingerprint FROM root_key").fetchone()[0] == \
        root_key_fingerprint(key)
    s.conn.execute("DELETE FROM root_key")  # as a state made before migration 0007
    s.close()
    (directory / "root.key").write_bytes(os.urandom(32))
    with pytest.raises(ConfigurationError, match="not the one"):  # does not unwrap its material
        Store.open(directory)
    (directory / "root.key").write_bytes(key)
    s = Store.open(directory)
    assert s.conn.execute("SELECT fingerprint FROM root_key").fetchone()[0] == \
        root_key_fingerprint(key)
    s.close()


def test_fingerprint_is_a_keyed_mac():
    a, b = os.urandom(32), os.urandom(32)
    assert root_key_fingerprint(a) == root_key_fingerprint(a) != root_key_fingerprint(b)
    assert a.hex() not in root_key_fingerprint(a)


def test_the_sns_certificate_folder_is_checked_when_used(tmp_path):
    import json

    from awslocal_cli.context import Context
    from awslocal_cli.dispatch import invoke
    from awslocal_cli.services import sns, sqs

    directory = tmp_path / "s"

    def call(fn, **request):
        return invoke(Context.from_options(state_dir=str(directory), environ={}), fn, **request)

    topic = call(sns.create_topic, Name="t")["TopicArn"]
    arn = "arn:aws:sqs:us-east-1:123456789012:q"
    call(sqs.create_queue, QueueName="q", Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn}]})})
    call(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=arn)
    call(sns.publish, TopicArn=topic, Message="m")
    (pem,) = (directory / "sns").iterdir()
    assert stat.S_IMODE((directory / "sns").stat().st_mode) == 0o700
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    os.chmod(directory / "sns", 0o755)
    with pytest.raises(ConfigurationError, match="chmod 700"):
        call(sns.publish, TopicArn=topic, Message="m")
    os.chmod(directory / "sns", 0o700)
    os.chmod(pem, 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        call(sns.publish, TopicArn=topic, Message="m")
    pem.unlink()
    pem.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ConfigurationError, match="symbolic link"):
        call(sns.publish, TopicArn=topic, Message="m")
    assert not (tmp_path / "elsewhere").exists()
