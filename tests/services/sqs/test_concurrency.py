"""Many processes on one state directory: no loss, no duplicate delivery; long polling wakes.

Long polling waits in real time; these tests move an injected real-time clock instead of
sleeping. benchmarks/sqs.py measures the same waits across real processes.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

from awslocal_cli.clock import Clock
from awslocal_cli.context import Context
from awslocal_cli.dispatch import invoke
from awslocal_cli.services import sqs
from awslocal_cli.services.sqs.receive import POLL_INTERVAL

BASE = 1767225600.0  # 2026-01-01T00:00:00Z

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/work"


def _call(state: str, fn, **request):
    return invoke(Context.from_options(state_dir=state, environ={}), fn, **request)


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


class RealTime:
    """The real-time side of a Clock (monotonic, sleep) without sleeping: sleep() moves it.

    `at(seconds, fn)` runs fn once when that much waiting has passed, as another process would.
    """

    def __init__(self) -> None:
        self.t = 0.0
        self._due: list[tuple[float, Callable[[], object]]] = []

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.t += seconds
        for item in [d for d in self._due if d[0] <= self.t]:
            self._due.remove(item)
            item[1]()

    def at(self, seconds: float, fn: Callable[[], object]) -> None:
        self._due.append((seconds, fn))

    def clock(self) -> Clock:
        # The local clock moves with the waiting, as system time does.
        return Clock(0.0, base=lambda: BASE + self.t, monotonic=self.monotonic,
                     sleep=self.sleep)


def _on(state: str, real: RealTime, fn, **request):
    ctx = Context.from_options(state_dir=state, environ={}, clock=real.clock())
    return invoke(ctx, fn, **request)


def test_long_poll_wakes_when_another_connection_sends(tmp_path: Path):
    """Wakes within one poll interval of another writer's commit, not at WaitTimeSeconds."""
    state, real = str(tmp_path / "state"), RealTime()
    _on(state, real, sqs.create_queue, QueueName="work")
    real.at(1.0, lambda: _on(state, real, sqs.send_message, QueueUrl=URL, MessageBody="late"))
    got = _on(state, real, sqs.receive_message, QueueUrl=URL, WaitTimeSeconds=10)
    assert got["Messages"][0]["Body"] == "late"
    assert 1.0 <= real.t < 1.0 + 2 * POLL_INTERVAL, real.t


def test_long_poll_times_out_empty(tmp_path: Path):
    state, real = str(tmp_path / "state"), RealTime()
    _on(state, real, sqs.create_queue, QueueName="work")
    assert _on(state, real, sqs.receive_message, QueueUrl=URL, WaitTimeSeconds=1) == {}
    assert 1.0 - 1e-9 <= real.t < 1.0 + POLL_INTERVAL, real.t


def test_long_poll_wakes_when_a_delayed_message_falls_due(tmp_path: Path):
    state, real = str(tmp_path / "state"), RealTime()
    _on(state, real, sqs.create_queue, QueueName="work")
    _on(state, real, sqs.send_message, QueueUrl=URL, MessageBody="later", DelaySeconds=2)
    got = _on(state, real, sqs.receive_message, QueueUrl=URL, WaitTimeSeconds=10)
    assert got["Messages"][0]["Body"] == "later"
    assert 2.0 - 1e-9 <= real.t < 2.0 + 2 * POLL_INTERVAL, real.t
