"""SNS subscriptions: subscribe, confirm, unsubscribe, list, attributes.

HTTP/HTTPS and email subscriptions wait for confirmation with the token sent to the endpoint
(valid for two days); the others are confirmed at once. An UnsubscribeConfirmation's token
restores the subscription it removed.
"""

from __future__ import annotations

import json
import re

from awslocal_cli import ids
from awslocal_cli.errors import sns as err
from awslocal_cli.patterns import Pattern
from awslocal_cli.services.sns.common import (
    PAGE,
    arn_parts,
    check_region,
    invalid,
    lookup_subscription,
    lookup_topic,
    page_token,
    seq_after,
    timestamp,
    too_few_elements,
)
from awslocal_cli.services.sns.permissions import authorize
from awslocal_cli.store.sns import topics as db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

MAX_SUBSCRIPTIONS = 12_500_000
MAX_FIFO_SUBSCRIPTIONS = 100
TOKEN_LIFETIME = 2 * 86400  # "Confirmation tokens are valid for two days" (Subscribe, API ref)

_PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda",
              "firehose")
_SUB_SETTABLE = {"DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
                 "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"}
_RAW_PROTOCOLS = {"sqs", "http", "https", "firehose"}
_AUTO_CONFIRMED = {"sqs", "lambda", "firehose", "application", "sms"}
# What AWS takes for a confirmation token at all (its tokens, like ours, are hex strings).
_TOKEN = Pattern(r"^(?:[0-9a-fA-F]{2})+$")


# -- subscriptions --------------------------------------------------------------------------------


def _check_endpoint(protocol: str, endpoint: str | None) -> str:
    value = str(endpoint or "")
    if protocol == "sqs":
        parts = value.split(":")
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not parts[5]:
            raise invalid("SQS endpoint ARN")
    elif protocol in ("http", "https"):
        if not value.lower().startswith(f"{protocol}://"):
            raise invalid(f"Endpoint Reason: {protocol.upper()} endpoint should start with "
                          f"{protocol}://")
    elif protocol in ("email", "email-json"):
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise invalid("Email address")
    elif protocol == "sms":
        # AWS words this one without "Invalid parameter: ", accepts "+15/55-123.4567" and
        # refuses "+15--551234567", "+15551234567." and "/+15551234567" (recorded responses;
        # moto's test_subscribe_sms and test_subscribe_bad_sms): single `/`, `-` or `.`
        # between digits are separators.
        if re.search(r"[./-]{2}|^[./-]|[./-]$", value) \
                or not re.match(r"^\+?[0-9]{5,15}$", re.sub(r"[./-]", "", value)):
            raise err.InvalidParameterException(f"Invalid SMS endpoint: {value}")
    elif protocol in ("lambda", "firehose", "application"):
        parts = value.split(":")
        if len(parts) < 6 or parts[0] != "arn":
            raise invalid("Endpoint")
    return value


def _check_sub_attribute(protocol: str, name: str, value: Any, fifo_topic: bool, *,
                         subscribe: bool = True) -> str:
    """One subscription attribute, checked; AWS's InvalidParameter for a bad one.

    Subscribe words a bad attribute "Invalid parameter: Attributes Reason: <reason>",
    SetSubscriptionAttributes "Invalid parameter: <reason>" (recorded responses).
    """
    prefix = "Attributes Reason: " if subscribe else ""

    def bad(reason: str) -> err.InvalidParameterException:
        return invalid(prefix + reason)

    value = "" if value is None else str(value)
    if name not in _SUB_SETTABLE:
        raise bad("AttributeName")
    if name == "RawMessageDelivery":
        if value.lower() not in ("true", "false"):
            raise bad(f"RawMessageDelivery: Invalid value [{value}]. Must be true or false.")
        if protocol not in _RAW_PROTOCOLS:
            raise bad(f"Delivery protocol [{protocol}] does not support raw message delivery.")
        return value.lower()
    if name == "FilterPolicyScope" and value not in ("MessageAttributes", "MessageBody"):
        raise bad(f"FilterPolicyScope: Invalid value [{value}]. Please use either MessageBody "
                  "or MessageAttributes")
    if name == "SubscriptionRoleArn" and protocol != "firehose":
        raise bad("SubscriptionRoleArn is only valid for firehose")
    if name == "ReplayPolicy" and not fifo_topic:
        raise bad("ReplayPolicy is only valid for FIFO topics")
    if name in ("RedrivePolicy", "DeliveryPolicy", "ReplayPolicy") and value:
        try:
            doc = json.loads(value)
        except ValueError:
            raise bad(f"{name}: failed to parse JSON.") from None
        if name == "DeliveryPolicy":
            if protocol not in ("http", "https"):
                raise bad("DeliveryPolicy: only HTTP/S subscriptions support delivery policies")
            from awslocal_cli.services.sns.delivery_policy import check_delivery_policy

            check_delivery_policy(value, topic=False)
        if name == "RedrivePolicy":
            target = doc.get("deadLetterTargetArn") if isinstance(doc, dict) else None
            if not isinstance(target, str) or not target.startswith("arn:aws:sqs:"):
                raise bad("RedrivePolicy: deadLetterTargetArn is an invalid arn")
    return value


