"""SNS delivery into SQS queues, as the SNS service (aws:SourceArn = the topic).

A queue policy that does not let the topic send, or a queue key whose policy does not let SNS
use it, refuses the delivery as in AWS.
"""

from __future__ import annotations

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
        return f"{exc.code}: {exc.message}"
    return None
