"""Queue attributes: which are settable, their checks and defaults, and GetQueueAttributes.

Stored attributes are strings, as the API returns them. SSE-SQS is on by default; setting a
KmsMasterKeyId switches a queue to SSE-KMS, and SqsManagedSseEnabled=true switches it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import sqs as err
from awslocal_cli.services.sqs.dead_letter import check_redrive_allow, check_redrive_policy
from awslocal_cli.store import sqs as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

MAX_VISIBILITY = 43200  # 12 hours

# Settable attributes: (min, max, default) for integers.
INT_ATTRIBUTES: dict[str, tuple[int, int, int]] = {
    "DelaySeconds": (0, 900, 0),
    "MaximumMessageSize": (1024, 1048576, 1048576),
    "MessageRetentionPeriod": (60, 1209600, 345600),
    "ReceiveMessageWaitTimeSeconds": (0, 20, 0),
    "VisibilityTimeout": (0, MAX_VISIBILITY, 30),
    "KmsDataKeyReusePeriodSeconds": (60, 86400, 300),
}
SETTABLE = (
    "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "Policy",
    "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy",
    "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
)
FIFO_SETTABLE = ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")
READ_ONLY = (
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
    "QueueArn",
)
# The order GetQueueAttributes answers in.
ORDER = (
    "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
    "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds", "Policy", "RedrivePolicy", "RedriveAllowPolicy",
    "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled", "FifoQueue",
    "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
)
_BOOLEANS = ("SqsManagedSseEnabled", "ContentBasedDeduplication")
_CHOICES = {
    "DeduplicationScope": ("messageGroup", "queue"),
    "FifoThroughputLimit": ("perQueue", "perMessageGroupId"),
}
# Attributes that an empty value removes.
_OPTIONAL = ("Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId")


def is_true(value: Any) -> bool:
    return str(value).lower() == "true"


def invalid_value(name: str, reason: str | None = None) -> err.InvalidAttributeValue:
    text = f"Invalid value for the parameter {name}."
    if reason:
        text = f"Invalid value for the parameter {name}. Reason: {reason}"
    return err.InvalidAttributeValue(text)


def validate(ctx: Context, given: dict[str, Any], *, fifo: bool, name: str,
             creating: bool) -> dict[str, str]:
    """Normalized values of settable attributes; AWS's errors for bad names and values."""
    out: dict[str, str] = {}
    for key, raw in given.items():
        value = "" if raw is None else str(raw)
        if key == "FifoQueue":
            _check_fifo_flag(value, fifo, creating)
            continue
        if not fifo and key in ("DeduplicationScope", "FifoThroughputLimit"):
            raise err.InvalidAttributeName(
                f"You can specify the {key} only when FifoQueue is set to true.")
        if key not in SETTABLE and not (fifo and key in FIFO_SETTABLE):
            raise err.InvalidAttributeName(f"Unknown Attribute {key}.")
        out[key] = _normalized(ctx, key, value, fifo=fifo, name=name)
    if out.get("KmsMasterKeyId") and out.get("SqsManagedSseEnabled") == "true":
        raise invalid_value(
            "SqsManagedSseEnabled",
            "You can use one type of server-side encryption (SSE) at one time. You can either "
            "enable KMS SSE or SQS SSE.")
    return out


def _check_fifo_flag(value: str, fifo: bool, creating: bool) -> None:
    """FifoQueue as AWS takes it (recorded responses).

    A standard queue knows no FifoQueue attribute: `FifoQueue=false` when creating, and either
    value when setting, is "Unknown Attribute FifoQueue.". On an existing FIFO queue `true`
    changes nothing and `false` is "Modifying queue type is not supported.".
    """
    if not is_true(value) and value.lower() != "false":
        raise invalid_value("FifoQueue")
    if not fifo:
        raise err.InvalidAttributeName("Unknown Attribute FifoQueue.")
    if not creating and not is_true(value):
        raise invalid_value("FifoQueue", "Modifying queue type is not supported.")


