"""SNS message data protection applied: a topic's data protection policy on Publish and delivery.

As the SNS Developer Guide describes ("Understanding data protection policies", "Data
protection policy operations"), each statement applies in one direction to the principals it
names (`*`, an IAM ARN, an account):

- Inbound statements apply to Publish and PublishBatch, for the publisher. **Audit** scans the
  message as published and logs a finding record (messageId, auditTimestamp, callerPrincipal,
  resourceArn, dataIdentifiers with their detections) for SampleRate percent of the messages,
  when the policy names a FindingsDestination (or, for messages without findings, a
  NoFindingsDestination). **Deny** refuses the publish with AuthorizationError. **Deidentify**
  then masks each finding with MaskConfig's MaskWithCharacter (`*` when none is given), one
  character for each, or removes it (RedactConfig), before the message is stored, archived or
  delivered; a message that is sensitive from end to end is refused with AuthorizationError,
  as the guide says.
- Outbound statements apply to each delivery, for the principal that subscribed
  (SubscriptionPrincipal): **Deny** skips the subscription, and the delivery log records
  "The topic's data protection policy prohibits this message from being delivered to
  <subscription ARN>", the guide's delivery status text.

A message with a MessageStructure is scanned as published and de-identified value by value.
Detection is sensitive_data.py's.

Departures from AWS: findings go to the local delivery log (status `audit`, shown by `awslocal
local findings` and `awslocal local deliveries --status audit`), never to CloudWatch Logs,
Firehose or S3; a publish refused by the policy leaves no finding, since a failed request
leaves no trace. Which messages SampleRate picks is decided by the message id (a stable
hash), not at random. Audit and Deidentify statements of the Outbound direction, which the
guide offers for inbound messages only, are accepted and not applied. The wording of the
AuthorizationError message is awslocal's: the guide shows only its code.
"""

from __future__ import annotations

import json

from awslocal_cli.errors import sns as err

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context
    from awslocal_cli.services.sns.publication import Publication

Row = dict[str, "Any"]

DEFAULT_MASK = "*"
AUDIT_STATUS = "audit"


# -- checks at PutDataProtectionPolicy ----------------------------------------------------------


def check_operations(doc: dict[str, Any]) -> str | None:
    """Why a policy's operations are malformed (the Reason of the error), or None."""
    import re

    for custom in (doc.get("Configuration") or {}).get("CustomDataIdentifier") or []:
        try:
            re.compile(str(custom.get("Regex")))
        except re.error:
            return f"the Regex of CustomDataIdentifier {custom.get('Name')} is not valid"
    audits = 0
    for st in doc.get("Statement") or []:
        operation = st.get("Operation") or {}
        if "Audit" in operation:
            audits += 1
            rate = operation["Audit"].get("SampleRate", "0")
            if not str(rate).isdigit() or not 0 <= int(rate) <= 99:
                return "SampleRate must be an integer between 0 and 99"
            for where in ("FindingsDestination", "NoFindingsDestination"):
                if where in operation["Audit"] and not isinstance(operation["Audit"][where],
                                                                  dict):
                    return f"{where} must be an object"
        if "Deidentify" in operation:
            config = operation["Deidentify"]
            if len(config) != 1 or not set(config) <= {"MaskConfig", "RedactConfig"} or \
                    not isinstance(next(iter(config.values())), dict):
                return "Deidentify must hold exactly one of MaskConfig or RedactConfig"
            mask = config.get("MaskConfig", {}).get("MaskWithCharacter", DEFAULT_MASK)
            if not (isinstance(mask, str) and len(mask) == 1 and mask.isascii()
                    and mask.isprintable() and not mask.isalnum() and not mask.isspace()):
                return "MaskWithCharacter must be one punctuation character"
    if audits > 1:
        return "a data protection policy can have only one Audit statement"
    return None


# -- the policy, as a publish sees it -----------------------------------------------------------


def _policy(topic: Row) -> dict[str, Any] | None:
    text = topic["attributes"].get("DataProtectionPolicy")
    if not text:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _custom(doc: dict[str, Any]) -> dict[str, str]:
    config = doc.get("Configuration") or {}
    return {str(c.get("Name")): str(c.get("Regex")) for c in
            config.get("CustomDataIdentifier") or [] if isinstance(c, dict)}


def _names(principals: Any, principal: str, account: str) -> bool:
    """Whether a statement's Principal list names this caller (or subscriber)."""
    for p in principals if isinstance(principals, list) else [principals]:
        if p in ("*", principal, account, f"arn:aws:iam::{account}:root"):
            return True
    return False


def _account_of(principal: str) -> str:
    parts = principal.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def _statements(doc: dict[str, Any], direction: str, principal: str) -> list[dict[str, Any]]:
    account = _account_of(principal)
    return [st for st in doc.get("Statement") or [] if isinstance(st, dict)
            and st.get("DataDirection") == direction
            and _names(st.get("Principal"), principal, account)]


def _find(st: dict[str, Any], text: str, custom: dict[str, str]) -> list[tuple[str, int, int]]:
    from awslocal_cli.services.sns import sensitive_data

    return sensitive_data.find(st.get("DataIdentifier") or [], text, custom)


