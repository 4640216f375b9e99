"""SNS publishing: Publish (to a topic, a phone number or a platform endpoint) and PublishBatch."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.common import invalid, lookup_topic
from awslocal_cli.services.sns.delivery import Publication, deliver, message_for, passes_filter
from awslocal_cli.services.sns.encryption import at_rest, topic_data_key
from awslocal_cli.services.sns.permissions import authorize
from awslocal_cli.store.sns import topics as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

MAX_MESSAGE_BYTES = 262144
DEDUP_WINDOW = 300
MAX_BATCH = 10


# -- publishing -----------------------------------------------------------------------------------


def _check_message_attributes(attributes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, attr in (attributes or {}).items():
        if not name or len(name) > 256 or name.lower().startswith(("aws.", "amazon.")) or \
                not re.match(r"^[A-Za-z0-9_.-]+$", name) or ".." in name or \
                name.startswith(".") or name.endswith("."):
            raise err.InvalidParameterValueException(
                f"Invalid attribute name: {name}" if name else "Invalid attribute name")
        attr = dict(attr or {})
        dtype = str(attr.get("DataType") or "")
        base = dtype.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise err.InvalidParameterValueException(
                f"The message attribute '{name}' has an invalid message attribute type, the set "
                "of supported type prefixes is Binary, Number, and String.")
        if base == "Binary":
            if not attr.get("BinaryValue"):
                raise err.InvalidParameterValueException(
                    f"The message attribute '{name}' with type 'Binary' must use field "
                    "'Binary'.")
        else:
            value = attr.get("StringValue")
            if value is None or value == "":
                raise err.InvalidParameterValueException(
                    f"The message attribute '{name}' must contain non-empty message attribute "
                    f"value for message attribute type '{base}'.")
            if base == "Number":
                try:
                    float(value)
                except ValueError:
                    raise err.InvalidParameterValueException(
                        f"Could not cast message attribute '{name}' value to number.") from None
            if dtype.startswith("String.Array"):
                try:
                    items = json.loads(value)
                except ValueError:
                    items = None
                if not isinstance(items, list):
                    raise err.InvalidParameterValueException(
                        f"The message attribute '{name}' with type 'String.Array' has an "
                        "invalid value.")
        out[name] = attr
    return out


def _attributes_size(attributes: dict[str, dict[str, Any]]) -> int:
    size = 0
    for name, attr in attributes.items():
        size += len(name.encode()) + len(str(attr.get("DataType", "")).encode())
        if "BinaryValue" in attr:
            size += len(attr["BinaryValue"])
        else:
            size += len(str(attr.get("StringValue", "")).encode())
    return size


def _next_sequence(topic: Row, now: float) -> str:
    value = max(int(topic["last_sequence"]) + 1, int(now * 1000) << 40)
    topic["last_sequence"] = str(value)
    return str(value).rjust(20, "0")


def _check_entry(entry: dict[str, Any]) -> tuple[str, dict[str, str] | None,
                                                 dict[str, dict[str, Any]]]:
    """Validate a Publish request's message: (message, parsed MessageStructure, attributes)."""
    message = entry.get("Message")
    if message is None or message == "":
        raise invalid("Empty message")
    message = str(message)
    subject = entry.get("Subject")
    if subject is not None and (not subject or len(subject) > 100 or not subject.isprintable()
                                or not subject.isascii()):
        raise invalid("Subject")
    structure = None
    if entry.get("MessageStructure") is not None:
        if entry["MessageStructure"] != "json":
            raise invalid("MessageStructure")
        try:
            structure = json.loads(message)
        except ValueError:
            structure = None
        if not isinstance(structure, dict):
            raise invalid("Message Structure - JSON message body failed to parse")
        if "default" not in structure:
            raise invalid("Message Structure - No default entry in JSON message body")
        if not all(isinstance(v, str) for v in structure.values()):
            raise invalid("Message Structure - JSON message body failed to parse")
    attributes = _check_message_attributes(entry.get("MessageAttributes"))
    if len(message.encode("utf-8")) + _attributes_size(attributes) > MAX_MESSAGE_BYTES:
        raise invalid("Message too long")
    return message, structure, attributes


