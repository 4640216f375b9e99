"""Message archiving and replay for FIFO topics.

A FIFO topic's ArchivePolicy (`{"MessageRetentionPeriod": "<days>"}`, 1 to 365) makes it keep
what it publishes; BeginningArchiveTime is the earliest moment a replay can start from. A
subscription's ReplayPolicy (`{"PointType": "Timestamp", "StartingPoint": ..., "EndingPoint":
...}`) delivers the archived messages of that window to it again, in publishing order, through
its filter policy, with their MessageId and Timestamp and `"Replayed": true` in the envelope
(Amazon SNS Developer Guide, "Amazon SNS message archiving and replay for FIFO topics").
Archived bodies of encrypted topics are sealed with the topic's data key and opened through
KMS Decrypt when replayed.

Departures from AWS: a replay runs to completion inside the request that set the policy, so
ReplayStatus is `Completed` at once (AWS reports `Pending` and `In progress` first). Wordings
of the validation errors are ours where AWS's are not documented.
"""

from __future__ import annotations

import base64
import json

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.common import DAY
from awslocal_cli.services.sns.delivery import Publication, deliver, passes_filter
from awslocal_cli.store.sns import topics as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

MAX_RETENTION_DAYS = 365


def invalid(name: str, reason: str) -> err.InvalidParameterException:
    return err.InvalidParameterException(f"Invalid parameter: {name} Reason: {reason}")


def check_archive_policy(value: str) -> None:
    """Validate an ArchivePolicy ("{}" turns archiving off)."""
    doc = json.loads(value)
    unknown = set(doc) - {"MessageRetentionPeriod"}
    if unknown:
        raise invalid("ArchivePolicy", f"{sorted(unknown)[0]} is not a valid field")
    if not doc:
        return
    period = doc["MessageRetentionPeriod"]
    days = int(period) if str(period).isdigit() else -1
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise invalid("ArchivePolicy", "MessageRetentionPeriod must be a number of days from "
                                        f"1 to {MAX_RETENTION_DAYS}")


def retention_days(topic: Row) -> int | None:
    """The topic's archive retention in days, or None when it keeps no archive."""
    text = topic["attributes"].get("ArchivePolicy")
    if not text:
        return None
    period = json.loads(text).get("MessageRetentionPeriod")
    return int(period) if period is not None else None


def archive_changed(ctx: Context, topic: Row, before: str | None, after: str | None) -> None:
    """Start (or stop, dropping what was kept) the archive when the policy comes and goes."""
    had = retention_days(dict(topic, attributes={"ArchivePolicy": before})) is not None
    has = retention_days(dict(topic, attributes={"ArchivePolicy": after})) is not None
    if has and not had:
        db.set_archive_since(ctx.db, topic["arn"], ctx.time())
    elif had and not has:
        db.set_archive_since(ctx.db, topic["arn"], None)
        db.drop_archive(ctx.db, topic["arn"])


def beginning(topic: Row, now: float) -> float | None:
    """BeginningArchiveTime: the archive's start, or the retention period back from now."""
    days = retention_days(topic)
    if days is None or topic.get("archive_since") is None:
        return None
    return max(float(topic["archive_since"]), now - days * DAY)


def archive(ctx: Context, topic: Row, *, message_id: str, sequence: str, published: float,
            group: str, dedup: str, subject: str | None, structured: bool,
            attributes: dict[str, dict[str, Any]], message: str,
            data_key: dict[str, Any] | None) -> None:
    """Keep one published message for replay (sealed when the topic is encrypted)."""
    days = retention_days(topic)
    if days is None:
        return
    body = message.encode("utf-8")
    wrapped = kms_key = None
    if data_key is not None:
        from awslocal_cli import crypto

        body = crypto.seal(data_key["Plaintext"], body, _aad(topic["arn"], message_id))
        wrapped, kms_key = data_key["CiphertextBlob"], data_key["KeyId"]
    stored: dict[str, dict[str, Any]] = {}
    for name, attr in attributes.items():
        if "BinaryValue" in attr:  # kept as base64, as JSON has no bytes
            stored[name] = {"DataType": attr["DataType"],
                            "BinaryValue": base64.b64encode(attr["BinaryValue"]).decode()}
        else:
            stored[name] = attr
    db.archive_message(ctx.db, {
        "topic_arn": topic["arn"], "message_id": message_id, "sequence_number": sequence,
        "published": published, "group_id": group, "dedup_id": dedup, "subject": subject,
        "structured": int(structured), "attributes": stored, "body": body,
        "kms_key_arn": kms_key, "wrapped_key": wrapped, "expires_at": published + days * DAY})


