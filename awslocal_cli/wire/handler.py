"""One wire request end to end: route, identify, parse, dispatch, render; never raises.

Routing: an `X-Amz-Target` header selects a JSON service by its model's targetPrefix
(`TrentService` KMS, `AmazonSQS` SQS, CloudTrail's long prefix); otherwise the request is the
query protocol (form body or query string with `Action=`), for the service named by the
credential scope (sqs, sns, sts), else the first of SNS, STS, SQS that has the action.
"""

from __future__ import annotations

import os

from awslocal_cli import dispatch
from awslocal_cli import model as models
from awslocal_cli.errors import AwsError, CliError, ConfigurationError, ParamValidationError
from awslocal_cli.wire import jsonproto, query, sigv4, validation
from awslocal_cli.wire import shapes as sh
from awslocal_cli.wire.identity import (
    Credential,
    IncompleteSignature,
    credential,
    profile_for,
)
from awslocal_cli.wire.messages import WireRequest, WireResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

    from awslocal_cli.clock import Clock
    from awslocal_cli.store import StorePool

JSON_SERVICES = ("kms", "sqs", "cloudtrail")
QUERY_SERVICES = ("sns", "sts", "sqs")
# What each service answers for a request that fails validation (AWS's codes for them).
VALIDATION_CODES = {
    "kms": "ValidationException",
    "cloudtrail": "ValidationException",
    "sqs": "InvalidParameterValue",
    "sns": "InvalidParameter",
    "sts": "ValidationError",
}
_targets: dict[str, str] = {}


def _target_services() -> dict[str, str]:
    if not _targets:
        # Filled in one step: a server's other threads must never see part of the table.
        _targets.update({models.load(s)["metadata"]["targetPrefix"]: s for s in JSON_SERVICES})
    return _targets


def _implemented(service: str, operation: str) -> bool:
    return operation in models.load(service)["operations"] and (
        dispatch.operation_function(service, operation) is not None
    )


class _Protocol:
    """How one request's answers are written: JSON for a service, or the query protocol."""

    def __init__(self, kind: str, service: str | None, request_id: str) -> None:
        self.kind = kind
        self.service = service
        self.request_id = request_id

    def error(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        sender_fault: bool = True,
        shape_name: str | None = None,
        fields: dict[str, Any] | None = None,
    ) -> WireResponse:
        service = self.service or ""
        if self.kind == "json":
            status, headers, body = jsonproto.error_response(
                service, code, message, status=status, sender_fault=sender_fault,
                shape_name=shape_name, fields=fields,
            )
        else:
            status, headers, body = query.error_response(
                service, code, message, self.request_id, status=status,
                sender_fault=sender_fault, fields=fields,
            )
        headers["x-amzn-requestid"] = self.request_id
        return WireResponse(status, headers, body)

    def result(self, operation: str, result: dict[str, Any]) -> WireResponse:
        assert self.service is not None
        if self.kind == "json":
            body = jsonproto.serialize_result(self.service, operation, result)
            headers = {"content-type": jsonproto.content_type(self.service)}
        else:
            body = query.serialize_result(self.service, operation, result, self.request_id)
            headers = {"content-type": "text/xml"}
        headers["x-amzn-requestid"] = self.request_id
        return WireResponse(200, headers, body)


def handle_request(
    request: WireRequest,
    *,
    state_dir: str | Path | None,
    environ: Mapping[str, str] | None,
    clock: Clock | None,
    stores: StorePool | None = None,
    verify_signatures: bool = False,
) -> WireResponse:
    import uuid

    request_id = str(uuid.uuid4())
    env = os.environ if environ is None else environ
    protocol = _Protocol("json" if "x-amz-target" in request.headers else "query", None,
                         request_id)
    try:
        return _handle(request, protocol, state_dir, env, clock, stores, verify_signatures)
    except Exception as exc:  # the last line: a client gets an AWS error, never a traceback
        code = "InternalFailure" if protocol.kind == "json" else "InternalError"
        response = protocol.error(
            code, "We encountered an internal error. Please try again.", status=500,
            sender_fault=False,
        )
        response.exception = exc
        return response


