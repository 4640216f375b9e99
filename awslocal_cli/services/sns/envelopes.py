"""What SNS sends: the signed envelopes, and the payload each outbox protocol gets."""

from __future__ import annotations

import base64
import json

from awslocal_cli.services.sns.signing import sign

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

def dumps(message: dict[str, Any]) -> str:
    """JSON as SNS writes its envelopes: two-space indent, `"Name" : value`."""
    return json.dumps(message, indent=2, separators=(",", " : "), ensure_ascii=False)


def endpoint_url(region: str) -> str:
    return f"https://sns.{region}.amazonaws.com/"


def notification(ctx: Context, topic: Row, sub_arn: str, message_id: str, message: str,
                 subject: str | None, timestamp: str, sequence: str | None,
                 attributes: dict[str, dict[str, Any]], *,
                 replayed: bool = False) -> dict[str, Any]:
    """The signed Notification envelope for one subscription (replayed ones say so)."""
    body: dict[str, Any] = {"Type": "Notification", "MessageId": message_id}
    if sequence is not None:
        body["SequenceNumber"] = sequence
    body["TopicArn"] = topic["arn"]
    if subject is not None:
        body["Subject"] = subject
    body["Message"] = message
    body["Timestamp"] = timestamp
    body = sign(ctx, topic, body)
    body["UnsubscribeURL"] = (f"{endpoint_url(topic['region'])}?Action=Unsubscribe&"
                              f"SubscriptionArn={sub_arn}")
    if attributes:
        body["MessageAttributes"] = {
            name: {"Type": attr["DataType"],
                   "Value": base64.b64encode(attr["BinaryValue"]).decode()
                   if "BinaryValue" in attr else attr["StringValue"]}
            for name, attr in attributes.items()}
    if replayed:
        body["Replayed"] = True
    return body


def confirmation(ctx: Context, topic: Row, kind: str, message_id: str, token: str,
                 timestamp: str) -> dict[str, Any]:
    """The signed SubscriptionConfirmation or UnsubscribeConfirmation message."""
    arn = topic["arn"]
    if kind == "SubscriptionConfirmation":
        text = (f"You have chosen to subscribe to the topic {arn}.\nTo confirm the "
                "subscription, visit the SubscribeURL included in this message.")
    else:
        text = (f"You have chosen to deactivate subscription to the topic {arn}.\nTo cancel "
                "this operation and restore the subscription, visit the SubscribeURL included "
                "in this message.")
    body = {"Type": kind, "MessageId": message_id, "Token": token, "TopicArn": arn,
            "Message": text,
            "SubscribeURL": f"{endpoint_url(topic['region'])}?Action=ConfirmSubscription&"
                            f"TopicArn={arn}&Token={token}",
            "Timestamp": timestamp}
    return sign(ctx, topic, body)


# -- what each protocol is sent ---------------------------------------------------------------


def outbox_payload(topic: Row, sub: Row, envelope: dict[str, Any] | None, message: str,
                   subject: str | None) -> str:
    """What AWS would send to an email, sms, lambda, firehose or application endpoint."""
    protocol = sub["protocol"]
    if protocol == "email":
        from urllib.parse import quote

        display = topic["attributes"].get("DisplayName") or "AWS Notifications"
        footer = ("\n\n--\nIf you wish to stop receiving notifications from this topic, please "
                  "click or visit the link below to unsubscribe:\n"
                  f"{endpoint_url(topic['region'])}unsubscribe.html?SubscriptionArn="
                  f"{sub['arn']}&Endpoint={quote(sub['endpoint'])}\n")
        return json.dumps({"From": f"{display} <no-reply@sns.amazonaws.com>",
                           "To": sub["endpoint"],
                           "Subject": subject or "AWS Notification Message",
                           "Body": message + footer}, ensure_ascii=False)
    if protocol == "sms":
        display = topic["attributes"].get("DisplayName")
        return f"{display}> {message}" if display else message
    if protocol == "lambda" and envelope is not None:
        record = {name if name not in ("SigningCertURL", "UnsubscribeURL")
                  else name[:-2] + "rl": value for name, value in envelope.items()}
        record.setdefault("Subject", None)
        record.setdefault("MessageAttributes", {})
        return json.dumps({"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                                        "EventSubscriptionArn": sub["arn"], "Sns": record}]},
                          ensure_ascii=False)
    if envelope is not None:  # email-json, firehose without raw delivery
        return dumps(envelope)
    return message  # application, raw firehose
