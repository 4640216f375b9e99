"""Messages already in a queue: delete, change visibility, purge, and what is stored for one.

On a standard queue every receipt handle a message was received with keeps naming it: an
earlier handle of a message received again still deletes it and changes its visibility, as in
AWS (moto #4655, its tests run against AWS; DeleteMessage's documentation says only that the
message "might not be deleted"). A FIFO queue's handle is good only while its receive's
visibility timeout lasts. Deleting a message that is gone succeeds.
"""

from __future__ import annotations

from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.attributes import MAX_VISIBILITY
from awslocal_cli.services.sqs.batch import check_entries, run_entries
from awslocal_cli.services.sqs.lookup import find_queue
from awslocal_cli.services.sqs.rows import issued_for, load_attributes, parse_receipt_handle
from awslocal_cli.services.sqs.sse import NONE, describe
from awslocal_cli.services.sqs.urls import url_of
from awslocal_cli.store import sqs as db
from awslocal_cli.store import sqs_activity as activity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = db.Row

PURGE_INTERVAL = 60


def _message_for_handle(ctx: Context, queue: Row, handle: str) -> tuple[Row | None, str]:
    queue_id, row_id, token = parse_receipt_handle(handle)
    if queue_id != queue["id"]:
        raise err.ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.')
    return db.get_message(ctx.db, row_id), token


# -- deleting ---------------------------------------------------------------------------------


def _delete_one(ctx: Context, queue: Row, handle: str) -> None:
    message, token = _message_for_handle(ctx, queue, handle)
    if message is None or message["queue_id"] != queue["id"] \
            or not issued_for(message["receipt"], token):
        return  # already deleted (its row may hold another message now): succeeds, as in AWS
    expired = message["receipt"] != token or message["visible_at"] <= ctx.time()
    if queue["fifo"] and expired:
        # A FIFO handle is good only while its receive's visibility timeout lasts (recorded
        # responses: InvalidParameterValue, not ReceiptHandleIsInvalid).
        raise err.invalid_parameter("ReceiptHandle", handle, "The receipt handle has expired.")
    db.delete_message(ctx.db, message["id"])
    activity.record(ctx.db, queue["id"], ctx.time(), "delete",
                    ((-1, message["receive_count"] > 0, message["visible_at"]),))


def delete_message(ctx: Context, *, QueueUrl: str, ReceiptHandle: str) -> dict[str, Any]:
    """Delete the message received with this receipt handle.

    On a standard queue any handle the message was received with deletes it, even while
    another consumer holds it; a FIFO queue's handle expires with the visibility timeout.
    """
    queue = find_queue(ctx, QueueUrl, "DeleteMessage")
    _delete_one(ctx, queue, ReceiptHandle)
    return {}