def _publish_one(ctx: Context, topic: Row, entry: dict[str, Any]) -> dict[str, Any]:
    message, structure, attributes = _check_entry(entry)
    subject = entry.get("Subject")
    group, dedup = entry.get("MessageGroupId"), entry.get("MessageDeduplicationId")
    for name, value in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
        if value is not None and not (0 < len(value) <= 128 and all(
                33 <= ord(c) <= 126 for c in value)):
            raise invalid(f"{name} Reason: {name} can only include alphanumeric and "
                          "punctuation characters. 1 to 128 in length.")
    now = ctx.time()
    sequence = None
    if topic["fifo"]:
        if group is None:
            raise invalid("The MessageGroupId parameter is required for FIFO topics")
        if dedup is None:
            if topic["attributes"].get("ContentBasedDeduplication") != "true":
                raise invalid("The topic should either have ContentBasedDeduplication "
                              "enabled or MessageDeduplicationId provided explicitly")
            dedup = hashlib.sha256(message.encode("utf-8")).hexdigest()
        seen = db.dedup_lookup(ctx.db, topic["arn"], dedup, now)
        if seen is not None:
            return {"MessageId": seen["message_id"], "SequenceNumber": seen["sequence_number"]}
    elif dedup is not None:
        raise invalid("MessageDeduplicationId Reason: The request includes "
                      "MessageDeduplicationId parameter that is not valid for this topic type")
    message_id = str(uuid.uuid4())
    if topic["attributes"].get("DataProtectionPolicy"):
        from awslocal_cli.services.sns import message_protection

        message, structure = message_protection.inbound(ctx, topic, message_id, message,
                                                        structure)
    data_key = topic_data_key(ctx, topic)
    if data_key is not None:
        message = at_rest(ctx, topic, data_key, message_id, message)
    if topic["fifo"]:
        sequence = _next_sequence(topic, now)
        db.update_topic(ctx.db, topic["arn"], last_sequence=topic["last_sequence"])
        db.dedup_insert(ctx.db, topic["arn"], dedup, message_id, sequence, now + DEDUP_WINDOW)
    pub = Publication(topic, message_id, structure, message, subject, attributes, now,
                      sequence, group, dedup, data_key)
    for sub in db.topic_subscriptions(ctx.db, topic["arn"]):
        if sub["confirmed"] and passes_filter(sub, message, attributes):
            deliver(ctx, pub, sub)
    if topic["fifo"] and topic["archive_since"] is not None:
        from awslocal_cli.services.sns import archive

        archive.archive(ctx, topic, message_id=message_id, sequence=sequence or "",
                        published=now, group=group or "", dedup=dedup or "",
                        subject=subject, structured=structure is not None,
                        attributes=attributes, message=message, data_key=data_key)
    out: dict[str, Any] = {"MessageId": message_id}
    if sequence is not None:
        out["SequenceNumber"] = sequence
    return out


def publish(ctx: Context, *, Message: str, TopicArn: str | None = None,
            TargetArn: str | None = None, PhoneNumber: str | None = None,
            Subject: str | None = None, MessageStructure: str | None = None,
            MessageAttributes: dict[str, Any] | None = None,
            MessageDeduplicationId: str | None = None,
            MessageGroupId: str | None = None) -> dict[str, Any]:
    """Publish to a topic and deliver to its subscriptions at once."""
    targets = [t for t in (TopicArn, TargetArn, PhoneNumber) if t is not None]
    if len(targets) != 1:
        raise invalid("TopicArn or TargetArn Reason: no value for required parameter"
                      if not targets else
                      "Only one of TopicArn, TargetArn or PhoneNumber may be specified")
    entry = {"Message": Message, "Subject": Subject, "MessageStructure": MessageStructure,
             "MessageAttributes": MessageAttributes,
             "MessageDeduplicationId": MessageDeduplicationId, "MessageGroupId": MessageGroupId}
    if PhoneNumber is not None:
        return _publish_direct(ctx, "sms", PhoneNumber, entry)
    if TargetArn is not None and ":endpoint/" in TargetArn:
        return _publish_direct(ctx, "application", TargetArn, entry)
    topic = lookup_topic(ctx, TopicArn if TopicArn is not None else TargetArn,
                         "TopicArn" if TopicArn is not None else "TargetArn")
    authorize(ctx, topic, "Publish")
    return _publish_one(ctx, topic, entry)


