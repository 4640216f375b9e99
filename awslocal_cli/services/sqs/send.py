"""Sending: SendMessage, SendMessageBatch, and `deliver` for other services (SNS).

A message is validated (body characters, attributes, size, delay, FIFO ids), deduplicated on a
FIFO queue (5 minutes, by queue or by message group), sealed when the queue has SSE (sse.py)
and stored with the MD5 digests SendMessage returns (md5.py).
"""

from __future__ import annotations

from awslocal_cli import ids
from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.batch import check_entries, run_entries, savepoint
from awslocal_cli.services.sqs.lookup import find_queue, in_queue_region
from awslocal_cli.services.sqs.md5 import (
    INVALID_CHARS,
    attributes_size,
    check_attributes,
    md5_of_attributes,
    md5_of_body,
    valid_chars,
)
from awslocal_cli.services.sqs.permissions import check_service_send
from awslocal_cli.services.sqs.rows import dump_attributes
from awslocal_cli.services.sqs.sse import seal_body
from awslocal_cli.store import sqs as db
from awslocal_cli.store import sqs_activity as activity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = db.Row
Attributes = dict[str, dict[str, "Any"]]

DEDUP_WINDOW = 300  # FIFO deduplication interval, 5 minutes
MAX_DELAY = 900
MAX_BATCH_BYTES = 1048576


def _sender_id(ctx: Context) -> str:
    from awslocal_cli.services import sts

    return str(sts.get_caller_identity(ctx)["UserId"])


def _next_sequence(queue: Row, now: float) -> str:
    last = int(queue["last_sequence"])
    value = max(last + 1, int(now * 1000) << 40)
    queue["last_sequence"] = str(value)
    return str(value).rjust(20, "0")


# -- checks -----------------------------------------------------------------------------------


def _checked_content(queue: Row, entry: dict[str, Any]) -> tuple[str, Attributes, Attributes,
                                                                 int]:
    """(body, message attributes, system attributes, size) of an entry, each checked."""
    body = entry.get("MessageBody")
    if body is None or body == "":
        raise err.MissingParameter("The request must contain the parameter MessageBody.")
    body = str(body)
    if not valid_chars(body):
        raise err.InvalidMessageContents(INVALID_CHARS)
    user = check_attributes(entry.get("MessageAttributes"), kind="user")
    system = check_attributes(entry.get("MessageSystemAttributes"), kind="system")
    size = len(body.encode("utf-8")) + attributes_size(user)
    limit = int(queue["attributes"]["MaximumMessageSize"])
    if size > limit:
        raise err.InvalidParameterValue(
            f"One or more parameters are invalid. Reason: Message must be shorter than {limit} "
            "bytes.")
    return body, user, system, size


def _delay(queue: Row, delay: Any) -> int:
    """The entry's DelaySeconds (standard queues only), or the queue's.

    A FIFO queue takes DelaySeconds=0, as AWS does (recorded responses): only a per-message
    delay other than 0 is refused, and the queue's delay applies.
    """
    if delay is None or (queue["fifo"] and str(delay).strip() == "0"):
        return int(queue["attributes"]["DelaySeconds"])
    if queue["fifo"]:
        raise err.invalid_parameter(
            "DelaySeconds", delay,
            "The request include parameter that is not valid for this queue type.")
    if not 0 <= int(delay) <= MAX_DELAY:
        raise err.invalid_parameter("DelaySeconds", delay,
                                    "DelaySeconds must be >= 0 and <= 900.")
    return int(delay)


