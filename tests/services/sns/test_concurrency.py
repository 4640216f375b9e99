"""Many processes publishing to one topic: every HTTP request is made exactly once."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path

from awslocal_cli.context import Context
from awslocal_cli.dispatch import invoke
from awslocal_cli.services import sns
from tests.services.sns.util import Endpoint

TOPIC = "arn:aws:sns:us-east-1:123456789012:busy"


def _call(state: str, fn, **request):
    return invoke(Context.from_options(state_dir=state, environ={}), fn, **request)


def _publisher(state: str, worker: int, count: int) -> None:
    for i in range(count):
        _call(state, sns.publish, TopicArn=TOPIC, Message=f"{worker}-{i}")
        _call(state, sns.after_operation)


def test_concurrent_publishers_deliver_each_request_once(tmp_path: Path):
    state = str(tmp_path / "state")
    endpoint = Endpoint()
    try:
        _call(state, sns.create_topic, Name="busy")
        _call(state, sns.subscribe, TopicArn=TOPIC, Protocol="http", Endpoint=endpoint.url)
        token = endpoint.messages()[0]["Token"]
        _call(state, sns.confirm_subscription, TopicArn=TOPIC, Token=token)
        endpoint.codes = [500] * 5  # a few failures: their retries are due 20 s later
        mp = multiprocessing.get_context("spawn")
        workers = [mp.Process(target=_publisher, args=(state, w, 15)) for w in range(3)]
        for p in workers:
            p.start()
        for p in workers:
            p.join(120)
            assert p.exitcode == 0
        notes = [m for m in endpoint.messages() if m["Type"] == "Notification"]
        delivered = Counter(m["Message"] for m in notes)
        expected = {f"{w}-{i}" for w in range(3) for i in range(15)}
        assert set(delivered) == expected
        # One request per message, none made twice; the five refused wait for their retry.
        assert sum(delivered.values()) == 45
        ctx = Context.from_options(state_dir=state, environ={})
        with ctx.session:
            waiting = ctx.db.execute("SELECT COUNT(*), MAX(attempts) FROM sns_pending").fetchone()
        assert waiting == (5, 1)
    finally:
        endpoint.server.shutdown()
        endpoint.server.server_close()