def _aad(topic_arn: str, message_id: str) -> bytes:
    return f"{topic_arn}\narchive\n{message_id}".encode()


def check_replay_policy(ctx: Context, topic: Row, value: str) -> tuple[float, float]:
    """The replay window [start, end] of a ReplayPolicy, or InvalidParameter."""
    from awslocal_cli.clock import parse_timestamp

    doc = json.loads(value)
    if not isinstance(doc, dict):
        raise invalid("ReplayPolicy", "must be a JSON object")
    unknown = set(doc) - {"PointType", "StartingPoint", "EndingPoint"}
    if unknown:
        raise invalid("ReplayPolicy", f"{sorted(unknown)[0]} is not a valid field")
    if doc.get("PointType") != "Timestamp":
        raise invalid("ReplayPolicy", "PointType must be Timestamp")
    now = ctx.time()
    first = beginning(topic, now)
    if first is None:
        raise invalid("ReplayPolicy", "the topic has no ArchivePolicy to replay from")

    def point(name: str) -> float | None:
        if doc.get(name) is None:
            return None
        try:
            return parse_timestamp(str(doc[name])).timestamp()
        except ValueError:
            raise invalid("ReplayPolicy", f"{name} must be an ISO 8601 timestamp") from None

    start, end = point("StartingPoint"), point("EndingPoint")
    if start is None:
        raise invalid("ReplayPolicy", "StartingPoint is required")
    if start < first - 1:
        raise invalid("ReplayPolicy", "StartingPoint must not be earlier than the topic's "
                                       "BeginningArchiveTime")
    if start > now:
        raise invalid("ReplayPolicy", "StartingPoint must not be in the future")
    if end is not None and end < start:
        raise invalid("ReplayPolicy", "EndingPoint must be later than StartingPoint")
    return start, now if end is None else min(end, now)


def replay(ctx: Context, topic: Row, sub: Row, window: tuple[float, float]) -> None:
    """Deliver the archived messages of the window to one subscription, then mark it done."""
    from awslocal_cli import crypto
    from awslocal_cli.services import kms

    status = "Completed"
    for row in db.archived(ctx.db, topic["arn"], window[0], window[1], ctx.time()):
        message = bytes(row["body"])
        data_key = None
        if row["kms_key_arn"] is not None:
            try:
                key = kms.decrypt(ctx.via("sns"), CiphertextBlob=row["wrapped_key"],
                                  EncryptionContext={"aws:sns:topicArn": topic["arn"]})
                message = crypto.open_sealed(key["Plaintext"], message,
                                             _aad(topic["arn"], row["message_id"]))
            except (AwsError, crypto.InvalidCiphertext):
                status = "Failed"
                break
            data_key = {"Plaintext": key["Plaintext"], "CiphertextBlob": row["wrapped_key"],
                        "KeyId": row["kms_key_arn"]}
        text = message.decode("utf-8")
        attributes = {name: dict(attr, BinaryValue=base64.b64decode(attr["BinaryValue"]))
                      if "BinaryValue" in attr else attr
                      for name, attr in row["attributes"].items()}
        if not passes_filter(sub, text, attributes):
            continue
        structure = json.loads(text) if row["structured"] else None
        pub = Publication(topic, row["message_id"], structure, text, row["subject"],
                          attributes, row["published"], row["sequence_number"],
                          row["group_id"], row["dedup_id"], data_key, replayed=True)
        deliver(ctx, pub, sub)
    attrs = dict(sub["attributes"], ReplayStatus=status)
    db.update_subscription(ctx.db, sub["arn"], attributes=attrs)