def _merged(findings: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for _, start, end in sorted(findings, key=lambda f: (f[1], f[2])):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _deidentify(text: str, spans: list[tuple[int, int]], mask: str | None) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        if mask is not None:
            out.append(mask * (end - start))
        last = end
    out.append(text[last:])
    return "".join(out)


def _refused(topic: Row) -> err.AuthorizationErrorException:
    return err.AuthorizationErrorException(
        f"The topic's data protection policy prohibits this message from being published to "
        f"{topic['arn']}")


# -- inbound: Publish and PublishBatch ----------------------------------------------------------


def inbound(ctx: Context, topic: Row, message_id: str, message: str,
            structure: dict[str, str] | None) -> tuple[str, dict[str, str] | None]:
    """Audit, Deny, then Deidentify a message being published; (message, structure) to send."""
    doc = _policy(topic)
    if doc is None:
        return message, structure
    custom = _custom(doc)
    statements = _statements(doc, "Inbound", ctx.principal)
    for st in statements:
        if "Audit" in (st.get("Operation") or {}):
            _audit(ctx, topic, message_id, st, _find(st, message, custom))
    for st in statements:
        if "Deny" in (st.get("Operation") or {}) and _find(st, message, custom):
            raise _refused(topic)
    for st in statements:
        config = (st.get("Operation") or {}).get("Deidentify")
        if not isinstance(config, dict):
            continue
        mask = None if "RedactConfig" in config else str(
            (config.get("MaskConfig") or {}).get("MaskWithCharacter", DEFAULT_MASK))
        if structure is None:
            message = _deidentify_one(topic, st, message, custom, mask)
        else:
            structure = {k: _deidentify_one(topic, st, v, custom, mask)
                         for k, v in structure.items()}
            message = json.dumps(structure, ensure_ascii=False)
    return message, structure


def _deidentify_one(topic: Row, st: dict[str, Any], text: str, custom: dict[str, str],
                    mask: str | None) -> str:
    spans = _merged(_find(st, text, custom))
    if not spans:
        return text
    if not _deidentify(text, spans, "").strip():
        raise _refused(topic)  # the entire message is sensitive
    return _deidentify(text, spans, mask)


def _sampled(message_id: str, rate: int) -> bool:
    import hashlib

    return int(hashlib.sha256(message_id.encode()).hexdigest()[:8], 16) % 100 < rate


def _destinations(where: dict[str, Any]) -> str:
    parts = []
    for kind, field in (("CloudWatchLogs", "LogGroup"), ("Firehose", "DeliveryStream"),
                        ("S3", "Bucket")):
        target = where.get(kind)
        if isinstance(target, dict):
            parts.append(f"{kind}:{target.get(field, '')}")
    return ", ".join(parts)


def _audit(ctx: Context, topic: Row, message_id: str, st: dict[str, Any],
           findings: list[tuple[str, int, int]]) -> None:
    from awslocal_cli.services.sns import sensitive_data
    from awslocal_cli.services.sns.delivery_log import log

    audit = st["Operation"]["Audit"]
    if not _sampled(message_id, int(audit.get("SampleRate", 0))):
        return
    where = audit.get("FindingsDestination" if findings else "NoFindingsDestination")
    if not isinstance(where, dict):
        return
    record = {
        "messageId": message_id,
        "auditTimestamp": ctx.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "callerPrincipal": ctx.principal,
        "resourceArn": topic["arn"],
        "dataIdentifiers": sensitive_data.summary(findings),
    }
    reason = ", ".join(f"{d['name']} x{d['count']}" for d in record["dataIdentifiers"])
    log(ctx, topic, message_id, None, "", _destinations(where), AUDIT_STATUS,
        f"Findings: {reason}" if findings else "No findings",
        json.dumps(record, separators=(",", ":")))


# -- outbound: each delivery --------------------------------------------------------------------


def outbound_refusal(pub: Publication, sub: Row, message: str) -> str | None:
    """Why an Outbound Deny statement keeps this message from this subscription, or None."""
    doc = _policy(pub.topic)
    if doc is None:
        return None
    custom = _custom(doc)
    for st in _statements(doc, "Outbound", str(sub.get("principal") or "")):
        if "Deny" in (st.get("Operation") or {}) and _find(st, message, custom):
            return (f"The topic's data protection policy prohibits this message from being "
                    f"delivered to {sub['arn']}")
    return None


# -- what `awslocal local findings` shows -------------------------------------------------------


def findings(ctx: Context, *, topic_arn: str | None = None,
             message_id: str | None = None) -> dict[str, Any]:
    """The audit findings of the region's topics, oldest first, as AWS writes them."""
    from awslocal_cli.services.sns.common import moment
    from awslocal_cli.store.sns import delivery as delivery_db

    rows = delivery_db.list_deliveries(ctx.db, ctx.account, ctx.region, topic_arn=topic_arn,
                                       statuses=(AUDIT_STATUS,), message_id=message_id)
    return {"Findings": [{"Time": moment(r["time"]), "Destination": r["endpoint"],
                          **json.loads(r["payload"] or "{}")} for r in rows]}
