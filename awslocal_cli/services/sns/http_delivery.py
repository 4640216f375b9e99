"""SNS delivery to HTTP/HTTPS endpoints: queued requests, attempts and retries.

- HTTP/HTTPS requests are not made inside the publisher's transaction: they are queued in
  `sns_pending` and attempted once the invocation has committed (so an endpoint may call back
  into awslocal, e.g. to confirm a subscription), then retried following the effective
  healthyRetryPolicy. Retries fall due on the local clock: any later `sns` command or
  `awslocal local clock advance` attempts those that are due. An answer of 200-499 within 15
  seconds is a delivery; anything else is a failed attempt (as the SNS docs define it).
- Deliveries to email, email-json, sms, lambda, firehose and application endpoints are
  written to the outbox (`sns_deliveries` rows with status `outbox`) with what AWS would send.

Departures from AWS: HTTPS endpoints are verified against the system trust store, or against
AWSLOCAL_SNS_CA_BUNDLE when it names a PEM file.
"""

from __future__ import annotations

import base64
import json
import os

from awslocal_cli.errors import AwsError
from awslocal_cli.services.sns.delivery_log import log
from awslocal_cli.services.sns.delivery_policy import effective_http_policy, retry_delays
from awslocal_cli.services.sns.sqs_delivery import send_to_queue
from awslocal_cli.store.sns import delivery as delivery_db
from awslocal_cli.store.sns import topics as db


def _printed_time(epoch: float) -> str:
    """A time inside a delivery's reason, written as the tool prints every timestamp (the
    ISO 8601 of `--output json`: `2026-12-07T06:44:09.218000+00:00`)."""
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat()


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

TIMEOUT = 15.0  # seconds SNS waits for an HTTP endpoint to answer
BATCH = 8  # requests claimed at once
# Wall-clock seconds a process holds the requests it claimed: longer than attempting them all
# can take, so no other process attempts them too; after a crash they fall free again.
LEASE = BATCH * TIMEOUT + 30.0
RUN_BUDGET = 30.0  # seconds one command spends starting attempts before it leaves the rest
USER_AGENT = "Amazon Simple Notification Service Agent"


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
    delivery_db.add_pending(ctx.db, {
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
    if delivery_db.has_due(ctx.db, ctx.time()):
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
        claimed = delivery_db.claim_due(ctx.db, ctx.time(), time.time(), LEASE, BATCH)
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
        delivery_db.delete_pending(ctx.db, row["seq"])
        return
    attempts = row["attempts"] + 1
    delays = retry_delays(json.loads(row["retry_policy"]))
    if sub is None and row["message_type"] == "Notification":
        log(ctx, topic, *where, "failed", f"{reason}; the subscription no longer exists")
        delivery_db.delete_pending(ctx.db, row["seq"])
        return
    if attempts <= len(delays):
        when = ctx.time() + delays[attempts - 1]
        log(ctx, topic, *where, "retrying",
            f"{reason}; retry {attempts} of {len(delays)} due at {_printed_time(when)}")
        delivery_db.reschedule_pending(ctx.db, row["seq"], attempts, when)
        return
    log(ctx, topic, *where, "failed",
        f"{reason}; gave up after {attempts} attempts")
    delivery_db.delete_pending(ctx.db, row["seq"])
    redrive = sub["attributes"].get("RedrivePolicy") if sub is not None else None
    if redrive and row["message_type"] == "Notification" and isinstance(body, bytes):
        target = json.loads(redrive).get("deadLetterTargetArn", "")
        problem = send_to_queue(ctx, topic, target, body.decode("utf-8"), None, None, None)
        log(ctx, topic, row["message_id"], row["subscription_arn"], "sqs", target,
            "dead-lettered" if problem is None else "refused", problem)
