"""SNS delivery policies of HTTP/HTTPS endpoints: validation, the effective policy, retry delays.

Departures from AWS: retries are not jittered; the backoff curves are simple closed forms
(linear, arithmetic = quadratic, geometric, exponential) between minDelayTarget and
maxDelayTarget.
"""

from __future__ import annotations

import json

from awslocal_cli.errors import sns as err

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; annotations only
    from typing import Any

Row = dict[str, "Any"]

MAX_RETRY_SECONDS = 3600  # the hard limit on an HTTP/S retry policy's total time

DEFAULT_RETRY = {"minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
                 "numMaxDelayRetries": 0, "numNoDelayRetries": 0, "numMinDelayRetries": 0,
                 "backoffFunction": "linear"}
DEFAULT_HTTP_POLICY = {"defaultHealthyRetryPolicy": DEFAULT_RETRY,
                       "disableSubscriptionOverrides": False,
                       "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}}
_BACKOFF = ("linear", "arithmetic", "geometric", "exponential")
_CONTENT_TYPES = {"text/plain", "application/json", "application/xml"}


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
