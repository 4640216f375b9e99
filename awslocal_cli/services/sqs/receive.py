"""Receiving: ReceiveMessage, long polling, FIFO group order and receive-attempt replays.

Receive reads the (queue, visible_at) index and never scans a queue; a FIFO queue fills a batch
from its unblocked message groups, each in order, and holds back a group while a message of it
is in flight. A message
received maxReceiveCount times goes to the dead-letter queue instead (dead_letter.redrive).
Bodies are opened through sse.py, which decrypts a message's data key through KMS unless a
fresh cached one serves.

Long polling waits in real time (the Clock's monotonic() and sleep()), not on the local clock's
offset: while waiting, the transaction is committed (nothing is received yet), so other
processes can send, and a cheap `PRAGMA data_version` check every 50 ms notices their commits.
Where the front door parks waiting requests (`awslocal serve`), the wait raises Parked instead
and the request is run again when a commit may have given it something (awslocal_cli.wire.
waiting), so a waiting consumer holds no thread.
"""

from __future__ import annotations

from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.attributes import MAX_VISIBILITY, ORDER
from awslocal_cli.services.sqs.dead_letter import redrive
from awslocal_cli.services.sqs.lookup import find_queue, in_queue_region
from awslocal_cli.services.sqs.md5 import md5_of_attributes
from awslocal_cli.services.sqs.rows import (
    load_attributes,
    next_token,
    parse_receipt_handle,
    receipt_handle,
)
from awslocal_cli.services.sqs.sse import open_body
from awslocal_cli.store import sqs as db
from awslocal_cli.store import sqs_activity as activity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = db.Row