def _normalized(ctx: Context, key: str, value: str, *, fifo: bool, name: str) -> str:
    """The stored form of one settable attribute's value (checked)."""
    if key in INT_ATTRIBUTES:
        lo, hi, _ = INT_ATTRIBUTES[key]
        if not (value.strip().lstrip("-").isdigit() and lo <= int(value) <= hi):
            raise invalid_value(key)
        return str(int(value))
    if key in _BOOLEANS:
        if value.lower() not in ("true", "false"):
            raise invalid_value(key)
        return value.lower()
    if key in _CHOICES:
        if value not in _CHOICES[key]:
            raise invalid_value(key)
        return value
    if key == "Policy":
        if value:
            _check_policy(value)
        return value
    if key == "RedrivePolicy":
        return check_redrive_policy(ctx, value, name, fifo) if value else ""
    if key == "RedriveAllowPolicy":
        return check_redrive_allow(value) if value else ""
    return value.strip()  # KmsMasterKeyId: resolved through KMS when a message is sent


def _check_policy(value: str) -> None:
    """A Policy must follow the IAM policy grammar (awslocal_cli.policy, as for SNS and KMS).

    SQS answers any malformed document with one message and no reason.
    """
    from awslocal_cli import policy

    try:
        policy.parse(value)
    except policy.PolicyError:
        raise invalid_value("Policy") from None


def apply(current: dict[str, str], changes: dict[str, str], fifo: bool) -> dict[str, str]:
    """The stored attributes after `changes` (empty strings remove optional attributes)."""
    attrs = dict(current)
    for key, value in changes.items():
        if value == "" and key in _OPTIONAL:
            attrs.pop(key, None)
        else:
            attrs[key] = value
    if changes.get("KmsMasterKeyId"):
        attrs["SqsManagedSseEnabled"] = "false"
        attrs.setdefault("KmsDataKeyReusePeriodSeconds", "300")
    elif changes.get("SqsManagedSseEnabled") == "true":
        attrs.pop("KmsMasterKeyId", None)
    if not attrs.get("KmsMasterKeyId"):
        attrs.pop("KmsDataKeyReusePeriodSeconds", None)
    if fifo and attrs.get("FifoThroughputLimit") == "perMessageGroupId" and \
            attrs.get("DeduplicationScope") != "messageGroup":
        raise invalid_value(
            "FifoThroughputLimit",
            "The perMessageGroupId value is allowed only when the value for "
            "DeduplicationScope is messageGroup.")
    return attrs


def defaults(fifo: bool) -> dict[str, str]:
    """The attributes of a new queue before its CreateQueue attributes apply."""
    attrs = {k: str(v[2]) for k, v in INT_ATTRIBUTES.items()
             if k != "KmsDataKeyReusePeriodSeconds"}
    attrs["SqsManagedSseEnabled"] = "true"
    if fifo:
        attrs.update(ContentBasedDeduplication="false", DeduplicationScope="queue",
                     FifoThroughputLimit="perQueue")
    return attrs


def render(ctx: Context, queue: db.Row) -> dict[str, str]:
    """Every attribute of a queue, message counts included, in GetQueueAttributes order.

    Departure from AWS: the ApproximateNumber* counts are exact.
    """
    now = ctx.time()
    db.expire(ctx.db, queue["id"], now)
    visible, inflight, delayed = db.counts(ctx.db, queue["id"], now)
    attrs = queue["attributes"]
    out: dict[str, str] = {
        "QueueArn": queue["arn"],
        "ApproximateNumberOfMessages": str(visible),
        "ApproximateNumberOfMessagesNotVisible": str(inflight),
        "ApproximateNumberOfMessagesDelayed": str(delayed),
        "CreatedTimestamp": str(int(queue["created"])),
        "LastModifiedTimestamp": str(int(queue["modified"])),
    }
    if queue["fifo"]:
        out["FifoQueue"] = "true"
    for key in ORDER:
        if key in attrs and key not in out:
            out[key] = attrs[key]
    return {k: out[k] for k in ORDER if k in out}
