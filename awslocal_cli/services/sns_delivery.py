"""SNS delivery to endpoints: the signed message envelope, HTTP/HTTPS requests, the outbox.

- Envelopes (Notification, SubscriptionConfirmation, UnsubscribeConfirmation) are signed as
  the Amazon SNS Developer Guide ("Verifying the signatures of Amazon SNS messages")
  describes: the canonical string is `Name\\nValue\\n` for the signed fields in byte order of
  their names, signed with RSA PKCS#1 v1.5 over SHA1 (SignatureVersion 1) or SHA256 (2). The
  key is a local RSA key per account and region; SigningCertURL is a `file://` URL naming its
  self-signed X.509 certificate, written under the state directory.
- HTTP/HTTPS requests are not made inside the publisher's transaction: they are queued in
  `sns_pending` and attempted once the invocation has committed (so an endpoint may call back
  into awslocal, e.g. to confirm a subscription), then retried following the effective
  healthyRetryPolicy. Retries fall due on the local clock: any later `sns` command or
  `awslocal local clock advance` attempts those that are due. An answer of 200-499 within 15
  seconds is a delivery; anything else is a failed attempt (as the SNS docs define it).
- Deliveries to email, email-json, sms, lambda, firehose and application endpoints are
  written to the outbox (`sns_deliveries` rows with status `outbox`) with what AWS would send.
  Payloads of encrypted topics, and queued request bodies, are kept only as ciphertext.

Departures from AWS: retries are not jittered; the backoff curves are simple closed forms
(linear, arithmetic = quadratic, geometric, exponential) between minDelayTarget and
maxDelayTarget; HTTPS endpoints are verified against the system trust store, or against
AWSLOCAL_SNS_CA_BUNDLE when it names a PEM file.
"""

from __future__ import annotations

import base64
import json
import os
from typing import TYPE_CHECKING, Any

from awslocal_cli.errors import AwsError
from awslocal_cli.errors import sns as err
from awslocal_cli.store import sns as db

if TYPE_CHECKING:
    from pathlib import Path

    from awslocal_cli.context import Context

Row = dict[str, Any]

SERVICE = "sns.amazonaws.com"
TIMEOUT = 15.0  # seconds SNS waits for an HTTP endpoint to answer
BATCH = 8  # requests claimed at once
# Wall-clock seconds a process holds the requests it claimed: longer than attempting them all
# can take, so no other process attempts them too; after a crash they fall free again.
LEASE = BATCH * TIMEOUT + 30.0
RUN_BUDGET = 30.0  # seconds one command spends starting attempts before it leaves the rest
MAX_RETRY_SECONDS = 3600  # the hard limit on an HTTP/S retry policy's total time
USER_AGENT = "Amazon Simple Notification Service Agent"
SIGNING_NAME = "sns.amazonaws.com"

DEFAULT_RETRY = {"minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
                 "numMaxDelayRetries": 0, "numNoDelayRetries": 0, "numMinDelayRetries": 0,
                 "backoffFunction": "linear"}
DEFAULT_HTTP_POLICY = {"defaultHealthyRetryPolicy": DEFAULT_RETRY,
                       "disableSubscriptionOverrides": False,
                       "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}}
_BACKOFF = ("linear", "arithmetic", "geometric", "exponential")
_CONTENT_TYPES = {"text/plain", "application/json", "application/xml"}

_NOTIFICATION_SIGNED = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
_CONFIRMATION_SIGNED = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token",
                        "TopicArn", "Type")


# -- the signing key and the signature ------------------------------------------------------------


def certificate_path(ctx: Context, account: str, region: str) -> Path:
    """Where the signing certificate of an account and region is written."""
    return ctx.session.state_dir / "sns" / f"SimpleNotificationService-{account}-{region}.pem"


