"""The SNS delivery log and the outbox: every attempt's status, what non-HTTP endpoints got.

Deliveries to email, email-json, sms, lambda, firehose and application endpoints are written
to the outbox (`sns_deliveries` rows with status `outbox`) with what AWS would send; payloads
of encrypted topics only as ciphertext. `awslocal local deliveries` and `local outbox` read
them back.
"""

from __future__ import annotations

from awslocal_cli.services.sns.common import moment
from awslocal_cli.store.sns import delivery as delivery_db

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

def no_topic(ctx: Context) -> Row:
    """What deliveries that belong to no topic (SMS to a number, a push) are logged under."""
    return {"account": ctx.account, "region": ctx.region, "arn": "", "attributes": {}}


def record_outbox(ctx: Context, topic: Row, sub_arn: str | None, protocol: str, endpoint: str,
                  message_id: str, payload: str) -> None:
    """Write one outbox entry; payloads of encrypted topics only as ciphertext."""
    if topic["attributes"].get("KmsMasterKeyId"):
        from awslocal_cli import crypto

        sealed = crypto.wrap_material(ctx.store.root_key(), "sns-outbox", message_id,
                                      payload.encode("utf-8"))
        log(ctx, topic, message_id, sub_arn, protocol, endpoint, "outbox", None, sealed)
    else:
        log(ctx, topic, message_id, sub_arn, protocol, endpoint, "outbox", None, payload)


def log(ctx: Context, topic: Row, message_id: str, sub_arn: str | None, protocol: str,
        endpoint: str, status: str, reason: str | None,
        payload: str | bytes | None = None) -> None:
    """One row of the delivery log; a bytes payload is one wrapped by root.key."""
    delivery_db.log_delivery(ctx.db, {
        "account": topic["account"], "region": topic["region"], "time": ctx.time(),
        "message_id": message_id, "topic_arn": topic["arn"], "subscription_arn": sub_arn,
        "protocol": protocol, "endpoint": endpoint, "status": status, "reason": reason,
        "payload": payload, "sealed": int(isinstance(payload, bytes))})


# -- what `awslocal local deliveries` and `local outbox` show --------------------------------------


def deliveries(ctx: Context, *, topic_arn: str | None = None, status: str | None = None,
               message_id: str | None = None) -> dict[str, Any]:
    """The delivery log of the region, oldest first, and the requests still waiting."""
    rows = delivery_db.list_deliveries(ctx.db, ctx.account, ctx.region, topic_arn=topic_arn,
                                       statuses=(status,) if status else (), message_id=message_id)
    out: dict[str, Any] = {"Deliveries": [{
        "Time": moment(r["time"]), "MessageId": r["message_id"], "TopicArn": r["topic_arn"],
        "SubscriptionArn": r["subscription_arn"], "Protocol": r["protocol"],
        "Endpoint": r["endpoint"], "Status": r["status"], "Reason": r["reason"]}
        for r in rows]}
    pending = delivery_db.list_pending(ctx.db, ctx.account, ctx.region, topic_arn)
    out["Pending"] = [{"MessageId": r["message_id"], "Type": r["message_type"],
                       "TopicArn": r["topic_arn"], "SubscriptionArn": r["subscription_arn"],
                       "Endpoint": r["endpoint"], "Attempts": r["attempts"],
                       "NextAttempt": moment(r["next_attempt"])} for r in pending]
    return out


def outbox(ctx: Context, *, protocol: str | None = None, endpoint: str | None = None,
           topic_arn: str | None = None) -> dict[str, Any]:
    """What was sent to email, sms, lambda, firehose and application endpoints."""
    rows = delivery_db.list_deliveries(ctx.db, ctx.account, ctx.region, topic_arn=topic_arn,
                                       statuses=("outbox",), protocol=protocol, endpoint=endpoint)
    messages = []
    for r in rows:
        payload = r["payload"]
        if r.get("sealed"):
            from awslocal_cli import crypto

            payload = crypto.unwrap_material(ctx.store.root_key(), "sns-outbox",
                                             r["message_id"], payload).decode("utf-8")
        entry = {"Time": moment(r["time"]), "MessageId": r["message_id"],
                 "TopicArn": r["topic_arn"] or None,
                 "SubscriptionArn": r["subscription_arn"], "Protocol": r["protocol"],
                 "Endpoint": r["endpoint"], "Payload": payload}
        entry.update(_what_to_do(r, payload))
        messages.append(entry)
    return {"Messages": messages}


def _what_to_do(row: Row, payload: str) -> dict[str, str]:
    """A confirmation's token and the command that confirms it; a sandbox SMS's password.

    Not in AWS (the outbox is awslocal's): what a reader would otherwise dig out of the
    payload, the link a person would click or the code they would type.
    """
    import json

    protocol = row["protocol"]
    token = None
    if protocol in ("email", "email-json"):
        try:
            body = json.loads(payload)
        except ValueError:
            return {}
        if protocol == "email-json":
            if body.get("Type") in ("SubscriptionConfirmation", "UnsubscribeConfirmation"):
                token = body.get("Token")
        elif body.get("Subject") == "AWS Notification - Subscription Confirmation":
            for line in str(body.get("Body", "")).splitlines():
                if line.startswith("Token: "):
                    token = line[len("Token: "):].strip()
        if not token:
            return {}
        topic_arn = row["topic_arn"]
        # The topic's region named, so the command works whatever region the shell defaults to.
        region = str(topic_arn).split(":")[3]
        return {
            "Token": token,
            "ConfirmCommand": f"awslocal sns confirm-subscription --topic-arn {topic_arn} "
            f"--token {token} --region {region}",
        }
    marker = "verification code is: "
    if protocol == "sms" and not row["topic_arn"] and marker in payload:
        return {"OneTimePassword": payload.split(marker, 1)[1].strip()}
    return {}

