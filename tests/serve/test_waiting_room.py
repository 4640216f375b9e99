"""The waiting room on its own: parked receives woken by commits of another connection."""

from __future__ import annotations

import asyncio
import time

from awslocal_cli.context import Context, Parked
from awslocal_cli.dispatch import invoke
from awslocal_cli.services import sqs
from awslocal_cli.store import StorePool
from awslocal_cli.wire.waiting import WaitingRoom


def _queue(state, name):
    ctx = Context.from_options(state_dir=str(state), environ={})
    url = invoke(ctx, sqs.create_queue, QueueName=name)["QueueUrl"]
    ctx = Context.from_options(state_dir=str(state), environ={})
    with ctx.session:
        row = ctx.db.execute("SELECT id FROM sqs_queues WHERE name = ?", (name,)).fetchone()
    return url, int(row[0])


def _send(state, url, body="hello"):
    # Its own connection, as another process has: seen only through data_version.
    invoke(Context.from_options(state_dir=str(state), environ={}), sqs.send_message,
           QueueUrl=url, MessageBody=body)


def test_a_commit_wakes_as_many_waiters_as_there_are_messages(tmp_path):
    state = tmp_path / "state"
    url, qid = _queue(state, "room")
    pool = StorePool(state)
    room = WaitingRoom(pool)
    room.start()

    async def scenario():
        far = time.monotonic() + 30
        waits = [asyncio.ensure_future(room.wait(Parked(("sqs", qid), far, far), room.seq))
                 for _ in range(3)]
        await asyncio.sleep(0.2)
        assert not any(w.done() for w in waits)
        await asyncio.get_running_loop().run_in_executor(None, _send, state, url)
        done, pending = await asyncio.wait(waits, timeout=10)
        # One message: one waiter woken, the others keep waiting.
        assert [w.result() for w in done] == ["woken"]
        room.back(("sqs", qid), True)
        for _ in range(2):
            await asyncio.get_running_loop().run_in_executor(None, _send, state, url)
        done, _ = await asyncio.wait(pending, timeout=10)
        assert sorted(w.result() for w in done) == ["woken", "woken"]

    try:
        asyncio.run(scenario())
    finally:
        room.close()
        pool.close()


def test_a_commit_seen_before_the_waiter_registered_still_wakes_it(tmp_path):
    state = tmp_path / "state"
    url, qid = _queue(state, "race")
    pool = StorePool(state)
    room = WaitingRoom(pool)
    room.start()

    async def scenario():
        seq = room.seq  # read before "its receive", as serve does
        far = time.monotonic() + 30
        # Another consumer makes the watcher look (and notice the send) first.
        other = asyncio.ensure_future(room.wait(Parked(("sqs", qid + 1000), far, far), seq))
        await asyncio.get_running_loop().run_in_executor(None, _send, state, url)
        await asyncio.sleep(0.3)
        late = await asyncio.wait_for(room.wait(Parked(("sqs", qid), far, far), seq), 10)
        assert late == "woken"
        other.cancel()

    try:
        asyncio.run(scenario())
    finally:
        room.close()
        pool.close()


def test_closing_answers_every_waiter(tmp_path):
    state = tmp_path / "state"
    _, qid = _queue(state, "closing")
    pool = StorePool(state)
    room = WaitingRoom(pool)
    room.start()

    async def scenario():
        far = time.monotonic() + 30
        waits = [asyncio.ensure_future(room.wait(Parked(("sqs", qid), far, far), room.seq))
                 for _ in range(5)]
        await asyncio.sleep(0.1)
        await asyncio.get_running_loop().run_in_executor(None, room.close)
        done, _ = await asyncio.wait(waits, timeout=10)
        assert [w.result() for w in done] == ["closed"] * 5

    try:
        asyncio.run(scenario())
    finally:
        pool.close()
