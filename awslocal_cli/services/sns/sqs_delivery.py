"""SNS delivery into SQS queues, as the SNS service (aws:SourceArn = the topic).

A queue policy that does not let the topic send, or a queue key whose policy does not let SNS
use it, refuses the delivery as in AWS.
"""

from __future__ import annotations

from contextvars import ContextVar

from awslocal_cli.errors import AwsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

SERVICE = "sns.amazonaws.com"
# -- queues ---------------------------------------------------------------------------------------

# The SenderId of messages SNS puts in queues (the SNS service's identity in AWS).
SNS_SENDER = "AIDAIT2UOQQY3AUEKVGXU"


# Who hears of each delivery a queue policy refuses, as it happens: the in-process route's
# sessions of awslocal_cli.testing and the pytest fixtures collect them here and turn them into
# Python warnings (moto delivers whatever the policy says, so a suite moved over would otherwise
# fail far from the cause). None: nobody listens (the CLI, serve); the log row is written anyway.
policy_refusals: ContextVar[list[dict[str, str]] | None] = ContextVar(
    "awslocal_policy_refusals", default=None)


def send_to_queue(ctx: Context, topic: Row, queue_arn: str, body: str,
                  attributes: dict[str, dict[str, Any]] | None, group: str | None,
                  dedup: str | None) -> str | None:
    """Put one message in a queue as SNS would; the reason it was refused, or None."""
    from awslocal_cli.services import sqs

    service = ctx.derive(account=topic["account"]).as_service(SERVICE, source_arn=topic["arn"])
    entry: dict[str, Any] = {"MessageBody": body}
    if attributes:
        entry["MessageAttributes"] = attributes
    if queue_arn.endswith(".fifo"):
        import hashlib

        entry["MessageGroupId"] = group or "default"
        entry["MessageDeduplicationId"] = dedup or hashlib.sha256(body.encode()).hexdigest()
    try:
        sqs.deliver(service, queue_arn, entry, SNS_SENDER)
    except AwsError as exc:
        listeners = policy_refusals.get()
        # sqs.deliver's AccessDenied is the queue policy's refusal (check_service_send); a key
        # policy refusing SNS is a KMS error code.
        if listeners is not None and exc.code == "AccessDenied":
            listeners.append({"TopicArn": topic["arn"], "QueueArn": queue_arn,
                              "Principal": SERVICE, "Action": "sqs:SendMessage"})
        return f"{exc.code}: {exc.message}"
    return None
