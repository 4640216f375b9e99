"""A queue's depth over time, from the activity the state records (store/sqs_activity.py):
the counts after each change, the log's bound, its migration, and the chart on the page."""

from __future__ import annotations

import random
import sqlite3

import pytest

from awslocal_cli.console.reading import looking
from awslocal_cli.services.sqs.messages import depth_history
from awslocal_cli.store import Store, sqs_activity

T0 = 1_800_000_000.0  # 2027-01-15T08:00:00Z
URL = "http://localhost/123456789012/work"


@pytest.fixture
def at(monkeypatch):
    """Pin the local clock at T0 + seconds for the commands that follow."""

    def pin(seconds: float) -> None:
        monkeypatch.setenv("AWSLOCAL_NOW", str(T0 + seconds))

    return pin


@pytest.fixture
def run(awslocal):
    def run(*args: str) -> str:
        result = awslocal(*args)
        assert result.exit_code == 0, result
        return result.stdout.strip()

    return run


def _tutorial(run, at) -> None:
    at(0)
    run("sqs", "create-queue", "--queue-name", "work")
    for body in ("a", "b", "c"):
        run("sqs", "send-message", "--queue-url", URL, "--message-body", body)
    at(1)
    run("sqs", "send-message", "--queue-url", URL, "--message-body", "later",
        "--delay-seconds", "30")
    at(2)
    got = run("sqs", "receive-message", "--queue-url", URL, "--max-number-of-messages", "2",
              "--visibility-timeout", "10", "--query", "Messages[0].ReceiptHandle", "--output",
              "text")
    at(3)
    run("sqs", "delete-message", "--queue-url", URL, "--receipt-handle", got)
    at(60)


def _points(state):
    with looking(state) as ctx:
        return depth_history(ctx, QueueUrl=URL)


def test_counts_after_each_change_and_each_timeout(run, at, isolated_state):
    _tutorial(run, at)
    history = _points(isolated_state)
    assert [[p[0] - T0, *p[1:]] for p in history["Points"]] == [
        [0, 3, 0, 0],    # three sends
        [1, 3, 0, 1],    # one delayed 30 s
        [2, 1, 2, 1],    # two received for 10 s
        [3, 1, 1, 1],    # one deleted while in flight
        [12, 2, 0, 1],   # the other's visibility timeout ran out
        [31, 3, 0, 0],   # the delay ran out
        [60, 3, 0, 0],   # now
    ]
    assert history["Counts"] == {"Visible": 3, "InFlight": 0, "Delayed": 0}
    assert history["Complete"] is True


def test_purge_expiry_and_dead_letter_moves_are_recorded(run, at, isolated_state):
    at(0)
    run("sqs", "create-queue", "--queue-name", "dlq")
    run("sqs", "create-queue", "--queue-name", "work", "--attributes",
        '{"MessageRetentionPeriod": "60", "RedrivePolicy": "{\\"deadLetterTargetArn\\": '
        '\\"arn:aws:sqs:us-east-1:123456789012:dlq\\", \\"maxReceiveCount\\": \\"1\\"}"}')
    run("sqs", "send-message", "--queue-url", URL, "--message-body", "poison")
    run("sqs", "receive-message", "--queue-url", URL, "--visibility-timeout", "5")
    at(10)
    run("sqs", "receive-message", "--queue-url", URL)  # past maxReceiveCount: to the DLQ
    run("sqs", "send-message", "--queue-url", URL, "--message-body", "old")
    at(100)
    run("sqs", "get-queue-attributes", "--queue-url", URL, "--attribute-names", "All")
    # ("old" expired at 70: noticed, and recorded, now)
    at(110)
    run("sqs", "send-message", "--queue-url", URL, "--message-body", "x")
    at(200)
    run("sqs", "purge-queue", "--queue-url", URL)
    at(201)
    work = [[p[0] - T0, *p[1:]] for p in _points(isolated_state)["Points"]]
    assert work == [[0, 0, 1, 0], [5, 1, 0, 0], [10, 1, 0, 0], [100, 0, 0, 0],
                    [110, 1, 0, 0], [200, 0, 0, 0], [201, 0, 0, 0]]
    with looking(isolated_state) as ctx:
        dlq = depth_history(ctx, QueueUrl="http://localhost/123456789012/dlq")["Points"]
    assert [[p[0] - T0, *p[1:]] for p in dlq] == [[10, 1, 0, 0], [201, 1, 0, 0]]


