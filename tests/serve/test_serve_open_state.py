"""A running server keeps the state open, yet never serves a state replaced underneath it;
its long polls are parked (no thread each) and woken by sends from anywhere."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.serve.conftest import Server, server_env, wait_for

ACCOUNT = "123456789012"


def _queue_names(sqs) -> list[str]:
    return sorted(u.rsplit("/", 1)[1] for u in sqs.list_queues().get("QueueUrls", []))


def test_reset_under_a_running_server_is_seen_by_the_next_request(server, remote, awslocal):
    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="before-reset")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    assert "before-reset" in _queue_names(sqs)
    result = awslocal("local", "reset", "--yes")
    assert result.exit_code == 0, result.stderr
    assert _queue_names(sqs) == []  # the very next request
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.receive_message(QueueUrl=url)
    sqs.create_queue(QueueName="after-reset")
    assert awslocal("sqs", "list-queues").stdout.count("after-reset") == 1


def test_snapshot_restore_and_import_under_a_running_server(server, remote, awslocal, tmp_path):
    assert awslocal("local", "reset", "--yes").exit_code == 0
    sqs = remote("sqs")
    kms = remote("kms")
    url = sqs.create_queue(QueueName="in-snapshot")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="kept")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    assert awslocal("local", "snapshot", "save", "s1").exit_code == 0
    export = tmp_path / "export.json"
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple")
    passphrase.chmod(0o600)
    result = awslocal("local", "export", "--output-file", str(export), "--include-messages",
                      "--passphrase-file", str(passphrase))
    assert result.exit_code == 0, result.stderr

    sqs.create_queue(QueueName="after-snapshot")
    result = awslocal("local", "snapshot", "restore", "s1")
    assert result.exit_code == 0, result.stderr
    assert _queue_names(sqs) == ["in-snapshot"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"

    assert awslocal("local", "reset", "--yes").exit_code == 0
    assert _queue_names(sqs) == []
    result = awslocal("local", "import", str(export), "--passphrase-file", str(passphrase))
    assert result.exit_code == 0, result.stderr
    assert _queue_names(sqs) == ["in-snapshot"]
    got = sqs.receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in got] == ["kept"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
    assert awslocal("local", "reset", "--yes").exit_code == 0


def test_state_files_replaced_by_another_state_are_served_next(tmp_path, awslocal_proc):
    """Database and root key swapped for another state's: the server reopens, and decrypts
    with the new root key (a connection kept on the old files would serve the old state)."""
    import boto3

    env = server_env(tmp_path)
    here = tmp_path / "here"
    started = Server(here, tmp_path / "here.log", env)
    try:
        sqs = boto3.Session(aws_access_key_id="test", aws_secret_access_key="secret",
                            region_name="us-east-1").client("sqs", endpoint_url=started.endpoint)
        sqs.create_queue(QueueName="original")
        other = tmp_path / "other"
        for args in (("sqs", "create-queue", "--queue-name", "replacement"),
                     ("sqs", "send-message", "--queue-url",
                      f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/replacement",
                      "--message-body", "from the other state")):
            result = awslocal_proc("--state-dir", str(other), *args, env=env)
            assert result.exit_code == 0, result.stderr
        for name in ("state.db-wal", "state.db-shm"):
            if (here / name).exists():
                os.unlink(here / name)
        os.replace(other / "state.db", here / "state.db")
        os.replace(other / "root.key", here / "root.key")
        assert _queue_names(sqs) == ["replacement"]
        url = f"{started.endpoint}/{ACCOUNT}/replacement"
        got = sqs.receive_message(QueueUrl=url)["Messages"]
        assert [m["Body"] for m in got] == ["from the other state"]
    finally:
        assert started.stop() == 130
    assert "Traceback" not in started.log()


def _receive_request(port: int, url: str, wait: int) -> bytes:
    """A ReceiveMessage as raw HTTP bytes, signed (as caller `test`) by botocore's signer."""
    from tests.serve.conftest import SECRET
    from tests.serve.signing import aws_request, sign

    request = sign(aws_request("sqs", "ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": wait},
                               url=f"http://127.0.0.1:{port}/"), "sqs", key="test", secret=SECRET)
    body = request.data if isinstance(request.data, bytes) else request.data.encode()
    headers = {**dict(request.headers.items()), "Host": f"127.0.0.1:{port}",
               "Content-Length": str(len(body))}
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (head + "\r\n").encode() + body


def _read_response(sock: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(v) for k, _, v in (ln.partition(":") for ln in lines[1:])
                  if k.lower() == "content-length")
    while len(rest) < length:
        rest += sock.recv(65536)
    return int(lines[0].split()[1]), json.loads(rest[:length] or b"{}")


