"""Queue policies: AddPermission and RemovePermission edit them; SNS delivery is checked by them.

Every request is decided by access.authorize (explicit Deny, cross-account Allow, service
principals); `check_service_send` is that decision for a service delivering to a queue, with
a refusal that names the policy, the principal and the source.
"""

from __future__ import annotations

import json

from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.access import authorize
from awslocal_cli.services.sqs.lookup import find_queue
from awslocal_cli.store import sqs as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

_PERMISSION_ACTIONS = {
    "*", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
    "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue",
    "ListQueueTags", "ListMessageMoveTasks", "StartMessageMoveTask", "CancelMessageMoveTask",
}


def _check_permission(label: str, account_ids: list[str], actions: list[str]) -> None:
    if not label or len(label) > 80 or not all(c.isascii() and (c.isalnum() or c in "-_")
                                               for c in label):
        raise err.invalid_parameter("Label", label, "Can only include alphanumeric characters, "
                                    "hyphens, or underscores. 1 to 80 in length")
    if not account_ids:
        raise err.MissingParameter("The request must contain the parameter AWSAccountIds.")
    if not actions:
        raise err.MissingParameter("The request must contain the parameter Actions.")
    if len(actions) > 7:
        # "An Amazon SQS policy can have a maximum of seven actions per statement" (AddPermission
        # documentation); AWS's words for it, as moto records them (run against AWS).
        raise err.OverLimit(f"{len(actions)} Actions were found, maximum allowed is 7.")
    for action in actions:
        if action not in _PERMISSION_ACTIONS:
            raise err.invalid_parameter("Actions", action,
                                        f"Action {action} is not valid for this queue type.")


def add_permission(ctx: Context, *, QueueUrl: str, Label: str, AWSAccountIds: list[str],
                   Actions: list[str]) -> dict[str, Any]:
    """Add a statement named Label to the queue's Policy."""
    queue = find_queue(ctx, QueueUrl, "AddPermission")
    _check_permission(Label, AWSAccountIds, Actions)
    policy = json.loads(queue["attributes"].get("Policy") or "null") or {
        "Version": "2012-10-17", "Id": f"{queue['arn']}/SQSDefaultPolicy", "Statement": []}
    statements = policy.setdefault("Statement", [])
    if isinstance(statements, dict):
        statements = policy["Statement"] = [statements]
    if any(s.get("Sid") == Label for s in statements):
        raise err.invalid_parameter("Label", Label, "Already exists.")
    principals = [f"arn:aws:iam::{a}:root" for a in AWSAccountIds]
    actions = [f"SQS:{a}" for a in Actions]
    statements.append({
        "Sid": Label, "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": actions[0] if len(actions) == 1 else actions, "Resource": queue["arn"],
    })
    attrs = dict(queue["attributes"], Policy=json.dumps(policy, separators=(",", ":")))
    db.update_queue(ctx.db, queue["id"], attributes=attrs, modified=ctx.time())
    return {}


def remove_permission(ctx: Context, *, QueueUrl: str, Label: str) -> dict[str, Any]:
    """Remove the Policy statement named Label."""
    queue = find_queue(ctx, QueueUrl, "RemovePermission")
    policy = json.loads(queue["attributes"].get("Policy") or "null") or {}
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    kept = [s for s in statements if s.get("Sid") != Label]
    if len(kept) == len(statements):
        raise err.invalid_parameter("Label", Label, "can't find label.")
    attrs = dict(queue["attributes"])
    if kept:
        policy["Statement"] = kept
        attrs["Policy"] = json.dumps(policy, separators=(",", ":"))
    else:
        attrs.pop("Policy", None)
    db.update_queue(ctx.db, queue["id"], attributes=attrs, modified=ctx.time())
    return {}


def check_service_send(ctx: Context, queue: db.Row) -> None:
    """AccessDenied unless the queue policy lets `ctx.principal` (a service) send for its source.

    The decision is access.authorize's, as for every other request: the policy must allow
    sqs:SendMessage with the caller's aws:SourceArn and aws:SourceAccount, as AWS requires of
    SNS subscriptions to queues. The refusal says why, for `awslocal local deliveries`.
    """
    try:
        authorize(ctx, queue, "SendMessage")
    except err.AccessDenied:
        raise err.AccessDenied(
            f"The queue policy of {queue['arn']} does not allow {ctx.principal} to perform "
            f"sqs:SendMessage with aws:SourceArn {ctx.source_arn}.") from None