ATTEMPT_WINDOW = 300  # a ReceiveRequestAttemptId replays for 5 minutes, as deduplication does
MAX_WAIT = 20
POLL_INTERVAL = 0.05  # real seconds between cheap checks while long polling
SYSTEM_NAMES = (
    "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
    "SequenceNumber", "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


def _system_names(attribute_names: list[str] | None,
                  system_names: list[str] | None) -> set[str]:
    names = set(attribute_names or []) | set(system_names or [])
    if "All" in names:
        return set(SYSTEM_NAMES)
    return {n for n in names if n in SYSTEM_NAMES}


def _select_attributes(attrs: dict[str, dict[str, Any]],
                       names: list[str] | None) -> dict[str, dict[str, Any]]:
    """The message attributes MessageAttributeNames asks for.

    `All`, `*` and `.*` ask for every attribute; `prefix.*` for those whose name starts with
    the prefix (`Hel.*` matches `Hello`, as in AWS); any other name for itself.
    """
    if not names or not attrs:
        return {}
    if any(n in ("All", "*", ".*") for n in names):
        return attrs
    out = {}
    for name, value in attrs.items():
        for pattern in names:
            if pattern == name or (pattern.endswith(".*") and name.startswith(pattern[:-2])):
                out[name] = value
                break
    return out


def _candidates(ctx: Context, queue: Row, now: float, limit: int) -> list[Row]:
    """Visible messages to hand out, oldest first.

    On a FIFO queue the batch takes as many as it can from the oldest unblocked group, then
    from the next unblocked groups, each group in order (AWS knowledge center,
    sqs-fifo-messages-not-returned). A group with a message in flight is skipped whole.
    """
    if not queue["fifo"]:
        return db.visible(ctx.db, queue["id"], now, limit)
    out: list[Row] = []
    for head in db.group_heads(ctx.db, queue["id"]):
        if len(out) >= limit:
            break
        msgs = db.group_messages(ctx.db, queue["id"], head["group_id"], limit - len(out))
        if not msgs or msgs[0]["visible_at"] > now:
            continue  # the group is blocked while a message of it is in flight
        for m in msgs:
            if m["visible_at"] > now:
                break
            out.append(m)
    return out


def _system_values(queue: Row, message: Row) -> dict[str, Any]:
    """Every system attribute a message can answer with (None where it has none)."""
    values = {
        "SenderId": message["sender_id"],
        "SentTimestamp": str(int(message["sent_at"] * 1000)),
        "ApproximateReceiveCount": str(message["receive_count"]),
        "ApproximateFirstReceiveTimestamp": str(int((message["first_receive_at"] or 0)
                                                    * 1000)),
        "SequenceNumber": message["sequence_number"],
        "MessageDeduplicationId": message["dedup_id"] if queue["fifo"] else None,
        "MessageGroupId": message["group_id"],
        "DeadLetterQueueSourceArn": message["dlq_source_arn"],
    }
    trace = load_attributes(message["system_attributes"]).get("AWSTraceHeader")
    if trace:
        values["AWSTraceHeader"] = trace["StringValue"]
    return values


def _render(queue: Row, message: Row, handle: str, body: str,
            system: set[str], attribute_names: list[str] | None) -> dict[str, Any]:
    """One received message as ReceiveMessage returns it."""
    out: dict[str, Any] = {"MessageId": message["message_id"], "ReceiptHandle": handle,
                           "MD5OfBody": message["md5_body"], "Body": body}
    if system:
        values = _system_values(queue, message)
        attrs = {k: str(values[k]) for k in SYSTEM_NAMES if k in system and values.get(k)}
        if attrs:
            out["Attributes"] = attrs
    selected = _select_attributes(load_attributes(message["attributes"]), attribute_names)
    if selected:
        out["MD5OfMessageAttributes"] = md5_of_attributes(selected)
        out["MessageAttributes"] = selected
    return out


def _receive_once(ctx: Context, queue: Row, limit: int, visibility: int, system: set[str],
                  attribute_names: list[str] | None) -> list[dict[str, Any]]:
    """Up to `limit` messages made invisible for `visibility` seconds, without waiting."""
    now = ctx.time()
    db.expire(ctx.db, queue["id"], now)
    qctx = in_queue_region(ctx, queue)
    keys: dict[int, bytes] = {}
    out: list[dict[str, Any]] = []
    for _ in range(3):  # DLQ moves free up room; look again a few times
        candidates = _candidates(ctx, queue, now, limit - len(out))
        if not candidates:
            break
        moved = False
        for message in candidates:
            if redrive(ctx, queue, message, now):
                moved = True
                continue
            body = open_body(qctx, message, keys)
            token = next_token(message["receipt"])
            message["receive_count"] += 1
            message["first_receive_at"] = message["first_receive_at"] or now
            db.update_message(ctx.db, message["id"], receive_count=message["receive_count"],
                              first_receive_at=message["first_receive_at"], received_at=now,
                              receipt=token, visible_at=now + visibility)
            out.append(_render(queue, message, receipt_handle(queue["id"], message["id"], token),
                               body, system, attribute_names))
        if not moved or len(out) >= limit:
            break
    if out:
        activity.record(ctx.db, queue["id"], now, "receive",
                        ((-len(out), 0, now), (len(out), 1, now + visibility)))
    return out


def _replay_attempt(ctx: Context, queue: Row, attempt_id: str, system: set[str],
                    attribute_names: list[str] | None) -> list[dict[str, Any]] | None:
    """The messages of an earlier receive with this ReceiveRequestAttemptId, still in flight."""
    pairs = db.attempt_lookup(ctx.db, queue["id"], attempt_id, ctx.time())
    if pairs is None:
        return None
    out = []
    keys: dict[int, bytes] = {}
    for row_id, token in pairs:
        m = db.get_message(ctx.db, int(row_id))
        if m is None or m["receipt"] != token or m["queue_id"] != queue["id"]:
            continue
        body = open_body(in_queue_region(ctx, queue), m, keys)
        out.append(_render(queue, m, receipt_handle(queue["id"], m["id"], token), body, system,
                           attribute_names))
    return out


def _remember_attempt(ctx: Context, queue: Row, attempt_id: str,
                      messages: list[dict[str, Any]]) -> None:
    pairs = []
    for m in messages:
        _, row_id, token = parse_receipt_handle(m["ReceiptHandle"])
        pairs.append([row_id, token])
    db.attempt_insert(ctx.db, queue["account"], queue["region"], queue["id"], attempt_id, pairs,
                      ctx.time() + ATTEMPT_WINDOW)


def _wait_for_change(ctx: Context, queue: Row, deadline: float) -> None:
    """Commit, then sleep until another process commits, a message is due, or the deadline."""
    clock = ctx.clock
    conn = ctx.db
    due = db.next_visible_at(conn, queue["id"])
    now = ctx.time()
    ctx.session.checkpoint()
    wake = deadline if due is None else min(deadline, clock.monotonic() + max(0.0, due - now))
    if ctx.session.can_park:  # awslocal serve: give the thread back, be run again when woken
        from awslocal_cli.parking import Parked

        raise Parked(("sqs", int(queue["id"])), deadline, wake)
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    while True:
        left = wake - clock.monotonic()
        if left <= 0:
            return
        clock.sleep(min(POLL_INTERVAL, left))
        if conn.execute("PRAGMA data_version").fetchone()[0] != version:
            return


def _check_request(max_messages: int | None, visibility: int | None,
                   wait: int | None, names: list[str]) -> int:
    """The number of messages asked for; AWS's errors for out-of-range members."""
    limit = 1 if max_messages is None else int(max_messages)
    if not 1 <= limit <= 10:
        raise err.invalid_parameter("MaxNumberOfMessages", max_messages,
                                    "Must be between 1 and 10, if provided.")
    if visibility is not None and not 0 <= int(visibility) <= MAX_VISIBILITY:
        raise err.invalid_parameter("VisibilityTimeout", visibility,
                                    "Must be between 0 and 43200, if provided.")
    if wait is not None and not 0 <= int(wait) <= MAX_WAIT:
        raise err.invalid_parameter("WaitTimeSeconds", wait,
                                    "Must be >= 0 and <= 20, if provided.")
    for name in names:
        if name not in SYSTEM_NAMES and name != "All" and name not in ORDER:
            raise err.InvalidAttributeName(f"Unknown Attribute {name}.")
    return limit


def receive_message(ctx: Context, *, QueueUrl: str, AttributeNames: list[str] | None = None,
                    MessageSystemAttributeNames: list[str] | None = None,
                    MessageAttributeNames: list[str] | None = None,
                    MaxNumberOfMessages: int | None = None, VisibilityTimeout: int | None = None,
                    WaitTimeSeconds: int | None = None,
                    ReceiveRequestAttemptId: str | None = None) -> dict[str, Any]:
    """Receive up to 10 messages, long polling up to WaitTimeSeconds (real time)."""
    queue = find_queue(ctx, QueueUrl, "ReceiveMessage")
    limit = _check_request(MaxNumberOfMessages, VisibilityTimeout, WaitTimeSeconds,
                           (AttributeNames or []) + (MessageSystemAttributeNames or []))
    attempt = ReceiveRequestAttemptId if queue["fifo"] else None  # standard queues ignore it
    system = _system_names(AttributeNames, MessageSystemAttributeNames)
    wait = int(queue["attributes"]["ReceiveMessageWaitTimeSeconds"]) \
        if WaitTimeSeconds is None else int(WaitTimeSeconds)
    if attempt is not None:
        replay = _replay_attempt(ctx, queue, attempt, system, MessageAttributeNames)
        if replay is not None:
            return {"Messages": replay} if replay else {}
    deadline = ctx.session.wait_deadline  # a parked receive, run again: its first deadline
    if deadline is None:
        deadline = ctx.clock.monotonic() + wait
    while True:
        visibility = int(queue["attributes"]["VisibilityTimeout"]) \
            if VisibilityTimeout is None else int(VisibilityTimeout)
        messages = _receive_once(ctx, queue, limit, visibility, system, MessageAttributeNames)
        if messages or ctx.clock.monotonic() >= deadline:
            break
        _wait_for_change(ctx, queue, deadline)
        queue = find_queue(ctx, QueueUrl, "ReceiveMessage")
    if attempt is not None and messages:
        _remember_attempt(ctx, queue, attempt, messages)
    return {"Messages": messages} if messages else {}
