"""Dead-letter queues: RedrivePolicy checks, redrive on receive, and message move tasks.

A queue's RedrivePolicy names its dead-letter queue and maxReceiveCount; the dead-letter
queue's RedriveAllowPolicy says which sources may use it (both checked here when set). A
receive that finds a message at maxReceiveCount moves it to the dead-letter queue instead
(`redrive`), its stored body untouched. StartMessageMoveTask moves messages back to their
sources (or to DestinationArn).

Move tasks progress lazily on the local clock: every SQS operation first calls
`advance_tasks`, which moves as many messages as MaxNumberOfMessagesPerSecond allows since the
task started, so `awslocal local clock advance` walks a slow task through.
"""

from __future__ import annotations

import base64
import json

from awslocal_cli import ids
from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.urls import arn_parts, queue_arn
from awslocal_cli.store import sqs as db
from awslocal_cli.store import sqs_activity as activity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = db.Row

_NON_EXISTENT = "AWS.SimpleQueueService.NonExistentQueue"


# -- RedrivePolicy and RedriveAllowPolicy -------------------------------------------------------


def _json_map(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return None


def check_redrive_policy(ctx: Context, value: str, queue_name: str, fifo: bool) -> str:
    """The normalized RedrivePolicy of queue `queue_name`; AWS's errors for a bad one."""
    doc = _json_map(value)
    if not isinstance(doc, dict):
        raise err.invalid_parameter("RedrivePolicy", value,
                                    "Redrive policy is not a valid JSON map.")
    target = doc.get("deadLetterTargetArn")
    count = doc.get("maxReceiveCount")
    if target is None or count is None:
        raise err.invalid_parameter(
            "RedrivePolicy", value, "Redrive policy does not contain mandatory attribute: "
            + ("deadLetterTargetArn." if target is None else "maxReceiveCount."))
    try:
        n = int(str(count))
    except ValueError:
        n = 0
    if not 1 <= n <= 1000:
        raise err.invalid_parameter("RedrivePolicy", value,
                                    "Invalid value for maxReceiveCount: "
                                    f"{count}, valid values are from 1 to 1000 both inclusive.")
    # A dead-letter queue is in the source queue's account and region (AWS docs, "Using
    # dead-letter queues"); an ARN elsewhere names no queue this region knows.
    parts = arn_parts(str(target))
    dlq = db.get_queue_by_arn(ctx.db, str(target)) \
        if parts and parts[:2] == (ctx.region, ctx.account) else None
    if dlq is None:
        raise err.invalid_parameter("RedrivePolicy", value, "Dead-letter target does not exist.")
    if bool(dlq["fifo"]) != fifo:
        raise err.invalid_parameter(
            "RedrivePolicy", value,
            "Dead-letter queue must be same type of queue as the source.")
    source_arn = queue_arn(ctx.region, ctx.account, queue_name)
    if not _allows_source(dlq, source_arn):
        raise err.invalid_parameter(
            "RedrivePolicy", value,
            f"Queue {source_arn} is not allowed to use {target} as its dead-letter queue: "
            "the RedriveAllowPolicy of the dead-letter queue does not permit it.")
    return json.dumps({"deadLetterTargetArn": str(target), "maxReceiveCount": n},
                      separators=(",", ":"))


def _allows_source(dlq: Row, source_arn: str) -> bool:
    """Whether the dead-letter queue's RedriveAllowPolicy lets `source_arn` use it."""
    allow = dlq["attributes"].get("RedriveAllowPolicy")
    if not allow:
        return True
    rap = json.loads(allow)
    permission = rap.get("redrivePermission")
    if permission == "denyAll":
        return False
    return permission != "byQueue" or source_arn in rap.get("sourceQueueArns", [])


def check_redrive_allow(value: str) -> str:
    """The normalized RedriveAllowPolicy; AWS's errors for a bad one."""
    doc = _json_map(value)
    reason = None
    if not isinstance(doc, dict):
        reason = "Redrive allow policy is not a valid JSON map."
    else:
        permission = doc.get("redrivePermission")
        arns = doc.get("sourceQueueArns")
        if permission not in ("allowAll", "denyAll", "byQueue"):
            reason = ("Invalid value for redrivePermission. Valid values are allowAll, "
                      "denyAll, byQueue.")
        elif permission == "byQueue" and (not isinstance(arns, list)
                                          or not 1 <= len(arns) <= 10):
            reason = ("sourceQueueArns must be a list of 1 to 10 queue ARNs when "
                      "redrivePermission is byQueue.")
        elif permission != "byQueue" and arns:
            reason = "sourceQueueArns is only allowed when redrivePermission is byQueue."
    if reason:
        raise err.invalid_parameter("RedriveAllowPolicy", value, reason)
    return json.dumps(doc, separators=(",", ":"))


def source_queues(ctx: Context, queue: Row) -> list[Row]:
    """The queues whose RedrivePolicy names `queue` as their dead-letter queue, by name."""
    found = []
    for row in db.list_queues(ctx.db, queue["account"], queue["region"]):
        policy = row["attributes"].get("RedrivePolicy")
        if policy and json.loads(policy).get("deadLetterTargetArn") == queue["arn"]:
            found.append(row)
    return found


# -- redrive on receive -----------------------------------------------------------------------


def redrive(ctx: Context, queue: Row, message: Row, now: float) -> bool:
    """Move a message past maxReceiveCount to the dead-letter queue; True if moved."""
    policy = queue["attributes"].get("RedrivePolicy")
    if not policy:
        return False
    doc = json.loads(policy)
    if message["receive_count"] < int(doc["maxReceiveCount"]):
        return False
    dlq = db.get_queue_by_arn(ctx.db, doc["deadLetterTargetArn"])
    if dlq is None:
        return False
    # The message keeps its body exactly as stored (encryption included) and its original
    # enqueue time, so the DLQ's retention counts from the original send (AWS docs).
    db.update_message(ctx.db, message["id"], queue_id=dlq["id"], visible_at=now,
                      dlq_source_arn=queue["arn"], receipt=None,
                      expires_at=message["sent_at"]
                      + int(dlq["attributes"]["MessageRetentionPeriod"]))
    _moved(ctx, "redrive", queue["id"], dlq["id"], message, now)
    return True


def _moved(ctx: Context, kind: str, source_id: int, target_id: int, message: Row,
           now: float) -> None:
    """Log a visible message leaving one queue and arriving, visible, in another."""
    activity.record(ctx.db, source_id, now, kind,
                    ((-1, message["receive_count"] > 0, message["visible_at"]),))
    activity.record(ctx.db, target_id, now, kind, ((1, 0, now),))


# -- message move tasks -----------------------------------------------------------------------


def advance_tasks(ctx: Context) -> None:
    """Advance running message move tasks to the local clock."""
    tasks = db.running_tasks(ctx.db)
    if tasks:
        now = ctx.time()
        for task in tasks:
            _advance_task(ctx, task, now)


def _advance_task(ctx: Context, task: Row, now: float) -> None:
    """Move as many messages as the rate allows by `now`; finish the task when done."""
    source = db.get_queue_by_arn(ctx.db, task["source_arn"])
    if source is None:
        db.update_task(ctx.db, task["task_handle"], status="FAILED",
                       failure_reason=_NON_EXISTENT)
        return
    rate = task["max_per_second"]
    allowed = task["to_move"] if rate is None else int((now - task["started"]) * rate)
    budget = max(0, min(allowed, task["to_move"]) - task["moved"])
    moved = task["moved"]
    if budget:
        for message in db.movable(ctx.db, source["id"], now, task["last_id"], budget):
            target_arn = task["destination_arn"] or message["dlq_source_arn"]
            target = db.get_queue_by_arn(ctx.db, target_arn) if target_arn else None
            if target is None:
                db.update_task(ctx.db, task["task_handle"], status="FAILED", moved=moved,
                               failure_reason=_NON_EXISTENT)
                return
            _move_back(ctx, message, target, now)
            moved += 1
    remaining = db.movable(ctx.db, source["id"], float("inf"), task["last_id"], 1)
    done = moved >= task["to_move"] or not remaining
    db.update_task(ctx.db, task["task_handle"], moved=moved,
                   status="COMPLETED" if done else "RUNNING")


def _move_back(ctx: Context, message: Row, target: Row, now: float) -> None:
    """A new enqueue in the destination (fresh receive count), body untouched."""
    db.update_message(ctx.db, message["id"], queue_id=target["id"], visible_at=now,
                      receive_count=0, first_receive_at=None, received_at=None,
                      receipt=None, dlq_source_arn=None,
                      expires_at=now + int(target["attributes"]["MessageRetentionPeriod"]))
    _moved(ctx, "move", message["queue_id"], target["id"], message, now)


def _task_handle(source_arn: str) -> str:
    doc = {"taskId": ids.uuid4(), "sourceArn": source_arn}
    return base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def _in_region(ctx: Context, arn: str) -> Row | None:
    """The queue an ARN names, if it is in the caller's region (regions are partitions)."""
    parts = arn_parts(arn)
    if parts is None or parts[0] != ctx.region:
        return None
    return db.get_queue_by_arn(ctx.db, arn)


def _source_queue(ctx: Context, source_arn: str, action: str) -> Row:
    from awslocal_cli.services.sqs.access import authorize

    source = _in_region(ctx, source_arn)
    if source is None:
        raise err.ResourceNotFoundException(
            "The resource that you specified for the SourceArn parameter doesn't exist.")
    authorize(ctx, source, action)
    return source


def start_message_move_task(ctx: Context, *, SourceArn: str, DestinationArn: str | None = None,
                            MaxNumberOfMessagesPerSecond: int | None = None) -> dict[str, Any]:
    """Move messages from a dead-letter queue back to their sources (or DestinationArn)."""
    advance_tasks(ctx)
    source = _source_queue(ctx, SourceArn, "StartMessageMoveTask")
    if DestinationArn is not None and _in_region(ctx, DestinationArn) is None:
        raise err.ResourceNotFoundException(
            "The resource that you specified for the DestinationArn parameter doesn't exist.")
    rate = MaxNumberOfMessagesPerSecond
    if rate is not None and not 1 <= int(rate) <= 500:
        raise err.invalid_parameter("MaxNumberOfMessagesPerSecond", rate,
                                    "Must be between 1 and 500.")
    if not source_queues(ctx, source):
        raise err.InvalidParameterValue(
            "Source queue must be configured as a Dead Letter Queue.")
    if any(t["status"] == "RUNNING" for t in db.tasks_for_source(
            ctx.db, source["account"], source["region"], SourceArn, 10)):
        raise err.UnsupportedOperation(
            "There is already a task running. Only one active task is allowed for a source "
            "queue arn at a given time.")
    last_id, count = db.max_message_row(ctx.db, source["id"])
    handle = _task_handle(SourceArn)
    db.insert_task(ctx.db, {
        "task_handle": handle, "account": source["account"], "region": source["region"],
        "source_arn": SourceArn, "destination_arn": DestinationArn,
        "max_per_second": None if rate is None else int(rate), "status": "RUNNING",
        "moved": 0, "to_move": count, "last_id": last_id, "started": ctx.time()})
    task = db.get_task(ctx.db, handle)
    assert task is not None
    _advance_task(ctx, task, ctx.time())
    return {"TaskHandle": handle}


def _task_entry(task: Row) -> dict[str, Any]:
    """A ListMessageMoveTasks result entry (the handle only while the task runs)."""
    entry: dict[str, Any] = {}
    if task["status"] == "RUNNING":
        entry["TaskHandle"] = task["task_handle"]
    entry["Status"] = task["status"]
    entry["SourceArn"] = task["source_arn"]
    if task["destination_arn"]:
        entry["DestinationArn"] = task["destination_arn"]
    if task["max_per_second"] is not None:
        entry["MaxNumberOfMessagesPerSecond"] = task["max_per_second"]
    entry["ApproximateNumberOfMessagesMoved"] = task["moved"]
    entry["ApproximateNumberOfMessagesToMove"] = task["to_move"]
    if task["failure_reason"]:
        entry["FailureReason"] = task["failure_reason"]
    entry["StartedTimestamp"] = int(task["started"] * 1000)
    return entry


def list_message_move_tasks(ctx: Context, *, SourceArn: str,
                            MaxResults: int | None = None) -> dict[str, Any]:
    """The most recent move tasks of a source queue (MaxResults 1..10, default 1)."""
    advance_tasks(ctx)
    limit = 1 if MaxResults is None else int(MaxResults)
    if not 1 <= limit <= 10:
        raise err.invalid_parameter("MaxResults", MaxResults,
                                    "Must be between 1 and 10, if provided.")
    source = _source_queue(ctx, SourceArn, "ListMessageMoveTasks")
    tasks = db.tasks_for_source(ctx.db, source["account"], source["region"], SourceArn, limit)
    return {"Results": [_task_entry(t) for t in tasks]}


def cancel_message_move_task(ctx: Context, *, TaskHandle: str) -> dict[str, Any]:
    """Stop a running move task; messages already moved stay moved."""
    advance_tasks(ctx)
    task = db.get_task(ctx.db, TaskHandle)
    if task is None or task["status"] != "RUNNING":
        raise err.ResourceNotFoundException("Task does not exist.")
    _source_queue(ctx, task["source_arn"], "CancelMessageMoveTask")
    db.update_task(ctx.db, TaskHandle, status="CANCELLED")
    return {"ApproximateNumberOfMessagesMoved": task["moved"]}
