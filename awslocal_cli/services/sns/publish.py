"""SNS publishing: Publish (to a topic, a phone number or a platform endpoint) and PublishBatch."""

from __future__ import annotations

import json
import re

from awslocal_cli import ids
from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.common import invalid, lookup_topic
from awslocal_cli.services.sns.delivery import (
    Publication,
    deliver,
    filtered_out,
    message_for,
    passes_filter,
)
from awslocal_cli.services.sns.encryption import at_rest, topic_data_key
from awslocal_cli.services.sns.permissions import authorize
from awslocal_cli.store.sns import topics as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

MAX_MESSAGE_BYTES = 262144
MAX_SMS_CHARACTERS = 1600  # one SMS Publish, split by SNS into messages of 140-160 characters
DEDUP_WINDOW = 300
MAX_BATCH = 10


# -- publishing -----------------------------------------------------------------------------------


def _check_attribute_name(name: str) -> None:
    """A message attribute name, refused with the reason AWS gives (recorded responses)."""
    def bad(text: str) -> err.InvalidParameterValueException:
        return err.InvalidParameterValueException(text)

    if not name:
        raise bad("Invalid attribute name")
    if len(name.encode("utf-8")) > 256:
        raise bad("Length of message attribute name must be less than 256 bytes.")
    for ch in name:
        if not (ch.isascii() and (ch.isalnum() or ch in "-_.")):
            raise bad(f"Invalid non-alphanumeric character '#x{ord(ch):X}' was found in the "
                      "message attribute name. Can only include alphanumeric characters, "
                      "hyphens, underscores, or dots.")
    if name.startswith("."):
        raise bad("Invalid message attribute name starting with character '.' was found.")
    if name.endswith("."):
        raise bad("Invalid message attribute name ending with character '.' was found.")
    if ".." in name:
        raise bad("Message attribute name can not have successive '.' character.")
    if name.lower().startswith(("aws.", "amazon.")):
        raise bad(f"Invalid attribute name: {name}")  # reserved prefixes (wording ours)


def _check_message_attributes(attributes: dict[str, Any] | None,
                              path: str = "messageAttributes") -> dict[str, dict[str, Any]]:
    """Message attributes, checked as AWS checks them (recorded responses).

    `path` is where the attributes sit in the request, for the ValidationError AWS answers
    when a DataType is missing (`publishBatchRequestEntries.N.member.messageAttributes`).
    """
    out: dict[str, dict[str, Any]] = {}
    for name, attr in (attributes or {}).items():
        _check_attribute_name(name)
        attr = dict(attr or {})
        if attr.get("DataType") is None:
            raise err.ValidationException(
                f"1 validation error detected: Value null at '{path}.{name}.member.dataType' "
                "failed to satisfy constraint: Member must not be null", code="ValidationError")
        dtype = str(attr.get("DataType") or "")
        base = dtype.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise err.InvalidParameterValueException(
                f"The message attribute '{name}' has an invalid message attribute type, the set "
                "of supported type prefixes is Binary, Number, and String.")
        empty = err.InvalidParameterValueException(
            f"The message attribute '{name}' must contain non-empty message attribute value "
            f"for message attribute type '{base}'.")
        if base == "Binary":
            blob = attr.get("BinaryValue")
            if blob is None and attr.get("StringValue") is not None:
                raise err.InvalidParameterValueException(
                    f"The message attribute '{name}' with type 'Binary' must use field "
                    "'Binary'.")
            if not blob:
                raise empty
        else:
            value = attr.get("StringValue")
            if value is None and attr.get("BinaryValue") is not None:
                raise err.InvalidParameterValueException(
                    f"The message attribute '{name}' with type '{base}' must use field "
                    "'String'.")
            if value is None or value == "":
                raise empty
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


def _check_structure(entry: dict[str, Any], message: str) -> dict[str, str] | None:
    """The parsed MessageStructure=json message (None without MessageStructure)."""
    if entry.get("MessageStructure") is None:
        return None
    if entry["MessageStructure"] != "json":
        raise invalid("MessageStructure")
    try:
        structure = json.loads(message)
    except ValueError:
        structure = None
    if not isinstance(structure, dict):
        raise invalid("Message Structure - JSON message body failed to parse")
    if not isinstance(structure.get("default"), str):
        # A default that is not a string counts as none (recorded responses).
        raise invalid("Message Structure - No default entry in JSON message body")
    if not all(isinstance(v, str) for v in structure.values()):
        raise invalid("Message Structure - JSON message body failed to parse")
    return structure


def _check_fifo_ids(topic: Row, entry: dict[str, Any]) -> None:
    """A FIFO topic's message needs its group, and its deduplication id unless content-based."""
    if entry.get("MessageGroupId") is None:
        raise invalid("The MessageGroupId parameter is required for FIFO topics")
    if entry.get("MessageDeduplicationId") is None and \
            topic["attributes"].get("ContentBasedDeduplication") != "true":
        raise invalid("The topic should either have ContentBasedDeduplication enabled or "
                      "MessageDeduplicationId provided explicitly")