def delete_message_batch(ctx: Context, *, QueueUrl: str,
                         Entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Delete up to 10 messages; per-entry results."""
    queue = find_queue(ctx, QueueUrl, "DeleteMessageBatch")
    entries = check_entries(Entries, "DeleteMessageBatchRequestEntry")
    return run_entries(ctx, entries,
                       lambda entry: _delete_one(ctx, queue, entry.get("ReceiptHandle", "")))


def purge_queue(ctx: Context, *, QueueUrl: str) -> dict[str, Any]:
    """Delete every message; once per 60 seconds."""
    queue = find_queue(ctx, QueueUrl, "PurgeQueue")
    now = ctx.time()
    if queue["last_purge"] is not None and now - queue["last_purge"] < PURGE_INTERVAL:
        raise err.PurgeQueueInProgress(
            f"Only one PurgeQueue operation on {queue['name']} is allowed every 60 seconds.")
    gone = activity.leaving(ctx.db, queue["id"], "1", ())
    db.purge(ctx.db, queue["id"])
    activity.record(ctx.db, queue["id"], now, "purge", gone)
    db.update_queue(ctx.db, queue["id"], last_purge=now)
    return {}


# -- visibility -------------------------------------------------------------------------------


def _change_one(ctx: Context, queue: Row, handle: str, timeout: Any) -> None:
    if timeout is None or not 0 <= int(timeout) <= MAX_VISIBILITY:
        raise err.invalid_parameter("VisibilityTimeout", timeout,
                                    "Must be between 0 and 43200, if provided.")
    message, token = _message_for_handle(ctx, queue, handle)
    now = ctx.time()
    # On a standard queue any handle of the message works, an earlier receive's too, and once
    # the visibility timeout has passed (recorded responses) the message is hidden again.
    if message is None or message["queue_id"] != queue["id"] \
            or not issued_for(message["receipt"], token) \
            or (queue["fifo"] and (message["receipt"] != token or message["visible_at"] <= now)):
        raise err.MessageNotInflight(
            "Message does not exist or is not available for visibility timeout change.")
    if now + int(timeout) - (message["received_at"] or now) > MAX_VISIBILITY:
        raise err.invalid_parameter(
            "VisibilityTimeout", timeout,
            f"Total VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY} "
            "seconds]")
    db.update_message(ctx.db, message["id"], visible_at=now + int(timeout))
    activity.record(ctx.db, queue["id"], now, "visibility",
                    ((-1, message["receive_count"] > 0, message["visible_at"]),
                     (1, message["receive_count"] > 0, now + int(timeout))))


def change_message_visibility(ctx: Context, *, QueueUrl: str, ReceiptHandle: str,
                              VisibilityTimeout: int) -> dict[str, Any]:
    """Set the remaining visibility timeout of a received message (12 hours at most).

    On a standard queue any receive's handle of the message works, after the timeout passed
    too, as in AWS (the message is hidden again); on a FIFO queue only the last receive's
    handle, while the message is in flight (else MessageNotInflight).
    """
    queue = find_queue(ctx, QueueUrl, "ChangeMessageVisibility")
    _change_one(ctx, queue, ReceiptHandle, VisibilityTimeout)
    return {}


def change_message_visibility_batch(ctx: Context, *, QueueUrl: str,
                                    Entries: list[dict[str, Any]]) -> dict[str, Any]:
    """ChangeMessageVisibility for up to 10 messages; per-entry results."""
    queue = find_queue(ctx, QueueUrl, "ChangeMessageVisibilityBatch")
    entries = check_entries(Entries, "ChangeMessageVisibilityBatchRequestEntry")
    return run_entries(ctx, entries, lambda entry: _change_one(
        ctx, queue, entry.get("ReceiptHandle", ""), entry.get("VisibilityTimeout", 0)))


# -- awslocal local inspect-message -----------------------------------------------------------


def inspect_message(ctx: Context, QueueUrl: str, MessageId: str) -> dict[str, Any]:
    """What is stored for a message: encryption, key, wrapped data key, ciphertext; no plaintext.

    Not an AWS operation: `awslocal local inspect-message`.
    """
    queue = find_queue(ctx, QueueUrl, None)
    message = db.find_message(ctx.db, queue["id"], MessageId)
    if message is None:
        raise err.ResourceNotFoundException(
            f"Message {MessageId} is not in queue {queue['name']}.")
    body = bytes(message["body"])
    out: dict[str, Any] = {"QueueUrl": url_of(queue), "MessageId": MessageId}
    out.update(describe(ctx, message))
    out["StoredBodyLength"] = len(body)
    if message["encryption"] != NONE:
        out["CiphertextPrefixHex"] = body[:16].hex()
        out["AuthenticatedData"] = f"queue={message['origin_arn']} message={MessageId}"
    out["MD5OfBody"] = message["md5_body"]
    attrs = load_attributes(message["attributes"])
    if attrs:
        out["MessageAttributes"] = attrs
    if message["system_attributes"]:
        out["MessageSystemAttributes"] = load_attributes(message["system_attributes"])
    out["SentTimestamp"] = int(message["sent_at"] * 1000)
    out["ApproximateReceiveCount"] = message["receive_count"]
    if message["dlq_source_arn"]:
        out["DeadLetterQueueSourceArn"] = message["dlq_source_arn"]
    return out


# -- the console's peek (awslocal_cli/console) -----------------------------------------------

PEEK_LIMIT = 100


def peek_messages(ctx: Context, QueueUrl: str, MaxNumberOfMessages: int = 20) -> dict[str, Any]:
    """The messages of a queue with their bodies and envelopes, none of them received.

    Not an AWS operation (the console's queue page): no visibility changes, no receive count,
    no receipt handle. A body is opened as a consumer would open it (SSE-KMS: the data key is
    decrypted through KMS unless the consumer side holds a fresh one), so a message that a
    consumer could not open (a disabled key) shows why, in `BodyError`.
    """
    from awslocal_cli.errors import AwsError
    from awslocal_cli.services.sqs.sse import open_body

    limit = max(1, min(int(MaxNumberOfMessages), PEEK_LIMIT))
    queue = find_queue(ctx, QueueUrl, None)
    now = ctx.time()
    visible, in_flight, delayed = db.counts(ctx.db, queue["id"], now)
    keys: dict[int, bytes] = {}
    messages = []
    for message in db.peek(ctx.db, queue["id"], limit):
        state = ("Visible" if message["visible_at"] <= now
                 else "InFlight" if message["receive_count"] else "Delayed")
        out: dict[str, Any] = {
            "MessageId": message["message_id"], "State": state,
            "SentTimestamp": int(message["sent_at"] * 1000),
            "VisibleAt": message["visible_at"], "ExpiresAt": message["expires_at"],
            "ApproximateReceiveCount": message["receive_count"],
            "MD5OfBody": message["md5_body"], "Size": message["size"],
            "StoredBodyLength": len(bytes(message["body"])),
        }
        if message["group_id"]:
            out["MessageGroupId"] = message["group_id"]
        if message["sequence_number"]:
            out["SequenceNumber"] = message["sequence_number"]
        if message["dlq_source_arn"]:
            out["DeadLetterQueueSourceArn"] = message["dlq_source_arn"]
        attrs = load_attributes(message["attributes"])
        if attrs:
            out["MessageAttributes"] = attrs
        envelope = describe(ctx, message)
        if message["encryption"] != NONE and "DataKeyGeneratedAt" in envelope:
            envelope["DataKeyReusedUntil"] = (envelope["DataKeyGeneratedAt"]
                                              + envelope["DataKeyReusePeriodSeconds"])
            envelope["WrappedDataKeyLength"] = len(envelope["WrappedDataKey"])
            envelope["AuthenticatedData"] = (
                f"queue={message['origin_arn']} message={message['message_id']}")
            if envelope.get("KmsKeyArn"):
                envelope["EncryptionContext"] = {"aws:sqs:arn": message["origin_arn"]}
        out["Envelope"] = envelope
        try:
            out["Body"] = open_body(ctx, message, keys)
        except AwsError as exc:
            out["BodyError"] = f"{exc.code}: {exc.message}"
        messages.append(out)
    return {"QueueUrl": url_of(queue), "Counts": {
        "Visible": visible, "InFlight": in_flight, "Delayed": delayed},
        "Messages": messages}


def depth_history(ctx: Context, QueueUrl: str) -> dict[str, Any]:
    """A queue's visible / in flight / delayed counts over time, from its activity log.

    Not an AWS operation (the console's depth chart; AWS keeps this in CloudWatch). Each point
    is [local time, visible, in flight, delayed] after the changes at that time; a point is
    added where a delay or a visibility timeout ran out between two changes. `Complete` is
    False when the log's counts now differ from the queue's (messages stored without a log
    entry, as an import brings them).
    """
    queue = find_queue(ctx, QueueUrl, None)
    now = ctx.time()
    db.expire(ctx.db, queue["id"], now)
    deltas: list[tuple[float, int, int]] = []  # (time, column 1-3, change)
    for at, _kind, n, received, visible_at in activity.history(ctx.db, queue["id"]):
        if visible_at <= at:
            deltas.append((at, 1, n))
        else:
            column = 2 if received else 3
            deltas.append((at, column, n))
            deltas.append((visible_at, column, -n))
            deltas.append((visible_at, 1, n))
    deltas.sort(key=lambda d: d[0])
    end = max(now, deltas[-1][0] if deltas else now)
    counts = [0, 0, 0, 0]
    points: list[list[float]] = []
    for index, (when, column, change) in enumerate(deltas):
        if when > end:
            break
        counts[column] += change
        if index + 1 == len(deltas) or deltas[index + 1][0] != when:
            point = [when, *(max(0, c) for c in counts[1:])]
            if points and points[-1][0] == when:
                points[-1] = point
            elif not (len(points) > 1 and points[-1][1:] == point[1:]
                      and points[-2][1:] == point[1:]):
                points.append(point)
            else:
                points[-1] = point  # a flat stretch keeps its two ends
    logged_now = [0, 0, 0]
    for when, column, change in deltas:
        if when <= now:
            logged_now[column - 1] += change
    live = list(db.counts(ctx.db, queue["id"], now))
    if points and points[-1][0] < end:
        points.append([end, *points[-1][1:]])
    return {"QueueUrl": url_of(queue), "Now": now, "Points": points,
            "Counts": {"Visible": live[0], "InFlight": live[1], "Delayed": live[2]},
            "Complete": logged_now == live or end > now}