def test_queue_page_draws_the_recorded_depth(run, at, isolated_state):
    pytest.importorskip("jinja2")
    from awslocal_cli.wire.wsgi import App
    from tests.console.test_pages import get

    _tutorial(run, at)
    # A console opened only now (no page was open during the tutorial) draws all of it.
    text = get(App(isolated_state), "/_awslocal/sqs/queues/work").text
    assert 'id="depth-chart"' in text and "from the recorded activity (7 changes" in text
    assert text.count('<polyline class="series') == 3
    assert '<text class="tick" x="28" y="38" text-anchor="end">3</text>' in text
    assert "2027-01-15 08:00:00 UTC" in text and "2027-01-15 08:01:00 UTC" in text
    run("sqs", "create-queue", "--queue-name", "quiet")
    assert 'id="depth-empty"' in get(App(isolated_state), "/_awslocal/sqs/queues/quiet").text


def _sums(rows, t):
    """Brute force: (visible, in flight, delayed) at time t from (at, n, received, visible_at)."""
    out = [0, 0, 0]
    for a, n, r, v in rows:
        if a <= t:
            out[0 if v <= t else 1 if r else 2] += n
    return out


def test_the_log_is_bounded_and_folding_keeps_later_counts_exact(run, at, isolated_state):
    at(0)
    run("sqs", "create-queue", "--queue-name", "work")
    store = Store.open(isolated_state)
    try:
        queue_id = store.conn.execute("SELECT id FROM sqs_queues").fetchone()[0]
        rng = random.Random(22)
        written = []
        with store.transaction() as db:
            for step in range(6000):
                now = float(step)
                change = (rng.choice((1, -1, 2)), rng.randint(0, 1),
                          now + rng.choice((0, 0, 5, 40, 400)))
                sqs_activity.record(db, queue_id, now, "send", [change])
                a, (n, r, v) = now, change
                written.append((a, n, 0, a) if v <= a else (a, n, r, v))
        rows = store.conn.execute("SELECT at, n, received, visible_at FROM sqs_activity "
                                  "WHERE queue_id = ?", (queue_id,)).fetchall()
        assert len(rows) <= sqs_activity.KEEP + sqs_activity.PRUNE_EVERY
        folded = store.conn.execute("SELECT min(at) FROM sqs_activity WHERE kind = 'earlier'"
                                    ).fetchone()[0]
        assert folded is not None and folded > 3000
        for t in (folded, folded + 0.5, folded + 17, 5000.0, 5999.0, 6500.0):
            assert _sums(rows, t) == _sums(written, t), t
        # The log goes with its queue (a later queue may reuse the id).
        with store.transaction() as db:
            db.execute("DELETE FROM sqs_queues WHERE id = ?", (queue_id,))
        assert store.conn.execute("SELECT count(*) FROM sqs_activity").fetchone()[0] == 0
    finally:
        store.close()


def test_migration_counts_the_messages_a_state_already_holds(run, at, isolated_state):
    _tutorial(run, at)
    db = sqlite3.connect(isolated_state / "state.db")
    db.execute("DROP TABLE sqs_activity")  # as a state made before migration 0009
    db.execute("PRAGMA user_version = 8")
    db.commit()
    db.close()
    run("sqs", "list-queues")  # migrates
    history = _points(isolated_state)
    # Each stored message counts from its send, in its current state.
    assert history["Points"][-1][1:] == [3, 0, 0] and history["Complete"] is True
    assert history["Points"][0][0] == T0


def test_an_import_counts_its_messages(run, at, isolated_state, tmp_path):
    _tutorial(run, at)
    run("local", "export", "--include-messages", "--output-file", str(tmp_path / "x.json"),
        "--passphrase-file", str(_passphrase(tmp_path)))
    run("local", "reset", "--yes")
    run("local", "import", str(tmp_path / "x.json"), "--passphrase-file",
        str(_passphrase(tmp_path)))
    history = _points(isolated_state)
    assert history["Points"][-1][1:] == [3, 0, 0] and history["Complete"] is True


def _passphrase(tmp_path):
    path = tmp_path / "passphrase"
    path.write_text("correct horse battery staple\n")
    path.chmod(0o600)
    return path