def _handle(
    request: WireRequest,
    protocol: _Protocol,
    state_dir: str | Path | None,
    env: Mapping[str, str],
    clock: Clock | None,
    stores: StorePool | None,
    verify_signatures: bool,
) -> WireResponse:
    signer: sigv4.Signer | None = None
    refusal: sigv4.Refused | None = None
    if verify_signatures:
        signer, refusal = authenticate(request, env)
    operation = ""
    if protocol.kind == "json":
        params = _lenient_params(request.query)
        prefix, _, operation = request.headers["x-amz-target"].rpartition(".")
        protocol.service = _target_services().get(prefix)
    else:
        content_type = request.headers.get("content-type", "")
        try:
            params = query.parse_params(request.query) if request.query else {}
            if request.body and (
                "x-www-form-urlencoded" in content_type or not content_type
            ):
                query.parse_params(request.body.decode("utf-8"), into=params)
        except UnicodeDecodeError:
            return protocol.error("MalformedQueryString", "The request body is not UTF-8.")
        except query.MalformedQuery as exc:
            if refusal is not None:
                return refusal_error(protocol, refusal)
            return protocol.error("MalformedQueryString", str(exc), status=400)
        operation = params.get("Action", "")
    if refusal is not None:
        if protocol.kind == "query":
            protocol.service = _guess_query_service(operation, refusal.service)
        return refusal_error(protocol, refusal)
    if verify_signatures:
        cred = None if signer is None else Credential(
            signer.access_key_id, signer.region, signer.service)
    else:
        try:
            cred = credential(request.headers, params)
        except IncompleteSignature as exc:
            protocol.service = protocol.service or _guess_query_service(operation, None)
            code = "IncompleteSignatureException" if protocol.kind == "json" else (
                "IncompleteSignature")
            return protocol.error(code, str(exc))
    if protocol.kind == "query":
        protocol.service = _guess_query_service(operation, cred.service if cred else None)
    from awslocal_cli.context import _valid_region

    if cred is not None and cred.region is not None and not _valid_region(cred.region):
        # What AWS answers (and sigv4.verify refuses) for a scope such as `alice/DATE/x y/...`.
        return refusal_error(protocol, sigv4.Refused(
            sigv4.MISMATCH, "Credential should be scoped to a valid region."))
    if cred is None and protocol.service == "sns" and operation == "ConfirmSubscription":
        cred = _anonymous_confirmation(params)
    if cred is None:
        if protocol.kind == "json":
            return protocol.error(
                "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        return protocol.error(
            "MissingAuthenticationToken", "Request is missing Authentication Token", status=403
        )
    service = protocol.service
    if protocol.kind == "json":
        if service is None or not _implemented(service, operation):
            return protocol.error("UnknownOperationException", "")
    elif not operation:
        return protocol.error("MissingAction", "Missing Action")
    elif service is None or not _implemented(service, operation):
        version = params.get("Version", "")
        return protocol.error(
            "InvalidAction",
            f"Could not find operation {operation} for version {version}",
        )
    assert service is not None
    if signer is not None and signer.service != _signing_name(service):
        return refusal_error(protocol, sigv4.Refused(
            sigv4.MISMATCH,
            f"Credential should be scoped to correct service: '{_signing_name(service)}'. "))
    try:
        if protocol.kind == "json":
            members = jsonproto.parse_body(service, operation, request.body)
        else:
            members = query.parse_request(service, operation, params)
            if service == "sqs":
                _queue_url_from_path(operation, members, request)
    except sh.WireValueError as exc:
        if protocol.kind == "json":  # SQS's JSON answers so too (recorded)
            return protocol.error("SerializationException", str(exc))
        return protocol.error(VALIDATION_CODES[service], str(exc))

    try:
        context = dispatch.open_context(
            region=cred.region,
            profile=signer.name if signer is not None else profile_for(cred.access_key_id, env),
            state_dir=None if state_dir is None else str(state_dir),
            environ=env,
            clock=clock,
            stores=stores,
        )
        context.session.can_park = request.can_park
        context.session.wait_deadline = request.wait_deadline
    except ParamValidationError as exc:
        return protocol.error(VALIDATION_CODES[service], exc.message)
    except ConfigurationError as exc:
        return protocol.error("InternalFailure", exc.message, status=500, sender_fault=False)
    except CliError as exc:  # a region or other request-derived setting the CLI would refuse
        return protocol.error(VALIDATION_CODES[service], exc.message)
    invalid = validation.check(service, operation, members, json_protocol=protocol.kind == "json")
    if invalid is not None:
        return protocol.error(invalid.code, invalid.message)

    def after() -> None:
        try:
            dispatch.finish(context)
        except Exception as exc:  # the answer is already out: report, do not raise into it
            import sys

            sys.stderr.write(f"awslocal: deferred work after {operation} failed: {exc!r}\n")

    from awslocal_cli.context import Parked

    try:
        result = dispatch.call(context, service, operation, members)
    except Parked as parked:  # committed; the front door runs the request again when woken
        response = WireResponse(0, {}, b"")
        response.parked = parked
        return response
    except AwsError as exc:
        response = protocol.error(
            exc.code,
            exc.message,
            status=exc.http_status,
            sender_fault=exc.sender_fault,
            shape_name=type(exc).__name__,
            fields=exc.fields,
        )
        response.after = after
        return response
    except ConfigurationError as exc:
        return protocol.error("InternalFailure", exc.message, status=500, sender_fault=False)
    if service == "sqs" and request.endpoint:
        result = _rewrite_queue_urls(result, request.endpoint)
    response = protocol.result(operation, result)
    response.after = after
    return response