def _check_ids(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    """(MessageGroupId, MessageDeduplicationId), each printable ASCII, 1 to 128 long."""
    group = entry.get("MessageGroupId")
    dedup = entry.get("MessageDeduplicationId")
    for pname, pvalue in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
        if pvalue is not None and not (
                0 < len(pvalue) <= 128 and all(33 <= ord(c) <= 126 for c in pvalue)):
            raise err.invalid_parameter(pname, pvalue, f"{pname} can only include alphanumeric "
                                        "and punctuation characters. 1 to 128 in length.")
    return group, dedup


def _fifo_dedup(queue: Row, body: str, group: str | None,
                dedup: str | None) -> tuple[str, str]:
    """(deduplication id, deduplication scope key) of a FIFO message."""
    if group is None:
        raise err.MissingParameter("The request must contain the parameter MessageGroupId.")
    attrs = queue["attributes"]
    if dedup is None:
        if attrs.get("ContentBasedDeduplication") != "true":
            raise err.InvalidParameterValue(
                "The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly")
        import hashlib

        dedup = hashlib.sha256(body.encode("utf-8")).hexdigest()
    scope = f"{group}\x00{dedup}" if attrs.get("DeduplicationScope") == "messageGroup" \
        else dedup
    return dedup, scope


# -- storing ----------------------------------------------------------------------------------


def _result(row: Row, message_id: str, sequence: str | None) -> dict[str, Any]:
    """The SendMessage result members, in the API's order."""
    out: dict[str, Any] = {"MD5OfMessageBody": row["md5_body"]}
    if row["md5_attributes"]:
        out["MD5OfMessageAttributes"] = row["md5_attributes"]
    if row["md5_system"]:
        out["MD5OfMessageSystemAttributes"] = row["md5_system"]
    out["MessageId"] = message_id
    if sequence:
        out["SequenceNumber"] = sequence
    return out


def _send_one(ctx: Context, queue: Row, entry: dict[str, Any], sender: str) -> dict[str, Any]:
    """Validate, encrypt and store one message; the SendMessage result members."""
    body, user, system, size = _checked_content(queue, entry)
    delay = _delay(queue, entry.get("DelaySeconds"))
    group, dedup = _check_ids(entry)
    now = ctx.time()
    digests = {"md5_body": md5_of_body(body),
               "md5_attributes": md5_of_attributes(user) if user else None,
               "md5_system": md5_of_attributes(system) if system else None}
    sequence = scope = None
    if queue["fifo"]:
        dedup, scope = _fifo_dedup(queue, body, group, dedup)
        seen = db.dedup_lookup(ctx.db, queue["id"], scope, now)
        if seen is not None:
            # Accepted, not delivered again (the 5-minute deduplication interval).
            return _result(digests, seen["message_id"], seen["sequence_number"])
        sequence = _next_sequence(queue, now)
    elif dedup is not None:
        raise err.invalid_parameter(
            "MessageDeduplicationId", dedup,
            "The request includes a parameter that is not valid for this queue type.")
    message_id = ids.uuid4()
    stored, kind, key_id = seal_body(in_queue_region(ctx, queue), queue, body, message_id)
    row = {
        "account": queue["account"], "region": queue["region"], "queue_id": queue["id"],
        "message_id": message_id, "body": stored, "encryption": kind, "data_key_id": key_id,
        "origin_arn": queue["arn"], **digests,
        "attributes": dump_attributes(user) if user else None,
        "system_attributes": dump_attributes(system) if system else None,
        "size": size, "sent_at": now, "visible_at": now + delay,
        "expires_at": now + int(queue["attributes"]["MessageRetentionPeriod"]),
        "receive_count": 0, "group_id": group, "dedup_id": dedup, "sequence_number": sequence,
        "sender_id": sender,
    }
    db.insert_message(ctx.db, row)
    activity.record(ctx.db, queue["id"], now, "send", ((1, 0, now + delay),))
    if scope is not None:
        db.dedup_insert(ctx.db, queue["account"], queue["region"], queue["id"], scope,
                        message_id, sequence, now + DEDUP_WINDOW)
        db.update_queue(ctx.db, queue["id"], last_sequence=queue["last_sequence"])
    return _result(row, message_id, sequence)


# -- operations -------------------------------------------------------------------------------


def send_message(ctx: Context, *, QueueUrl: str, MessageBody: str,
                 DelaySeconds: int | None = None,
                 MessageAttributes: dict[str, Any] | None = None,
                 MessageSystemAttributes: dict[str, Any] | None = None,
                 MessageDeduplicationId: str | None = None,
                 MessageGroupId: str | None = None) -> dict[str, Any]:
    """Send a message; its body is encrypted at rest when the queue has SSE."""
    queue = find_queue(ctx, QueueUrl, "SendMessage")
    entry = {"MessageBody": MessageBody, "DelaySeconds": DelaySeconds,
             "MessageAttributes": MessageAttributes,
             "MessageSystemAttributes": MessageSystemAttributes,
             "MessageDeduplicationId": MessageDeduplicationId, "MessageGroupId": MessageGroupId}
    return _send_one(ctx, queue, entry, _sender_id(ctx))


def send_message_batch(ctx: Context, *, QueueUrl: str,
                       Entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Send up to 10 messages; each entry succeeds or fails on its own.

    On a FIFO queue an entry without MessageGroupId, or without MessageDeduplicationId when
    the queue has no content-based deduplication, fails the whole request, as in AWS.
    """
    queue = find_queue(ctx, QueueUrl, "SendMessageBatch")
    entries = check_entries(Entries, "SendMessageBatchRequestEntry")
    total = sum(len(str(e.get("MessageBody") or "").encode("utf-8"))
                + attributes_size(e.get("MessageAttributes")) for e in entries)
    if total > MAX_BATCH_BYTES:
        raise err.BatchRequestTooLong(
            f"Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. You have sent "
            f"{total} bytes.")
    if queue["fifo"]:
        _check_fifo_entries(queue, entries)
    sender = _sender_id(ctx)
    return run_entries(ctx, entries, lambda entry: _send_one(ctx, queue, entry, sender))


def _check_fifo_entries(queue: Row, entries: list[dict[str, Any]]) -> None:
    """A FIFO batch with an entry lacking its group or deduplication id fails as a whole.

    AWS answers InvalidParameterValue for the request (recorded responses), not a failed entry
    and not SendMessage's MissingParameter.
    """
    content_based = queue["attributes"].get("ContentBasedDeduplication") == "true"
    for entry in entries:
        if entry.get("MessageGroupId") is None:
            raise err.InvalidParameterValue(
                "The request must contain the parameter MessageGroupId.")
        if entry.get("MessageDeduplicationId") is None and not content_based:
            raise err.InvalidParameterValue(
                "The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly")


def deliver(ctx: Context, queue_arn: str, entry: dict[str, Any], sender: str) -> dict[str, Any]:
    """Put a message in a queue for another service (SNS) acting as `ctx.principal`.

    As in AWS, the queue policy must allow the service principal sqs:SendMessage with the
    caller's aws:SourceArn and aws:SourceAccount (a queue without a policy refuses every
    service); a queue encrypted with a KMS key needs that key's policy to let the service use
    it, which the SendMessage path checks. `entry` holds SendMessage members. Raises
    QueueDoesNotExist, AccessDenied or SendMessage's errors; a failure leaves no trace.
    """
    queue = db.get_queue_by_arn(ctx.db, queue_arn)
    if queue is None:
        raise err.QueueDoesNotExist("The specified queue does not exist.")
    check_service_send(ctx, queue)
    return savepoint(ctx, _send_one, in_queue_region(ctx, queue), queue, entry, sender)
