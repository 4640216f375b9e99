"""SNS topics: create, delete, list, attributes and tags."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns.common import (
    PAGE,
    arn_parts,
    check_region,
    invalid,
    lookup_topic,
    page_token,
    seq_after,
    timestamp,
    too_few_elements,
    topic_arn,
)
from awslocal_cli.services.sns.delivery_policy import DEFAULT_HTTP_POLICY
from awslocal_cli.services.sns.permissions import authorize, default_policy
from awslocal_cli.store.sns import topics as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

MAX_TAGS = 50
# Amazon SNS quotas (AWS General Reference, "Amazon SNS endpoints and quotas"): topics per
# account and region, and subscriptions per topic.
MAX_TOPICS = 100_000
MAX_FIFO_TOPICS = 1_000

_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")
_TOPIC_SETTABLE = {
    "DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId",
    "SignatureVersion", "DataProtectionPolicy",
    "HTTPSuccessFeedbackRoleArn", "HTTPFailureFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate",
    "SQSSuccessFeedbackRoleArn", "SQSFailureFeedbackRoleArn", "SQSSuccessFeedbackSampleRate",
    "LambdaSuccessFeedbackRoleArn", "LambdaFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackSampleRate", "FirehoseSuccessFeedbackRoleArn",
    "FirehoseFailureFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate",
    "ApplicationSuccessFeedbackRoleArn", "ApplicationFailureFeedbackRoleArn",
    "ApplicationSuccessFeedbackSampleRate",
}
_FIFO_SETTABLE = {"ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"}
_CREATE_ONLY = {"FifoTopic"}


# -- topic attributes -----------------------------------------------------------------------------


def _check_topic_attribute(ctx: Context, name: str, value: Any, fifo: bool,
                           creating: bool) -> str:
    value = "" if value is None else str(value)
    allowed = _TOPIC_SETTABLE | (_FIFO_SETTABLE if fifo else set())
    if creating:
        allowed = allowed | _CREATE_ONLY | _FIFO_SETTABLE
    if name not in allowed:
        raise invalid("AttributeName")
    if name == "DeliveryPolicy" and value:
        from awslocal_cli.services.sns.delivery_policy import check_delivery_policy

        check_delivery_policy(value, topic=True)
    if name in ("Policy", "DeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy") and value:
        try:
            doc = json.loads(value)
        except ValueError:
            raise invalid(f"{name}: failed to parse JSON") from None
        if not isinstance(doc, dict):
            raise invalid(f"{name}: must be a JSON object")
        if name == "Policy":
            from awslocal_cli import policy

            try:
                policy.validate(doc)
            except policy.PolicyError as exc:
                raise invalid(f"Policy Error: {exc}") from None
        if name == "ArchivePolicy":
            from awslocal_cli.services.sns import archive

            archive.check_archive_policy(value)
    elif name == "TracingConfig" and value not in ("PassThrough", "Active"):
        raise invalid("TracingConfig: Invalid value [" + value + "] for TracingConfig")
    elif name == "SignatureVersion" and value not in ("1", "2"):
        raise invalid("SignatureVersion: Invalid value [" + value + "] for SignatureVersion")
    elif name in ("FifoTopic", "ContentBasedDeduplication") and value.lower() not in (
            "true", "false"):
        raise invalid(f"{name}: Invalid value [{value}] for {name}")
    elif name == "FifoThroughputScope" and value not in ("Topic", "MessageGroup"):
        raise invalid(f"FifoThroughputScope: Invalid value [{value}] for FifoThroughputScope")
    elif name == "KmsMasterKeyId" and value:
        from awslocal_cli.services import kms

        try:
            kms.resolve_key_arn(ctx, value)
        except AwsError:
            raise invalid(f"KmsMasterKeyId: Invalid value [{value}] for KmsMasterKeyId") \
                from None
    elif name.endswith("SampleRate") and value and not (
            value.isdigit() and 0 <= int(value) <= 100):
        raise invalid(f"{name}: must be an integer from 0 to 100")
    if name in ("FifoTopic", "ContentBasedDeduplication"):
        value = value.lower()
    return value


def _counts(ctx: Context, arn: str) -> tuple[int, int]:
    subs = db.topic_subscriptions(ctx.db, arn)
    confirmed = sum(1 for s in subs if s["confirmed"])
    return confirmed, len(subs) - confirmed


def _topic_attributes(ctx: Context, topic: Row) -> dict[str, str]:
    attrs = topic["attributes"]
    confirmed, pending = _counts(ctx, topic["arn"])
    delivery = attrs.get("DeliveryPolicy")
    out = {
        "Policy": attrs.get("Policy") or default_policy(topic["arn"], topic["account"]),
        "Owner": topic["account"],
        "SubscriptionsPending": str(pending),
        "TopicArn": topic["arn"],
        "EffectiveDeliveryPolicy": json.dumps(
            json.loads(delivery) if delivery else {"http": DEFAULT_HTTP_POLICY},
            separators=(",", ":")),
        "SubscriptionsConfirmed": str(confirmed),
        "DisplayName": attrs.get("DisplayName", ""),
        "SubscriptionsDeleted": "0",
    }
    for name, value in attrs.items():
        if name not in out and name != "DataProtectionPolicy" and value != "":
            out[name] = value
    if topic["fifo"]:
        out["FifoTopic"] = "true"
        out.setdefault("ContentBasedDeduplication", "false")
        from awslocal_cli.services.sns import archive

        first = archive.beginning(topic, ctx.time())
        if first is not None:
            out["BeginningArchiveTime"] = timestamp(first)
    return out


# -- topics -------------------------------------------------------------------------------------


def _check_tags(tags: list[dict[str, str]] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in tags or []:
        key, value = tag.get("Key"), tag.get("Value")
        if key in out:
            # Recorded responses: even a repeated identical pair is refused.
            raise invalid("Duplicated keys are not allowed.")
        if not key or len(key) > 128 or key.startswith("aws:"):
            raise invalid("Tags Reason: Tag key is invalid")
        if value is None or len(value) > 256:
            raise invalid("Tags Reason: Tag value is invalid")
        out[key] = value
    return out


def create_topic(ctx: Context, *, Name: str, Attributes: dict[str, str] | None = None,
                 Tags: list[dict[str, str]] | None = None,
                 DataProtectionPolicy: str | None = None) -> dict[str, Any]:
    """Create a topic; creating it again with the same attributes returns its ARN."""
    attributes = dict(Attributes or {})
    fifo = str(attributes.get("FifoTopic", "false")).lower() == "true"
    # AWS words every bad name alike, FIFO or not (recorded responses).
    if not (_FIFO_NAME if fifo else _TOPIC_NAME).match(Name or ""):
        raise invalid("Topic Name")
    if DataProtectionPolicy is not None:
        attributes["DataProtectionPolicy"] = DataProtectionPolicy
    clean: dict[str, str] = {}
    for name, value in attributes.items():
        clean[name] = _check_topic_attribute(ctx, name, value, fifo, creating=True)
    if not fifo:
        for name in _FIFO_SETTABLE:
            if name in clean:
                raise invalid(f"{name}: {name} is only valid for FIFO topics")
    clean.pop("FifoTopic", None)
    tags = _check_tags(Tags)
    if len(tags) > MAX_TAGS:
        raise err.TagLimitExceededException(
            "Could not complete request: tag quota of per resource exceeded")
    arn = topic_arn(ctx.region, ctx.account, Name)
    existing = db.get_topic(ctx.db, arn)
    if existing is not None:
        if any(existing["attributes"].get(k, "") != v for k, v in clean.items()):
            raise invalid("Attributes Reason: Topic already exists with different attributes")
        current = db.get_tags(ctx.db, arn)
        if tags and any(current.get(k) != v for k, v in tags.items()):
            raise invalid("Tags Reason: Topic already exists with different tags")
        return {"TopicArn": arn}
    if db.count_topics(ctx.db, ctx.account, ctx.region, fifo) >= (
            MAX_FIFO_TOPICS if fifo else MAX_TOPICS):
        raise err.TopicLimitExceededException("Topic limit exceeded")
    db.insert_topic(ctx.db, ctx.account, ctx.region, Name, arn, fifo, clean, ctx.time())
    if clean.get("ArchivePolicy"):
        from awslocal_cli.services.sns import archive

        archive.archive_changed(ctx, {"arn": arn, "attributes": {}}, None,
                                clean["ArchivePolicy"])
    for key, value in tags.items():
        db.put_tag(ctx.db, ctx.account, ctx.region, arn, key, value)
    return {"TopicArn": arn}


def delete_topic(ctx: Context, *, TopicArn: str) -> dict[str, Any]:
    """Delete a topic and its subscriptions; deleting a missing topic succeeds, as in AWS.

    A topic of another region is refused ("Invalid parameter: TopicArn"), never deleted.
    """
    arn_parts(TopicArn, "TopicArn")
    check_region(ctx, TopicArn, "TopicArn")
    topic = db.get_topic(ctx.db, TopicArn)
    if topic is not None:
        authorize(ctx, topic, "DeleteTopic")
        db.delete_topic(ctx.db, TopicArn)
    return {}


def list_topics(ctx: Context, *, NextToken: str | None = None) -> dict[str, Any]:
    """The topics of the region, 100 per page."""
    rows = db.list_topics(ctx.db, ctx.account, ctx.region, seq_after(NextToken, "sns"), PAGE + 1)
    out: dict[str, Any] = {"Topics": [{"TopicArn": r["arn"]} for r in rows[:PAGE]]}
    if len(rows) > PAGE:
        out["NextToken"] = page_token("sns", rows[PAGE - 1]["seq"])
    return out


def get_topic_attributes(ctx: Context, *, TopicArn: str) -> dict[str, Any]:
    """All attributes of a topic, with the read-only counts."""
    topic = lookup_topic(ctx, TopicArn)
    authorize(ctx, topic, "GetTopicAttributes")
    return {"Attributes": _topic_attributes(ctx, topic)}


def set_topic_attributes(ctx: Context, *, TopicArn: str, AttributeName: str,
                         AttributeValue: str | None = None) -> dict[str, Any]:
    """Set one attribute; an empty Policy restores the default policy."""
    topic = lookup_topic(ctx, TopicArn)
    authorize(ctx, topic, "SetTopicAttributes")
    if AttributeName == "FifoTopic":
        raise invalid("AttributeName")
    value = _check_topic_attribute(ctx, AttributeName, AttributeValue, bool(topic["fifo"]),
                                   creating=False)
    attrs = dict(topic["attributes"])
    if value == "" and AttributeName != "DisplayName":
        attrs.pop(AttributeName, None)
    else:
        attrs[AttributeName] = value
    db.update_topic(ctx.db, topic["arn"], attributes=attrs)
    if AttributeName == "ArchivePolicy":
        from awslocal_cli.services.sns import archive

        archive.archive_changed(ctx, topic, topic["attributes"].get("ArchivePolicy"),
                                attrs.get("ArchivePolicy"))
    return {}


# -- tags -----------------------------------------------------------------------------------------


def _tagged(ctx: Context, arn: str) -> Row:
    """The topic a tagging request names (ARNs of another region refused, as for topics)."""
    parts = str(arn or "").split(":")
    if len(parts) < 6:
        raise too_few_elements("ResourceArn", parts)
    if parts[0] != "arn":
        raise invalid("ResourceArn")
    check_region(ctx, arn, "ResourceArn")
    topic = db.get_topic(ctx.db, arn)
    if topic is None:
        raise err.ResourceNotFoundException("Resource does not exist")
    return topic


def tag_resource(ctx: Context, *, ResourceArn: str, Tags: list[dict[str, str]]) -> dict[str, Any]:
    """Add or overwrite tags of a topic (at most 50); a key given twice is refused, as in AWS."""
    topic = _tagged(ctx, ResourceArn)
    tags = _check_tags(Tags)
    current = db.get_tags(ctx.db, topic["arn"])
    if len(set(current) | set(tags)) > MAX_TAGS:
        raise err.TagLimitExceededException(
            "Could not complete request: tag quota of per resource exceeded")
    for key, value in tags.items():
        db.put_tag(ctx.db, topic["account"], topic["region"], topic["arn"], key, value)
    return {}


def untag_resource(ctx: Context, *, ResourceArn: str, TagKeys: list[str]) -> dict[str, Any]:
    """Remove tags from a topic."""
    topic = _tagged(ctx, ResourceArn)
    for key in TagKeys or []:
        db.delete_tag(ctx.db, topic["arn"], key)
    return {}


def list_tags_for_resource(ctx: Context, *, ResourceArn: str) -> dict[str, Any]:
    """The tags of a topic."""
    topic = _tagged(ctx, ResourceArn)
    return {"Tags": [{"Key": k, "Value": v} for k, v in db.get_tags(ctx.db, topic["arn"]).items()]}