def _signer(ctx: Context, account: str, region: str) -> tuple[bytes, str]:
    """The private key (PKCS#8 DER) and the SigningCertURL, created on first use."""
    memo = ctx.session.memo
    if ("sns-signer", account, region) in memo:
        return memo[("sns-signer", account, region)]
    from awslocal_cli import crypto

    root = ctx.store.root_key()
    material_id = f"{account}:{region}"
    row = db.get_signing(ctx.db, account, region)
    if row is None:
        private = crypto.generate("RSA_2048")
        pem = crypto.self_signed_certificate(private, SIGNING_NAME, ctx.now()).decode()
        db.put_signing(ctx.db, account, region,
                       crypto.wrap_material(root, "sns-signing", material_id, private), pem,
                       ctx.time())
    else:
        private = crypto.unwrap_material(root, "sns-signing", material_id, row["private_key"])
        pem = row["certificate"]
    path = certificate_path(ctx, account, region)
    from awslocal_cli.store import trust

    trust.check_subdirectory(path.parent)  # sns/: ours, 0700, not a link (issue 12)
    if trust.read_private(path, what="SNS certificate") != pem.encode():
        trust.write_private(path.parent, path.name, pem.encode())
    memo[("sns-signer", account, region)] = (private, path.resolve().as_uri())
    return memo[("sns-signer", account, region)]


def string_to_sign(message: dict[str, Any]) -> bytes:
    """The canonical string an SNS message's Signature covers."""
    names = _NOTIFICATION_SIGNED if message["Type"] == "Notification" else _CONFIRMATION_SIGNED
    return "".join(f"{name}\n{message[name]}\n" for name in names
                   if message.get(name) is not None).encode("utf-8")


def _sign(ctx: Context, topic: Row, message: dict[str, Any]) -> dict[str, Any]:
    """The message with SignatureVersion, Signature and SigningCertURL after its Timestamp."""
    from awslocal_cli import crypto

    version = topic["attributes"].get("SignatureVersion", "1")
    private, url = _signer(ctx, topic["account"], topic["region"])
    algorithm = "RSASSA_PKCS1_V1_5_SHA_256" if version == "2" else "RSASSA_PKCS1_V1_5_SHA_1"
    # A message fanned out to many subscriptions is signed once (UnsubscribeURL is unsigned).
    text = string_to_sign(message)
    key = ("sns-signature", topic["account"], topic["region"], algorithm, text)
    signature = ctx.session.memo.get(key)
    if signature is None:
        signature = ctx.session.memo[key] = crypto.sign(private, algorithm, text)
    out: dict[str, Any] = {}
    for name, value in message.items():
        out[name] = value
        if name == "Timestamp":
            out["SignatureVersion"] = version
            out["Signature"] = base64.b64encode(signature).decode()
            out["SigningCertURL"] = url
    return out


def timestamp(epoch: float) -> str:
    """A time as SNS writes it in messages: ISO 8601 UTC with milliseconds."""
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _moment(epoch: float) -> Any:
    """An epoch as the timezone-aware datetime services return for timestamps."""
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def dumps(message: dict[str, Any]) -> str:
    """JSON as SNS writes its envelopes: two-space indent, `"Name" : value`."""
    return json.dumps(message, indent=2, separators=(",", " : "), ensure_ascii=False)


def _endpoint_url(region: str) -> str:
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
    body = _sign(ctx, topic, body)
    body["UnsubscribeURL"] = (f"{_endpoint_url(topic['region'])}?Action=Unsubscribe&"
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
            "SubscribeURL": f"{_endpoint_url(topic['region'])}?Action=ConfirmSubscription&"
                            f"TopicArn={arn}&Token={token}",
            "Timestamp": timestamp}
    return _sign(ctx, topic, body)


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
                  f"{_endpoint_url(topic['region'])}unsubscribe.html?SubscriptionArn="
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
    db.log_delivery(ctx.db, {
        "account": topic["account"], "region": topic["region"], "time": ctx.time(),
        "message_id": message_id, "topic_arn": topic["arn"], "subscription_arn": sub_arn,
        "protocol": protocol, "endpoint": endpoint, "status": status, "reason": reason,
        "payload": payload, "sealed": int(isinstance(payload, bytes))})