def _check_filter(ctx: Context, topic: Row, attrs: dict[str, str], *, subscribe: bool,
                  had_policy: bool = False) -> None:
    """Validate the filter policy, and count it against the filter policy quotas."""
    if not attrs.get("FilterPolicy"):
        return
    # ~10 ms of regexes: only with a policy
    from awslocal_cli.services.sns import filter as filter_policy

    filter_policy.parse(attrs["FilterPolicy"],
                        attrs.get("FilterPolicyScope", "MessageAttributes"), subscribe=subscribe)
    if had_policy:
        return
    if db.count_filter_policies(ctx.db, topic["account"], topic["region"],
                                topic["arn"]) >= filter_policy.MAX_POLICIES_PER_TOPIC or \
            db.count_filter_policies(ctx.db, topic["account"], topic["region"]) >= \
            filter_policy.MAX_POLICIES_PER_ACCOUNT:
        raise err.FilterPolicyLimitExceededException("Filter policy limit exceeded")


def subscribe(ctx: Context, *, TopicArn: str, Protocol: str, Endpoint: str | None = None,
              Attributes: dict[str, str] | None = None,
              ReturnSubscriptionArn: bool | None = None) -> dict[str, Any]:
    """Subscribe an endpoint; http/https/email subscriptions wait for confirmation."""
    topic = lookup_topic(ctx, TopicArn)
    protocol = str(Protocol or "").lower()
    if protocol not in _PROTOCOLS:
        raise invalid(f"Amazon SNS does not support this protocol string: {Protocol}")
    endpoint = _check_endpoint(protocol, Endpoint)
    if topic["fifo"] and protocol != "sqs":
        # FIFO topics deliver to SQS queues only (FIFO or, since 2023, standard).
        raise invalid(f"Invalid protocol type: {protocol}")
    if not topic["fifo"] and protocol == "sqs" and endpoint.endswith(".fifo"):
        # AWS repeats the "Invalid parameter: " prefix in this one message.
        raise invalid("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
                      "subscribed to standard SNS topics")
    authorize(ctx, topic, "Subscribe")
    attrs = {name: _check_sub_attribute(protocol, name, value, bool(topic["fifo"]))
             for name, value in (Attributes or {}).items()}
    window = _replay_window(ctx, topic, attrs.get("ReplayPolicy"))
    existing = db.find_subscription(ctx.db, topic["arn"], protocol, endpoint)
    _check_filter(ctx, topic, attrs, subscribe=True,
                  had_policy=bool(existing and existing["attributes"].get("FilterPolicy")))
    if existing is not None:
        if any(existing["attributes"].get(k, "") != v for k, v in attrs.items()):
            raise invalid("Attributes Reason: Subscription already exists with different "
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
    arn = f"{topic['arn']}:{ids.uuid4()}"
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
        from awslocal_cli.services.sns import archive

        archive.replay(ctx, topic, db.get_subscription(ctx.db, arn) or {}, window)
    if confirmed or ReturnSubscriptionArn:
        return {"SubscriptionArn": arn}
    return {"SubscriptionArn": "pending confirmation"}


def _send_confirmation(ctx: Context, topic: Row, sub: Row, kind: str, token: str) -> None:
    """Send the (un)subscription confirmation with its token: POST it, or put it in the outbox."""
    from awslocal_cli.services.sns import envelopes, http_delivery
    from awslocal_cli.services.sns.delivery_log import record_outbox

    message_id = ids.uuid4()
    message = envelopes.confirmation(ctx, topic, kind, message_id, token, timestamp(ctx.time()))
    if sub["protocol"] in ("http", "https"):
        http_delivery.queue_request(ctx, topic, sub, kind, message_id, envelopes.dumps(message),
                                    False, None)
        return
    if sub["protocol"] == "email":
        display = topic["attributes"].get("DisplayName") or "AWS Notifications"
        payload = json.dumps({
            "From": f"{display} <no-reply@sns.amazonaws.com>", "To": sub["endpoint"],
            "Subject": "AWS Notification - Subscription Confirmation",
            "Body": f"{message['Message']}\n\nConfirm subscription: {message['SubscribeURL']}"
                    f"\n\nToken: {token}\n"}, ensure_ascii=False)
    else:
        payload = envelopes.dumps(message)
    record_outbox(ctx, topic, sub["arn"], sub["protocol"], sub["endpoint"], message_id,
                  payload)


def _new_token() -> str:
    import hashlib

    return hashlib.sha256(ids.uuid4_bytes()).hexdigest() * 2


def confirm_subscription(ctx: Context, *, TopicArn: str, Token: str,
                         AuthenticateOnUnsubscribe: str | None = None) -> dict[str, Any]:
    """Confirm a pending subscription with the token sent to its endpoint.

    As in AWS (recorded responses): a token that is not a hex string is "Invalid token"; a
    missing topic, like an unknown or expired token, is "Invalid parameter: Token" (not
    NotFound); a topic of another region is "Invalid parameter: TopicArn".
    """
    arn_parts(TopicArn, "TopicArn")
    check_region(ctx, TopicArn, "TopicArn")
    token = str(Token or "")
    if not _TOKEN.match(token):
        raise err.InvalidParameterException("Invalid token")
    topic = db.get_topic(ctx.db, str(TopicArn))
    if topic is None:
        raise invalid("Token")
    sub = db.subscription_by_token(ctx.db, topic["arn"], token)
    if sub is None:
        # The token of an UnsubscribeConfirmation restores the subscription it removed.
        sub = db.take_unsubscribed(ctx.db, topic["arn"], token, ctx.time() - TOKEN_LIFETIME)
        if sub is not None:
            sub.update(token=token, token_issued=ctx.time(), confirmed=0)
            db.insert_subscription(ctx.db, sub)
    if sub is None or (not sub["confirmed"] and (sub["token_issued"] or 0) + TOKEN_LIFETIME
                       <= ctx.time()):
        raise invalid("Token")
    attrs = dict(sub["attributes"])
    if str(AuthenticateOnUnsubscribe or "").lower() == "true":
        attrs["ConfirmationWasAuthenticated"] = "true"
    db.update_subscription(ctx.db, sub["arn"], confirmed=1, attributes=attrs)
    return {"SubscriptionArn": sub["arn"]}


def unsubscribe(ctx: Context, *, SubscriptionArn: str) -> dict[str, Any]:
    """Delete a subscription; one already removed (or never made) succeeds, as in AWS.

    A malformed ARN is refused as AWS words it (recorded responses): fewer than 6 elements
    is "... Reason: An ARN must have at least 6 elements, not N", a topic-like ARN without a
    subscription id is "Invalid parameter: SubscriptionId". Departure: a subscription ARN of
    another region is refused with "Invalid parameter: SubscriptionArn", by analogy with
    the topic operations (not recorded).
    """
    parts = str(SubscriptionArn or "").split(":")
    if len(parts) < 6:
        raise too_few_elements("SubscriptionArn", parts)
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "sns" or not parts[6]:
        raise invalid("SubscriptionId")
    check_region(ctx, SubscriptionArn, "SubscriptionArn")
    sub = db.get_subscription(ctx.db, str(SubscriptionArn))
    if sub is None:
        return {}
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
    topic = lookup_topic(ctx, TopicArn)
    authorize(ctx, topic, "ListSubscriptionsByTopic")
    rows = db.list_subscriptions(ctx.db, ctx.account, ctx.region, seq_after(NextToken, "sns"),
                                 PAGE + 1, topic_arn=topic["arn"])
    out: dict[str, Any] = {"Subscriptions": [_listed(r) for r in rows[:PAGE]]}
    if len(rows) > PAGE:
        out["NextToken"] = page_token("sns", rows[PAGE - 1]["seq"])
    return out


def get_subscription_attributes(ctx: Context, *, SubscriptionArn: str) -> dict[str, Any]:
    """All attributes of a subscription (FilterPolicyScope only when a FilterPolicy is set)."""
    sub = lookup_subscription(ctx, SubscriptionArn)
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
        from awslocal_cli.services.sns.delivery_policy import effective_http_policy

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
    else:
        out.pop("FilterPolicyScope", None)  # AWS shows the scope only beside a policy
    return {"Attributes": out}


def _is_empty_object(text: str) -> bool:
    try:
        return json.loads(text) == {}
    except ValueError:
        return False


def set_subscription_attributes(ctx: Context, *, SubscriptionArn: str, AttributeName: str,
                                AttributeValue: str | None = None) -> dict[str, Any]:
    """Set one attribute of a subscription (FilterPolicy is validated; "{}" removes it).

    Errors carry no "Attributes Reason: " prefix, unlike Subscribe's, as in AWS.
    """
    sub = lookup_subscription(ctx, SubscriptionArn)
    topic = db.get_topic(ctx.db, sub["topic_arn"])
    value = _check_sub_attribute(sub["protocol"], AttributeName, AttributeValue,
                                 bool(topic and topic["fifo"]), subscribe=False)
    window = _replay_window(ctx, topic, value) if AttributeName == "ReplayPolicy" else None
    if AttributeName == "FilterPolicy" and _is_empty_object(value):
        value = ""  # "{}" is how the SNS Developer Guide says to remove a filter policy
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
        from awslocal_cli.services.sns import archive

        archive.replay(ctx, topic, dict(sub, attributes=attrs), window)
    return {}


def _replay_window(ctx: Context, topic: Row | None, policy: str | None,
                   ) -> tuple[float, float] | None:
    """The window a ReplayPolicy asks to replay (validated against the topic's archive)."""
    if not policy or topic is None:
        return None
    from awslocal_cli.services.sns import archive

    return archive.check_replay_policy(ctx, topic, policy)


def pending_confirmations(ctx: Context, subscription_arn: str | None = None) -> list[Row]:
    """The subscriptions of the region that wait for confirmation (or the one named)."""
    if subscription_arn is not None:
        sub = db.get_subscription(ctx.db, subscription_arn)
        rows = [sub] if sub is not None else []
    else:
        rows, after = [], 0
        while True:
            page = db.list_subscriptions(ctx.db, ctx.account, ctx.region, after, 100)
            rows.extend(page)
            if len(page) < 100:
                break
            after = page[-1]["seq"]
    return [r for r in rows if not r["confirmed"] and r["token"]]


def confirm_pending(ctx: Context, *, subscription_arn: str | None = None,
                    all_pending: bool = False) -> dict[str, Any]:
    """Confirm pending subscriptions as a click on the confirmation link does (awslocal only).

    The link calls ConfirmSubscription with the topic and the token sent to the endpoint; so
    does this, through the same service function (an expired token fails as it would).
    """
    if subscription_arn is not None:
        sub = lookup_subscription(ctx, subscription_arn)
        if sub["confirmed"]:
            return {"Confirmed": []}
        if not sub["token"]:
            raise invalid("SubscriptionArn")
        rows = [sub]
    elif all_pending:
        rows = pending_confirmations(ctx)
    else:
        rows = []
    confirmed = [
        confirm_subscription(ctx, TopicArn=r["topic_arn"], Token=r["token"])["SubscriptionArn"]
        for r in rows
    ]
    return {"Confirmed": confirmed}