def _check_entry(entry: dict[str, Any], path: str = "messageAttributes",
                 ) -> tuple[str, dict[str, str] | None, dict[str, dict[str, Any]]]:
    """Validate a Publish request's message: (message, parsed MessageStructure, attributes)."""
    message = entry.get("Message")
    if message is None or message == "":
        raise invalid("Empty message")
    message = str(message)
    subject = entry.get("Subject")
    if subject is not None and (not subject or len(subject) > 100 or not subject.isprintable()
                                or not subject.isascii()):
        raise invalid("Subject")
    structure = _check_structure(entry, message)
    attributes = _check_message_attributes(entry.get("MessageAttributes"), path)
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
        _check_fifo_ids(topic, entry)
        if dedup is None:
            import hashlib

            dedup = hashlib.sha256(message.encode("utf-8")).hexdigest()
        seen = db.dedup_lookup(ctx.db, topic["arn"], dedup, now)
        if seen is not None:
            return {"MessageId": seen["message_id"], "SequenceNumber": seen["sequence_number"]}
    elif dedup is not None:
        raise invalid("MessageDeduplicationId Reason: The request includes "
                      "MessageDeduplicationId parameter that is not valid for this topic type")
    message_id = ids.uuid4()
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
        if not sub["confirmed"]:
            continue
        if passes_filter(sub, message, attributes):
            deliver(ctx, pub, sub)
        else:
            filtered_out(ctx, topic, message_id, sub)
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
    message_id = ids.uuid4()
    nowhere = no_topic(ctx)
    if protocol == "application":
        payload = platform.publish_to_endpoint(ctx, target, message, structure)
    else:
        payload = message_for(structure, message, "sms")
        if len(payload) > MAX_SMS_CHARACTERS:
            # Publish's documentation: "The total size limit for a single SMS Publish action
            # is 1,600 characters." AWS's wording of the refusal is unrecorded; this is its
            # wording for a message over the 256 KB limit.
            raise invalid("Message too long")
        reason = sms.check_phone_publish(ctx, target)
        if reason is not None:
            # AWS accepts the request and answers with a MessageId; the SMS then fails.
            log(ctx, nowhere, message_id, None, "sms", target, "refused", reason)
            return {"MessageId": message_id}
    record_outbox(ctx, nowhere, None, protocol, target, message_id, payload)
    return {"MessageId": message_id}


def _check_batch_entry(topic: Row, entry: dict[str, Any], n: int) -> None:
    """The checks that fail a whole PublishBatch in AWS (recorded responses).

    A bad MessageStructure, bad message attributes and a FIFO entry without its group or
    deduplication id fail the request, not the entry.
    """
    message = entry.get("Message")
    if message is None or message == "":
        return  # an entry failure (below), as awslocal's tests pin; AWS's answer unrecorded
    _check_structure(entry, str(message))
    _check_message_attributes(entry.get("MessageAttributes"),
                              f"publishBatchRequestEntries.{n}.member.messageAttributes")
    if topic["fifo"]:
        _check_fifo_ids(topic, entry)


def publish_batch(ctx: Context, *, TopicArn: str,
                  PublishBatchRequestEntries: list[dict[str, Any]]) -> dict[str, Any]:
    """Publish up to 10 messages; an entry fails on its own where it can.

    As in AWS, a bad MessageStructure, bad message attributes or a FIFO entry without its
    group or deduplication id fail the whole request (recorded responses). Departures from
    AWS, unrecorded and kept as awslocal pinned them: an empty message, or a
    MessageDeduplicationId on a standard topic, fails its entry only; an empty Id keeps the
    older "doesn't abide by the specification" wording (the CLI rejects a missing Id itself).
    """
    topic = lookup_topic(ctx, TopicArn)
    entries = list(PublishBatchRequestEntries or [])
    if not entries:
        raise err.EmptyBatchRequestException("The batch request doesn't contain any entries")
    if len(entries) > MAX_BATCH:
        raise err.TooManyEntriesInBatchRequestException(
            "The batch request contains more entries than permissible.")
    seen: set[str] = set()
    total = 0
    for entry in entries:
        ident = str(entry.get("Id", ""))
        # AWS says which rule an Id breaks (recorded responses).
        if not re.match(r"^[A-Za-z0-9_-]*$", ident):
            raise err.InvalidBatchEntryIdException(
                "The Id of a batch entry in the batch request contains an impermissible "
                f"character: {ident}")
        if len(ident) > 80:
            raise err.InvalidBatchEntryIdException(
                f"The Id of a batch entry in the batch request is too long: {ident}")
        if not ident:
            raise err.InvalidBatchEntryIdException(
                "The Id of a batch entry in a batch request doesn't abide by the specification")
        if ident in seen:
            raise err.BatchEntryIdsNotDistinctException(
                "Two or more batch entries in the request have the same Id.")
        seen.add(ident)
        total += len(str(entry.get("Message") or "").encode("utf-8")) + _attributes_size(
            entry.get("MessageAttributes") or {})
    if total > MAX_MESSAGE_BYTES:
        raise err.BatchRequestTooLongException(
            "The length of all the messages put together is more than the limit")
    authorize(ctx, topic, "Publish")
    for n, entry in enumerate(entries, 1):
        _check_batch_entry(topic, entry, n)
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