# -- delivery policies ----------------------------------------------------------------------------


def _bad_policy(reason: str) -> err.InvalidParameterException:
    return err.InvalidParameterException(f"Invalid parameter: DeliveryPolicy: {reason}")


def check_retry_policy(policy: Any, where: str) -> None:
    """Validate a healthyRetryPolicy as SNS does (InvalidParameter naming the field)."""
    if not isinstance(policy, dict):
        raise _bad_policy(f"{where} must be an object")
    known = set(DEFAULT_RETRY)
    for name in policy:
        if name not in known:
            raise _bad_policy(f"{where}.{name} is not a valid field")
    values = dict(DEFAULT_RETRY, **policy)
    for name in known - {"backoffFunction"}:
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _bad_policy(f"{where}.{name} must be a non-negative integer")
    if values["backoffFunction"] not in _BACKOFF:
        raise _bad_policy(f"{where}.backoffFunction must be one of {', '.join(_BACKOFF)}")
    if values["minDelayTarget"] < 1 and values["numRetries"] > values["numNoDelayRetries"]:
        raise _bad_policy(f"{where}.minDelayTarget must be at least 1")
    if values["minDelayTarget"] > values["maxDelayTarget"]:
        raise _bad_policy(f"{where}.minDelayTarget must be less than or equal to "
                          "maxDelayTarget")
    if values["numRetries"] > 100:
        raise _bad_policy(f"{where}.numRetries must be less than or equal to 100")
    phases = values["numNoDelayRetries"] + values["numMinDelayRetries"] + \
        values["numMaxDelayRetries"]
    if phases > values["numRetries"]:
        raise _bad_policy(f"{where}.numRetries must be greater than or equal to the sum of "
                          "numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries")
    if sum(retry_delays(values)) > MAX_RETRY_SECONDS:
        raise _bad_policy(f"{where}: the total retry time must not exceed "
                          f"{MAX_RETRY_SECONDS} seconds")


def check_delivery_policy(text: str, *, topic: bool) -> None:
    """Validate a topic's or a subscription's DeliveryPolicy."""
    try:
        doc = json.loads(text)
    except ValueError:
        raise _bad_policy("failed to parse JSON") from None
    if not isinstance(doc, dict):
        raise _bad_policy("must be a JSON object")
    if topic:
        for protocol, section in doc.items():
            if not isinstance(section, dict):
                raise _bad_policy(f"{protocol} must be an object")
            if "defaultHealthyRetryPolicy" in section:
                check_retry_policy(section["defaultHealthyRetryPolicy"],
                                   f"{protocol}.defaultHealthyRetryPolicy")
            _check_request_policy(section.get("defaultRequestPolicy"),
                                  f"{protocol}.defaultRequestPolicy")
        return
    if "healthyRetryPolicy" in doc:
        check_retry_policy(doc["healthyRetryPolicy"], "healthyRetryPolicy")
    _check_request_policy(doc.get("requestPolicy"), "requestPolicy")


def _check_request_policy(policy: Any, where: str) -> None:
    if policy is None:
        return
    content = policy.get("headerContentType") if isinstance(policy, dict) else None
    if content is not None and str(content).split(";", 1)[0].strip() not in _CONTENT_TYPES:
        raise _bad_policy(f"{where}.headerContentType must be one of "
                          f"{', '.join(sorted(_CONTENT_TYPES))}")


def effective_http_policy(topic: Row, sub: Row) -> tuple[dict[str, Any], str]:
    """The healthyRetryPolicy and Content-Type for an HTTP/S subscription."""
    topic_doc = json.loads(topic["attributes"].get("DeliveryPolicy") or "{}").get("http") or {}
    retry = dict(DEFAULT_RETRY, **(topic_doc.get("defaultHealthyRetryPolicy") or {}))
    content = (topic_doc.get("defaultRequestPolicy") or {}).get("headerContentType")
    if not topic_doc.get("disableSubscriptionOverrides"):
        sub_doc = json.loads(sub["attributes"].get("DeliveryPolicy") or "{}")
        retry.update(sub_doc.get("healthyRetryPolicy") or {})
        content = (sub_doc.get("requestPolicy") or {}).get("headerContentType") or content
    return retry, content or "text/plain; charset=UTF-8"


