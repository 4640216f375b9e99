"""An SDK session keeps its state open between calls, and still sees a state replaced under it."""

from __future__ import annotations

import os
import threading

from awslocal_cli import sdk
from awslocal_cli.store import DB_NAME, Store, StorePool


def test_the_session_keeps_one_store_open_across_calls(tmp_path, monkeypatch):
    opened = []
    real = Store.open.__func__

    def counting(cls, *args, **kwargs):
        opened.append(args)
        return real(cls, *args, **kwargs)

    sqs = sdk.client("sqs", state_dir=tmp_path / "s", environ={})
    url = sqs.create_queue(QueueName="q")["QueueUrl"]  # opens (and creates the root key)
    sqs.send_message(QueueUrl=url, MessageBody="warm")
    monkeypatch.setattr(Store, "open", classmethod(counting))
    for i in range(20):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 10
    assert opened == []


def test_reset_snapshot_restore_by_the_cli_are_seen_by_the_next_call(tmp_path, awslocal,
                                                                     monkeypatch):
    monkeypatch.setenv("AWSLOCAL_STATE_DIR", str(tmp_path / "state"))
    sqs = sdk.client("sqs")
    sqs.create_queue(QueueName="one")
    assert awslocal("local", "snapshot", "save", "one").exit_code == 0
    sqs.create_queue(QueueName="two")
    assert len(sqs.list_queues()["QueueUrls"]) == 2
    assert awslocal("local", "snapshot", "restore", "one").exit_code == 0
    assert [u.rsplit("/", 1)[1] for u in sqs.list_queues()["QueueUrls"]] == ["one"]
    assert awslocal("local", "reset", "--yes").exit_code == 0
    assert sqs.list_queues().get("QueueUrls", []) == []


def test_database_removed_underneath_is_made_anew_not_written_to_the_old_file(tmp_path):
    state = tmp_path / "state"
    sqs = sdk.client("sqs", state_dir=state, environ={})
    sqs.create_queue(QueueName="gone")
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
        if (state / name).exists():
            os.unlink(state / name)
    assert sqs.list_queues().get("QueueUrls", []) == []
    sqs.create_queue(QueueName="new")
    fresh = Store.open(state)
    try:
        names = [r[0] for r in fresh.conn.execute("SELECT name FROM sqs_queues")]
    finally:
        fresh.close()
    assert names == ["new"]


def test_pool_hands_out_each_store_to_one_user_at_a_time(tmp_path):
    pool = StorePool(tmp_path / "state", size=4)
    held = [pool.acquire() for _ in range(3)]
    assert len({id(s) for s in held}) == 3
    for store in held:
        pool.release(store)
    again = pool.acquire()
    assert any(again is s for s in held)
    pool.release(again)
    pool.close()


def test_threads_of_one_session_share_its_stores_safely(tmp_path):
    sqs = sdk.client("sqs", state_dir=tmp_path / "state", environ={})
    url = sqs.create_queue(QueueName="threads")["QueueUrl"]
    errors = []

    def send(n):
        try:
            for i in range(20):
                sqs.send_message(QueueUrl=url, MessageBody=f"{n}-{i}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        bodies += [m["Body"] for m in got]
    assert sorted(bodies) == sorted(f"{n}-{i}" for n in range(4) for i in range(20))