def _lenient_params(text: str) -> dict[str, str]:
    """A JSON request's query string: only read for a credential (the last value wins)."""
    from urllib.parse import parse_qsl

    return dict(parse_qsl(text, keep_blank_values=True)) if text else {}


def authenticate(
    request: WireRequest, env: Mapping[str, str]
) -> tuple[sigv4.Signer | None, sigv4.Refused | None]:
    """Who signed the request: (signer, None), (None, refusal), or (None, None) unsigned.

    The one place serve checks a signature (wire/sigv4.py): against the secret keys of the
    serve owner's credentials, the date against the real time. An aws-chunked body is decoded
    here. Front doors that need no signature (the in-process SDK route, the console's pages)
    never call it.
    """
    try:
        return sigv4.verify(request, env), None
    except sigv4.Refused as exc:
        return None, exc


# (JSON protocol code, query protocol code, query status) of each kind of refusal; JSON
# refusals are 400, as AWS's JSON services answer them.
_REFUSALS = {
    sigv4.UNKNOWN_KEY: ("UnrecognizedClientException", "InvalidClientTokenId", 403),
    sigv4.MISMATCH: ("InvalidSignatureException", "SignatureDoesNotMatch", 403),
    sigv4.INCOMPLETE: ("IncompleteSignatureException", "IncompleteSignature", 400),
    sigv4.EXPIRED: ("InvalidSignatureException", "RequestExpired", 400),
}


def refusal_error(protocol: _Protocol, refusal: sigv4.Refused) -> WireResponse:
    json_code, query_code, query_status = _REFUSALS[refusal.kind]
    if protocol.kind == "json":
        return protocol.error(json_code, refusal.message, status=400)
    return protocol.error(query_code, refusal.message, status=query_status)


def _signing_name(service: str) -> str:
    metadata = models.load(service)["metadata"]
    return metadata.get("signingName") or metadata.get("endpointPrefix") or service


def _guess_query_service(operation: str, scope_service: str | None) -> str | None:
    if scope_service in QUERY_SERVICES:
        return scope_service
    for service in QUERY_SERVICES:
        if operation and _implemented(service, operation):
            return service
    return None


def _anonymous_confirmation(params: Mapping[str, str]) -> Credential | None:
    """ConfirmSubscription as the SubscribeURL calls it: unsigned, as AWS accepts it.

    The region is the topic's (the URL is the topic's regional endpoint); the caller is the
    state's default profile, since an anonymous confirmation names nobody.
    """
    parts = params.get("TopicArn", "").split(":")
    if len(parts) < 6 or not parts[3]:
        return None
    from awslocal_cli.context import DEFAULT_PROFILE

    return Credential(DEFAULT_PROFILE, parts[3], "sns")


def _queue_url_from_path(operation: str, members: dict[str, Any], request: WireRequest) -> None:
    """The query protocol's older form: the queue addressed by the path, not a QueueUrl."""
    ref = models.load("sqs")["operations"][operation].get("input")
    if ref is None or "QueueUrl" in members:
        return
    if "QueueUrl" not in models.load("sqs")["shapes"][ref["shape"]].get("members", {}):
        return
    parts = [p for p in request.path.split("/") if p]
    if len(parts) >= 2:
        base = request.endpoint or "https://sqs.us-east-1.amazonaws.com"
        members["QueueUrl"] = f"{base}/{parts[-2]}/{parts[-1]}"


def _rewrite_url(url: Any, endpoint: str) -> Any:
    """`https://sqs.<region>.amazonaws.com/ACCOUNT/NAME` -> `<endpoint>/ACCOUNT/NAME`."""
    if not isinstance(url, str) or "://" not in url:
        return url
    _, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    if not host.endswith(".amazonaws.com"):
        return url
    return f"{endpoint}/{path}"


def _rewrite_queue_urls(result: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """Queue URLs in a response use the endpoint the client addressed (what SDKs expect)."""
    out = dict(result)
    if "QueueUrl" in out:
        out["QueueUrl"] = _rewrite_url(out["QueueUrl"], endpoint)
    for key in ("QueueUrls", "queueUrls"):
        if isinstance(out.get(key), list):
            out[key] = [_rewrite_url(u, endpoint) for u in out[key]]
    return out
