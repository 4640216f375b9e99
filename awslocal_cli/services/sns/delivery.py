"""SNS delivery of one message to one subscription, and the filter policy check before it.

- sqs: at once, inside the publisher's invocation (sqs_delivery.py); a refused delivery goes to
  the subscription's dead-letter queue when its RedrivePolicy names one.
- http/https: a POST queued for after the invocation commits (http_delivery.py).
- email, email-json, sms, lambda, firehose, application: written to the outbox (outbox.py).
"""

from __future__ import annotations

import json

from awslocal_cli.services.sns.publication import Publication, Row

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

MAX_ATTRIBUTES = 10  # message attributes SQS takes (raw delivery)


def message_for(structure: dict[str, str] | None, message: str, protocol: str) -> str:
    if structure is None:
        return message
    return structure.get(protocol, structure["default"])


def deliver(ctx: Context, pub: Publication, sub: Row) -> None:
    """Deliver to one subscription: into its queue, as a queued HTTP/S request, or the outbox."""
    from awslocal_cli.services.sns import envelopes, http_delivery, sqs_delivery
    from awslocal_cli.services.sns.delivery_log import log, record_outbox

    topic, protocol = pub.topic, sub["protocol"]
    message = message_for(pub.structure, pub.message, protocol)
    if topic["attributes"].get("DataProtectionPolicy"):
        from awslocal_cli.services.sns import message_protection

        refusal = message_protection.outbound_refusal(pub, sub, message)
        if refusal is not None:
            log(ctx, topic, pub.message_id, sub["arn"], protocol, sub["endpoint"], "refused",
                refusal)
            return
    raw = sub["attributes"].get("RawMessageDelivery") == "true"
    envelope = None if raw else envelopes.notification(
        ctx, topic, sub["arn"], pub.message_id, message, pub.subject, pub.timestamp,
        pub.sequence, pub.attributes, replayed=pub.replayed)
    body = message if raw else envelopes.dumps(envelope or {})
    if protocol in ("http", "https"):
        http_delivery.queue_request(ctx, topic, sub, "Notification", pub.message_id, body, raw,
                                    pub.data_key)
        return
    if protocol == "sms":
        from awslocal_cli.services.sns import sms

        reason = sms.check_phone_publish(ctx, sub["endpoint"])
        if reason is not None:
            log(ctx, topic, pub.message_id, sub["arn"], "sms", sub["endpoint"], "refused",
                reason)
            return
    if protocol != "sqs":
        payload = envelopes.outbox_payload(topic, sub, envelope, message, pub.subject)
        record_outbox(ctx, topic, sub["arn"], protocol, sub["endpoint"], pub.message_id,
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
        reason = sqs_delivery.send_to_queue(ctx, topic, sub["endpoint"], body, sqs_attributes,
                                            pub.group, pub.dedup)
    if reason is None:
        log(ctx, topic, pub.message_id, sub["arn"], "sqs", sub["endpoint"], "delivered",
            None)
        return
    log(ctx, topic, pub.message_id, sub["arn"], "sqs", sub["endpoint"], "refused", reason)
    redrive = sub["attributes"].get("RedrivePolicy")
    if redrive:
        target = json.loads(redrive).get("deadLetterTargetArn", "")
        problem = sqs_delivery.send_to_queue(ctx, topic, target, body, sqs_attributes, pub.group,
                                             pub.dedup)
        log(ctx, topic, pub.message_id, sub["arn"], "sqs", target,
            "dead-lettered" if problem is None else "refused", problem)


def filtered_out(ctx: Context, topic: Row, message_id: str, sub: Row) -> None:
    """Log a message the subscription's filter policy kept out (AWS counts these in the
    NumberOfNotificationsFilteredOut metric; the local delivery log names them)."""
    from awslocal_cli.services.sns.delivery_log import log

    scope = sub["attributes"].get("FilterPolicyScope", "MessageAttributes")
    what = "message body" if scope == "MessageBody" else "message attributes"
    log(ctx, topic, message_id, sub["arn"], sub["protocol"], sub["endpoint"], "filtered",
        f"Filtered out: the {what} do not match the subscription's filter policy "
        f"{sub['attributes'].get('FilterPolicy')}")


def passes_filter(sub: Row, message: str, attributes: dict[str, dict[str, Any]]) -> bool:
    """Whether a message gets through the subscription's filter policy."""
    text = sub["attributes"].get("FilterPolicy")
    if not text:
        return True
    from awslocal_cli.services.sns import filter as filter_policy
    scope = sub["attributes"].get("FilterPolicyScope", "MessageAttributes")
    policy_doc = json.loads(text)
    if scope == "MessageBody":
        try:
            body = json.loads(message)
        except ValueError:
            return False
        return filter_policy.matches(policy_doc, body=body, scope=scope)
    return filter_policy.matches(policy_doc, attributes)