def retry_delays(policy: dict[str, Any]) -> list[float]:
    """The delay before each retry: no-delay, pre-backoff, backoff and post-backoff phases."""
    lo, hi = float(policy["minDelayTarget"]), float(policy["maxDelayTarget"])
    total = int(policy["numRetries"])
    no_delay, pre, post = (int(policy["numNoDelayRetries"]), int(policy["numMinDelayRetries"]),
                           int(policy["numMaxDelayRetries"]))
    steps = max(0, total - no_delay - pre - post)
    function = policy.get("backoffFunction", "linear")
    backoff = []
    for i in range(1, steps + 1):
        share = i / steps
        if function == "arithmetic":
            share = share * share
        elif function == "geometric" and lo > 0:
            backoff.append(round(lo * (hi / lo) ** share, 3))
            continue
        elif function == "exponential":
            share = (2 ** i - 1) / (2 ** steps - 1)
        backoff.append(round(lo + (hi - lo) * share, 3))
    return ([0.0] * no_delay + [lo] * pre + backoff + [hi] * post)[:total]


# -- HTTP/HTTPS requests ------------------------------------------------------------------------


def queue_request(ctx: Context, topic: Row, sub: Row, message_type: str, message_id: str,
                  body: str, raw: bool, data_key: dict[str, Any] | None) -> None:
    """Queue one POST to an HTTP/S endpoint; it is attempted once the invocation commits.

    `data_key` (plaintext, CiphertextBlob, KeyId) seals the body of an encrypted topic's
    notification, so the queued request is only ciphertext until it is attempted.
    """
    retry, content_type = effective_http_policy(topic, sub)
    headers = {"x-amz-sns-message-type": message_type, "x-amz-sns-message-id": message_id,
               "x-amz-sns-topic-arn": topic["arn"]}
    if message_type != "SubscriptionConfirmation":
        headers["x-amz-sns-subscription-arn"] = sub["arn"]
    if raw:
        headers["x-amz-sns-rawdelivery"] = "true"
    headers["Content-Type"] = content_type
    headers["User-Agent"] = USER_AGENT
    stored: bytes = body.encode("utf-8")
    wrapped = kms_key = None
    if data_key is not None:
        from awslocal_cli import crypto

        stored = crypto.seal(data_key["Plaintext"], stored, _aad(message_id, sub["arn"]))
        wrapped, kms_key = data_key["CiphertextBlob"], data_key["KeyId"]
    now = ctx.time()
    db.add_pending(ctx.db, {
        "account": topic["account"], "region": topic["region"], "topic_arn": topic["arn"],
        "subscription_arn": sub["arn"], "endpoint": sub["endpoint"], "message_id": message_id,
        "message_type": message_type, "headers": json.dumps(headers), "body": stored,
        "kms_key_arn": kms_key, "wrapped_key": wrapped, "principal": ctx.principal,
        "retry_policy": json.dumps(retry), "next_attempt": now, "created": now})
    schedule(ctx)


def _aad(message_id: str, sub_arn: str) -> bytes:
    return f"{sub_arn}\n{message_id}".encode()


def schedule(ctx: Context) -> None:
    """Attempt the due requests after this invocation commits (once per invocation)."""
    deferred = ctx.session.deferred
    if run_due not in deferred:
        deferred.append(run_due)


def schedule_if_due(ctx: Context) -> None:
    """Schedule the due requests, if any (after a command that moved or used the clock)."""
    if db.has_due(ctx.db, ctx.time()):
        schedule(ctx)


