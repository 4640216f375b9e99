"""Queue policies: AddPermission and RemovePermission edit them; SNS delivery is checked by them.

Departure from AWS: IAM is not modelled, so a queue policy is not evaluated for the account's
own principals (nor for other accounts, which reach a queue by its URL). It is evaluated for
service principals delivering on another service's behalf (`check_service_send`), as SNS
needs: a queue without a policy refuses every service, as in AWS.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.lookup import find_queue
from awslocal_cli.store import sqs as db

if TYPE_CHECKING:
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
    for action in actions:
        if action not in _PERMISSION_ACTIONS:
            raise err.invalid_parameter("Actions", action,
                                        f"Action {action} is not valid for this queue type.")


def add_permission(ctx: Context, *, QueueUrl: str, Label: str, AWSAccountIds: list[str],
                   Actions: list[str]) -> dict[str, Any]:
    """Add a statement named Label to the queue's Policy."""
    queue = find_queue(ctx, QueueUrl)
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
    queue = find_queue(ctx, QueueUrl)
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

    The policy must allow sqs:SendMessage with the caller's aws:SourceArn and
    aws:SourceAccount, as AWS requires of SNS subscriptions to queues.
    """
    from awslocal_cli import policy

    doc = queue["attributes"].get("Policy")
    context = {"aws:SourceArn": ctx.source_arn or "",
               "aws:SourceAccount": ctx.source_account or ctx.account}
    if not doc or policy.evaluate(doc, principal=ctx.principal, action="sqs:SendMessage",
                                  resource=queue["arn"], context=context,
                                  account=queue["account"]) != "Allow":
        raise err.AccessDenied(
            f"The queue policy of {queue['arn']} does not allow {ctx.principal} to perform "
            f"sqs:SendMessage with aws:SourceArn {ctx.source_arn}.")
