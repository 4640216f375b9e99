"""kill -9 in the middle of work: the state stays intact and no acknowledged write is lost.

Ten rounds; in each, five processes (send, batch send, receive+delete, create-key, publish)
work on one state directory and are SIGKILLed at a random moment once they are busy: 50
kills. Each worker logs what it was told succeeded (a send's MessageId once SendMessage
returned; a received message before it deletes it) with one unbuffered write per line, so the
log holds exactly what a caller could have relied on. Afterwards: integrity_check is ok,
`local check` is clean, every acknowledged send is still queued or was received, every
acknowledged key exists, every acknowledged publish reached its subscribed queue, and no
message id appears twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from awslocal_cli.context import Context
from awslocal_cli.dispatch import invoke
from awslocal_cli.services import kms, sns, sqs

ROUNDS = 10
KINDS = ("send", "batch", "receive", "create-key", "publish")
WORK = "https://sqs.us-east-1.amazonaws.com/123456789012/work"
FANOUT = "https://sqs.us-east-1.amazonaws.com/123456789012/fanout"
TOPIC = "arn:aws:sns:us-east-1:123456789012:events"

_WORKER = r"""
import os, sys, uuid
from awslocal_cli.context import Context
from awslocal_cli.dispatch import invoke
from awslocal_cli.services import kms, sns, sqs
state, kind, log = sys.argv[1:4]
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
def ack(line):
    os.write(fd, (line + "\n").encode())
def call(fn, **request):
    return invoke(Context.from_options(state_dir=state, environ={}), fn, **request)
WORK = "https://sqs.us-east-1.amazonaws.com/123456789012/work"
TOPIC = "arn:aws:sns:us-east-1:123456789012:events"
first = True
while True:
    if kind == "send":
        out = call(sqs.send_message, QueueUrl=WORK, MessageBody=uuid.uuid4().hex)
        ack("sent " + out["MessageId"])
    elif kind == "batch":
        out = call(sqs.send_message_batch, QueueUrl=WORK, Entries=[
            {"Id": str(i), "MessageBody": uuid.uuid4().hex} for i in range(10)])
        for entry in out["Successful"]:
            ack("sent " + entry["MessageId"])
    elif kind == "receive":
        got = call(sqs.receive_message, QueueUrl=WORK, MaxNumberOfMessages=10,
                   VisibilityTimeout=600).get("Messages", [])
        for m in got:
            ack("got " + m["MessageId"])
        if got:
            call(sqs.delete_message_batch, QueueUrl=WORK, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
    elif kind == "create-key":
        ack("key " + call(kms.create_key)["KeyMetadata"]["KeyId"])
    elif kind == "publish":
        out = call(sns.publish, TopicArn=TOPIC, Message=uuid.uuid4().hex)
        ack("published " + out["MessageId"])
    if first:
        ack("ready")
        first = False
"""


def _call(state: str, fn, **request):
    return invoke(Context.from_options(state_dir=state, environ={}), fn, **request)


def _read(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_fifty_kills_lose_nothing_acknowledged(tmp_path: Path) -> None:
    state = str(tmp_path / "state")
    _call(state, sqs.create_queue, QueueName="work")
    fanout_arn = "arn:aws:sqs:us-east-1:123456789012:fanout"
    _call(state, sqs.create_queue, QueueName="fanout", Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": fanout_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}}}]})})
    _call(state, sns.create_topic, Name="events")
    _call(state, sns.subscribe, TopicArn=TOPIC, Protocol="sqs",
          Endpoint=fanout_arn,
          Attributes={"RawMessageDelivery": "false"})
    rng = random.Random(12)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    kills = busy_kills = 0
    started = time.monotonic()
    for round_ in range(ROUNDS):
        procs = {}
        for kind in KINDS:
            log = tmp_path / f"{round_}-{kind}.log"
            procs[kind] = (subprocess.Popen(
                [sys.executable, "-c", _WORKER, state, kind, str(log)], env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not all(
                "ready" in _read(log) or p.poll() is not None for p, log in procs.values()):
            time.sleep(0.02)
        time.sleep(rng.uniform(0.05, 0.4))
        for kind, (p, log) in procs.items():
            assert p.poll() is None, (kind, p.stderr.read().decode()[-2000:])
            os.kill(p.pid, signal.SIGKILL)
            kills += 1
            busy_kills += "ready" in _read(log)
        for p, _ in procs.values():
            p.wait(10)
            p.stderr.close()
        assert all(p.returncode == -signal.SIGKILL for p, _ in procs.values())
    elapsed = time.monotonic() - started

    lines = [line for log in tmp_path.glob("*.log") for line in _read(log)]
    sent = [x.split()[1] for x in lines if x.startswith("sent ")]
    got = {x.split()[1] for x in lines if x.startswith("got ")}
    keys = [x.split()[1] for x in lines if x.startswith("key ")]
    published = [x.split()[1] for x in lines if x.startswith("published ")]
    assert kills == 50 and busy_kills == 50
    assert sent and keys and published, (len(sent), len(keys), len(published))

    conn = sqlite3.connect(Path(state) / "state.db")
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    queued = {r[0] for r in conn.execute(
        "SELECT m.message_id FROM sqs_messages m JOIN sqs_queues q ON q.id = m.queue_id "
        "WHERE q.name = 'work'")}
    conn.close()
    assert len(sent) == len(set(sent))  # no message id twice
    lost = set(sent) - queued - got
    assert not lost, f"{len(lost)} acknowledged sends lost"

    listed = {k["KeyId"] for k in _call(state, kms.list_keys, Limit=1000)["Keys"]}
    assert set(keys) <= listed
    fanned = set()
    while True:
        batch = _call(state, sqs.receive_message, QueueUrl=FANOUT, MaxNumberOfMessages=10,
                      VisibilityTimeout=600).get("Messages", [])
        if not batch:
            break
        fanned.update(json.loads(m["Body"])["MessageId"] for m in batch)
    assert set(published) <= fanned

    from awslocal_cli.store import Store
    from awslocal_cli.store import check as checks

    store = Store.open(Path(state))
    try:
        report = checks.run(store)
    finally:
        store.close()
    assert report["Clean"], report
    print(f"\nkill -9: {kills} kills ({busy_kills} while busy) in {elapsed:.1f} s; "
          f"{len(sent)} acknowledged sends, {len(got)} received, {len(keys)} keys, "
          f"{len(published)} publishes; 0 lost, integrity_check ok")
