"""SNS: topics, subscriptions, permissions, tags, publishing and delivery.

Each public function named after an API operation takes the Context and the request members
as keyword arguments and returns the API-shaped response (services/__init__.py). Platform
applications, SMS settings, the sandbox, opt-outs and data protection policies live in
services/sns_records.py; delivery to endpoints, the envelope and its signature in
services/sns_delivery.py; the archive and replay of FIFO topics in services/sns_archive.py.

Publishing delivers to every confirmed subscription whose filter policy passes:
- sqs: at once, inside the publisher's invocation, as `sns.amazonaws.com` with aws:SourceArn =
  the topic, so a queue policy that does not let the topic send, or a queue key whose policy
  does not let SNS use it, refuses the delivery as in AWS. A refused delivery goes to the
  subscription's dead-letter queue when its RedrivePolicy names one.
- http/https: a POST queued for after the invocation commits, retried per delivery policy.
- email, email-json, sms, lambda, firehose, application: written to the outbox.
Every attempt is written to the `sns_deliveries` log with its status and reason (`awslocal
local deliveries`). Encrypted topics (KmsMasterKeyId) make GenerateDataKey through KMS as the
publisher via SNS, reusing the data key for 5 minutes, seal the message with it, and Decrypt
it for delivery.

Departures from AWS: IAM is not modelled: a principal of the topic's account may do whatever
the topic policy does not explicitly deny. Nothing is sent to an e-mail address, a phone, a
Lambda function, a Firehose stream or a push service: the outbox (`awslocal local outbox`)
holds what AWS would have sent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sns as err
from awslocal_cli.services.sns_delivery import DEFAULT_HTTP_POLICY, timestamp
from awslocal_cli.store import sns as db

if TYPE_CHECKING:
    from awslocal_cli.context import Context

Row = dict[str, Any]

PAGE = 100
MAX_MESSAGE_BYTES = 262144
MAX_TAGS = 50
DEDUP_WINDOW = 300
DATA_KEY_REUSE = 300  # SNS reuses a data key for 5 minutes (Amazon SNS encryption at rest)
MAX_BATCH = 10
MAX_ATTRIBUTES = 10
# Amazon SNS quotas (AWS General Reference, "Amazon SNS endpoints and quotas"): topics per
# account and region, and subscriptions per topic.
MAX_TOPICS = 100_000
MAX_FIFO_TOPICS = 1_000
MAX_SUBSCRIPTIONS = 12_500_000
MAX_FIFO_SUBSCRIPTIONS = 100
TOKEN_LIFETIME = 2 * 86400  # "Confirmation tokens are valid for two days" (Subscribe, API ref)

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
_PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda",
              "firehose")
_SUB_SETTABLE = {"DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
                 "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"}
_RAW_PROTOCOLS = {"sqs", "http", "https", "firehose"}
_AUTO_CONFIRMED = {"sqs", "lambda", "firehose", "application", "sms"}
_TOPIC_ACTIONS = {"GetTopicAttributes", "SetTopicAttributes", "AddPermission",
                  "RemovePermission", "DeleteTopic", "Subscribe", "ListSubscriptionsByTopic",
                  "Publish", "Receive"}
_KMS_ERRORS: dict[str, type[AwsError]] = {
    "DisabledException": err.KMSDisabledException,
    "KMSInvalidStateException": err.KMSInvalidStateException,
    "KeyUnavailableException": err.KMSInvalidStateException,
    "NotFoundException": err.KMSNotFoundException,
    "InvalidArnException": err.KMSNotFoundException,
    "AccessDeniedException": err.KMSAccessDeniedException,
    "ThrottlingException": err.KMSThrottlingException,
    "InvalidKeyUsageException": err.KMSInvalidStateException,
}


# -- names and lookups ----------------------------------------------------------------------------


def topic_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def _invalid(what: str) -> err.InvalidParameterException:
    return err.InvalidParameterException(f"Invalid parameter: {what}")


def _arn_parts(arn: Any, what: str) -> tuple[str, str, str]:
    parts = str(arn or "").split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "sns" or not parts[5]:
        raise _invalid(what)
    return parts[3], parts[4], ":".join(parts[5:])


def _topic(ctx: Context, arn: Any, what: str = "TopicArn") -> Row:
    _arn_parts(arn, what)
    topic = db.get_topic(ctx.db, str(arn))
    if topic is None:
        raise err.NotFoundException("Topic does not exist")
    return topic


def _subscription(ctx: Context, arn: Any) -> Row:
    parts = str(arn or "").split(":")
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "sns":
        raise _invalid("SubscriptionArn Reason: An ARN must have at least 6 elements, not "
                       f"{len(parts)}" if len(parts) < 6 else "SubscriptionArn")
    sub = db.get_subscription(ctx.db, str(arn))
    if sub is None:
        raise err.NotFoundException("Subscription does not exist")
    return sub


def _default_policy(arn: str, account: str) -> str:
    from awslocal_cli import policy

    return json.dumps(policy.default_topic_policy(arn, account), separators=(",", ":"))


def _authorize(ctx: Context, topic: Row, action: str) -> None:
    """Refuse what the topic policy denies (and, for another account, what it does not allow)."""
    from awslocal_cli import policy

    doc = topic["attributes"].get("Policy") or _default_policy(topic["arn"], topic["account"])
    decision = policy.evaluate(doc, principal=ctx.principal, action=f"sns:{action}",
                               resource=topic["arn"], account=topic["account"],
                               context={"aws:SourceOwner": ctx.account,
                                        "aws:SourceAccount": ctx.account})
    same = ctx.account == topic["account"]
    if decision == "Deny" or (not same and decision != "Allow"):
        raise err.AuthorizationErrorException(
            f"User: {ctx.principal} is not authorized to perform: SNS:{action} on resource: "
            f"{topic['arn']}")


# -- topic attributes -----------------------------------------------------------------------------


def _check_topic_attribute(ctx: Context, name: str, value: Any, fifo: bool,
                           creating: bool) -> str:
    value = "" if value is None else str(value)
    allowed = _TOPIC_SETTABLE | (_FIFO_SETTABLE if fifo else set())
    if creating:
        allowed = allowed | _CREATE_ONLY | _FIFO_SETTABLE
    if name not in allowed:
        raise _invalid("AttributeName")
    if name == "DeliveryPolicy" and value:
        from awslocal_cli.services.sns_delivery import check_delivery_policy

        check_delivery_policy(value, topic=True)
    if name in ("Policy", "DeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy") and value:
        try:
            doc = json.loads(value)
        except ValueError:
            raise _invalid(f"{name}: failed to parse JSON") from None
        if not isinstance(doc, dict):
            raise _invalid(f"{name}: must be a JSON object")
        if name == "Policy":
            from awslocal_cli import policy

            try:
                policy.validate(doc)
            except policy.PolicyError as exc:
                raise _invalid(f"Policy Error: {exc}") from None
        if name == "ArchivePolicy":
            from awslocal_cli.services import sns_archive

            sns_archive.check_archive_policy(value)
    elif name == "TracingConfig" and value not in ("PassThrough", "Active"):
        raise _invalid("TracingConfig: Invalid value [" + value + "] for TracingConfig")
    elif name == "SignatureVersion" and value not in ("1", "2"):
        raise _invalid("SignatureVersion: Invalid value [" + value + "] for SignatureVersion")
    elif name in ("FifoTopic", "ContentBasedDeduplication") and value.lower() not in (
            "true", "false"):
        raise _invalid(f"{name}: Invalid value [{value}] for {name}")
    elif name == "FifoThroughputScope" and value not in ("Topic", "MessageGroup"):
        raise _invalid(f"FifoThroughputScope: Invalid value [{value}] for FifoThroughputScope")
    elif name == "KmsMasterKeyId" and value:
        from awslocal_cli.services import kms

        try:
            kms.resolve_key_arn(ctx, value)
        except AwsError:
            raise _invalid(f"KmsMasterKeyId: Invalid value [{value}] for KmsMasterKeyId") \
                from None
    elif name.endswith("SampleRate") and value and not (
            value.isdigit() and 0 <= int(value) <= 100):
        raise _invalid(f"{name}: must be an integer from 0 to 100")
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
        "Policy": attrs.get("Policy") or _default_policy(topic["arn"], topic["account"]),
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
        from awslocal_cli.services import sns_archive

        first = sns_archive.beginning(topic, ctx.time())
        if first is not None:
            out["BeginningArchiveTime"] = timestamp(first)
    return out


# -- topics -------------------------------------------------------------------------------------


def _check_tags(tags: list[dict[str, str]] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in tags or []:
        key, value = tag.get("Key"), tag.get("Value")
        if not key or len(key) > 128 or key.startswith("aws:"):
            raise _invalid("Tags Reason: Tag key is invalid")
        if value is None or len(value) > 256:
            raise _invalid("Tags Reason: Tag value is invalid")
        out[key] = value
    return out


def create_topic(ctx: Context, *, Name: str, Attributes: dict[str, str] | None = None,
                 Tags: list[dict[str, str]] | None = None,
                 DataProtectionPolicy: str | None = None) -> dict[str, Any]:
    """Create a topic; creating it again with the same attributes returns its ARN."""
    attributes = dict(Attributes or {})
    fifo = str(attributes.get("FifoTopic", "false")).lower() == "true"
    if fifo:
        if not _FIFO_NAME.match(Name or ""):
            raise _invalid(
                "Fifo Topic names must end with .fifo and must be made up of only uppercase "
                "and lowercase ASCII letters, numbers, underscores, and hyphens, and must be "
                "between 1 and 256 characters long.")
    elif not _TOPIC_NAME.match(Name or ""):
        raise _invalid("Topic Name")
    if DataProtectionPolicy is not None:
        attributes["DataProtectionPolicy"] = DataProtectionPolicy
    clean: dict[str, str] = {}
    for name, value in attributes.items():
        clean[name] = _check_topic_attribute(ctx, name, value, fifo, creating=True)
    if not fifo:
        for name in _FIFO_SETTABLE:
            if name in clean:
                raise _invalid(f"{name}: {name} is only valid for FIFO topics")
    clean.pop("FifoTopic", None)
    tags = _check_tags(Tags)
    if len(tags) > MAX_TAGS:
        raise err.TagLimitExceededException(
            "Could not complete request: tag quota of per resource exceeded")
    arn = topic_arn(ctx.region, ctx.account, Name)
    existing = db.get_topic(ctx.db, arn)
    if existing is not None:
        if any(existing["attributes"].get(k, "") != v for k, v in clean.items()):
            raise _invalid("Attributes Reason: Topic already exists with different attributes")
        current = db.get_tags(ctx.db, arn)
        if tags and any(current.get(k) != v for k, v in tags.items()):
            raise _invalid("Tags Reason: Topic already exists with different tags")
        return {"TopicArn": arn}
    if db.count_topics(ctx.db, ctx.account, ctx.region, fifo) >= (
            MAX_FIFO_TOPICS if fifo else MAX_TOPICS):
        raise err.TopicLimitExceededException("Topic limit exceeded")
    db.insert_topic(ctx.db, ctx.account, ctx.region, Name, arn, fifo, clean, ctx.time())
    if clean.get("ArchivePolicy"):
        from awslocal_cli.services import sns_archive

        sns_archive.archive_changed(ctx, {"arn": arn, "attributes": {}}, None,
                                    clean["ArchivePolicy"])
    for key, value in tags.items():
        db.put_tag(ctx.db, ctx.account, ctx.region, arn, key, value)
    return {"TopicArn": arn}


def delete_topic(ctx: Context, *, TopicArn: str) -> dict[str, Any]:
    """Delete a topic and its subscriptions; deleting a missing topic succeeds, as in AWS."""
    _arn_parts(TopicArn, "TopicArn")
    topic = db.get_topic(ctx.db, TopicArn)
    if topic is not None:
        _authorize(ctx, topic, "DeleteTopic")
        db.delete_topic(ctx.db, TopicArn)
    return {}


def page_token(kind: str, value: Any) -> str:
    """A NextToken of ours: the position a listing resumes after, tagged with its kind."""
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def page_after(token: str | None, kind: str, name: str = "NextToken") -> str | None:
    """The position a NextToken of ours resumes after; None for no token."""
    if token is None:
        return None
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        text = ""
    if not text.startswith(f"{kind}:"):
        raise _invalid(name)
    return text[len(kind) + 1:]


def seq_after(token: str | None, kind: str) -> int:
    """The row sequence number a NextToken of ours resumes after (0 for no token)."""
    value = page_after(token, kind)
    if value is None:
        return 0
    if not value.isdigit():
        raise _invalid("NextToken")
    return int(value)


def list_topics(ctx: Context, *, NextToken: str | None = None) -> dict[str, Any]:
    """The topics of the region, 100 per page."""
    rows = db.list_topics(ctx.db, ctx.account, ctx.region, seq_after(NextToken, "sns"), PAGE + 1)
    out: dict[str, Any] = {"Topics": [{"TopicArn": r["arn"]} for r in rows[:PAGE]]}
    if len(rows) > PAGE:
        out["NextToken"] = page_token("sns", rows[PAGE - 1]["seq"])
    return out


def get_topic_attributes(ctx: Context, *, TopicArn: str) -> dict[str, Any]:
    """All attributes of a topic, with the read-only counts."""
    topic = _topic(ctx, TopicArn)
    _authorize(ctx, topic, "GetTopicAttributes")
    return {"Attributes": _topic_attributes(ctx, topic)}


def set_topic_attributes(ctx: Context, *, TopicArn: str, AttributeName: str,
                         AttributeValue: str | None = None) -> dict[str, Any]:
    """Set one attribute; an empty Policy restores the default policy."""
    topic = _topic(ctx, TopicArn)
    _authorize(ctx, topic, "SetTopicAttributes")
    if AttributeName == "FifoTopic":
        raise _invalid("AttributeName")
    value = _check_topic_attribute(ctx, AttributeName, AttributeValue, bool(topic["fifo"]),
                                   creating=False)
    attrs = dict(topic["attributes"])
    if value == "" and AttributeName != "DisplayName":
        attrs.pop(AttributeName, None)
    else:
        attrs[AttributeName] = value
    db.update_topic(ctx.db, topic["arn"], attributes=attrs)
    if AttributeName == "ArchivePolicy":
        from awslocal_cli.services import sns_archive

        sns_archive.archive_changed(ctx, topic, topic["attributes"].get("ArchivePolicy"),
                                    attrs.get("ArchivePolicy"))
    return {}


# -- permissions ----------------------------------------------------------------------------------


def _policy_doc(topic: Row) -> dict[str, Any]:
    text = topic["attributes"].get("Policy") or _default_policy(topic["arn"], topic["account"])
    doc = json.loads(text)
    doc.setdefault("Statement", [])
    if isinstance(doc["Statement"], dict):
        doc["Statement"] = [doc["Statement"]]
    return dict(doc)


def add_permission(ctx: Context, *, TopicArn: str, Label: str, AWSAccountId: list[str],
                   ActionName: list[str]) -> dict[str, Any]:
    """Add a statement labelled Label to the topic policy."""
    topic = _topic(ctx, TopicArn)
    _authorize(ctx, topic, "AddPermission")
    if not Label or not re.match(r"^[A-Za-z0-9_-]{1,80}$", Label):
        raise _invalid("Label")
    if not AWSAccountId:
        raise _invalid("AWSAccountId")
    if not ActionName:
        raise _invalid("ActionName")
    for action in ActionName:
        if action != "*" and action not in _TOPIC_ACTIONS:
            raise _invalid("Policy statement action out of service scope!")
    doc = _policy_doc(topic)
    if any(st.get("Sid") == Label for st in doc["Statement"]):
        raise _invalid("Statement already exists")
    principals = [f"arn:aws:iam::{a}:root" if a.isdigit() else a for a in AWSAccountId]
    actions = [f"SNS:{a}" for a in ActionName] if ActionName != ["*"] else ["SNS:*"]
    doc["Statement"].append({
        "Sid": Label, "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": actions[0] if len(actions) == 1 else actions,
        "Resource": topic["arn"],
    })
    attrs = dict(topic["attributes"], Policy=json.dumps(doc, separators=(",", ":")))
    db.update_topic(ctx.db, topic["arn"], attributes=attrs)
    return {}


def remove_permission(ctx: Context, *, TopicArn: str, Label: str) -> dict[str, Any]:
    """Remove the statement labelled Label from the topic policy (absent labels are ignored)."""
    topic = _topic(ctx, TopicArn)
    _authorize(ctx, topic, "RemovePermission")
    doc = _policy_doc(topic)
    kept = [st for st in doc["Statement"] if st.get("Sid") != Label]
    if len(kept) != len(doc["Statement"]):
        doc["Statement"] = kept
        attrs = dict(topic["attributes"], Policy=json.dumps(doc, separators=(",", ":")))
        db.update_topic(ctx.db, topic["arn"], attributes=attrs)
    return {}


# -- tags -----------------------------------------------------------------------------------------


def _tagged(ctx: Context, arn: str) -> Row:
    parts = str(arn or "").split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise _invalid("ResourceArn")
    topic = db.get_topic(ctx.db, arn)
    if topic is None:
        raise err.ResourceNotFoundException("Resource does not exist")
    return topic


def tag_resource(ctx: Context, *, ResourceArn: str, Tags: list[dict[str, str]]) -> dict[str, Any]:
    """Add or overwrite tags of a topic (at most 50)."""
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


# -- subscriptions --------------------------------------------------------------------------------


def _check_endpoint(protocol: str, endpoint: str | None) -> str:
    value = str(endpoint or "")
    if protocol == "sqs":
        parts = value.split(":")
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not parts[5]:
            raise _invalid("SQS endpoint ARN")
    elif protocol in ("http", "https"):
        if not value.lower().startswith(f"{protocol}://"):
            raise _invalid(f"Endpoint Reason: {protocol.upper()} endpoint should start with "
                           f"{protocol}://")
    elif protocol in ("email", "email-json"):
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise _invalid("Email address")
    elif protocol == "sms":
        if not re.match(r"^\+?[0-9]{5,15}$", value.replace("-", "")):
            raise _invalid(f"Invalid SMS endpoint: {value}")
    elif protocol in ("lambda", "firehose", "application"):
        parts = value.split(":")
        if len(parts) < 6 or parts[0] != "arn":
            raise _invalid("Endpoint")
    return value


def _check_sub_attribute(protocol: str, name: str, value: Any, fifo_topic: bool) -> str:
    value = "" if value is None else str(value)
    if name not in _SUB_SETTABLE:
        raise _invalid("AttributeName")
    if name == "RawMessageDelivery":
        if value.lower() not in ("true", "false"):
            raise _invalid("Attributes Reason: RawMessageDelivery: Invalid value [" + value
                           + "]. Must be true or false.")
        if protocol not in _RAW_PROTOCOLS:
            raise _invalid("Attributes Reason: Delivery protocol [" + protocol
                           + "] does not support raw message delivery.")
        return value.lower()
    if name == "FilterPolicyScope" and value not in ("MessageAttributes", "MessageBody"):
        raise _invalid("Attributes Reason: FilterPolicyScope: Invalid value [" + value
                       + "]. Please use either MessageBody or MessageAttributes")
    if name == "SubscriptionRoleArn" and protocol != "firehose":
        raise _invalid("Attributes Reason: SubscriptionRoleArn is only valid for firehose")
    if name == "ReplayPolicy" and not fifo_topic:
        raise _invalid("Attributes Reason: ReplayPolicy is only valid for FIFO topics")
    if name in ("RedrivePolicy", "DeliveryPolicy", "ReplayPolicy") and value:
        try:
            doc = json.loads(value)
        except ValueError:
            raise _invalid(f"{name}: failed to parse JSON.") from None
        if name == "DeliveryPolicy":
            if protocol not in ("http", "https"):
                raise _invalid("DeliveryPolicy: only HTTP/S subscriptions support delivery "
                               "policies")
            from awslocal_cli.services.sns_delivery import check_delivery_policy

            check_delivery_policy(value, topic=False)
        if name == "RedrivePolicy":
            target = doc.get("deadLetterTargetArn") if isinstance(doc, dict) else None
            if not isinstance(target, str) or not target.startswith("arn:aws:sqs:"):
                raise _invalid("RedrivePolicy: deadLetterTargetArn is an invalid arn")
    return value


def _check_filter(ctx: Context, topic: Row, attrs: dict[str, str], *, subscribe: bool,
                  had_policy: bool = False) -> None:
    """Validate the filter policy, and count it against the filter policy quotas."""
    if not attrs.get("FilterPolicy"):
        return
    from awslocal_cli.services import sns_filter  # ~10 ms of regexes: only with a policy

    sns_filter.parse(attrs["FilterPolicy"], attrs.get("FilterPolicyScope", "MessageAttributes"),
                     subscribe=subscribe)
    if had_policy:
        return
    if db.count_filter_policies(ctx.db, topic["account"], topic["region"],
                                topic["arn"]) >= sns_filter.MAX_POLICIES_PER_TOPIC or \
            db.count_filter_policies(ctx.db, topic["account"], topic["region"]) >= \
            sns_filter.MAX_POLICIES_PER_ACCOUNT:
        raise err.FilterPolicyLimitExceededException("Filter policy limit exceeded")


def subscribe(ctx: Context, *, TopicArn: str, Protocol: str, Endpoint: str | None = None,
              Attributes: dict[str, str] | None = None,
              ReturnSubscriptionArn: bool | None = None) -> dict[str, Any]:
    """Subscribe an endpoint; http/https/email subscriptions wait for confirmation."""
    topic = _topic(ctx, TopicArn)
    protocol = str(Protocol or "").lower()
    if protocol not in _PROTOCOLS:
        raise _invalid(f"Amazon SNS does not support this protocol string: {Protocol}")
    endpoint = _check_endpoint(protocol, Endpoint)
    if topic["fifo"] and protocol != "sqs":
        # FIFO topics deliver to SQS queues only (FIFO or, since 2023, standard).
        raise _invalid(f"Invalid protocol type: {protocol}")
    if not topic["fifo"] and protocol == "sqs" and endpoint.endswith(".fifo"):
        # AWS repeats the "Invalid parameter: " prefix in this one message.
        raise _invalid("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
                       "subscribed to standard SNS topics")
    _authorize(ctx, topic, "Subscribe")
    attrs = {name: _check_sub_attribute(protocol, name, value, bool(topic["fifo"]))
             for name, value in (Attributes or {}).items()}
    window = _replay_window(ctx, topic, attrs.get("ReplayPolicy"))
    existing = db.find_subscription(ctx.db, topic["arn"], protocol, endpoint)
    _check_filter(ctx, topic, attrs, subscribe=True,
                  had_policy=bool(existing and existing["attributes"].get("FilterPolicy")))
    if existing is not None:
        if any(existing["attributes"].get(k, "") != v for k, v in attrs.items()):
            raise _invalid("Attributes Reason: Subscription already exists with different "
                           "attributes")
        if existing["confirmed"]:
            return {"SubscriptionArn": existing["arn"]}
        # Subscribing a pending endpoint again sends the confirmation again (a fresh token
        # once the old one has expired).
        token = existing["token"] or ""
        now = ctx.time()
        if (existing["token_issued"] or 0) + TOKEN_LIFETIME <= now:
            token = _new_token()
            db.update_subscription(ctx.db, existing["arn"], token=token, token_issued=now)
        _send_confirmation(ctx, topic, existing, "SubscriptionConfirmation", token)
        if ReturnSubscriptionArn:
            return {"SubscriptionArn": existing["arn"]}
        return {"SubscriptionArn": "pending confirmation"}
    if db.count_subscriptions(ctx.db, topic["arn"]) >= (
            MAX_FIFO_SUBSCRIPTIONS if topic["fifo"] else MAX_SUBSCRIPTIONS):
        raise err.SubscriptionLimitExceededException("Subscription limit exceeded")
    arn = f"{topic['arn']}:{uuid.uuid4()}"
    confirmed = protocol in _AUTO_CONFIRMED
    token = None if confirmed else _new_token()
    db.insert_subscription(ctx.db, {
        "account": topic["account"], "region": topic["region"], "arn": arn,
        "topic_arn": topic["arn"], "protocol": protocol, "endpoint": endpoint,
        "owner": ctx.account, "principal": ctx.principal, "confirmed": int(confirmed),
        "token": token, "token_issued": None if confirmed else ctx.time(), "attributes": attrs,
        "created": ctx.time(),
    })
    if not confirmed:
        _send_confirmation(ctx, topic, db.get_subscription(ctx.db, arn) or {},
                           "SubscriptionConfirmation", token or "")
    elif window is not None:
        from awslocal_cli.services import sns_archive

        sns_archive.replay(ctx, topic, db.get_subscription(ctx.db, arn) or {}, window)
    if confirmed or ReturnSubscriptionArn:
        return {"SubscriptionArn": arn}
    return {"SubscriptionArn": "pending confirmation"}


def _send_confirmation(ctx: Context, topic: Row, sub: Row, kind: str, token: str) -> None:
    """Send the (un)subscription confirmation with its token: POST it, or put it in the outbox."""
    from awslocal_cli.services import sns_delivery as out

    message_id = str(uuid.uuid4())
    message = out.confirmation(ctx, topic, kind, message_id, token, timestamp(ctx.time()))
    if sub["protocol"] in ("http", "https"):
        out.queue_request(ctx, topic, sub, kind, message_id, out.dumps(message), False, None)
        return
    if sub["protocol"] == "email":
        display = topic["attributes"].get("DisplayName") or "AWS Notifications"
        payload = json.dumps({
            "From": f"{display} <no-reply@sns.amazonaws.com>", "To": sub["endpoint"],
            "Subject": "AWS Notification - Subscription Confirmation",
            "Body": f"{message['Message']}\n\nConfirm subscription: {message['SubscribeURL']}"
                    f"\n\nToken: {token}\n"}, ensure_ascii=False)
    else:
        payload = out.dumps(message)
    out.record_outbox(ctx, topic, sub["arn"], sub["protocol"], sub["endpoint"], message_id,
                      payload)


def _new_token() -> str:
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest() * 2


def confirm_subscription(ctx: Context, *, TopicArn: str, Token: str,
                         AuthenticateOnUnsubscribe: str | None = None) -> dict[str, Any]:
    """Confirm a pending subscription with the token sent to its endpoint."""
    topic = _topic(ctx, TopicArn)
    sub = db.subscription_by_token(ctx.db, topic["arn"], str(Token or ""))
    if sub is None:
        # The token of an UnsubscribeConfirmation restores the subscription it removed.
        sub = db.take_unsubscribed(ctx.db, topic["arn"], str(Token or ""),
                                   ctx.time() - TOKEN_LIFETIME)
        if sub is not None:
            sub.update(token=str(Token), token_issued=ctx.time(), confirmed=0)
            db.insert_subscription(ctx.db, sub)
    if sub is None or (not sub["confirmed"] and (sub["token_issued"] or 0) + TOKEN_LIFETIME
                       <= ctx.time()):
        raise _invalid("Token")
    attrs = dict(sub["attributes"])
    if str(AuthenticateOnUnsubscribe or "").lower() == "true":
        attrs["ConfirmationWasAuthenticated"] = "true"
    db.update_subscription(ctx.db, sub["arn"], confirmed=1, attributes=attrs)
    return {"SubscriptionArn": sub["arn"]}


def unsubscribe(ctx: Context, *, SubscriptionArn: str) -> dict[str, Any]:
    """Delete a subscription."""
    sub = _subscription(ctx, SubscriptionArn)
    topic = db.get_topic(ctx.db, sub["topic_arn"])
    db.delete_subscription(ctx.db, sub["arn"])
    if topic is not None and sub["confirmed"] and sub["protocol"] in ("http", "https"):
        # AWS tells an HTTP/S endpoint it was unsubscribed, with a token that restores it.
        token = _new_token()
        db.keep_unsubscribed(ctx.db, token, sub, ctx.time())
        _send_confirmation(ctx, topic, sub, "UnsubscribeConfirmation", token)
    return {}


def _listed(sub: Row) -> dict[str, str]:
    return {"SubscriptionArn": sub["arn"] if sub["confirmed"] else "PendingConfirmation",
            "Owner": sub["owner"], "Protocol": sub["protocol"], "Endpoint": sub["endpoint"],
            "TopicArn": sub["topic_arn"]}


def list_subscriptions(ctx: Context, *, NextToken: str | None = None) -> dict[str, Any]:
    """The subscriptions of the region, 100 per page."""
    rows = db.list_subscriptions(ctx.db, ctx.account, ctx.region, seq_after(NextToken, "sns"),
                                 PAGE + 1)
    out: dict[str, Any] = {"Subscriptions": [_listed(r) for r in rows[:PAGE]]}
    if len(rows) > PAGE:
        out["NextToken"] = page_token("sns", rows[PAGE - 1]["seq"])
    return out


def list_subscriptions_by_topic(ctx: Context, *, TopicArn: str,
                                NextToken: str | None = None) -> dict[str, Any]:
    """The subscriptions of one topic, 100 per page."""
    topic = _topic(ctx, TopicArn)
    _authorize(ctx, topic, "ListSubscriptionsByTopic")
    rows = db.list_subscriptions(ctx.db, ctx.account, ctx.region, seq_after(NextToken, "sns"),
                                 PAGE + 1, topic_arn=topic["arn"])
    out: dict[str, Any] = {"Subscriptions": [_listed(r) for r in rows[:PAGE]]}
    if len(rows) > PAGE:
        out["NextToken"] = page_token("sns", rows[PAGE - 1]["seq"])
    return out


def get_subscription_attributes(ctx: Context, *, SubscriptionArn: str) -> dict[str, Any]:
    """All attributes of a subscription."""
    sub = _subscription(ctx, SubscriptionArn)
    attrs = sub["attributes"]
    out = {
        "ConfirmationWasAuthenticated": attrs.get("ConfirmationWasAuthenticated",
                                                  "true" if sub["confirmed"] else "false"),
        "PendingConfirmation": "false" if sub["confirmed"] else "true",
        "Owner": sub["owner"],
        "RawMessageDelivery": attrs.get("RawMessageDelivery", "false"),
        "TopicArn": sub["topic_arn"],
        "Endpoint": sub["endpoint"],
        "Protocol": sub["protocol"],
        "SubscriptionArn": sub["arn"],
        "SubscriptionPrincipal": sub["principal"],
    }
    if sub["protocol"] in ("http", "https"):
        from awslocal_cli.services.sns_delivery import effective_http_policy

        topic = db.get_topic(ctx.db, sub["topic_arn"]) or {"attributes": {}}
        retry, _ = effective_http_policy(topic, sub)
        throttle = json.loads(attrs.get("DeliveryPolicy") or "{}").get("throttlePolicy")
        out["EffectiveDeliveryPolicy"] = json.dumps(
            {"healthyRetryPolicy": retry, "sicklyRetryPolicy": None, "throttlePolicy": throttle,
             "guaranteed": False}, separators=(",", ":"))
    for name, value in attrs.items():
        if name not in out and value != "":
            out[name] = value
    if "FilterPolicy" in out:
        out.setdefault("FilterPolicyScope", "MessageAttributes")
    return {"Attributes": out}


def set_subscription_attributes(ctx: Context, *, SubscriptionArn: str, AttributeName: str,
                                AttributeValue: str | None = None) -> dict[str, Any]:
    """Set one attribute of a subscription (FilterPolicy is validated)."""
    sub = _subscription(ctx, SubscriptionArn)
    topic = db.get_topic(ctx.db, sub["topic_arn"])
    value = _check_sub_attribute(sub["protocol"], AttributeName, AttributeValue,
                                 bool(topic and topic["fifo"]))
    window = _replay_window(ctx, topic, value) if AttributeName == "ReplayPolicy" else None
    attrs = dict(sub["attributes"])
    if value == "":
        attrs.pop(AttributeName, None)
    else:
        attrs[AttributeName] = value
    _check_filter(ctx, topic or {"account": sub["account"], "region": sub["region"],
                                 "arn": sub["topic_arn"]},
                  attrs, subscribe=False, had_policy=bool(sub["attributes"].get("FilterPolicy")))
    db.update_subscription(ctx.db, sub["arn"], attributes=attrs)
    if window is not None and topic is not None and sub["confirmed"]:
        from awslocal_cli.services import sns_archive

        sns_archive.replay(ctx, topic, dict(sub, attributes=attrs), window)
    return {}


def _replay_window(ctx: Context, topic: Row | None, policy: str | None,
                   ) -> tuple[float, float] | None:
    """The window a ReplayPolicy asks to replay (validated against the topic's archive)."""
    if not policy or topic is None:
        return None
    from awslocal_cli.services import sns_archive

    return sns_archive.check_replay_policy(ctx, topic, policy)


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


def _kms_error(exc: AwsError) -> AwsError:
    cls = _KMS_ERRORS.get(exc.code, err.KMSInvalidStateException)
    return cls(f"{exc.message} (Service: AWSKMS; Status Code: 400; Error Code: {exc.code}; "
               f"Request ID: {uuid.uuid4()}; Proxy: null)")


def _data_key(ctx: Context, topic: Row) -> dict[str, Any] | None:
    """The encrypted topic's data key (Plaintext, CiphertextBlob, KeyId), under 5 minutes old.

    A new one comes from GenerateDataKey, made as the publisher through SNS; in between, the
    plaintext key is cached wrapped by root.key, as SNS reuses a data key for 5 minutes.
    """
    master = topic["attributes"].get("KmsMasterKeyId")
    if not master:
        return None
    from awslocal_cli import crypto

    now = ctx.time()
    row = db.get_data_key(ctx.db, topic["arn"])
    if row is not None and row["master_key"] == master and row["generated_at"] + \
            DATA_KEY_REUSE > now:
        plaintext = crypto.unwrap_material(ctx.store.root_key(), "sns-data-key", topic["arn"],
                                           row["cached"])
        return {"Plaintext": plaintext, "CiphertextBlob": row["wrapped"],
                "KeyId": row["kms_key_arn"]}
    from awslocal_cli.services import kms

    try:
        out = kms.generate_data_key(ctx.via("sns"), KeyId=master, KeySpec="AES_256",
                                    EncryptionContext=_key_context(topic))
    except AwsError as exc:
        raise _kms_error(exc) from None
    cached = crypto.wrap_material(ctx.store.root_key(), "sns-data-key", topic["arn"],
                                  out["Plaintext"])
    db.put_data_key(ctx.db, {
        "account": topic["account"], "region": topic["region"], "topic_arn": topic["arn"],
        "master_key": master, "kms_key_arn": out["KeyId"], "wrapped": out["CiphertextBlob"],
        "cached": cached, "generated_at": now})
    return {"Plaintext": out["Plaintext"], "CiphertextBlob": out["CiphertextBlob"],
            "KeyId": out["KeyId"]}


def _key_context(topic: Row) -> dict[str, str]:
    return {"aws:sns:topicArn": topic["arn"]}


def _at_rest(ctx: Context, topic: Row, data_key: dict[str, Any], message_id: str,
             message: str) -> str:
    """Encrypt the message as SNS stores it, then decrypt it for delivery (KMS Decrypt).

    The Decrypt is made as the publisher through SNS, so a key policy that grants
    GenerateDataKey but not Decrypt refuses the publish, as the SNS docs require both.
    """
    from awslocal_cli import crypto
    from awslocal_cli.services import kms

    aad = f"{topic['arn']}\n{message_id}".encode()
    stored = crypto.seal(data_key["Plaintext"], message.encode("utf-8"), aad)
    try:
        out = kms.decrypt(ctx.via("sns"), CiphertextBlob=data_key["CiphertextBlob"],
                          EncryptionContext=_key_context(topic))
    except AwsError as exc:
        raise _kms_error(exc) from None
    return crypto.open_sealed(out["Plaintext"], stored, aad).decode("utf-8")


def _message_for(structure: dict[str, str] | None, message: str, protocol: str) -> str:
    if structure is None:
        return message
    return structure.get(protocol, structure["default"])


class Publication:
    """One published message on its way to the subscriptions of a topic."""

    def __init__(self, topic: Row, message_id: str, structure: dict[str, str] | None,
                 message: str, subject: str | None, attributes: dict[str, dict[str, Any]],
                 when: float, sequence: str | None, group: str | None, dedup: str | None,
                 data_key: dict[str, Any] | None, *, replayed: bool = False) -> None:
        self.topic, self.message_id, self.structure = topic, message_id, structure
        self.replayed = replayed
        self.message, self.subject, self.attributes = message, subject, attributes
        self.timestamp = timestamp(when)
        self.sequence, self.group, self.dedup, self.data_key = sequence, group, dedup, data_key


def deliver(ctx: Context, pub: Publication, sub: Row) -> None:
    """Deliver to one subscription: into its queue, as a queued HTTP/S request, or the outbox."""
    from awslocal_cli.services import sns_delivery as out

    topic, protocol = pub.topic, sub["protocol"]
    message = _message_for(pub.structure, pub.message, protocol)
    raw = sub["attributes"].get("RawMessageDelivery") == "true"
    envelope = None if raw else out.notification(
        ctx, topic, sub["arn"], pub.message_id, message, pub.subject, pub.timestamp,
        pub.sequence, pub.attributes, replayed=pub.replayed)
    body = message if raw else out.dumps(envelope or {})
    if protocol in ("http", "https"):
        out.queue_request(ctx, topic, sub, "Notification", pub.message_id, body, raw,
                          pub.data_key)
        return
    if protocol == "sms":
        from awslocal_cli.services import sns_records

        reason = sns_records.check_phone_publish(ctx, sub["endpoint"])
        if reason is not None:
            out.log(ctx, topic, pub.message_id, sub["arn"], "sms", sub["endpoint"], "refused",
                    reason)
            return
    if protocol != "sqs":
        payload = out.outbox_payload(topic, sub, envelope, message, pub.subject)
        out.record_outbox(ctx, topic, sub["arn"], protocol, sub["endpoint"], pub.message_id,
                          payload)
        return
    # Raw deliveries carry the message attributes as SQS message attributes; SQS takes at most
    # 10, so with more the delivery fails (a client-side error: dead-lettered, not retried).
    sqs_attributes = pub.attributes if raw else None
    if raw and len(pub.attributes) > MAX_ATTRIBUTES:
        reason: str | None = (f"The message has {len(pub.attributes)} message attributes; raw "
                              f"delivery to Amazon SQS allows at most {MAX_ATTRIBUTES} message "
                              "attributes.")
        sqs_attributes = None
    else:
        reason = out.send_to_queue(ctx, topic, sub["endpoint"], body, sqs_attributes,
                                   pub.group, pub.dedup)
    if reason is None:
        out.log(ctx, topic, pub.message_id, sub["arn"], "sqs", sub["endpoint"], "delivered",
                None)
        return
    out.log(ctx, topic, pub.message_id, sub["arn"], "sqs", sub["endpoint"], "refused", reason)
    redrive = sub["attributes"].get("RedrivePolicy")
    if redrive:
        target = json.loads(redrive).get("deadLetterTargetArn", "")
        problem = out.send_to_queue(ctx, topic, target, body, sqs_attributes, pub.group,
                                    pub.dedup)
        out.log(ctx, topic, pub.message_id, sub["arn"], "sqs", target,
                "dead-lettered" if problem is None else "refused", problem)


def passes_filter(sub: Row, message: str, attributes: dict[str, dict[str, Any]]) -> bool:
    """Whether a message gets through the subscription's filter policy."""
    text = sub["attributes"].get("FilterPolicy")
    if not text:
        return True
    from awslocal_cli.services import sns_filter
    scope = sub["attributes"].get("FilterPolicyScope", "MessageAttributes")
    policy_doc = json.loads(text)
    if scope == "MessageBody":
        try:
            body = json.loads(message)
        except ValueError:
            return False
        return sns_filter.matches(policy_doc, body=body, scope=scope)
    return sns_filter.matches(policy_doc, attributes)


def _next_sequence(topic: Row, now: float) -> str:
    value = max(int(topic["last_sequence"]) + 1, int(now * 1000) << 40)
    topic["last_sequence"] = str(value)
    return str(value).rjust(20, "0")


def _check_entry(entry: dict[str, Any]) -> tuple[str, dict[str, str] | None,
                                                 dict[str, dict[str, Any]]]:
    """Validate a Publish request's message: (message, parsed MessageStructure, attributes)."""
    message = entry.get("Message")
    if message is None or message == "":
        raise _invalid("Empty message")
    message = str(message)
    subject = entry.get("Subject")
    if subject is not None and (not subject or len(subject) > 100 or not subject.isprintable()
                                or not subject.isascii()):
        raise _invalid("Subject")
    structure = None
    if entry.get("MessageStructure") is not None:
        if entry["MessageStructure"] != "json":
            raise _invalid("MessageStructure")
        try:
            structure = json.loads(message)
        except ValueError:
            structure = None
        if not isinstance(structure, dict):
            raise _invalid("Message Structure - JSON message body failed to parse")
        if "default" not in structure:
            raise _invalid("Message Structure - No default entry in JSON message body")
        if not all(isinstance(v, str) for v in structure.values()):
            raise _invalid("Message Structure - JSON message body failed to parse")
    attributes = _check_message_attributes(entry.get("MessageAttributes"))
    if len(message.encode("utf-8")) + _attributes_size(attributes) > MAX_MESSAGE_BYTES:
        raise _invalid("Message too long")
    return message, structure, attributes


def _publish_one(ctx: Context, topic: Row, entry: dict[str, Any]) -> dict[str, Any]:
    message, structure, attributes = _check_entry(entry)
    subject = entry.get("Subject")
    group, dedup = entry.get("MessageGroupId"), entry.get("MessageDeduplicationId")
    for name, value in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
        if value is not None and not (0 < len(value) <= 128 and all(
                33 <= ord(c) <= 126 for c in value)):
            raise _invalid(f"{name} Reason: {name} can only include alphanumeric and "
                           "punctuation characters. 1 to 128 in length.")
    now = ctx.time()
    sequence = None
    if topic["fifo"]:
        if group is None:
            raise _invalid("The MessageGroupId parameter is required for FIFO topics")
        if dedup is None:
            if topic["attributes"].get("ContentBasedDeduplication") != "true":
                raise _invalid("The topic should either have ContentBasedDeduplication "
                               "enabled or MessageDeduplicationId provided explicitly")
            dedup = hashlib.sha256(message.encode("utf-8")).hexdigest()
        seen = db.dedup_lookup(ctx.db, topic["arn"], dedup, now)
        if seen is not None:
            return {"MessageId": seen["message_id"], "SequenceNumber": seen["sequence_number"]}
    elif dedup is not None:
        raise _invalid("MessageDeduplicationId Reason: The request includes "
                       "MessageDeduplicationId parameter that is not valid for this topic type")
    data_key = _data_key(ctx, topic)
    message_id = str(uuid.uuid4())
    if data_key is not None:
        message = _at_rest(ctx, topic, data_key, message_id, message)
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
        from awslocal_cli.services import sns_archive

        sns_archive.archive(ctx, topic, message_id=message_id, sequence=sequence or "",
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
        raise _invalid("TopicArn or TargetArn Reason: no value for required parameter"
                       if not targets else
                       "Only one of TopicArn, TargetArn or PhoneNumber may be specified")
    entry = {"Message": Message, "Subject": Subject, "MessageStructure": MessageStructure,
             "MessageAttributes": MessageAttributes,
             "MessageDeduplicationId": MessageDeduplicationId, "MessageGroupId": MessageGroupId}
    if PhoneNumber is not None:
        return _publish_direct(ctx, "sms", PhoneNumber, entry)
    if TargetArn is not None and ":endpoint/" in TargetArn:
        return _publish_direct(ctx, "application", TargetArn, entry)
    topic = _topic(ctx, TopicArn if TopicArn is not None else TargetArn,
                   "TopicArn" if TopicArn is not None else "TargetArn")
    _authorize(ctx, topic, "Publish")
    return _publish_one(ctx, topic, entry)


def _publish_direct(ctx: Context, protocol: str, target: str,
                    entry: dict[str, Any]) -> dict[str, Any]:
    """Publish straight to a phone number (an SMS) or to a platform endpoint (a push)."""
    from awslocal_cli.services import sns_delivery as out
    from awslocal_cli.services import sns_records

    if protocol == "sms" and not re.match(r"^\+?[1-9][0-9]{4,14}$", target):
        raise _invalid(f"PhoneNumber Reason: {target} is not valid to publish to")
    for name in ("MessageGroupId", "MessageDeduplicationId"):
        if entry.get(name) is not None:
            raise _invalid(f"{name} Reason: The request includes {name} parameter that is not "
                           "valid for this topic type")
    message, structure, _ = _check_entry(entry)
    message_id = str(uuid.uuid4())
    nowhere = out.no_topic(ctx)
    if protocol == "application":
        payload = sns_records.publish_to_endpoint(ctx, target, message, structure)
    else:
        payload = _message_for(structure, message, "sms")
        reason = sns_records.check_phone_publish(ctx, target)
        if reason is not None:
            # AWS accepts the request and answers with a MessageId; the SMS then fails.
            out.log(ctx, nowhere, message_id, None, "sms", target, "refused", reason)
            return {"MessageId": message_id}
    out.record_outbox(ctx, nowhere, None, protocol, target, message_id, payload)
    return {"MessageId": message_id}


def publish_batch(ctx: Context, *, TopicArn: str,
                  PublishBatchRequestEntries: list[dict[str, Any]]) -> dict[str, Any]:
    """Publish up to 10 messages; each entry succeeds or fails on its own."""
    topic = _topic(ctx, TopicArn)
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
    _authorize(ctx, topic, "Publish")
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


# -- records: platform applications and endpoints, SMS, opt-outs, data protection ---------------

# Operations kept in services/sns_records.py, imported only when one of them is called, so a
# topic or publish command does not pay for them.
_RECORD_OPERATIONS = frozenset({
    "check_if_phone_number_is_opted_out", "create_platform_application",
    "create_platform_endpoint", "create_sms_sandbox_phone_number", "delete_endpoint",
    "delete_platform_application", "delete_sms_sandbox_phone_number",
    "get_data_protection_policy", "get_endpoint_attributes",
    "get_platform_application_attributes", "get_sms_attributes",
    "get_sms_sandbox_account_status", "list_endpoints_by_platform_application",
    "list_origination_numbers", "list_phone_numbers_opted_out", "list_platform_applications",
    "list_sms_sandbox_phone_numbers", "opt_in_phone_number", "put_data_protection_policy",
    "set_endpoint_attributes", "set_platform_application_attributes", "set_sms_attributes",
    "verify_sms_sandbox_phone_number",
})


def __getattr__(name: str) -> Any:
    if name in _RECORD_OPERATIONS:
        from awslocal_cli.services import sns_records

        return getattr(sns_records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def after_operation(ctx: Context) -> None:
    """After every SNS command: attempt the HTTP/S requests whose (re)try fell due."""
    from awslocal_cli.services import sns_delivery

    sns_delivery.schedule_if_due(ctx)