def _publish_direct(ctx: Context, protocol: str, target: str,
                    entry: dict[str, Any]) -> dict[str, Any]:
    """Publish straight to a phone number (an SMS) or to a platform endpoint (a push)."""
    from awslocal_cli.services.sns import platform, sms
    from awslocal_cli.services.sns.delivery_log import log, no_topic, record_outbox

    if protocol == "sms" and not re.match(r"^\+?[1-9][0-9]{4,14}$", target):
        raise invalid(f"PhoneNumber Reason: {target} is not valid to publish to")
    for name in ("MessageGroupId", "MessageDeduplicationId"):
        if entry.get(name) is not None:
            raise invalid(f"{name} Reason: The request includes {name} parameter that is not "
                          "valid for this topic type")
    message, structure, _ = _check_entry(entry)
    message_id = str(uuid.uuid4())
    nowhere = no_topic(ctx)
    if protocol == "application":
        payload = platform.publish_to_endpoint(ctx, target, message, structure)
    else:
        payload = message_for(structure, message, "sms")
        reason = sms.check_phone_publish(ctx, target)
        if reason is not None:
            # AWS accepts the request and answers with a MessageId; the SMS then fails.
            log(ctx, nowhere, message_id, None, "sms", target, "refused", reason)
            return {"MessageId": message_id}
    record_outbox(ctx, nowhere, None, protocol, target, message_id, payload)
    return {"MessageId": message_id}


def publish_batch(ctx: Context, *, TopicArn: str,
                  PublishBatchRequestEntries: list[dict[str, Any]]) -> dict[str, Any]:
    """Publish up to 10 messages; each entry succeeds or fails on its own."""
    topic = lookup_topic(ctx, TopicArn)
    entries = list(PublishBatchRequestEntries or [])
    if not entries:
        raise err.EmptyBatchRequestException("The batch request doesn't contain any entries")
    if len(entries) > MAX_BATCH:
        raise err.TooManyEntriesInBatchRequestException(
            "The batch request contains more entries than permissible")
    seen: set[str] = set()
    total = 0
    for entry in entries:
        ident = str(entry.get("Id", ""))
        if not re.match(r"^[A-Za-z0-9_-]{1,80}$", ident):
            raise err.InvalidBatchEntryIdException(
                "The Id of a batch entry in a batch request doesn't abide by the specification")
        if ident in seen:
            raise err.BatchEntryIdsNotDistinctException(
                "Two or more batch entries in the request have the same Id")
        seen.add(ident)
        total += len(str(entry.get("Message") or "").encode("utf-8")) + _attributes_size(
            entry.get("MessageAttributes") or {})
    if total > MAX_MESSAGE_BYTES:
        raise err.BatchRequestTooLongException(
            "The length of all the messages put together is more than the limit")
    authorize(ctx, topic, "Publish")
    ok: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        ctx.db.execute("SAVEPOINT sns_entry")
        try:
            result = _publish_one(ctx, topic, entry)
        except AwsError as exc:
            ctx.db.execute("ROLLBACK TO sns_entry")
            ctx.db.execute("RELEASE sns_entry")
            if exc.code.startswith("KMS"):
                raise
            failed.append({"Id": entry["Id"], "Code": exc.code, "Message": exc.message,
                           "SenderFault": bool(exc.sender_fault)})
            continue
        ctx.db.execute("RELEASE sns_entry")
        ok.append({"Id": entry["Id"], **result})
    return {"Successful": ok, "Failed": failed}