def run_due(ctx: Context) -> None:
    """Attempt every due request: claim in one transaction, POST outside it, record in another."""
    import time

    session = ctx.session
    deadline = time.monotonic() + RUN_BUDGET
    # Immediate retries fall due again at once; the count and the time budget bound the loop,
    # and what is left stays due for the next command.
    for _ in range(1000):
        if time.monotonic() > deadline:
            return
        claimed = db.claim_due(ctx.db, ctx.time(), time.time(), LEASE, BATCH)
        ready = [(row, _open_body(ctx, row)) for row in claimed]
        session.checkpoint()
        if not ready:
            return
        results = [(row, body, _post(row["endpoint"], json.loads(row["headers"]), body))
                   for row, body in ready]
        for row, body, (ok, reason) in results:
            _record(ctx, row, body, ok, reason)
        session.checkpoint()


def _open_body(ctx: Context, row: Row) -> bytes | str:
    """The request body; an encrypted topic's is decrypted here (KMS Decrypt, via SNS)."""
    if row["kms_key_arn"] is None:
        return bytes(row["body"])
    from awslocal_cli import crypto
    from awslocal_cli.services import kms

    publisher = ctx.derive(account=row["account"], region=row["region"],
                           principal=row["principal"]).via("sns")
    try:
        out = kms.decrypt(publisher, CiphertextBlob=row["wrapped_key"],
                          EncryptionContext={"aws:sns:topicArn": row["topic_arn"]})
        return crypto.open_sealed(out["Plaintext"], bytes(row["body"]),
                                  _aad(row["message_id"], row["subscription_arn"]))
    except AwsError as exc:
        return f"KMS {exc.code}: {exc.message}"
    except crypto.InvalidCiphertext:
        return "the held message could not be decrypted"


def _post(url: str, headers: dict[str, str], body: bytes | str) -> tuple[bool, str]:
    """POST the body; (delivered, what happened)."""
    if isinstance(body, str):  # the body could not be decrypted: a failed attempt
        return False, body
    import http.client
    import ssl
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    request_headers = dict(headers)
    if parts.username is not None:
        # Basic access authentication with the credentials of the endpoint URL.
        userinfo = f"{parts.username}:{parts.password or ''}"
        request_headers["Authorization"] = "Basic " + base64.b64encode(
            userinfo.encode()).decode()
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parts.port:
            netloc += f":{parts.port}"
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        """SNS does not follow redirects: a 3xx answer is the endpoint's answer."""

        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(url, data=body, headers=request_headers, method="POST")
    context = None
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=os.environ.get("AWSLOCAL_SNS_CA_BUNDLE"))
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(
        context=context))
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"The endpoint could not be reached: {reason}"
    if 200 <= status < 500:
        return True, f"HTTP {status}"
    return False, f"The endpoint answered HTTP {status}"


def _record(ctx: Context, row: Row, body: bytes | str, ok: bool, reason: str) -> None:
    topic = {"account": row["account"], "region": row["region"], "arn": row["topic_arn"]}
    sub = db.get_subscription(ctx.db, row["subscription_arn"])
    protocol = row["endpoint"].split(":", 1)[0].lower()
    where = (row["message_id"], row["subscription_arn"], protocol, row["endpoint"])
    if ok:
        log(ctx, topic, *where, "delivered", f"{row['message_type']}: {reason}")
        db.delete_pending(ctx.db, row["seq"])
        return
    attempts = row["attempts"] + 1
    delays = retry_delays(json.loads(row["retry_policy"]))
    if sub is None and row["message_type"] == "Notification":
        log(ctx, topic, *where, "failed", f"{reason}; the subscription no longer exists")
        db.delete_pending(ctx.db, row["seq"])
        return
    if attempts <= len(delays):
        when = ctx.time() + delays[attempts - 1]
        log(ctx, topic, *where, "retrying",
            f"{reason}; retry {attempts} of {len(delays)} due at {timestamp(when)}")
        db.reschedule_pending(ctx.db, row["seq"], attempts, when)
        return
    log(ctx, topic, *where, "failed",
        f"{reason}; gave up after {attempts} attempts")
    db.delete_pending(ctx.db, row["seq"])
    redrive = sub["attributes"].get("RedrivePolicy") if sub is not None else None
    if redrive and row["message_type"] == "Notification" and isinstance(body, bytes):
        target = json.loads(redrive).get("deadLetterTargetArn", "")
        problem = send_to_queue(ctx, topic, target, body.decode("utf-8"), None, None, None)
        log(ctx, topic, row["message_id"], row["subscription_arn"], "sqs", target,
            "dead-lettered" if problem is None else "refused", problem)