def test_a_thousand_parked_long_polls_hold_up_nobody(tmp_path):
    """1,000 consumers wait at once (more than any thread pool): a send still goes through
    at once, and 1,000 messages wake all of them, each message received exactly once."""
    import boto3

    waiting = 1000
    started = Server(tmp_path / "many", tmp_path / "many.log", server_env(tmp_path),
                     "--threads", "4")
    socks: list[socket.socket] = []
    try:
        sqs = boto3.Session(aws_access_key_id="test", aws_secret_access_key="secret",
                            region_name="us-east-1").client("sqs", endpoint_url=started.endpoint)
        url = sqs.create_queue(QueueName="crowd")["QueueUrl"]
        other = sqs.create_queue(QueueName="elsewhere")["QueueUrl"]
        request = _receive_request(started.port, url, 20)
        for _ in range(waiting):
            sock = socket.create_connection(("127.0.0.1", started.port))
            sock.sendall(request)
            socks.append(sock)
        time.sleep(1)  # let them all park
        t = time.monotonic()
        sqs.send_message(QueueUrl=other, MessageBody="not for the crowd")
        assert sqs.receive_message(QueueUrl=other)["Messages"][0]["Body"] == "not for the crowd"
        assert time.monotonic() - t < 10  # not queued behind 1,000 polls of 20 s
        for start in range(0, waiting, 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)])
        bodies = []
        for sock in socks:
            sock.settimeout(60)
            status, answer = _read_response(sock)
            assert status == 200
            bodies += [m["Body"] for m in answer.get("Messages", [])]
        # Every poll was woken with a message, before its 20 s were up: none is left over.
        assert sorted(bodies) == sorted(f"m{i}" for i in range(waiting))
    finally:
        for sock in socks:
            sock.close()
        assert started.stop() == 130
    assert "Traceback" not in started.log()


def test_a_send_from_a_cli_process_wakes_a_parked_long_poll(server, remote, awslocal_proc):
    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="woken-by-cli")["QueueUrl"]
    got: list[tuple[float, dict]] = []

    def poll() -> None:
        t = time.monotonic()
        answer = remote("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=20)
        got.append((time.monotonic() - t, answer))

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)
    result = awslocal_proc("sqs", "send-message", "--queue-url", url, "--message-body", "cli",
                           env={"AWSLOCAL_STATE_DIR": str(server.state_dir)})
    assert result.exit_code == 0, result.stderr
    poller.join(30)
    elapsed, answer = got[0]
    assert [m["Body"] for m in answer["Messages"]] == ["cli"]
    assert elapsed < 15  # woken by the other process's commit, not by the 20 s deadline


def test_a_delayed_message_sent_during_a_long_poll_is_received_when_due(server, remote):
    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="delayed-wake")["QueueUrl"]
    got: list[dict] = []
    poller = threading.Thread(target=lambda: got.append(
        remote("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=20)))
    poller.start()
    time.sleep(0.5)
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=2)
    poller.join(30)
    assert [m["Body"] for m in got[0]["Messages"]] == ["later"]


def test_a_long_poll_whose_client_goes_away_takes_no_message(server, remote):
    sqs = remote("sqs")
    url = sqs.create_queue(QueueName="abandoned")["QueueUrl"]
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(_receive_request(server.port, url, 20))
    time.sleep(0.5)
    sock.close()
    time.sleep(0.5)
    sqs.send_message(QueueUrl=url, MessageBody="for whoever asks next")
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    assert [m["Body"] for m in got] == ["for whoever asks next"]


_CLIENT = r"""
import os, sys, boto3
endpoint, log, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sqs = boto3.Session(aws_access_key_id="test", aws_secret_access_key="secret",
                    region_name="us-east-1").client("sqs", endpoint_url=endpoint)
url = endpoint + "/123456789012/crash"
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
i = 0
while True:
    body = f"{n}-{i}"
    try:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    except Exception:
        break  # the server is gone
    os.write(fd, (body + "\n").encode())  # acknowledged: a caller may rely on it now
    i += 1
"""


def test_kill_9_of_a_busy_server_loses_no_acknowledged_send(tmp_path, awslocal_proc):
    """Eight clients send through the server; SIGKILL it mid-stream. Every send that got its
    200 is in the state afterwards, and the state is intact."""
    import boto3

    env = server_env(tmp_path)
    state = tmp_path / "crash"
    started = Server(state, tmp_path / "crash.log", env)
    sqs = boto3.Session(aws_access_key_id="test", aws_secret_access_key="secret",
                        region_name="us-east-1").client("sqs", endpoint_url=started.endpoint)
    sqs.create_queue(QueueName="crash")
    script = tmp_path / "client.py"
    script.write_text(_CLIENT)
    logs = [tmp_path / f"acks{n}.log" for n in range(8)]
    clients = [subprocess.Popen([sys.executable, str(script), started.endpoint, str(log),
                                 str(n)], env=env, stderr=subprocess.DEVNULL)
               for n, log in enumerate(logs)]
    try:
        assert wait_for(lambda: sum(
            log.exists() and len(log.read_text().splitlines()) for log in logs) >= 200,
            timeout=60)
        started.proc.send_signal(signal.SIGKILL)
        started.proc.wait(10)
    finally:
        for client in clients:
            try:
                client.wait(30)
            except subprocess.TimeoutExpired:
                client.kill()
        started.proc.stdout.close()
    acked = sorted(line for log in logs for line in log.read_text().splitlines())
    result = awslocal_proc("--state-dir", str(state), "local", "check", env=env)
    assert result.exit_code == 0, result.stdout + result.stderr
    import sqlite3

    with sqlite3.connect(state / "state.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    from awslocal_cli import sdk

    local = sdk.client("sqs", state_dir=state, environ={})
    url = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/crash"
    stored = []
    while True:
        got = local.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        stored += [m["Body"] for m in got]
    assert len(acked) >= 200
    assert set(acked) <= set(stored)  # every acknowledged send survived
    assert len(stored) == len(set(stored))  # and none twice
    shutil.rmtree(state, ignore_errors=True)
