"""Many processes on one state directory: no loss, no duplicate delivery; long polling wakes."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from awslocal_cli.context import Context
from awslocal_cli.services import sqs

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/work"


def _call(state: str, fn, **request):
    return Context.from_options(state_dir=state, environ={}).invoke(fn, **request)


def _producer(state: str, worker: int, count: int) -> None:
    for i in range(count):
        if i % 5 == 0:
            _call(state, sqs.send_message_batch, QueueUrl=URL, Entries=[
                {"Id": str(j), "MessageBody": f"{worker}-{i}-{j}"} for j in range(3)])
        else:
            _call(state, sqs.send_message, QueueUrl=URL, MessageBody=f"{worker}-{i}")


def _consumer(state: str, out, stop_after: float) -> None:
    seen = []
    deadline = time.monotonic() + stop_after
    idle = 0
    while time.monotonic() < deadline and idle < 20:
        got = _call(state, sqs.receive_message, QueueUrl=URL, MaxNumberOfMessages=10,
                    VisibilityTimeout=600, WaitTimeSeconds=0).get("Messages", [])
        if not got:
            idle += 1
            time.sleep(0.05)
            continue
        idle = 0
        seen.extend(m["Body"] for m in got)
        _call(state, sqs.delete_message_batch, QueueUrl=URL, Entries=[
            {"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(got)])
    out.put(seen)


def test_many_processes_no_loss_no_duplicates(tmp_path: Path):
    state = str(tmp_path / "state")
    _call(state, sqs.create_queue, QueueName="work")
    mp = multiprocessing.get_context("spawn")
    queue = mp.Queue()
    producers = [mp.Process(target=_producer, args=(state, w, 40)) for w in range(4)]
    consumers = [mp.Process(target=_consumer, args=(state, queue, 60)) for _ in range(4)]
    for p in producers + consumers:
        p.start()
    for p in producers:
        p.join(120)
    results = [queue.get(timeout=120) for _ in consumers]
    for p in consumers:
        p.join(30)
    received = [body for r in results for body in r]
    # Consumers stop after a second of idleness; whatever is left is drained here.
    while True:
        got = _call(state, sqs.receive_message, QueueUrl=URL, MaxNumberOfMessages=10,
                    VisibilityTimeout=600).get("Messages", [])
        if not got:
            break
        received.extend(m["Body"] for m in got)
    assert sum(len(r) for r in results) > 0
    expected = set()
    for w in range(4):
        for i in range(40):
            if i % 5 == 0:
                expected.update(f"{w}-{i}-{j}" for j in range(3))
            else:
                expected.add(f"{w}-{i}")
    assert len(received) == len(set(received)), "a message was delivered twice"
    assert set(received) == expected, "a message was lost"


def _late_sender(state: str, delay: float) -> None:
    time.sleep(delay)
    _call(state, sqs.send_message, QueueUrl=URL, MessageBody="late")


def test_long_poll_wakes_when_another_process_sends(tmp_path: Path):
    state = str(tmp_path / "state")
    _call(state, sqs.create_queue, QueueName="work")
    sender = multiprocessing.get_context("spawn").Process(target=_late_sender,
                                                          args=(state, 1.0))
    sender.start()
    started = time.monotonic()
    got = _call(state, sqs.receive_message, QueueUrl=URL, WaitTimeSeconds=10)
    waited = time.monotonic() - started
    sender.join(10)
    assert got["Messages"][0]["Body"] == "late"
    assert waited < 5, waited


def test_long_poll_times_out_empty(tmp_path: Path):
    state = str(tmp_path / "state")
    _call(state, sqs.create_queue, QueueName="work")
    started = time.monotonic()
    assert _call(state, sqs.receive_message, QueueUrl=URL, WaitTimeSeconds=1) == {}
    assert 0.9 <= time.monotonic() - started < 3