# -- queues ---------------------------------------------------------------------------------------

# The SenderId of messages SNS puts in queues (the SNS service's identity in AWS).
SNS_SENDER = "AIDAIT2UOQQY3AUEKVGXU"


def send_to_queue(ctx: Context, topic: Row, queue_arn: str, body: str,
                  attributes: dict[str, dict[str, Any]] | None, group: str | None,
                  dedup: str | None) -> str | None:
    """Put one message in a queue as SNS would; the reason it was refused, or None."""
    import hashlib

    from awslocal_cli.services import sqs

    service = ctx.derive(account=topic["account"]).as_service(SERVICE, source_arn=topic["arn"])
    entry: dict[str, Any] = {"MessageBody": body}
    if attributes:
        entry["MessageAttributes"] = attributes
    if queue_arn.endswith(".fifo"):
        entry["MessageGroupId"] = group or "default"
        entry["MessageDeduplicationId"] = dedup or hashlib.sha256(body.encode()).hexdigest()
    try:
        sqs.deliver(service, queue_arn, entry, SNS_SENDER)
    except AwsError as exc:
        return f"{exc.code}: {exc.message}"
    return None


# -- what `awslocal local deliveries` and `local outbox` show --------------------------------------


def deliveries(ctx: Context, *, topic_arn: str | None = None, status: str | None = None,
               message_id: str | None = None) -> dict[str, Any]:
    """The delivery log of the region, oldest first, and the requests still waiting."""
    rows = db.list_deliveries(ctx.db, ctx.account, ctx.region, topic_arn=topic_arn,
                              statuses=(status,) if status else (), message_id=message_id)
    out: dict[str, Any] = {"Deliveries": [{
        "Time": _moment(r["time"]), "MessageId": r["message_id"], "TopicArn": r["topic_arn"],
        "SubscriptionArn": r["subscription_arn"], "Protocol": r["protocol"],
        "Endpoint": r["endpoint"], "Status": r["status"], "Reason": r["reason"]}
        for r in rows]}
    pending = db.list_pending(ctx.db, ctx.account, ctx.region, topic_arn)
    out["Pending"] = [{"MessageId": r["message_id"], "Type": r["message_type"],
                       "TopicArn": r["topic_arn"], "SubscriptionArn": r["subscription_arn"],
                       "Endpoint": r["endpoint"], "Attempts": r["attempts"],
                       "NextAttempt": _moment(r["next_attempt"])} for r in pending]
    return out


def outbox(ctx: Context, *, protocol: str | None = None, endpoint: str | None = None,
           topic_arn: str | None = None) -> dict[str, Any]:
    """What was sent to email, sms, lambda, firehose and application endpoints."""
    rows = db.list_deliveries(ctx.db, ctx.account, ctx.region, topic_arn=topic_arn,
                              statuses=("outbox",), protocol=protocol, endpoint=endpoint)
    messages = []
    for r in rows:
        payload = r["payload"]
        if r.get("sealed"):
            from awslocal_cli import crypto

            payload = crypto.unwrap_material(ctx.store.root_key(), "sns-outbox",
                                             r["message_id"], payload).decode("utf-8")
        messages.append({"Time": _moment(r["time"]), "MessageId": r["message_id"],
                         "TopicArn": r["topic_arn"] or None,
                         "SubscriptionArn": r["subscription_arn"], "Protocol": r["protocol"],
                         "Endpoint": r["endpoint"], "Payload": payload})
    return {"Messages": messages}
