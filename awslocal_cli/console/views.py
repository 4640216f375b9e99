"""What each console page shows, read through the service layer as every front door reads it.

Each function takes a read-only Context (awslocal_cli/console/reading.py: its transaction is
rolled back and its audit events dropped, so looking changes nothing, not even the trail) and
returns plain data for a template. Nothing here speaks SQL or HTML, and nothing shows key
material: a data key appears only wrapped, as a length and a short prefix.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from awslocal_cli.errors import AwsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

# The trail's services, by the eventSource the events carry.
TRAIL_SOURCES = {"kms": "kms.amazonaws.com", "sqs": "sqs.amazonaws.com",
                 "sns": "sns.amazonaws.com", "sts": "sts.amazonaws.com"}
TRAIL_PAGE = 200
TRAIL_SCAN = 5000  # events read at most for one trail page (filters are applied as read)
BROKEN_KEY_STATES = ("Disabled", "PendingDeletion", "PendingImport", "Unavailable")


class NotFound(Exception):
    """The page names a resource the state does not hold (the console answers 404)."""


def _pages(fn: Callable[..., Row], ctx: Context, member: str, token_in: str = "NextToken",
           token_out: str = "NextToken", **request: Any) -> Iterator[Any]:
    while True:
        out = fn(ctx, **request)
        yield from out.get(member, [])
        token = out.get(token_out)
        if not token:
            return
        request[token_in] = token


def when(epoch: float | datetime | None) -> str | None:
    """A time as the console prints it: ISO 8601 in UTC, to the second."""
    if epoch is None:
        return None
    if isinstance(epoch, datetime):
        moment = epoch.astimezone(timezone.utc)
    else:
        moment = datetime.fromtimestamp(float(epoch), tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def pretty(text: str | None) -> str | None:
    """A JSON document indented for reading; other text as it is."""
    if not text:
        return text
    try:
        return json.dumps(json.loads(text), indent=2, sort_keys=False)
    except ValueError:
        return text


def _name(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


# -- the clock and the overview --------------------------------------------------------------


def clock(ctx: Context, pinned: bool) -> Row:
    from awslocal_cli.clock import format_duration

    offset = 0.0 if pinned else ctx.store.clock_offset()
    now = ctx.now()
    return {"Now": when(now), "Epoch": now.timestamp(), "OffsetSeconds": offset,
            "Offset": format_duration(offset) if offset else "", "Pinned": pinned,
            "Moved": bool(offset) or pinned}


def overview(ctx: Context, pinned: bool) -> Row:
    from awslocal_cli.store import maintenance

    keys = list_keys(ctx)
    queues = list_queues(ctx)
    topics = list_topics(ctx)
    trail = trail_events(ctx, limit=8)
    return {
        "Account": ctx.account, "Region": ctx.region, "Principal": ctx.principal,
        "Regions": maintenance.regions_in_use(ctx.db, ctx.account),
        "Clock": clock(ctx, pinned),
        "Counts": {
            "Keys": sum(1 for k in keys if k["KeyManager"] == "CUSTOMER"),
            "ManagedKeys": sum(1 for k in keys if k["KeyManager"] == "AWS"),
            "DisabledKeys": sum(1 for k in keys if k["KeyState"] in BROKEN_KEY_STATES),
            "Queues": len(queues),
            "Messages": sum(q["Visible"] + q["InFlight"] + q["Delayed"] for q in queues),
            "Topics": len(topics),
            "Subscriptions": sum(t["Subscriptions"] for t in topics),
        },
        "Trail": trail["Events"],
        "Deliveries": list(reversed(deliveries(ctx)["Deliveries"][-8:])),
    }


# -- KMS ---------------------------------------------------------------------------------------


def _aliases(ctx: Context) -> dict[str, list[str]]:
    from awslocal_cli.services import kms

    by_key: dict[str, list[str]] = {}
    for alias in _pages(kms.list_aliases, ctx, "Aliases", "Marker", "NextMarker"):
        if alias.get("TargetKeyId"):
            by_key.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    return by_key


def list_keys(ctx: Context) -> list[Row]:
    """Every key of the region with its metadata and aliases, customer keys first."""
    from awslocal_cli.services import kms

    aliases = _aliases(ctx)
    keys = []
    for entry in _pages(kms.list_keys, ctx, "Keys", "Marker", "NextMarker"):
        try:
            meta = kms.describe_key(ctx, KeyId=entry["KeyId"])["KeyMetadata"]
        except AwsError:
            continue  # gone meanwhile (a deletion that completed on the local clock)
        meta["Aliases"] = sorted(aliases.get(meta["KeyId"], []))
        keys.append(meta)
    keys.sort(key=lambda m: (m["KeyManager"] != "CUSTOMER", m.get("CreationDate") or 0))
    return keys


def _key_users(ctx: Context) -> dict[str, list[Row]]:
    """Key ARN -> the queues and topics whose KmsMasterKeyId names it."""
    users: dict[str, list[Row]] = {}
    for queue in list_queues(ctx):
        if queue.get("KmsKeyArn"):
            users.setdefault(queue["KmsKeyArn"], []).append(
                {"Kind": "queue", "Name": queue["Name"], "Arn": queue["Arn"]})
    for topic in list_topics(ctx):
        if topic.get("KmsKeyArn"):
            users.setdefault(topic["KmsKeyArn"], []).append(
                {"Kind": "topic", "Name": topic["Name"], "Arn": topic["Arn"]})
    return users


def resolve_key(ctx: Context, key_id: str | None) -> str | None:
    """The ARN a KmsMasterKeyId names, None when it names nothing (an AWS managed key not
    made yet is not made by looking)."""
    if not key_id:
        return None
    from awslocal_cli.services import kms

    try:
        return kms.resolve_key_arn(ctx, key_id, create_managed=False)
    except AwsError:
        return None


def key_detail(ctx: Context, key_id: str) -> Row:
    """One key: metadata, aliases, rotation, policy, grants, tags, users, recent calls."""
    from awslocal_cli.services import kms

    try:
        meta = kms.describe_key(ctx, KeyId=key_id)["KeyMetadata"]
    except AwsError as exc:
        raise NotFound(f"{exc.code}: {exc.message}") from None
    arn = meta["Arn"]
    out: Row = {"Key": meta, "Aliases": sorted(_aliases(ctx).get(meta["KeyId"], []))}

    def attempt(name: str, fn: Callable[[], Any]) -> None:
        try:
            out[name] = fn()
        except AwsError as exc:
            out[name + "Error"] = f"{exc.code}: {exc.message}"

    if meta.get("KeySpec") == "SYMMETRIC_DEFAULT":
        attempt("Rotation", lambda: kms.get_key_rotation_status(ctx, KeyId=arn))
    attempt("Policy", lambda: pretty(kms.get_key_policy(ctx, KeyId=arn,
                                                        PolicyName="default")["Policy"]))
    attempt("Grants", lambda: list(_pages(kms.list_grants, ctx, "Grants", "Marker",
                                          "NextMarker", KeyId=arn)))
    if meta["KeyManager"] == "CUSTOMER":
        attempt("Tags", lambda: list(_pages(kms.list_resource_tags, ctx, "Tags", "Marker",
                                            "NextMarker", KeyId=arn)))
    out["UsedBy"] = _key_users(ctx).get(arn, [])
    out["Trail"] = trail_events(ctx, resource=arn, limit=20)["Events"]
    return out


# -- SQS ---------------------------------------------------------------------------------------


def _queue_row(ctx: Context, url: str) -> Row:
    from awslocal_cli.services import sqs

    attrs = sqs.get_queue_attributes(ctx, QueueUrl=url, AttributeNames=["All"])["Attributes"]
    arn = attrs["QueueArn"]
    kms_id = attrs.get("KmsMasterKeyId")
    if kms_id:
        sse = "SSE-KMS"
    elif attrs.get("SqsManagedSseEnabled") == "true":
        sse = "SSE-SQS"
    else:
        sse = "None"
    redrive = json.loads(attrs["RedrivePolicy"]) if attrs.get("RedrivePolicy") else {}
    return {
        "Name": _name(arn), "Url": url, "Arn": arn, "Attributes": attrs, "SSE": sse,
        "KmsMasterKeyId": kms_id, "KmsKeyArn": resolve_key(ctx, kms_id),
        "Visible": int(attrs.get("ApproximateNumberOfMessages", 0)),
        "InFlight": int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0)),
        "Delayed": int(attrs.get("ApproximateNumberOfMessagesDelayed", 0)),
        "DeadLetterTargetArn": redrive.get("deadLetterTargetArn"),
        "MaxReceiveCount": redrive.get("maxReceiveCount"),
        "Fifo": arn.endswith(".fifo"),
    }


def list_queues(ctx: Context) -> list[Row]:
    """Every queue of the region, with its counts, encryption and dead-letter target."""
    memo = ctx.session.memo
    if ("console", "queues", ctx.region) in memo:
        return memo["console", "queues", ctx.region]
    from awslocal_cli.services import sqs

    queues = []
    for url in _pages(sqs.list_queues, ctx, "QueueUrls", MaxResults=1000):
        try:
            queues.append(_queue_row(ctx, url))
        except AwsError:
            continue
    queues.sort(key=lambda q: q["Name"])
    memo["console", "queues", ctx.region] = queues
    return queues


def queue_url(ctx: Context, name: str) -> str:
    from awslocal_cli.services import sqs

    try:
        return sqs.get_queue_url(ctx, QueueName=name)["QueueUrl"]
    except AwsError as exc:
        raise NotFound(f"{exc.code}: {exc.message}") from None


def queue_detail(ctx: Context, name: str, limit: int = 20) -> Row:
    """One queue: attributes, tags, redrive links, and its messages, peeked."""
    from awslocal_cli.services import sqs
    from awslocal_cli.services.sqs.messages import peek_messages

    url = queue_url(ctx, name)
    queue = _queue_row(ctx, url)
    queue["Tags"] = sqs.list_queue_tags(ctx, QueueUrl=url).get("Tags", {})
    queue["Sources"] = [_name(u.rsplit("/", 1)[-1]) for u in _pages(
        sqs.list_dead_letter_source_queues, ctx, "queueUrls", MaxResults=1000, QueueUrl=url)]
    queue["Policy"] = pretty(queue["Attributes"].get("Policy"))
    if queue["Attributes"].get("RedriveAllowPolicy"):
        queue["RedriveAllowPolicy"] = pretty(queue["Attributes"]["RedriveAllowPolicy"])
    peek = peek_messages(ctx, QueueUrl=url, MaxNumberOfMessages=limit)
    for message in peek["Messages"]:
        message["Sent"] = when(message["SentTimestamp"] / 1000)
        message["VisibleFrom"] = when(message["VisibleAt"])
        envelope = message["Envelope"]
        wrapped = envelope.pop("WrappedDataKey", None)
        if wrapped is not None:
            envelope["WrappedDataKeyPrefix"] = bytes(wrapped[:12]).hex()
        if "DataKeyGeneratedAt" in envelope:
            envelope["Generated"] = when(envelope["DataKeyGeneratedAt"])
            envelope["ReusedUntil"] = when(envelope["DataKeyReusedUntil"])
            envelope["Fresh"] = envelope["DataKeyReusedUntil"] > ctx.time()
        if envelope.get("KmsKeyArn"):
            envelope["KeyState"] = _key_state(ctx, envelope["KmsKeyArn"])
            envelope["KeyAliases"] = sorted(
                _aliases(ctx).get(envelope["KmsKeyArn"].rsplit("/", 1)[-1], []))
    queue["Messages"] = peek["Messages"]
    queue["Shown"] = len(peek["Messages"])
    queue["Total"] = queue["Visible"] + queue["InFlight"] + queue["Delayed"]
    if queue["KmsKeyArn"]:
        queue["KeyState"] = _key_state(ctx, queue["KmsKeyArn"])
    return queue


def _key_state(ctx: Context, arn: str) -> str:
    from awslocal_cli.services import kms

    try:
        return str(kms.describe_key(ctx, KeyId=arn)["KeyMetadata"]["KeyState"])
    except AwsError as exc:
        return exc.code


# -- SNS ---------------------------------------------------------------------------------------


def _subscriptions(ctx: Context, topic_arn: str) -> list[Row]:
    from awslocal_cli.services import sns

    subs = []
    for sub in _pages(sns.list_subscriptions_by_topic, ctx, "Subscriptions",
                      TopicArn=topic_arn):
        row = dict(sub)
        row["Pending"] = sub["SubscriptionArn"] in ("PendingConfirmation", "Deleted")
        if not row["Pending"]:
            try:
                attrs = sns.get_subscription_attributes(
                    ctx, SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
            except AwsError:
                attrs = {}
            row["Attributes"] = attrs
            row["FilterPolicy"] = pretty(attrs.get("FilterPolicy"))
            row["FilterPolicyScope"] = attrs.get("FilterPolicyScope", "MessageAttributes")
            row["Raw"] = attrs.get("RawMessageDelivery") == "true"
            redrive = attrs.get("RedrivePolicy")
            row["DeadLetterTargetArn"] = (json.loads(redrive).get("deadLetterTargetArn")
                                          if redrive else None)
        subs.append(row)
    return subs


def list_topics(ctx: Context) -> list[Row]:
    """Every topic of the region, with its attributes and subscriptions."""
    memo = ctx.session.memo
    if ("console", "topics", ctx.region) in memo:
        return memo["console", "topics", ctx.region]
    from awslocal_cli.services import sns

    topics = []
    for entry in _pages(sns.list_topics, ctx, "Topics"):
        arn = entry["TopicArn"]
        try:
            attrs = sns.get_topic_attributes(ctx, TopicArn=arn)["Attributes"]
        except AwsError:
            continue
        subs = _subscriptions(ctx, arn)
        topics.append({
            "Name": _name(arn), "Arn": arn, "Attributes": attrs,
            "KmsMasterKeyId": attrs.get("KmsMasterKeyId"),
            "KmsKeyArn": resolve_key(ctx, attrs.get("KmsMasterKeyId")),
            "Fifo": arn.endswith(".fifo"), "SubscriptionList": subs,
            "Subscriptions": len(subs),
        })
    topics.sort(key=lambda t: t["Name"])
    memo["console", "topics", ctx.region] = topics
    return topics


def deliveries(ctx: Context, topic_arn: str | None = None) -> Row:
    from awslocal_cli.services import sns

    return sns.deliveries(ctx, topic_arn=topic_arn)


def topic_detail(ctx: Context, name: str) -> Row:
    """One topic: attributes, subscriptions, and each publish with its deliveries."""
    topic = next((t for t in list_topics(ctx) if t["Name"] == name), None)
    if topic is None:
        raise NotFound(f"NotFound: Topic does not exist: {name}")
    topic = dict(topic)
    topic["Policy"] = pretty(topic["Attributes"].get("Policy"))
    if topic["KmsKeyArn"]:
        topic["KeyState"] = _key_state(ctx, topic["KmsKeyArn"])
    log = deliveries(ctx, topic["Arn"])
    publishes: dict[str, Row] = {}
    for entry in log["Deliveries"]:
        publish = publishes.setdefault(entry["MessageId"], {
            "MessageId": entry["MessageId"], "Time": when(entry["Time"]), "Deliveries": []})
        publish["Deliveries"].append(dict(entry, Time=when(entry["Time"])))
    topic["Publishes"] = list(reversed(publishes.values()))
    # Why each waits: the latest attempt's reason in the delivery log.
    reasons = {(d["MessageId"], d["SubscriptionArn"]): d["Reason"] for d in log["Deliveries"]}
    topic["Pending"] = [dict(p, NextAttempt=when(p["NextAttempt"]),
                             Reason=reasons.get((p["MessageId"], p["SubscriptionArn"])))
                        for p in log["Pending"]]
    return topic


# -- the trail ---------------------------------------------------------------------------------


def trail_events(ctx: Context, *, service: str = "", operation: str = "", principal: str = "",
                 error: str = "", since: float | None = None, until: float | None = None,
                 resource: str = "", limit: int = TRAIL_PAGE) -> Row:
    """Audit events, newest first, as `cloudtrail lookup-events` shows them, filtered by any
    of service, operation, principal (substring), error code and time."""
    from awslocal_cli.services import cloudtrail

    request: Row = {}
    if resource:
        request["LookupAttributes"] = [{"AttributeKey": "ResourceName",
                                        "AttributeValue": resource}]
    elif operation:
        request["LookupAttributes"] = [{"AttributeKey": "EventName",
                                        "AttributeValue": operation}]
    if since is not None:
        request["StartTime"] = since
    if until is not None:
        request["EndTime"] = until
    source = TRAIL_SOURCES.get(service, service)
    events: list[Row] = []
    scanned = 0
    more = False
    for event in _pages(cloudtrail.lookup_events, ctx, "Events", MaxResults=50, **request):
        scanned += 1
        if len(events) >= limit or scanned > TRAIL_SCAN:
            more = True
            break
        record = json.loads(event["CloudTrailEvent"])
        if source and event["EventSource"] != source:
            continue
        if operation and event["EventName"] != operation:
            continue
        who = json.dumps(record.get("userIdentity", {}))
        if principal and principal.lower() not in (who + event["Username"]).lower():
            continue
        code = record.get("errorCode") or ""
        if error and (error.lower() not in code.lower()
                      and not (error == "any" and code)):
            continue
        events.append({
            "EventId": event["EventId"], "EventName": event["EventName"],
            "EventSource": event["EventSource"], "Time": when(event["EventTime"]),
            "Username": event["Username"],
            "Principal": record["userIdentity"].get("arn")
            or record["userIdentity"].get("invokedBy"),
            "InvokedBy": record["userIdentity"].get("invokedBy"),
            "ErrorCode": code, "ErrorMessage": record.get("errorMessage"),
            "Resources": event.get("Resources", []), "ReadOnly": event["ReadOnly"],
            "Request": json.dumps(record.get("requestParameters"), indent=2),
            "Response": json.dumps(record.get("responseElements"), indent=2),
            "Record": json.dumps(record, indent=2),
        })
    return {"Events": events, "More": more}
